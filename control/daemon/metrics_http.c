/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "metrics_http.h"
#include "metrics_text.h"

struct client {
	int fd;                      /* -1 = free */
	int64_t since_ms;
	size_t in_len;
	char *out;                   /* the whole response once the request is read */
	size_t out_len;
	size_t out_off;
	char in[METRICS_HTTP_REQ_MAX];
};

struct metrics_http {
	int fd;
	metrics_body_fn fn;
	void *arg;
	uint64_t scrapes;
	struct client c[METRICS_HTTP_MAX_CLIENTS];
};

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
bad_addr(char *err, size_t errlen, const char *s, const char *why)
{
	snprintf(err, errlen, "metrics address '%s': %s", s, why);
	return -EINVAL;
}

int
metrics_http_addr(const char *s, bool allow_remote, struct sockaddr_storage *sa,
		  socklen_t *salen, char *err, size_t errlen)
{
	char host[64];
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	unsigned long port;

	memset(sa, 0, sizeof(*sa));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return bad_addr(err, errlen, s, "expected [IPV6]:PORT");
		h = s + 1;
		hlen = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return bad_addr(err, errlen, s, "expected ADDR:PORT");
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return bad_addr(err, errlen, s, "bad address");
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end != '\0' || port == 0 || port > 65535)
		return bad_addr(err, errlen, s, "port must be 1..65535");
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (s[0] != '[') {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return bad_addr(err, errlen, s, "not an IPv4 address (IPv6: [ADDR]:PORT)");
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*salen = sizeof(*in);
		if (!allow_remote && (ntohl(in->sin_addr.s_addr) >> 24) != 127)
			return bad_addr(err, errlen, s, "not a loopback address (the metrics "
					"have no authentication; --metrics-allow-remote to allow it)");
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return bad_addr(err, errlen, s, "not an IPv6 address");
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*salen = sizeof(*in6);
		if (!allow_remote && !IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return bad_addr(err, errlen, s, "not a loopback address (the metrics "
					"have no authentication; --metrics-allow-remote to allow it)");
	}
	return 0;
}

/* The end of the request head ("\r\n\r\n", or "\n\n" from a lenient client). */
static const char *
head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return buf + i;
		if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i;
	}
	return NULL;
}

int
metrics_http_parse(const char *buf, size_t len, size_t len_max, bool *head_only)
{
	const char *nl, *sp1, *sp2, *target;
	size_t line, tlen;

	*head_only = false;
	if (head_end(buf, len) == NULL)
		return len >= len_max ? 431 : 0;
	nl = memchr(buf, '\n', len);
	line = (size_t)(nl - buf);
	if (line > 0 && buf[line - 1] == '\r')
		line--;
	/* METHOD SP request-target SP HTTP-version */
	sp1 = memchr(buf, ' ', line);
	if (sp1 == NULL)
		return 400;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', line - (size_t)(target - buf));
	if (sp2 == NULL || sp2 == target)
		return 400;
	tlen = (size_t)(sp2 - target);
	if ((size_t)(buf + line - (sp2 + 1)) < 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return 400;
	if ((size_t)(sp1 - buf) == 4 && memcmp(buf, "HEAD", 4) == 0)
		*head_only = true;
	else if ((size_t)(sp1 - buf) != 3 || memcmp(buf, "GET", 3) != 0)
		return 405;
	/* "/metrics", with or without a query string */
	if (tlen >= 8 && memcmp(target, "/metrics", 8) == 0 && (tlen == 8 || target[8] == '?'))
		return 200;
	return 404;
}

struct metrics_http *
metrics_http_new(const char *addr, bool allow_remote, metrics_body_fn fn, void *arg, char *err,
		 size_t errlen)
{
	struct sockaddr_storage sa;
	struct metrics_http *m;
	socklen_t salen;
	int one = 1, i;

	if (metrics_http_addr(addr, allow_remote, &sa, &salen, err, errlen) < 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->fn = fn;
	m->arg = arg;
	for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		m->c[i].fd = -1;
	m->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->fd < 0 || setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(m->fd, (struct sockaddr *)&sa, salen) < 0 || listen(m->fd, 16) < 0) {
		snprintf(err, errlen, "metrics %s: %s", addr, strerror(errno));
		if (m->fd >= 0)
			close(m->fd);
		free(m);
		return NULL;
	}
	return m;
}

static void
drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->in_len = c->out_len = c->out_off = 0;
}

