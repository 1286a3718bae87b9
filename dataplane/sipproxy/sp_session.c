/* SPDX-License-Identifier: BSD-3-Clause */
/* Finding the session of a message, and ending one: streams deleted, ports released. */
#include "sp_internal.h"

/*
 * The key is the caller's tag: the From tag of the caller's requests and of the
 * responses to them, the To tag of the callee's requests and their responses. *side
 * is the side that sent the message: 0 the caller, 1 the callee.
 */
struct sp_session *sp_session_lookup(struct sr_proxy *p, const struct sr_sip_msg *m, bool response,
				     unsigned *side)
{
	struct sp_session *s;

	s = sp_table_find(&p->tab, m->call_id, m->from_tag, sp_key_hash(m->call_id, m->from_tag));
	if (s != NULL) {
		*side = response ? 1 : 0;
		return s;
	}
	if (m->to_tag.len == 0)
		return NULL;
	s = sp_table_find(&p->tab, m->call_id, m->to_tag, sp_key_hash(m->call_id, m->to_tag));
	if (s != NULL)
		*side = response ? 0 : 1;
	return s;
}

void sp_session_end(struct sr_proxy *p, struct sp_session *s)
{
	for (unsigned i = 0; i < SR_PROXY_MAX_STREAMS; i++) {
		struct sp_stream *st = &s->st[i];

		if (st->set)
			p->ops.stream_del(p->ctx, s->id, i);
		if (st->alloc) {
			for (unsigned k = 0; k < 2; k++)
				p->ops.port_release(p->ctx, p->cfg.iface[s->side_if[k]].index,
						    p->ifx[s->side_if[k]].media_family, st->port[k]);
		}
		st->set = st->alloc = false;
	}
	sp_table_remove(&p->tab, s);
}
