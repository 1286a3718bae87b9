/* SPDX-License-Identifier: BSD-3-Clause */
/* RTP receive statistics: RFC 3550 A.1 sequence validation, A.3 loss, A.8 jitter. */
#ifndef RELAY_RTP_STATS_H
#define RELAY_RTP_STATS_H

#include <stdint.h>

#include <siprelay/relay_types.h>

struct relay_rtp_report {
	uint32_t ext_max_seq; /* extended highest sequence number received */
	uint32_t expected;
	uint32_t received;
	int32_t lost;         /* cumulative, may be negative with duplicates (A.3) */
	uint32_t jitter;      /* interarrival jitter in RTP timestamp units */
};

/*
 * Account one RTP packet. arrival is the arrival time in the same clock units as the
 * RTP timestamp. Packets of another SSRC restart the statistics (a new source).
 */
void relay_rtp_update(struct relay_rtp_state *s, uint32_t ssrc, uint16_t seq,
		      uint32_t rtp_ts, uint32_t arrival);

void relay_rtp_report(const struct relay_rtp_state *s, struct relay_rtp_report *r);

#endif
