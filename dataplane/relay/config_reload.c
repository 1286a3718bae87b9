/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload may change while calls run: settings read per call or per message on
 * the service loop (SIP limits and answers, defaults of new legs, neighbour aging).
 * Interfaces, table sizes, sockets and what the workers read stay as they are until a
 * restart; a reload names them when the file changed them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/sip_proxy.h>

#include "prefilter_cfg.h"
#include "config_reload.h"
#include "config_where.h"
#include "runtime.h"
#include "sip_guard.h"
#include "sip_security.h"
#include "sip_service.h"

#define BIT(b) (1u << (b))

static bool
ep_differs(const struct relay_ep *a, const struct relay_ep *b)
{
	return a->family != b->family || a->port != b->port || memcmp(a->addr, b->addr, 16) != 0;
}

static bool
leg_differs(const struct relay_config *a, const struct relay_config *b, uint8_t flag)
{
	return (a->leg_flags & flag) != (b->leg_flags & flag);
}

void
relay_reload_diff(const struct relay_config *cur, const struct relay_config *start,
		  const struct relay_config *next, uint32_t *applied, uint32_t *restart)
{
	const struct relay_sip_settings *c = &cur->sip, *n = &next->sip, *s = &start->sip;
	uint32_t a = 0, r = 0;

	a |= c->cps_limit != n->cps_limit ? BIT(RELOAD_CPS_LIMIT) : 0;
	a |= c->cps_burst != n->cps_burst ? BIT(RELOAD_CPS_BURST) : 0;
	a |= c->source_rate != n->source_rate ? BIT(RELOAD_SOURCE_RATE) : 0;
	a |= c->source_burst != n->source_burst ? BIT(RELOAD_SOURCE_BURST) : 0;
	a |= ep_differs(&c->upstream, &n->upstream) ? BIT(RELOAD_UPSTREAM) : 0;
	a |= c->retry_after_s != n->retry_after_s ? BIT(RELOAD_RETRY_AFTER) : 0;
	a |= strcmp(c->server, n->server) != 0 ? BIT(RELOAD_SERVER) : 0;
	a |= c->record_route != n->record_route ? BIT(RELOAD_RECORD_ROUTE) : 0;
	a |= c->strip_ice != n->strip_ice ? BIT(RELOAD_STRIP_ICE) : 0;
	a |= c->force_rport != n->force_rport ? BIT(RELOAD_FORCE_RPORT) : 0;
	a |= c->half_open_s != n->half_open_s ? BIT(RELOAD_HALF_OPEN) : 0;
	a |= c->bypass_on_exhaustion != n->bypass_on_exhaustion ? BIT(RELOAD_ON_EXHAUSTION) : 0;
	a |= leg_differs(cur, next, RELAY_LEG_NO_LATCH) ? BIT(RELOAD_LATCHING) : 0;
	a |= leg_differs(cur, next, RELAY_LEG_STRICT) ? BIT(RELOAD_STRICT_SOURCE) : 0;
	a |= cur->neigh_timeout_s != next->neigh_timeout_s ? BIT(RELOAD_NEIGH_TIMEOUT) : 0;

	/* both parsed by the same code from zeroed structs: whole interfaces compare */
	r |= start->n_ifaces != next->n_ifaces ||
	     memcmp(start->iface, next->iface, sizeof(start->iface)) != 0 ||
	     memcmp(s->role, n->role, sizeof(s->role)) != 0 ? BIT(RELOAD_INTERFACES) : 0;
	r |= start->capacity != next->capacity ? BIT(RELOAD_CAPACITY) : 0;
	r |= start->mbufs != next->mbufs ? BIT(RELOAD_MBUFS) : 0;
	r |= strcmp(start->socket_path, next->socket_path) != 0 ||
	     start->socket_mode != next->socket_mode ||
	     strcmp(start->socket_group, next->socket_group) != 0 ? BIT(RELOAD_SOCKET) : 0;
	r |= s->max_sessions != n->max_sessions ? BIT(RELOAD_MAX_SESSIONS) : 0;
	r |= start->adaptive_poll != next->adaptive_poll ||
	     start->idle_sleep_us != next->idle_sleep_us ? BIT(RELOAD_POLLING) : 0;
	r |= start->relatch_after != next->relatch_after ? BIT(RELOAD_RELATCH) : 0;
	r |= start->neigh_size != next->neigh_size ? BIT(RELOAD_NEIGH_SIZE) : 0;
	r |= s->max_bans != n->max_bans ? BIT(RELOAD_MAX_BANS) : 0;
	r |= s->max_sources != n->max_sources ? BIT(RELOAD_MAX_SOURCES) : 0;
	r |= start->preload != next->preload ? BIT(RELOAD_PRELOAD) : 0;
	*applied = a;
	*restart = r;
}

