/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 3550 appendix A.1 (sequence number validation), A.3 (expected and lost) and
 * A.8 (interarrival jitter), kept close to the RFC's code so that figures match what
 * endpoints compute in their RTCP reports.
 */
#include <string.h>

#include "rtp_stats.h"

#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100
#define MIN_SEQUENTIAL 2

static void
init_seq(struct relay_rtp_state *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
}

/* A.1 update_seq(): returns 1 when the packet counts, 0 when it is rejected. */
static int
update_seq(struct relay_rtp_state *s, uint16_t seq)
{
	uint16_t udelta = seq - s->max_seq;

	if (s->probation) {
		/* a new source is valid after MIN_SEQUENTIAL packets in sequence */
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				init_seq(s, seq);
				s->received++;
				return 1;
			}
		} else {
			s->probation = MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return 0;
	} else if (udelta < MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD; /* wrapped */
		s->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
		/* a very large jump: resync only when two packets in a row agree */
		if (seq == s->bad_seq) {
			init_seq(s, seq);
		} else {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return 0;
		}
	}
	/* else: duplicate or reordered packet, counted */
	s->received++;
	return 1;
}

void
relay_rtp_update(struct relay_rtp_state *s, uint32_t ssrc, uint16_t seq,
		 uint32_t rtp_ts, uint32_t arrival)
{
	uint32_t transit = arrival - rtp_ts;
	int32_t d;

	if (!s->seen || s->ssrc != ssrc) {
		memset(s, 0, sizeof(*s));
		s->seen = 1;
		s->ssrc = ssrc;
		init_seq(s, seq);
		s->max_seq = seq - 1;
		s->probation = MIN_SEQUENTIAL;
		s->transit = transit;
		/* the first packet is in probation, exactly as A.1's caller does */
		update_seq(s, seq);
		return;
	}
	if (!update_seq(s, seq))
		return;
	/* A.8: J += (|D| - J) / 16, kept scaled by 16 to avoid division */
	d = (int32_t)(transit - s->transit);
	s->transit = transit;
	if (d < 0)
		d = -d;
	s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
}

void
relay_rtp_report(const struct relay_rtp_state *s, struct relay_rtp_report *r)
{
	r->ext_max_seq = s->cycles + s->max_seq;
	r->received = s->received;
	if (s->received == 0) {
		r->expected = 0;
		r->lost = 0;
	} else {
		r->expected = r->ext_max_seq - s->base_seq + 1;
		r->lost = (int32_t)(r->expected - r->received);
	}
	r->jitter = s->jitter >> 4;
}
