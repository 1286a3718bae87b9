/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client side of dataplane.sock. Requests are synchronous (the data plane answers
 * from its service loop in microseconds); events that arrive meanwhile, or while the
 * poll loop waits, go to the registry.
 */
#ifndef SIPRELAY_CONTROL_DP_CLIENT_H
#define SIPRELAY_CONTROL_DP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <siprelay/dp_proto.h>

struct dp_client;
struct registry;

/* Called for each DP_STREAM_INFO of a list or query; non-zero stops delivering. */
typedef int (*dp_info_cb)(const struct dp_stream_info *info, void *arg);

struct dp_client *dp_client_new(const char *path, struct registry *reg);
/* Events other than the stream ones (DP_EVENT_TRACE_*...) go to cb (len checked
 * against the header only). */
void dp_client_on_event(struct dp_client *dp, void (*cb)(void *arg, const void *msg, size_t len),
			void *arg);
void dp_client_free(struct dp_client *dp);

/*
 * One connection attempt: connect, hello, resync the registry from DP_STREAM_LIST.
 * 0 when connected; -EPROTONOSUPPORT when the data plane speaks another version
 * (fatal); any other -errno: try again later.
 */
int dp_client_connect(struct dp_client *dp);
int dp_client_fd(const struct dp_client *dp); /* -1 when not connected */
uint32_t dp_client_capacity(const struct dp_client *dp);
/* Successful connects so far: a change means the stream table may be another one. */
uint32_t dp_client_connects(const struct dp_client *dp);

/* The fd is readable: take the events; on EOF/error the client disconnects. */
void dp_client_on_readable(struct dp_client *dp);

/*
 * Send req (its header is filled in here: magic, version, seq, len) and wait for the
 * reply, which is copied to reply (up to reply_len bytes). STREAM_INFO messages go to
 * cb. Returns the reply's status (0 or -errno from the data plane) or -errno locally
 * (-ENOTCONN when disconnected, -ETIMEDOUT).
 */
int dp_client_request(struct dp_client *dp, void *req, size_t len, uint16_t type,
		      void *reply, size_t reply_len, dp_info_cb cb, void *arg);

#endif
