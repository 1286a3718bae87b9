/* Signature rules benchmark: ns per message to match a rule set with Hyperscan (the
 * relay's matcher, sr_ruleset_match: one scan per place) against the same rules run one
 * by one with POSIX regexec over the same places of the same pre-parsed messages, in one
 * run. Prints both, their ratio and how many messages each found matching (they should
 * agree).
 *
 *   rules-bench RULES|gen:N ITERATIONS FILE... (each file one SIP message)
 *
 * gen:N makes N rules of the shape of real signature lists (literal tokens with a
 * little regex around them, over the places rules apply to), deterministically.
 * Patterns are PCRE-style; for regcomp (ERE) \d becomes [0-9] and lazy quantifiers
 * greedy; a rule regcomp still refuses is left out of BOTH engines, and counted. */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <siprelay/rules.h>
#include <siprelay/sip.h>

struct msg {
	char *buf;
	uint32_t len;
	struct sr_sip_msg *m;   /* NULL: does not parse far enough to have a start line */
};

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
load_msg(const char *path, struct msg *out)
{
	FILE *f = fopen(path, "rb");
	static char tmp[65536];
	size_t n;

	if (f == NULL)
		return -errno;
	n = fread(tmp, 1, sizeof(tmp), f);
	fclose(f);
	out->buf = malloc(n ? n : 1);
	out->m = malloc(sizeof(*out->m));
	if (out->buf == NULL || out->m == NULL)
		return -ENOMEM;
	memcpy(out->buf, tmp, n);
	out->len = (uint32_t)n;
	sr_sip_parse(out->m, out->buf, n, NULL);
	if (out->m->kind == 0) {
		free(out->m);
		out->m = NULL;
	}
	return 0;
}

/* ---- rules ---- */

static uint32_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* N rules in the shape of the default set and of public SIP signature lists. */
static char *
gen_rules(uint32_t n, size_t *len)
{
	static const char *const places[] = { "header:User-Agent", "header:From", "header:To",
					      "header:Contact", "ruri", "body", "message",
					      "header:Subject" };
	size_t cap = (size_t)n * 160 + 1;
	char *t = malloc(cap), word[16];
	uint64_t seed = 42;
	size_t at = 0;

	for (uint32_t i = 0; i < n; i++) {
		const char *where = places[rnd(&seed) % 8];
		uint32_t k = rnd(&seed) % 6;

		for (int c = 0; c < 8; c++)
			word[c] = (char)('a' + rnd(&seed) % 26);
		word[8] = '\0';
		at += (size_t)snprintf(t + at, cap - at, "%u %s %s ", i + 1, where,
				       k < 3 ? "drop" : k < 5 ? "reject" : "ban:600");
		switch (k) {
		case 0:
			at += (size_t)snprintf(t + at, cap - at, "/%s-?scan(ner)?[0-9]*/i\n", word);
			break;
		case 1:
			at += (size_t)snprintf(t + at, cap - at, "/%s\\d{2,4}@/\n", word);
			break;
		case 2:
			at += (size_t)snprintf(t + at, cap - at, "/^sip:%u[0-9]{6,}/\n", 100 + i);
			break;
		case 3:
			at += (size_t)snprintf(t + at, cap - at, "/(%s|%.4s_x)\\s*=\\s*['\"]/i\n",
					       word, word);
			break;
		case 4:
			at += (size_t)snprintf(t + at, cap - at, "/%s\\/[0-9]+\\.[0-9]+/\n", word);
			break;
		default:
			at += (size_t)snprintf(t + at, cap - at, "/x-%s:[^\\r\\n]{40,}/i\n", word);
			break;
		}
	}
	*len = at;
	return t;
}

