// Responses the relay builds for a received request.
#include <gtest/gtest.h>

#include <cerrno>

#include <siprelay/sip_reply.h>

#include "sip_test_util.h"

namespace {

// A built response and its parse; the parse's slices point into bytes.
struct Reply {
	std::string bytes;
	struct sr_sip_msg m;
};

// Builds, then parses and checks the response. Returns its text.
const std::string &build(const std::string &req, uint16_t status, const struct sr_sip_reply_opts *o, Reply *r)
{
	struct sr_sip_msg m;
	sr_sip_parse(&m, req.data(), req.size(), nullptr);
	char buf[4096];
	ssize_t n = sr_sip_reply_build(&m, status, o, buf, sizeof(buf));
	EXPECT_GT(n, 0);
	r->bytes.assign(buf, n > 0 ? (size_t)n : 0);
	EXPECT_EQ(sr_sip_parse(&r->m, r->bytes.data(), r->bytes.size(), nullptr), 0) << r->m.err.reason << "\n" << r->bytes;
	EXPECT_EQ(sr_sip_check(&r->m, nullptr), 0) << r->m.err.reason << "\n" << r->bytes;
	return r->bytes;
}

TEST(SipReply, CopiesDialogHeadersAndAddsToTag)
{
	std::string req = sample_invite("Via: SIP/2.0/UDP second.example.com;branch=z9hG4bK2\n");
	Reply rr;
	std::string s = build(req, 488, nullptr, &rr);
	EXPECT_EQ(s.rfind("SIP/2.0 488 Not Acceptable Here\r\n", 0), 0u);
	EXPECT_EQ(rr.m.status, 488);
	EXPECT_EQ(rr.m.via_count, 2);
	EXPECT_EQ(str(rr.m.top_via.branch), "z9hG4bK776asdhds");
	EXPECT_EQ(str(rr.m.call_id), "a84b4c76e66710@pc33.atlanta.example.com");
	EXPECT_EQ(rr.m.cseq, 314159u);
	EXPECT_EQ(str(rr.m.cseq_method_name), "INVITE");
	EXPECT_EQ(str(rr.m.from_tag), "1928301774");
	EXPECT_EQ(rr.m.to_tag.len, 16u);
	EXPECT_EQ(rr.m.content_length, 0);

	// the same request always gets the same tag (retransmissions)
	Reply rr2;
	build(req, 488, nullptr, &rr2);
	EXPECT_EQ(str(rr2.m.to_tag), str(rr.m.to_tag));
}

TEST(SipReply, FieldPhrasesAndOptionalHeaders)
{
	struct sr_sip_reply_opts o = {};
	o.reason = SR_SIP_REASON_QUOTA;
	o.retry_after = 30;
	o.warning = "399 siprelay \"cps limit\"";
	o.server = "siprelay";
	o.to_tag = "fixed";
	Reply rr;
	std::string s = build(sample_invite(), 500, &o, &rr);
	EXPECT_EQ(s.rfind("SIP/2.0 500 Call placing quota exceeded\r\n", 0), 0u);
	EXPECT_NE(s.find("\r\nRetry-After: 30\r\n"), std::string::npos);
	EXPECT_NE(s.find("\r\nWarning: 399 siprelay \"cps limit\"\r\n"), std::string::npos);
	EXPECT_NE(s.find("\r\nServer: siprelay\r\n"), std::string::npos);
	EXPECT_EQ(str(rr.m.to_tag), "fixed");
}

TEST(SipReply, StandardPhrases)
{
	EXPECT_STREQ(sr_sip_reason_phrase(400), "Bad Request");
	EXPECT_STREQ(sr_sip_reason_phrase(403), "Forbidden");
	EXPECT_STREQ(sr_sip_reason_phrase(413), "Request Entity Too Large");
	EXPECT_STREQ(sr_sip_reason_phrase(416), "Unsupported URI Scheme");
	EXPECT_STREQ(sr_sip_reason_phrase(420), "Bad Extension");
	EXPECT_STREQ(sr_sip_reason_phrase(482), "Loop Detected");
	EXPECT_STREQ(sr_sip_reason_phrase(483), "Too Many Hops");
	EXPECT_STREQ(sr_sip_reason_phrase(503), "Service Unavailable");
	EXPECT_STREQ(sr_sip_reason_phrase(505), "Version Not Supported");
	EXPECT_STREQ(sr_sip_reason_phrase(513), "Message Too Large");
	EXPECT_STREQ(sr_sip_reason_phrase(299), "Unknown");
}

TEST(SipReply, ExistingToTagKept100GetsNone)
{
	std::string req = crlf("BYE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
			       "From: <sip:a@h>;tag=1\nTo: <sip:b@h>;tag=dialog\nCall-ID: c\nCSeq: 2 BYE\n\n");
	Reply rr;
	build(req, 503, nullptr, &rr);
	EXPECT_EQ(str(rr.m.to_tag), "dialog");
	Reply tt;
	build(sample_invite(), 100, nullptr, &tt);
	EXPECT_EQ(tt.m.to_tag.len, 0u);
}

TEST(SipReply, AnswersAMalformedRequest)
{
	// The parse fails on Max-Forwards; the 400 still carries what is needed to match it.
	std::string req = crlf("INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKbad\n"
			       "Max-Forwards: lots\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: bad@1\nCSeq: 1 INVITE\n\n");
	struct sr_sip_msg m;
	ASSERT_EQ(sr_sip_parse(&m, req.data(), req.size(), nullptr), -1);
	struct sr_sip_reply_opts o = {};
	o.reason = m.err.reason;
	Reply rr;
	std::string s = build(req, m.err.status, &o, &rr);
	EXPECT_EQ(s.rfind("SIP/2.0 400 Bad Max-Forwards\r\n", 0), 0u);
	EXPECT_EQ(str(rr.m.top_via.branch), "z9hG4bKbad");
	EXPECT_EQ(str(rr.m.call_id), "bad@1");
}

TEST(SipReply, LfRequestGetsCrlfResponse)
{
	std::string req = "OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
			  "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n";
	Reply rr;
	std::string s = build(req, 483, nullptr, &rr);
	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] == '\n') {
			EXPECT_EQ(s[i - 1], '\r') << "at " << i;
		}
	}
}

TEST(SipReply, Refusals)
{
	struct sr_sip_msg m;
	char buf[4096];
	std::string resp = crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
				"To: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	ASSERT_EQ(sr_sip_parse(&m, resp.data(), resp.size(), nullptr), 0);
	EXPECT_EQ(sr_sip_reply_build(&m, 400, nullptr, buf, sizeof(buf)), -EINVAL);

	std::string novia = crlf("OPTIONS sip:b@h SIP/2.0\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\n"
				 "To: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	sr_sip_parse(&m, novia.data(), novia.size(), nullptr);
	EXPECT_EQ(sr_sip_reply_build(&m, 400, nullptr, buf, sizeof(buf)), -EINVAL);

	std::string req = sample_invite();
	ASSERT_EQ(sr_sip_parse(&m, req.data(), req.size(), nullptr), 0);
	EXPECT_EQ(sr_sip_reply_build(&m, 400, nullptr, buf, 40), -ENOSPC);
	EXPECT_EQ(sr_sip_reply_build(&m, 99, nullptr, buf, sizeof(buf)), -EINVAL);
}

} // namespace
