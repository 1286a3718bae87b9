/* SPDX-License-Identifier: BSD-3-Clause */
/* FNV-1a, 64 bit: branches and table keys must be the same for every retransmission
 * and across restarts, and FNV is cheap for the few short strings hashed per message. */
#include "sp_internal.h"

uint64_t sp_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Hashes the length too, so that ("ab","c") and ("a","bc") differ. */
uint64_t sp_hash_slice(uint64_t h, struct sr_slice s)
{
	h = sp_hash(h, &s.len, sizeof(s.len));
	return s.len ? sp_hash(h, s.p, s.len) : h;
}
