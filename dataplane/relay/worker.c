/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <siprelay/relay_types.h>

#include "classify.h"
#include "rtp_path.h"
#include "session_table.h"
#include "worker.h"

static const char *const verdict_names[RELAY_V_MAX] = {
	[RELAY_V_FWD_RTP] = "fwd_rtp",
	[RELAY_V_FWD_RTCP] = "fwd_rtcp",
	[RELAY_V_SERVICE] = "service",
	[RELAY_V_SIP] = "sip",
	[RELAY_V_DROP_NO_SESSION] = "drop_no_session",
	[RELAY_V_DROP_MALFORMED] = "drop_malformed",
	[RELAY_V_DROP_NOT_LOCAL] = "drop_not_local",
	[RELAY_V_DROP_STRICT] = "drop_strict_source",
	[RELAY_V_DROP_NO_REMOTE] = "drop_no_remote",
	[RELAY_V_DROP_NO_NEIGH] = "drop_no_neighbour",
	[RELAY_V_DROP_MUX_PORT] = "drop_mux_port",
	[RELAY_V_DROP_SERVICE_FULL] = "drop_service_full",
	[RELAY_V_DROP_TX] = "drop_tx",
	[RELAY_V_DROP_PREFILTER] = "drop_prefilter",
};

const char *
relay_verdict_name(enum relay_verdict v)
{
	return v < RELAY_V_MAX ? verdict_names[v] : "?";
}

/* SIP sources each worker's software prefilter tracks a bucket for */
#define RELAY_PF_SOURCES 16384

uint64_t
relay_now_us(void)
{
	return rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000000);
}

