/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media anchoring: SDP offers and answers (RFC 3264) rewritten to the relay, streams
 * created through the data plane's callbacks.
 *
 * Each stream (m= line index) gets one relay port on the caller's interface and one on
 * the callee's the first time an offer makes it relayable; they stay with the session
 * until it ends, so every retransmission, re-offer and answer is rewritten with the same
 * ports and a retransmission comes out byte for byte the same. SDP going out of an
 * interface names that interface's media address.
 *
 * Offer or answer is decided from the session's offer/answer state, not from the method:
 * an SDP from one side while the other side's offer is outstanding is the answer (200 to
 * INVITE, 18x, ACK to a late offer, PRACK, 200 to UPDATE), and an SDP repeating the
 * transaction that carried an offer or answer is that offer or answer again. Anything
 * else is a new offer. Early dialogs forked downstream each answer the one offer: they
 * share the allocation, and the latest answer's address wins until media latching (in
 * the data plane) follows whichever party actually sends. A party behind NAT (sp_nat.c)
 * gets a leg marked nat, which the data plane always latches.
 */
#include <errno.h>

#include <siprelay/sip_reply.h>

#include "sp_internal.h"

static bool has_sdp(const struct sr_sip_msg *m)
{
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTENT_TYPE);
	struct sr_slice v;

	if (m->body.len == 0 || h == NULL)
		return false;
	v = h->value;
	if (v.len < 15)
		return false;
	v.len = 15;
	if (!sr_slice_caseeq(v, "application/sdp"))
		return false;
	return h->value.len == 15 || h->value.p[15] == ';' || h->value.p[15] == ' ' || h->value.p[15] == '\t';
}

static bool contains(struct sr_slice s, const char *w)
{
	size_t n = strlen(w);

	for (uint32_t i = 0; i + n <= s.len; i++)
		if (sr_slice_caseeq(sr_slice_make(s.p + i, n), w))
			return true;
	return false;
}

/* Transports the relay can carry: RTP in any profile over UDP, and UDPTL (T.38 fax).
 * RTP over TCP (RFC 4571) and the rest (TCP/MSRP, TCP/BFCP) cannot ride a UDP relay. */
static bool udp_media(struct sr_slice proto)
{
	if (proto.len >= 4 && sr_slice_caseeq(sr_slice_make(proto.p, 4), "TCP/"))
		return false;
	return contains(proto, "RTP/") || contains(proto, "udptl");
}

/* A stream the relay can anchor for a sender whose interface has family fam. */
static bool relayable(const struct sr_sdp *sdp, unsigned i, uint8_t fam)
{
	const struct sr_sdp_conn *c = sr_sdp_media_conn(sdp, i);
	struct relay_ep ep;

	if (sdp->media[i].port == 0 || c == NULL || !udp_media(sdp->media[i].proto))
		return false;
	/* SR_SDP_IP4/6 and RELAY_FAMILY_IPV4/6 share values; c= may also name a host */
	return c->af == fam && sp_ep_parse(c->addr, 1, &ep) == 0;
}

/* The remote end of a leg as the SDP from its peer describes it. */
static void leg_remote(struct sr_proxy_leg *l, const struct sr_sdp *sdp, unsigned i)
{
	const struct sr_sdp_conn *c = sr_sdp_media_conn(sdp, i);
	struct sr_sdp_rtcp r;
	struct relay_ep ep;

	memset(&l->remote, 0, sizeof(l->remote));
	l->remote_rtcp_port = 0;
	l->rtcp_mux = false;
	l->dir = (uint8_t)sr_sdp_media_dir(sdp, i);
	if (sdp->media[i].port == 0 || c == NULL || sp_ep_parse(c->addr, sdp->media[i].port, &ep) < 0 ||
	    ep.family != l->local.family)
		return; /* unknown: latching in the data plane finds it */
	sr_sdp_media_rtcp(sdp, i, &r);
	l->remote = ep;
	l->remote_rtcp_port = r.port;
	l->rtcp_mux = r.mux;
}

