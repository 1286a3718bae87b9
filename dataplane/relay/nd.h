/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 neighbour discovery (RFC 4861) and echo for the relay's own addresses. */
#ifndef RELAY_ND_H
#define RELAY_ND_H

#include <stdbool.h>
#include <stdint.h>

#include "iface.h"

struct rte_mbuf;
struct rte_mempool;
struct relay_neigh_table;

/* Learn from NS/NA; answer NS for our addresses and echo requests in place (true). */
bool relay_nd_input(struct relay_neigh_table *n, const struct relay_iface *ifc,
		    struct rte_mbuf *m, uint64_t now_us);

/* Neighbour solicitation for addr to its solicited-node multicast group. */
struct rte_mbuf *relay_nd_solicit(struct rte_mempool *mp, const struct relay_iface *ifc,
				  const uint8_t *addr);

#endif
