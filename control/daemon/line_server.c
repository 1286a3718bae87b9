/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* accept4, vasprintf */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <siprelay/sock_perm.h>

#include "line_server.h"
#include "unix_listen.h"

#define LINE_MAX_LEN 8192
/* a client that does not read its answer for this long is dropped, not waited for */
#define SEND_TIMEOUT_S 2

struct ls_client {
	int fd;
	size_t len;
	char buf[LINE_MAX_LEN];
};

struct line_server {
	line_handler h;
	void *arg;
	int unterminated;
	char *path;
	int fd;
	const struct sock_perm *perm; /* NULL: the file mode alone decides */
	const char *refusal;
	uint64_t refused;
	struct ls_client c[LINE_SERVER_MAX_CLIENTS];
};

struct line_server *
line_server_new(const char *path, line_handler h, void *arg, int unterminated, int *err)
{
	struct line_server *ls = calloc(1, sizeof(*ls));

	if (ls == NULL || (ls->path = strdup(path)) == NULL) {
		free(ls);
		*err = -ENOMEM;
		return NULL;
	}
	ls->h = h;
	ls->arg = arg;
	ls->unterminated = unterminated;
	for (unsigned int i = 0; i < LINE_SERVER_MAX_CLIENTS; i++)
		ls->c[i].fd = -1;
	ls->fd = unix_listen(path, SOCK_STREAM);
	if (ls->fd < 0) {
		*err = ls->fd;
		free(ls->path);
		free(ls);
		return NULL;
	}
	return ls;
}

void
line_server_free(struct line_server *ls)
{
	if (ls == NULL)
		return;
	for (unsigned int i = 0; i < LINE_SERVER_MAX_CLIENTS; i++)
		if (ls->c[i].fd >= 0)
			close(ls->c[i].fd);
	close(ls->fd);
	unlink(ls->path);
	free(ls->path);
	free(ls);
}

int
line_server_set_perm(struct line_server *ls, const struct sock_perm *perm, const char *refusal)
{
	int ret = sock_perm_chgrp(perm, ls->path);

	if (ret < 0)
		return ret;
	ls->perm = perm;
	ls->refusal = refusal;
	return 0;
}

void
line_server_pollfds(const struct line_server *ls, struct pollfd *p)
{
	p[0] = (struct pollfd){ .fd = ls->fd, .events = POLLIN };
	/* slots keep their index so that dispatch maps pollfd i+1 to client i */
	for (unsigned int i = 0; i < LINE_SERVER_MAX_CLIENTS; i++)
		p[i + 1] = (struct pollfd){ .fd = ls->c[i].fd, .events = POLLIN };
}

static void
drop(struct ls_client *c)
{
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static int
send_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Answer one request; -errno when the client is gone. */
static int
answer(struct line_server *ls, struct ls_client *c, const char *line, size_t len)
{
	char *out;
	int ret;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	out = ls->h(ls->arg, line, len);
	if (out == NULL)
		return 0;
	ret = send_all(c->fd, out, strlen(out));
	free(out);
	return ret;
}

static void
on_client(struct line_server *ls, struct ls_client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	char *nl;

	if (n <= 0) {
		drop(c);
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t line = (size_t)(nl - c->buf);

		if (answer(ls, c, c->buf, line) < 0) {
			drop(c);
			return;
		}
		memmove(c->buf, nl + 1, c->len - line - 1);
		c->len -= line + 1;
	}
	if (c->len > 0 && ls->unterminated) {
		if (answer(ls, c, c->buf, c->len) < 0) {
			drop(c);
			return;
		}
		c->len = 0;
	}
	if (c->len == sizeof(c->buf)) {
		static const char too_long[] = "{\"error\":\"request line too long\"}\n";

		send_all(c->fd, too_long, sizeof(too_long) - 1);
		drop(c);
	}
}

/* The kernel's word on who connected, checked against the socket's group. */
static int
peer_allowed(struct line_server *ls, int fd)
{
	char who[64] = "an unknown peer";
	int ret = sock_perm_check_peer(ls->perm, fd, who, sizeof(who));

	if (ret == 0)
		return 1;
	ls->refused++;
	/* one line per refusal: a flood is itself worth seeing, but cap it */
	if (ls->refused <= 100 || ls->refused % 1000 == 0)
		fprintf(stderr, "siprelay-control: %s: refused %s: %s (allowed: root, uid %u, "
			"group %s; %llu refused so far)\n", ls->path, who,
			ret == -EACCES ? "not allowed" : strerror(-ret),
			(unsigned int)ls->perm->owner, ls->perm->group,
			(unsigned long long)ls->refused);
	if (ls->refusal != NULL)
		send(fd, ls->refusal, strlen(ls->refusal), MSG_NOSIGNAL | MSG_DONTWAIT);
	return 0;
}

static void
on_accept(struct line_server *ls)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	int fd = accept4(ls->fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned int i;

	if (fd < 0)
		return;
	if (ls->perm != NULL && !peer_allowed(ls, fd)) {
		close(fd);
		return;
	}
	for (i = 0; i < LINE_SERVER_MAX_CLIENTS && ls->c[i].fd >= 0; i++)
		;
	if (i == LINE_SERVER_MAX_CLIENTS) {
		close(fd); /* busy: the client sees EOF and may retry */
		return;
	}
	/* blocking with a timeout: answers (a long session list) are written in one go */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ls->c[i].fd = fd;
	ls->c[i].len = 0;
}

void
line_server_dispatch(struct line_server *ls, const struct pollfd *p)
{
	for (unsigned int i = 0; i < LINE_SERVER_MAX_CLIENTS; i++)
		if (p[i + 1].fd >= 0 && p[i + 1].fd == ls->c[i].fd && p[i + 1].revents)
			on_client(ls, &ls->c[i]);
	if (p[0].revents & POLLIN)
		on_accept(ls);
}
