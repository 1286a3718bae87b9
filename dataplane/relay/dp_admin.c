/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>
#include <siprelay/guard.h>
#include <siprelay/sip_proxy.h>

#include "pinholes.h"
#include "prefilter_sw.h"
#include "prefilter_cfg.h"
#include "streams.h"
#include "config_reload.h"
#include "dp_admin.h"
#include "dp_ops.h"
#include "runtime.h"
#include "session_table.h"
#include "sip_guard.h"
#include "sip_security.h"
#include "sip_service.h"

_Static_assert(sizeof(struct dp_ban_list) <= DP_MSG_MAX, "dp_ban_list too big");
_Static_assert(sizeof(struct dp_session) <= DP_MSG_MAX, "dp_session too big");
_Static_assert(sizeof(struct sr_prefix) == sizeof(uint32_t) + 16, "prefix layout");
_Static_assert(DP_BAN_REASON_MAX == SR_BAN_REASON_MAX, "reason sizes differ");

/* Streams one session delete may find over dataplane.sock; a call has a few. */
#define DELETE_MAX 64

size_t
relay_admin_need(uint16_t type)
{
	switch (type) {
	case DP_BAN_ADD:
	case DP_BAN_DEL:
		return sizeof(struct dp_ban);
	case DP_BAN_LIST:
		return offsetof(struct dp_ban_list, e);
	case DP_LIMITS:
		return sizeof(struct dp_limits);
	case DP_RELOAD:
		return sizeof(struct dp_hdr);
	case DP_SESSION_DELETE:
	case DP_SESSION_FIND:
		return sizeof(struct dp_session);
	case DP_RULES_LIST:
		return offsetof(struct dp_rules_list, e);
	default:
		return 0;
	}
}

static void
reply_hdr(struct dp_hdr *h, uint16_t type, uint32_t seq, uint32_t len)
{
	h->magic = DP_PROTO_MAGIC;
	h->version = DP_PROTO_VERSION;
	h->type = type;
	h->seq = seq;
	h->status = 0;
	h->len = len;
	h->pad = 0;
}

/* The table refuses host bits past the length (sr_ban_add) rather than guess. */
static int
prefix_of(const struct dp_ban_entry *e, struct sr_prefix *p)
{
	if (e->len > 128)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->len = e->len;
	memcpy(p->addr, e->addr, 16);
	return 0;
}

int
relay_ban_add(struct relay_runtime *rt, const struct sr_prefix *pfx, uint32_t ttl_s,
	      const char *reason, uint64_t now)
{
	struct sr_ban b;
	int ret;

	if (rt->guard == NULL)
		return -EOPNOTSUPP;
	memset(&b, 0, sizeof(b));
	b.pfx = *pfx;
	snprintf(b.reason, sizeof(b.reason), "%s", reason);
	b.added_us = now;
	b.expires_us = ttl_s ? now + (uint64_t)ttl_s * 1000000 : 0;
	ret = sr_ban_add(rt->guard->g.bans, &b);
	if (ret < 0)
		return ret;
	/* the same ban in XDP, so that the source's traffic stops before the data plane */
	relay_pinholes_ban(&rt->pinholes, &b.pfx, ttl_s);
	relay_pf_soft_publish_bans(rt); /* and for the workers of ports without XDP */
	return ret;
}

static int
ban_add(struct relay_runtime *rt, const struct dp_ban *req, struct dp_reply *r, uint64_t now)
{
	struct sr_prefix p;
	int ret;

	if (prefix_of(&req->b, &p) < 0)
		return -EINVAL;
	if (memchr(req->b.reason, '\0', sizeof(req->b.reason)) == NULL)
		return -EINVAL;
	ret = relay_ban_add(rt, &p, req->b.ttl_s, req->b.reason, now);
	if (ret < 0)
		return ret;
	r->count = (uint32_t)ret;
	return 0;
}

static void
entry_of(const struct sr_ban *b, uint64_t now, struct dp_ban_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->len = b->pfx.len;
	memcpy(e->addr, b->pfx.addr, 16);
	e->remaining_ms = b->expires_us == 0 ? -1 :
			  (int64_t)((b->expires_us > now ? b->expires_us - now : 0) / 1000);
	e->age_ms = (now - b->added_us) / 1000;
	e->hits = b->hits;
	memcpy(e->reason, b->reason, sizeof(e->reason));
}

static void
ban_list(struct relay_runtime *rt, const struct dp_ban_list *req, struct dp_ban_list *r,
	 uint64_t now)
{
	struct sr_ban_table *t = rt->guard->g.bans;
	uint32_t i = req->cursor;

	relay_guard_sweep(rt->guard, now);
	while (r->n < DP_BAN_LIST_MAX && i < sr_ban_count(t))
		entry_of(sr_ban_at(t, i++), now, &r->e[r->n++]);
	r->cursor = i;
	r->more = i < sr_ban_count(t);
	r->total = sr_ban_count(t);
	r->capacity = sr_ban_capacity(t);
}

