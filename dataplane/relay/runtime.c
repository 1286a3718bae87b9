/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "neigh.h"
#include "port.h"
#include "prefilter_sw.h"
#include "preload.h"
#include "runtime.h"
#include "session_table.h"

/*
 * Local addresses the stream table's index must hold: every address of every
 * interface, so that no configured address is refused. Pages are allocated only for
 * addresses in use; the cap bounds the directory (16 bytes an entry) for huge pools.
 */
static uint32_t
local_addrs(const struct relay_config *cfg)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct relay_iface *f = &cfg->iface[i];

		n += 1 + f->n_ip6;
		if (f->pool4 != 0)
			n += 1ull << (32 - f->pool4_plen);
	}
	return (uint32_t)RTE_MIN(n, (uint64_t)RELAY_TABLE_MAX_ADDRS);
}

int
relay_runtime_create(struct relay_runtime **out, const struct relay_config *cfg,
		     unsigned int n_workers, char *err, size_t errlen)
{
	struct relay_table_params tp = {0};
	struct relay_runtime *rt;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int i;
	int ret;

	if (n_workers == 0 || n_workers >= RTE_MAX_LCORE) {
		snprintf(err, errlen, "need 1..%d workers", RTE_MAX_LCORE - 1);
		return -EINVAL;
	}
	rt = rte_zmalloc("relay_runtime", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return -ENOMEM;
	rt->cfg = *cfg;
	rt->n_workers = n_workers;
	rt->pinholes.pin_fd = rt->pinholes.ban_fd = -1; /* until relay_pinholes_init() */
	/* names of DPDK objects are process-global: tag them with this instance */
	snprintf(name, sizeof(name), "relay_mb_%p", (void *)rt);
	rt->pool = rte_pktmbuf_pool_create(name, cfg->mbufs, 256, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (rt->pool == NULL) {
		snprintf(err, errlen, "mbuf pool: %s", rte_strerror(rte_errno));
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < cfg->n_ifaces; i++) {
		bool shared;

		/* each worker owns queue i on every port; the service loop the last TX */
		ret = relay_port_setup(&rt->cfg.iface[i], (uint16_t)n_workers,
				       (uint16_t)(n_workers + 1), rt->pool, &shared, err, errlen);
		if (ret < 0)
			goto fail;
		if (shared) {
			snprintf(name, sizeof(name), "svctx%u_%p", i, (void *)rt);
			rt->cfg.iface[i].svc_tx = rte_ring_create(name, 1024, SOCKET_ID_ANY,
								  RING_F_SC_DEQ);
			if (rt->cfg.iface[i].svc_tx == NULL) {
				snprintf(err, errlen, "service TX ring: %s", rte_strerror(rte_errno));
				ret = -ENOMEM;
				goto fail;
			}
		}
	}
	snprintf(name, sizeof(name), "rt%p", (void *)rt);
	tp.name = name;
	tp.capacity = cfg->capacity;
	tp.socket_id = SOCKET_ID_ANY;
	tp.max_readers = n_workers;
	tp.max_addrs = local_addrs(cfg);
	rt->dp.table = relay_table_create(&tp);
	rt->dp.neigh = relay_neigh_create(name, cfg->neigh_size, SOCKET_ID_ANY);
	if (rt->dp.table == NULL || rt->dp.neigh == NULL) {
		snprintf(err, errlen, "stream table of %u: %s", cfg->capacity,
			 rte_strerror(rte_errno));
		ret = -ENOMEM;
		goto fail;
	}
	rt->dp.iface = rt->cfg.iface;
	rt->dp.n_ifaces = cfg->n_ifaces;
	rt->dp.relatch_after = cfg->relatch_after;
	rt->dp.adaptive_poll = cfg->adaptive_poll;
	rt->dp.idle_sleep_us = cfg->idle_sleep_us;
	rt->dp.quit = &rt->quit;
	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct relay_iface *f = &rt->cfg.iface[i];

		if (f->gw4_mac_static)
			relay_neigh_update(rt->dp.neigh, f->index, RELAY_FAMILY_IPV4,
					   (const uint8_t *)&f->gw4, f->gw4_mac, 0, true, true);
		if (f->gw6_mac_static)
			relay_neigh_update(rt->dp.neigh, f->index, RELAY_FAMILY_IPV6, f->gw6,
					   f->gw6_mac, 0, true, true);
	}
	for (i = 0; i < n_workers; i++) {
		rt->workers[i] = relay_worker_create(&rt->dp, i, SOCKET_ID_ANY);
		if (rt->workers[i] == NULL) {
			snprintf(err, errlen, "worker %u: %s", i, rte_strerror(rte_errno));
			ret = -ENOMEM;
			goto fail;
		}
	}
	*out = rt;
	return 0;
fail:
	relay_runtime_free(rt);
	return ret;
}

void
relay_runtime_free(struct relay_runtime *rt)
{
	unsigned int i;

	if (rt == NULL)
		return;
	relay_pinholes_fini(&rt->pinholes);
	if (rt->dp.table != NULL) {
		relay_pf_soft_reclaim(rt, true);
		sr_ban_table_free(rt->pf_soft.bans);
	}
	for (i = 0; i < rt->cfg.n_ifaces; i++)
		if (rt->cfg.iface[i].mac[0] | rt->cfg.iface[i].mac[1] | rt->cfg.iface[i].mac[5])
			relay_port_close(&rt->cfg.iface[i]);
	for (i = 0; i < rt->n_workers; i++)
		relay_worker_free(rt->workers[i]);
	for (i = 0; i < rt->cfg.n_ifaces; i++) {
		struct rte_mbuf *m;

		while (rt->cfg.iface[i].svc_tx != NULL &&
		       rte_ring_dequeue(rt->cfg.iface[i].svc_tx, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(rt->cfg.iface[i].svc_tx);
	}
	relay_table_free(rt->dp.table);
	relay_neigh_free(rt->dp.neigh);
	rte_mempool_free(rt->pool);
	rte_free(rt);
}

int
relay_runtime_preload(struct relay_runtime *rt, uint32_t n, char *err, size_t errlen)
{
	struct relay_stream s;
	uint32_t i;
	int ret;

	if (rt->cfg.n_ifaces < 2 || n > relay_preload_max(&rt->cfg.iface[0], &rt->cfg.iface[1])) {
		snprintf(err, errlen, "preload of %u streams: interfaces 0 and 1 lack addresses",
			 n);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		relay_preload_stream(i, &rt->cfg.iface[0], &rt->cfg.iface[1], rt->cfg.leg_flags,
				     &s);
		ret = relay_table_add(rt->dp.table, &s);
		if (ret < 0) {
			snprintf(err, errlen, "preload stream %u: %s", i, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
