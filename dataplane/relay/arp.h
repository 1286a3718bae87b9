/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP and ICMP echo for the relay's own IPv4 addresses (service loop). */
#ifndef RELAY_ARP_H
#define RELAY_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "iface.h"

struct rte_mbuf;
struct rte_mempool;
struct relay_neigh_table;

/*
 * Learn from an ARP frame and, for a request to one of our addresses, turn m into
 * the reply. Returns true when m must be sent back on ifc, false when it is consumed
 * (the caller frees it).
 */
bool relay_arp_input(struct relay_neigh_table *n, const struct relay_iface *ifc,
		     struct rte_mbuf *m, uint64_t now_us);

/* Broadcast request for tip (network order), or NULL when the pool is empty. */
struct rte_mbuf *relay_arp_request(struct rte_mempool *mp, const struct relay_iface *ifc,
				   uint32_t tip);

/* Echo request to one of our addresses: m becomes the reply (true) or is refused. */
bool relay_icmp4_input(const struct relay_iface *ifc, struct rte_mbuf *m);

#endif
