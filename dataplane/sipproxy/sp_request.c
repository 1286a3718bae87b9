/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A request through the stateless proxy (RFC 3261 16.3 - 16.6, 16.11): validate, detect
 * loops, pick the next hop, anchor the media, then forward with the sender's Via marked
 * with received/rport (RFC 3581), the relay's Via on top, Record-Route on dialog-creating
 * requests, the relay's own Route entries removed and Max-Forwards decremented.
 *
 * Next hop: requests from an access interface always go to the configured upstream (an
 * SBC does not let phones pick destinations); requests from the core go to the next
 * Route, else the Request-URI. The relay does no DNS: a hostname there is answered
 * 478 Unresolvable destination, the code Kamailio and OpenSIPS give for the same case,
 * which operators recognise and which UACs treat as a generic 4xx. A next hop that is
 * the relay itself is not followed: OPTIONS is answered 200 (a keep-alive ping to the
 * relay), ACK is dropped, anything else gets 482 -- except a Request-URI that is a
 * Contact the relay gave a registrar (sp_reg.c): that goes to the phone's binding.
 */
#include <errno.h>
#include <stdio.h>

#include "sp_internal.h"

static bool dialog_creating(const struct sr_sip_msg *m)
{
	if (m->to_tag.len != 0)
		return false;
	return m->method == SR_M_INVITE || m->method == SR_M_SUBSCRIBE || m->method == SR_M_REFER ||
	       m->method == SR_M_NOTIFY;
}

/* Where the request goes; 0, or a status to answer with. */
static uint16_t next_hop(const struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in,
			 struct sr_slice next_route, struct relay_ep *dst)
{
	struct sr_sip_nameaddr na;

	if (p->cfg.iface[pos_in].role == SR_PROXY_ACCESS) {
		*dst = p->cfg.upstream;
		return 0;
	}
	if (next_route.p != NULL) {
		if (sr_sip_nameaddr_parse(next_route, &na) < 0)
			return 400;
		return sp_uri_target(na.uri, dst) < 0 ? 478 : 0;
	}
	return sp_uri_target(m->ruri, dst) < 0 ? 478 : 0;
}

static int push_record_route(const struct sr_proxy *p, struct sr_sip_editor *ed, unsigned pos)
{
	char uri[SP_HOST_MAX + 32];

	snprintf(uri, sizeof(uri), "sip:%s:%u;lr", p->ifx[pos].sip_host, p->cfg.iface[pos].sip.port);
	return sr_sip_edit_push_record_route(ed, uri);
}

/* The edits of a forwarded request, applied into out. */
static int forward(struct sr_proxy *p, const struct sr_proxy_pkt *in, unsigned pos_in, unsigned pos_out,
		   const char *branch, const struct sp_media_res *res, const char *ruri,
		   struct sr_proxy_out *out, uint64_t now_us)
{
	const struct sr_sip_msg *m = &p->msg;
	struct sr_sip_editor *ed = &p->ed;
	char host[SP_HOST_MAX], via[SP_HOST_MAX + SP_BRANCH_LEN + 40];
	ssize_t len;
	int rc;

	sr_sip_edit_init(ed, m);
	sp_ep_host(&in->src, false, host, sizeof(host));
	rc = sr_sip_edit_via_received(ed, host, in->src.port, p->cfg.force_rport);
	snprintf(via, sizeof(via), "SIP/2.0/UDP %s:%u;branch=%s", p->ifx[pos_out].sip_host,
		 p->cfg.iface[pos_out].sip.port, branch);
	if (rc == 0)
		rc = sr_sip_edit_push_via(ed, via);
	/* egress first: it ends up on top, where the far side's route set starts */
	if (rc == 0 && p->cfg.record_route && dialog_creating(m)) {
		rc = push_record_route(p, ed, pos_out);
		if (rc == 0 && pos_out != pos_in)
			rc = push_record_route(p, ed, pos_in);
	}
	if (rc == 0)
		rc = sr_sip_edit_dec_max_forwards(ed);
	/* a registered phone's target: its own Contact again, as the registrar had it */
	if (rc == 0 && ruri != NULL)
		rc = sr_sip_edit_set_ruri(ed, ruri);
	/* the relay's Contact at the registrar; elsewhere a NATed sender's Contact names
	 * its binding, so that in-dialog requests find their way back */
	if (rc == 0 && m->method == SR_M_REGISTER && p->cfg.iface[pos_in].role == SR_PROXY_ACCESS)
		rc = sp_reg_request(p, m, pos_in, pos_out, ed, now_us);
	else if (rc == 0 && p->msg_nat)
		rc = sp_nat_fix_contact(m, &in->src, ed);
	if (rc == 0) {
		struct sr_slice next;

		rc = sp_strip_routes(p, m, ed, &next) < 0 ? -ENOSPC : 0;
	}
	if (rc == 0 && res->set_body)
		rc = sr_sip_edit_set_body(ed, p->body, res->body_len);
	if (rc < 0)
		return rc;
	len = sr_sip_edit_apply(ed, out->buf, out->cap);
	if (len < 0)
		return (int)len;
	out->len = (uint32_t)len;
	return 0;
}

