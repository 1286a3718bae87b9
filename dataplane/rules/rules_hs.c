/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules compiled into Hyperscan block-mode databases, one per place they apply (all
 * whole-message rules in one, all User-Agent rules in another, ...), so that a message
 * costs one scan per place whatever the number of rules. The Hyperscan id of a pattern
 * is the rule's index in the set: file order, which decides between several matches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hs.h>

#include <siprelay/rules.h>

struct group {
	uint8_t scope;             /* enum sr_rule_scope */
	uint8_t htype;             /* SR_RULE_HEADER: enum sr_sip_hdr_type, SR_H_OTHER: by name */
	char header[SR_RULE_HDR_MAX];
	uint32_t n;
	hs_database_t *db;
};

struct sr_ruleset {
	struct sr_rule *r;
	uint64_t *hits;            /* per rule; the set's one matching thread writes them */
	uint32_t n;
	struct group *g;
	uint32_t n_groups;
};

struct sr_rules_scratch {
	hs_scratch_t *hs;
	uint32_t *stamp;           /* per rule: the message it last matched (counted once) */
	uint32_t cap;
	uint32_t gen;
};

static bool
same_group(const struct group *g, const struct sr_rule *r)
{
	if (g->scope != r->scope)
		return false;
	if (r->scope != SR_RULE_HEADER)
		return true;
	if (g->htype != SR_H_OTHER)
		return g->htype == sr_sip_hdr_type_of(r->header, strlen(r->header));
	return strcasecmp(g->header, r->header) == 0;
}

static int
group_of(struct sr_ruleset *s, const struct sr_rule *r)
{
	struct group *g;
	uint32_t i;

	for (i = 0; i < s->n_groups; i++)
		if (same_group(&s->g[i], r))
			return (int)i;
	g = &s->g[s->n_groups];
	memset(g, 0, sizeof(*g));
	g->scope = r->scope;
	if (r->scope == SR_RULE_HEADER) {
		g->htype = (uint8_t)sr_sip_hdr_type_of(r->header, strlen(r->header));
		memcpy(g->header, r->header, sizeof(g->header));
	}
	return (int)s->n_groups++;
}

static unsigned int
hs_flags(const struct sr_rule *r)
{
	unsigned int f = HS_FLAG_SINGLEMATCH;

	if (r->flags & SR_RULE_CASELESS)
		f |= HS_FLAG_CASELESS;
	if (r->flags & SR_RULE_DOTALL)
		f |= HS_FLAG_DOTALL;
	if (r->flags & SR_RULE_MULTILINE)
		f |= HS_FLAG_MULTILINE;
	return f;
}

/* One group's database; err names the rule Hyperscan refused. */
static int
compile_group(struct sr_ruleset *s, uint32_t gi, const uint32_t *members, const char *name,
	      char *err, size_t errlen)
{
	struct group *g = &s->g[gi];
	const char **expr = calloc(g->n, sizeof(*expr));
	unsigned int *flags = calloc(g->n, sizeof(*flags));
	unsigned int *ids = calloc(g->n, sizeof(*ids));
	hs_compile_error_t *cerr = NULL;
	int ret = 0;

	if (expr == NULL || flags == NULL || ids == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t k = 0; k < g->n; k++) {
		const struct sr_rule *r = &s->r[members[k]];

		expr[k] = r->pattern;
		flags[k] = hs_flags(r);
		ids[k] = members[k];
	}
	if (hs_compile_multi(expr, flags, ids, g->n, HS_MODE_BLOCK, NULL, &g->db, &cerr) !=
	    HS_SUCCESS) {
		if (cerr != NULL && cerr->expression >= 0 && (uint32_t)cerr->expression < g->n) {
			const struct sr_rule *r = &s->r[members[cerr->expression]];

			snprintf(err, errlen, "%s:%u: rule %u: pattern refused: %s", name, r->line,
				 r->id, cerr->message);
		} else {
			snprintf(err, errlen, "%s: rules do not compile: %s", name,
				 cerr != NULL ? cerr->message : "unknown Hyperscan error");
		}
		g->db = NULL;
		ret = -EINVAL;
	}
	hs_free_compile_error(cerr);
out:
	free(expr);
	free(flags);
	free(ids);
	return ret;
}

