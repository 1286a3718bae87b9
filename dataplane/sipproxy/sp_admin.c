/* SPDX-License-Identifier: BSD-3-Clause */
/* What the control plane asks of a running proxy: its settings changed live, and its
 * sessions by id or Call-ID. Rare operations: scans of the slots are fine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sp_internal.h"

const struct sr_proxy_config *sr_proxy_config_get(const struct sr_proxy *p)
{
	return &p->cfg;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int sr_proxy_update(struct sr_proxy *p, const struct sr_proxy_config *cfg, uint64_t now_us)
{
	struct relay_ep up = cfg->upstream;
	bool access = false;

	for (unsigned i = 0; i < p->cfg.n_ifaces; i++)
		access |= p->cfg.iface[i].role == SR_PROXY_ACCESS;
	if (access && up.family != RELAY_FAMILY_IPV4 && up.family != RELAY_FAMILY_IPV6)
		return -EINVAL;
	if (up.family != RELAY_FAMILY_NONE && up.port == 0)
		up.port = 5060;
	if (memchr(cfg->server, '\0', sizeof(cfg->server)) == NULL || !printable(cfg->server))
		return -EINVAL;
	if (cfg->on_exhaustion > SR_PROXY_EXHAUST_BYPASS || cfg->keepalive > SR_PROXY_KA_OPTIONS ||
	    cfg->keepalive_interval_s == 0 || cfg->keepalive_max_missed == 0)
		return -EINVAL;
	/* a new limit starts from a full bucket; an unchanged one keeps its state */
	if (cfg->cps_limit != p->cfg.cps_limit || cfg->cps_burst != p->cfg.cps_burst)
		sp_cps_init(&p->cps, cfg->cps_limit, cfg->cps_burst, now_us);
	p->cfg.upstream = up;
	p->cfg.cps_limit = cfg->cps_limit;
	p->cfg.cps_burst = cfg->cps_burst;
	p->cfg.on_exhaustion = cfg->on_exhaustion;
	p->cfg.retry_after = cfg->retry_after;
	p->cfg.half_open_us = cfg->half_open_us;
	p->cfg.record_route = cfg->record_route;
	p->cfg.strip_ice = cfg->strip_ice;
	p->cfg.force_rport = cfg->force_rport;
	/* keepalives: bindings already scheduled keep their next time */
	p->cfg.keepalive = cfg->keepalive;
	p->cfg.keepalive_interval_s = cfg->keepalive_interval_s;
	p->cfg.keepalive_max_missed = cfg->keepalive_max_missed;
	memcpy(p->cfg.server, cfg->server, sizeof(p->cfg.server));
	return 0;
}

int sr_proxy_session_call_id(const struct sr_proxy *p, uint64_t session_id, char *buf, size_t len)
{
	for (uint32_t i = 0; i < p->tab.cap; i++) {
		const struct sp_session *s = &p->tab.s[i];

		if (s->state != SP_FREE && s->id == session_id) {
			unsigned n = s->call_id_len < SP_CALLID_KEEP ? s->call_id_len : SP_CALLID_KEEP;

			snprintf(buf, len, "%.*s", (int)n, s->call_id);
			return 0;
		}
	}
	return -ENOENT;
}

unsigned sr_proxy_sessions_of_call(const struct sr_proxy *p, const char *call_id, size_t len,
				   uint64_t *ids, unsigned max)
{
	unsigned n = 0;

	if (len == 0 || len > SP_CALLID_KEEP)
		return 0;
	for (uint32_t i = 0; i < p->tab.cap && n < max; i++) {
		const struct sp_session *s = &p->tab.s[i];

		if (s->state != SP_FREE && s->call_id_len == len && memcmp(s->call_id, call_id, len) == 0)
			ids[n++] = s->id;
	}
	return n;
}
