/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DP_REG_LIST: the registrations the inline SIP proxy keeps (libsipproxy's binding
 * table), paged from a cursor so that no message exceeds DP_MSG_MAX. Runs on the
 * service loop, the proxy's only thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <siprelay/dp_proto.h>
#include <siprelay/sip_proxy.h>

#include "dp_ops.h"
#include "runtime.h"
#include "sip_reg_ops.h"
#include "sip_service.h"
#include "worker.h"

_Static_assert(sizeof(struct dp_reg_list) <= DP_MSG_MAX, "dp_reg_list exceeds DP_MSG_MAX");

static void
addr_of(struct dp_addr *d, const struct relay_ep *e)
{
	memset(d, 0, sizeof(*d));
	d->family = e->family;
	d->port = e->port;
	memcpy(d->addr, e->addr, 16);
}

static void
entry_of(const struct sr_proxy_binding *b, struct dp_reg_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->token = b->token;
	addr_of(&e->source, &b->source);
	addr_of(&e->relay, &b->relay);
	e->state = b->state;
	e->flags = b->nat ? DP_REG_NAT : 0;
	e->iface = b->iface;
	e->refreshes = b->refreshes;
	e->expires_in_ms = b->expires_in_ms;
	e->age_ms = b->age_ms;
	e->ka_sent = b->ka_sent;
	e->ka_answered = b->ka_answered;
	e->ka_missed = b->ka_missed;
	snprintf(e->aor, sizeof(e->aor), "%s", b->aor);
	snprintf(e->contact, sizeof(e->contact), "%s", b->contact);
}

void
relay_reg_request(struct relay_runtime *rt, const void *msg, size_t len, const struct relay_ops_io *io)
{
	const struct dp_reg_list *req = msg;
	struct sr_proxy_binding b[DP_REG_LIST_MAX];
	const struct sr_proxy_config *pc;
	struct dp_reg_list r;
	struct sr_proxy *p;
	uint32_t cursor;
	unsigned int n, i;

	memset(&r, 0, sizeof(r));
	r.h.magic = DP_PROTO_MAGIC;
	r.h.version = DP_PROTO_VERSION;
	r.h.type = DP_REG_LIST;
	r.h.seq = req->h.seq;
	r.h.len = sizeof(r);
	p = rt->sip != NULL ? relay_sip_proxy(rt->sip) : NULL;
	if (len < sizeof(*req)) {
		r.h.status = -EINVAL;
	} else if (p == NULL) {
		r.h.status = -EOPNOTSUPP;
	} else {
		pc = sr_proxy_config_get(p);
		cursor = req->cursor;
		n = sr_proxy_bindings(p, &cursor, b, DP_REG_LIST_MAX, relay_now_us());
		for (i = 0; i < n; i++)
			entry_of(&b[i], &r.e[i]);
		r.n = n;
		r.cursor = cursor;
		r.total = sr_proxy_binding_count(p);
		r.capacity = pc->max_bindings;
		r.more = cursor < pc->max_bindings && n == DP_REG_LIST_MAX;
	}
	io->reply(io->reply_arg, &r, sizeof(r));
}