static int
limits(struct relay_runtime *rt, const struct dp_limits *req, struct dp_limits *r, uint64_t now)
{
	struct relay_sip_settings *st = &rt->cfg.sip;
	struct sr_proxy *p = rt->sip != NULL ? relay_sip_proxy(rt->sip) : NULL;
	uint32_t w = req->what;
	int ret = 0;

	if (w & ~(DP_LIMIT_CPS | DP_LIMIT_CPS_BURST | DP_LIMIT_SOURCE_RATE | DP_LIMIT_SOURCE_BURST))
		return -EINVAL;
	if (((w & DP_LIMIT_CPS) && req->cps_limit > DP_LIMIT_MAX_VALUE) ||
	    ((w & DP_LIMIT_CPS_BURST) && req->cps_burst > DP_LIMIT_MAX_VALUE) ||
	    ((w & DP_LIMIT_SOURCE_RATE) && req->source_rate > DP_LIMIT_MAX_VALUE) ||
	    ((w & DP_LIMIT_SOURCE_BURST) && req->source_burst > DP_LIMIT_MAX_VALUE))
		return -ERANGE;
	if ((w & (DP_LIMIT_CPS | DP_LIMIT_CPS_BURST)) && p == NULL)
		return -EOPNOTSUPP; /* no SIP proxy: no calls to count */
	if (w & (DP_LIMIT_CPS | DP_LIMIT_CPS_BURST)) {
		struct sr_proxy_config pc = *sr_proxy_config_get(p);

		pc.cps_limit = w & DP_LIMIT_CPS ? req->cps_limit : st->cps_limit;
		pc.cps_burst = w & DP_LIMIT_CPS_BURST ? req->cps_burst : st->cps_burst;
		ret = sr_proxy_update(p, &pc, now);
		if (ret < 0)
			return ret;
		st->cps_limit = pc.cps_limit;
		st->cps_burst = pc.cps_burst;
	}
	if (w & DP_LIMIT_SOURCE_RATE)
		st->source_rate = req->source_rate;
	if (w & DP_LIMIT_SOURCE_BURST)
		st->source_burst = req->source_burst;
	sr_rate_set(rt->guard->g.rates, st->source_rate, st->source_burst);
	relay_prefilter_refresh(rt); /* the same rate in XDP's per-source buckets */
	r->cps_limit = st->cps_limit;
	r->cps_burst = st->cps_burst;
	r->source_rate = st->source_rate;
	r->source_burst = st->source_burst;
	r->sources = sr_rate_sources(rt->guard->g.rates);
	r->source_capacity = sr_rate_capacity(rt->guard->g.rates);
	r->sip = p != NULL;
	return 0;
}

static void
deleted_event(const struct relay_ops_io *io, uint32_t handle, const struct relay_stream *s)
{
	struct dp_event ev;

	memset(&ev, 0, sizeof(ev));
	reply_hdr(&ev.h, DP_EVENT_DELETED, 0, sizeof(ev));
	ev.handle = handle;
	ev.gen = s->gen;
	ev.session_id = s->session_id;
	ev.media_index = s->media_index;
	io->event(io->event_arg, &ev, sizeof(ev));
}

/* The proxy's call first (its streams and ports go through its callbacks), then the
 * streams made over dataplane.sock with that id, each announced. */
static int
session_delete(struct relay_runtime *rt, uint64_t id, const struct relay_ops_io *io,
	       struct dp_session *r)
{
	uint32_t handles[DELETE_MAX], n = 0, iter = 0;
	struct sr_proxy *p = rt->sip != NULL ? relay_sip_proxy(rt->sip) : NULL;
	bool call_ended = false;
	int h;

	if (p != NULL) {
		struct relay_sip_counters before, after;

		relay_sip_counters(rt->sip, &before, NULL);
		if (sr_proxy_session_delete(p, id) == 0) {
			relay_sip_counters(rt->sip, &after, NULL);
			r->count += (uint32_t)(after.streams_deleted - before.streams_deleted);
			call_ended = true; /* perhaps before it had streams */
		}
	}
	while (n < DELETE_MAX && (h = relay_table_next(rt->dp.table, &iter)) >= 0)
		if (relay_table_get(rt->dp.table, (uint32_t)h)->session_id == id)
			handles[n++] = (uint32_t)h;
	for (uint32_t i = 0; i < n; i++) {
		struct relay_stream copy = *relay_table_get(rt->dp.table, handles[i]);

		if (relay_stream_del(rt, handles[i]) == 0) {
			deleted_event(io, handles[i], &copy);
			r->count++;
		}
	}
	return r->count > 0 || call_ended ? 0 : -ENOENT;
}

