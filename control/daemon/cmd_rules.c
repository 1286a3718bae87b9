/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rules: the data plane's signature rules with their hits, and what the rules and the
 * automatic bans did. Shared with "stats" (its "rules" section), which carries the
 * counters and each rule's hits by id.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"

static const char *
action_name(uint8_t a)
{
	switch (a) {
	case 1:
		return "drop";
	case 2:
		return "reject";
	case 3:
		return "ban";
	default:
		return "?";
	}
}

static json_t *
rule_json(const struct dp_rule_entry *e)
{
	char where[DP_RULE_WHERE_MAX + 1];

	memcpy(where, e->where, sizeof(e->where));
	where[sizeof(e->where)] = '\0';
	return json_pack("{s:I,s:I,s:o,s:s,s:o,s:I}",
			 "id", (json_int_t)e->id,
			 "line", (json_int_t)e->line,
			 "where", ctl_text_json(where),
			 "action", action_name(e->action),
			 "ban_s", e->action == 3 ? json_integer(e->ban_s) : json_null(),
			 "hits", (json_int_t)e->hits);
}

static json_t *
counters_json(const struct dp_rules_list *q)
{
	char file[sizeof(q->file) + 1];

	memcpy(file, q->file, sizeof(q->file));
	file[sizeof(q->file)] = '\0';
	return json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "file", file[0] ? ctl_text_json(file) : json_null(),
			 "count", (json_int_t)q->total,
			 "generation", (json_int_t)q->generation,
			 "scanned", (json_int_t)q->scanned,
			 "dropped", (json_int_t)q->dropped,
			 "rejected", (json_int_t)q->rejected,
			 "banned", (json_int_t)q->rule_bans,
			 "auth_failures", (json_int_t)q->auth_fails,
			 "auth_bans", (json_int_t)q->auth_bans,
			 "flood_bans", (json_int_t)q->flood_bans,
			 "errors", (json_int_t)q->errors);
}

/* Every page; a reload while paging (generation changed) starts over, a few times. */
static int
fetch(struct ctl_daemon *d, json_t **counters, json_t **rules)
{
	struct dp_rules_list q;
	uint64_t gen = 0;
	int tries = 0, ret;

again:
	*rules = json_array();
	*counters = NULL;
	uint32_t cursor = 0;
	do {
		memset(&q, 0, sizeof(q));
		q.cursor = cursor;
		ret = dp_client_request(d->dp, &q, offsetof(struct dp_rules_list, e), DP_RULES_LIST,
					&q, sizeof(q), NULL, NULL);
		if (ret < 0) {
			json_decref(*rules);
			*rules = NULL;
			return ret;
		}
		if (cursor == 0)
			gen = q.generation;
		else if (q.generation != gen && ++tries < 3) {
			json_decref(*rules);
			goto again;
		}
		for (uint32_t i = 0; i < q.n && i < DP_RULES_LIST_MAX; i++)
			json_array_append_new(*rules, rule_json(&q.e[i]));
		if (q.cursor <= cursor && q.more)
			break; /* no progress: never loop */
		cursor = q.cursor;
	} while (q.more);
	*counters = counters_json(&q);
	return 0;
}

/* {"file", "count", "generation", "scanned", "dropped", "rejected", "banned",
 *  "auth_failures", "auth_bans", "flood_bans", "errors",
 *  "rules": [{id, line, where, action, ban_s, hits}]} */
json_t *
cmd_rules(struct ctl_daemon *d, const struct ctl_request *r)
{
	json_t *counters, *rules;
	int ret;

	(void)r;
	ret = fetch(d, &counters, &rules);
	if (ret == -EOPNOTSUPP)
		return ctl_error("rules: the data plane has no SIP path (no interface has a role)");
	if (ret < 0)
		return ctl_dp_error("rules", ret);
	json_object_set_new(counters, "rules", rules);
	return counters;
}

/* stats' "rules" section: the counters and {"ID": hits} of every rule; NULL when the
 * data plane has no SIP path. */
json_t *
rules_stats_json(struct ctl_daemon *d)
{
	json_t *counters, *rules, *hits, *e;
	size_t i;

	if (fetch(d, &counters, &rules) < 0)
		return NULL;
	hits = json_object();
	json_array_foreach(rules, i, e) {
		char id[16];

		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(e, "id")));
		json_object_set(hits, id, json_object_get(e, "hits"));
	}
	json_decref(rules);
	json_object_set_new(counters, "hits", hits);
	return counters;
}
