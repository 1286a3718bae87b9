/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "rtp_relay.h"

static const uint8_t latched_flag[RELAY_COMP_MAX] = {
	RELAY_LEG_LATCHED_RTP,
	RELAY_LEG_LATCHED_RTCP,
};

bool
relay_ep_equal(const struct relay_ep *a, const struct relay_ep *b)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	/* fixed-size compares: a libc memcmp call per packet showed in profiles */
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family != RELAY_FAMILY_IPV6) {
		memcpy(&u, a->addr, 4);
		memcpy(&v, b->addr, 4);
		return u == v;
	}
	memcpy(x, a->addr, 16);
	memcpy(y, b->addr, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* FNV-1a over what identifies a source; only compared with itself, never stored. */
static uint32_t
ep_hash(const struct relay_ep *ep)
{
	size_t alen = ep->family == RELAY_FAMILY_IPV6 ? 16 : 4;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < alen; i++)
		h = (h ^ ep->addr[i]) * 16777619u;
	h = (h ^ (ep->port & 0xff)) * 16777619u;
	h = (h ^ (ep->port >> 8)) * 16777619u;
	return h | 1; /* 0 means "no candidate" */
}

static void
set_remote(struct relay_leg *leg, enum relay_comp comp, const struct relay_ep *src)
{
	leg->remote[comp] = *src;
	leg->flags |= latched_flag[comp];
	leg->cand_hash[comp] = 0;
	leg->cand_count[comp] = 0;
}

enum relay_latch_verdict
relay_latch(struct relay_leg *leg, enum relay_comp comp, const struct relay_ep *src,
	    uint8_t relatch_after)
{
	uint32_t h;

	if (leg->flags & RELAY_LEG_NO_LATCH)
		return RELAY_LATCH_ACCEPT;
	if (!(leg->flags & latched_flag[comp])) {
		set_remote(leg, comp, src);
		return RELAY_LATCH_LATCHED;
	}
	if (relay_ep_equal(&leg->remote[comp], src)) {
		leg->cand_count[comp] = 0;
		return RELAY_LATCH_ACCEPT;
	}
	if (relatch_after != 0) {
		h = ep_hash(src);
		if (h == leg->cand_hash[comp]) {
			leg->cand_count[comp]++;
		} else {
			leg->cand_hash[comp] = h;
			leg->cand_count[comp] = 1;
		}
		if (leg->cand_count[comp] >= relatch_after) {
			set_remote(leg, comp, src);
			return RELAY_LATCH_LATCHED;
		}
	}
	return (leg->flags & RELAY_LEG_STRICT) ? RELAY_LATCH_DROP : RELAY_LATCH_ACCEPT;
}
