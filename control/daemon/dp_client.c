/* SPDX-License-Identifier: BSD-3-Clause */
/* dataplane.sock client: connect/hello/resync, synchronous requests, events. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dp_client.h"
#include "registry.h"

/* A data plane that does not answer within this is treated as gone. */
#define DP_TIMEOUT_MS 3000

struct dp_client {
	struct sockaddr_un sa;
	struct registry *reg;
	int fd;
	uint32_t seq;
	uint32_t capacity;
	void (*event_cb)(void *arg, const void *msg, size_t len); /* other events */
	void *event_arg;
	uint32_t connects;
};

struct dp_client *
dp_client_new(const char *path, struct registry *reg)
{
	struct dp_client *dp;

	if (strlen(path) >= sizeof(dp->sa.sun_path))
		return NULL;
	dp = calloc(1, sizeof(*dp));
	if (dp == NULL)
		return NULL;
	dp->sa.sun_family = AF_UNIX;
	memcpy(dp->sa.sun_path, path, strlen(path) + 1);
	dp->reg = reg;
	dp->fd = -1;
	return dp;
}

static void
disconnect(struct dp_client *dp)
{
	if (dp->fd >= 0) {
		close(dp->fd);
		dp->fd = -1;
		fprintf(stderr, "siprelay-control: lost %s, reconnecting\n", dp->sa.sun_path);
	}
}

void
dp_client_free(struct dp_client *dp)
{
	if (dp == NULL)
		return;
	if (dp->fd >= 0)
		close(dp->fd);
	free(dp);
}

void
dp_client_on_event(struct dp_client *dp, void (*cb)(void *arg, const void *msg, size_t len),
		   void *arg)
{
	dp->event_cb = cb;
	dp->event_arg = arg;
}

int dp_client_fd(const struct dp_client *dp) { return dp->fd; }
uint32_t dp_client_capacity(const struct dp_client *dp) { return dp->capacity; }
uint32_t dp_client_connects(const struct dp_client *dp) { return dp->connects; }

static void
on_event(struct dp_client *dp, const void *msg, size_t len)
{
	const struct dp_event *e = msg;
	struct registry_stream s;
	char call_id[sizeof(e->call_id) + 1];

	if (e->h.type != DP_EVENT_CREATED && e->h.type != DP_EVENT_DELETED &&
	    e->h.type != DP_EVENT_LATCHED) {
		if (dp->event_cb != NULL)
			dp->event_cb(dp->event_arg, msg, len);
		return;
	}
	if (len < sizeof(*e))
		return;
	switch (e->h.type) {
	case DP_EVENT_CREATED:
		s = (struct registry_stream){ e->handle, e->gen, e->session_id, e->media_index };
		memcpy(call_id, e->call_id, sizeof(e->call_id));
		call_id[sizeof(e->call_id)] = '\0';
		registry_add(dp->reg, &s, call_id, 1);
		break;
	case DP_EVENT_DELETED:
		registry_del(dp->reg, e->handle, e->gen);
		break;
	default:
		/* LATCHED: the remote shows in the next query; nothing to mirror */
		break;
	}
}

