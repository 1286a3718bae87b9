/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inline SIP path: datagrams to an interface's SIP port reach the service loop,
 * which hands them to the stateless proxy (libsipproxy) and sends what it returns. The
 * proxy's media callbacks are implemented here on the stream table, so a call's streams
 * exist before its INVITE leaves the relay, without a round trip to the control process.
 *
 * Everything here runs on the service lcore, the table's only writer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include <siprelay/sip_proxy.h>

#include "streams.h"
#include "neigh.h"
#include "pkt_rewrite.h"
#include "port_pool.h"
#include "runtime.h"
#include "service.h"
#include "session_table.h"
#include "sip_guard.h"
#include "sip_security.h"
#include "sip_service.h"
#include "sip_trace.h"

/* (session, m= line) of the proxy -> stream handle in the table */
struct stream_key {
	uint64_t session_id;
	uint32_t media_index;
	uint32_t pad;
};

struct relay_sip {
	struct relay_runtime *rt;
	struct sr_proxy *proxy;
	struct rte_hash *streams;
	struct relay_sip_counters cnt;
	struct relay_security *sec; /* signature rules, automatic bans (sip_security.h) */
	struct relay_port_pool ports[RELAY_MAX_IFACES];
	char out_buf[2][SR_PROXY_DGRAM_MAX];
};

/* ---- media callbacks of the proxy ---- */

/* A port the pool hands out may be held by a stream made over dataplane.sock
 * (rtpproxy.sock sessions allocate there): it goes back to the pool, whose round-robin
 * cursor has moved on, and the next one is tried. */
static int
port_alloc(void *ctx, uint8_t iface, uint8_t family, uint16_t *port)
{
	struct relay_sip *s = ctx;
	const struct relay_iface *ifc;
	struct relay_key k;
	uint32_t tries;
	int ret;

	(void)family; /* one range per interface serves both families */
	if (iface >= s->rt->cfg.n_ifaces)
		return -ENODEV;
	ifc = &s->rt->cfg.iface[iface];
	for (tries = relay_port_capacity(&s->ports[iface]); tries > 0; tries--) {
		ret = relay_port_alloc(&s->ports[iface], port);
		if (ret < 0)
			return ret;
		memset(&k, 0, sizeof(k));
		k.iface = iface;
		k.port = *port;
		k.family = ifc->ip4 ? RELAY_FAMILY_IPV4 : RELAY_FAMILY_IPV6;
		k.addr = ifc->ip4;
		if (relay_table_find(s->rt->dp.table, &k, NULL) < 0)
			return 0;
		relay_port_release(&s->ports[iface], *port);
	}
	return -EADDRINUSE;
}

static void
port_release(void *ctx, uint8_t iface, uint8_t family, uint16_t port)
{
	struct relay_sip *s = ctx;

	(void)family;
	if (iface < RELAY_MAX_IFACES)
		relay_port_release(&s->ports[iface], port);
}

static bool
ep_is_zero(const struct relay_ep *e)
{
	static const uint8_t zero[16];

	return memcmp(e->addr, zero, e->family == RELAY_FAMILY_IPV6 ? 16 : 4) == 0;
}

/* A proxy leg as a table leg. A remote that is unknown, of the other family or a hold
 * address (0.0.0.0) leaves the leg without a destination: its peer's packets are dropped
 * until the party sends and is latched. */
static int
leg_from_proxy(const struct relay_sip *s, const struct sr_proxy_leg *p, struct relay_leg *l)
{
	const struct relay_iface *ifc;
	int idx;

	if (p->iface >= s->rt->cfg.n_ifaces)
		return -ENODEV;
	ifc = &s->rt->cfg.iface[p->iface];
	memset(l, 0, sizeof(*l));
	l->iface = p->iface;
	l->family = p->local.family;
	l->local_port = p->local.port;
	l->clock_rate = 8000;
	l->flags = s->rt->cfg.leg_flags & (RELAY_LEG_STRICT | RELAY_LEG_NO_LATCH);
	if (p->rtcp_mux)
		l->flags |= RELAY_LEG_RTCP_MUX;
	if (p->nat) /* what a party behind NAT signals is unreachable: follow what it sends */
		l->flags = (uint8_t)((l->flags & ~RELAY_LEG_NO_LATCH) | RELAY_LEG_NAT);
	if (l->family == RELAY_FAMILY_IPV4) {
		memcpy(&l->local_addr, p->local.addr, 4);
	} else if (l->family == RELAY_FAMILY_IPV6) {
		idx = relay_iface_ip6_index(ifc, p->local.addr);
		if (idx < 0)
			return -EADDRNOTAVAIL;
		l->local_addr = (uint32_t)idx;
	} else {
		return -EAFNOSUPPORT;
	}
	if (p->remote.family == l->family && !ep_is_zero(&p->remote) && p->remote.port != 0) {
		l->remote[RELAY_COMP_RTP] = p->remote;
		l->remote[RELAY_COMP_RTCP] = p->remote;
		l->remote[RELAY_COMP_RTCP].port = p->remote_rtcp_port ? p->remote_rtcp_port :
						  (uint16_t)(p->remote.port + 1);
	}
	return 0;
}