struct relay_worker *
relay_worker_create(const struct relay_dp *dp, unsigned int index, int socket)
{
	struct relay_worker *w;
	char name[RTE_RING_NAMESIZE];

	w = rte_zmalloc_socket("relay_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return NULL;
	w->dp = dp;
	w->index = index;
	if (relay_pf_worker_init(&w->pf, RELAY_PF_SOURCES) < 0) {
		rte_free(w);
		return NULL;
	}
	snprintf(name, sizeof(name), "relay_svc%u", index);
	w->to_service = rte_ring_create(name, 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "relay_ev%u", index);
	w->events = rte_ring_create_elem(name, sizeof(struct relay_wev), 4096, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->to_service == NULL || w->events == NULL) {
		relay_worker_free(w);
		return NULL;
	}
	return w;
}

void
relay_worker_free(struct relay_worker *w)
{
	struct rte_mbuf *m;

	if (w == NULL)
		return;
	while (w->to_service != NULL && rte_ring_dequeue(w->to_service, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->to_service);
	rte_ring_free(w->events);
	relay_pf_worker_fini(&w->pf);
	rte_free(w);
}

static void
flush_tx(struct relay_worker *w)
{
	const struct relay_dp *dp = w->dp;
	unsigned int i;
	uint16_t sent;

	for (i = 0; i < dp->n_ifaces; i++) {
		if (w->tx[i].n == 0)
			continue;
		sent = rte_eth_tx_burst(dp->iface[i].port_id, (uint16_t)w->index, w->tx[i].m,
					w->tx[i].n);
		if (sent < w->tx[i].n) {
			w->verdicts[RELAY_V_DROP_TX] += w->tx[i].n - sent;
			rte_pktmbuf_free_bulk(&w->tx[i].m[sent], w->tx[i].n - sent);
		}
		w->tx[i].n = 0;
	}
}

/*
 * Streams whose lines are in flight while one packet is relayed: 3 lines each, so
 * about the fill buffers of a core; more only queues behind them.
 */
#ifndef RELAY_PREFETCH_AHEAD
#define RELAY_PREFETCH_AHEAD 16
#endif
#define RELAY_VAL_NONE UINT64_MAX

/* Load an index entry and prefetch the three stream lines a packet on that leg touches. */
static inline void
prefetch_stream(const struct relay_stream *streams, const uint32_t *entry, uint64_t *val)
{
	const struct relay_stream *s;

	if (entry == NULL || !relay_index_val(entry, val)) {
		*val = RELAY_VAL_NONE;
		return;
	}
	s = streams + RELAY_VAL_HANDLE(*val);
	rte_prefetch0(&s->leg[0]);
	rte_prefetch0(&s->leg[1]);
	rte_prefetch0(&s->stats[RELAY_VAL_LEG(*val)]);
}

/*
 * The software prefilter (prefilter_sw.h) on a port without XDP. A media frame that
 * classification accepted is well-formed, unfragmented UDP to one of our addresses:
 * without bans the shared decision can only call it media (other, outside the media
 * range), so it is counted as such without parsing it a second time (a tenth of the
 * worker's time in the relay benchmark).
 */
static inline bool
soft_prefilter(struct relay_worker *w, const struct relay_iface *in,
	       const struct sr_ban_table *bans, struct rte_mbuf *m, enum relay_verdict v,
	       const struct relay_pkt_meta *pm, uint64_t now_us)
{
	uint16_t dport = (uint16_t)(pm->key.port + pm->odd_port);

	if (v == RELAY_V_FWD_RTP && bans == NULL) {
		w->pf.verdicts[dport >= in->pf.media_lo && dport <= in->pf.media_hi ?
			       PF_V_MEDIA : PF_V_OTHER]++;
		return true;
	}
	return relay_pf_soft_pass(&w->pf, in, bans, rte_pktmbuf_mtod(m, const uint8_t *),
				  m->data_len, now_us);
}

void
relay_worker_burst(struct relay_worker *w, const struct relay_iface *in, struct rte_mbuf **m,
		   unsigned int n, uint64_t now_us)
{
	const struct relay_index *index = relay_table_index(w->dp->table);
	const struct relay_stream *streams = relay_table_streams(w->dp->table);
	struct relay_pkt_meta pm[RELAY_BURST];
	const uint32_t *entry[RELAY_BURST];
	struct rte_mbuf *media[RELAY_BURST];
	struct relay_pkt_meta *mpm[RELAY_BURST];
	uint64_t vals[RELAY_BURST];
	enum relay_verdict v;
	unsigned int i, k = 0, out;

	/*
	 * Classify the burst; prefetch every index entry (in a pass of its own: loading
	 * a key just stored field by field would wait for the store buffer); then relay,
	 * loading the entry and prefetching the stream of packet i + RELAY_PREFETCH_AHEAD
	 * while packet i is relayed, so that the misses of the stream lines overlap with
	 * work instead of stalling on full fill buffers in a prefetch loop of their own.
	 */
	const struct sr_ban_table *bans = __atomic_load_n(&w->dp->pf_bans, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		v = relay_classify(in, m[i], &pm[i]);
		if (in->pf_soft && !soft_prefilter(w, in, bans, m[i], v, &pm[i], now_us)) {
			rte_pktmbuf_free(m[i]);
			w->verdicts[RELAY_V_DROP_PREFILTER]++;
			continue;
		}
		if (v == RELAY_V_FWD_RTP) {
			mpm[k] = &pm[i];
			media[k++] = m[i];
			continue;
		}
		if (v == RELAY_V_SERVICE || v == RELAY_V_SIP) {
			/* SIP too: the proxy and the table's writer live on the service lcore */
			m[i]->port = in->port_id; /* not every PMD sets it; the service needs it */
			if (rte_ring_enqueue(w->to_service, m[i]) == 0) {
				w->verdicts[v]++;
				continue;
			}
			v = RELAY_V_DROP_SERVICE_FULL;
		}
		rte_pktmbuf_free(m[i]);
		w->verdicts[v]++;
	}
	for (i = 0; i < k; i++) {
		/* NULL: an address no leg ever used, dropped as no session below */
		entry[i] = relay_index_entry(index, &mpm[i]->key);
		if (entry[i] != NULL)
			rte_prefetch0(entry[i]);
	}
	for (i = 0; i < RTE_MIN(k, (unsigned int)RELAY_PREFETCH_AHEAD); i++)
		prefetch_stream(streams, entry[i], &vals[i]);
	for (i = 0; i < k; i++) {
		if (i + RELAY_PREFETCH_AHEAD < k)
			prefetch_stream(streams, entry[i + RELAY_PREFETCH_AHEAD],
					&vals[i + RELAY_PREFETCH_AHEAD]);
		v = RELAY_V_DROP_NO_SESSION;
		if (vals[i] != RELAY_VAL_NONE)
			v = relay_rtp_forward(w, media[i], mpm[i], vals[i], now_us, &out);
		w->verdicts[v]++;
		if (v == RELAY_V_FWD_RTP || v == RELAY_V_FWD_RTCP)
			w->tx[out].m[w->tx[out].n++] = media[i];
		else
			rte_pktmbuf_free(media[i]);
	}
	flush_tx(w);
}

unsigned int
relay_worker_poll(struct relay_worker *w, uint64_t now_us)
{
	const struct relay_dp *dp = w->dp;
	struct rte_mbuf *m[RELAY_BURST];
	unsigned int i, total = 0;
	uint16_t n;

	for (i = 0; w->index == 0 && i < dp->n_ifaces; i++) {
		/* frames of the service loop on a port without a queue of its own */
		if (dp->iface[i].svc_tx == NULL)
			continue;
		n = (uint16_t)rte_ring_dequeue_burst(dp->iface[i].svc_tx, (void **)m, RELAY_BURST, NULL);
		if (n != 0) {
			uint16_t sent = rte_eth_tx_burst(dp->iface[i].port_id, 0, m, n);

			rte_pktmbuf_free_bulk(m + sent, n - sent);
			total += n;
		}
	}
	for (i = 0; i < dp->n_ifaces; i++) {
		n = rte_eth_rx_burst(dp->iface[i].port_id, (uint16_t)w->index, m, RELAY_BURST);
		if (n == 0)
			continue;
		relay_worker_burst(w, &dp->iface[i], m, n, now_us);
		total += n;
	}
	return total;
}

int
relay_worker_main(void *arg)
{
	struct relay_worker *w = arg;
	struct rte_rcu_qsbr *q = relay_table_qsbr(w->dp->table);
	unsigned int idle = 0;
	uint32_t sleep_us = 1;

	rte_rcu_qsbr_thread_register(q, w->index);
	rte_rcu_qsbr_thread_online(q, w->index);
	while (!*w->dp->quit) {
		if (relay_worker_poll(w, relay_now_us()) != 0) {
			idle = 0;
			sleep_us = 1;
		} else if (w->dp->adaptive_poll && ++idle > 100) {
			/* idle: give the core to the peers sharing it; offline so that
			 * table deletes need not wait for our sleep */
			rte_rcu_qsbr_thread_offline(q, w->index);
			rte_delay_us_sleep(sleep_us);
			rte_rcu_qsbr_thread_online(q, w->index);
			if (sleep_us < w->dp->idle_sleep_us)
				sleep_us *= 2;
		}
		rte_rcu_qsbr_quiescent(q, w->index);
	}
	rte_rcu_qsbr_thread_offline(q, w->index);
	rte_rcu_qsbr_thread_unregister(q, w->index);
	return 0;
}
