/* SPDX-License-Identifier: BSD-3-Clause */
/* Parse Ethernet/IP/UDP of a received frame and decide where it goes next. */
#ifndef RELAY_CLASSIFY_H
#define RELAY_CLASSIFY_H

#include <stdint.h>

#include <siprelay/relay_types.h>

#include "iface.h"
#include "worker.h"

struct rte_mbuf;

/* What the RTP path needs from the headers; src in host port order. */
struct relay_pkt_meta {
	struct relay_key key;   /* key.port is the RTP (even) port */
	struct relay_ep src;
	uint16_t payload_off;   /* UDP payload, from the start of the frame */
	uint16_t plen;
	uint8_t tos;
	uint8_t odd_port;       /* arrived on port+1 */
	uint16_t udp_csum;      /* the received UDP checksum, as in the frame */
};

/*
 * RELAY_V_FWD_RTP means "a media packet for one of our addresses": look it up. Any
 * other verdict is final.
 */
enum relay_verdict relay_classify(const struct relay_iface *in, struct rte_mbuf *m,
				  struct relay_pkt_meta *pm);

#endif
