/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny HTTP/1.0 server for Prometheus: GET (or HEAD) /metrics answers with the text a
 * callback makes, anything else gets 404/405/400, and every connection closes after
 * its answer. Non-blocking inside siprelay-control's poll loop: requests are bounded
 * (METRICS_HTTP_REQ_MAX), clients are bounded (the oldest goes when a new one finds the
 * table full), and one silent for METRICS_HTTP_TIMEOUT_MS is dropped at the next event.
 */
#ifndef SIPRELAY_CONTROL_METRICS_HTTP_H
#define SIPRELAY_CONTROL_METRICS_HTTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#define METRICS_HTTP_DEFAULT "127.0.0.1:9464"
#define METRICS_HTTP_MAX_CLIENTS 8
#define METRICS_HTTP_POLLFDS (1 + METRICS_HTTP_MAX_CLIENTS)
#define METRICS_HTTP_REQ_MAX 4096
#define METRICS_HTTP_TIMEOUT_MS 5000

/* The response body (malloc'ed, length in *len), NULL on failure (503). */
typedef char *(*metrics_body_fn)(void *arg, size_t *len);

/*
 * "ADDR:PORT" (IPv4 or "localhost") or "[IPV6]:PORT" into sa. A non-loopback address
 * is refused unless allow_remote. 0, or -EINVAL with the reason in err.
 */
int metrics_http_addr(const char *s, bool allow_remote, struct sockaddr_storage *sa,
		      socklen_t *salen, char *err, size_t errlen);

/*
 * What a request buffer holds so far: 0 = not all of the head yet; otherwise the HTTP
 * status to answer (200 for GET or HEAD /metrics, 400, 404, 405, 431 when the head does
 * not fit in len_max). *head_only is set for HEAD.
 */
int metrics_http_parse(const char *buf, size_t len, size_t len_max, bool *head_only);

struct metrics_http;

struct metrics_http *metrics_http_new(const char *addr, bool allow_remote, metrics_body_fn fn,
				      void *arg, char *err, size_t errlen);
void metrics_http_free(struct metrics_http *m);

/* Writes exactly METRICS_HTTP_POLLFDS entries (unused ones with fd -1). */
void metrics_http_pollfds(const struct metrics_http *m, struct pollfd *p);
void metrics_http_dispatch(struct metrics_http *m, const struct pollfd *p);

uint64_t metrics_http_scrapes(const struct metrics_http *m);

#ifdef __cplusplus
}
#endif

#endif