/*
 * A party on an access interface that is behind NAT (its signalling said so, or its SDP
 * names a private address) gets a leg that always latches, whatever the latching
 * setting: what it signals cannot be reached. Until it sends, its private address is
 * replaced by the public one its signalling came from, with the SDP port (NATs that
 * keep ports, and the symmetric RTP of RFC 4961, make that the right guess).
 */
static void nat_leg(struct sr_proxy *p, const struct sp_session *s, unsigned side, struct sr_proxy_leg *l)
{
	bool priv = l->remote.family != RELAY_FAMILY_NONE && sp_ep_private(&l->remote);

	if (p->cfg.iface[s->side_if[side]].role != SR_PROXY_ACCESS || (!p->msg_nat && !priv))
		return;
	l->nat = true;
	if (priv && p->msg_src.family == l->remote.family)
		memcpy(l->remote.addr, p->msg_src.addr, sizeof(l->remote.addr));
}

static void leg_local(const struct sr_proxy *p, const struct sp_session *s, struct sp_stream *st, unsigned k)
{
	struct sr_proxy_leg *l = &st->leg[k];
	const struct sp_ifaddr *a = &p->ifx[s->side_if[k]];

	memset(l, 0, sizeof(*l));
	l->iface = p->cfg.iface[s->side_if[k]].index;
	l->local.family = a->media_family;
	l->local.port = st->port[k];
	memcpy(l->local.addr, a->media_addr, 16);
}

static void release_ports(struct sr_proxy *p, const struct sp_session *s, struct sp_stream *st)
{
	for (unsigned k = 0; k < 2; k++)
		if (st->port[k])
			p->ops.port_release(p->ctx, p->cfg.iface[s->side_if[k]].index,
					    p->ifx[s->side_if[k]].media_family, st->port[k]);
	st->port[0] = st->port[1] = 0;
	st->alloc = false;
}

static int alloc_ports(struct sr_proxy *p, const struct sp_session *s, struct sp_stream *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned k = 0; k < 2; k++) {
		uint8_t pos = s->side_if[k];
		uint16_t port = 0;

		if (p->ops.port_alloc(p->ctx, p->cfg.iface[pos].index, p->ifx[pos].media_family, &port) < 0 ||
		    port == 0) {
			release_ports(p, s, st);
			return -ENOSPC;
		}
		st->port[k] = port;
	}
	st->alloc = true;
	leg_local(p, s, st, 0);
	leg_local(p, s, st, 1);
	return 0;
}

/* Tells the data plane about the stream when anything changed. */
static void stream_push(struct sr_proxy *p, const struct sp_session *s, unsigned i, struct sp_stream *st,
			const struct sr_proxy_leg nl[2])
{
	if (st->set && memcmp(nl, st->leg, sizeof(st->leg)) == 0)
		return;
	if (p->ops.stream_set(p->ctx, s->id, i, nl) < 0) {
		p->st.stream_set_failed++;
		return;
	}
	st->set = true;
	memcpy(st->leg, nl, sizeof(st->leg));
}

static void relay_entry(const struct sr_proxy *p, const struct sp_session *s, const struct sp_stream *st,
			unsigned out_side, struct sr_sdp_relay *r)
{
	uint8_t pos = s->side_if[out_side];

	memset(r, 0, sizeof(*r));
	r->addr = p->cfg.iface[pos].media_addr;
	r->af = p->ifx[pos].media_family;
	r->rtp_port = st->port[out_side];
	/* the relay listens on port + 1 as well, so mux or not is the peers' business */
	r->rtcp_port = (uint16_t)(st->port[out_side] + 1);
}

struct sp_txn {
	uint32_t cseq;
	uint8_t method;
	uint8_t req_side;
};

/* Allocates what the offer newly needs; on failure gives those back. */
static int offer_alloc(struct sr_proxy *p, struct sp_session *s, const bool want[], unsigned n)
{
	bool fresh[SR_PROXY_MAX_STREAMS] = { false };

	for (unsigned i = 0; i < n; i++) {
		if (!want[i] || s->st[i].alloc)
			continue;
		if (alloc_ports(p, s, &s->st[i]) < 0) {
			for (unsigned k = 0; k < i; k++)
				if (fresh[k])
					release_ports(p, s, &s->st[k]);
			return -ENOSPC;
		}
		fresh[i] = true;
	}
	return 0;
}

