/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses srgen needs from the kernel of its network namespace: the interface's MAC,
 * the next hop toward a destination (/proc/net/route) and that hop's MAC from the
 * neighbour table (/proc/net/arp). The parsers take a FILE so the tests can feed text.
 */
#ifndef SRGEN_NEIGH_H
#define SRGEN_NEIGH_H

#include <stdint.h>
#include <stdio.h>

int neigh_if_mac(const char *ifname, uint8_t mac[6]);

/*
 * Longest-prefix match of dst among ifname's routes in a /proc/net/route table: *hop is
 * the gateway, or dst itself for an on-link route. -ENETUNREACH when none matches.
 */
int neigh_route_parse(FILE *route, const char *ifname, uint32_t dst, uint32_t *hop);

/* ip's complete entry on ifname in a /proc/net/arp table; -ENOENT when there is none. */
int neigh_arp_parse(FILE *arp, const char *ifname, uint32_t ip, uint8_t mac[6]);

/*
 * The MAC to send to dst through ifname. If the neighbour table has no entry yet, one
 * empty datagram to the hop's discard port (9) makes the kernel resolve it; waits up to
 * wait_ms for the answer. -EHOSTUNREACH when it never comes.
 */
int neigh_resolve(const char *ifname, uint32_t dst, uint8_t mac[6], unsigned wait_ms);

#endif