/* PCRE-style to ERE as far as the rules use it; false when regcomp cannot express it. */
static bool
to_ere(const char *p, char *out, size_t cap)
{
	const char *start = p;
	size_t o = 0;

	for (; *p; p++) {
		const char *rep = NULL;
		char one[2] = { 0, 0 };

		if (p[0] == '\\' && p[1] == 'd') {
			rep = "[0-9]";
			p++;
		} else if (p[0] == '\\' && p[1] == '/') {
			rep = "/";
			p++;
		} else if (p[0] == '\\' && p[1] == 'x') {
			return false; /* byte escapes: no ERE form (NUL least of all) */
		} else if (p[0] == '?' && p > start && (p[-1] == '*' || p[-1] == '+' || p[-1] == '}')) {
			rep = ""; /* lazy: the set of matches is the same */
		} else if (p[0] == '\\' && p[1] != '\0') {
			if (o + 2 >= cap)
				return false;
			out[o++] = p[0];
			out[o++] = p[1];
			p++;
			continue;
		} else {
			one[0] = *p;
			rep = one;
		}
		if (o + strlen(rep) >= cap)
			return false;
		memcpy(out + o, rep, strlen(rep));
		o += strlen(rep);
	}
	out[o] = '\0';
	return true;
}

struct posix_rule {
	regex_t re;
	const struct sr_rule *r;
	uint8_t htype;
};

/* ---- the POSIX engine: every rule, one after the other, over its places ---- */

static bool
re_hit(const regex_t *re, struct sr_slice s)
{
	regmatch_t pm[1];

	if (s.p == NULL || s.len == 0)
		return false;
	pm[0].rm_so = 0;
	pm[0].rm_eo = (regoff_t)s.len;
	return regexec(re, s.p, 1, pm, REG_STARTEND) == 0;
}

static bool
posix_rule_hits(const struct posix_rule *pr, const struct msg *msg)
{
	const struct sr_sip_msg *m = msg->m;
	bool req = m != NULL && m->kind == SR_SIP_REQUEST;

	switch (pr->r->scope) {
	case SR_RULE_MESSAGE:
		return re_hit(&pr->re, sr_slice_make(msg->buf, msg->len));
	case SR_RULE_METHOD:
		return req && re_hit(&pr->re, m->method_name);
	case SR_RULE_RURI:
		return req && re_hit(&pr->re, m->ruri);
	case SR_RULE_BODY:
		return m != NULL && re_hit(&pr->re, m->body);
	default:
		if (m == NULL)
			return false;
		if (pr->htype != SR_H_OTHER) {
			for (int i = m->first[pr->htype]; i >= 0 && i < m->n_hdrs; i = m->hdrs[i].next)
				if (re_hit(&pr->re, m->hdrs[i].value))
					return true;
			return false;
		}
		for (uint16_t i = 0; i < m->n_hdrs; i++)
			if (m->hdrs[i].type == SR_H_OTHER &&
			    m->hdrs[i].name.len == strlen(pr->r->header) &&
			    strncasecmp(m->hdrs[i].name.p, pr->r->header, m->hdrs[i].name.len) == 0 &&
			    re_hit(&pr->re, m->hdrs[i].value))
				return true;
		return false;
	}
}

/* Messages with at least one matching rule (all rules evaluated, as Hyperscan does). */
static uint64_t
posix_pass(const struct posix_rule *pr, uint32_t n, const struct msg *msgs, uint32_t n_msgs)
{
	uint64_t matched = 0;

	for (uint32_t k = 0; k < n_msgs; k++) {
		bool any = false;

		for (uint32_t i = 0; i < n; i++)
			any |= posix_rule_hits(&pr[i], &msgs[k]);
		matched += any;
	}
	return matched;
}

static uint64_t
hs_pass(struct sr_ruleset *s, struct sr_rules_scratch *sc, const struct msg *msgs,
	uint32_t n_msgs)
{
	struct sr_rules_verdict v;
	uint64_t matched = 0;

	for (uint32_t k = 0; k < n_msgs; k++) {
		if (sr_ruleset_match(s, sc, msgs[k].buf, msgs[k].len, msgs[k].m, &v) < 0)
			abort();
		matched += v.rule >= 0;
	}
	return matched;
}

