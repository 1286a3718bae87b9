/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <siprelay/relay_types.h>

#include "arp.h"
#include "neigh.h"
#include "pkt_rewrite.h"

bool
relay_arp_input(struct relay_neigh_table *n, const struct relay_iface *ifc,
		struct rte_mbuf *m, uint64_t now_us)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *a = &arp->arp_data;
	uint32_t sip, tip;
	bool for_us;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != 6 || arp->arp_plen != 4)
		return false;
	sip = a->arp_sip;
	tip = a->arp_tip;
	for_us = relay_iface_owns4(ifc, tip);
	/* like Linux: create entries only from packets addressed to us, refresh always */
	if (sip != 0)
		relay_neigh_update(n, ifc->index, RELAY_FAMILY_IPV4, (const uint8_t *)&sip,
				   a->arp_sha.addr_bytes, now_us, for_us, false);
	if (!for_us || arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return false;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_tha = a->arp_sha;
	a->arp_tip = sip;
	memcpy(a->arp_sha.addr_bytes, ifc->mac, 6);
	a->arp_sip = tip;
	eth->dst_addr = eth->src_addr;
	memcpy(eth->src_addr.addr_bytes, ifc->mac, 6);
	return true;
}

struct rte_mbuf *
relay_arp_request(struct rte_mempool *mp, const struct relay_iface *ifc, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	arp = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, 6);
	memcpy(eth->src_addr.addr_bytes, ifc->mac, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	memcpy(arp->arp_data.arp_sha.addr_bytes, ifc->mac, 6);
	arp->arp_data.arp_sip = ifc->ip4;
	memset(&arp->arp_data.arp_tha, 0, 6);
	arp->arp_data.arp_tip = tip;
	return m;
}

bool
relay_icmp4_input(const struct relay_iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp;
	unsigned int ihl = (ip->version_ihl & 0xf) * 4u;
	uint16_t tot = rte_be_to_cpu_16(ip->total_length);
	uint32_t a;

	/* classify checked the IPv4 header against the frame length */
	if (tot < ihl + sizeof(*icmp))
		return false;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return false;
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~relay_csum_fold(relay_csum_add(icmp, tot - ihl, 0));
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~relay_csum_fold(relay_csum_add(ip, ihl, 0));
	eth->dst_addr = eth->src_addr;
	memcpy(eth->src_addr.addr_bytes, ifc->mac, 6);
	return true;
}
