/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour cache (ARP for IPv4, ND for IPv6), filled by the service loop from the
 * replies and requests it sees, read lock-free by workers. Entries are never removed
 * from the hash (no RCU needed): aging only invalidates the MAC and re-probes, and
 * the table is sized for the on-link peers of the relay (gateways, lab hosts).
 * The relay resolves neighbours itself on every port type, AF_XDP included, so that
 * it does not depend on the kernel's view of an interface it bypasses.
 */
#ifndef RELAY_NEIGH_H
#define RELAY_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

struct relay_neigh_table;

struct relay_neigh_table *relay_neigh_create(const char *name, uint32_t size, int socket);
void relay_neigh_free(struct relay_neigh_table *n);

/* Worker: MAC of a resolved next hop into mac, true when known. */
bool relay_neigh_lookup(const struct relay_neigh_table *n, uint8_t iface, uint8_t family,
			const uint8_t *addr, uint8_t mac[6]);

/* Service: learn or refresh. create=false only refreshes an existing entry. */
int relay_neigh_update(struct relay_neigh_table *n, uint8_t iface, uint8_t family,
		       const uint8_t *addr, const uint8_t mac[6], uint64_t now_us,
		       bool create, bool permanent);

/* Service: should a probe be sent for this next hop now (at most one a second)? */
bool relay_neigh_want_probe(struct relay_neigh_table *n, uint8_t iface, uint8_t family,
			    const uint8_t *addr, uint64_t now_us);

/* Service: invalidate entries not confirmed for timeout_us; calls probe() for each. */
void relay_neigh_age(struct relay_neigh_table *n, uint64_t now_us, uint64_t timeout_us,
		     void (*probe)(void *arg, uint8_t iface, uint8_t family, const uint8_t *addr),
		     void *arg);

#endif
