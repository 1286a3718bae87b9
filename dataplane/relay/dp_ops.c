/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>
#include <siprelay/relay_types.h>

#include <rte_common.h>

#include "streams.h"
#include "config.h"
#include "dp_admin.h"
#include "dp_ops.h"
#include "runtime.h"
#include "rtp_stats.h"
#include "session_table.h"
#include "sip_reg_ops.h"
#include "sip_service.h"
#include "sip_trace.h"

#include <siprelay/sip_proxy.h>

_Static_assert(RELAY_V_MAX <= DP_VERDICT_MAX, "dp_stats.verdicts too small");
_Static_assert(RELAY_LEG_DROP_MAX == DP_DROP_MAX, "drop reasons differ");

static void
hdr_init(struct dp_hdr *h, uint16_t type, uint32_t seq, int32_t status, uint32_t len)
{
	h->magic = DP_PROTO_MAGIC;
	h->version = DP_PROTO_VERSION;
	h->type = type;
	h->seq = seq;
	h->status = status;
	h->len = len;
	h->pad = 0;
}

static void
ep_to_dp(struct dp_addr *d, const struct relay_ep *e)
{
	memset(d, 0, sizeof(*d));
	d->family = e->family;
	d->port = e->port;
	memcpy(d->addr, e->addr, 16);
}

static uint8_t
leg_flags(const struct relay_runtime *rt, uint16_t f)
{
	uint8_t flags = 0;

	if (f & DP_LEG_DEFAULTS)
		flags |= rt->cfg.leg_flags & (RELAY_LEG_STRICT | RELAY_LEG_NO_LATCH);
	if (f & DP_LEG_RTCP_MUX)
		flags |= RELAY_LEG_RTCP_MUX;
	if (f & DP_LEG_STRICT)
		flags |= RELAY_LEG_STRICT;
	if (f & DP_LEG_NO_LATCH)
		flags |= RELAY_LEG_NO_LATCH;
	return flags;
}

static void
set_remote(struct relay_leg *l, const struct dp_leg *d)
{
	memset(l->remote, 0, sizeof(l->remote));
	if (d->remote.family != l->family)
		return; /* unknown yet: the first packet of the peer latches it */
	l->remote[RELAY_COMP_RTP].family = l->family;
	l->remote[RELAY_COMP_RTP].port = d->remote.port;
	memcpy(l->remote[RELAY_COMP_RTP].addr, d->remote.addr, 16);
	l->remote[RELAY_COMP_RTCP] = l->remote[RELAY_COMP_RTP];
	l->remote[RELAY_COMP_RTCP].port = d->remote_rtcp_port ? d->remote_rtcp_port :
				       (uint16_t)(d->remote.port + 1);
}

/* Fill the local side of l from d, allocating a port when none is given. */
static int
build_leg(struct relay_runtime *rt, struct relay_leg *l, const struct dp_leg *d)
{
	char name[sizeof(d->iface) + 1];
	struct relay_iface *ifc = NULL;
	struct relay_key k;
	uint32_t a4, tries;
	unsigned int i;
	int idx;

	memcpy(name, d->iface, sizeof(d->iface));
	name[sizeof(d->iface)] = '\0';
	for (i = 0; i < rt->cfg.n_ifaces; i++)
		if (strcmp(rt->cfg.iface[i].name, name) == 0)
			ifc = &rt->cfg.iface[i];
	if (ifc == NULL)
		return -ENODEV;
	memset(l, 0, sizeof(*l));
	l->iface = ifc->index;
	l->family = d->local.family;
	l->clock_rate = d->clock_rate ? d->clock_rate : 8000;
	l->flags = leg_flags(rt, d->flags);
	if (l->family == RELAY_FAMILY_IPV4) {
		memcpy(&a4, d->local.addr, 4);
		if (a4 == 0)
			a4 = ifc->ip4;
		if (a4 == 0 || !relay_iface_owns4(ifc, a4))
			return -EADDRNOTAVAIL;
		l->local_addr = a4;
	} else if (l->family == RELAY_FAMILY_IPV6) {
		static const uint8_t zero[16];

		idx = memcmp(d->local.addr, zero, 16) == 0 && ifc->n_ip6 ? 0 :
		      relay_iface_ip6_index(ifc, d->local.addr);
		if (idx < 0)
			return -EADDRNOTAVAIL;
		l->local_addr = (uint32_t)idx;
	} else {
		return -EAFNOSUPPORT;
	}
	set_remote(l, d);
	if (d->local.port != 0) {
		l->local_port = d->local.port;
		return (l->local_port & 1) ? -EINVAL : 0;
	}
	/* next free even port of the interface's range, round robin */
	for (tries = 0; tries <= (uint32_t)(ifc->media_hi - ifc->media_lo) / 2u; tries++) {
		l->local_port = ifc->media_next;
		ifc->media_next += 2;
		if (ifc->media_next + 1 > ifc->media_hi || ifc->media_next < ifc->media_lo)
			ifc->media_next = ifc->media_lo;
		relay_key_of_leg(&k, l);
		if (relay_table_find(rt->dp.table, &k, NULL) < 0)
			return 0;
	}
	return -EADDRINUSE;
}

