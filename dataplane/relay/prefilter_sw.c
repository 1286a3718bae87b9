/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_rcu_qsbr.h>

#include <siprelay/guard.h>

#include "iface.h"
#include "prefilter_sw.h"
#include "runtime.h"
#include "session_table.h"
#include "sip_guard.h"

/* The tables pf_decide() asks on a software port (see prefilter_sw.h). */
struct pf_env {
	struct sr_ban_table *bans;
	struct sr_rate_table *rates;
	uint64_t now_us;
};

#define PF_INLINE static inline

PF_INLINE bool
pf_env_banned(struct pf_env *e, const struct sr_prefix *src)
{
	return e->bans != NULL && sr_ban_match(e->bans, src->addr, e->now_us) != NULL;
}

PF_INLINE bool
pf_env_sip_take(struct pf_env *e, const struct pf_config *c, const uint8_t src[16])
{
	sr_rate_set(e->rates, c->sip_rate, c->sip_burst);
	return sr_rate_take(e->rates, src, e->now_us);
}

/* the RTP path's own lookup is the pinhole check here (prefilter_sw.h) */
#define PF_PINHOLES_ELSEWHERE

#include <siprelay/prefilter_logic.h>

int
relay_pf_worker_init(struct relay_pf_worker *pw, uint32_t max_sources)
{
	memset(pw, 0, sizeof(*pw));
	pw->rates = sr_rate_table_create(max_sources ? max_sources : 1024);
	return pw->rates != NULL ? 0 : -ENOMEM;
}

void
relay_pf_worker_fini(struct relay_pf_worker *pw)
{
	sr_rate_table_free(pw->rates);
	pw->rates = NULL;
}

bool
relay_pf_soft_pass(struct relay_pf_worker *pw, const struct relay_iface *in,
		   const struct sr_ban_table *bans, const uint8_t *frame, uint32_t len,
		   uint64_t now_us)
{
	/* match() only reads; the snapshot is never written after publication */
	struct pf_env env = { (struct sr_ban_table *)(uintptr_t)bans, pw->rates, now_us };
	enum pf_verdict v;

	if ((in->pf.flags & PF_F_ARP_TO_RELAY) && pf_is_neighbour(frame, frame + len))
		v = PF_V_NON_IP;
	else
		v = pf_decide(&env, &in->pf, frame, frame + len);
	pw->verdicts[v]++;
	return pf_action_of(v, &in->pf) != PF_ACT_DROP;
}

/* Snapshots replaced but perhaps still read by a worker, with their QSBR tokens. */
#define RETIRED_MAX RTE_DIM(((struct relay_pf_soft *)NULL)->retired)

int
relay_pf_soft_publish_bans(struct relay_runtime *rt)
{
	struct sr_ban_table *src = rt->guard != NULL ? rt->guard->g.bans : NULL, *snap = NULL;
	struct relay_pf_soft *ps = &rt->pf_soft;
	uint32_t i, n = src != NULL ? sr_ban_count(src) : 0;

	relay_pf_soft_reclaim(rt, false);
	if (ps->n_retired == RETIRED_MAX)
		relay_pf_soft_reclaim(rt, true); /* rare: wait for the workers */
	if (n != 0) {
		snap = sr_ban_table_create(n);
		if (snap == NULL)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			sr_ban_add(snap, sr_ban_at(src, i));
	}
	if (ps->bans != NULL) {
		ps->retired[ps->n_retired].t = ps->bans;
		ps->retired[ps->n_retired++].token = rte_rcu_qsbr_start(relay_table_qsbr(rt->dp.table));
	}
	ps->bans = snap;
	__atomic_store_n(&rt->dp.pf_bans, snap, __ATOMIC_RELEASE);
	return 0;
}

void
relay_pf_soft_reclaim(struct relay_runtime *rt, bool all)
{
	struct relay_pf_soft *ps = &rt->pf_soft;
	struct rte_rcu_qsbr *q = relay_table_qsbr(rt->dp.table);
	unsigned int i, k = 0;

	for (i = 0; i < ps->n_retired; i++) {
		if (rte_rcu_qsbr_check(q, ps->retired[i].token, all) == 1)
			sr_ban_table_free(ps->retired[i].t);
		else
			ps->retired[k++] = ps->retired[i];
	}
	ps->n_retired = k;
}
