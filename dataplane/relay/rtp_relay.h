/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT latching of a leg's remote endpoint (symmetric RTP, RFC 4961 / "comedia"). */
#ifndef RELAY_RTP_RELAY_H
#define RELAY_RTP_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/relay_types.h>

enum relay_latch_verdict {
	RELAY_LATCH_ACCEPT,  /* forward; remote unchanged */
	RELAY_LATCH_LATCHED, /* forward; remote[comp] now is the packet's source */
	RELAY_LATCH_DROP,    /* strict-source: not from the latched source */
};

/*
 * Decide what a packet from src, received on leg for component comp, does to the
 * leg's remote. relatch_after: number of consecutive packets from one new source
 * needed to move an already latched leg (0 = never re-latch). A packet from the
 * latched source resets that count, so a spoofed packet now and then cannot take over
 * a call whose genuine peer is still talking.
 */
enum relay_latch_verdict relay_latch(struct relay_leg *leg, enum relay_comp comp,
				     const struct relay_ep *src, uint8_t relatch_after);

bool relay_ep_equal(const struct relay_ep *a, const struct relay_ep *b);

#endif
