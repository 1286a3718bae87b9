/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>

#include "daemon.h"
#include "dp_client.h"
#include "json_stats.h"
#include "registry.h"

static json_t *
error_obj(const char *what, int err)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(-err));
	return json_pack("{s:s}", "error", buf);
}

static json_t *
addr_json(const struct dp_addr *a)
{
	char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	if (a->family == DP_FAMILY_IPV4)
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
	else if (a->family == DP_FAMILY_IPV6)
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
	else
		return json_null();
	snprintf(buf, sizeof(buf), a->family == DP_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u", ip,
		 a->port);
	return json_string(buf);
}

json_t *
json_stats(struct ctl_daemon *d)
{
	static const char *const vn[] = DP_VERDICT_NAMES;
	struct dp_stats st;
	struct timespec now;
	json_t *rtp;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = dp_client_request(d->dp, &st, sizeof(st.h), DP_STATS, &st, sizeof(st), NULL, NULL);
	if (ret < 0)
		return error_obj("data plane", ret);
	rtp = json_object();
	/* fwd_rtp, fwd_rtcp and every drop verdict: the packets the RTP path judged */
	for (unsigned int i = 0; i < sizeof(vn) / sizeof(vn[0]) && i < DP_VERDICT_MAX; i++)
		json_object_set_new(rtp, vn[i], json_integer((json_int_t)st.verdicts[i]));
	clock_gettime(CLOCK_MONOTONIC, &now);
	return json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},"
			 "s:o,"
			 "s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},"
			 "s:{s:b,s:I,s:I,s:I,s:I,s:I},"
			 "s:{s:b,s:I,s:I,s:I},"
			 "s:{s:I,s:I,s:I,s:I}}",
		"sip",
		"requests_in", (json_int_t)st.sip_requests_in,
		"responses_in", (json_int_t)st.sip_responses_in,
		"requests_fwd", (json_int_t)st.sip_requests_fwd,
		"responses_fwd", (json_int_t)st.sip_responses_fwd,
		"replies", (json_int_t)st.sip_replies,
		"cps_refused", (json_int_t)st.sip_cps_refused,
		"dropped", (json_int_t)st.sip_dropped,
		"sessions_created", (json_int_t)st.sip_sessions_created,
		"sessions_deleted", (json_int_t)st.sip_sessions_deleted,
		"sessions", (json_int_t)st.sip_sessions,
		"ports_in_use", (json_int_t)st.sip_ports_in_use,
		"rtp", rtp,
		"sessions",
		"streams", (json_int_t)st.streams,
		"capacity", (json_int_t)st.capacity,
		"bytes_per_stream", (json_int_t)st.bytes_per_stream,
		"sip_sessions", (json_int_t)st.sip_sessions,
		"sip_created", (json_int_t)st.sip_sessions_created,
		"sip_deleted", (json_int_t)st.sip_sessions_deleted,
		/* seen by this control process since it started (events) */
		"streams_created", (json_int_t)registry_created(d->reg),
		"streams_deleted", (json_int_t)registry_deleted(d->reg),
		"rtpproxy_created", (json_int_t)d->rtpp_created,
		"rtpproxy_active", (json_int_t)registry_count_rtpproxy(d->reg),
		/* the XDP prefilter (bpf/) is not there yet: counters stay 0 until it loads */
		"prefilter",
		"loaded", 0,
		"passed", (json_int_t)0,
		"redirected", (json_int_t)0,
		"dropped_banned", (json_int_t)0,
		"dropped_rate_limited", (json_int_t)0,
		"dropped_closed_pinhole", (json_int_t)0,
		"dataplane",
		"connected", 1,
		"workers", (json_int_t)st.n_workers,
		"events_lost", (json_int_t)st.events_lost,
		"capacity", (json_int_t)st.capacity,
		"control",
		"uptime_s", (json_int_t)(now.tv_sec - d->started.tv_sec),
		"control_requests", (json_int_t)d->ctl_requests,
		"rtpproxy_commands", (json_int_t)d->rtpp_commands,
		"rtpproxy_errors", (json_int_t)d->rtpp_errors);
}

struct sessions_ctx {
	struct ctl_daemon *d;
	json_t *list;
};

static int
add_stream(const struct dp_stream_info *i, void *arg)
{
	struct sessions_ctx *c = arg;
	const char *call_id = registry_call_id(c->d->reg, i->handle, i->gen);
	json_t *legs = json_array(), *s;

	for (unsigned int k = 0; k < 2; k++) {
		const struct dp_leg_state *l = &i->leg[k];
		char iface[sizeof(l->iface) + 1];

		memcpy(iface, l->iface, sizeof(l->iface));
		iface[sizeof(l->iface)] = '\0';
		json_array_append_new(legs, json_pack(
			"{s:s,s:o,s:o,s:o,s:b,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"iface", iface,
			"local", addr_json(&l->local),
			"remote", addr_json(&l->remote[0]),
			"remote_rtcp", addr_json(&l->remote[1]),
			"latched", !!(l->flags & DP_LEG_LATCHED_RTP),
			"strict", !!(l->flags & DP_LEG_STRICT),
			"packets", (json_int_t)l->packets,
			"bytes", (json_int_t)l->bytes,
			"rtcp_packets", (json_int_t)l->rtcp_packets,
			"lost", (json_int_t)l->lost,
			"jitter", (json_int_t)l->jitter,
			"ssrc", (json_int_t)l->ssrc,
			"idle_ms", l->idle_ms == UINT64_MAX ? (json_int_t)-1 : (json_int_t)l->idle_ms,
			"drops", (json_int_t)l->drops[0] + l->drops[1] + l->drops[2] + l->drops[3]));
	}
	s = json_pack("{s:I,s:I,s:I,s:I,s:s?,s:o}",
		      "handle", (json_int_t)i->handle,
		      "gen", (json_int_t)i->gen,
		      /* bit 63 marks rtpproxy.sock sessions: shown as "source", not as a sign */
		      "session_id", (json_int_t)(i->session_id & ~REG_SID_RTPPROXY),
		      "media_index", (json_int_t)i->media_index,
		      "call_id", call_id,
		      "legs", legs);
	json_object_set_new(s, "source", json_string(i->session_id & REG_SID_RTPPROXY ?
						     "rtpproxy" : "dataplane"));
	json_array_append_new(c->list, s);
	return 0;
}

json_t *
json_sessions(struct ctl_daemon *d)
{
	struct sessions_ctx c = { d, json_array() };
	struct dp_hdr list;
	int ret;

	memset(&list, 0, sizeof(list));
	ret = dp_client_request(d->dp, &list, sizeof(list), DP_STREAM_LIST, NULL, 0, add_stream, &c);
	if (ret < 0) {
		json_decref(c.list);
		return error_obj("data plane", ret);
	}
	return json_pack("{s:o}", "sessions", c.list);
}
