/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "port_pool.h"

static inline uint32_t
slot(uint16_t port)
{
	return port / 2u;
}

static inline int
is_set(const struct relay_port_pool *p, uint32_t s)
{
	return (p->bits[s / 64] >> (s % 64)) & 1;
}

int
relay_port_pool_init(struct relay_port_pool *p, uint16_t lo, uint16_t hi)
{
	memset(p, 0, sizeof(*p));
	lo = (uint16_t)((lo + 1u) & ~1u);
	/* the RTCP port of the last RTP port must fit in the range too */
	if (hi == 0 || (hi & 1) == 0)
		hi = (uint16_t)(hi ? hi - 2u : 0);
	else
		hi = (uint16_t)(hi - 1u);
	if (lo == 0 || hi < lo)
		return -EINVAL;
	p->lo = lo;
	p->hi = hi;
	p->next = lo;
	return 0;
}

uint32_t
relay_port_capacity(const struct relay_port_pool *p)
{
	return p->hi >= p->lo && p->lo ? (uint32_t)(p->hi - p->lo) / 2u + 1u : 0;
}

int
relay_port_alloc(struct relay_port_pool *p, uint16_t *port)
{
	uint32_t n = relay_port_capacity(p), i;

	for (i = 0; i < n; i++) {
		uint16_t cand = p->next;

		p->next = cand >= p->hi ? p->lo : (uint16_t)(cand + 2u);
		if (!is_set(p, slot(cand))) {
			p->bits[slot(cand) / 64] |= 1ull << (slot(cand) % 64);
			p->in_use++;
			*port = cand;
			return 0;
		}
	}
	return -EADDRINUSE;
}

int
relay_port_take(struct relay_port_pool *p, uint16_t port)
{
	if ((port & 1) || port < p->lo || port > p->hi)
		return -EINVAL;
	if (is_set(p, slot(port)))
		return -EADDRINUSE;
	p->bits[slot(port) / 64] |= 1ull << (slot(port) % 64);
	p->in_use++;
	return 0;
}

void
relay_port_release(struct relay_port_pool *p, uint16_t port)
{
	if ((port & 1) || port < p->lo || port > p->hi || !is_set(p, slot(port)))
		return;
	p->bits[slot(port) / 64] &= ~(1ull << (slot(port) % 64));
	p->in_use--;
}
