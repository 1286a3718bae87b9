/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Token pacing for srgen: packet k of a run is due at start + k / rate. A sender that
 * falls behind by more than `burst` packets gives up the lost time instead of catching
 * up in one long burst, so the offered rate never exceeds the target over any window
 * longer than a burst.
 */
#ifndef SRGEN_PACER_H
#define SRGEN_PACER_H

#include <stdint.h>

struct pacer {
	double pps;          /* 0: unpaced */
	uint64_t burst;
	uint64_t base_ns;    /* packet base_sent was due at base_ns */
	uint64_t base_sent;
};

void pacer_init(struct pacer *p, double pps, uint64_t burst, uint64_t now_ns);
/* How many packets may go at now_ns after `sent` so far (UINT64_MAX when unpaced). */
uint64_t pacer_allow(struct pacer *p, uint64_t now_ns, uint64_t sent);
/* Nanoseconds until the next packet is due (0 when one is due already). */
uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns, uint64_t sent);

#endif
