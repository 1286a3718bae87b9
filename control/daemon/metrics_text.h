/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition format 0.0.4 from siprelay's counters: a pure function
 * (no sockets, no daemon), unit-tested. docs/METRICS.md lists every name it writes.
 */
#ifndef SIPRELAY_CONTROL_METRICS_TEXT_H
#define SIPRELAY_CONTROL_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <siprelay/dp_proto.h>

#ifdef __cplusplus
extern "C" {
#endif

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What siprelay-control counts itself. */
struct metrics_control {
	uint64_t uptime_s;
	uint64_t control_requests;   /* control.sock requests */
	uint64_t rtpproxy_commands;
	uint64_t rtpproxy_errors;    /* answered with an E code */
	uint64_t rtpproxy_created;   /* sessions made over rtpproxy.sock */
	uint64_t rtpproxy_active;    /* streams of rtpproxy.sock sessions now */
	uint64_t streams_created;    /* DP_EVENT_CREATED seen */
	uint64_t streams_deleted;    /* DP_EVENT_DELETED seen */
	uint64_t dataplane_connects;
	uint64_t scrapes;            /* GET /metrics answered, this one included */
	uint64_t traces_running;
};

struct metrics_input {
	bool dp_up;                  /* dp is valid */
	struct dp_stats dp;
	bool xdp_up;                 /* the XDP prefilter is loaded: xdp is valid */
	uint64_t xdp[PF_V_MAX];      /* its verdicts, summed over CPUs */
	struct metrics_control ctl;
};

/* The exposition text, malloc'ed and NUL-terminated (length in *len), or NULL when out
 * of memory. */
char *metrics_text(const struct metrics_input *in, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
