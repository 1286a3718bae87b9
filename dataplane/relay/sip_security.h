/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP path's security checks beyond the source guard: the signature rules
 * (include/siprelay/rules.h) on what access-side sources send, and the automatic bans
 * (include/siprelay/autoban.h) for request floods and for the 401/403/407 answers the
 * relay forwards back to them. A ban goes through relay_ban_add() (dp_admin.h), the
 * same place as an operator's: guard table, XDP trie, software prefilter.
 *
 * Service lcore only: the rule set is swapped by a pointer store on the lcore that
 * matches, so no message ever sees half a set; the one Hyperscan scratch is this
 * lcore's.
 */
#ifndef RELAY_SIP_SECURITY_H
#define RELAY_SIP_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#include <siprelay/relay_types.h>

#include "config_security.h"

struct relay_runtime;
struct relay_security;
struct sr_ruleset;
struct dp_rules_list;

enum relay_sec_verdict {
	RELAY_SEC_PASS = 0,
	RELAY_SEC_DROP,      /* drop (a rule's drop or ban, or a flood ban) */
	RELAY_SEC_REJECT,    /* answer with the 403 in the reply buffer */
};

/* From rt->cfg.security (the rules file compiled now). 0 or -errno with a reason. */
int relay_security_create(struct relay_runtime *rt, struct relay_security **out, char *err,
			  size_t errlen);
void relay_security_free(struct relay_security *s);

/*
 * A datagram from an access-side source, before the proxy sees it. On
 * RELAY_SEC_REJECT the answer is in reply[0..*reply_len).
 */
enum relay_sec_verdict relay_security_check(struct relay_security *s, const struct relay_ep *src,
					    const char *data, uint32_t len, uint64_t now_us,
					    char *reply, uint32_t cap, uint32_t *reply_len);

/* A datagram the relay sends to an access-side destination: its 401/403/407 answers
 * count towards a password-guessing ban of dst, a 2xx to its REGISTER or INVITE
 * clears the count. */
void relay_security_sent(struct relay_security *s, const struct relay_ep *dst, const char *data,
			 uint32_t len, uint64_t now_us);

/*
 * Reload in two steps, so that a bad rules file refuses the whole reload: prepare
 * compiles next's rules file (*set, NULL when next has none) or fails with
 * "FILE:LINE: reason"; commit swaps it in with next's thresholds (or drop() frees it
 * when the reload fails later).
 */
int relay_security_prepare(struct relay_security *s, const struct relay_security_settings *next,
			   struct sr_ruleset **set, char *err, size_t errlen);
void relay_security_commit(struct relay_security *s, const struct relay_security_settings *next,
			   struct sr_ruleset *set);
void relay_security_drop(struct sr_ruleset *set);

/* A page of DP_RULES_LIST from r->cursor (the request's). */
void relay_security_list(const struct relay_security *s, struct dp_rules_list *r);

#endif
