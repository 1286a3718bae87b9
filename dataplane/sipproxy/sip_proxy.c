/* SPDX-License-Identifier: BSD-3-Clause */
/* The proxy instance: configuration, dispatch of each datagram, timers, teardown. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include <siprelay/sip_reply.h>

#include "sp_internal.h"

void sr_proxy_config_init(struct sr_proxy_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_sessions = 1024;
	cfg->on_exhaustion = SR_PROXY_EXHAUST_REFUSE;
	cfg->retry_after = 5;
	cfg->half_open_us = 60ULL * 1000000;
	cfg->record_route = true;
	cfg->strip_ice = true;
	cfg->keepalive_interval_s = 30;
	cfg->keepalive_max_missed = 3;
}

/* Header text goes into answers verbatim: no control characters. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int check_iface(struct sr_proxy *p, unsigned i)
{
	struct sr_proxy_iface *c = &p->cfg.iface[i];
	struct sp_ifaddr *a = &p->ifx[i];

	c->media_addr[sizeof(c->media_addr) - 1] = '\0';
	if (inet_pton(AF_INET, c->media_addr, a->media_addr) == 1)
		a->media_family = RELAY_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, c->media_addr, a->media_addr) == 1)
		a->media_family = RELAY_FAMILY_IPV6;
	else
		return -EINVAL;
	if ((c->sip.family != RELAY_FAMILY_IPV4 && c->sip.family != RELAY_FAMILY_IPV6) ||
	    c->role > SR_PROXY_CORE)
		return -EINVAL;
	if (c->sip.port == 0)
		c->sip.port = 5060;
	sp_ep_host(&c->sip, true, a->sip_host, sizeof(a->sip_host));
	for (unsigned k = 0; k < i; k++)
		if (p->cfg.iface[k].index == c->index)
			return -EINVAL;
	return 0;
}

static int check_config(struct sr_proxy *p)
{
	struct sr_proxy_config *c = &p->cfg;
	bool access = false;

	if (c->n_ifaces == 0 || c->n_ifaces > SR_PROXY_MAX_IFACES || c->max_sessions == 0)
		return -EINVAL;
	for (unsigned i = 0; i < c->n_ifaces; i++) {
		if (check_iface(p, i) < 0)
			return -EINVAL;
		access |= c->iface[i].role == SR_PROXY_ACCESS;
	}
	if (access && c->upstream.family != RELAY_FAMILY_IPV4 && c->upstream.family != RELAY_FAMILY_IPV6)
		return -EINVAL;
	if (c->upstream.family != RELAY_FAMILY_NONE && c->upstream.port == 0)
		c->upstream.port = 5060;
	c->server[sizeof(c->server) - 1] = '\0';
	if (!printable(c->server))
		return -EINVAL;
	if (c->keepalive > SR_PROXY_KA_OPTIONS)
		return -EINVAL;
	if (c->keepalive_interval_s == 0)
		c->keepalive_interval_s = 30;
	if (c->keepalive_max_missed == 0)
		c->keepalive_max_missed = 3;
	return 0;
}

struct sr_proxy *sr_proxy_create(const struct sr_proxy_config *cfg, const struct sr_proxy_media_ops *ops,
				 void *ctx)
{
	struct sr_proxy *p;
	int rc;

	if (cfg == NULL || ops == NULL || ops->port_alloc == NULL || ops->port_release == NULL ||
	    ops->stream_set == NULL || ops->stream_del == NULL) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->cfg = *cfg;
	p->ops = *ops;
	p->ctx = ctx;
	rc = check_config(p);
	if (rc == 0)
		rc = sp_table_init(&p->tab, p->cfg.max_sessions);
	if (rc == 0) {
		rc = sp_reg_init(&p->reg, p->cfg.max_bindings);
		if (rc < 0)
			sp_table_fini(&p->tab);
	}
	if (rc < 0) {
		free(p);
		errno = -rc;
		return NULL;
	}
	/* the relay implements no extension: any Proxy-Require is answered 420 */
	p->policy.supported = NULL;
	p->policy.n_supported = 0;
	sp_cps_init(&p->cps, p->cfg.cps_limit, p->cfg.cps_burst, 0);
	return p;
}

void sr_proxy_destroy(struct sr_proxy *p)
{
	if (p == NULL)
		return;
	for (uint32_t i = 0; i < p->tab.cap; i++)
		if (p->tab.s[i].state != SP_FREE)
			sp_session_end(p, &p->tab.s[i]);
	sp_table_fini(&p->tab);
	sp_reg_fini(&p->reg);
	free(p);
}

unsigned sr_proxy_input(struct sr_proxy *p, const struct sr_proxy_pkt *in, struct sr_proxy_out *out,
			unsigned n_out, uint64_t now_us)
{
	int pos = sp_iface_pos(p, in->iface);

	if (pos < 0 || n_out == 0 || out[0].buf == NULL || in->data == NULL) {
		sp_drop(p, SR_PROXY_DROP_IFACE);
		return 0;
	}
	out[0].len = 0;
	/* a failed parse still says what the message is and keeps what it read before
	 * the defect: requests get their 400 from it, responses are dropped */
	if (sr_sip_parse(&p->msg, in->data, in->len, &p->cfg.limits) < 0 && p->msg.err.status == 513 &&
	    p->msg.kind == 0) {
		/* refused on size before a byte was read: read it anyway, only to have
		 * something to address the 513 to */
		struct sr_sip_limits lim = p->cfg.limits;

		lim.max_message = in->len;
		sr_sip_parse(&p->msg, in->data, in->len, &lim);
		p->msg.err.status = 513;
		p->msg.err.reason = SR_SIP_REASON_TOO_BIG;
	}
	if (p->msg.kind == SR_SIP_REQUEST)
		return sp_request(p, in, (unsigned)pos, out, now_us);
	if (p->msg.kind == SR_SIP_RESPONSE)
		return sp_response(p, in, out, now_us);
	sp_drop(p, SR_PROXY_DROP_KIND);
	return 0;
}

unsigned sr_proxy_tick(struct sr_proxy *p, uint64_t now_us)
{
	struct sp_session *s;
	unsigned n = 0;

	if (p->cfg.half_open_us == 0)
		return 0;
	while ((s = sp_ho_oldest(&p->tab)) != NULL && now_us >= s->created_us &&
	       now_us - s->created_us >= p->cfg.half_open_us) {
		sp_session_end(p, s);
		p->st.sessions_expired++;
		p->st.sessions_deleted++;
		n++;
	}
	return n;
}

/* A control-plane operation, rare: a scan of the slots is fine. */
int sr_proxy_session_delete(struct sr_proxy *p, uint64_t session_id)
{
	for (uint32_t i = 0; i < p->tab.cap; i++) {
		struct sp_session *s = &p->tab.s[i];

		if (s->state != SP_FREE && s->id == session_id) {
			sp_session_end(p, s);
			p->st.sessions_deleted++;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned sr_proxy_session_count(const struct sr_proxy *p)
{
	return p->tab.used;
}

const struct sr_proxy_stats *sr_proxy_stats_get(const struct sr_proxy *p)
{
	return &p->st;
}
