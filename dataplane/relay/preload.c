/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>

#include "preload.h"

static uint32_t
ports_per_addr(const struct relay_iface *i)
{
	return (uint32_t)(i->media_hi - i->media_lo + 1) / 2;
}

static uint32_t
pool_size(const struct relay_iface *i)
{
	if (i->pool4 == 0)
		return 1;
	return i->pool4_plen >= 32 ? 1 : 1u << (32 - i->pool4_plen);
}

uint32_t
relay_preload_max(const struct relay_iface *a, const struct relay_iface *b)
{
	uint64_t na = (uint64_t)ports_per_addr(a) * pool_size(a);
	uint64_t nb = (uint64_t)ports_per_addr(b) * pool_size(b);
	uint64_t n = na < nb ? na : nb;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static void
mkleg(struct relay_leg *l, uint32_t i, const struct relay_iface *ifc, uint32_t remote_net,
      uint16_t remote_port)
{
	uint32_t p = ports_per_addr(ifc);
	uint32_t base = ifc->pool4 != 0 ? rte_be_to_cpu_32(ifc->pool4) : rte_be_to_cpu_32(ifc->ip4);
	uint32_t raddr = rte_cpu_to_be_32(remote_net + (i & 0xffff));

	l->family = RELAY_FAMILY_IPV4;
	l->iface = ifc->index;
	l->local_addr = rte_cpu_to_be_32(base + i / p);
	l->local_port = (uint16_t)(ifc->media_lo + 2 * (i % p));
	l->clock_rate = 8000;
	l->remote[RELAY_COMP_RTP].family = RELAY_FAMILY_IPV4;
	l->remote[RELAY_COMP_RTP].port = remote_port;
	memcpy(l->remote[RELAY_COMP_RTP].addr, &raddr, 4);
	l->remote[RELAY_COMP_RTCP] = l->remote[RELAY_COMP_RTP];
	l->remote[RELAY_COMP_RTCP].port = remote_port + 1;
}

void
relay_preload_stream(uint32_t i, const struct relay_iface *a, const struct relay_iface *b,
		     uint8_t leg_flags, struct relay_stream *s)
{
	memset(s, 0, sizeof(*s));
	/* remotes: 203.0.113.0/24-style off-link ranges from the benchmarking block */
	mkleg(&s->leg[0], i, a, 0xc6130000 /* 198.19.0.0 */, 20000);
	mkleg(&s->leg[1], i, b, 0xc6138000 /* 198.19.128.0 */, 30000);
	s->leg[0].flags = leg_flags;
	s->leg[1].flags = leg_flags;
	s->session_id = i;
}
