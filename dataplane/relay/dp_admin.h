/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's requests beyond streams (dp_proto.h types 8..14): bans, limits,
 * reload, operator session delete and lookup. Called by dp_ops.c, transport-free.
 */
#ifndef RELAY_DP_ADMIN_H
#define RELAY_DP_ADMIN_H

#include <stddef.h>
#include <stdint.h>

struct dp_stats;
struct relay_ops_io;
struct relay_runtime;

/* Smallest valid request of this type, 0 when the type is not one of these. */
size_t relay_admin_need(uint16_t type);

/* Answers one request of these types (header already checked by dp_ops.c) through
 * io: the reply to the requester, events (a deleted stream) to every client. */
void relay_admin_request(struct relay_runtime *rt, const void *msg, size_t len,
			 const struct relay_ops_io *io);

/* The guard's counters of struct dp_stats. */
void relay_admin_stats(const struct relay_runtime *rt, struct dp_stats *st);

#endif