/* A re-offer or an answer on a live stream: new destinations and flags. A leg whose
 * signalled remote changed latches again on the next packet from its party. */
static void
update_stream(struct relay_stream *cur, const struct relay_stream *want)
{
	const uint8_t keep = RELAY_LEG_ACTIVE | RELAY_LEG_LATCHED_RTP | RELAY_LEG_LATCHED_RTCP;
	int l;

	for (l = 0; l < 2; l++) {
		struct relay_leg *c = &cur->leg[l];
		const struct relay_leg *w = &want->leg[l];

		if (memcmp(c->remote, w->remote, sizeof(c->remote)) != 0 &&
		    w->remote[RELAY_COMP_RTP].family != RELAY_FAMILY_NONE) {
			memcpy(c->remote, w->remote, sizeof(c->remote));
			c->flags &= (uint8_t)~(RELAY_LEG_LATCHED_RTP | RELAY_LEG_LATCHED_RTCP);
		}
		c->flags = (uint8_t)((c->flags & keep) | (w->flags & (uint8_t)~keep));
	}
}

static int
stream_set(void *ctx, uint64_t session_id, uint32_t media_index, const struct sr_proxy_leg leg[2])
{
	struct relay_sip *s = ctx;
	struct stream_key k = { session_id, media_index, 0 };
	struct relay_stream want;
	void *data;
	int ret, l;

	memset(&want, 0, sizeof(want));
	for (l = 0; l < 2; l++) {
		ret = leg_from_proxy(s, &leg[l], &want.leg[l]);
		if (ret < 0)
			return ret;
	}
	want.session_id = session_id;
	want.media_index = media_index;
	if (rte_hash_lookup_data(s->streams, &k, &data) >= 0) {
		struct relay_stream *cur = relay_table_get(s->rt->dp.table, (uint32_t)(uintptr_t)data);

		if (cur == NULL)
			return -ENOENT;
		update_stream(cur, &want);
		return 0;
	}
	ret = relay_stream_add(s->rt, &want);
	if (ret < 0)
		return ret;
	if (rte_hash_add_key_data(s->streams, &k, (void *)(uintptr_t)ret) < 0) {
		relay_stream_del(s->rt, (uint32_t)ret);
		return -ENOSPC;
	}
	s->cnt.streams_created++;
	return 0;
}

static void
stream_del(void *ctx, uint64_t session_id, uint32_t media_index)
{
	struct relay_sip *s = ctx;
	struct stream_key k = { session_id, media_index, 0 };
	void *data;

	if (rte_hash_lookup_data(s->streams, &k, &data) < 0)
		return;
	relay_stream_del(s->rt, (uint32_t)(uintptr_t)data);
	rte_hash_del_key(s->streams, &k);
	s->cnt.streams_deleted++;
}

/* The interface whose link holds dst, else -1 (the proxy then picks by role). */
static int
route_iface(void *ctx, const struct relay_ep *dst)
{
	const struct relay_sip *s = ctx;
	unsigned int i;
	uint32_t a4;

	for (i = 0; i < s->rt->cfg.n_ifaces; i++) {
		const struct relay_iface *ifc = &s->rt->cfg.iface[i];

		if (dst->family == RELAY_FAMILY_IPV4) {
			memcpy(&a4, dst->addr, 4);
			if (relay_iface_onlink4(ifc, a4))
				return (int)i;
		} else if (dst->family == RELAY_FAMILY_IPV6 && relay_iface_onlink6(ifc, dst->addr)) {
			return (int)i;
		}
	}
	return -1;
}

/* ---- packets ---- */

