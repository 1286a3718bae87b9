/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What srgen puts on the wire and srsink reads back: one definition for the generator,
 * the sink's XDP program and the tests. No kernel headers (the BPF side is freestanding).
 *
 * In RTP mode the UDP payload is
 *   RTP header (12 bytes: V=2, no padding, no extension, no CSRC)
 *   struct srgen_stamp (24 bytes, network byte order)
 *   filler up to the payload size
 * The stamp carries its own flow id and 64-bit sequence so that the sink can tell flows
 * apart after a relay has rewritten addresses and ports, and so that the 16-bit RTP
 * sequence wrapping at high rates does not hide loss.
 */
#ifndef SRGEN_WIRE_H
#define SRGEN_WIRE_H

#include <stdint.h>

#define SRGEN_MAGIC 0x5352474eu /* "SRGN" */
#define SRGEN_RTP_HDR_LEN 12
#define SRGEN_STAMP_OFF SRGEN_RTP_HDR_LEN /* offset of the stamp in the UDP payload */
#define SRGEN_STAMP_LEN 24
#define SRGEN_MIN_RTP_PAYLOAD (SRGEN_STAMP_OFF + SRGEN_STAMP_LEN)

#define SRGEN_ETH_LEN 14
#define SRGEN_IP4_LEN 20
#define SRGEN_UDP_LEN 8
#define SRGEN_HDRS_LEN (SRGEN_ETH_LEN + SRGEN_IP4_LEN + SRGEN_UDP_LEN)

/* The stamp, big-endian on the wire. */
struct srgen_stamp {
	uint32_t magic;   /* SRGEN_MAGIC */
	uint32_t flow;    /* flow id, unique per run (srgen --flow-id-base) */
	uint64_t seq;     /* 0, 1, 2 ... per flow */
	uint64_t tx_ns;   /* CLOCK_MONOTONIC when the frame was written */
} __attribute__((packed));

#endif
