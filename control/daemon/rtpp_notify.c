/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "rtpp_cmd.h"
#include "rtpp_notify.h"

#define CONNECT_WAIT_MS 50 /* the poll loop must not stall on a dead notify target */

struct target {
	char *name;
	struct rtpp_notify_addr a;
	int fd;
};

struct rtpp_notify_set {
	struct target t[RTPP_NOTIFY_MAX_TARGETS];
	unsigned int n;
};

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric */
static int
parse_hostport(const char *s, struct rtpp_notify_addr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long port;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host) || colon[1] == '\0')
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > 65535 || errno != 0)
		return -EINVAL;
	memset(&out->sa, 0, sizeof(out->sa));
	if (*s == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->sa;

		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&out->sa;

		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -EINVAL;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*a4);
	}
	return 0;
}

int
rtpp_notify_parse(const char *name, struct rtpp_notify_addr *out)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&out->sa;
	const char *path = name;

	memset(out, 0, sizeof(*out));
	if (strncmp(name, "tcp:", 4) == 0) {
		out->kind = RTPP_NOTIFY_TCP;
		return parse_hostport(name + 4, out);
	}
	if (strncmp(name, "udp:", 4) == 0) {
		out->kind = RTPP_NOTIFY_UDP;
		return parse_hostport(name + 4, out);
	}
	if (strncmp(name, "unix:", 5) == 0)
		path = name + 5;
	else if (strchr(name, ':') != NULL)
		return -EINVAL; /* an unknown scheme, not a path */
	if (path[0] == '\0')
		return -EINVAL;
	if (strlen(path) >= sizeof(un->sun_path))
		return -ENAMETOOLONG;
	out->kind = RTPP_NOTIFY_UNIX;
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, path, strlen(path) + 1);
	out->len = sizeof(*un);
	return 0;
}

struct rtpp_notify_set *
rtpp_notify_set_new(void)
{
	return calloc(1, sizeof(struct rtpp_notify_set));
}

void
rtpp_notify_set_free(struct rtpp_notify_set *set)
{
	if (set == NULL)
		return;
	for (unsigned int i = 0; i < set->n; i++) {
		if (set->t[i].fd >= 0)
			close(set->t[i].fd);
		free(set->t[i].name);
	}
	free(set);
}

int
rtpp_notify_set_add(struct rtpp_notify_set *set, const char *name)
{
	struct target *t;
	int ret;

	if (set->n == RTPP_NOTIFY_MAX_TARGETS)
		return -ENOSPC;
	t = &set->t[set->n];
	ret = rtpp_notify_parse(name, &t->a);
	if (ret < 0)
		return ret;
	/* kept in the canonical "unix:" form so that bare-path commands find it */
	if (t->a.kind == RTPP_NOTIFY_UNIX && strncmp(name, "unix:", 5) != 0) {
		if (asprintf(&t->name, "unix:%s", name) < 0)
			t->name = NULL;
	} else {
		t->name = strdup(name);
	}
	if (t->name == NULL)
		return -ENOMEM;
	t->fd = -1;
	set->n++;
	return 0;
}

unsigned int
rtpp_notify_set_count(const struct rtpp_notify_set *set)
{
	return set->n;
}

const char *
rtpp_notify_set_find(const struct rtpp_notify_set *set, struct sr_slice name)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (rtpp_notify_name_matches(name, set->t[i].name))
			return set->t[i].name;
	return NULL;
}

/* A connected socket to the target, or -errno; waits at most CONNECT_WAIT_MS. */
static int
open_target(const struct rtpp_notify_addr *a)
{
	int type = a->kind == RTPP_NOTIFY_UDP ? SOCK_DGRAM : SOCK_STREAM;
	struct pollfd p;
	int fd, err = 0;
	socklen_t el = sizeof(err);

	fd = socket(a->sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&a->sa, a->len) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		err = -errno;
		close(fd);
		return err;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, CONNECT_WAIT_MS) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0) {
		close(fd);
		return err ? -err : -ETIMEDOUT;
	}
	return fd;
}

/* A kept stream whose peer has gone: the first send would vanish into it. */
static int
peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

int
rtpp_notify_send(struct rtpp_notify_set *set, const char *name, const char *tag)
{
	struct target *t = NULL;
	char msg[RTPP_NOTIFY_TAG_MAX + 2];
	int len, tries;

	for (unsigned int i = 0; i < set->n && t == NULL; i++)
		if (strcmp(set->t[i].name, name) == 0)
			t = &set->t[i];
	if (t == NULL)
		return -ENOENT;
	len = snprintf(msg, sizeof(msg), "%s\n", tag);
	if (len < 0 || (size_t)len >= sizeof(msg))
		return -EINVAL;
	/* a stream target may have closed since the last notification: reconnect once */
	for (tries = 0; tries < 2; tries++) {
		ssize_t n;

		if (t->fd >= 0 && t->a.kind != RTPP_NOTIFY_UDP && peer_closed(t->fd)) {
			close(t->fd);
			t->fd = -1;
		}
		if (t->fd < 0) {
			t->fd = open_target(&t->a);
			if (t->fd < 0) {
				int err = t->fd;

				t->fd = -1;
				return err;
			}
		}
		n = send(t->fd, msg, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == len) {
			if (t->a.kind == RTPP_NOTIFY_UDP) {
				close(t->fd);
				t->fd = -1;
			}
			return 0;
		}
		close(t->fd);
		t->fd = -1;
		if (n >= 0)
			return -EAGAIN; /* a short write on a full buffer: the peer is not reading */
	}
	return -ECONNRESET;
}