void
metrics_http_free(struct metrics_http *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		drop(&m->c[i]);
	close(m->fd);
	free(m);
}

uint64_t metrics_http_scrapes(const struct metrics_http *m) { return m->scrapes; }

void
metrics_http_pollfds(const struct metrics_http *m, struct pollfd *p)
{
	int i;

	p[0] = (struct pollfd){ .fd = m->fd, .events = POLLIN };
	for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		p[1 + i] = (struct pollfd){ .fd = m->c[i].fd,
					    .events = m->c[i].out ? POLLOUT : POLLIN };
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	default: return "Service Unavailable";
	}
}

/* The whole response into c->out. */
static void
respond(struct metrics_http *m, struct client *c, int status, bool head_only)
{
	char *body = NULL, hdr[256];
	const char *ctype = "text/plain; charset=utf-8";
	size_t blen = 0;
	int hlen;

	if (status == 200) {
		m->scrapes++;
		body = m->fn(m->arg, &blen);
		if (body == NULL)
			status = 503;
		else
			ctype = METRICS_CONTENT_TYPE;
	}
	if (body == NULL) {
		char msg[64];

		blen = (size_t)snprintf(msg, sizeof(msg), "%d %s\n", status, reason(status));
		body = strdup(msg);
		if (body == NULL)
			blen = 0;
	}
	hlen = snprintf(hdr, sizeof(hdr), "HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
			"Content-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
			reason(status), ctype, blen, status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (head_only)
		blen = 0;
	c->out = malloc((size_t)hlen + blen);
	if (c->out == NULL) {
		free(body);
		drop(c);
		return;
	}
	memcpy(c->out, hdr, (size_t)hlen);
	if (blen)
		memcpy(c->out + hlen, body, blen);
	c->out_len = (size_t)hlen + blen;
	c->out_off = 0;
	free(body);
}

static void
on_write(struct client *c)
{
	char sink[4096];

	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* POLLOUT brings us back */
		if (n <= 0) {
			drop(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	/* unread request bytes (a head cut at METRICS_HTTP_REQ_MAX) would make close() send
	 * a reset that can destroy the answer before the client reads it: read them away */
	for (int k = 0; k < 16 && recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; k++)
		;
	drop(c); /* HTTP/1.0: the answer ends with the connection */
}

static void
on_read(struct metrics_http *m, struct client *c)
{
	bool head_only;
	ssize_t n;
	int status;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->in_len += (size_t)n;
	status = metrics_http_parse(c->in, c->in_len, sizeof(c->in), &head_only);
	if (status == 0)
		return;
	respond(m, c, status, head_only);
	if (c->fd >= 0)
		on_write(c);
}

static void
accept_clients(struct metrics_http *m)
{
	int fd, i, slot;

	while ((fd = accept4(m->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		slot = 0;
		for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++) {
			if (m->c[i].fd < 0) {
				slot = i;
				break;
			}
			if (m->c[i].since_ms < m->c[slot].since_ms)
				slot = i;
		}
		drop(&m->c[slot]); /* full: the oldest client goes */
		m->c[slot].fd = fd;
		m->c[slot].since_ms = now_ms();
	}
}

void
metrics_http_dispatch(struct metrics_http *m, const struct pollfd *p)
{
	int64_t now = now_ms();
	int i;

	for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++) {
		struct client *c = &m->c[i];

		if (c->fd < 0 || p[1 + i].fd != c->fd)
			continue;
		if (p[1 + i].revents & (POLLERR | POLLNVAL))
			drop(c);
		else if (c->out && (p[1 + i].revents & (POLLOUT | POLLHUP)))
			on_write(c);
		else if (!c->out && (p[1 + i].revents & (POLLIN | POLLHUP)))
			on_read(m, c);
		if (c->fd >= 0 && now - c->since_ms > METRICS_HTTP_TIMEOUT_MS)
			drop(c);
	}
	if (p[0].revents & POLLIN)
		accept_clients(m);
}
