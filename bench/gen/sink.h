/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srsink's XDP program (sink.bpf.c) as user space sees it: counters, the per-flow state
 * and the latency histogram's bucket layout. Shared by the program, the srsink loader
 * and the tests; only the UAPI's struct bpf_spin_lock comes from a kernel header.
 *
 * The program consumes (XDP_DROP) every IPv4 UDP frame whose destination port lies in
 * [port_lo, port_hi] and passes everything else to the kernel.
 */
#ifndef SRGEN_SINK_H
#define SRGEN_SINK_H

#include <stdint.h>

#include <linux/bpf.h> /* struct bpf_spin_lock */

#define SINK_MAX_FLOWS 65536
#define SINK_MAX_UDP_LEN 1480 /* longest UDP datagram whose checksum is verified */

/* Index of the per-CPU counter array. */
enum sink_counter {
	SINK_C_PKTS,          /* frames consumed (in the port range) */
	SINK_C_BYTES,         /* their Ethernet frame bytes */
	SINK_C_BAD_UDP_CSUM,  /* UDP checksum wrong */
	SINK_C_ZERO_UDP_CSUM, /* no UDP checksum (0): not verifiable, counted apart */
	SINK_C_BAD_IP_CSUM,   /* IPv4 header checksum wrong */
	SINK_C_MALFORMED,     /* UDP/IP lengths inconsistent with the frame */
	SINK_C_TOO_LONG,      /* longer than SINK_MAX_UDP_LEN: checksum not verified */
	SINK_C_UNSTAMPED,     /* good checksum but no srgen stamp (e.g. a SIP flood) */
	SINK_C_STAMPED,       /* good checksum and a stamp: in the flow table and histogram */
	SINK_C_FLOWS_FULL,    /* stamped, but the flow table was full */
	SINK_C_CLOCK_BACK,    /* stamp later than the arrival: not a latency sample */
	SINK_C_LAT_SUM,       /* sum of latency samples, ns */
	SINK_C_LAT_MAX,       /* largest latency sample, ns (per CPU; user space takes the max) */
	SINK_C_MAX,
};

/* Per flow id (the stamp's), one entry in a hash map shared by all CPUs. */
struct sink_flow {
	struct bpf_spin_lock lock;
	uint32_t pad;
	uint64_t pkts;
	uint64_t bytes;
	uint64_t first_seq;  /* sequence of the first arrival */
	uint64_t max_seq;    /* highest sequence seen */
	uint64_t reordered;  /* arrivals with a sequence not above max_seq (late or duplicate) */
	uint64_t gaps;       /* forward jumps by more than one */
	uint64_t first_ns;   /* arrival of the first and last frame (bpf_ktime_get_ns) */
	uint64_t last_ns;
};

/*
 * Latency histogram: log-linear, like HdrHistogram. Values below 2^SUB_BITS ns get a
 * bucket each; above, every power of two is split into 2^SUB_BITS equal buckets, so a
 * bucket is at most 1/16 (6.25%) of its value wide. Values from 2^40 ns (18 minutes)
 * land in the last bucket.
 */
#define SINK_HIST_SUB_BITS 4
#define SINK_HIST_SUB (1u << SINK_HIST_SUB_BITS)
#define SINK_HIST_MAX_EXP 39 /* highest bit position with its own buckets */
#define SINK_HIST_BUCKETS ((SINK_HIST_MAX_EXP - SINK_HIST_SUB_BITS + 2) * SINK_HIST_SUB)

/* Index of the highest set bit (v != 0), without loops for the verifier. */
static inline uint32_t
sink_fls64(uint64_t v)
{
	uint32_t n = 0;

	if (v >> 32) { n += 32; v >>= 32; }
	if (v >> 16) { n += 16; v >>= 16; }
	if (v >> 8) { n += 8; v >>= 8; }
	if (v >> 4) { n += 4; v >>= 4; }
	if (v >> 2) { n += 2; v >>= 2; }
	if (v >> 1) n += 1;
	return n;
}

static inline uint32_t
sink_hist_bucket(uint64_t ns)
{
	uint32_t e;

	if (ns < SINK_HIST_SUB)
		return (uint32_t)ns;
	e = sink_fls64(ns);
	if (e > SINK_HIST_MAX_EXP)
		return SINK_HIST_BUCKETS - 1;
	return (e - SINK_HIST_SUB_BITS + 1) * SINK_HIST_SUB +
	       (uint32_t)((ns >> (e - SINK_HIST_SUB_BITS)) & (SINK_HIST_SUB - 1));
}

/* Smallest value in bucket b. */
static inline uint64_t
sink_hist_lower(uint32_t b)
{
	uint32_t e;

	if (b < SINK_HIST_SUB)
		return b;
	e = b / SINK_HIST_SUB + SINK_HIST_SUB_BITS - 1;
	return (uint64_t)(SINK_HIST_SUB + b % SINK_HIST_SUB) << (e - SINK_HIST_SUB_BITS);
}

/* Width of bucket b (the last one is open-ended; this is its nominal width). */
static inline uint64_t
sink_hist_width(uint32_t b)
{
	if (b < SINK_HIST_SUB)
		return 1;
	return (uint64_t)1 << (b / SINK_HIST_SUB - 1);
}

#endif
