/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sessions [call_id] [address], session show, session delete. The streams come from
 * the data plane (DP_STREAM_LIST: counters are live there); Call-IDs from the registry
 * (streams made over dataplane.sock and rtpproxy.sock) and, for calls of the inline SIP
 * proxy, from the data plane (DP_SESSION_FIND).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"
#include "registry.h"

#define SHOW_IDS DP_SESSION_FIND_MAX

static const char *const drop_names[DP_DROP_MAX] = {
	[DP_DROP_STRICT] = "strict_source",
	[DP_DROP_NO_REMOTE] = "no_remote",
	[DP_DROP_NO_NEIGH] = "no_neighbour",
	[DP_DROP_MUX_PORT] = "mux_port",
};

static json_t *
leg_json(const struct dp_leg_state *l)
{
	char iface[sizeof(l->iface) + 1];
	json_t *drops = json_object(), *o;
	json_int_t total = 0;

	memcpy(iface, l->iface, sizeof(l->iface));
	iface[sizeof(l->iface)] = '\0';
	for (unsigned int k = 0; k < DP_DROP_MAX; k++) {
		json_object_set_new(drops, drop_names[k], json_integer(l->drops[k]));
		total += l->drops[k];
	}
	o = json_pack("{s:s,s:o,s:o,s:o,s:b,s:b,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		      "iface", iface,
		      "local", ctl_addr_json(&l->local),
		      "remote", ctl_addr_json(&l->remote[0]),
		      "remote_rtcp", ctl_addr_json(&l->remote[1]),
		      "latched", !!(l->flags & DP_LEG_LATCHED_RTP),
		      "latched_rtcp", !!(l->flags & DP_LEG_LATCHED_RTCP),
		      "strict", !!(l->flags & DP_LEG_STRICT),
		      "packets", (json_int_t)l->packets,
		      "bytes", (json_int_t)l->bytes,
		      "rtcp_packets", (json_int_t)l->rtcp_packets,
		      "expected", (json_int_t)l->expected,
		      "lost", (json_int_t)l->lost,
		      "jitter", (json_int_t)l->jitter,
		      "ssrc", (json_int_t)l->ssrc,
		      /* -1: nothing received yet */
		      "idle_ms", l->idle_ms == UINT64_MAX ? (json_int_t)-1 : (json_int_t)l->idle_ms,
		      "drops", total,
		      "drops_by_reason", drops);
	/* a party behind NAT: the data plane latches its leg whatever the settings */
	json_object_set_new(o, "nat", json_boolean(l->flags & DP_LEG_NAT));
	return o;
}

/* One stream as sessions and session show print it. */
static json_t *
stream_json(const struct dp_stream_info *i, const char *call_id)
{
	json_t *legs = json_array();

	for (unsigned int k = 0; k < 2; k++)
		json_array_append_new(legs, leg_json(&i->leg[k]));
	return json_pack("{s:I,s:I,s:I,s:I,s:o,s:s,s:o}",
			 "handle", (json_int_t)i->handle,
			 "gen", (json_int_t)i->gen,
			 /* bit 63 marks rtpproxy.sock sessions: shown as "source", not as a sign */
			 "session_id", (json_int_t)(i->session_id & ~REG_SID_RTPPROXY),
			 "media_index", (json_int_t)i->media_index,
			 "call_id", ctl_text_json(call_id),
			 "source", i->session_id & REG_SID_RTPPROXY ? "rtpproxy" : "dataplane",
			 "legs", legs);
}

/* All streams of the data plane, copied (sessions of thousands of streams: fine). */
struct stream_set {
	struct dp_stream_info *s;
	size_t n, cap;
};

static int
collect(const struct dp_stream_info *i, void *arg)
{
	struct stream_set *set = arg;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		struct dp_stream_info *s = realloc(set->s, cap * sizeof(*s));

		if (s == NULL)
			return 1; /* stop: what was copied is shown */
		set->s = s;
		set->cap = cap;
	}
	set->s[set->n++] = *i;
	return 0;
}

static int
list_streams(struct ctl_daemon *d, struct stream_set *set)
{
	struct dp_hdr list;

	memset(set, 0, sizeof(*set));
	memset(&list, 0, sizeof(list));
	return dp_client_request(d->dp, &list, sizeof(list), DP_STREAM_LIST, NULL, 0, collect, set);
}