static void
leg_addr(const struct relay_runtime *rt, const struct relay_leg *l, struct dp_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = l->family;
	a->port = l->local_port;
	if (l->family == RELAY_FAMILY_IPV4)
		memcpy(a->addr, &l->local_addr, 4);
	else
		memcpy(a->addr, rt->cfg.iface[l->iface].ip6[l->local_addr], 16);
}

static void
send_event(struct relay_runtime *rt, const struct relay_ops_io *io, uint16_t type,
	   uint32_t handle, const struct relay_stream *s, const char *call_id)
{
	struct dp_event ev;

	memset(&ev, 0, sizeof(ev));
	hdr_init(&ev.h, type, 0, 0, sizeof(ev));
	ev.handle = handle;
	ev.gen = s->gen;
	ev.session_id = s->session_id;
	ev.media_index = s->media_index;
	if (call_id != NULL)
		memcpy(ev.call_id, call_id, sizeof(ev.call_id));
	(void)rt;
	io->event(io->event_arg, &ev, sizeof(ev));
}

static void
do_create(struct relay_runtime *rt, const struct dp_stream_create *c, struct dp_reply *r)
{
	struct relay_stream s;
	int ret, l;

	memset(&s, 0, sizeof(s));
	for (l = 0; l < 2; l++) {
		ret = build_leg(rt, &s.leg[l], &c->leg[l]);
		if (ret < 0)
			goto out;
	}
	s.session_id = c->session_id;
	s.media_index = c->media_index;
	ret = relay_stream_add(rt, &s);
	if (ret >= 0) {
		const struct relay_stream *p = relay_table_get(rt->dp.table, (uint32_t)ret);

		r->handle = (uint32_t)ret;
		r->gen = p->gen;
		for (l = 0; l < 2; l++)
			leg_addr(rt, &p->leg[l], &r->local[l]);
		ret = 0;
	}
out:
	r->session_id = c->session_id;
	r->h.status = ret;
}

static struct relay_stream *
ref_stream(struct relay_runtime *rt, uint32_t handle, uint32_t gen)
{
	struct relay_stream *s = relay_table_get(rt->dp.table, handle);

	return s != NULL && s->gen == gen ? s : NULL;
}

static int
do_update(struct relay_runtime *rt, const struct dp_stream_update *u)
{
	struct relay_stream *s = ref_stream(rt, u->handle, u->gen);
	const uint8_t keep = RELAY_LEG_ACTIVE | RELAY_LEG_LATCHED_RTP | RELAY_LEG_LATCHED_RTCP;
	int l;

	if (s == NULL)
		return -ENOENT;
	/* a re-offer: new signalled remote, and the leg latches again on the next packet */
	for (l = 0; l < 2; l++) {
		if (u->what & DP_UPDATE_FLAGS(l))
			s->leg[l].flags = (uint8_t)((s->leg[l].flags & keep) |
						    leg_flags(rt, u->leg[l].flags));
		if (u->what & DP_UPDATE_REMOTE(l)) {
			set_remote(&s->leg[l], &u->leg[l]);
			s->leg[l].flags &= (uint8_t)~(RELAY_LEG_LATCHED_RTP | RELAY_LEG_LATCHED_RTCP);
		}
	}
	return 0;
}

/* A leg's flags as dataplane.sock names them (DP_LEG_*): the bits differ. */
static uint16_t
dp_leg_flags(uint8_t f)
{
	static const struct {
		uint8_t relay;
		uint16_t dp;
	} map[] = {
		{ RELAY_LEG_RTCP_MUX, DP_LEG_RTCP_MUX },
		{ RELAY_LEG_STRICT, DP_LEG_STRICT },
		{ RELAY_LEG_NO_LATCH, DP_LEG_NO_LATCH },
		{ RELAY_LEG_LATCHED_RTP, DP_LEG_LATCHED_RTP },
		{ RELAY_LEG_LATCHED_RTCP, DP_LEG_LATCHED_RTCP },
		{ RELAY_LEG_NAT, DP_LEG_NAT },
	};
	uint16_t d = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(map); i++)
		if (f & map[i].relay)
			d |= map[i].dp;
	return d;
}