int
main(int argc, char **argv)
{
	struct sr_rule_list all, both = { NULL, 0, 0 };
	struct posix_rule *pr;
	struct sr_ruleset *set;
	struct sr_rules_scratch *sc = NULL;
	struct msg *msgs;
	char err[SR_RULES_ERR_MAX], ere[2 * SR_RULE_PATTERN_MAX];
	uint32_t iters, n_msgs, skipped = 0;
	uint64_t hs_m = 0, re_m = 0;
	double t0, hs_ns, re_ns;
	size_t len;
	char *text;
	int ret;

	if (argc < 4) {
		fprintf(stderr, "usage: rules-bench RULES|gen:N ITERATIONS FILE...\n");
		return 2;
	}
	iters = (uint32_t)strtoul(argv[2], NULL, 10);
	if (strncmp(argv[1], "gen:", 4) == 0) {
		text = gen_rules((uint32_t)strtoul(argv[1] + 4, NULL, 10), &len);
		ret = sr_rules_parse(text, len, "gen", &all, err, sizeof(err));
		free(text);
	} else {
		ret = sr_rules_load_file(argv[1], &all, err, sizeof(err));
	}
	if (ret < 0 || iters == 0) {
		fprintf(stderr, "rules-bench: %s\n", ret < 0 ? err : "ITERATIONS must be > 0");
		return 1;
	}
	/* the rules both engines take */
	both.r = calloc(all.n ? all.n : 1, sizeof(*both.r));
	pr = calloc(all.n ? all.n : 1, sizeof(*pr));
	for (uint32_t i = 0; i < all.n; i++) {
		const struct sr_rule *r = &all.r[i];
		int fl = REG_EXTENDED | REG_NOSUB;

		if (r->flags & SR_RULE_CASELESS)
			fl |= REG_ICASE;
		if (r->flags & SR_RULE_MULTILINE)
			fl |= REG_NEWLINE;
		if (!to_ere(r->pattern, ere, sizeof(ere)) || regcomp(&pr[both.n].re, ere, fl) != 0) {
			skipped++;
			continue;
		}
		both.r[both.n] = *r;
		pr[both.n].htype = r->scope == SR_RULE_HEADER ?
				   (uint8_t)sr_sip_hdr_type_of(r->header, strlen(r->header)) : 0;
		both.n++;
	}
	for (uint32_t i = 0; i < both.n; i++)
		pr[i].r = &both.r[i];
	if (sr_ruleset_compile(&both, argv[1], &set, err, sizeof(err)) < 0 ||
	    sr_rules_scratch_fit(&sc, set) < 0) {
		fprintf(stderr, "rules-bench: %s\n", err);
		return 1;
	}
	n_msgs = (uint32_t)(argc - 3);
	msgs = calloc(n_msgs, sizeof(*msgs));
	for (uint32_t k = 0; k < n_msgs; k++)
		if (load_msg(argv[3 + k], &msgs[k]) < 0) {
			fprintf(stderr, "rules-bench: cannot read %s\n", argv[3 + k]);
			return 1;
		}

	/* warm both, then time them alternately over the same messages */
	hs_pass(set, sc, msgs, n_msgs);
	posix_pass(pr, both.n, msgs, n_msgs);
	hs_ns = re_ns = 0;
	for (uint32_t it = 0; it < iters; it++) {
		t0 = now_ns();
		hs_m = hs_pass(set, sc, msgs, n_msgs);
		hs_ns += now_ns() - t0;
		t0 = now_ns();
		re_m = posix_pass(pr, both.n, msgs, n_msgs);
		re_ns += now_ns() - t0;
	}
	hs_ns /= (double)iters * n_msgs;
	re_ns /= (double)iters * n_msgs;
	printf("messages=%u matched_hs=%lu matched_regex=%lu skipped=%u\n", n_msgs,
	       (unsigned long)hs_m, (unsigned long)re_m, skipped);
	printf("hs_ns=%.0f regex_ns=%.0f ratio=%.1f rules=%u\n", hs_ns, re_ns, re_ns / hs_ns,
	       both.n);
	for (uint32_t i = 0; i < both.n; i++)
		regfree(&pr[i].re);
	sr_ruleset_free(set);
	sr_rules_scratch_free(sc);
	return 0;
}
