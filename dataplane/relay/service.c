/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore's loop: packets the workers hand over (ARP, ND, ICMP), worker events
 * (latched legs, next hops to resolve), neighbour aging, table reclaim and the
 * dataplane.sock channel. It sleeps in the channel's poll when there is nothing to do.
 */
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <siprelay/relay_types.h>

#include "pinholes.h"
#include "arp.h"
#include "channel.h"
#include "neigh.h"
#include "nd.h"
#include "runtime.h"
#include "service.h"
#include "session_table.h"
#include "sip_service.h"

#define SVC_BURST 32
#define AGE_PERIOD_US 1000000

void
relay_service_tx(struct relay_runtime *rt, const struct relay_iface *ifc, struct rte_mbuf *m)
{
	/* the last TX queue of every port is the service loop's own, unless the port had
	 * none to spare: then worker 0 sends the frame on its queue */
	if (ifc->svc_tx != NULL) {
		if (rte_ring_enqueue(ifc->svc_tx, m) != 0)
			rte_pktmbuf_free(m);
	} else if (rte_eth_tx_burst(ifc->port_id, (uint16_t)rt->n_workers, &m, 1) != 1) {
		rte_pktmbuf_free(m);
	}
}

static void
probe(void *arg, uint8_t iface, uint8_t family, const uint8_t *addr)
{
	struct relay_runtime *rt = arg;
	const struct relay_iface *ifc = &rt->cfg.iface[iface];
	struct rte_mbuf *m;
	uint32_t a4;

	if (family == RELAY_FAMILY_IPV4) {
		memcpy(&a4, addr, 4);
		m = relay_arp_request(rt->pool, ifc, a4);
	} else {
		m = relay_nd_solicit(rt->pool, ifc, addr);
	}
	if (m != NULL)
		relay_service_tx(rt, ifc, m);
}

void
relay_service_resolve(struct relay_runtime *rt, uint8_t iface, uint8_t family,
		      const uint8_t *addr, uint64_t now_us)
{
	if (relay_neigh_want_probe(rt->dp.neigh, iface, family, addr, now_us))
		probe(rt, iface, family, addr);
}

/* A UDP datagram to the interface's SIP port (the classifier let it through as such). */
static bool
is_sip(const struct relay_iface *ifc, const struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const void *)f;
	const struct rte_udp_hdr *udp;
	uint32_t off;

	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);

		if (ip->next_proto_id != IPPROTO_UDP)
			return false;
		off = sizeof(*eth) + (ip->version_ihl & 0xf) * 4u;
	} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const void *)(eth + 1);

		if (ip->proto != IPPROTO_UDP)
			return false;
		off = sizeof(*eth) + sizeof(*ip);
	} else {
		return false;
	}
	if (off + sizeof(*udp) > rte_pktmbuf_data_len(m))
		return false;
	udp = (const void *)(f + off);
	return udp->dst_port == rte_cpu_to_be_16(ifc->sip_port);
}

static bool
handle_packet(struct relay_runtime *rt, struct rte_mbuf *m, uint64_t now_us)
{
	const struct relay_iface *ifc = NULL;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	unsigned int i;
	bool reply;

	for (i = 0; i < rt->cfg.n_ifaces; i++)
		if (rt->cfg.iface[i].port_id == m->port)
			ifc = &rt->cfg.iface[i];
	if (ifc == NULL)
		return false;
	if (is_sip(ifc, m)) {
		if (rt->sip == NULL)
			return false;
		relay_sip_input(rt->sip, ifc, m, now_us); /* consumes m */
		return true;
	}
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		reply = relay_arp_input(rt->dp.neigh, ifc, m, now_us);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		reply = relay_icmp4_input(ifc, m);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		reply = relay_nd_input(rt->dp.neigh, ifc, m, now_us);
		break;
	default:
		reply = false;
	}
	if (reply)
		relay_service_tx(rt, ifc, m);
	return reply;
}

/* A strict leg's pinhole admits only its latched source from now on. */
static void
latched_pinhole(struct relay_runtime *rt, const struct relay_wev *ev)
{
	const struct relay_stream *s;

	if (!relay_pinholes_active(&rt->pinholes))
		return;
	s = relay_table_get(rt->dp.table, ev->handle);
	if (s != NULL && s->gen == ev->gen)
		relay_pinholes_latched(&rt->pinholes, &rt->cfg, s, ev->leg_comp >> 1);
}

static void
handle_event(struct relay_runtime *rt, const struct relay_wev *ev, uint64_t now_us)
{
	switch (ev->type) {
	case RELAY_WEV_RESOLVE:
		if (relay_neigh_want_probe(rt->dp.neigh, ev->iface, ev->family, ev->addr, now_us))
			probe(rt, ev->iface, ev->family, ev->addr);
		break;
	case RELAY_WEV_LATCHED:
		rt->events_latched++;
		latched_pinhole(rt, ev);
		if (rt->channel != NULL)
			relay_channel_latched(rt->channel, rt, ev);
		break;
	}
}

unsigned int
relay_service_poll(struct relay_runtime *rt, uint64_t now_us)
{
	struct rte_mbuf *m[SVC_BURST];
	struct relay_wev ev[SVC_BURST];
	unsigned int i, k, n, work = 0;

	for (i = 0; i < rt->n_workers; i++) {
		struct relay_worker *w = rt->workers[i];

		n = rte_ring_dequeue_burst(w->to_service, (void **)m, SVC_BURST, NULL);
		for (k = 0; k < n; k++)
			if (!handle_packet(rt, m[k], now_us))
				rte_pktmbuf_free(m[k]);
		work += n;
		n = rte_ring_dequeue_burst_elem(w->events, ev, sizeof(ev[0]), SVC_BURST, NULL);
		for (k = 0; k < n; k++)
			handle_event(rt, &ev[k], now_us);
		work += n;
	}
	if (now_us - rt->last_age_us >= AGE_PERIOD_US) {
		rt->last_age_us = now_us;
		relay_neigh_age(rt->dp.neigh, now_us, (uint64_t)rt->cfg.neigh_timeout_s * 1000000,
				probe, rt);
	}
	if (rt->sip != NULL)
		relay_sip_tick(rt->sip, now_us);
	relay_table_reclaim(rt->dp.table);
	return work;
}

unsigned int
relay_service_step(struct relay_runtime *rt)
{
	unsigned int work = relay_service_poll(rt, relay_now_us());

	/* idle: wait for a client or 1 ms, whichever comes first */
	if (rt->channel != NULL)
		work += relay_channel_poll(rt->channel, rt, work ? 0 : 1);
	else if (work == 0)
		rte_delay_us_sleep(1000);
	return work;
}
