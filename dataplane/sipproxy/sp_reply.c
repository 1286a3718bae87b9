/* SPDX-License-Identifier: BSD-3-Clause */
/* The relay's own answers (RFC 3261 8.2.6, 16.3) and the drop and reply counters. */
#include <errno.h>
#include <stdio.h>

#include <siprelay/sip_reply.h>

#include "sp_internal.h"


static const uint16_t rc_status[SR_PROXY_RC_MAX] = {
	[SR_PROXY_RC_200] = 200, [SR_PROXY_RC_400] = 400, [SR_PROXY_RC_413] = 413,
	[SR_PROXY_RC_416] = 416, [SR_PROXY_RC_420] = 420, [SR_PROXY_RC_478] = 478,
	[SR_PROXY_RC_482] = 482, [SR_PROXY_RC_483] = 483, [SR_PROXY_RC_488] = 488,
	[SR_PROXY_RC_500] = 500, [SR_PROXY_RC_503] = 503, [SR_PROXY_RC_505] = 505,
	[SR_PROXY_RC_513] = 513, [SR_PROXY_RC_OTHER] = 0,
};

uint16_t sr_proxy_rc_status(enum sr_proxy_rc rc)
{
	return rc < SR_PROXY_RC_MAX ? rc_status[rc] : 0;
}

static const char *const drop_names[SR_PROXY_DROP_MAX] = {
	[SR_PROXY_DROP_BAD_RESPONSE] = "bad_response",
	[SR_PROXY_DROP_NOT_OURS] = "not_ours",
	[SR_PROXY_DROP_NO_VIA] = "no_via",
	[SR_PROXY_DROP_UNROUTABLE] = "unroutable",
	[SR_PROXY_DROP_BAD_ACK] = "bad_ack",
	[SR_PROXY_DROP_NO_REPLY] = "no_reply",
	[SR_PROXY_DROP_EDIT] = "edit",
	[SR_PROXY_DROP_IFACE] = "iface",
	[SR_PROXY_DROP_TO_SELF] = "to_self",
	[SR_PROXY_DROP_OWN_ACK] = "own_ack",
	[SR_PROXY_DROP_KIND] = "not_sip",
};

const char *sr_proxy_drop_name(enum sr_proxy_drop d)
{
	return d < SR_PROXY_DROP_MAX ? drop_names[d] : "unknown";
}

void sp_drop(struct sr_proxy *p, enum sr_proxy_drop d)
{
	p->st.drop[d]++;
}

/* The To tag of the relay's own answers: stable across retransmissions (RFC 3261
 * 8.2.6.2) and recognisable, so that the ACK of such an answer is absorbed here instead
 * of travelling on to a party that never saw the INVITE. */
void sp_own_tag(const struct sr_sip_msg *m, char tag[SP_TAG_LEN + 1])
{
	uint64_t h = sp_hash_slice(sp_hash_slice(SP_HASH_SEED ^ 0x5352, m->call_id), m->from_tag);

	snprintf(tag, SP_TAG_LEN + 1, "sr%016llx", (unsigned long long)h);
}

static void count_reply(struct sr_proxy *p, uint16_t status)
{
	unsigned rc = SR_PROXY_RC_OTHER;

	for (unsigned i = 0; i < SR_PROXY_RC_OTHER; i++)
		if (rc_status[i] == status)
			rc = i;
	p->st.reply_code[rc]++;
	p->st.replies_class[status / 100 < 7 ? status / 100 : 0]++;
}

/*
 * Answers the request in p->msg back out of the interface it came in on: to its source
 * when the sender asked for rport (RFC 3581 4) or rport is forced, else to the source
 * address and the sent-by port (RFC 3261 18.2.2 with received).
 */
unsigned sp_reply(struct sr_proxy *p, const struct sr_sip_msg *m, const struct sr_proxy_pkt *in,
		  uint16_t status, const char *reason, uint32_t retry_after, struct sr_proxy_out *out)
{
	char tag[SP_TAG_LEN + 1];
	struct sr_sip_reply_opts o = {
		.reason = reason,
		.to_tag = tag,
		.retry_after = retry_after,
		.server = p->cfg.server[0] ? p->cfg.server : NULL,
	};
	ssize_t len;

	if (m->method == SR_M_ACK) {
		sp_drop(p, SR_PROXY_DROP_BAD_ACK); /* ACK is never answered (RFC 3261 17.2.1) */
		return 0;
	}
	sp_own_tag(m, tag);
	len = sr_sip_reply_build(m, status, &o, out->buf, out->cap);
	if (len == -ENOSPC) {
		sp_drop(p, SR_PROXY_DROP_EDIT);
		return 0;
	}
	if (len < 0) {
		sp_drop(p, SR_PROXY_DROP_NO_REPLY);
		return 0;
	}
	out->len = (uint32_t)len;
	out->iface = in->iface;
	out->dst = in->src;
	if (m->via_count > 0 && !m->top_via.has_rport && !p->cfg.force_rport)
		out->dst.port = m->top_via.port ? m->top_via.port : 5060;
	count_reply(p, status);
	return 1;
}
