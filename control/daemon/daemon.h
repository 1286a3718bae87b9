/* SPDX-License-Identifier: BSD-3-Clause */
/* What the socket servers of siprelay-control share: passed around, never global. */
#ifndef SIPRELAY_CONTROL_DAEMON_H
#define SIPRELAY_CONTROL_DAEMON_H

#include <stdint.h>
#include <time.h>

#include "ifaces.h"

struct dp_client;
struct registry;

struct ctl_daemon {
	struct dp_client *dp;
	struct registry *reg;
	struct ifaces ifs;
	struct timespec started;     /* CLOCK_MONOTONIC */
	uint64_t rtpp_created;       /* sessions made through rtpproxy.sock */
	uint64_t rtpp_commands;
	uint64_t rtpp_errors;
	uint64_t ctl_requests;
};

#endif
