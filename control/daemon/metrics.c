/* SPDX-License-Identifier: BSD-3-Clause */
/* Gathers the counters for a scrape: one DP_STATS round trip plus what control counts. */
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "dp_client.h"
#include "metrics.h"
#include "metrics_http.h"
#include "metrics_text.h"
#include "prefilter_stats.h"
#include "registry.h"
#include "traces.h"

char *
metrics_body(void *arg, size_t *len)
{
	struct ctl_daemon *d = arg;
	struct metrics_input in;
	struct timespec now;

	memset(&in, 0, sizeof(in));
	in.dp_up = dp_client_fd(d->dp) >= 0 &&
		   dp_client_request(d->dp, &in.dp, sizeof(in.dp.h), DP_STATS, &in.dp,
				     sizeof(in.dp), NULL, NULL) == 0;
	in.xdp_up = prefilter_counters(in.xdp) == 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	in.ctl.uptime_s = (uint64_t)(now.tv_sec - d->started.tv_sec);
	in.ctl.control_requests = d->ctl_requests;
	in.ctl.rtpproxy_commands = d->rtpp_commands;
	in.ctl.rtpproxy_errors = d->rtpp_errors;
	in.ctl.rtpproxy_created = d->rtpp_created;
	in.ctl.rtpproxy_active = registry_count_rtpproxy(d->reg);
	in.ctl.streams_created = registry_created(d->reg);
	in.ctl.streams_deleted = registry_deleted(d->reg);
	in.ctl.dataplane_connects = dp_client_connects(d->dp);
	in.ctl.scrapes = d->metrics != NULL ? metrics_http_scrapes(d->metrics) : 0;
	in.ctl.traces_running = d->traces != NULL ? traces_running(d->traces) : 0;
	return metrics_text(&in, len);
}
