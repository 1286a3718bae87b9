/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * registrations: the bindings the data plane's SIP proxy keeps from REGISTER through
 * the relay, paged over dataplane.sock (DP_REG_LIST) and turned into JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"

static const char *
state_name(uint8_t s)
{
	switch (s) {
	case DP_REG_PENDING:
		return "pending";
	case DP_REG_ACTIVE:
		return "registered";
	case DP_REG_UNREACHABLE:
		return "unreachable";
	default:
		return "unknown";
	}
}

/* The text of a fixed-size field that may fill it entirely. */
static json_t *
field_json(const char *f, size_t n)
{
	char buf[DP_REG_CONTACT_MAX + 1];

	if (n > DP_REG_CONTACT_MAX)
		n = DP_REG_CONTACT_MAX;
	memcpy(buf, f, n);
	buf[n] = '\0';
	return ctl_text_json(buf);
}

static json_t *
reg_json(const struct dp_reg_entry *e)
{
	char relay_contact[96], host[64];
	json_t *relay = ctl_addr_json(&e->relay);
	const char *hp = json_string_value(relay);

	snprintf(host, sizeof(host), "%s", hp ? hp : "");
	snprintf(relay_contact, sizeof(relay_contact), "sip:sr-%016" PRIx64 "@%s", e->token, host);
	json_decref(relay);
	return json_pack("{s:o,s:o,s:o,s:s,s:s,s:b,s:o,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "aor", field_json(e->aor, sizeof(e->aor)),
			 "contact", field_json(e->contact, sizeof(e->contact)),
			 "source", ctl_addr_json(&e->source),
			 "relay_contact", relay_contact,
			 "state", state_name(e->state),
			 "nat", (e->flags & DP_REG_NAT) != 0,
			 /* whole seconds, rounded up; null while pending */
			 "expires_s", e->state == DP_REG_PENDING ? json_null() :
				      json_integer((e->expires_in_ms + 999) / 1000),
			 "age_s", (json_int_t)(e->age_ms / 1000),
			 "refreshes", (json_int_t)e->refreshes,
			 "keepalives_sent", (json_int_t)e->ka_sent,
			 "keepalives_answered", (json_int_t)e->ka_answered,
			 "keepalives_missed", (json_int_t)e->ka_missed,
			 "iface", (json_int_t)e->iface);
}

/* {"registrations": [{aor, contact, source, relay_contact, state, nat, expires_s, age_s,
 *  refreshes, keepalives_sent, keepalives_answered, keepalives_missed, iface}],
 *  "count", "capacity"} */
json_t *
cmd_registrations(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct dp_reg_list q;
	json_t *list = json_array();
	uint32_t cursor = 0, total = 0, capacity = 0;
	int ret;

	(void)r;
	do {
		memset(&q, 0, sizeof(q));
		q.cursor = cursor;
		ret = dp_client_request(d->dp, &q, sizeof(q), DP_REG_LIST, &q, sizeof(q), NULL, NULL);
		if (ret == -EOPNOTSUPP) {
			json_decref(list);
			return ctl_error("registrations: the data plane runs no SIP proxy");
		}
		if (ret < 0) {
			json_decref(list);
			return ctl_dp_error("registrations", ret);
		}
		for (uint32_t i = 0; i < q.n && i < DP_REG_LIST_MAX; i++)
			json_array_append_new(list, reg_json(&q.e[i]));
		total = q.total;
		capacity = q.capacity;
		/* each page moves on: a table that changed meanwhile cannot loop the walk */
		if (q.cursor <= cursor)
			break;
		cursor = q.cursor;
	} while (q.more);
	return json_pack("{s:o,s:I,s:I}", "registrations", list, "count", (json_int_t)total,
			 "capacity", (json_int_t)capacity);
}