int
sr_ruleset_compile(const struct sr_rule_list *l, const char *name, struct sr_ruleset **out,
		   char *err, size_t errlen)
{
	struct sr_ruleset *s = calloc(1, sizeof(*s));
	uint32_t *gidx = NULL, *members = NULL;
	int ret = -ENOMEM;

	*out = NULL;
	if (name == NULL)
		name = "rules";
	if (s == NULL)
		goto nomem;
	s->n = l->n;
	if (l->n > 0) {
		s->r = malloc((size_t)l->n * sizeof(*s->r));
		s->hits = calloc(l->n, sizeof(*s->hits));
		s->g = calloc(l->n, sizeof(*s->g));
		gidx = malloc((size_t)l->n * sizeof(*gidx));
		members = malloc((size_t)l->n * sizeof(*members));
		if (s->r == NULL || s->hits == NULL || s->g == NULL || gidx == NULL || members == NULL)
			goto nomem;
		memcpy(s->r, l->r, (size_t)l->n * sizeof(*s->r));
	}
	for (uint32_t i = 0; i < s->n; i++) {
		gidx[i] = (uint32_t)group_of(s, &s->r[i]);
		s->g[gidx[i]].n++;
	}
	for (uint32_t gi = 0; gi < s->n_groups; gi++) {
		uint32_t k = 0;

		for (uint32_t i = 0; i < s->n; i++)
			if (gidx[i] == gi)
				members[k++] = i;
		ret = compile_group(s, gi, members, name, err, errlen);
		if (ret < 0)
			goto fail;
	}
	free(gidx);
	free(members);
	*out = s;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", name);
	ret = -ENOMEM;
fail:
	free(gidx);
	free(members);
	sr_ruleset_free(s);
	return ret;
}

int
sr_ruleset_load(const char *path, struct sr_ruleset **out, char *err, size_t errlen)
{
	struct sr_rule_list l;
	int ret;

	*out = NULL;
	ret = sr_rules_load_file(path, &l, err, errlen);
	if (ret < 0)
		return ret;
	ret = sr_ruleset_compile(&l, path, out, err, errlen);
	sr_rule_list_free(&l);
	return ret;
}

void
sr_ruleset_free(struct sr_ruleset *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_groups; i++)
		hs_free_database(s->g[i].db);
	free(s->g);
	free(s->hits);
	free(s->r);
	free(s);
}

uint32_t
sr_ruleset_count(const struct sr_ruleset *s)
{
	return s != NULL ? s->n : 0;
}

const struct sr_rule *
sr_ruleset_rule(const struct sr_ruleset *s, uint32_t i)
{
	return s != NULL && i < s->n ? &s->r[i] : NULL;
}

uint64_t
sr_ruleset_hits(const struct sr_ruleset *s, uint32_t i)
{
	return s != NULL && i < s->n ? s->hits[i] : 0;
}

void
sr_ruleset_inherit(struct sr_ruleset *s, const struct sr_ruleset *old)
{
	if (s == NULL || old == NULL)
		return;
	/* sets of a few thousand rules, once per reload: the quadratic walk is fine, but
	 * the common case (same file order) is found at once */
	for (uint32_t i = 0; i < s->n; i++) {
		if (i < old->n && old->r[i].id == s->r[i].id) {
			s->hits[i] = old->hits[i];
			continue;
		}
		for (uint32_t j = 0; j < old->n; j++)
			if (old->r[j].id == s->r[i].id) {
				s->hits[i] = old->hits[j];
				break;
			}
	}
}

/* ---- scratch ---- */

int
sr_rules_scratch_fit(struct sr_rules_scratch **scratch, const struct sr_ruleset *s)
{
	struct sr_rules_scratch *sc = *scratch;

	if (sc == NULL) {
		sc = calloc(1, sizeof(*sc));
		if (sc == NULL)
			return -ENOMEM;
		*scratch = sc;
	}
	for (uint32_t i = 0; i < s->n_groups; i++)
		if (hs_alloc_scratch(s->g[i].db, &sc->hs) != HS_SUCCESS)
			return -ENOMEM;
	if (s->n > sc->cap) {
		uint32_t *st = realloc(sc->stamp, (size_t)s->n * sizeof(*st));

		if (st == NULL)
			return -ENOMEM;
		/* new stamps of 0 never equal a live generation (gen starts at 1) */
		memset(st + sc->cap, 0, (size_t)(s->n - sc->cap) * sizeof(*st));
		sc->stamp = st;
		sc->cap = s->n;
	}
	return 0;
}

