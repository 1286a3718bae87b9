/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "neigh.h"
#include "pkt_rewrite.h"
#include "rtp_path.h"
#include "rtp_relay.h"
#include "rtp_stats.h"
#include "session_table.h"

/* A cached next hop is trusted this long: bounds how stale a changed MAC can be. */
#define NH_CACHE_US 1000

static void
post_event(struct relay_worker *w, const struct relay_wev *ev)
{
	if (rte_ring_enqueue_elem(w->events, (void *)(uintptr_t)ev, sizeof(*ev)) != 0)
		w->events_lost++;
}

static void
post_latched(struct relay_worker *w, const struct relay_stream *s, uint32_t handle,
	     unsigned int leg, enum relay_comp comp, const struct relay_ep *src)
{
	struct relay_wev ev = {
		.type = RELAY_WEV_LATCHED,
		.iface = s->leg[leg].iface,
		.family = src->family,
		.leg_comp = (uint8_t)(leg << 1 | comp),
		.handle = handle,
		.gen = s->gen,
		.port = src->port,
	};

	memcpy(ev.addr, src->addr, 16);
	post_event(w, &ev);
}

static inline bool
addr_eq(const uint8_t *a, const uint8_t *b, size_t alen)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (alen == 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* MAC of the next hop towards dst out of iface, false (and a resolve request) if unknown. */
static bool
next_hop(struct relay_worker *w, const struct relay_iface *ifc, const struct relay_ep *dst,
	 uint64_t now_us, uint8_t mac[6])
{
	struct relay_nh_cache *c = &w->nh[ifc->index];
	const uint8_t *nh = dst->addr;
	size_t alen = dst->family == RELAY_FAMILY_IPV6 ? 16 : 4;
	uint32_t a4;
	struct relay_wev ev;

	if (dst->family == RELAY_FAMILY_IPV4) {
		memcpy(&a4, dst->addr, 4);
		if (!relay_iface_onlink4(ifc, a4) && ifc->gw4 != 0)
			nh = (const uint8_t *)&ifc->gw4;
	} else if (!relay_iface_onlink6(ifc, dst->addr)) {
		nh = ifc->gw6;
	}
	if (c->family == dst->family && now_us < c->expires_us && addr_eq(c->addr, nh, alen)) {
		memcpy(mac, c->mac, 6);
		return true;
	}
	if (relay_neigh_lookup(w->dp->neigh, ifc->index, dst->family, nh, mac)) {
		memcpy(c->addr, nh, alen);
		c->family = dst->family;
		memcpy(c->mac, mac, 6);
		c->expires_us = now_us + NH_CACHE_US;
		return true;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = RELAY_WEV_RESOLVE;
	ev.iface = ifc->index;
	ev.family = dst->family;
	memcpy(ev.addr, nh, alen);
	post_event(w, &ev); /* the service loop rate-limits probes */
	return false;
}

/*
 * The payload's share of the new UDP checksum: patched from the received checksum where
 * the receiving port delivers complete ones (pkt_rewrite.h), otherwise summed.
 */
static inline void
payload_csum(const struct relay_iface *rx, const struct relay_pkt_meta *pm,
	     struct relay_hdr_spec *spec)
{
	const uint8_t *dst;

	spec->payload_csum = RELAY_PCSUM_COMPUTE;
	if (!rx->rx_csum_complete)
		return;
	if (pm->udp_csum == 0) {
		spec->payload_csum = RELAY_PCSUM_NONE; /* IPv4 without one; IPv6 out sums */
		return;
	}
	dst = pm->key.family == RELAY_FAMILY_IPV6 ? rx->ip6[pm->key.addr] :
						    (const uint8_t *)&pm->key.addr;
	spec->payload_sum = relay_udp_payload_sum(pm->src.family, pm->src.addr, dst,
						  rte_cpu_to_be_16(pm->src.port),
						  rte_cpu_to_be_16((uint16_t)(pm->key.port + pm->odd_port)),
						  (uint16_t)(pm->plen + 8), pm->udp_csum);
	spec->payload_csum = RELAY_PCSUM_KNOWN;
}

static void
count_rtp(struct relay_leg_stats *st, uint32_t clock_rate, const uint8_t *pl, uint16_t plen,
	  uint64_t now_us)
{
	uint32_t ssrc, ts;
	uint16_t seq;

	st->packets++;
	/* only version 2 packets with a full fixed header feed RFC 3550 statistics */
	if (plen < 12 || (pl[0] >> 6) != 2)
		return;
	memcpy(&seq, pl + 2, 2);
	memcpy(&ts, pl + 4, 4);
	memcpy(&ssrc, pl + 8, 4);
	relay_rtp_update(&st->rtp, rte_be_to_cpu_32(ssrc), rte_be_to_cpu_16(seq),
			 rte_be_to_cpu_32(ts), (uint32_t)(now_us * clock_rate / 1000000));
}

enum relay_verdict
relay_rtp_forward(struct relay_worker *w, struct rte_mbuf *m, const struct relay_pkt_meta *pm,
		  uint64_t val, uint64_t now_us, unsigned int *out_iface)
{
	uint32_t handle = RELAY_VAL_HANDLE(val);
	struct relay_stream *s = relay_table_streams(w->dp->table) + handle;
	unsigned int l = RELAY_VAL_LEG(val);
	struct relay_leg *in = &s->leg[l], *out = &s->leg[l ^ 1];
	struct relay_leg_stats *st = &s->stats[l];
	const uint8_t *pl = rte_pktmbuf_mtod_offset(m, const uint8_t *, pm->payload_off);
	const struct relay_iface *ifc = &w->dp->iface[out->iface];
	enum relay_comp cin, cout;
	struct relay_hdr_spec spec;
	bool rtcp;
	int off;

	if (pm->odd_port && (in->flags & RELAY_LEG_RTCP_MUX)) {
		s->drops[l][RELAY_LEG_DROP_MUX_PORT]++;
		return RELAY_V_DROP_MUX_PORT;
	}
	/* RFC 5761: on a muxed port, RTCP packet types are 192..223 */
	rtcp = pm->odd_port || (pm->plen >= 2 && pl[1] >= 192 && pl[1] <= 223);
	cin = (rtcp && !(in->flags & RELAY_LEG_RTCP_MUX)) ? RELAY_COMP_RTCP : RELAY_COMP_RTP;
	switch (relay_latch(in, cin, &pm->src, w->dp->relatch_after)) {
	case RELAY_LATCH_DROP:
		s->drops[l][RELAY_LEG_DROP_STRICT]++;
		return RELAY_V_DROP_STRICT;
	case RELAY_LATCH_LATCHED:
		post_latched(w, s, handle, l, cin, &pm->src);
		break;
	case RELAY_LATCH_ACCEPT:
		break;
	}
	st->bytes += pm->plen;
	st->last_us = now_us;
	if (rtcp)
		st->rtcp_packets++;
	else
		count_rtp(st, in->clock_rate, pl, pm->plen, now_us);

	cout = (rtcp && !(out->flags & RELAY_LEG_RTCP_MUX)) ? RELAY_COMP_RTCP : RELAY_COMP_RTP;
	spec.dst = out->remote[cout];
	if (spec.dst.family != out->family || spec.dst.port == 0) {
		s->drops[l][RELAY_LEG_DROP_NO_REMOTE]++;
		return RELAY_V_DROP_NO_REMOTE;
	}
	if (!next_hop(w, ifc, &spec.dst, now_us, spec.dst_mac)) {
		s->drops[l][RELAY_LEG_DROP_NO_NEIGH]++;
		return RELAY_V_DROP_NO_NEIGH;
	}
	memcpy(spec.src_mac, ifc->mac, 6);
	spec.src.family = out->family;
	spec.src.port = out->local_port + (cout == RELAY_COMP_RTCP);
	if (out->family == RELAY_FAMILY_IPV4)
		memcpy(spec.src.addr, &out->local_addr, 4);
	else
		memcpy(spec.src.addr, ifc->ip6[out->local_addr], 16);
	spec.tos = pm->tos;
	spec.ttl = 64;
	spec.no_udp_csum = ifc->tx_udp_csum;
	payload_csum(&w->dp->iface[pm->key.iface], pm, &spec);

	/* new headers end where the payload starts; the mbuf headroom absorbs growth */
	off = (int)m->data_off + pm->payload_off - (int)relay_hdr_len(out->family);
	if (off < 0)
		return RELAY_V_DROP_MALFORMED;
	m->data_off = (uint16_t)off;
	m->data_len = (uint16_t)(relay_hdr_len(out->family) + pm->plen);
	m->pkt_len = m->data_len;
	relay_write_headers(rte_pktmbuf_mtod(m, uint8_t *), pm->plen, &spec);
	if (ifc->tx_udp_csum) {
		m->l2_len = 14;
		m->l3_len = out->family == RELAY_FAMILY_IPV6 ? 40 : 20;
		m->ol_flags = RTE_MBUF_F_TX_UDP_CKSUM | (out->family == RELAY_FAMILY_IPV6 ?
				RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4);
	} else {
		m->ol_flags = 0;
	}
	*out_iface = out->iface;
	return rtcp ? RELAY_V_FWD_RTCP : RELAY_V_FWD_RTP;
}
