/* Semantic checks a proxy makes on a parsed message before it forwards it
 * (RFC 3261 8.2.2, 16.3), each answered with the response the relay would send. */
#include <siprelay/sip.h>

#include "sip_lex.h"

static int refuse(struct sr_sip_msg *m, uint16_t status, const char *reason)
{
	m->err.status = status;
	m->err.reason = reason;
	return -1;
}

static bool supported(const struct sr_sip_policy *policy, struct sr_slice tag)
{
	if (policy == NULL)
		return false;
	for (unsigned i = 0; i < policy->n_supported; i++)
		if (sr_slice_caseeq(tag, policy->supported[i]))
			return true;
	return false;
}

/* Every option tag in every Proxy-Require field must be one the proxy supports. */
static int check_proxy_require(struct sr_sip_msg *m, const struct sr_sip_policy *policy)
{
	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_PROXY_REQUIRE); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, tag;
		int rc;
		while ((rc = sr_sip_list_next(&rest, &tag)) > 0)
			if (!supported(policy, tag))
				return refuse(m, 420, "Bad Extension");
		if (rc < 0)
			return refuse(m, 400, "Malformed Proxy-Require");
	}
	return 0;
}

/* Contact values are rewritten for NAT traversal later on: they must parse. */
static int check_contacts(struct sr_sip_msg *m)
{
	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTACT); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, elem;
		struct sr_sip_nameaddr na;
		int rc;
		while ((rc = sr_sip_list_next(&rest, &elem)) > 0)
			if (sr_sip_nameaddr_parse(elem, &na) < 0)
				return refuse(m, 400, "Malformed Contact");
		if (rc < 0)
			return refuse(m, 400, "Malformed Contact");
	}
	return 0;
}

static int check_request(struct sr_sip_msg *m, const struct sr_sip_policy *policy)
{
	if (m->first[SR_H_MAX_FORWARDS] < 0)
		return refuse(m, 400, "Missing Max-Forwards");
	if (m->cseq_method_name.len != m->method_name.len ||
	    memcmp(m->cseq_method_name.p, m->method_name.p, m->method_name.len) != 0)
		return refuse(m, 400, "CSeq method does not match request method");

	struct sr_sip_uri u;
	if (sr_sip_uri_parse(m->ruri, &u) < 0)
		return refuse(m, 400, "Malformed Request-URI");
	if (u.scheme == SR_URI_OTHER)
		return refuse(m, 416, "Unsupported URI Scheme");
	if (u.headers.len > 0)
		return refuse(m, 400, "Request-URI must not carry headers");
	if (check_proxy_require(m, policy) < 0)
		return -1;
	if (m->max_forwards == 0)
		return refuse(m, 483, "Too Many Hops");
	return 0;
}

int sr_sip_check(struct sr_sip_msg *m, const struct sr_sip_policy *policy)
{
	if (m->err.status != 0)
		return -1;
	if (!sr_slice_caseeq(m->version, "SIP/2.0"))
		return refuse(m, 505, "Version Not Supported");
	if (m->via_count == 0)
		return refuse(m, 400, "Missing Via");
	if (m->first[SR_H_FROM] < 0)
		return refuse(m, 400, "Missing From");
	if (m->first[SR_H_TO] < 0)
		return refuse(m, 400, "Missing To");
	if (m->first[SR_H_CALL_ID] < 0)
		return refuse(m, 400, "Missing Call-ID");
	if (m->first[SR_H_CSEQ] < 0)
		return refuse(m, 400, "Missing CSeq");
	/* bytes missing from the datagram: the message was cut (RFC 3261 18.3) */
	if (m->content_length > (int32_t)(m->len - (uint32_t)(m->body.p - m->buf)))
		return refuse(m, 400, "Content-Length larger than message");
	/* From and To: their structure was checked while parse looked for the tags (a proxy
	 * never reads their URIs, RFC 3261 16.3 item 1) */
	if (m->from_malformed)
		return refuse(m, 400, "Malformed From");
	if (m->to_malformed)
		return refuse(m, 400, "Malformed To");
	if (check_contacts(m) < 0)
		return -1;
	return m->kind == SR_SIP_REQUEST ? check_request(m, policy) : 0;
}
