/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "classify.h"

static enum relay_verdict
udp_next(const struct relay_iface *in, const struct rte_udp_hdr *udp, uint16_t room,
	 const uint8_t *frame, struct relay_pkt_meta *pm)
{
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);
	uint16_t dport = rte_be_to_cpu_16(udp->dst_port);

	if (ulen < sizeof(*udp) || ulen > room)
		return RELAY_V_DROP_MALFORMED;
	pm->src.port = rte_be_to_cpu_16(udp->src_port);
	pm->payload_off = (uint16_t)((const uint8_t *)(udp + 1) - frame);
	pm->plen = ulen - sizeof(*udp);
	pm->udp_csum = udp->dgram_cksum;
	if (dport == in->sip_port)
		return RELAY_V_SIP;
	pm->key.port = dport & ~1u;
	pm->key.iface = in->index;
	pm->odd_port = dport & 1;
	return RELAY_V_FWD_RTP;
}

static enum relay_verdict
ipv4_next(const struct relay_iface *in, const uint8_t *frame, uint32_t len,
	  struct relay_pkt_meta *pm)
{
	const struct rte_ipv4_hdr *ip = (const void *)(frame + sizeof(struct rte_ether_hdr));
	uint32_t room = len - sizeof(struct rte_ether_hdr);
	unsigned int ihl;
	uint16_t tot;

	if (room < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return RELAY_V_DROP_MALFORMED;
	ihl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip) || tot < ihl || tot > room)
		return RELAY_V_DROP_MALFORMED;
	if (!relay_iface_owns4(in, ip->dst_addr))
		return RELAY_V_DROP_NOT_LOCAL;
	if (ip->next_proto_id == IPPROTO_ICMP)
		return RELAY_V_SERVICE;
	if (ip->next_proto_id != IPPROTO_UDP)
		return RELAY_V_DROP_NOT_LOCAL;
	/* fragments of RTP do not happen; reassembly is not worth a fast path */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return RELAY_V_DROP_MALFORMED;
	if (tot - ihl < sizeof(struct rte_udp_hdr))
		return RELAY_V_DROP_MALFORMED;
	pm->key.family = RELAY_FAMILY_IPV4;
	pm->key.addr = ip->dst_addr;
	pm->src.family = RELAY_FAMILY_IPV4;
	memcpy(pm->src.addr, &ip->src_addr, 4);
	pm->tos = ip->type_of_service;
	return udp_next(in, (const void *)((const uint8_t *)ip + ihl), tot - ihl, frame, pm);
}

static enum relay_verdict
ipv6_next(const struct relay_iface *in, const uint8_t *frame, uint32_t len,
	  struct relay_pkt_meta *pm)
{
	const struct rte_ipv6_hdr *ip = (const void *)(frame + sizeof(struct rte_ether_hdr));
	uint32_t room = len - sizeof(struct rte_ether_hdr);
	uint16_t plen;
	int idx;

	if (room < sizeof(*ip) || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return RELAY_V_DROP_MALFORMED;
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (plen > room - sizeof(*ip))
		return RELAY_V_DROP_MALFORMED;
	/* neighbour discovery goes to multicast and link-local addresses too */
	if (ip->proto == IPPROTO_ICMPV6)
		return RELAY_V_SERVICE;
	idx = relay_iface_ip6_index(in, ip->dst_addr);
	if (idx < 0 || ip->proto != IPPROTO_UDP) /* no extension headers on media */
		return RELAY_V_DROP_NOT_LOCAL;
	if (plen < sizeof(struct rte_udp_hdr))
		return RELAY_V_DROP_MALFORMED;
	pm->key.family = RELAY_FAMILY_IPV6;
	pm->key.addr = (uint32_t)idx;
	pm->src.family = RELAY_FAMILY_IPV6;
	memcpy(pm->src.addr, ip->src_addr, 16);
	pm->tos = (uint8_t)(rte_be_to_cpu_32(ip->vtc_flow) >> 20);
	return udp_next(in, (const void *)(ip + 1), plen, frame, pm);
}

enum relay_verdict
relay_classify(const struct relay_iface *in, struct rte_mbuf *m, struct relay_pkt_meta *pm)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const void *)frame;
	uint32_t len = m->data_len;

	/* rewriting builds headers in place: one segment keeps that simple and fast */
	if (m->nb_segs != 1 || len < sizeof(*eth))
		return RELAY_V_DROP_MALFORMED;
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return ipv4_next(in, frame, len, pm);
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return ipv6_next(in, frame, len, pm);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return RELAY_V_SERVICE;
	default:
		return RELAY_V_DROP_NOT_LOCAL;
	}
}
