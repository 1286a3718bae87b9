/* SPDX-License-Identifier: BSD-3-Clause */
/* An interface of the relay: a DPDK port with its addresses and ports. */
#ifndef RELAY_IFACE_H
#define RELAY_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <siprelay/prefilter.h>

#define RELAY_MAX_IFACES 8
#define RELAY_MAX_IP6 4

/* [interface] udp_checksum: whether received UDP checksums can be patched. */
enum relay_udp_checksum {
	RELAY_UDP_CSUM_AUTO,      /* by driver: recompute on ports fed by kernel peers */
	RELAY_UDP_CSUM_UPDATE,    /* complete checksums arrive: patch them (RFC 1624) */
	RELAY_UDP_CSUM_RECOMPUTE, /* partial ones may arrive: sum every payload */
};

struct relay_iface {
	char name[32];
	char dev[128];          /* DPDK device name (vdev name or PCI address) */
	uint16_t port_id;
	uint8_t index;
	uint8_t mac[6];
	bool tx_udp_csum;       /* the port computes UDP checksums on TX */
	/* Config udp_checksum (enum relay_udp_checksum) and what port setup made of it:
	 * UDP checksums received on this port are complete, so the relay patches them
	 * instead of summing payloads (pkt_rewrite.h). */
	uint8_t udp_checksum;
	bool rx_csum_complete;
	/* IPv4, network order; pool4 is an optional prefix of extra media addresses */
	uint32_t ip4;
	uint8_t ip4_plen;
	uint32_t pool4;
	uint8_t pool4_plen;
	uint32_t gw4;
	uint8_t gw4_mac[6];     /* static gateway MAC (bench: nobody answers ARP) */
	bool gw4_mac_static;
	uint8_t ip6[RELAY_MAX_IP6][16];
	uint8_t n_ip6;
	uint8_t ip6_prefixlen;
	uint8_t gw6[16];
	uint8_t gw6_mac[6];
	bool gw6_mac_static;
	uint16_t sip_port;
	uint16_t media_lo;
	uint16_t media_hi;
	uint16_t media_next;    /* port allocation cursor, service loop only */
	/* Set when the port has no TX queue to spare for the service loop (net_af_xdp
	 * has one queue pair per socket): the service loop's frames go through this ring
	 * and worker 0 sends them on its own queue. NULL: the last TX queue is the
	 * service loop's. */
	struct rte_ring *svc_tx;
	/* No XDP prefilter in front of this port: workers run it in software
	 * (prefilter_sw.h) with this config, the one XDP would get (prefilter_cfg.c). */
	bool pf_soft;
	struct pf_config pf;
};

/*
 * Whether the UDP checksums a port receives are complete, for its udp_checksum mode
 * and DPDK driver. auto trusts every driver but those whose peers are kernel stacks
 * on the same host: the kernel hands veth, tap and vhost frames over with partial
 * checksums (the pseudo-header sum only), which a patch would turn into garbage.
 */
static inline bool
relay_iface_rx_csum_complete(uint8_t mode, const char *driver)
{
	static const char *const partial[] = {
		"net_af_xdp", "net_af_packet", "net_tap", "net_vhost", "net_virtio_user",
	};
	unsigned int k;

	if (mode != RELAY_UDP_CSUM_AUTO)
		return mode == RELAY_UDP_CSUM_UPDATE;
	for (k = 0; driver != NULL && k < sizeof(partial) / sizeof(partial[0]); k++)
		if (strcmp(driver, partial[k]) == 0)
			return false;
	return driver != NULL;
}

static inline uint32_t
relay_mask4(uint8_t plen)
{
	return plen == 0 ? 0 : __builtin_bswap32(~0u << (32 - plen));
}

/* An address the relay answers ARP for on this interface (network order). */
static inline bool
relay_iface_owns4(const struct relay_iface *i, uint32_t a)
{
	if (i->ip4 != 0 && a == i->ip4)
		return true;
	return i->pool4 != 0 && (a & relay_mask4(i->pool4_plen)) == i->pool4;
}

static inline bool
relay_iface_onlink4(const struct relay_iface *i, uint32_t a)
{
	return i->ip4 != 0 && (a & relay_mask4(i->ip4_plen)) == (i->ip4 & relay_mask4(i->ip4_plen));
}

/* Index of a in the interface's IPv6 list, or -1. */
static inline int
relay_iface_ip6_index(const struct relay_iface *i, const uint8_t *a)
{
	unsigned int k;

	for (k = 0; k < i->n_ip6; k++)
		if (memcmp(i->ip6[k], a, 16) == 0)
			return (int)k;
	return -1;
}

static inline bool
relay_iface_onlink6(const struct relay_iface *i, const uint8_t *a)
{
	unsigned int bits = i->ip6_prefixlen, k;

	if (i->n_ip6 == 0)
		return false;
	for (k = 0; bits >= 8; k++, bits -= 8)
		if (a[k] != i->ip6[0][k])
			return false;
	return bits == 0 || ((a[k] ^ i->ip6[0][k]) & (uint8_t)(0xff00 >> bits)) == 0;
}

#endif
