/* SPDX-License-Identifier: BSD-3-Clause */
/* The registration table: bindings in a slot array, found by token through an
 * open-addressing index of twice the capacity (linear probing, backward-shift delete).
 * Tokens are hashes already, so they index the table as they are. */
#include <errno.h>
#include <stdlib.h>

#include "sp_internal.h"

int sp_reg_init(struct sp_regtab *t, uint32_t cap)
{
	uint32_t n = 1;

	memset(t, 0, sizeof(*t));
	if (cap == 0)
		return 0;
	if (cap > (1u << 24))
		return -EINVAL;
	while (n < cap * 2)
		n <<= 1;
	t->b = calloc(cap, sizeof(*t->b));
	t->idx = calloc(n, sizeof(*t->idx));
	if (t->b == NULL || t->idx == NULL) {
		sp_reg_fini(t);
		return -ENOMEM;
	}
	t->mask = n - 1;
	t->cap = cap;
	return 0;
}

void sp_reg_fini(struct sp_regtab *t)
{
	free(t->b);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}

struct sp_binding *sp_reg_find(const struct sp_regtab *t, uint64_t token)
{
	if (t->cap == 0 || token == 0)
		return NULL;
	for (uint32_t i = (uint32_t)token & t->mask; t->idx[i] != 0; i = (i + 1) & t->mask) {
		struct sp_binding *b = &t->b[t->idx[i] - 1];

		if (b->token == token)
			return b;
	}
	return NULL;
}

struct sp_binding *sp_reg_upsert(struct sp_regtab *t, uint64_t token, bool *added)
{
	struct sp_binding *b = sp_reg_find(t, token);
	uint32_t i, slot;

	*added = false;
	if (b != NULL)
		return b;
	if (token == 0 || t->used >= t->cap)
		return NULL;
	for (slot = 0; slot < t->cap && t->b[slot].token != 0; slot++)
		;
	for (i = (uint32_t)token & t->mask; t->idx[i] != 0; i = (i + 1) & t->mask)
		;
	t->idx[i] = slot + 1;
	b = &t->b[slot];
	memset(b, 0, sizeof(*b));
	b->token = token;
	t->used++;
	*added = true;
	return b;
}

void sp_reg_remove(struct sp_regtab *t, struct sp_binding *b)
{
	uint32_t slot = (uint32_t)(b - t->b) + 1, i, j;

	for (i = (uint32_t)b->token & t->mask; t->idx[i] != slot; i = (i + 1) & t->mask)
		if (t->idx[i] == 0)
			return; /* not indexed: nothing to do */
	/* backward shift: pull later entries of the run into the hole when their home
	 * position does not lie strictly between the hole and them */
	for (j = (i + 1) & t->mask; t->idx[j] != 0; j = (j + 1) & t->mask) {
		uint32_t home = (uint32_t)t->b[t->idx[j] - 1].token & t->mask;

		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->idx[i] = t->idx[j];
			i = j;
		}
	}
	t->idx[i] = 0;
	memset(b, 0, sizeof(*b));
	t->used--;
}
