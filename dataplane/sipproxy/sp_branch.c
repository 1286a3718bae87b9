/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's Via branch, derived from the request alone (RFC 3261 16.11), and loop
 * detection over it (16.3 item 4, 16.6 item 8).
 *
 *   z9hG4bK sr <P> <LLLLLLLL> <TTTTTTTTTTTTTTTT>
 *
 * P is the position of the interface the request arrived on: a response carries it back
 * and is sent out of that interface without any state.
 * L, the loop part, hashes what stays the same when a request comes back unchanged: the
 * Request-URI, From tag, Call-ID, CSeq number and P. P keeps a spiral that passes once
 * through each side (access -> PBX -> core -> callee) from looking like a loop.
 * T, the transaction part, hashes the received top Via branch when it has the magic
 * cookie (so CANCEL and the ACK of a non-2xx, which reuse the INVITE's branch, get the
 * INVITE's branch here too), else the whole top Via with the fields of L.
 * The To tag is left out on purpose: the ACK of a non-2xx carries the tag of the
 * response while its INVITE had none, and both must leave with one branch.
 */
#include <stdio.h>

#include "sp_internal.h"

static uint64_t loop_hash(const struct sr_sip_msg *m, unsigned pos)
{
	uint64_t h = SP_HASH_SEED;

	h = sp_hash_slice(h, m->ruri);
	h = sp_hash_slice(h, m->from_tag);
	h = sp_hash_slice(h, m->call_id);
	h = sp_hash(h, &m->cseq, sizeof(m->cseq));
	return sp_hash(h, &pos, sizeof(pos));
}

void sp_branch_make(const struct sr_sip_msg *m, unsigned pos, char out[SP_BRANCH_LEN + 1])
{
	const struct sr_sip_via *v = &m->top_via;
	uint64_t loop = loop_hash(m, pos);
	uint64_t txn = sp_hash(SP_HASH_SEED, &loop, sizeof(loop));

	if (v->branch.len > 7 && memcmp(v->branch.p, "z9hG4bK", 7) == 0)
		txn = sp_hash_slice(txn, v->branch);
	else
		txn = sp_hash_slice(txn, v->raw);
	snprintf(out, SP_BRANCH_LEN + 1, SP_BRANCH_PREFIX "%x%08x%016llx", pos & 0xf,
		 (unsigned)(loop ^ (loop >> 32)), (unsigned long long)txn);
}

/* The interface position a branch of ours carries, or -1 when it is not one of ours. */
int sp_branch_pos(struct sr_slice branch)
{
	char c;

	if (branch.len != SP_BRANCH_LEN || memcmp(branch.p, SP_BRANCH_PREFIX, SP_BRANCH_PREFIX_LEN) != 0)
		return -1;
	c = branch.p[SP_BRANCH_PREFIX_LEN];
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool sp_via_ours(const struct sr_proxy *p, const struct sr_sip_via *v)
{
	struct relay_ep ep;

	return sp_ep_parse(v->host, v->port, &ep) == 0 && sp_ep_ours(p, &ep) >= 0;
}

/* A Via of ours whose branch has the interface and loop part we compute now: the
 * request has been here before, unchanged (a spiral changes the Request-URI). */
bool sp_loop_detected(const struct sr_proxy *p, const struct sr_sip_msg *m, const char *branch)
{
	const size_t cmp = SP_BRANCH_PREFIX_LEN + 1 + 8;

	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_VIA); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, elem;
		struct sr_sip_via v;

		while (sr_sip_list_next(&rest, &elem) > 0) {
			if (sr_sip_via_parse(elem, &v) < 0 || v.branch.len != SP_BRANCH_LEN)
				continue;
			if (memcmp(v.branch.p, branch, cmp) == 0 && sp_via_ours(p, &v))
				return true;
		}
	}
	return false;
}
