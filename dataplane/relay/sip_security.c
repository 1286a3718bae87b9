/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/autoban.h>
#include <siprelay/dp_proto.h>
#include <siprelay/guard.h>
#include <siprelay/rules.h>
#include <siprelay/sip.h>
#include <siprelay/sip_reply.h>

#include "dp_admin.h"
#include "runtime.h"
#include "sip_security.h"

_Static_assert(sizeof(struct dp_rules_list) <= DP_MSG_MAX, "dp_rules_list too big");
_Static_assert(SR_AUTOBAN_REASON_MAX == SR_BAN_REASON_MAX, "reason sizes differ");

struct relay_security {
	struct relay_runtime *rt;
	struct relay_security_settings cfg;
	struct sr_ruleset *rules;          /* NULL: no rules file */
	struct sr_rules_scratch *scratch;
	struct sr_autoban *ab;
	uint64_t generation;
	uint64_t scanned, dropped, rejected, rule_bans, errors;
	struct sr_sip_msg msg;             /* the message being matched */
};

static bool
is_response(const char *data, uint32_t len)
{
	return len >= 8 && memcmp(data, "SIP/2.0 ", 8) == 0;
}

static void
addr16(const struct relay_ep *ep, uint8_t a[16])
{
	if (ep->family == RELAY_FAMILY_IPV4)
		sr_addr_map4(ep->addr, a);
	else
		memcpy(a, ep->addr, 16);
}

/* The source itself, not its prefix: an automatic ban never reaches a neighbour. */
static void
ban(struct relay_security *s, const uint8_t a[16], uint32_t ttl_s, const char *reason,
    uint64_t now_us)
{
	struct sr_prefix p;

	p.len = 128;
	memcpy(p.addr, a, 16);
	if (relay_ban_add(s->rt, &p, ttl_s, reason, now_us) < 0)
		s->errors++; /* the ban table is full: the source stays unbanned */
}

static int
prepare(struct relay_security *s, const struct relay_security_settings *next,
	struct sr_ruleset **set, char *err, size_t errlen)
{
	int ret;

	*set = NULL;
	if (next->rules[0] == '\0')
		return 0;
	ret = sr_ruleset_load(next->rules, set, err, errlen);
	if (ret < 0)
		return ret;
	/* the scratch grows for the new set before it runs; it still fits the old one */
	ret = sr_rules_scratch_fit(&s->scratch, *set);
	if (ret < 0) {
		snprintf(err, errlen, "%s: no memory for Hyperscan scratch", next->rules);
		sr_ruleset_free(*set);
		*set = NULL;
	}
	return ret;
}

int
relay_security_create(struct relay_runtime *rt, struct relay_security **out, char *err,
		      size_t errlen)
{
	const struct relay_security_settings *cfg = &rt->cfg.security;
	struct relay_security *s = calloc(1, sizeof(*s));
	struct sr_ruleset *set;
	int ret;

	*out = NULL;
	if (s == NULL || (s->ab = sr_autoban_create(cfg->max_sources)) == NULL) {
		free(s);
		snprintf(err, errlen, "security: cannot track %u sources", cfg->max_sources);
		return -ENOMEM;
	}
	s->rt = rt;
	ret = prepare(s, cfg, &set, err, errlen);
	if (ret == 0 && sr_autoban_set(s->ab, &cfg->ab) < 0) {
		snprintf(err, errlen, "[security]: a threshold without its window");
		ret = -EINVAL;
	}
	if (ret < 0) {
		relay_security_free(s);
		return ret;
	}
	relay_security_commit(s, cfg, set);
	*out = s;
	return 0;
}

void
relay_security_free(struct relay_security *s)
{
	if (s == NULL)
		return;
	sr_ruleset_free(s->rules);
	sr_rules_scratch_free(s->scratch);
	sr_autoban_free(s->ab);
	free(s);
}

/* What a matching rule does to the message; 403 built from its parse. */
static enum relay_sec_verdict
apply(struct relay_security *s, const struct sr_rules_verdict *v, const struct sr_sip_msg *m,
      const uint8_t a[16], uint64_t now_us, char *reply, uint32_t cap, uint32_t *reply_len)
{
	const struct sr_rule *r = sr_ruleset_rule(s->rules, (uint32_t)v->rule);
	struct sr_sip_reply_opts o = { .server = s->rt->cfg.sip.server };
	char reason[SR_BAN_REASON_MAX];
	ssize_t n;

	switch (v->action) {
	case SR_RULE_REJECT:
		s->rejected++;
		if (m == NULL || m->kind != SR_SIP_REQUEST || m->method == SR_M_ACK)
			return RELAY_SEC_DROP;
		n = sr_sip_reply_build(m, 403, &o, reply, cap);
		if (n <= 0)
			return RELAY_SEC_DROP;
		*reply_len = (uint32_t)n;
		return RELAY_SEC_REJECT;
	case SR_RULE_BAN:
		s->rule_bans++;
		if (r->scope == SR_RULE_HEADER)
			snprintf(reason, sizeof(reason), "rule %u (header:%.40s)", r->id, r->header);
		else
			snprintf(reason, sizeof(reason), "rule %u (%s)", r->id,
				 sr_rule_scope_name(r->scope));
		ban(s, a, r->ban_s, reason, now_us);
		return RELAY_SEC_DROP;
	default:
		s->dropped++;
		return RELAY_SEC_DROP;
	}
}

