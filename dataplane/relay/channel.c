/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <siprelay/dp_proto.h>
#include <siprelay/sock_perm.h>

#include "channel.h"
#include "dp_ops.h"
#include "runtime.h"
#include "session_table.h"

#define MAX_CLIENTS 8

struct relay_channel {
	int listen_fd;
	int fd[MAX_CLIENTS];     /* -1 = free */
	uint64_t events_dropped; /* a client's socket was full */
	uint64_t refused;        /* peers sock_perm refused */
	struct sock_perm perm;
	char path[108];
};

struct relay_channel *
relay_channel_open(const char *path, uint32_t mode, const char *group, char *err,
		   size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct relay_channel *ch;
	int i, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return NULL;
	}
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		return NULL;
	for (i = 0; i < MAX_CLIENTS; i++)
		ch->fd[i] = -1;
	if (sock_perm_init(&ch->perm, group, err, errlen) < 0) {
		free(ch);
		return NULL;
	}
	snprintf(ch->path, sizeof(ch->path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ch->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ch->listen_fd < 0)
		goto fail;
	unlink(path); /* a stale socket of a previous run */
	ret = sock_perm_bind(&ch->perm, ch->listen_fd, &sa, mode);
	if (ret < 0) {
		errno = -ret;
		goto fail;
	}
	if (listen(ch->listen_fd, MAX_CLIENTS) < 0)
		goto fail;
	return ch;
fail:
	if (errno == EPERM && ch->perm.named)
		snprintf(err, errlen, "%s: cannot give it group %s (not root, not a member)", path,
			 ch->perm.group);
	else
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (ch->listen_fd >= 0)
		close(ch->listen_fd);
	free(ch);
	return NULL;
}

void
relay_channel_close(struct relay_channel *ch)
{
	int i;

	if (ch == NULL)
		return;
	for (i = 0; i < MAX_CLIENTS; i++)
		if (ch->fd[i] >= 0)
			close(ch->fd[i]);
	close(ch->listen_fd);
	unlink(ch->path);
	free(ch);
}

static void
send_to(void *arg, const void *msg, size_t len)
{
	int fd = *(int *)arg;

	/* replies block: a client that asked must read; SEQPACKET keeps boundaries */
	while (send(fd, msg, len, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static void
broadcast(void *arg, const void *msg, size_t len)
{
	relay_channel_broadcast(arg, msg, len);
}

void
relay_channel_broadcast(struct relay_channel *ch, const void *msg, size_t len)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (ch->fd[i] >= 0 && send(ch->fd[i], msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			ch->events_dropped++;
}

/* The mode keeps strangers out of the file; the kernel's credentials say who got in. */
static bool
peer_allowed(struct relay_channel *ch, int fd)
{
	char who[64] = "an unknown peer";
	int ret = sock_perm_check_peer(&ch->perm, fd, who, sizeof(who));

	if (ret == 0)
		return true;
	if (++ch->refused <= 100 || ch->refused % 1000 == 0)
		fprintf(stderr, "siprelay-dataplane: %s: refused %s: %s (allowed: root, uid %u, "
			"group %s; %" PRIu64 " refused so far)\n", ch->path, who,
			ret == -EACCES ? "not allowed" : strerror(-ret),
			(unsigned int)ch->perm.owner, ch->perm.group, ch->refused);
	return false;
}

static void
accept_clients(struct relay_channel *ch)
{
	int fd, i;

	while ((fd = accept4(ch->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		if (!peer_allowed(ch, fd)) {
			close(fd);
			continue;
		}
		for (i = 0; i < MAX_CLIENTS && ch->fd[i] >= 0; i++)
			;
		if (i == MAX_CLIENTS) {
			close(fd); /* full: the client sees EOF */
			continue;
		}
		ch->fd[i] = fd;
	}
}

unsigned int
relay_channel_poll(struct relay_channel *ch, struct relay_runtime *rt, int timeout_ms)
{
	struct pollfd p[MAX_CLIENTS + 1];
	struct relay_ops_io io = {.reply = send_to, .event = broadcast, .event_arg = ch};
	char buf[DP_MSG_MAX];
	unsigned int n = 0, work = 0, i;
	ssize_t len;

	p[n].fd = ch->listen_fd;
	p[n++].events = POLLIN;
	for (i = 0; i < MAX_CLIENTS; i++) {
		p[n].fd = ch->fd[i];
		p[n++].events = POLLIN;
	}
	if (poll(p, n, timeout_ms) <= 0)
		return 0;
	if (p[0].revents & POLLIN)
		accept_clients(ch);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (ch->fd[i] < 0 || !(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		len = recv(ch->fd[i], buf, sizeof(buf), MSG_DONTWAIT);
		if (len <= 0) {
			if (len < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			close(ch->fd[i]);
			ch->fd[i] = -1;
			continue;
		}
		io.reply_arg = &ch->fd[i];
		relay_ops_handle(rt, buf, (size_t)len, &io);
		work++;
	}
	return work;
}

void
relay_channel_latched(struct relay_channel *ch, struct relay_runtime *rt,
		      const struct relay_wev *ev)
{
	const struct relay_stream *s = relay_table_get(rt->dp.table, ev->handle);
	struct dp_event e;

	/* the stream may have been deleted (or its slot reused) since the worker saw it */
	if (s == NULL || s->gen != ev->gen)
		return;
	memset(&e, 0, sizeof(e));
	e.h.magic = DP_PROTO_MAGIC;
	e.h.version = DP_PROTO_VERSION;
	e.h.type = DP_EVENT_LATCHED;
	e.h.len = sizeof(e);
	e.handle = ev->handle;
	e.gen = ev->gen;
	e.session_id = s->session_id;
	e.media_index = s->media_index;
	e.leg = ev->leg_comp >> 1;
	e.comp = ev->leg_comp & 1;
	e.addr.family = ev->family;
	e.addr.port = ev->port;
	memcpy(e.addr.addr, ev->addr, 16);
	relay_channel_broadcast(ch, &e, sizeof(e));
}
