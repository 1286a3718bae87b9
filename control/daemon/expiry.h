/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs the timeout policy (timeouts.h) against the data plane from the poll loop: once
 * a second it lists the streams (DP_STREAM_LIST gives each leg's idle time), and ends
 * the sessions the policy names with DP_SESSION_DELETE (a call of the inline SIP proxy
 * with its ports, or the streams of an rtpproxy.sock session), one log line each.
 */
#ifndef SIPRELAY_CONTROL_EXPIRY_H
#define SIPRELAY_CONTROL_EXPIRY_H

#include <stdint.h>

#include <jansson.h>

#include "timeouts.h"

#define EXPIRY_PERIOD_MS 1000

struct ctl_daemon;
struct expiry;

/*
 * Told about every rtpproxy.sock session that timed out, once its streams are gone
 * (rtpproxy's timeout notification to the SIP proxy).
 */
typedef void (*expiry_notify_fn)(struct ctl_daemon *d, const struct tmo_expired *e);

struct expiry *expiry_new(struct ctl_daemon *d, const struct tmo_config *cfg);
void expiry_free(struct expiry *x);
void expiry_set_notify(struct expiry *x, expiry_notify_fn fn);
struct timeouts *expiry_policy(struct expiry *x);

/* Scans when due; returns the milliseconds until the next scan is due (poll timeout). */
int expiry_run(struct expiry *x, int64_t now_ms);

/* {"idle":N,"final":N,"offer":N,"streams_deleted":N,"tracked":N,"idle_timeout_s":...} */
json_t *expiry_json(const struct expiry *x);

#endif
