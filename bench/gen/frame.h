/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srgen's frame builder: Ethernet + IPv4 + UDP around a payload, with both checksums
 * computed in full (nothing is left to offloads: the frames leave through AF_XDP and
 * the relay treats checksums as untrusted input), and the two payloads srgen sends.
 */
#ifndef SRGEN_FRAME_H
#define SRGEN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* One UDP 5-tuple; addresses in network order, ports in host order. */
struct gen_flow {
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t dst_mac[6]; /* next hop's MAC, resolved by the caller */
};

/* Per-flow RTP state: what the RTP header carries for packet number seq. */
struct gen_rtp {
	uint32_t ssrc;
	uint16_t seq0;     /* RTP sequence of packet 0 */
	uint32_t ts0;      /* RTP timestamp of packet 0 */
	uint32_t ts_step;  /* timestamp units per packet (160: 20 ms of 8 kHz audio) */
	uint8_t pt;        /* payload type */
	uint32_t flow_id;  /* the stamp's flow id */
};

/* Ones' complement sum of len bytes, not folded, not inverted. */
uint64_t frame_csum_add(uint64_t sum, const void *p, size_t len);
/* Folded and inverted: the value for a checksum field (memory order). */
uint16_t frame_csum_fold(uint64_t sum);

/*
 * Writes the Ethernet, IPv4 and UDP headers in front of the payload_len bytes already at
 * buf + SRGEN_HDRS_LEN and fills in both checksums. A computed UDP checksum of 0 is sent
 * as 0xffff (RFC 768). Returns the frame length.
 */
size_t frame_udp4(uint8_t *buf, const uint8_t src_mac[6], const struct gen_flow *f,
		  size_t payload_len, uint16_t ip_id);

/* Deterministic RTP state for flow id `id` (SSRC, initial sequence and timestamp). */
void frame_rtp_init(struct gen_rtp *r, uint32_t id, uint8_t pt, uint32_t ts_step);

/*
 * RTP header and stamp of packet `seq` at p (len >= SRGEN_MIN_RTP_PAYLOAD); the rest of
 * the payload (filler) is left as it is.
 */
void frame_rtp_payload(uint8_t *p, const struct gen_rtp *r, uint64_t seq, uint64_t tx_ns);

/*
 * A SIP OPTIONS request from src:sport to dst:dport whose branch, tag and Call-ID carry
 * n, written at p. Returns its length, or 0 when it does not fit in cap bytes.
 */
size_t frame_sip_options(char *p, size_t cap, uint32_t src, uint16_t sport, uint32_t dst,
			 uint16_t dport, uint64_t n);

#endif