/* The UDP datagram of a frame the classifier sent here (IPv4 or IPv6, no fragment). */
static int
datagram_of(struct rte_mbuf *m, struct relay_ep *src, const char **data, uint32_t *len)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t flen = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth = (const void *)f;
	const struct rte_udp_hdr *udp;
	uint32_t off;

	memset(src, 0, sizeof(*src));
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + sizeof(*eth));

		off = sizeof(*eth) + (ip->version_ihl & 0xf) * 4u;
		src->family = RELAY_FAMILY_IPV4;
		memcpy(src->addr, &ip->src_addr, 4);
	} else {
		const struct rte_ipv6_hdr *ip = (const void *)(f + sizeof(*eth));

		off = sizeof(*eth) + sizeof(*ip);
		src->family = RELAY_FAMILY_IPV6;
		memcpy(src->addr, ip->src_addr, 16);
	}
	if (off + sizeof(*udp) > flen)
		return -EINVAL;
	udp = (const void *)(f + off);
	src->port = rte_be_to_cpu_16(udp->src_port);
	*len = rte_be_to_cpu_16(udp->dgram_len);
	if (*len < sizeof(*udp) || off + *len > flen)
		return -EINVAL;
	*len -= sizeof(*udp);
	*data = (const char *)(udp + 1);
	return 0;
}

/* The next hop's MAC for dst on ifc; asks the service loop to probe when unknown. */
static bool
next_hop_mac(struct relay_sip *s, const struct relay_iface *ifc, const struct relay_ep *dst,
	     uint8_t mac[6], uint64_t now_us)
{
	const uint8_t *nh = dst->addr;
	uint32_t a4;

	if (dst->family == RELAY_FAMILY_IPV4) {
		memcpy(&a4, dst->addr, 4);
		if (!relay_iface_onlink4(ifc, a4)) {
			if (ifc->gw4 == 0)
				return false;
			if (ifc->gw4_mac_static) {
				memcpy(mac, ifc->gw4_mac, 6);
				return true;
			}
			nh = (const uint8_t *)&ifc->gw4;
		}
	} else if (!relay_iface_onlink6(ifc, dst->addr)) {
		if (ifc->gw6_mac_static) {
			memcpy(mac, ifc->gw6_mac, 6);
			return true;
		}
		nh = ifc->gw6;
	}
	if (relay_neigh_lookup(s->rt->dp.neigh, ifc->index, dst->family, nh, mac))
		return true;
	relay_service_resolve(s->rt, ifc->index, dst->family, nh, now_us);
	return false;
}

static void
send_datagram(struct relay_sip *s, const struct sr_proxy_out *o, uint64_t now_us)
{
	const struct relay_iface *ifc;
	struct relay_hdr_spec spec;
	struct rte_mbuf *m;
	unsigned int hlen;
	uint8_t *p;

	if (o->iface >= s->rt->cfg.n_ifaces) {
		s->cnt.tx_dropped++;
		return;
	}
	ifc = &s->rt->cfg.iface[o->iface];
	memset(&spec, 0, sizeof(spec));
	spec.src.family = o->dst.family;
	spec.src.port = ifc->sip_port;
	if (o->dst.family == RELAY_FAMILY_IPV4 && ifc->ip4 != 0)
		memcpy(spec.src.addr, &ifc->ip4, 4);
	else if (o->dst.family == RELAY_FAMILY_IPV6 && ifc->n_ip6 > 0)
		memcpy(spec.src.addr, ifc->ip6[0], 16);
	else {
		s->cnt.tx_dropped++;
		return;
	}
	spec.dst = o->dst;
	spec.ttl = 64;
	memcpy(spec.src_mac, ifc->mac, 6);
	/* SIP retransmits: a datagram waiting for ARP is simply dropped and sent again */
	if (!next_hop_mac(s, ifc, &o->dst, spec.dst_mac, now_us)) {
		s->cnt.tx_no_neigh++;
		return;
	}
	hlen = relay_hdr_len(o->dst.family);
	m = rte_pktmbuf_alloc(s->rt->pool);
	p = m ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hlen + o->len)) : NULL;
	if (p == NULL) {
		rte_pktmbuf_free(m);
		s->cnt.tx_dropped++;
		return;
	}
	memcpy(p + hlen, o->buf, o->len);
	relay_write_headers(p, (uint16_t)o->len, &spec);
	relay_trace_sip(s->rt, ifc, DP_TRACE_OUT, p, hlen + o->len);
	relay_service_tx(s->rt, ifc, m);
	s->cnt.tx_datagrams++;
}

/* An on-link sender's MAC is the next hop of the answer and of every later message to
 * it: learn it from the frame, so that a reply does not wait for ARP. */
static void
glean(struct relay_sip *s, const struct relay_iface *ifc, struct rte_mbuf *m,
      const struct relay_ep *src, uint64_t now_us)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t a4;

	if (src->family == RELAY_FAMILY_IPV4) {
		memcpy(&a4, src->addr, 4);
		if (!relay_iface_onlink4(ifc, a4))
			return;
	} else if (!relay_iface_onlink6(ifc, src->addr)) {
		return;
	}
	relay_neigh_update(s->rt->dp.neigh, ifc->index, src->family, src->addr,
			   eth->src_addr.addr_bytes, now_us, true, false);
}