void
sr_rules_scratch_free(struct sr_rules_scratch *scratch)
{
	if (scratch == NULL)
		return;
	hs_free_scratch(scratch->hs);
	free(scratch->stamp);
	free(scratch);
}

/* ---- matching ---- */

struct match_ctx {
	struct sr_ruleset *s;
	struct sr_rules_scratch *sc;
	struct sr_rules_verdict *v;
};

static int
on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
	 void *arg)
{
	struct match_ctx *c = arg;

	(void)from;
	(void)to;
	(void)flags;
	if (c->sc->stamp[id] == c->sc->gen)
		return 0; /* the same rule on another value of its header */
	c->sc->stamp[id] = c->sc->gen;
	c->s->hits[id]++;
	c->v->matched++;
	if (c->v->rule < 0 || id < (unsigned int)c->v->rule)
		c->v->rule = (int32_t)id;
	return 0; /* on: every matching rule is counted */
}

static int
scan(const struct group *g, struct sr_slice sl, struct match_ctx *c)
{
	if (sl.p == NULL || sl.len == 0)
		return 0;
	return hs_scan(g->db, sl.p, sl.len, 0, c->sc->hs, on_match, c) == HS_SUCCESS ? 0 : -EIO;
}

static bool
name_is(struct sr_slice n, const char *name)
{
	return strlen(name) == n.len && strncasecmp(n.p, name, n.len) == 0;
}

static int
scan_headers(const struct group *g, const struct sr_sip_msg *m, struct match_ctx *c)
{
	int ret = 0;

	if (g->htype != SR_H_OTHER) {
		for (int i = m->first[g->htype]; i >= 0 && i < m->n_hdrs && ret == 0;
		     i = m->hdrs[i].next)
			ret = scan(g, m->hdrs[i].value, c);
		return ret;
	}
	for (uint16_t i = 0; i < m->n_hdrs && ret == 0; i++)
		if (m->hdrs[i].type == SR_H_OTHER && name_is(m->hdrs[i].name, g->header))
			ret = scan(g, m->hdrs[i].value, c);
	return ret;
}

int
sr_ruleset_match(struct sr_ruleset *s, struct sr_rules_scratch *sc, const char *buf,
		 uint32_t len, const struct sr_sip_msg *m, struct sr_rules_verdict *v)
{
	struct match_ctx c = { s, sc, v };
	int ret = 0;

	memset(v, 0, sizeof(*v));
	v->rule = -1;
	if (s == NULL || s->n == 0)
		return 0;
	if (sc == NULL || sc->hs == NULL || sc->cap < s->n)
		return -EINVAL;
	if (++sc->gen == 0) { /* wrapped: stale stamps could collide, clear them */
		memset(sc->stamp, 0, (size_t)sc->cap * sizeof(*sc->stamp));
		sc->gen = 1;
	}
	for (uint32_t i = 0; i < s->n_groups && ret == 0; i++) {
		const struct group *g = &s->g[i];
		bool req = m != NULL && m->kind == SR_SIP_REQUEST;

		switch (g->scope) {
		case SR_RULE_MESSAGE:
			ret = scan(g, sr_slice_make(buf, len), &c);
			break;
		case SR_RULE_METHOD:
			ret = req ? scan(g, m->method_name, &c) : 0;
			break;
		case SR_RULE_RURI:
			ret = req ? scan(g, m->ruri, &c) : 0;
			break;
		case SR_RULE_BODY:
			ret = m != NULL ? scan(g, m->body, &c) : 0;
			break;
		case SR_RULE_HEADER:
			ret = m != NULL ? scan_headers(g, m, &c) : 0;
			break;
		}
	}
	if (ret < 0)
		return ret;
	if (v->rule >= 0) {
		const struct sr_rule *r = &s->r[v->rule];

		v->action = r->action;
		v->id = r->id;
		v->ban_s = r->ban_s;
	}
	return 0;
}
