/* Fuzz target: the whole SIP path of the relay on one datagram — parse, check, build the
 * error response, or apply the stateless-proxy edits with an SDP rewrite — and check
 * that what the relay would send parses again. Any crash, sanitizer report or failed
 * invariant (abort) is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/sdp.h>
#include <siprelay/sip.h>
#include <siprelay/sip_edit.h>
#include <siprelay/sip_reply.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void answer(const struct sr_sip_msg *m)
{
	char out[16384];
	struct sr_sip_reply_opts o = { .reason = m->err.reason, .retry_after = 5 };
	ssize_t n = sr_sip_reply_build(m, m->err.status, &o, out, sizeof(out));
	if (n <= 0)
		return;
	/* our response must be a well-formed message */
	struct sr_sip_msg r;
	CHECK(sr_sip_parse(&r, out, (size_t)n, NULL) == 0 || r.err.status != 0);
}

static void forward(const struct sr_sip_msg *m)
{
	struct sr_sip_editor ed;
	static const char *const addrs[2] = { "198.18.1.1", "2001:db8::1" };
	char body[8192];
	sr_sip_edit_init(&ed, m);
	if (m->kind == SR_SIP_REQUEST) {
		sr_sip_edit_via_received(&ed, "203.0.113.9", 40000, true);
		sr_sip_edit_push_via(&ed, "SIP/2.0/UDP 198.18.2.1;branch=z9hG4bKfuzz");
		sr_sip_edit_push_record_route(&ed, "sip:198.18.2.1;lr");
		sr_sip_edit_pop_route(&ed);
		sr_sip_edit_dec_max_forwards(&ed);
	} else {
		sr_sip_edit_pop_via(&ed);
	}
	sr_sip_edit_set_contact_uri(&ed, "sip:u@198.18.1.1:5060");

	struct sr_sdp sdp;
	if (m->body.len > 0 && sr_sdp_parse(&sdp, m->body.p, m->body.len) == 0) {
		struct sr_sdp_relay relay[SR_SDP_MAX_MEDIA];
		for (unsigned i = 0; i < SR_SDP_MAX_MEDIA; i++)
			relay[i] = (struct sr_sdp_relay){ addrs[i & 1], (i & 1) ? SR_SDP_IP6 : SR_SDP_IP4,
							  (uint16_t)(30000 + 2 * i), (uint16_t)(30001 + 2 * i),
							  i == 2, i == 3 };
		ssize_t bn = sr_sdp_rewrite(&sdp, relay, sdp.n_media, SR_SDP_RW_STRIP_ICE, body, sizeof(body));
		if (bn >= 0) {
			struct sr_sdp again;
			CHECK(sr_sdp_parse(&again, body, (size_t)bn) == 0);
			CHECK(again.n_media == sdp.n_media);
			sr_sip_edit_set_body(&ed, body, (size_t)bn);
		}
	}

	char out[20000];
	ssize_t n = sr_sip_edit_apply(&ed, out, sizeof(out));
	if (n < 0)
		return;
	/* a valid message stays valid after the proxy's edits, with the same dialog */
	struct sr_sip_limits big = { sizeof(out), sizeof(out) };
	struct sr_sip_msg re;
	CHECK(sr_sip_parse(&re, out, (size_t)n, &big) == 0);
	CHECK(re.kind == m->kind);
	CHECK(re.call_id.len == m->call_id.len && memcmp(re.call_id.p, m->call_id.p, m->call_id.len) == 0);
	CHECK(re.cseq == m->cseq);
	CHECK(re.content_length >= 0 && (uint32_t)re.content_length == re.body.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_sip_msg m;
	int rc = sr_sip_parse(&m, (const char *)data, size, NULL);
	if (rc == 0)
		rc = sr_sip_check(&m, NULL);
	if (rc < 0) {
		CHECK(m.err.status >= 400 && m.err.status <= 599 && m.err.reason != NULL);
		if (m.kind == SR_SIP_REQUEST)
			answer(&m);
		return 0;
	}
	forward(&m);
	return 0;
}