static void rewrite(struct sr_proxy *p, const struct sr_sdp_relay *relay, unsigned n, struct sp_media_res *res)
{
	ssize_t len = sr_sdp_rewrite(&p->sdp, relay, n, p->cfg.strip_ice ? SR_SDP_RW_STRIP_ICE : 0, p->body,
				     sizeof(p->body));

	if (len < 0) {
		p->st.sdp_untouched++;
		return;
	}
	res->set_body = true;
	res->body_len = (uint32_t)len;
}

static void sdp_process(struct sr_proxy *p, struct sp_session *s, unsigned side, const struct sr_sip_msg *m,
			bool request, struct sp_media_res *res)
{
	struct sr_sdp_relay relay[SR_PROXY_MAX_STREAMS];
	bool want[SR_PROXY_MAX_STREAMS] = { false };
	struct sp_txn t = { m->cseq, m->method == SR_M_ACK ? SR_M_INVITE : m->method,
			    (uint8_t)(request ? side : !side) };
	bool can_refuse = request && m->method != SR_M_ACK;
	bool same_offer, same_answer, answer;
	unsigned n, usable = 0;

	if (sr_sdp_parse(&p->sdp, m->body.p, m->body.len) < 0) {
		if (can_refuse) {
			res->status = 400;
			res->reason = "Malformed SDP";
		} else {
			p->st.sdp_untouched++;
		}
		return;
	}
	same_offer = s->oa_state != SP_OA_NONE && s->oa_side == side && s->oa_cseq == t.cseq &&
		     s->oa_method == t.method && s->oa_req_side == t.req_side;
	same_answer = s->oa_state == SP_OA_ANSWERED && s->oa_side != side &&
		      ((s->oa_cseq == t.cseq && s->oa_method == t.method && s->oa_req_side == t.req_side) ||
		       (s->ans_cseq == t.cseq && s->ans_method == t.method && s->ans_req_side == t.req_side));
	answer = (s->oa_state == SP_OA_OFFERED && s->oa_side != side) || same_answer;

	n = p->sdp.n_media < SR_PROXY_MAX_STREAMS ? p->sdp.n_media : SR_PROXY_MAX_STREAMS;
	if (!answer) {
		for (unsigned i = 0; i < n; i++) {
			want[i] = relayable(&p->sdp, i, p->ifx[s->side_if[side]].media_family);
			usable += want[i];
		}
		if (usable == 0) {
			if (can_refuse)
				res->status = 488;
			else
				p->st.sdp_untouched++;
			return;
		}
		if (offer_alloc(p, s, want, n) < 0) {
			p->st.ports_exhausted++;
			if (can_refuse && p->cfg.on_exhaustion == SR_PROXY_EXHAUST_REFUSE) {
				res->status = 503;
				res->retry_after = p->cfg.retry_after;
			} else {
				p->st.sdp_untouched++;
			}
			return;
		}
	}

	for (unsigned i = 0; i < n; i++) {
		struct sp_stream *st = &s->st[i];
		struct sr_proxy_leg nl[2];

		if (!st->alloc || (!answer && !want[i] && p->sdp.media[i].port != 0)) {
			/* not relayed (or a family the relay has no address for): as received */
			memset(&relay[i], 0, sizeof(relay[i]));
			relay[i].keep = true;
			continue;
		}
		memcpy(nl, st->leg, sizeof(nl));
		leg_remote(&nl[side], &p->sdp, i);
		nat_leg(p, s, side, &nl[side]);
		stream_push(p, s, i, st, nl);
		relay_entry(p, s, st, !side, &relay[i]);
	}
	rewrite(p, relay, n, res);

	if (answer) {
		s->oa_state = SP_OA_ANSWERED;
		s->ans_cseq = t.cseq;
		s->ans_method = t.method;
		s->ans_req_side = t.req_side;
		p->st.answers++;
	} else {
		/* a repeated offer must not reopen an exchange that was answered already */
		if (!same_offer) {
			s->oa_state = SP_OA_OFFERED;
			s->oa_side = (uint8_t)side;
			s->oa_cseq = t.cseq;
			s->oa_method = t.method;
			s->oa_req_side = t.req_side;
		}
		p->st.offers++;
	}
}

