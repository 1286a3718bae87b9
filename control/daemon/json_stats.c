/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>

#include "daemon.h"
#include "dp_client.h"
#include "expiry.h"
#include "json_stats.h"
#include "prefilter_stats.h"
#include "registry.h"
#include "ctl_cmds.h"

static json_t *
error_obj(const char *what, int err)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(-err));
	return json_pack("{s:s}", "error", buf);
}

json_t *
json_stats(struct ctl_daemon *d)
{
	static const char *const vn[] = DP_VERDICT_NAMES;
	struct dp_stats st;
	struct timespec now;
	json_t *rtp, *res, *sip;
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
	res = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},"
			 "s:o,"
			 "s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},"
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
	json_object_set_new(res, "prefilter", prefilter_json(st.prefilter_sw));
	sip = json_object_get(res, "sip");
	/* the source guard (sip_guard.c): dropped before the SIP parser */
	json_object_set_new(sip, "banned", json_integer((json_int_t)st.sip_banned));
	json_object_set_new(sip, "rate_limited", json_integer((json_int_t)st.sip_rate_limited));
	json_object_set_new(sip, "bans", json_integer(st.bans));
	json_object_set_new(sip, "sources_tracked", json_integer(st.sources));
	/* signature rules and automatic bans (cmd_rules.c): absent without a SIP path */
	json_t *rules = rules_stats_json(d);
	if (rules != NULL)
		json_object_set_new(res, "rules", rules);
	/* sessions ended by the idle, final and offer timeouts (expiry.c) */
	if (d->expiry != NULL)
		json_object_set_new(res, "timeouts", expiry_json(d->expiry));
	return res;
}