/* The signature rules and automatic bans on what an access-side source sends (after
 * the guard, before the proxy). True: the datagram stops here, perhaps answered. */
static bool
security_check(struct relay_sip *s, const struct sr_proxy_pkt *in, struct sr_proxy_out *out,
	       uint64_t now_us)
{
	enum relay_sec_verdict v;

	v = relay_security_check(s->sec, &in->src, in->data, in->len, now_us, out->buf, out->cap,
				 &out->len);
	if (v == RELAY_SEC_REJECT) {
		out->iface = in->iface;
		out->dst = in->src;
		send_datagram(s, out, now_us);
	}
	return v != RELAY_SEC_PASS;
}

void
relay_sip_input(struct relay_sip *s, const struct relay_iface *ifc, struct rte_mbuf *m,
		uint64_t now_us)
{
	struct sr_proxy_out out[2];
	struct sr_proxy_pkt in;
	unsigned int n, i;
	bool access;

	s->cnt.rx_datagrams++;
	relay_trace_sip(s->rt, ifc, DP_TRACE_IN, rte_pktmbuf_mtod(m, const void *),
			rte_pktmbuf_data_len(m));
	if (!rte_pktmbuf_is_contiguous(m) || datagram_of(m, &in.src, &in.data, &in.len) < 0) {
		s->cnt.rx_malformed++;
		rte_pktmbuf_free(m);
		return;
	}
	in.iface = ifc->index;
	access = s->rt->cfg.sip.role[ifc->index] == RELAY_ROLE_ACCESS;
	if (relay_guard_drop(s->rt->guard, access, &in.src, in.data, in.len, now_us)) {
		rte_pktmbuf_free(m); /* banned or over its rate: counted by the guard */
		return;
	}
	glean(s, ifc, m, &in.src, now_us);
	for (i = 0; i < RTE_DIM(out); i++)
		out[i] = (struct sr_proxy_out){ .buf = s->out_buf[i], .cap = sizeof(s->out_buf[i]) };
	if (access && security_check(s, &in, out, now_us)) {
		rte_pktmbuf_free(m); /* dropped or answered by the rules or an automatic ban */
		return;
	}
	n = sr_proxy_input(s->proxy, &in, out, RTE_DIM(out), now_us);
	rte_pktmbuf_free(m);
	for (i = 0; i < n; i++) {
		if (s->rt->cfg.sip.role[out[i].iface < RELAY_MAX_IFACES ? out[i].iface : 0] ==
		    RELAY_ROLE_ACCESS)
			relay_security_sent(s->sec, &out[i].dst, out[i].buf, out[i].len, now_us);
		send_datagram(s, &out[i], now_us);
	}
}

void
relay_sip_tick(struct relay_sip *s, uint64_t now_us)
{
	struct sr_proxy_out out[2];
	unsigned int n, i;

	sr_proxy_tick(s->proxy, now_us);
	/* binding expiry and keepalives to phones behind NAT */
	do {
		for (i = 0; i < RTE_DIM(out); i++)
			out[i] = (struct sr_proxy_out){ .buf = s->out_buf[i], .cap = sizeof(s->out_buf[i]) };
		n = sr_proxy_reg_tick(s->proxy, out, RTE_DIM(out), now_us);
		for (i = 0; i < n; i++)
			send_datagram(s, &out[i], now_us);
	} while (n == RTE_DIM(out));
	relay_trace_tick(s->rt, now_us);
}

void
relay_sip_counters(const struct relay_sip *s, struct relay_sip_counters *c,
		   struct sr_proxy_stats *proxy)
{
	unsigned int i;

	*c = s->cnt;
	c->sessions = sr_proxy_session_count(s->proxy);
	c->ports_in_use = 0;
	for (i = 0; i < s->rt->cfg.n_ifaces; i++)
		c->ports_in_use += s->ports[i].in_use;
	if (proxy != NULL)
		*proxy = *sr_proxy_stats_get(s->proxy);
}

struct sr_proxy *
relay_sip_proxy(struct relay_sip *s)
{
	return s->proxy;
}

struct relay_security *
relay_sip_security(struct relay_sip *s)
{
	return s->sec;
}

/* ---- life cycle ---- */

