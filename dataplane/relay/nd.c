/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <siprelay/relay_types.h>

#include "nd.h"
#include "neigh.h"
#include "pkt_rewrite.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define OPT_SLLA 1
#define OPT_TLLA 2
#define NA_FLAG_SOLICITED 0x40
#define NA_FLAG_OVERRIDE 0x20

/* NS and NA share this layout: type, code, checksum, flags/reserved, target. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint8_t flags;
	uint8_t reserved[3];
	uint8_t target[16];
} __attribute__((packed));

struct nd_lla_opt {
	uint8_t type;
	uint8_t len; /* in units of 8 bytes */
	uint8_t mac[6];
} __attribute__((packed));

static uint16_t
icmp6_cksum(const struct rte_ipv6_hdr *ip, const void *icmp, uint16_t len)
{
	uint64_t sum = relay_csum_add(ip->src_addr, 32, 0);

	sum += rte_cpu_to_be_16(len);
	sum += rte_cpu_to_be_16(IPPROTO_ICMPV6);
	sum = relay_csum_add(icmp, len, sum);
	return (uint16_t)~relay_csum_fold(sum);
}

static const uint8_t *
find_lla(const uint8_t *opt, int len, uint8_t type)
{
	while (len >= 8 && opt[1] != 0 && opt[1] * 8 <= len) {
		if (opt[0] == type)
			return opt + 2;
		len -= opt[1] * 8;
		opt += opt[1] * 8;
	}
	return NULL;
}

static void
finish_reply(const struct relay_iface *ifc, struct rte_ether_hdr *eth, struct rte_ipv6_hdr *ip,
	     const uint8_t *src, void *icmp, uint16_t len)
{
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, src, 16);
	ip->hop_limits = 255;
	ip->payload_len = rte_cpu_to_be_16(len);
	((uint8_t *)icmp)[2] = 0;
	((uint8_t *)icmp)[3] = 0;
	((struct nd_msg *)icmp)->cksum = icmp6_cksum(ip, icmp, len);
	eth->dst_addr = eth->src_addr;
	memcpy(eth->src_addr.addr_bytes, ifc->mac, 6);
}

bool
relay_nd_input(struct relay_neigh_table *n, const struct relay_iface *ifc, struct rte_mbuf *m,
	       uint64_t now_us)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct nd_msg *nd = (struct nd_msg *)(ip + 1);
	uint16_t plen = rte_be_to_cpu_16(ip->payload_len);
	static const uint8_t unspec[16];
	struct nd_lla_opt *opt;
	const uint8_t *lla;
	int idx;

	/* classify checked the IPv6 header and payload length against the frame */
	if (ip->proto != IPPROTO_ICMPV6 || plen < 8)
		return false;
	if (nd->type == ICMP6_ECHO_REQUEST) {
		idx = relay_iface_ip6_index(ifc, ip->dst_addr);
		if (idx < 0 || nd->code != 0)
			return false;
		nd->type = ICMP6_ECHO_REPLY;
		finish_reply(ifc, eth, ip, ifc->ip6[idx], nd, plen);
		return true;
	}
	if ((nd->type != ND_NS && nd->type != ND_NA) || plen < sizeof(*nd) || ip->hop_limits != 255)
		return false;
	idx = relay_iface_ip6_index(ifc, nd->target);
	if (nd->type == ND_NA) {
		lla = find_lla((const uint8_t *)(nd + 1), plen - (int)sizeof(*nd), OPT_TLLA);
		if (lla != NULL)
			relay_neigh_update(n, ifc->index, RELAY_FAMILY_IPV6, nd->target, lla, now_us,
					   false, false);
		return false;
	}
	lla = find_lla((const uint8_t *)(nd + 1), plen - (int)sizeof(*nd), OPT_SLLA);
	if (lla != NULL && memcmp(ip->src_addr, unspec, 16) != 0)
		relay_neigh_update(n, ifc->index, RELAY_FAMILY_IPV6, ip->src_addr, lla, now_us,
				   idx >= 0, false);
	if (idx < 0 || memcmp(ip->src_addr, unspec, 16) == 0 ||
	    rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip) + sizeof(*nd) + sizeof(*opt))
		return false;
	nd->type = ND_NA;
	nd->code = 0;
	nd->flags = NA_FLAG_SOLICITED | NA_FLAG_OVERRIDE;
	memset(nd->reserved, 0, sizeof(nd->reserved));
	opt = (struct nd_lla_opt *)(nd + 1);
	opt->type = OPT_TLLA;
	opt->len = 1;
	memcpy(opt->mac, ifc->mac, 6);
	m->data_len = m->pkt_len = sizeof(*eth) + sizeof(*ip) + sizeof(*nd) + sizeof(*opt);
	finish_reply(ifc, eth, ip, ifc->ip6[idx], nd, sizeof(*nd) + sizeof(*opt));
	return true;
}

struct rte_mbuf *
relay_nd_solicit(struct rte_mempool *mp, const struct relay_iface *ifc, const uint8_t *addr)
{
	struct rte_mbuf *m;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct nd_msg *nd;
	struct nd_lla_opt *opt;
	uint16_t len = sizeof(*nd) + sizeof(*opt);

	if (ifc->n_ip6 == 0 || (m = rte_pktmbuf_alloc(mp)) == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) + len);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	nd = (struct nd_msg *)(ip + 1);
	opt = (struct nd_lla_opt *)(nd + 1);
	memset(ip, 0, sizeof(*ip) + len);
	/* solicited-node group ff02::1:ffXX:XXXX and its 33:33:ff:XX:XX:XX MAC */
	ip->dst_addr[0] = 0xff;
	ip->dst_addr[1] = 0x02;
	ip->dst_addr[11] = 0x01;
	ip->dst_addr[12] = 0xff;
	memcpy(&ip->dst_addr[13], addr + 13, 3);
	eth->dst_addr.addr_bytes[0] = 0x33;
	eth->dst_addr.addr_bytes[1] = 0x33;
	memcpy(&eth->dst_addr.addr_bytes[2], &ip->dst_addr[12], 4);
	memcpy(eth->src_addr.addr_bytes, ifc->mac, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, ifc->ip6[0], 16);
	nd->type = ND_NS;
	memcpy(nd->target, addr, 16);
	opt->type = OPT_SLLA;
	opt->len = 1;
	memcpy(opt->mac, ifc->mac, 6);
	nd->cksum = icmp6_cksum(ip, nd, len);
	return m;
}
