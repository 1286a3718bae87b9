/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions keyed by (Call-ID, caller's From tag), with a fixed capacity chosen at create
 * time: a slot array plus an open-addressing index (linear probing over a power of two
 * at least twice the capacity, so probes stay short; backward-shift deletion, so there
 * are no tombstones to clean). Also a FIFO of half-open sessions: the timeout is the
 * same for all, so the oldest is always first and expiry never scans the table.
 */
#include <errno.h>
#include <stdlib.h>

#include "sp_internal.h"

uint64_t sp_key_hash(struct sr_slice call_id, struct sr_slice tag)
{
	return sp_hash_slice(sp_hash_slice(SP_HASH_SEED, call_id), tag);
}

int sp_table_init(struct sp_table *t, uint32_t cap)
{
	uint32_t n = 16;

	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap > (1u << 28))
		return -EINVAL;
	while (n < 2 * cap)
		n <<= 1;
	t->s = calloc(cap, sizeof(*t->s));
	t->idx = calloc(n, sizeof(*t->idx));
	if (t->s == NULL || t->idx == NULL) {
		sp_table_fini(t);
		return -ENOMEM;
	}
	t->mask = n - 1;
	t->cap = cap;
	for (uint32_t i = 0; i < cap; i++)
		t->s[i].ho_next = i + 1 < cap ? (int32_t)(i + 1) : -1;
	t->free_head = 0;
	t->ho_head = t->ho_tail = -1;
	return 0;
}

void sp_table_fini(struct sp_table *t)
{
	free(t->s);
	free(t->idx);
	t->s = NULL;
	t->idx = NULL;
}

static uint32_t keep(uint32_t len, uint32_t max)
{
	return len < max ? len : max;
}

/* Absent values are empty slices with a NULL pointer: memcmp must not see those. */
static bool prefix_eq(const char *kept, struct sr_slice v, uint32_t max)
{
	return v.len == 0 || memcmp(kept, v.p, keep(v.len, max)) == 0;
}

static bool key_eq(const struct sp_session *s, struct sr_slice call_id, struct sr_slice tag, uint64_t hash)
{
	return s->hash == hash && s->call_id_len == call_id.len && s->tag_len == tag.len &&
	       prefix_eq(s->call_id, call_id, SP_CALLID_KEEP) && prefix_eq(s->tag, tag, SP_TAG_KEEP);
}

struct sp_session *sp_table_find(const struct sp_table *t, struct sr_slice call_id, struct sr_slice tag,
				 uint64_t hash)
{
	if (call_id.len > UINT16_MAX || tag.len > UINT8_MAX)
		return NULL;
	for (uint32_t i = (uint32_t)hash & t->mask;; i = (i + 1) & t->mask) {
		uint32_t v = t->idx[i];

		if (v == 0)
			return NULL;
		if (key_eq(&t->s[v - 1], call_id, tag, hash))
			return &t->s[v - 1];
	}
}

/* A new zeroed session holding the key, or NULL when the table is full or the key is
 * too long to be told apart by its stored length. */
struct sp_session *sp_table_insert(struct sp_table *t, struct sr_slice call_id, struct sr_slice tag,
				   uint64_t hash)
{
	struct sp_session *s;
	uint32_t i;
	int32_t slot;

	if (t->free_head < 0 || call_id.len > UINT16_MAX || tag.len > UINT8_MAX)
		return NULL;
	slot = t->free_head;
	s = &t->s[slot];
	t->free_head = s->ho_next;
	memset(s, 0, sizeof(*s));
	s->hash = hash;
	s->call_id_len = (uint16_t)call_id.len;
	s->tag_len = (uint8_t)tag.len;
	if (call_id.len)
		memcpy(s->call_id, call_id.p, keep(call_id.len, SP_CALLID_KEEP));
	if (tag.len)
		memcpy(s->tag, tag.p, keep(tag.len, SP_TAG_KEEP));
	s->ho_prev = s->ho_next = -1;
	for (i = (uint32_t)hash & t->mask; t->idx[i] != 0; i = (i + 1) & t->mask)
		;
	t->idx[i] = (uint32_t)slot + 1;
	t->used++;
	return s;
}

void sp_table_remove(struct sp_table *t, struct sp_session *s)
{
	uint32_t slot = (uint32_t)(s - t->s), i, j;

	sp_ho_unlink(t, s);
	for (i = (uint32_t)s->hash & t->mask; t->idx[i] != slot + 1; i = (i + 1) & t->mask)
		;
	/* backward shift: move up every later entry of the run that may sit at i */
	for (j = (i + 1) & t->mask; t->idx[j] != 0; j = (j + 1) & t->mask) {
		uint32_t home = (uint32_t)t->s[t->idx[j] - 1].hash & t->mask;

		/* entry at j may move to i when its home is not in (i, j] (cyclically) */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->idx[i] = t->idx[j];
			i = j;
		}
	}
	t->idx[i] = 0;
	s->state = SP_FREE;
	s->ho_next = t->free_head;
	t->free_head = (int32_t)slot;
	t->used--;
}

void sp_ho_push(struct sp_table *t, struct sp_session *s)
{
	int32_t slot = (int32_t)(s - t->s);

	if (s->in_ho)
		return;
	s->ho_prev = t->ho_tail;
	s->ho_next = -1;
	if (t->ho_tail >= 0)
		t->s[t->ho_tail].ho_next = slot;
	else
		t->ho_head = slot;
	t->ho_tail = slot;
	s->in_ho = 1;
}

void sp_ho_unlink(struct sp_table *t, struct sp_session *s)
{
	if (!s->in_ho)
		return;
	if (s->ho_prev >= 0)
		t->s[s->ho_prev].ho_next = s->ho_next;
	else
		t->ho_head = s->ho_next;
	if (s->ho_next >= 0)
		t->s[s->ho_next].ho_prev = s->ho_prev;
	else
		t->ho_tail = s->ho_prev;
	s->ho_prev = s->ho_next = -1;
	s->in_ho = 0;
}

struct sp_session *sp_ho_oldest(const struct sp_table *t)
{
	return t->ho_head >= 0 ? &t->s[t->ho_head] : NULL;
}
