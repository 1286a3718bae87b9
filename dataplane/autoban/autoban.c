/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-source counts behind automatic bans, in a set-associative table of bounded
 * size: a new source takes a free way of its set or the one seen longest ago.
 * Forgetting a source only ever delays its ban, it never bans anyone early.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/autoban.h>

#define WAYS 8
#define US 1000000ULL

struct source {
	uint8_t addr[16];
	bool used;
	uint32_t auth_count;
	uint32_t req_count;
	uint64_t auth_start_us;
	uint64_t req_start_us;
	uint64_t last_us;
};

struct sr_autoban {
	struct sr_autoban_config cfg;
	struct sr_autoban_stats st;
	uint32_t n_sets;       /* a power of two */
	uint32_t used;
	struct source *s;      /* n_sets * WAYS */
};

struct sr_autoban *
sr_autoban_create(uint32_t capacity)
{
	struct sr_autoban *a;
	uint32_t sets = 1;

	if (capacity == 0)
		return NULL;
	while ((uint64_t)sets * WAYS < capacity && sets < (1u << 24))
		sets <<= 1;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->s = calloc((size_t)sets * WAYS, sizeof(*a->s));
	if (a->s == NULL) {
		free(a);
		return NULL;
	}
	a->n_sets = sets;
	return a;
}

void
sr_autoban_free(struct sr_autoban *a)
{
	if (a == NULL)
		return;
	free(a->s);
	free(a);
}

int
sr_autoban_set(struct sr_autoban *a, const struct sr_autoban_config *c)
{
	if ((c->auth_fail_count && c->auth_fail_window_s == 0) ||
	    (c->flood_rate && c->flood_window_s == 0))
		return -EINVAL;
	a->cfg = *c;
	return 0;
}

const struct sr_autoban_config *
sr_autoban_config_get(const struct sr_autoban *a)
{
	return &a->cfg;
}

/* FNV-1a over the address: cheap, and sources of one prefix spread over the sets. */
static uint32_t
hash_addr(const uint8_t addr[16])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h;
}

static struct source *
find(const struct sr_autoban *a, const uint8_t addr[16])
{
	struct source *set = &a->s[(size_t)(hash_addr(addr) & (a->n_sets - 1)) * WAYS];

	for (int w = 0; w < WAYS; w++)
		if (set[w].used && memcmp(set[w].addr, addr, 16) == 0)
			return &set[w];
	return NULL;
}

static struct source *
source_of(struct sr_autoban *a, const uint8_t addr[16], uint64_t now_us)
{
	struct source *set = &a->s[(size_t)(hash_addr(addr) & (a->n_sets - 1)) * WAYS];
	struct source *victim = NULL;

	for (int w = 0; w < WAYS; w++) {
		struct source *e = &set[w];

		if (e->used && memcmp(e->addr, addr, 16) == 0) {
			e->last_us = now_us;
			return e;
		}
		if (!e->used) {
			if (victim == NULL || victim->used)
				victim = e;
		} else if (victim == NULL || (victim->used && e->last_us < victim->last_us)) {
			victim = e;
		}
	}
	if (victim->used)
		a->st.evictions++;
	else
		a->used++;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->addr, addr, 16);
	victim->used = true;
	victim->last_us = now_us;
	return victim;
}

/* The window [start, start + len) holding now: restarted when now is past it. */
static void
window(uint64_t *start, uint32_t *count, uint32_t len_s, uint64_t now_us)
{
	if (*count == 0 || now_us < *start || now_us - *start >= (uint64_t)len_s * US) {
		*start = now_us;
		*count = 0;
	}
}

bool
sr_autoban_auth_fail(struct sr_autoban *a, const uint8_t addr[16], uint16_t status,
		     uint64_t now_us, struct sr_autoban_hit *hit)
{
	struct source *e;

	if (a->cfg.auth_fail_count == 0)
		return false;
	a->st.auth_fails++;
	e = source_of(a, addr, now_us);
	window(&e->auth_start_us, &e->auth_count, a->cfg.auth_fail_window_s, now_us);
	if (++e->auth_count < a->cfg.auth_fail_count)
		return false;
	hit->ttl_s = a->cfg.auth_fail_ban_s;
	snprintf(hit->reason, sizeof(hit->reason), "auth failures: %u in %u s (last %u)",
		 e->auth_count, a->cfg.auth_fail_window_s, status);
	e->auth_count = 0;
	a->st.auth_bans++;
	return true;
}

bool
sr_autoban_auth_pending(const struct sr_autoban *a, const uint8_t addr[16])
{
	const struct source *e = a->cfg.auth_fail_count ? find(a, addr) : NULL;

	return e != NULL && e->auth_count > 0;
}

void
sr_autoban_auth_ok(struct sr_autoban *a, const uint8_t addr[16])
{
	struct source *e = find(a, addr);

	if (e != NULL)
		e->auth_count = 0;
}

bool
sr_autoban_request(struct sr_autoban *a, const uint8_t addr[16], uint64_t now_us,
		   struct sr_autoban_hit *hit)
{
	uint64_t limit, elapsed;
	struct source *e;

	if (a->cfg.flood_rate == 0)
		return false;
	e = source_of(a, addr, now_us);
	window(&e->req_start_us, &e->req_count, a->cfg.flood_window_s, now_us);
	limit = (uint64_t)a->cfg.flood_rate * a->cfg.flood_window_s;
	if (++e->req_count <= limit)
		return false;
	hit->ttl_s = a->cfg.flood_ban_s;
	/* the rate it reached: over the window so far, at least a millisecond of it */
	elapsed = now_us - e->req_start_us;
	elapsed = elapsed < 1000 ? 1000 : elapsed;
	snprintf(hit->reason, sizeof(hit->reason), "flood: %llu requests/s (limit %u)",
		 (unsigned long long)((uint64_t)e->req_count * US / elapsed), a->cfg.flood_rate);
	e->req_count = 0;
	a->st.flood_bans++;
	return true;
}

uint32_t
sr_autoban_sources(const struct sr_autoban *a)
{
	return a->used;
}

const struct sr_autoban_stats *
sr_autoban_stats_get(const struct sr_autoban *a)
{
	return &a->st;
}
