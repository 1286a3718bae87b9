/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Synthetic streams for benchmarks: stream i has leg A on interface a (address
 * pool4 + i / P, port media_lo + 2 * (i % P), P = even ports in the range) and leg B
 * on interface b (same formula), B's remote off-link behind b's gateway. The pcap
 * generator uses the same function, so the two agree without a file in between.
 */
#ifndef RELAY_PRELOAD_H
#define RELAY_PRELOAD_H

#include <stdint.h>

#include <siprelay/relay_types.h>

#include "iface.h"

/* How many streams the pools of a and b can hold. */
uint32_t relay_preload_max(const struct relay_iface *a, const struct relay_iface *b);
void relay_preload_stream(uint32_t i, const struct relay_iface *a, const struct relay_iface *b,
			  uint8_t leg_flags, struct relay_stream *s);

#endif
