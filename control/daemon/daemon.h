/* SPDX-License-Identifier: BSD-3-Clause */
/* What the socket servers of siprelay-control share: passed around, never global. */
#ifndef SIPRELAY_CONTROL_DAEMON_H
#define SIPRELAY_CONTROL_DAEMON_H

#include <stdint.h>
#include <time.h>

#include "ifaces.h"

struct dp_client;
struct expiry;
struct registry;
struct traces;
struct metrics_http;
struct rtpproxy;

struct ctl_daemon {
	struct dp_client *dp;
	struct registry *reg;
	struct expiry *expiry;       /* the timeouts (expiry.h) */
	struct rtpproxy *rtpp;        /* rtpproxy.sock's protocol state */
	struct traces *traces;       /* SIP traces to pcapng (traces.h) */
	struct metrics_http *metrics; /* GET /metrics; NULL with --metrics off */
	struct ifaces ifs;
	struct timespec started;     /* CLOCK_MONOTONIC */
	uint64_t rtpp_created;       /* sessions made through rtpproxy.sock */
	uint64_t rtpp_commands;
	uint64_t rtpp_errors;
	uint64_t ctl_requests;
};

#endif
