/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore's loop: packets the workers hand over (ARP, ND, ICMP), worker events
 * (latched legs, next hops to resolve), neighbour aging, table reclaim and the
 * dataplane.sock channel. It sleeps in the channel's poll when there is nothing to do.
 */
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <siprelay/relay_types.h>

#include "arp.h"
#include "channel.h"
#include "neigh.h"
#include "nd.h"
#include "runtime.h"
#include "session_table.h"

#define SVC_BURST 32
#define AGE_PERIOD_US 1000000

static void
svc_tx(struct relay_runtime *rt, const struct relay_iface *ifc, struct rte_mbuf *m)
{
	/* the last TX queue of every port is the service loop's own */
	if (rte_eth_tx_burst(ifc->port_id, (uint16_t)rt->n_workers, &m, 1) != 1)
		rte_pktmbuf_free(m);
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
		svc_tx(rt, ifc, m);
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
		svc_tx(rt, ifc, m);
	return reply;
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