/* Receive one message; 0 = none within timeout_ms, >0 its length, <0 -errno. */
static ssize_t
recv_msg(struct dp_client *dp, void *buf, int timeout_ms)
{
	struct pollfd p = { .fd = dp->fd, .events = POLLIN };
	const struct dp_hdr *h = buf;
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? -errno : 0;
	n = recv(dp->fd, buf, DP_MSG_MAX, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	if ((size_t)n < sizeof(*h) || h->magic != DP_PROTO_MAGIC || h->len != (uint32_t)n)
		return -EBADMSG;
	return n;
}

void
dp_client_on_readable(struct dp_client *dp)
{
	char buf[DP_MSG_MAX];
	ssize_t n;

	while (dp->fd >= 0 && (n = recv_msg(dp, buf, 0)) != 0) {
		if (n < 0) {
			disconnect(dp);
			return;
		}
		if (((const struct dp_hdr *)buf)->type >= DP_EVENT_CREATED)
			on_event(dp, buf, (size_t)n);
	}
}

int
dp_client_request(struct dp_client *dp, void *req, size_t len, uint16_t type, void *reply,
		  size_t reply_len, dp_info_cb cb, void *arg)
{
	struct dp_hdr *rh = req;
	char buf[DP_MSG_MAX];
	const struct dp_hdr *h = (const void *)buf;
	int stop = 0;
	ssize_t n;

	if (dp->fd < 0)
		return -ENOTCONN;
	rh->magic = DP_PROTO_MAGIC;
	rh->version = DP_PROTO_VERSION;
	rh->type = type;
	rh->seq = ++dp->seq ? dp->seq : ++dp->seq; /* 0 is for events */
	rh->status = 0;
	rh->len = (uint32_t)len;
	if (send(dp->fd, req, len, MSG_NOSIGNAL) < 0) {
		n = -errno;
		disconnect(dp);
		return (int)n;
	}
	for (;;) {
		n = recv_msg(dp, buf, DP_TIMEOUT_MS);
		if (n <= 0) {
			disconnect(dp);
			return n == 0 ? -ETIMEDOUT : (int)n;
		}
		if (h->type >= DP_EVENT_CREATED) {
			on_event(dp, buf, (size_t)n);
			continue;
		}
		if (h->seq != rh->seq)
			continue; /* a late reply to a request that timed out */
		if (h->type == DP_STREAM_INFO && type != DP_STREAM_QUERY) {
			if (cb != NULL && !stop && (size_t)n >= sizeof(struct dp_stream_info))
				stop = cb((const void *)buf, arg);
			continue;
		}
		if (h->type == DP_STREAM_INFO && cb != NULL && h->status == 0 &&
		    (size_t)n >= sizeof(struct dp_stream_info))
			cb((const void *)buf, arg);
		if (reply != NULL) {
			memset(reply, 0, reply_len);
			memcpy(reply, buf, (size_t)n < reply_len ? (size_t)n : reply_len);
		}
		return h->status;
	}
}

static int
resync_one(const struct dp_stream_info *i, void *arg)
{
	struct registry_stream s = { i->handle, i->gen, i->session_id, i->media_index };

	registry_add(arg, &s, NULL, 0);
	return 0;
}

int
dp_client_connect(struct dp_client *dp)
{
	struct dp_hello hello;
	struct dp_hdr list;
	int ret;

	if (dp->fd >= 0)
		return 0;
	dp->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (dp->fd < 0)
		return -errno;
	if (connect(dp->fd, (struct sockaddr *)&dp->sa, sizeof(dp->sa)) < 0) {
		ret = -errno;
		close(dp->fd);
		dp->fd = -1;
		return ret;
	}
	memset(&hello, 0, sizeof(hello));
	hello.version = DP_PROTO_VERSION;
	snprintf(hello.name, sizeof(hello.name), "siprelay-control");
	ret = dp_client_request(dp, &hello, sizeof(hello), DP_HELLO, &hello, sizeof(hello),
				NULL, NULL);
	if (ret == 0 && (hello.h.type != DP_HELLO || hello.version != DP_PROTO_VERSION))
		ret = -EPROTONOSUPPORT;
	if (ret < 0)
		goto fail;
	dp->capacity = hello.capacity;
	dp->connects++;
	/* the table may have changed while we were away: start from what is there */
	registry_clear(dp->reg);
	memset(&list, 0, sizeof(list));
	ret = dp_client_request(dp, &list, sizeof(list), DP_STREAM_LIST, NULL, 0, resync_one,
				dp->reg);
	if (ret < 0)
		goto fail;
	fprintf(stderr, "siprelay-control: connected to %s (version %u, capacity %u, "
		"%u streams)\n", dp->sa.sun_path, hello.version, hello.capacity,
		registry_count(dp->reg));
	return 0;
fail:
	if (dp->fd >= 0) {
		close(dp->fd);
		dp->fd = -1;
	}
	return ret;
}