static int
session_find(struct relay_runtime *rt, const struct dp_session *req, struct dp_session *r)
{
	struct sr_proxy *p = rt->sip != NULL ? relay_sip_proxy(rt->sip) : NULL;
	size_t len = strnlen(req->call_id, sizeof(req->call_id));

	if (len == sizeof(req->call_id))
		return -EINVAL;
	if (p == NULL)
		return -ENOENT;
	if (len > 0) {
		memcpy(r->call_id, req->call_id, len);
		r->count = sr_proxy_sessions_of_call(p, req->call_id, len, r->ids, DP_SESSION_FIND_MAX);
		return r->count ? 0 : -ENOENT;
	}
	r->session_id = req->session_id;
	return sr_proxy_session_call_id(p, req->session_id, r->call_id, sizeof(r->call_id));
}

static void
handle(struct relay_runtime *rt, const void *msg, void *out, const struct relay_ops_io *io)
{
	const struct dp_hdr *h = msg;
	struct dp_hdr *oh = out;
	uint64_t now = relay_now_us();
	int ret = 0;

	switch (h->type) {
	case DP_BAN_ADD:
	case DP_BAN_DEL: {
		const struct dp_ban *b = msg;
		struct dp_reply *r = out;
		struct sr_prefix p;

		reply_hdr(oh, DP_REPLY, h->seq, sizeof(*r));
		if (rt->guard == NULL)
			ret = -EOPNOTSUPP;
		else if (prefix_of(&b->b, &p) < 0)
			ret = -EINVAL;
		else if (h->type == DP_BAN_ADD)
			ret = ban_add(rt, b, r, now);
		else if ((ret = sr_ban_del(rt->guard->g.bans, &p)) == 0) {
			relay_pinholes_unban(&rt->pinholes, &p);
			relay_pf_soft_publish_bans(rt);
		}
		break;
	}
	case DP_BAN_LIST:
		reply_hdr(oh, DP_BAN_LIST, h->seq, sizeof(struct dp_ban_list));
		if (rt->guard == NULL)
			ret = -EOPNOTSUPP;
		else
			ban_list(rt, msg, out, now);
		break;
	case DP_LIMITS:
		reply_hdr(oh, DP_LIMITS, h->seq, sizeof(struct dp_limits));
		ret = rt->guard == NULL ? -EOPNOTSUPP : limits(rt, msg, out, now);
		break;
	case DP_RELOAD: {
		struct dp_reload *r = out;

		reply_hdr(oh, DP_RELOAD, h->seq, sizeof(*r));
		ret = relay_reload(rt, now, &r->applied, &r->restart, r->error, sizeof(r->error));
		break;
	}
	case DP_SESSION_DELETE:
		reply_hdr(oh, DP_SESSION_DELETE, h->seq, sizeof(struct dp_session));
		((struct dp_session *)out)->session_id = ((const struct dp_session *)msg)->session_id;
		ret = session_delete(rt, ((const struct dp_session *)msg)->session_id, io, out);
		break;
	case DP_SESSION_FIND:
		reply_hdr(oh, DP_SESSION_FIND, h->seq, sizeof(struct dp_session));
		ret = session_find(rt, msg, out);
		break;
	case DP_RULES_LIST: {
		struct relay_security *sec = rt->sip != NULL ? relay_sip_security(rt->sip) : NULL;

		reply_hdr(oh, DP_RULES_LIST, h->seq, sizeof(struct dp_rules_list));
		((struct dp_rules_list *)out)->cursor = ((const struct dp_rules_list *)msg)->cursor;
		if (sec == NULL)
			ret = -EOPNOTSUPP; /* no SIP path: nothing to match */
		else
			relay_security_list(sec, out);
		break;
	}
	default:
		reply_hdr(oh, DP_REPLY, h->seq, sizeof(struct dp_reply));
		ret = -EOPNOTSUPP;
	}
	oh->status = ret;
}

void
relay_admin_request(struct relay_runtime *rt, const void *msg, size_t len,
		    const struct relay_ops_io *io)
{
	const struct dp_hdr *h = msg;
	union {
		char b[DP_MSG_MAX];
		uint64_t align;
	} out;

	memset(&out, 0, sizeof(out));
	if (len < relay_admin_need(h->type)) {
		reply_hdr((struct dp_hdr *)out.b, DP_REPLY, h->seq, sizeof(struct dp_reply));
		((struct dp_hdr *)out.b)->status = -EINVAL;
	} else {
		handle(rt, msg, out.b, io);
	}
	io->reply(io->reply_arg, out.b, ((const struct dp_hdr *)out.b)->len);
}

void
relay_admin_stats(const struct relay_runtime *rt, struct dp_stats *st)
{
	if (rt->guard == NULL)
		return;
	st->sip_banned = rt->guard->g.banned;
	st->sip_rate_limited = rt->guard->g.rate_limited;
	st->bans = sr_ban_count(rt->guard->g.bans);
	st->sources = sr_rate_sources(rt->guard->g.rates);
}
