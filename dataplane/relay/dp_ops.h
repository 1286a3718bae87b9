/* SPDX-License-Identifier: BSD-3-Clause */
/* Requests of dp_proto.h applied to a runtime; transport-free so tests call it directly. */
#ifndef RELAY_DP_OPS_H
#define RELAY_DP_OPS_H

#include <stddef.h>

struct relay_runtime;

struct relay_ops_io {
	void (*reply)(void *arg, const void *msg, size_t len);  /* to the requester */
	void *reply_arg;
	void (*event)(void *arg, const void *msg, size_t len);  /* to every client */
	void *event_arg;
};

void relay_ops_handle(struct relay_runtime *rt, const void *msg, size_t len,
		      const struct relay_ops_io *io);

/* The counters of DP_STATS (header left zero), also for DPDK telemetry (telemetry.c). */
struct dp_stats;
void relay_ops_stats(const struct relay_runtime *rt, struct dp_stats *st);

#endif
