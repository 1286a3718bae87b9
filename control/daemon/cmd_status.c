/* SPDX-License-Identifier: BSD-3-Clause */
/* status and stats: is everything up, and the counters. */
#include <string.h>
#include <time.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"
#include "json_stats.h"
#include "registry.h"

#ifndef SIPRELAY_VERSION
#define SIPRELAY_VERSION "unknown"
#endif

/*
 * {"version", "uptime_s", "dataplane": {"connected", "capacity", "workers"},
 *  "streams", "sip_sessions", "rtpproxy_streams", "bans", "control_requests"}
 * Without a data plane the counts are what this process mirrors (null when unknown).
 */
json_t *
cmd_status(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct timespec now;
	struct dp_stats st;
	int connected;

	(void)r;
	clock_gettime(CLOCK_MONOTONIC, &now);
	memset(&st, 0, sizeof(st));
	connected = dp_client_fd(d->dp) >= 0 &&
		    dp_client_request(d->dp, &st, sizeof(st.h), DP_STATS, &st, sizeof(st), NULL,
				      NULL) == 0;
	return json_pack("{s:s,s:I,s:{s:b,s:o,s:o},s:I,s:o,s:I,s:o,s:I}",
		"version", SIPRELAY_VERSION,
		"uptime_s", (json_int_t)(now.tv_sec - d->started.tv_sec),
		"dataplane",
		"connected", connected,
		"capacity", connected ? json_integer(st.capacity) : json_null(),
		"workers", connected ? json_integer(st.n_workers) : json_null(),
		"streams", (json_int_t)(connected ? st.streams : registry_count(d->reg)),
		"sip_sessions", connected ? json_integer(st.sip_sessions) : json_null(),
		"rtpproxy_streams", (json_int_t)registry_count_rtpproxy(d->reg),
		"bans", connected ? json_integer(st.bans) : json_null(),
		"control_requests", (json_int_t)d->ctl_requests);
}

json_t *
cmd_stats(struct ctl_daemon *d, const struct ctl_request *r)
{
	(void)r;
	return json_stats(d);
}