/* The proxy's live settings from st; the proxy checks them all before it takes any. */
static int
proxy_apply(struct relay_runtime *rt, const struct relay_sip_settings *st, uint64_t now_us)
{
	struct sr_proxy *p = rt->sip != NULL ? relay_sip_proxy(rt->sip) : NULL;
	struct sr_proxy_config pc;

	if (p == NULL)
		return 0;
	pc = *sr_proxy_config_get(p);
	pc.upstream = st->upstream;
	pc.cps_limit = st->cps_limit;
	pc.cps_burst = st->cps_burst;
	pc.on_exhaustion = st->bypass_on_exhaustion ? SR_PROXY_EXHAUST_BYPASS : SR_PROXY_EXHAUST_REFUSE;
	pc.retry_after = st->retry_after_s;
	pc.half_open_us = (uint64_t)st->half_open_s * 1000000;
	pc.record_route = st->record_route;
	pc.strip_ice = st->strip_ice;
	pc.force_rport = st->force_rport;
	pc.keepalive = st->keepalive;
	pc.keepalive_interval_s = st->keepalive_interval_s;
	pc.keepalive_max_missed = st->keepalive_max_missed;
	snprintf(pc.server, sizeof(pc.server), "%s", st->server);
	return sr_proxy_update(p, &pc, now_us);
}

int
relay_reload(struct relay_runtime *rt, uint64_t now_us, uint32_t *applied, uint32_t *restart,
	     char *err, size_t errlen)
{
	struct relay_config next;
	struct relay_security *sec;
	struct sr_ruleset *rules;
	const uint8_t live_legs = RELAY_LEG_STRICT | RELAY_LEG_NO_LATCH;
	char why[200];
	int ret;

	*applied = *restart = 0;
	if (rt->cfg.path[0] == '\0') {
		snprintf(err, errlen, "the data plane was not started from a config file");
		return -ENOENT;
	}
	relay_config_defaults(&next);
	ret = relay_config_load(&next, rt->cfg.path, why, sizeof(why));
	if (ret < 0) {
		relay_config_where(rt->cfg.path, why, err, errlen);
		return ret;
	}
	/* the rules file compiles before anything changes: a bad one refuses the reload */
	sec = rt->sip != NULL ? relay_sip_security(rt->sip) : NULL;
	ret = relay_security_prepare(sec, &next.security, &rules, err, errlen);
	if (ret < 0)
		return ret;
	relay_reload_diff(&rt->cfg, rt->guard ? &rt->guard->file : &rt->cfg, &next, applied, restart);
	ret = proxy_apply(rt, &next.sip, now_us);
	if (ret < 0) {
		snprintf(err, errlen, "%s: [sip] settings refused by the SIP proxy", rt->cfg.path);
		*applied = *restart = 0;
		relay_security_drop(rules);
		return ret;
	}
	if (sec != NULL && (rules != NULL || rt->cfg.security.rules[0] != '\0'))
		*applied |= BIT(RELOAD_RULES);
	if (sec != NULL &&
	    memcmp(&rt->cfg.security.ab, &next.security.ab, sizeof(next.security.ab)) != 0)
		*applied |= BIT(RELOAD_SECURITY);
	relay_security_commit(sec, &next.security, rules);
	memcpy(rt->cfg.security.rules, next.security.rules, sizeof(rt->cfg.security.rules));
	rt->cfg.security.ab = next.security.ab;
	rt->cfg.sip.upstream = next.sip.upstream;
	rt->cfg.sip.cps_limit = next.sip.cps_limit;
	rt->cfg.sip.cps_burst = next.sip.cps_burst;
	rt->cfg.sip.source_rate = next.sip.source_rate;
	rt->cfg.sip.source_burst = next.sip.source_burst;
	rt->cfg.sip.retry_after_s = next.sip.retry_after_s;
	rt->cfg.sip.half_open_s = next.sip.half_open_s;
	rt->cfg.sip.bypass_on_exhaustion = next.sip.bypass_on_exhaustion;
	rt->cfg.sip.record_route = next.sip.record_route;
	rt->cfg.sip.strip_ice = next.sip.strip_ice;
	rt->cfg.sip.force_rport = next.sip.force_rport;
	rt->cfg.sip.keepalive = next.sip.keepalive;
	rt->cfg.sip.keepalive_interval_s = next.sip.keepalive_interval_s;
	rt->cfg.sip.keepalive_max_missed = next.sip.keepalive_max_missed;
	memcpy(rt->cfg.sip.server, next.sip.server, sizeof(rt->cfg.sip.server));
	/* defaults of legs made from now on; live legs keep theirs */
	rt->cfg.leg_flags = (uint8_t)((rt->cfg.leg_flags & ~live_legs) | (next.leg_flags & live_legs));
	rt->cfg.neigh_timeout_s = next.neigh_timeout_s;
	if (rt->guard != NULL)
		sr_rate_set(rt->guard->g.rates, next.sip.source_rate, next.sip.source_burst);
	relay_prefilter_refresh(rt);
	return 0;
}
