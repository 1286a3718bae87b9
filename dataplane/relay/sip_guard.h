/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The source guard of the data plane: bans and per-source request rates (the pure
 * tables of include/siprelay/guard.h) applied to the SIP path, plus the config file as
 * it was at start, which a reload compares against. Service loop only.
 */
#ifndef RELAY_SIP_GUARD_H
#define RELAY_SIP_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <siprelay/guard.h>
#include <siprelay/relay_types.h>

#include "config.h"

struct relay_guard {
	struct sr_guard g;
	struct relay_config file;  /* as loaded at start: what needs a restart to change */
	uint64_t next_sweep_us;
};

/* Tables sized and limits set from loaded->sip; 0 or -errno with a reason. */
int relay_guard_create(struct relay_guard **out, const struct relay_config *loaded, char *err,
		       size_t errlen);
void relay_guard_free(struct relay_guard *g);

/*
 * The SIP path's check (g may be NULL: no guard). True: drop the datagram, it is
 * counted. access: it arrived on an access interface, where the per-source rate
 * applies. Expired bans are swept here, at most once a second.
 */
bool relay_guard_drop(struct relay_guard *g, bool access, const struct relay_ep *src,
		      const char *data, uint32_t len, uint64_t now_us);

/* Removes expired bans now (before a listing). */
void relay_guard_sweep(struct relay_guard *g, uint64_t now_us);

#endif
