/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's requests beyond streams (dp_proto.h types 8..14, 20): bans,
 * limits, reload, operator session delete and lookup, the signature rules' page.
 * Called by dp_ops.c, transport-free.
 */
#ifndef RELAY_DP_ADMIN_H
#define RELAY_DP_ADMIN_H

#include <stddef.h>
#include <stdint.h>

struct dp_stats;
struct relay_ops_io;
struct relay_runtime;
struct sr_prefix;

/* Smallest valid request of this type, 0 when the type is not one of these. */
size_t relay_admin_need(uint16_t type);

/* Answers one request of these types (header already checked by dp_ops.c) through
 * io: the reply to the requester, events (a deleted stream) to every client. */
void relay_admin_request(struct relay_runtime *rt, const void *msg, size_t len,
			 const struct relay_ops_io *io);

/*
 * Bans pfx for ttl_s seconds (0: for good) with reason: in the guard's table, in the
 * XDP prefilter's trie and in the workers' software prefilter. Operator bans
 * (DP_BAN_ADD) and automatic ones (sip_security.c) all come here. Returns 1 added,
 * 0 replaced, -errno (no guard, table full, bad prefix).
 */
int relay_ban_add(struct relay_runtime *rt, const struct sr_prefix *pfx, uint32_t ttl_s,
		  const char *reason, uint64_t now);

/* The guard's counters of struct dp_stats. */
void relay_admin_stats(const struct relay_runtime *rt, struct dp_stats *st);

#endif