/* Sessions of the inline SIP proxy with this Call-ID (none when SIP is off). */
static unsigned int
proxy_ids(struct ctl_daemon *d, const char *call_id, uint64_t *ids)
{
	struct dp_session q;

	memset(&q, 0, sizeof(q));
	snprintf(q.call_id, sizeof(q.call_id), "%s", call_id);
	if (dp_client_request(d->dp, &q, sizeof(q), DP_SESSION_FIND, &q, sizeof(q), NULL, NULL) < 0)
		return 0;
	if (q.count > SHOW_IDS)
		q.count = SHOW_IDS;
	memcpy(ids, q.ids, q.count * sizeof(ids[0]));
	return q.count;
}

/* The Call-ID of a stream: the registry's, else the proxy's when asked (one lookup). */
static const char *
call_id_of(struct ctl_daemon *d, const struct dp_stream_info *i, char *buf, size_t len,
	   int ask_proxy)
{
	const char *c = registry_call_id(d->reg, i->handle, i->gen);
	struct dp_session q;

	if (c != NULL || !ask_proxy || (i->session_id & REG_SID_RTPPROXY))
		return c;
	memset(&q, 0, sizeof(q));
	q.session_id = i->session_id;
	if (dp_client_request(d->dp, &q, sizeof(q), DP_SESSION_FIND, &q, sizeof(q), NULL, NULL) < 0)
		return NULL;
	snprintf(buf, len, "%s", q.call_id);
	return buf;
}

static int
leg_matches(const struct dp_leg_state *l, const struct ctl_value *a)
{
	const struct dp_addr *cand[3] = { &l->local, &l->remote[0], &l->remote[1] };

	for (unsigned int k = 0; k < 3; k++) {
		uint8_t addr[16];

		if (cand[k]->family == DP_FAMILY_IPV4)
			sr_addr_map4(cand[k]->addr, addr);
		else if (cand[k]->family == DP_FAMILY_IPV6)
			memcpy(addr, cand[k]->addr, 16);
		else
			continue;
		if (memcmp(addr, a->pfx.addr, 16) == 0 && (a->port == 0 || a->port == cand[k]->port))
			return 1;
	}
	return 0;
}

static int
has_id(const uint64_t *ids, unsigned int n, uint64_t id)
{
	for (unsigned int k = 0; k < n; k++)
		if (ids[k] == id)
			return 1;
	return 0;
}

json_t *
cmd_sessions(struct ctl_daemon *d, const struct ctl_request *r)
{
	const struct ctl_value *cid = ctl_arg(r, "call_id"), *addr = ctl_arg(r, "address");
	uint64_t ids[SHOW_IDS];
	unsigned int n_ids = cid ? proxy_ids(d, cid->str, ids) : 0;
	struct stream_set set;
	json_t *list;
	int ret = list_streams(d, &set);

	if (ret < 0) {
		free(set.s);
		return ctl_dp_error("sessions", ret);
	}
	list = json_array();
	for (size_t k = 0; k < set.n; k++) {
		const struct dp_stream_info *i = &set.s[k];
		const char *c = registry_call_id(d->reg, i->handle, i->gen);

		if (cid != NULL) {
			if (has_id(ids, n_ids, i->session_id))
				c = cid->str; /* a call of the SIP proxy */
			else if (c == NULL || strcmp(c, cid->str) != 0)
				continue;
		}
		if (addr != NULL && !leg_matches(&i->leg[0], addr) && !leg_matches(&i->leg[1], addr))
			continue;
		json_array_append_new(list, stream_json(i, c));
	}
	free(set.s);
	return json_pack("{s:o}", "sessions", list);
}

/*
 * The session a show/delete request names: handle (the session of that stream),
 * session_id (as listed: without the rtpproxy bit), or call_id (exactly one session).
 * *sid gets the data plane's id; 0 or an error object.
 */
