/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcore: RX burst -> classify -> RTP relay -> TX burst, per RX queue. */
#ifndef RELAY_WORKER_H
#define RELAY_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "iface.h"
#include "prefilter_sw.h"

struct rte_mempool;
struct rte_ring;
struct rte_mbuf;
struct relay_table;
struct relay_neigh_table;
struct sr_ban_table;

#define RELAY_BURST 64

/* Per-worker totals by verdict: every received packet ends in exactly one. */
enum relay_verdict {
	RELAY_V_FWD_RTP,
	RELAY_V_FWD_RTCP,
	RELAY_V_SERVICE,          /* ARP, ND, ICMP: handed to the service loop */
	RELAY_V_SIP,              /* SIP port: handed to the service loop's proxy */
	RELAY_V_DROP_NO_SESSION,  /* media to a closed port */
	RELAY_V_DROP_MALFORMED,
	RELAY_V_DROP_NOT_LOCAL,   /* not for one of our addresses, or not UDP */
	RELAY_V_DROP_STRICT,
	RELAY_V_DROP_NO_REMOTE,
	RELAY_V_DROP_NO_NEIGH,
	RELAY_V_DROP_MUX_PORT,
	RELAY_V_DROP_SERVICE_FULL,
	RELAY_V_DROP_TX,          /* refused by a full TX queue (also counted as fwd_*) */
	RELAY_V_DROP_PREFILTER,   /* dropped by the software prefilter (prefilter_sw.h) */
	RELAY_V_MAX,
};

const char *relay_verdict_name(enum relay_verdict v);

/* Messages from workers to the service loop (32 bytes, rte_ring elements). */
enum relay_wev_type {
	RELAY_WEV_LATCHED,
	RELAY_WEV_RESOLVE,
};

struct relay_wev {
	uint8_t type;
	uint8_t iface;
	uint8_t family;
	uint8_t leg_comp;  /* leg << 1 | comp */
	uint32_t handle;
	uint32_t gen;
	uint16_t port;
	uint16_t pad;
	uint8_t addr[16];
};

/* What workers share, read-only while they run. */
struct relay_dp {
	struct relay_table *table;
	struct relay_neigh_table *neigh;
	const struct relay_iface *iface;
	unsigned int n_ifaces;
	uint8_t relatch_after;
	bool adaptive_poll;
	uint32_t idle_sleep_us;
	volatile bool *quit;
	/* the software prefilter's ban snapshot (prefilter_sw.h): NULL, none; loaded with
	 * acquire, replaced by the service loop, freed after a grace period */
	const struct sr_ban_table *pf_bans;
};

/* One-entry next-hop cache per output interface: the gateway, nearly always. */
struct relay_nh_cache {
	uint8_t addr[16];
	uint8_t family;
	uint8_t mac[6];
	uint64_t expires_us;
};

struct relay_worker {
	const struct relay_dp *dp;
	unsigned int index;        /* RX/TX queue and QSBR thread id */
	struct rte_ring *to_service; /* mbufs */
	struct rte_ring *events;     /* struct relay_wev */
	uint64_t events_lost;
	uint64_t verdicts[RELAY_V_MAX] __rte_cache_aligned;
	struct relay_pf_worker pf;   /* the software prefilter's buckets and counters */
	struct relay_nh_cache nh[RELAY_MAX_IFACES];
	struct {
		uint16_t n;
		struct rte_mbuf *m[RELAY_BURST];
	} tx[RELAY_MAX_IFACES];
};

struct relay_worker *relay_worker_create(const struct relay_dp *dp, unsigned int index,
					 int socket);
void relay_worker_free(struct relay_worker *w);

/* One pass over every RX queue of the worker; returns packets received. */
unsigned int relay_worker_poll(struct relay_worker *w, uint64_t now_us);

/* Process a burst received on iface (exposed for tests and the poll loop). */
void relay_worker_burst(struct relay_worker *w, const struct relay_iface *in,
			struct rte_mbuf **m, unsigned int n, uint64_t now_us);

/* lcore entry point: polls until *dp->quit. */
int relay_worker_main(void *arg);

uint64_t relay_now_us(void);

#endif