enum relay_sec_verdict
relay_security_check(struct relay_security *s, const struct relay_ep *src, const char *data,
		     uint32_t len, uint64_t now_us, char *reply, uint32_t cap, uint32_t *reply_len)
{
	struct sr_autoban_hit hit;
	struct sr_rules_verdict v;
	const struct sr_sip_msg *m;
	uint8_t a[16];

	if (s == NULL)
		return RELAY_SEC_PASS;
	addr16(src, a);
	if (!is_response(data, len) && sr_autoban_request(s->ab, a, now_us, &hit)) {
		ban(s, a, hit.ttl_s, hit.reason, now_us);
		return RELAY_SEC_DROP;
	}
	if (sr_ruleset_count(s->rules) == 0)
		return RELAY_SEC_PASS;
	/* a message that fails to parse still has what was read before the defect; whole-
	 * message rules see it in any case, and the proxy answers its 400 after */
	sr_sip_parse(&s->msg, data, len, NULL);
	m = s->msg.kind != 0 ? &s->msg : NULL;
	s->scanned++;
	if (sr_ruleset_match(s->rules, s->scratch, data, len, m, &v) < 0) {
		s->errors++;
		return RELAY_SEC_PASS;
	}
	if (v.rule < 0)
		return RELAY_SEC_PASS;
	return apply(s, &v, m, a, now_us, reply, cap, reply_len);
}

void
relay_security_sent(struct relay_security *s, const struct relay_ep *dst, const char *data,
		    uint32_t len, uint64_t now_us)
{
	struct sr_autoban_hit hit;
	uint16_t status;
	uint8_t a[16];

	if (s == NULL || !is_response(data, len) || len < 12)
		return;
	if (data[8] < '0' || data[8] > '9' || data[9] < '0' || data[9] > '9' || data[10] < '0' ||
	    data[10] > '9')
		return;
	status = (uint16_t)((data[8] - '0') * 100 + (data[9] - '0') * 10 + (data[10] - '0'));
	addr16(dst, a);
	if (status >= 200 && status < 300) {
		/* the retry with credentials succeeded: a phone, not a guesser (the parse
		 * only when failures are counted for it) */
		if (sr_autoban_auth_pending(s->ab, a) &&
		    sr_sip_parse(&s->msg, data, len, NULL) == 0 &&
		    (s->msg.cseq_method == SR_M_REGISTER || s->msg.cseq_method == SR_M_INVITE))
			sr_autoban_auth_ok(s->ab, a);
		return;
	}
	if (status != 401 && status != 403 && status != 407)
		return;
	if (sr_autoban_auth_fail(s->ab, a, status, now_us, &hit))
		ban(s, a, hit.ttl_s, hit.reason, now_us);
}

int
relay_security_prepare(struct relay_security *s, const struct relay_security_settings *next,
		       struct sr_ruleset **set, char *err, size_t errlen)
{
	if (s == NULL) {
		*set = NULL;
		return 0;
	}
	return prepare(s, next, set, err, errlen);
}

void
relay_security_commit(struct relay_security *s, const struct relay_security_settings *next,
		      struct sr_ruleset *set)
{
	struct sr_ruleset *old;

	if (s == NULL) {
		sr_ruleset_free(set);
		return;
	}
	old = s->rules;
	sr_ruleset_inherit(set, old);
	s->rules = set; /* the service lcore matches and reloads: the swap is atomic to it */
	sr_ruleset_free(old);
	if (set != NULL)
		s->generation++;
	sr_autoban_set(s->ab, &next->ab); /* checked by the config parser */
	s->cfg.ab = next->ab;
	memcpy(s->cfg.rules, next->rules, sizeof(s->cfg.rules));
}

void
relay_security_drop(struct sr_ruleset *set)
{
	sr_ruleset_free(set);
}

static void
entry_of(const struct sr_rule *r, uint64_t hits, struct dp_rule_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = r->id;
	e->line = r->line;
	e->ban_s = r->ban_s;
	e->action = r->action;
	e->hits = hits;
	if (r->scope == SR_RULE_HEADER)
		snprintf(e->where, sizeof(e->where), "header:%.32s", r->header);
	else
		snprintf(e->where, sizeof(e->where), "%s", sr_rule_scope_name(r->scope));
}

void
relay_security_list(const struct relay_security *s, struct dp_rules_list *r)
{
	const struct sr_autoban_stats *st = sr_autoban_stats_get(s->ab);
	uint32_t i = r->cursor, total = sr_ruleset_count(s->rules);

	r->n = 0;
	while (r->n < DP_RULES_LIST_MAX && i < total) {
		entry_of(sr_ruleset_rule(s->rules, i), sr_ruleset_hits(s->rules, i), &r->e[r->n++]);
		i++;
	}
	r->cursor = i;
	r->total = total;
	r->more = i < total;
	r->generation = s->generation;
	r->scanned = s->scanned;
	r->dropped = s->dropped;
	r->rejected = s->rejected;
	r->rule_bans = s->rule_bans;
	r->auth_fails = st->auth_fails;
	r->auth_bans = st->auth_bans;
	r->flood_bans = st->flood_bans;
	r->errors = s->errors;
	snprintf(r->file, sizeof(r->file), "%.127s", s->cfg.rules); /* a longer path is cut */
}
