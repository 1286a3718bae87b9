/* SPDX-License-Identifier: BSD-3-Clause */
/* The verdict on one SIP datagram: bans first, then the source's request rate. */
#include <errno.h>
#include <string.h>

#include <siprelay/guard.h>

int
sr_guard_init(struct sr_guard *g, uint32_t max_bans, uint32_t max_sources)
{
	memset(g, 0, sizeof(*g));
	g->bans = sr_ban_table_create(max_bans);
	g->rates = sr_rate_table_create(max_sources);
	if (g->bans == NULL || g->rates == NULL) {
		sr_guard_fini(g);
		return -ENOMEM;
	}
	return 0;
}

void
sr_guard_fini(struct sr_guard *g)
{
	sr_ban_table_free(g->bans);
	sr_rate_table_free(g->rates);
	g->bans = NULL;
	g->rates = NULL;
}

static bool
is_response(const char *data, uint32_t len)
{
	return len >= 7 && memcmp(data, "SIP/2.0", 7) == 0;
}

enum sr_guard_verdict
sr_guard_check(struct sr_guard *g, const uint8_t addr[16], const char *data, uint32_t len,
	       bool rate_applies, uint64_t now_us)
{
	struct sr_ban *b = sr_ban_match(g->bans, addr, now_us);

	if (b != NULL) {
		b->hits++;
		g->banned++;
		return SR_GUARD_BANNED;
	}
	if (rate_applies && !is_response(data, len) && !sr_rate_take(g->rates, addr, now_us)) {
		g->rate_limited++;
		return SR_GUARD_RATE_LIMITED;
	}
	return SR_GUARD_PASS;
}
