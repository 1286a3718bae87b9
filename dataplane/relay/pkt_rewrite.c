/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "pkt_rewrite.h"

/*
 * One's complement sums are byte-order independent, so native loads are fine. The
 * UDP payload sum was the top symbol of the worker's profile: with SSE2, 16 bytes a
 * step are widened to eight 32-bit lanes (no carries to handle below 2^16 steps);
 * the tail, and other CPUs, sum 32-bit words into a 64-bit accumulator.
 */
uint64_t
relay_csum_add(const void *buf, uint32_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint32_t w;
	uint16_t h;

#ifdef __SSE2__
	if (len >= 32 && len < (1u << 20)) {
		__m128i zero = _mm_setzero_si128(), acc = zero, v;
		uint32_t lanes[4];

		for (; len >= 16; len -= 16, p += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)p);
			acc = _mm_add_epi32(acc, _mm_unpacklo_epi16(v, zero));
			acc = _mm_add_epi32(acc, _mm_unpackhi_epi16(v, zero));
		}
		_mm_storeu_si128((__m128i *)(void *)lanes, acc);
		sum += (uint64_t)lanes[0] + lanes[1] + lanes[2] + lanes[3];
	}
#endif
	for (; len >= 4; len -= 4, p += 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		h = 0;
		memcpy(&h, p, 1); /* pad with zero, byte order independent */
		sum += h;
	}
	return sum;
}

/* Sum of n 32-bit words: fixed sizes (addresses, IPv4 header) unroll inline. */
static inline uint64_t
sum32(const void *p, unsigned int n)
{
	uint64_t sum = 0;
	uint32_t w;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(&w, (const uint8_t *)p + 4 * i, 4);
		sum += w;
	}
	return sum;
}

static inline uint64_t
addr_pseudo_sum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint16_t udp_len)
{
	uint64_t sum;

	if (family == RELAY_FAMILY_IPV6)
		sum = sum32(src, 4) + sum32(dst, 4);
	else
		sum = sum32(src, 1) + sum32(dst, 1);
	sum += rte_cpu_to_be_16(IPPROTO_UDP);
	sum += rte_cpu_to_be_16(udp_len);
	return sum;
}

static uint64_t
pseudo_sum(const struct relay_hdr_spec *s, uint16_t udp_len)
{
	return addr_pseudo_sum(s->src.family, s->src.addr, s->dst.addr, udp_len);
}

uint16_t
relay_udp_payload_sum(uint8_t family, const uint8_t *src, const uint8_t *dst,
		      uint16_t sport_be, uint16_t dport_be, uint16_t ulen, uint16_t csum_be)
{
	uint64_t rest = addr_pseudo_sum(family, src, dst, ulen) + sport_be + dport_be +
			rte_cpu_to_be_16(ulen) + csum_be;

	/* one's complement: payload + rest == 0 (0xffff), so payload == ~rest */
	return (uint16_t)~relay_csum_fold(rest);
}

/*
 * The header words below are summed from the values being written, never read back
 * from the frame: a wide load of bytes still in the store buffer cannot be forwarded
 * and stalled the worker on every packet (half the samples of this file). Values are
 * in network order, laid out as in memory, so native sums stay byte-order independent.
 */
static inline uint32_t
word32(uint16_t lo, uint16_t hi)
{
	uint8_t b[4];
	uint32_t w;

	memcpy(b, &lo, 2);
	memcpy(b + 2, &hi, 2);
	memcpy(&w, b, 4);
	return w;
}

static void
write_udp(struct rte_udp_hdr *udp, uint16_t plen, const struct relay_hdr_spec *s)
{
	uint16_t udp_len = plen + sizeof(*udp);
	uint16_t sport = rte_cpu_to_be_16(s->src.port), dport = rte_cpu_to_be_16(s->dst.port);
	uint16_t len_be = rte_cpu_to_be_16(udp_len);
	uint16_t csum;
	uint64_t sum;

	udp->src_port = sport;
	udp->dst_port = dport;
	udp->dgram_len = len_be;
	if (s->no_udp_csum) {
		/* TX offload: the NIC wants the pseudo-header sum in the field */
		udp->dgram_cksum = relay_csum_fold(pseudo_sum(s, udp_len));
		return;
	}
	if (s->payload_csum == RELAY_PCSUM_NONE && s->src.family == RELAY_FAMILY_IPV4) {
		udp->dgram_cksum = 0;
		return;
	}
	/* pseudo-header, the UDP header with a zero checksum, then the payload */
	sum = pseudo_sum(s, udp_len) + word32(sport, dport) + len_be;
	if (s->payload_csum == RELAY_PCSUM_KNOWN)
		sum += s->payload_sum;
	else
		sum = relay_csum_add(udp + 1, plen, sum);
	csum = (uint16_t)~relay_csum_fold(sum);
	udp->dgram_cksum = csum == 0 ? 0xffff : csum; /* 0 means "none" in UDP */
}

unsigned int
relay_write_headers(uint8_t *hdr, uint16_t plen, const struct relay_hdr_spec *s)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;
	struct rte_udp_hdr *udp;
	uint16_t vhl_tos, tot_be, frag_be, ttl_proto;
	uint64_t sum;

	memcpy(&eth->dst_addr, s->dst_mac, 6);
	memcpy(&eth->src_addr, s->src_mac, 6);
	if (s->src.family == RELAY_FAMILY_IPV6) {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6 = (struct rte_ipv6_hdr *)(eth + 1);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)s->tos << 20);
		ip6->payload_len = rte_cpu_to_be_16(plen + sizeof(*udp));
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = s->ttl;
		memcpy(ip6->src_addr, s->src.addr, 16);
		memcpy(ip6->dst_addr, s->dst.addr, 16);
		udp = (struct rte_udp_hdr *)(ip6 + 1);
		write_udp(udp, plen, s);
		return RELAY_HDR_LEN_IPV6;
	}
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip4 = (struct rte_ipv4_hdr *)(eth + 1);
	vhl_tos = (uint16_t)(RTE_IPV4_VHL_DEF << 8 | s->tos);
	vhl_tos = rte_cpu_to_be_16(vhl_tos);
	tot_be = rte_cpu_to_be_16(plen + sizeof(*udp) + sizeof(*ip4));
	frag_be = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ttl_proto = rte_cpu_to_be_16((uint16_t)(s->ttl << 8 | IPPROTO_UDP));
	memcpy(&ip4->version_ihl, &vhl_tos, 2);
	ip4->total_length = tot_be;
	ip4->packet_id = 0;
	ip4->fragment_offset = frag_be;
	memcpy(&ip4->time_to_live, &ttl_proto, 2);
	memcpy(&ip4->src_addr, s->src.addr, 4);
	memcpy(&ip4->dst_addr, s->dst.addr, 4);
	sum = (uint64_t)word32(vhl_tos, tot_be) + word32(0, frag_be) + ttl_proto +
	      sum32(s->src.addr, 1) + sum32(s->dst.addr, 1);
	ip4->hdr_checksum = (uint16_t)~relay_csum_fold(sum);
	udp = (struct rte_udp_hdr *)(ip4 + 1);
	write_udp(udp, plen, s);
	return RELAY_HDR_LEN_IPV4;
}
