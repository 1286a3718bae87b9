/* SPDX-License-Identifier: BSD-3-Clause */
/* Reload: read the config file again and apply what can change while calls run. */
#ifndef RELAY_CONFIG_RELOAD_H
#define RELAY_CONFIG_RELOAD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct relay_runtime;

/* Bits of the settings, as dp_proto.h's DP_RELOAD_NAMES lists them. */
enum relay_reload_bit {
	RELOAD_CPS_LIMIT, RELOAD_CPS_BURST, RELOAD_SOURCE_RATE, RELOAD_SOURCE_BURST,
	RELOAD_UPSTREAM, RELOAD_RETRY_AFTER, RELOAD_SERVER, RELOAD_RECORD_ROUTE,
	RELOAD_STRIP_ICE, RELOAD_FORCE_RPORT, RELOAD_HALF_OPEN, RELOAD_ON_EXHAUSTION,
	RELOAD_LATCHING, RELOAD_STRICT_SOURCE, RELOAD_NEIGH_TIMEOUT,
	/* need a restart */
	RELOAD_INTERFACES = 16, RELOAD_CAPACITY, RELOAD_MBUFS, RELOAD_SOCKET,
	RELOAD_MAX_SESSIONS, RELOAD_POLLING, RELOAD_RELATCH, RELOAD_NEIGH_SIZE,
	RELOAD_MAX_BANS, RELOAD_MAX_SOURCES, RELOAD_PRELOAD,
	/* applied: the rules file compiled and swapped in (or dropped), [security]'s
	 * thresholds of automatic bans */
	RELOAD_RULES = 27, RELOAD_SECURITY,
};

/*
 * Which live settings differ between cur (running) and next (applied is a bitmask of
 * enum relay_reload_bit), and which settings need a restart and differ between start
 * (the file as loaded at start) and next. Pure: no runtime.
 */
void relay_reload_diff(const struct relay_config *cur, const struct relay_config *start,
		       const struct relay_config *next, uint32_t *applied, uint32_t *restart);

/*
 * Reads rt->cfg.path again. On success applies the live settings (the limits that
 * siprelayctl set are replaced by the file's) and returns 0 with both bitmasks. A file
 * that does not load changes nothing: -errno and err = "FILE:LINE: reason".
 */
int relay_reload(struct relay_runtime *rt, uint64_t now_us, uint32_t *applied, uint32_t *restart,
		 char *err, size_t errlen);

#endif
