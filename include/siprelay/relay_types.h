/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path state of the RTP/RTCP relay: what a worker reads and writes for every
 * media packet. Plain C, no DPDK types, so the pure logic (latching, statistics,
 * header rewrite, table) is unit-tested without an EAL.
 *
 * A stream is one media line of a call: two legs, A (index 0) and B (index 1). A packet
 * arriving on leg X (its local port) is sent out of the other leg, from that leg's local
 * address and port to that leg's remote endpoint (SDP address, then the latched one).
 */
#ifndef SIPRELAY_RELAY_TYPES_H
#define SIPRELAY_RELAY_TYPES_H

#include <stdint.h>

#define RELAY_FAMILY_NONE 0
#define RELAY_FAMILY_IPV4 4
#define RELAY_FAMILY_IPV6 6

/* RTP is component 0, RTCP component 1 (port+1 or muxed on the RTP port). */
enum relay_comp {
	RELAY_COMP_RTP,
	RELAY_COMP_RTCP,
	RELAY_COMP_MAX,
};

/* A UDP endpoint. IPv4 uses addr[0..3]; port in host order. 20 bytes. */
struct relay_ep {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

/*
 * Key of a leg: the destination a packet arrives at. IPv4 legs key on the local
 * address itself (so a pool of media addresses needs no extra lookup); IPv6 legs key on
 * the index of the local address in the interface's IPv6 list. port is the RTP port
 * (even); RTCP on port+1 finds the same leg. No padding: compared as 8 bytes.
 */
struct relay_key {
	uint32_t addr;
	uint16_t port;
	uint8_t iface;
	uint8_t family;
} __attribute__((aligned(8)));

/* Leg flags (struct relay_leg.flags). */
#define RELAY_LEG_ACTIVE       0x01
#define RELAY_LEG_RTCP_MUX     0x02 /* RTCP shares the RTP port: port+1 is closed */
#define RELAY_LEG_STRICT       0x04 /* after latching, drop other sources */
#define RELAY_LEG_NO_LATCH     0x08 /* always send to the signalled address */
#define RELAY_LEG_LATCHED_RTP  0x10
#define RELAY_LEG_LATCHED_RTCP 0x20
#define RELAY_LEG_NAT          0x40 /* party behind NAT: latches whatever NO_LATCH says */

/* Per-leg drop reasons. */
enum relay_leg_drop {
	RELAY_LEG_DROP_STRICT,    /* source is not the latched one (strict-source) */
	RELAY_LEG_DROP_NO_REMOTE, /* peer leg has no address to send to yet */
	RELAY_LEG_DROP_NO_NEIGH,  /* next hop not resolved */
	RELAY_LEG_DROP_MUX_PORT,  /* packet to port+1 of an rtcp-mux leg */
	RELAY_LEG_DROP_MAX,
};

/* RFC 3550 A.1 source state plus A.8 jitter; arrival times in RTP clock units. */
struct relay_rtp_state {
	uint32_t ssrc;
	uint16_t max_seq;
	uint8_t probation;
	uint8_t seen;        /* a packet of ssrc was seen */
	uint32_t cycles;     /* sequence number cycles, shifted by 16 */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t received;
	uint32_t transit;
	uint32_t jitter;     /* scaled by 16 as in A.8 */
};

/* What every accepted packet updates: one cache line. */
struct relay_leg_stats {
	uint64_t packets;    /* RTP received on this leg (accepted) */
	uint64_t bytes;      /* UDP payload bytes, RTP + RTCP */
	uint64_t rtcp_packets;
	uint64_t last_us;    /* last accepted packet, worker clock in microseconds */
	struct relay_rtp_state rtp;
} __attribute__((aligned(64)));

/*
 * One leg's configuration and latching state: one cache line, read for every packet
 * in either direction.
 */
struct relay_leg {
	struct relay_ep remote[RELAY_COMP_MAX]; /* where packets leaving this leg go */
	uint32_t local_addr;  /* as in relay_key.addr */
	uint16_t local_port;  /* RTP port, host order */
	uint8_t iface;
	uint8_t family;
	uint8_t flags;
	uint8_t cand_count[RELAY_COMP_MAX];
	uint8_t pad;
	uint32_t cand_hash[RELAY_COMP_MAX]; /* hash of a new source seen in a row */
	uint32_t clock_rate;  /* RTP clock for jitter, Hz */
} __attribute__((aligned(64)));

/*
 * A stream, 320 bytes. A packet received on leg L touches exactly three lines:
 * leg[L] (latching), leg[!L] (where to send) and stats[L]. The rest is read by the
 * service loop, or written on drops only.
 */
struct relay_stream {
	struct relay_leg leg[2];
	struct relay_leg_stats stats[2];
	uint64_t session_id;  /* the control plane's id of the call */
	uint32_t media_index; /* m= line within the session */
	uint32_t gen;         /* bumped on every reuse of the slot: stale handles fail */
	uint32_t drops[2][RELAY_LEG_DROP_MAX];
} __attribute__((aligned(64)));

#endif
