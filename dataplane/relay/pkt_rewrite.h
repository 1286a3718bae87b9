/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Build fresh Ethernet + IPv4/IPv6 + UDP headers in front of a UDP payload. The
 * payload's checksum is always computed in full: input checksums are untrusted (veth
 * peers send partial ones), so patching them incrementally would forward garbage.
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
};

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
