/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media ports of one interface: even RTP ports of the configured range (RTCP takes
 * port + 1), handed out round robin so that a port just freed is not reused at once
 * (late packets of the old call would land in the new one). Service loop only.
 */
#ifndef RELAY_PORT_POOL_H
#define RELAY_PORT_POOL_H

#include <stdint.h>

struct relay_port_pool {
	uint16_t lo;        /* first even port */
	uint16_t hi;        /* last even port */
	uint16_t next;      /* where the next search starts */
	uint32_t in_use;
	uint64_t bits[65536 / 2 / 64]; /* one bit per even port */
};

/* lo..hi is the configured range; odd bounds are narrowed to even RTP ports. */
int relay_port_pool_init(struct relay_port_pool *p, uint16_t lo, uint16_t hi);
/* Next free even port, or -EADDRINUSE when the range is exhausted. */
int relay_port_alloc(struct relay_port_pool *p, uint16_t *port);
/* Reserve a given even port: -EADDRINUSE when taken, -EINVAL when outside the range. */
int relay_port_take(struct relay_port_pool *p, uint16_t port);
void relay_port_release(struct relay_port_pool *p, uint16_t port);
/* Total even ports of the range. */
uint32_t relay_port_capacity(const struct relay_port_pool *p);

#endif
