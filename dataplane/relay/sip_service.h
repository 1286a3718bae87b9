/* SPDX-License-Identifier: BSD-3-Clause */
/* The inline SIP path of the service loop (see sip_service.c). */
#ifndef RELAY_SIP_SERVICE_H
#define RELAY_SIP_SERVICE_H

#include <stdint.h>

#include "iface.h"

struct rte_mbuf;
struct relay_runtime;
struct relay_sip;
struct relay_security;
struct sr_proxy;
struct sr_proxy_stats;

struct relay_sip_counters {
	uint64_t rx_datagrams;
	uint64_t rx_malformed;     /* not a whole UDP datagram in one segment */
	uint64_t tx_datagrams;
	uint64_t tx_no_neigh;      /* next hop not resolved yet: SIP retransmits */
	uint64_t tx_dropped;       /* no mbuf, no source address for the family */
	uint64_t streams_created;
	uint64_t streams_deleted;
	uint32_t sessions;         /* live calls */
	uint32_t ports_in_use;     /* media ports held, all interfaces */
};

/* From rt->cfg.sip; fails with a reason when no interface has a role. */
int relay_sip_create(struct relay_runtime *rt, struct relay_sip **out, char *err, size_t errlen);
void relay_sip_free(struct relay_sip *s);

/* A frame holding a UDP datagram to ifc's SIP port; consumes m. */
void relay_sip_input(struct relay_sip *s, const struct relay_iface *ifc, struct rte_mbuf *m,
		     uint64_t now_us);
/* Expires half-open sessions. */
void relay_sip_tick(struct relay_sip *s, uint64_t now_us);
void relay_sip_counters(const struct relay_sip *s, struct relay_sip_counters *c,
			struct sr_proxy_stats *proxy);
/* The proxy itself, for the control plane's requests (sessions, live settings). */
struct sr_proxy *relay_sip_proxy(struct relay_sip *s);
/* Its signature rules and automatic bans (sip_security.h). */
struct relay_security *relay_sip_security(struct relay_sip *s);

#endif
