/* SPDX-License-Identifier: BSD-3-Clause */
/* What the service loop offers the modules it runs (SIP path, ...). */
#ifndef RELAY_SERVICE_H
#define RELAY_SERVICE_H

#include <stdint.h>

#include "iface.h"

struct rte_mbuf;
struct relay_runtime;

/* Sends a frame the service loop built on ifc (consumes m). */
void relay_service_tx(struct relay_runtime *rt, const struct relay_iface *ifc, struct rte_mbuf *m);
/* Asks for the MAC of a next hop (ARP or ND, at most one probe a second). */
void relay_service_resolve(struct relay_runtime *rt, uint8_t iface, uint8_t family,
			   const uint8_t *addr, uint64_t now_us);

#endif
