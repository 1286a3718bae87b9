/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source token buckets in a set-associative table: the address hashes to a set of
 * WAYS slots; a new source takes a free slot of its set, else the slot idle longest.
 * Bounded memory, O(WAYS) per datagram, nothing to sweep: sources that stop sending are
 * simply overwritten by new ones.
 */
#include <stdlib.h>
#include <string.h>

#include <siprelay/guard.h>

#define WAYS 8u

struct rate_slot {
	uint8_t addr[16];
	struct sr_bucket b;   /* b.last_us doubles as "last seen" */
	uint8_t used;
};

struct sr_rate_table {
	struct rate_slot *slot;
	uint32_t set_mask;    /* sets - 1 */
	uint32_t used;
	uint32_t rate;
	uint32_t burst;
	uint64_t evictions;
};

static uint32_t
set_of(const struct sr_rate_table *t, const uint8_t addr[16])
{
	uint64_t a, b, h;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	h = (a * 0x9e3779b97f4a7c15ULL) ^ b;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (uint32_t)h & t->set_mask;
}

struct sr_rate_table *
sr_rate_table_create(uint32_t capacity)
{
	struct sr_rate_table *t;
	uint32_t sets = 1;

	if (capacity == 0 || capacity > (1u << 26))
		return NULL;
	while (sets * WAYS < capacity)
		sets *= 2;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->slot = calloc((size_t)sets * WAYS, sizeof(*t->slot));
	if (t->slot == NULL) {
		free(t);
		return NULL;
	}
	t->set_mask = sets - 1;
	return t;
}

void
sr_rate_table_free(struct sr_rate_table *t)
{
	if (t == NULL)
		return;
	free(t->slot);
	free(t);
}

void
sr_rate_set(struct sr_rate_table *t, uint32_t rate, uint32_t burst)
{
	t->rate = rate;
	t->burst = burst;
}

bool
sr_rate_take(struct sr_rate_table *t, const uint8_t addr[16], uint64_t now_us)
{
	struct rate_slot *set, *victim = NULL;

	if (t->rate == 0)
		return true;
	set = &t->slot[(size_t)set_of(t, addr) * WAYS];
	for (uint32_t w = 0; w < WAYS; w++) {
		struct rate_slot *s = &set[w];

		if (s->used && memcmp(s->addr, addr, 16) == 0)
			return sr_bucket_take(&s->b, t->rate, t->burst, now_us);
		if (!s->used) {
			if (victim == NULL || victim->used)
				victim = s;
		} else if (victim == NULL || (victim->used && s->b.last_us < victim->b.last_us)) {
			victim = s;
		}
	}
	if (victim->used)
		t->evictions++;
	else
		t->used++;
	memcpy(victim->addr, addr, 16);
	victim->used = 1;
	sr_bucket_init(&victim->b, t->rate, t->burst, now_us);
	return sr_bucket_take(&victim->b, t->rate, t->burst, now_us);
}

uint32_t sr_rate_sources(const struct sr_rate_table *t) { return t->used; }
uint32_t sr_rate_capacity(const struct sr_rate_table *t) { return (t->set_mask + 1) * WAYS; }
uint64_t sr_rate_evictions(const struct sr_rate_table *t) { return t->evictions; }
