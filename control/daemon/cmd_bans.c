/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ban add|del|list. The data plane holds the bans and expires them (a restarted
 * control process lists them again); this side turns addresses and times into text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"

static void
prefix_text(uint32_t len, const uint8_t addr[16], char *buf, size_t n)
{
	struct sr_prefix p = { .len = len };

	memcpy(p.addr, addr, 16);
	sr_prefix_format(&p, buf, n);
}

static void
to_entry(const struct sr_prefix *p, struct dp_ban_entry *e)
{
	e->len = p->len;
	memcpy(e->addr, p->addr, 16);
}

/* {"added": true|false (replaced), "address", "reason", "ttl", "expires_at"} */
json_t *
cmd_ban_add(struct ctl_daemon *d, const struct ctl_request *r)
{
	const struct ctl_value *a = ctl_arg(r, "address"), *ttl = ctl_arg(r, "ttl");
	const struct ctl_value *why = ctl_arg(r, "reason");
	uint32_t t = ttl ? (uint32_t)ttl->u : 0;
	struct dp_ban b;
	struct dp_reply rep;
	char text[64];
	int ret;

	memset(&b, 0, sizeof(b));
	to_entry(&a->pfx, &b.b);
	b.b.ttl_s = t;
	snprintf(b.b.reason, sizeof(b.b.reason), "%s", why ? why->str : "");
	sr_prefix_format(&a->pfx, text, sizeof(text));
	ret = dp_client_request(d->dp, &b, sizeof(b), DP_BAN_ADD, &rep, sizeof(rep), NULL, NULL);
	if (ret == -ENOSPC)
		return ctl_error("ban add %s: the ban table is full (max_bans)", text);
	if (ret < 0)
		return ctl_dp_error("ban add", ret);
	return json_pack("{s:b,s:s,s:s,s:I,s:o}",
			 "added", rep.count == 1,
			 "address", text,
			 "reason", b.b.reason,
			 "ttl", (json_int_t)t,
			 "expires_at", t ? ctl_time_json((int64_t)t * 1000) : json_null());
}

/* {"deleted": "ADDRESS"} */
json_t *
cmd_ban_del(struct ctl_daemon *d, const struct ctl_request *r)
{
	const struct ctl_value *a = ctl_arg(r, "address");
	struct dp_ban b;
	char text[64];
	int ret;

	memset(&b, 0, sizeof(b));
	to_entry(&a->pfx, &b.b);
	sr_prefix_format(&a->pfx, text, sizeof(text));
	ret = dp_client_request(d->dp, &b, sizeof(b), DP_BAN_DEL, NULL, 0, NULL, NULL);
	if (ret == -ENOENT)
		return ctl_error("ban del: no ban for %s", text);
	if (ret < 0)
		return ctl_dp_error("ban del", ret);
	return json_pack("{s:s}", "deleted", text);
}

static json_t *
ban_json(const struct dp_ban_entry *e)
{
	char text[64], reason[DP_BAN_REASON_MAX + 1];
	int permanent = e->remaining_ms < 0;

	prefix_text(e->len, e->addr, text, sizeof(text));
	memcpy(reason, e->reason, sizeof(e->reason));
	reason[sizeof(e->reason)] = '\0';
	return json_pack("{s:s,s:o,s:b,s:o,s:o,s:I,s:I}",
			 "address", text,
			 "reason", ctl_text_json(reason),
			 "permanent", permanent,
			 /* whole seconds, rounded up: a ban never shows 0 s while it holds */
			 "remaining_s", permanent ? json_null() :
					json_integer((e->remaining_ms + 999) / 1000),
			 "expires_at", permanent ? json_null() : ctl_time_json(e->remaining_ms),
			 "age_s", (json_int_t)(e->age_ms / 1000),
			 "hits", (json_int_t)e->hits);
}

/* {"bans": [{address, reason, permanent, remaining_s, expires_at, age_s, hits}],
 *  "count", "capacity"} */
json_t *
cmd_ban_list(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct dp_ban_list q;
	json_t *list = json_array();
	uint32_t cursor = 0, total = 0, capacity = 0;
	int ret;

	(void)r;
	do {
		memset(&q, 0, sizeof(q));
		q.cursor = cursor;
		ret = dp_client_request(d->dp, &q, sizeof(q), DP_BAN_LIST, &q, sizeof(q), NULL, NULL);
		if (ret < 0) {
			json_decref(list);
			return ctl_dp_error("ban list", ret);
		}
		for (uint32_t i = 0; i < q.n && i < DP_BAN_LIST_MAX; i++)
			json_array_append_new(list, ban_json(&q.e[i]));
		total = q.total;
		capacity = q.capacity;
		/* each page moves on: a table that shrank meanwhile ends the walk */
		if (q.cursor <= cursor)
			break;
		cursor = q.cursor;
	} while (q.more);
	return json_pack("{s:o,s:I,s:I}", "bans", list, "count", (json_int_t)total,
			 "capacity", (json_int_t)capacity);
}