static void
leg_state(const struct relay_runtime *rt, const struct relay_stream *s, unsigned int leg,
	  uint64_t now_us, struct dp_leg_state *d)
{
	const struct relay_leg *l = &s->leg[leg];
	const struct relay_leg_stats *st = &s->stats[leg];
	struct relay_rtp_report rep;
	int c;

	memset(d, 0, sizeof(*d));
	snprintf(d->iface, sizeof(d->iface), "%s", rt->cfg.iface[l->iface].name);
	leg_addr(rt, l, &d->local);
	for (c = 0; c < RELAY_COMP_MAX; c++)
		ep_to_dp(&d->remote[c], &l->remote[c]);
	d->flags = dp_leg_flags(l->flags);
	d->clock_rate = l->clock_rate;
	d->packets = st->packets;
	d->bytes = st->bytes;
	d->rtcp_packets = st->rtcp_packets;
	d->idle_ms = st->last_us ? (now_us - st->last_us) / 1000 : UINT64_MAX;
	for (c = 0; c < DP_DROP_MAX; c++)
		d->drops[c] = s->drops[leg][c];
	relay_rtp_report(&st->rtp, &rep);
	d->ssrc = st->rtp.ssrc;
	d->expected = rep.expected;
	d->received = rep.received;
	d->lost = rep.lost;
	d->jitter = rep.jitter;
}

static void
fill_info(const struct relay_runtime *rt, uint32_t handle, const struct relay_stream *s,
	  uint32_t seq, struct dp_stream_info *i)
{
	uint64_t now = relay_now_us();

	memset(i, 0, sizeof(*i));
	hdr_init(&i->h, DP_STREAM_INFO, seq, 0, sizeof(*i));
	i->handle = handle;
	i->gen = s->gen;
	i->session_id = s->session_id;
	i->media_index = s->media_index;
	leg_state(rt, s, 0, now, &i->leg[0]);
	leg_state(rt, s, 1, now, &i->leg[1]);
}

static void
do_stats(const struct relay_runtime *rt, struct dp_stats *st)
{
	unsigned int w, v;

	st->n_workers = rt->n_workers;
	st->streams = relay_table_count(rt->dp.table);
	st->capacity = relay_table_capacity(rt->dp.table);
	st->bytes_per_stream = (uint32_t)(relay_table_bytes(rt->dp.table) / st->capacity);
	if (rt->sip != NULL) {
		struct relay_sip_counters c;
		struct sr_proxy_stats p;

		relay_sip_counters(rt->sip, &c, &p);
		st->sip_sessions = c.sessions;
		st->sip_ports_in_use = c.ports_in_use;
		st->sip_requests_in = p.requests_in;
		st->sip_responses_in = p.responses_in;
		st->sip_requests_fwd = p.requests_fwd;
		st->sip_responses_fwd = p.responses_fwd;
		for (v = 0; v < RTE_DIM(p.replies_class); v++)
			st->sip_replies += p.replies_class[v];
		st->sip_cps_refused = p.cps_refused;
		for (v = 0; v < SR_PROXY_DROP_MAX; v++)
			st->sip_dropped += p.drop[v];
		st->sip_dropped += c.tx_no_neigh + c.tx_dropped + c.rx_malformed;
		st->sip_sessions_created = p.sessions_created;
		st->sip_sessions_deleted = p.sessions_deleted;
	}
	for (w = 0; w < rt->n_workers; w++) {
		st->events_lost += rt->workers[w]->events_lost;
		for (v = 0; v < RELAY_V_MAX; v++)
			st->verdicts[v] += rt->workers[w]->verdicts[v];
		for (v = 0; v < PF_V_MAX; v++)
			st->prefilter_sw[v] += rt->workers[w]->pf.verdicts[v];
	}
	relay_admin_stats(rt, st); /* the source guard's counters */
}