static bool media_method(uint8_t method)
{
	return method == SR_M_INVITE || method == SR_M_ACK || method == SR_M_UPDATE || method == SR_M_PRACK;
}

static struct sp_session *session_new(struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in,
				      unsigned pos_out, uint64_t now_us, struct sp_media_res *res)
{
	struct sp_session *s;

	if (!sp_cps_take(&p->cps, now_us)) {
		p->st.cps_refused++;
		res->status = 500;
		res->reason = SR_SIP_REASON_QUOTA;
		return NULL;
	}
	s = sp_table_insert(&p->tab, m->call_id, m->from_tag, sp_key_hash(m->call_id, m->from_tag));
	if (s == NULL) {
		p->st.sessions_exhausted++;
		res->status = 503;
		res->retry_after = p->cfg.retry_after;
		return NULL;
	}
	s->id = p->cfg.session_id_base + ++p->next_id;
	s->created_us = now_us;
	s->side_if[0] = (uint8_t)pos_in;
	s->side_if[1] = (uint8_t)pos_out;
	s->invite_cseq = m->cseq;
	s->state = SP_EARLY;
	sp_ho_push(&p->tab, s);
	return s;
}

void sp_media_request(struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in, unsigned pos_out,
		      uint64_t now_us, struct sp_media_res *res)
{
	struct sp_session *s;
	unsigned side = 0;
	bool created = false;

	if (m->method != SR_M_BYE && m->method != SR_M_CANCEL && !media_method(m->method))
		return;
	s = sp_session_lookup(p, m, false, &side);
	if (m->method == SR_M_BYE || m->method == SR_M_CANCEL) {
		/* a CANCEL that crosses the 200 must not end the call: only early ones */
		if (s != NULL && (m->method == SR_M_BYE || s->state == SP_EARLY))
			res->release = s;
		return;
	}
	if (s == NULL) {
		if (m->method != SR_M_INVITE || m->to_tag.len != 0)
			return; /* not ours to anchor: an unknown dialog passes as it is */
		s = session_new(p, m, pos_in, pos_out, now_us, res);
		if (s == NULL)
			return;
		created = true;
	} else if (m->method == SR_M_INVITE && m->to_tag.len == 0 && side == 0 && s->state == SP_EARLY &&
		   m->cseq > s->invite_cseq) {
		/* the INVITE again after a challenge whose final answer bypassed the relay */
		s->invite_cseq = m->cseq;
	}
	if (has_sdp(m))
		sdp_process(p, s, side, m, true, res);
	if (created) {
		if (res->status != 0) {
			sp_session_end(p, s); /* never counted as created */
			return;
		}
		p->st.sessions_created++;
	}
}

void sp_media_response(struct sr_proxy *p, const struct sr_sip_msg *m, struct sp_media_res *res)
{
	struct sp_session *s;
	unsigned side = 0;

	if (!media_method(m->method) || m->status < 101)
		return;
	s = sp_session_lookup(p, m, true, &side);
	if (s == NULL)
		return;
	if (m->status < 300 && has_sdp(m))
		sdp_process(p, s, side, m, false, res);
	if (m->method == SR_M_INVITE && m->status >= 200 && side == 1 && m->cseq == s->invite_cseq &&
	    s->state == SP_EARLY) {
		if (m->status < 300) {
			s->state = SP_CONFIRMED;
			sp_ho_unlink(&p->tab, s);
		} else {
			res->release = s;
		}
	} else if (m->status >= 300 && s->oa_state == SP_OA_OFFERED && s->oa_side != side &&
		   s->oa_cseq == m->cseq && s->oa_method == m->method && s->oa_req_side == !side) {
		/* a refused re-offer: the previous exchange stands */
		s->oa_state = s->ans_method ? SP_OA_ANSWERED : SP_OA_NONE;
	}
}
