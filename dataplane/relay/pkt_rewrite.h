/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Build fresh Ethernet + IPv4/IPv6 + UDP headers in front of a UDP payload. The UDP
 * checksum covers the payload, which the relay does not change: where the receiving
 * port delivers complete checksums (frames off a wire), the payload's share is taken
 * from the received checksum (RFC 1624), so the relay neither reads the payload nor
 * hides corruption that happened before it. Where it may not (kernel peers on the same
 * host hand veth and tap frames over with partial checksums), the payload is summed.
 */
#ifndef RELAY_PKT_REWRITE_H
#define RELAY_PKT_REWRITE_H

#include <stdint.h>

#include <siprelay/relay_types.h>

struct relay_hdr_spec {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	struct relay_ep src;  /* family decides IPv4 or IPv6 */
	struct relay_ep dst;
	uint8_t tos;          /* DSCP/ECN to carry over (IPv4 TOS or IPv6 traffic class) */
	uint8_t ttl;
	uint8_t no_udp_csum;  /* the port computes the UDP checksum (TX offload) */
	uint8_t payload_csum; /* enum relay_payload_csum; zero: sum the payload */
	uint16_t payload_sum; /* RELAY_PCSUM_KNOWN: the payload's folded sum */
};

/* Where the payload's share of the UDP checksum comes from. */
enum relay_payload_csum {
	RELAY_PCSUM_COMPUTE, /* sum the payload */
	RELAY_PCSUM_KNOWN,   /* spec.payload_sum, from the received checksum */
	RELAY_PCSUM_NONE,    /* IPv4 sent without a checksum (0): keep it so */
};

/*
 * The payload's folded one's complement sum, from a received UDP checksum that is
 * complete (nonzero): the checksum makes the sum of pseudo-header, UDP header and
 * payload 0xffff, so the payload's share is what the rest lacks. src and dst are the
 * received addresses (4 or 16 bytes by family), ports and checksum as in the frame.
 */
uint16_t relay_udp_payload_sum(uint8_t family, const uint8_t *src, const uint8_t *dst,
			       uint16_t sport_be, uint16_t dport_be, uint16_t ulen,
			       uint16_t csum_be);

#define RELAY_HDR_LEN_IPV4 (14 + 20 + 8)
#define RELAY_HDR_LEN_IPV6 (14 + 40 + 8)

static inline unsigned int
relay_hdr_len(uint8_t family)
{
	return family == RELAY_FAMILY_IPV6 ? RELAY_HDR_LEN_IPV6 : RELAY_HDR_LEN_IPV4;
}

/*
 * Write relay_hdr_len(spec->src.family) bytes of headers at hdr; the payload of plen
 * bytes must follow immediately. Returns the header length.
 */
unsigned int relay_write_headers(uint8_t *hdr, uint16_t plen,
				 const struct relay_hdr_spec *spec);

/* One's complement sum of buf, not folded, not complemented (RFC 1071). */
uint64_t relay_csum_add(const void *buf, uint32_t len, uint64_t sum);

/* Fold a sum to 16 bits (inline: a call per checksum showed in the worker's profile). */
static inline uint16_t
relay_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#endif