static json_t *
resolve(struct ctl_daemon *d, const struct ctl_request *r, const struct stream_set *set,
	uint64_t *sid)
{
	const struct ctl_value *h = ctl_arg(r, "handle"), *s = ctl_arg(r, "session_id");
	const struct ctl_value *c = ctl_arg(r, "call_id");
	uint64_t ids[SHOW_IDS];
	unsigned int n = 0;

	if (h != NULL) {
		for (size_t k = 0; k < set->n; k++)
			if (set->s[k].handle == h->u) {
				*sid = set->s[k].session_id;
				return NULL;
			}
		return ctl_error("no stream with handle %llu", (unsigned long long)h->u);
	}
	if (s != NULL) {
		for (size_t k = 0; k < set->n; k++)
			if ((set->s[k].session_id & ~REG_SID_RTPPROXY) == s->u) {
				*sid = set->s[k].session_id;
				return NULL;
			}
		*sid = s->u; /* a SIP call may have no stream yet: the data plane decides */
		return NULL;
	}
	n = proxy_ids(d, c->str, ids);
	for (size_t k = 0; k < set->n; k++) {
		const char *rc = registry_call_id(d->reg, set->s[k].handle, set->s[k].gen);

		if (rc != NULL && strcmp(rc, c->str) == 0 && !has_id(ids, n, set->s[k].session_id) &&
		    n < SHOW_IDS)
			ids[n++] = set->s[k].session_id;
	}
	if (n == 0)
		return ctl_error("no session with call-id '%s'", c->str);
	if (n > 1)
		return ctl_error("call-id '%s' has %u sessions: name one by session_id", c->str, n);
	*sid = ids[0];
	return NULL;
}

json_t *
cmd_session_show(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct stream_set set;
	char buf[sizeof(((struct dp_session *)0)->call_id)];
	const char *call_id = NULL;
	json_t *err, *streams;
	uint64_t sid = 0;
	int ret = list_streams(d, &set);

	if (ret < 0) {
		free(set.s);
		return ctl_dp_error("session show", ret);
	}
	err = resolve(d, r, &set, &sid);
	if (err != NULL) {
		free(set.s);
		return err;
	}
	streams = json_array();
	for (size_t k = 0; k < set.n; k++) {
		if (set.s[k].session_id != sid)
			continue;
		if (call_id == NULL)
			call_id = call_id_of(d, &set.s[k], buf, sizeof(buf), 1);
		json_array_append_new(streams, stream_json(&set.s[k], call_id));
	}
	free(set.s);
	if (json_array_size(streams) == 0) {
		struct dp_session q;

		/* a call of the SIP proxy before its SDP: it exists without streams */
		memset(&q, 0, sizeof(q));
		q.session_id = sid;
		if (dp_client_request(d->dp, &q, sizeof(q), DP_SESSION_FIND, &q, sizeof(q), NULL,
				      NULL) < 0) {
			json_decref(streams);
			return ctl_error("no such session: %llu",
					 (unsigned long long)(sid & ~REG_SID_RTPPROXY));
		}
		snprintf(buf, sizeof(buf), "%s", q.call_id);
		call_id = buf;
	}
	return json_pack("{s:I,s:s,s:o,s:o}",
			 "session_id", (json_int_t)(sid & ~REG_SID_RTPPROXY),
			 "source", sid & REG_SID_RTPPROXY ? "rtpproxy" : "dataplane",
			 "call_id", ctl_text_json(call_id),
			 "streams", streams);
}

json_t *
cmd_session_delete(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct stream_set set;
	struct dp_session q;
	json_t *err;
	uint64_t sid = 0;
	int ret = list_streams(d, &set);

	if (ret < 0) {
		free(set.s);
		return ctl_dp_error("session delete", ret);
	}
	err = resolve(d, r, &set, &sid);
	free(set.s);
	if (err != NULL)
		return err;
	memset(&q, 0, sizeof(q));
	q.session_id = sid;
	ret = dp_client_request(d->dp, &q, sizeof(q), DP_SESSION_DELETE, &q, sizeof(q), NULL, NULL);
	if (ret == -ENOENT)
		return ctl_error("no such session: %llu", (unsigned long long)(sid & ~REG_SID_RTPPROXY));
	if (ret < 0)
		return ctl_dp_error("session delete", ret);
	return json_pack("{s:I,s:s,s:I}",
			 "session_id", (json_int_t)(sid & ~REG_SID_RTPPROXY),
			 "source", sid & REG_SID_RTPPROXY ? "rtpproxy" : "dataplane",
			 "streams_deleted", (json_int_t)q.count);
}