static int
proxy_config(const struct relay_runtime *rt, struct sr_proxy_config *pc, char *err, size_t len)
{
	const struct relay_sip_settings *st = &rt->cfg.sip;
	unsigned int i;

	sr_proxy_config_init(pc);
	for (i = 0; i < rt->cfg.n_ifaces; i++) {
		const struct relay_iface *ifc = &rt->cfg.iface[i];
		struct sr_proxy_iface *pi;

		if (st->role[i] == RELAY_ROLE_NONE)
			continue;
		pi = &pc->iface[pc->n_ifaces++];
		pi->index = ifc->index;
		pi->role = st->role[i] == RELAY_ROLE_ACCESS ? SR_PROXY_ACCESS : SR_PROXY_CORE;
		pi->sip.port = ifc->sip_port;
		if (ifc->ip4 != 0) {
			pi->sip.family = RELAY_FAMILY_IPV4;
			memcpy(pi->sip.addr, &ifc->ip4, 4);
			inet_ntop(AF_INET, &ifc->ip4, pi->media_addr, sizeof(pi->media_addr));
		} else {
			pi->sip.family = RELAY_FAMILY_IPV6;
			memcpy(pi->sip.addr, ifc->ip6[0], 16);
			inet_ntop(AF_INET6, ifc->ip6[0], pi->media_addr, sizeof(pi->media_addr));
		}
	}
	pc->upstream = st->upstream;
	pc->cps_limit = st->cps_limit;
	pc->cps_burst = st->cps_burst;
	pc->max_sessions = st->max_sessions;
	pc->on_exhaustion = st->bypass_on_exhaustion ? SR_PROXY_EXHAUST_BYPASS : SR_PROXY_EXHAUST_REFUSE;
	pc->retry_after = st->retry_after_s;
	pc->half_open_us = (uint64_t)st->half_open_s * 1000000;
	pc->record_route = st->record_route;
	pc->strip_ice = st->strip_ice;
	pc->force_rport = st->force_rport;
	snprintf(pc->server, sizeof(pc->server), "%s", st->server);
	pc->max_bindings = st->max_bindings;
	pc->keepalive = st->keepalive;
	pc->keepalive_interval_s = st->keepalive_interval_s;
	pc->keepalive_max_missed = st->keepalive_max_missed;
	if (pc->n_ifaces == 0) {
		snprintf(err, len, "no interface has a SIP role");
		return -EINVAL;
	}
	return 0;
}

int
relay_sip_create(struct relay_runtime *rt, struct relay_sip **out, char *err, size_t errlen)
{
	static const struct sr_proxy_media_ops ops = {
		.port_alloc = port_alloc,
		.port_release = port_release,
		.stream_set = stream_set,
		.stream_del = stream_del,
		.route_iface = route_iface,
	};
	struct rte_hash_parameters hp = {
		.name = "sip_streams",
		.key_len = sizeof(struct stream_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};
	struct sr_proxy_config pc;
	struct relay_sip *s;
	unsigned int i;
	int ret;

	*out = NULL;
	ret = proxy_config(rt, &pc, err, errlen);
	if (ret < 0)
		return ret;
	s = rte_zmalloc("relay_sip", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		snprintf(err, errlen, "SIP proxy: out of memory");
		return -ENOMEM;
	}
	s->rt = rt;
	for (i = 0; i < rt->cfg.n_ifaces; i++) {
		const struct relay_iface *ifc = &rt->cfg.iface[i];

		if (relay_port_pool_init(&s->ports[i], ifc->media_lo, ifc->media_hi) < 0) {
			snprintf(err, errlen, "interface %s: media_ports too narrow", ifc->name);
			ret = -EINVAL;
			goto fail;
		}
	}
	hp.entries = pc.max_sessions * SR_PROXY_MAX_STREAMS;
	s->streams = rte_hash_create(&hp);
	s->proxy = s->streams ? sr_proxy_create(&pc, &ops, s) : NULL;
	if (s->proxy == NULL) {
		snprintf(err, errlen, "SIP proxy: cannot create its tables (max_sessions %u)",
			 pc.max_sessions);
		ret = -ENOMEM;
		goto fail;
	}
	ret = relay_security_create(rt, &s->sec, err, errlen); /* compiles the rules file */
	if (ret < 0) {
		sr_proxy_destroy(s->proxy);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	rte_hash_free(s->streams);
	rte_free(s);
	return ret;
}

void
relay_sip_free(struct relay_sip *s)
{
	if (s == NULL)
		return;
	sr_proxy_destroy(s->proxy); /* deletes every stream through the callbacks */
	relay_security_free(s->sec);
	rte_hash_free(s->streams);
	rte_free(s);
}
