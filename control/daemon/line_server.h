/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A SOCK_STREAM Unix socket that answers request lines: control.sock (JSON lines) and
 * rtpproxy.sock in stream mode (what Kamailio's "unix:" rtpproxy_sock speaks). Clients
 * get their answers in order; a slow reader is dropped after a send timeout.
 */
#ifndef SIPRELAY_CONTROL_LINE_SERVER_H
#define SIPRELAY_CONTROL_LINE_SERVER_H

#include <poll.h>
#include <stddef.h>

#define LINE_SERVER_MAX_CLIENTS 32
#define LINE_SERVER_POLLFDS (1 + LINE_SERVER_MAX_CLIENTS)

/* Answer one request (without its newline): a malloc'ed reply ending with '\n', or
 * NULL to send nothing. */
typedef char *(*line_handler)(void *arg, const char *line, size_t len);

struct line_server;

/*
 * unterminated: a read that holds no newline is one request too (Kamailio writes an
 * rtpproxy command without one and waits for the answer). Returns NULL with *err set.
 */
struct line_server *line_server_new(const char *path, line_handler h, void *arg,
				    int unterminated, int *err);
void line_server_free(struct line_server *ls);

struct sock_perm;
/* Give the socket file perm's group and admit only the peers perm allows; a refused
 * peer is logged, gets refusal (when not NULL) and is closed. perm must outlive ls.
 * 0 or -errno from the chgrp. */
int line_server_set_perm(struct line_server *ls, const struct sock_perm *perm,
			 const char *refusal);

/* Writes exactly LINE_SERVER_POLLFDS entries (unused ones with fd -1). */
void line_server_pollfds(const struct line_server *ls, struct pollfd *p);
void line_server_dispatch(struct line_server *ls, const struct pollfd *p);

#endif