unsigned sp_request(struct sr_proxy *p, const struct sr_proxy_pkt *in, unsigned pos_in,
		    struct sr_proxy_out *out, uint64_t now_us)
{
	struct sr_sip_msg *m = &p->msg;
	struct sp_media_res res = { 0 };
	char branch[SP_BRANCH_LEN + 1], tag[SP_TAG_LEN + 1];
	struct sr_slice next_route;
	struct sp_binding *bind = NULL;
	struct relay_ep dst;
	uint16_t status;
	int pos_out;

	p->st.requests_in++;
	if (sr_sip_check(m, &p->policy) < 0)
		return sp_reply(p, m, in, m->err.status, m->err.reason, 0, out);
	p->msg_src = in->src;
	p->msg_nat = p->cfg.iface[pos_in].role == SR_PROXY_ACCESS && sp_nat_request(m, &in->src);
	if (p->msg_nat)
		p->st.nat_detected++;
	if (m->method == SR_M_ACK) {
		sp_own_tag(m, tag);
		if (sr_slice_eq(m->to_tag, tag)) {
			sp_drop(p, SR_PROXY_DROP_OWN_ACK);
			return 0;
		}
	}
	sp_branch_make(m, pos_in, branch);
	if (sp_loop_detected(p, m, branch))
		return sp_reply(p, m, in, 482, NULL, 0, out);

	if (sp_strip_routes(p, m, NULL, &next_route) < 0)
		return sp_reply(p, m, in, 400, "Malformed Route", 0, out);
	if (p->cfg.iface[pos_in].role == SR_PROXY_CORE && next_route.p == NULL)
		bind = sp_reg_target(p, m);
	status = bind != NULL ? 0 : next_hop(p, m, pos_in, next_route, &dst);
	if (bind != NULL)
		dst = bind->source;
	if (status != 0)
		return sp_reply(p, m, in, status, status == 478 ? "Unresolvable destination" : "Malformed Route",
				0, out);
	if (sp_ep_ours(p, &dst) >= 0) {
		if (m->method == SR_M_ACK) {
			sp_drop(p, SR_PROXY_DROP_TO_SELF);
			return 0;
		}
		return sp_reply(p, m, in, m->method == SR_M_OPTIONS ? 200 : 482, NULL, 0, out);
	}
	pos_out = bind != NULL ? bind->pos : sp_egress_pos(p, pos_in, &dst);

	sp_media_request(p, m, pos_in, (unsigned)pos_out, now_us, &res);
	if (res.status != 0)
		return sp_reply(p, m, in, res.status, res.reason, res.retry_after, out);
	if (forward(p, in, pos_in, (unsigned)pos_out, branch, &res, bind ? bind->contact : NULL, out, now_us) < 0) {
		/* the session stays: a retransmission may fit (or the caller's timer ends it) */
		sp_drop(p, SR_PROXY_DROP_EDIT);
		return 0;
	}
	out->iface = p->cfg.iface[pos_out].index;
	out->dst = dst;
	if (res.release != NULL) {
		sp_session_end(p, res.release);
		p->st.sessions_deleted++;
	}
	if (bind != NULL)
		p->st.to_binding++;
	p->st.requests_fwd++;
	return 1;
}
