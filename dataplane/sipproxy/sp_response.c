/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A response through the stateless proxy (RFC 3261 16.11, 18.2.2; RFC 3581 4): it must
 * carry the relay's Via on top (sent-by one of the relay's SIP addresses, a branch of
 * ours); that Via goes, the message is sent to the Via below (received/rport as added on
 * the way in) out of the interface the request came in on, which the branch names.
 * Anything else is dropped and counted: a relay never answers a response.
 */
#include <errno.h>

#include "sp_internal.h"

/* Position of the interface the response came in on (checked by sr_proxy_input). */
static unsigned pos_in_of(const struct sr_proxy *p, const struct sr_proxy_pkt *in)
{
	int pos = sp_iface_pos(p, in->iface);

	return pos < 0 ? 0 : (unsigned)pos;
}

unsigned sp_response(struct sr_proxy *p, const struct sr_proxy_pkt *in, struct sr_proxy_out *out, uint64_t now_us)
{
	struct sr_sip_msg *m = &p->msg;
	struct sp_media_res res = { 0 };
	struct relay_ep dst;
	ssize_t len;
	int pos, rc;

	p->st.responses_in++;
	if (sr_sip_check(m, NULL) < 0) {
		sp_drop(p, SR_PROXY_DROP_BAD_RESPONSE);
		return 0;
	}
	/* the answer to one of the relay's keepalives ends here */
	if (sp_reg_ka_answer(p, m, now_us))
		return 0;
	pos = sp_branch_pos(m->top_via.branch);
	if (pos < 0 || (unsigned)pos >= p->cfg.n_ifaces || !sp_via_ours(p, &m->top_via)) {
		sp_drop(p, SR_PROXY_DROP_NOT_OURS);
		return 0;
	}
	rc = sp_response_target(m, &dst);
	if (rc < 0) {
		sp_drop(p, rc == -ENOENT ? SR_PROXY_DROP_NO_VIA : SR_PROXY_DROP_UNROUTABLE);
		return 0;
	}
	if (sp_ep_ours(p, &dst) >= 0) {
		sp_drop(p, SR_PROXY_DROP_TO_SELF);
		return 0;
	}

	p->msg_src = in->src;
	p->msg_nat = p->cfg.iface[pos_in_of(p, in)].role == SR_PROXY_ACCESS && sp_nat_response(m, &in->src);
	if (p->msg_nat)
		p->st.nat_detected++;
	sp_reg_response(p, m, now_us);
	sp_media_response(p, m, &res);
	sr_sip_edit_init(&p->ed, m);
	rc = sr_sip_edit_pop_via(&p->ed);
	if (rc == 0 && p->msg_nat)
		rc = sp_nat_fix_contact(m, &in->src, &p->ed);
	if (rc == 0 && res.set_body)
		rc = sr_sip_edit_set_body(&p->ed, p->body, res.body_len);
	len = rc == 0 ? sr_sip_edit_apply(&p->ed, out->buf, out->cap) : rc;
	if (len < 0) {
		sp_drop(p, SR_PROXY_DROP_EDIT);
	} else {
		out->len = (uint32_t)len;
		out->iface = p->cfg.iface[pos].index;
		out->dst = dst;
		p->st.responses_fwd++;
	}
	/* a final answer that ends the call ends it even when it could not be forwarded:
	 * the callee has given up either way */
	if (res.release != NULL) {
		sp_session_end(p, res.release);
		p->st.sessions_deleted++;
	}
	return len < 0 ? 0 : 1;
}
