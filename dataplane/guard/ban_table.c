/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ban table: the bans in a dense array (listing, expiry sweep) and an open-addressing
 * index on (length, prefix) over it (linear probing, backward-shift delete, twice the
 * capacity). A lookup masks the address to each prefix length in use, longest first:
 * real ban lists use a handful of lengths (/32, /24, /128, /64), so that is a few
 * probes, whatever the number of bans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/guard.h>

#define EMPTY 0u /* index slots hold position + 1 */

struct sr_ban_table {
	struct sr_ban *ban;
	uint32_t *idx;
	uint32_t mask;            /* index size - 1 */
	uint32_t cap;
	uint32_t count;
	uint32_t per_len[129];    /* bans of each prefix length */
};

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint32_t
slot_of(const struct sr_ban_table *t, const struct sr_prefix *p)
{
	uint64_t a, b;

	memcpy(&a, p->addr, 8);
	memcpy(&b, p->addr + 8, 8);
	return (uint32_t)mix(a ^ mix(b ^ p->len)) & t->mask;
}

static void
mask_to(const uint8_t addr[16], uint32_t len, struct sr_prefix *out)
{
	uint32_t full = len / 8;

	memset(out, 0, sizeof(*out));
	out->len = len;
	memcpy(out->addr, addr, full);
	if (len % 8)
		out->addr[full] = (uint8_t)(addr[full] & (0xff00u >> (len % 8)));
}

static bool
same(const struct sr_prefix *a, const struct sr_prefix *b)
{
	return a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

struct sr_ban_table *
sr_ban_table_create(uint32_t capacity)
{
	struct sr_ban_table *t;
	uint32_t n = 2;

	if (capacity == 0 || capacity > (1u << 30))
		return NULL;
	while (n < 2 * capacity)
		n *= 2;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->ban = calloc(capacity, sizeof(*t->ban));
	t->idx = calloc(n, sizeof(*t->idx));
	if (t->ban == NULL || t->idx == NULL) {
		sr_ban_table_free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->cap = capacity;
	return t;
}

void
sr_ban_table_free(struct sr_ban_table *t)
{
	if (t == NULL)
		return;
	free(t->ban);
	free(t->idx);
	free(t);
}

/* The index slot that holds p, or the empty slot where it would go. */
static uint32_t
probe(const struct sr_ban_table *t, const struct sr_prefix *p)
{
	uint32_t i = slot_of(t, p);

	while (t->idx[i] != EMPTY && !same(&t->ban[t->idx[i] - 1].pfx, p))
		i = (i + 1) & t->mask;
	return i;
}

int
sr_ban_add(struct sr_ban_table *t, const struct sr_ban *b)
{
	struct sr_prefix norm;
	struct sr_ban *e;
	uint32_t i;

	if (b->pfx.len > 128)
		return -EINVAL;
	mask_to(b->pfx.addr, b->pfx.len, &norm);
	if (memcmp(norm.addr, b->pfx.addr, 16) != 0)
		return -EINVAL;
	i = probe(t, &norm);
	if (t->idx[i] != EMPTY) {
		uint64_t hits;

		e = &t->ban[t->idx[i] - 1];
		hits = e->hits;
		*e = *b;
		e->hits = hits;
		e->reason[SR_BAN_REASON_MAX - 1] = '\0';
		return 0;
	}
	if (t->count == t->cap)
		return -ENOSPC;
	e = &t->ban[t->count];
	*e = *b;
	e->reason[SR_BAN_REASON_MAX - 1] = '\0';
	t->idx[i] = ++t->count;
	t->per_len[norm.len]++;
	return 1;
}

/* Backward-shift delete of index slot i (linear probing keeps no tombstones). */
static void
idx_remove(struct sr_ban_table *t, uint32_t i)
{
	uint32_t j = i;

	t->idx[i] = EMPTY;
	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (t->idx[j] == EMPTY)
			return;
		home = slot_of(t, &t->ban[t->idx[j] - 1].pfx);
		/* j's entry may move to i when i lies cyclically in [home, j) */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->idx[i] = t->idx[j];
			t->idx[j] = EMPTY;
			i = j;
		}
	}
}

/* Removes the ban at position pos: the last one moves into its place. */
static void
remove_at(struct sr_ban_table *t, uint32_t pos)
{
	uint32_t last = t->count - 1;

	idx_remove(t, probe(t, &t->ban[pos].pfx));
	t->per_len[t->ban[pos].pfx.len]--;
	if (pos != last) {
		t->idx[probe(t, &t->ban[last].pfx)] = pos + 1;
		t->ban[pos] = t->ban[last];
	}
	memset(&t->ban[last], 0, sizeof(t->ban[last]));
	t->count--;
}

int
sr_ban_del(struct sr_ban_table *t, const struct sr_prefix *p)
{
	uint32_t i;

	if (p->len > 128)
		return -ENOENT;
	i = probe(t, p);
	if (t->idx[i] == EMPTY)
		return -ENOENT;
	remove_at(t, t->idx[i] - 1);
	return 0;
}

struct sr_ban *
sr_ban_match(struct sr_ban_table *t, const uint8_t addr[16], uint64_t now_us)
{
	struct sr_prefix k;

	if (t->count == 0)
		return NULL;
	for (int len = 128; len >= 0; len--) {
		uint32_t i;
		struct sr_ban *b;

		if (t->per_len[len] == 0)
			continue;
		mask_to(addr, (uint32_t)len, &k);
		i = probe(t, &k);
		if (t->idx[i] == EMPTY)
			continue;
		b = &t->ban[t->idx[i] - 1];
		/* an expired ban waits for the sweep; a shorter live one may still hold */
		if (b->expires_us == 0 || now_us < b->expires_us)
			return b;
	}
	return NULL;
}

uint32_t
sr_ban_expire(struct sr_ban_table *t, uint64_t now_us)
{
	uint32_t n = 0, pos = 0;

	while (pos < t->count) {
		const struct sr_ban *b = &t->ban[pos];

		if (b->expires_us != 0 && now_us >= b->expires_us) {
			remove_at(t, pos); /* the last ban moved here: look at pos again */
			n++;
		} else {
			pos++;
		}
	}
	return n;
}

uint32_t sr_ban_count(const struct sr_ban_table *t) { return t->count; }
uint32_t sr_ban_capacity(const struct sr_ban_table *t) { return t->cap; }

const struct sr_ban *
sr_ban_at(const struct sr_ban_table *t, uint32_t i)
{
	return i < t->count ? &t->ban[i] : NULL;
}