void
relay_ops_handle(struct relay_runtime *rt, const void *msg, size_t len,
		 const struct relay_ops_io *io)
{
	const struct dp_hdr *h = msg;
	union {
		struct dp_reply r;
		struct dp_hello hello;
		struct dp_stream_info info;
		struct dp_stats st;
	} out;
	static const size_t need[] = {
		[DP_HELLO] = sizeof(struct dp_hello),
		[DP_STREAM_CREATE] = sizeof(struct dp_stream_create),
		[DP_STREAM_UPDATE] = sizeof(struct dp_stream_update),
		[DP_STREAM_DELETE] = sizeof(struct dp_stream_ref),
		[DP_STREAM_QUERY] = sizeof(struct dp_stream_ref),
		[DP_STREAM_LIST] = sizeof(struct dp_hdr),
		[DP_STATS] = sizeof(struct dp_hdr),
	};
	const struct dp_stream_ref *ref = msg;
	struct relay_stream *s;
	uint32_t iter = 0, sent = 0;
	int ret;

	memset(&out, 0, sizeof(out));
	hdr_init(&out.r.h, DP_REPLY, len >= sizeof(*h) ? h->seq : 0, 0, sizeof(out.r));
	if (len < sizeof(*h) || h->magic != DP_PROTO_MAGIC || h->len != len) {
		out.r.h.status = -EBADMSG;
		goto reply;
	}
	if (h->version != DP_PROTO_VERSION) {
		out.r.h.status = -EPROTONOSUPPORT;
		goto reply;
	}
	if (h->type >= DP_TRACE_ADD && h->type <= DP_TRACE_LIST) {
		relay_trace_request(rt, msg, len, io); /* sip_trace_ops.c */
		return;
	}
	if (h->type == DP_REG_LIST) {
		relay_reg_request(rt, msg, len, io); /* sip_reg_ops.c */
		return;
	}
	if (relay_admin_need(h->type) != 0) {
		relay_admin_request(rt, msg, len, io); /* dp_admin.c */
		return;
	}
	if (h->type >= RTE_DIM(need) || need[h->type] == 0 || len < need[h->type]) {
		out.r.h.status = -EOPNOTSUPP;
		goto reply;
	}
	switch (h->type) {
	case DP_HELLO:
		hdr_init(&out.hello.h, DP_HELLO, h->seq, 0, sizeof(out.hello));
		out.hello.version = DP_PROTO_VERSION;
		out.hello.capacity = relay_table_capacity(rt->dp.table);
		out.hello.n_ifaces = rt->cfg.n_ifaces;
		snprintf(out.hello.name, sizeof(out.hello.name), "siprelay-dataplane");
		break;
	case DP_STREAM_CREATE:
		do_create(rt, msg, &out.r);
		if (out.r.h.status == 0)
			send_event(rt, io, DP_EVENT_CREATED, out.r.handle,
				   relay_table_get(rt->dp.table, out.r.handle),
				   ((const struct dp_stream_create *)msg)->call_id);
		break;
	case DP_STREAM_UPDATE:
		out.r.handle = ((const struct dp_stream_update *)msg)->handle;
		out.r.h.status = do_update(rt, msg);
		break;
	case DP_STREAM_DELETE:
		s = ref_stream(rt, ref->handle, ref->gen);
		out.r.handle = ref->handle;
		out.r.h.status = -ENOENT;
		if (s != NULL) {
			struct relay_stream copy = *s;

			ret = relay_stream_del(rt, ref->handle);
			out.r.h.status = ret;
			out.r.session_id = copy.session_id;
			if (ret == 0)
				send_event(rt, io, DP_EVENT_DELETED, ref->handle, &copy, NULL);
		}
		break;
	case DP_STREAM_QUERY:
		s = ref_stream(rt, ref->handle, ref->gen);
		if (s == NULL) {
			out.r.handle = ref->handle;
			out.r.h.status = -ENOENT;
			break;
		}
		fill_info(rt, ref->handle, s, h->seq, &out.info);
		break;
	case DP_STREAM_LIST:
		while ((ret = relay_table_next(rt->dp.table, &iter)) >= 0) {
			fill_info(rt, (uint32_t)ret, relay_table_get(rt->dp.table, (uint32_t)ret),
				  h->seq, &out.info);
			io->reply(io->reply_arg, &out.info, sizeof(out.info));
			sent++;
		}
		memset(&out, 0, sizeof(out));
		hdr_init(&out.r.h, DP_REPLY, h->seq, 0, sizeof(out.r));
		out.r.count = sent;
		break;
	case DP_STATS:
		hdr_init(&out.st.h, DP_STATS, h->seq, 0, sizeof(out.st));
		do_stats(rt, &out.st);
		break;
	}
reply:
	io->reply(io->reply_arg, &out, ((const struct dp_hdr *)&out)->len);
}

void
relay_ops_stats(const struct relay_runtime *rt, struct dp_stats *st)
{
	memset(st, 0, sizeof(*st));
	do_stats(rt, st);
}
