/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters to exposition text. Each family is written as HELP, TYPE, then its samples,
 * as the format wants; names follow Prometheus' conventions (counters end in _total,
 * base units). Data plane families are left out while it is not connected, so that a
 * restart shows as a gap plus siprelay_dataplane_up 0, never as counters going to 0.
 */
#define _GNU_SOURCE /* open_memstream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_text.h"

enum mtype { COUNTER, GAUGE };

static void
family(FILE *f, const char *name, enum mtype t, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		t == COUNTER ? "counter" : "gauge");
}

static void
metric(FILE *f, const char *name, enum mtype t, const char *help, uint64_t v)
{
	family(f, name, t, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* dp_stats.verdicts: the packets every worker received, by what became of them. */
static void
verdicts(FILE *f, const struct dp_stats *st)
{
	static const char *const vn[] = DP_VERDICT_NAMES;
	const size_t n = sizeof(vn) / sizeof(vn[0]) < DP_VERDICT_MAX ?
			 sizeof(vn) / sizeof(vn[0]) : DP_VERDICT_MAX;
	size_t i;

	family(f, "siprelay_packets_total", COUNTER,
	       "Packets the workers received and passed on, by verdict (fwd_rtp, fwd_rtcp: "
	       "relayed; service: ARP/ND/ICMP; sip: to the SIP path).");
	for (i = 0; i < n; i++)
		if (strncmp(vn[i], "drop_", 5) != 0)
			fprintf(f, "siprelay_packets_total{verdict=\"%s\"} %" PRIu64 "\n", vn[i],
				st->verdicts[i]);
	family(f, "siprelay_packets_dropped_total", COUNTER,
	       "Packets the workers dropped, by reason (tx: refused by a full TX queue, also "
	       "counted as relayed).");
	for (i = 0; i < n; i++)
		if (strncmp(vn[i], "drop_", 5) == 0)
			fprintf(f, "siprelay_packets_dropped_total{reason=\"%s\"} %" PRIu64 "\n",
				vn[i] + 5, st->verdicts[i]);
}

static void
dataplane(FILE *f, const struct dp_stats *st)
{
	metric(f, "siprelay_dataplane_workers", GAUGE, "Worker lcores of the data plane.",
	       st->n_workers);
	metric(f, "siprelay_dataplane_events_lost_total", COUNTER,
	       "Worker events (latching, next-hop requests) lost to a full ring.", st->events_lost);
	verdicts(f, st);
	metric(f, "siprelay_streams", GAUGE, "Media streams in the data plane's table.",
	       st->streams);
	metric(f, "siprelay_streams_capacity", GAUGE, "Media streams the table holds at most.",
	       st->capacity);
	metric(f, "siprelay_sip_requests_received_total", COUNTER,
	       "SIP requests the inline proxy received.", st->sip_requests_in);
	metric(f, "siprelay_sip_responses_received_total", COUNTER,
	       "SIP responses the inline proxy received.", st->sip_responses_in);
	metric(f, "siprelay_sip_requests_forwarded_total", COUNTER,
	       "SIP requests the inline proxy forwarded.", st->sip_requests_fwd);
	metric(f, "siprelay_sip_responses_forwarded_total", COUNTER,
	       "SIP responses the inline proxy forwarded.", st->sip_responses_fwd);
	metric(f, "siprelay_sip_replies_sent_total", COUNTER,
	       "SIP responses the relay answered itself (4xx/5xx, OPTIONS 200).", st->sip_replies);
	metric(f, "siprelay_sip_cps_refused_total", COUNTER,
	       "New calls refused by the calls-per-second limit (500).", st->sip_cps_refused);
	metric(f, "siprelay_sip_dropped_total", COUNTER,
	       "SIP messages dropped (malformed responses, unroutable, no next hop...).",
	       st->sip_dropped);
	metric(f, "siprelay_sip_sessions_created_total", COUNTER,
	       "Calls the inline proxy created.", st->sip_sessions_created);
	metric(f, "siprelay_sip_sessions_deleted_total", COUNTER,
	       "Calls the inline proxy ended.", st->sip_sessions_deleted);
	metric(f, "siprelay_sip_sessions", GAUGE, "Calls of the inline proxy now.",
	       st->sip_sessions);
	metric(f, "siprelay_sip_media_ports_in_use", GAUGE,
	       "Media ports the inline proxy holds, all interfaces.", st->sip_ports_in_use);
	metric(f, "siprelay_sip_banned_total", COUNTER,
	       "SIP datagrams from banned sources, dropped.", st->sip_banned);
	metric(f, "siprelay_sip_rate_limited_total", COUNTER,
	       "SIP requests over their source's rate, dropped.", st->sip_rate_limited);
	metric(f, "siprelay_bans", GAUGE, "Bans in the data plane's table.", st->bans);
	metric(f, "siprelay_sip_sources", GAUGE,
	       "Sources with a request-rate bucket in the data plane.", st->sources);
}

/* The prefilter's verdicts: in XDP, and in software on ports without XDP. */
static void
prefilter(FILE *f, const struct metrics_input *in)
{
	static const char *const names[PF_V_MAX] = PF_VERDICT_NAMES;
	unsigned int i;

	metric(f, "siprelay_prefilter_loaded", GAUGE,
	       "1 when the XDP prefilter's maps are pinned (the program is loaded), else 0.",
	       in->xdp_up);
	if (!in->xdp_up && !in->dp_up)
		return;
	family(f, "siprelay_prefilter_packets_total", COUNTER,
	       "Frames the prefilter judged, by path (xdp: in the kernel driver; software: the "
	       "data plane's workers on ports without XDP) and verdict.");
	for (i = 0; i < PF_V_MAX && in->xdp_up; i++)
		fprintf(f, "siprelay_prefilter_packets_total{path=\"xdp\",verdict=\"%s\"} %" PRIu64
			"\n", names[i], in->xdp[i]);
	for (i = 0; i < PF_V_MAX && in->dp_up; i++)
		fprintf(f, "siprelay_prefilter_packets_total{path=\"software\",verdict=\"%s\"} %"
			PRIu64 "\n", names[i], in->dp.prefilter_sw[i]);
}

static void
control(FILE *f, const struct metrics_control *c)
{
	metric(f, "siprelay_control_uptime_seconds", GAUGE,
	       "Seconds since siprelay-control started.", c->uptime_s);
	metric(f, "siprelay_control_requests_total", COUNTER,
	       "Requests on control.sock.", c->control_requests);
	metric(f, "siprelay_control_dataplane_connects_total", COUNTER,
	       "Connections made to the data plane (1 + reconnects).", c->dataplane_connects);
	metric(f, "siprelay_control_streams_created_total", COUNTER,
	       "Stream creations the control process saw (events) since it started.",
	       c->streams_created);
	metric(f, "siprelay_control_streams_deleted_total", COUNTER,
	       "Stream deletions the control process saw (events) since it started.",
	       c->streams_deleted);
	metric(f, "siprelay_rtpproxy_commands_total", COUNTER,
	       "Commands on rtpproxy.sock.", c->rtpproxy_commands);
	metric(f, "siprelay_rtpproxy_errors_total", COUNTER,
	       "rtpproxy.sock commands answered with an error code.", c->rtpproxy_errors);
	metric(f, "siprelay_rtpproxy_sessions_created_total", COUNTER,
	       "Sessions made over rtpproxy.sock.", c->rtpproxy_created);
	metric(f, "siprelay_rtpproxy_streams", GAUGE,
	       "Streams of rtpproxy.sock sessions now.", c->rtpproxy_active);
	metric(f, "siprelay_traces_running", GAUGE, "SIP traces writing a pcapng file now.",
	       c->traces_running);
	metric(f, "siprelay_metrics_scrapes_total", COUNTER,
	       "Answers to GET /metrics, this one included.", c->scrapes);
}

char *
metrics_text(const struct metrics_input *in, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	metric(f, "siprelay_dataplane_up", GAUGE,
	       "1 when siprelay-control is connected to the data plane, else 0.", in->dp_up);
	if (in->dp_up)
		dataplane(f, &in->dp);
	prefilter(f, in);
	control(f, &in->ctl);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
