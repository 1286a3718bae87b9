/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP prefilter's counters, read from its pinned per-CPU map: what the kernel
 * dropped, passed and handed to the data plane before the data plane saw a byte.
 */
#ifndef SIPRELAY_CONTROL_PREFILTER_STATS_H
#define SIPRELAY_CONTROL_PREFILTER_STATS_H

#include <stdint.h>

#include <jansson.h>

#include <siprelay/prefilter.h>

/* Sums over CPUs into v[PF_V_MAX]: 0, or -errno (-ENOENT: no prefilter loaded). */
int prefilter_counters(uint64_t v[PF_V_MAX]);

/*
 * {"loaded":bool (XDP), "redirected":N, "passed":N, "dropped":N, "dropped_banned":N,
 *  "dropped_rate_limited":N, "dropped_closed_pinhole":N (totals of XDP and software),
 *  "verdicts":{name:N,...} (XDP), "software_verdicts":{name:N,...} (sw: the data plane's
 *  software prefilter on ports without XDP, from DP_STATS)}
 */
json_t *prefilter_json(const uint64_t sw[PF_V_MAX]);

#endif
