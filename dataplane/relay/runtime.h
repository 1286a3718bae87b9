/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Everything one data plane instance owns: configuration, mbuf pool, ports, stream
 * table, neighbour cache, workers, and the service loop's state. Built by main() from
 * the config file, or by tests from a config filled in code.
 */
#ifndef RELAY_RUNTIME_H
#define RELAY_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>

#include "config.h"
#include "pinholes.h"
#include "sip_trace.h"
#include "worker.h"

struct rte_mempool;
struct relay_channel;
struct relay_sip;
struct relay_guard;

struct relay_runtime {
	struct relay_config cfg;     /* cfg.iface is what workers read via dp.iface */
	struct relay_dp dp;
	struct rte_mempool *pool;
	unsigned int n_workers;
	struct relay_worker *workers[RTE_MAX_LCORE];
	struct relay_channel *channel;
	struct relay_sip *sip;       /* inline SIP proxy; NULL when no interface has a role */
	struct relay_pinholes pinholes; /* the XDP prefilter's maps (pinholes.h) */
	struct relay_pf_soft {          /* the software prefilter's ban snapshots */
		struct sr_ban_table *bans; /* published in dp.pf_bans */
		struct {
			struct sr_ban_table *t;
			uint64_t token;    /* QSBR: free once every worker passed it */
		} retired[8];
		unsigned int n_retired;
	} pf_soft;
	struct relay_guard *guard;   /* bans, per-source rates (sip_guard.h); NULL: none */
	struct relay_trace trace;    /* SIP trace filters (sip_trace.h), service lcore only */
	uint64_t last_age_us;
	uint64_t events_latched;
	volatile bool quit;
};

/* Ports, table and workers (not launched). n_workers RX queues per port. */
int relay_runtime_create(struct relay_runtime **out, const struct relay_config *cfg,
			 unsigned int n_workers, char *err, size_t errlen);
void relay_runtime_free(struct relay_runtime *rt);

/* Add the benchmark's synthetic streams between interfaces 0 and 1. */
int relay_runtime_preload(struct relay_runtime *rt, uint32_t n, char *err, size_t errlen);

/* Service loop: one pass without waiting (returns work done)... */
unsigned int relay_service_poll(struct relay_runtime *rt, uint64_t now_us);
/* ...and one pass plus the channel, sleeping up to 1 ms when idle (main lcore). */
unsigned int relay_service_step(struct relay_runtime *rt);

#endif
