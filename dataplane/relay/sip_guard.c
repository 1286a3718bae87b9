/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_guard.h"

#define SWEEP_PERIOD_US 1000000

int
relay_guard_create(struct relay_guard **out, const struct relay_config *loaded, char *err,
		   size_t errlen)
{
	struct relay_guard *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (g == NULL || sr_guard_init(&g->g, loaded->sip.max_bans, loaded->sip.max_sources) < 0) {
		snprintf(err, errlen, "source guard: cannot allocate %u bans and %u sources",
			 loaded->sip.max_bans, loaded->sip.max_sources);
		free(g);
		return -ENOMEM;
	}
	sr_rate_set(g->g.rates, loaded->sip.source_rate, loaded->sip.source_burst);
	g->file = *loaded;
	*out = g;
	return 0;
}

void
relay_guard_free(struct relay_guard *g)
{
	if (g == NULL)
		return;
	sr_guard_fini(&g->g);
	free(g);
}

void
relay_guard_sweep(struct relay_guard *g, uint64_t now_us)
{
	sr_ban_expire(g->g.bans, now_us);
	g->next_sweep_us = now_us + SWEEP_PERIOD_US;
}

bool
relay_guard_drop(struct relay_guard *g, bool access, const struct relay_ep *src,
		 const char *data, uint32_t len, uint64_t now_us)
{
	uint8_t a[16];

	if (g == NULL)
		return false;
	if (now_us >= g->next_sweep_us)
		relay_guard_sweep(g, now_us);
	if (src->family == RELAY_FAMILY_IPV4)
		sr_addr_map4(src->addr, a);
	else
		memcpy(a, src->addr, 16);
	return sr_guard_check(&g->g, a, data, len, access, now_us) != SR_GUARD_PASS;
}
