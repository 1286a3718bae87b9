/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signature rules of the SIP path: a rules file (format in config/rules.default) parsed
 * into a list of rules, compiled into Hyperscan databases (one per place a rule
 * applies: the whole message, the method, the Request-URI, the body, each named
 * header), and matched against one received message.
 *
 * Three layers, each usable alone:
 *   - sr_rules_parse(): text to rules, no Hyperscan (the fuzz target's subject);
 *   - sr_ruleset_compile(): rules to databases, or the file line and Hyperscan's reason
 *     when a pattern does not compile;
 *   - sr_ruleset_match(): one message through every database, per-rule hit counters,
 *     and the verdict of the first matching rule in file order.
 *
 * A rule set is immutable once compiled except for its counters; a reload compiles a
 * new one beside the running one and swaps a pointer. Scratch space is per thread
 * (Hyperscan's rule): each thread that matches owns a struct sr_rules_scratch.
 */
#ifndef SIPRELAY_RULES_H
#define SIPRELAY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <siprelay/sip.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_RULES_MAX 65536        /* rules per file */
#define SR_RULE_HDR_MAX 64        /* header name, with the NUL */
#define SR_RULE_PATTERN_MAX 1024  /* pattern, with the NUL */
#define SR_RULES_ERR_MAX 256

enum sr_rule_scope {
	SR_RULE_MESSAGE = 0,  /* the whole datagram */
	SR_RULE_METHOD,       /* request method ("INVITE") */
	SR_RULE_RURI,         /* Request-URI */
	SR_RULE_BODY,         /* message body */
	SR_RULE_HEADER,       /* each value of the named header (compact forms included) */
};

enum sr_rule_action {
	SR_RULE_DROP = 1,     /* silently drop the datagram */
	SR_RULE_REJECT,       /* answer a request with 403 (drop a response) */
	SR_RULE_BAN,          /* ban the source for ban_s seconds, drop */
};

#define SR_RULE_CASELESS 0x1  /* flag i */
#define SR_RULE_DOTALL 0x2    /* flag s */
#define SR_RULE_MULTILINE 0x4 /* flag m */

struct sr_rule {
	uint32_t id;              /* 1..2^31-1, unique in its file */
	uint32_t line;            /* line of the file it came from */
	uint8_t scope;            /* enum sr_rule_scope */
	uint8_t action;           /* enum sr_rule_action */
	uint8_t flags;            /* SR_RULE_* */
	uint32_t ban_s;           /* SR_RULE_BAN: seconds, 1..SR_RULE_BAN_MAX */
	char header[SR_RULE_HDR_MAX];
	char pattern[SR_RULE_PATTERN_MAX];
};

#define SR_RULE_BAN_MAX (366u * 86400u)

struct sr_rule_list {
	struct sr_rule *r;
	uint32_t n, cap;
};

/*
 * Parses a rules file's text (len bytes, need not be NUL-terminated). Returns 0 and
 * the rules in out (sr_rule_list_free() them), or -EINVAL / -E2BIG / -ENOMEM with
 * "LINE: reason" in err (nothing in out). name prefixes err when not NULL.
 */
int sr_rules_parse(const char *text, size_t len, const char *name, struct sr_rule_list *out,
		   char *err, size_t errlen);
void sr_rule_list_free(struct sr_rule_list *l);

/* Reads and parses a file: as sr_rules_parse(), err "FILE:LINE: reason". */
int sr_rules_load_file(const char *path, struct sr_rule_list *out, char *err, size_t errlen);

struct sr_ruleset;
struct sr_rules_scratch;

/*
 * Compiles the rules (the list is copied; it may be freed after). Returns 0 and the
 * set, or -EINVAL with "NAME:LINE: reason" when a pattern is refused by Hyperscan,
 * -ENOMEM. An empty list gives a set that matches nothing.
 */
int sr_ruleset_compile(const struct sr_rule_list *l, const char *name, struct sr_ruleset **out,
		       char *err, size_t errlen);
/* Compiles a rules file: load + compile, the errors of both. */
int sr_ruleset_load(const char *path, struct sr_ruleset **out, char *err, size_t errlen);
void sr_ruleset_free(struct sr_ruleset *s);

uint32_t sr_ruleset_count(const struct sr_ruleset *s);
const struct sr_rule *sr_ruleset_rule(const struct sr_ruleset *s, uint32_t i);
uint64_t sr_ruleset_hits(const struct sr_ruleset *s, uint32_t i);
/* Per-rule hits of old carried over to the rules of s with the same id (a reload keeps
 * the counters of the rules that stayed: they are monotonic in stats). */
void sr_ruleset_inherit(struct sr_ruleset *s, const struct sr_ruleset *old);

/* Scratch big enough for s; *scratch may hold one already (grown for s in place,
 * also for every set it served before). 0 or -ENOMEM. */
int sr_rules_scratch_fit(struct sr_rules_scratch **scratch, const struct sr_ruleset *s);
void sr_rules_scratch_free(struct sr_rules_scratch *scratch);

struct sr_rules_verdict {
	uint32_t matched;         /* rules that matched */
	int32_t rule;             /* index of the deciding rule, -1: none matched */
	uint8_t action;           /* its enum sr_rule_action, 0: none */
	uint32_t id;
	uint32_t ban_s;
};

/*
 * Matches one message: buf/len the datagram, m its parse (NULL when it does not parse:
 * only whole-message rules run then). Counts each matching rule once; the verdict is
 * the first matching rule in file order. Returns 0, or -EINVAL when scratch does not
 * fit s, -EIO on a Hyperscan error (no verdict).
 */
int sr_ruleset_match(struct sr_ruleset *s, struct sr_rules_scratch *scratch, const char *buf,
		     uint32_t len, const struct sr_sip_msg *m, struct sr_rules_verdict *v);

const char *sr_rule_scope_name(uint8_t scope);
const char *sr_rule_action_name(uint8_t action);

#ifdef __cplusplus
}
#endif

#endif
