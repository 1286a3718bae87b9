// Start lines, header splitting, folding, compact and case-insensitive names, body.
#include <gtest/gtest.h>

#include "sip_test_util.h"

namespace {

struct Parsed {
	struct sr_sip_msg m;
	std::string buf;
	int rc;
	explicit Parsed(const std::string &msg) : buf(msg)
	{
		rc = sr_sip_parse(&m, buf.data(), buf.size(), nullptr);
	}
};

TEST(SipParse, TypicalInvite)
{
	Parsed p(sample_invite());
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(p.m.kind, SR_SIP_REQUEST);
	EXPECT_EQ(p.m.method, SR_M_INVITE);
	EXPECT_EQ(str(p.m.method_name), "INVITE");
	EXPECT_EQ(str(p.m.ruri), "sip:bob@biloxi.example.com");
	EXPECT_EQ(str(p.m.version), "SIP/2.0");
	EXPECT_EQ(str(p.m.call_id), "a84b4c76e66710@pc33.atlanta.example.com");
	EXPECT_EQ(p.m.cseq, 314159u);
	EXPECT_EQ(p.m.cseq_method, SR_M_INVITE);
	EXPECT_EQ(p.m.max_forwards, 70);
	EXPECT_EQ(str(p.m.from_tag), "1928301774");
	EXPECT_EQ(str(p.m.to_tag), "");
	EXPECT_EQ(p.m.via_count, 1);
	EXPECT_EQ(str(p.m.top_via.branch), "z9hG4bK776asdhds");
	EXPECT_TRUE(p.m.top_via.has_rport);
	EXPECT_EQ(p.m.content_length, (int)p.m.body.len);
	EXPECT_EQ(std::string(p.m.body.p, 4), "v=0\r");
	EXPECT_EQ(p.m.n_hdrs, 9);
	EXPECT_EQ(p.m.buf[p.m.hdr_end], '\r');
}

TEST(SipParse, StatusLine)
{
	Parsed p(crlf("SIP/2.0 180 Ringing\n"
		      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\n"
		      "To: <sip:b@example.com>;tag=xyz\n"
		      "From: <sip:a@example.com>;tag=abc\n"
		      "Call-ID: c1\n"
		      "CSeq: 2 INVITE\n"
		      "Content-Length: 0\n\n"));
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(p.m.kind, SR_SIP_RESPONSE);
	EXPECT_EQ(p.m.status, 180);
	EXPECT_EQ(str(p.m.reason), "Ringing");
	EXPECT_EQ(p.m.method, SR_M_INVITE); // CSeq method for responses
	EXPECT_EQ(str(p.m.to_tag), "xyz");
	EXPECT_EQ(p.m.top_via.port, 5060);
	EXPECT_EQ(p.m.body.len, 0u);
}

TEST(SipParse, EmptyReasonPhrase)
{
	for (const char *line : { "SIP/2.0 100 \n", "SIP/2.0 100\n" }) {
		Parsed p(crlf(std::string(line) + "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nTo: <sip:b@h>\n"
						  "From: <sip:a@h>;tag=1\nCall-ID: x\nCSeq: 1 INVITE\n\n"));
		ASSERT_EQ(p.rc, 0) << line;
		EXPECT_EQ(p.m.status, 100);
		EXPECT_EQ(p.m.reason.len, 0u);
	}
}

TEST(SipParse, CompactHeaderNames)
{
	Parsed p(crlf("INVITE sip:b@example.com SIP/2.0\n"
		      "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\n"
		      "f: <sip:a@example.com>;tag=1\n"
		      "t: <sip:b@example.com>\n"
		      "i: compact@192.0.2.1\n"
		      "CSeq: 1 INVITE\n"
		      "Max-Forwards: 70\n"
		      "m: <sip:a@192.0.2.1>\n"
		      "c: application/sdp\n"
		      "e: gzip\n"
		      "s: hello\n"
		      "k: timer\n"
		      "o: presence\n"
		      "u: talk\n"
		      "r: <sip:c@example.com>\n"
		      "l: 0\n\n"));
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	const enum sr_sip_hdr_type want[] = { SR_H_VIA, SR_H_FROM, SR_H_TO, SR_H_CALL_ID, SR_H_CSEQ,
					      SR_H_MAX_FORWARDS, SR_H_CONTACT, SR_H_CONTENT_TYPE,
					      SR_H_CONTENT_ENCODING, SR_H_SUBJECT, SR_H_SUPPORTED,
					      SR_H_EVENT, SR_H_ALLOW_EVENTS, SR_H_REFER_TO,
					      SR_H_CONTENT_LENGTH };
	ASSERT_EQ(p.m.n_hdrs, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < p.m.n_hdrs; i++)
		EXPECT_EQ(p.m.hdrs[i].type, want[i]) << "header " << i;
	EXPECT_EQ(str(p.m.call_id), "compact@192.0.2.1");
	EXPECT_EQ(p.m.content_length, 0);
}

TEST(SipParse, CaseInsensitiveNamesAndLws)
{
	Parsed p(crlf("OPTIONS sip:b@example.com SIP/2.0\n"
		      "VIA  :  SIP / 2.0 / UDP   192.0.2.1 ; branch = z9hG4bKx\n"
		      "mAx-FoRwArDs: 0068\n"
		      "FROM:<sip:a@example.com>;TAG=1\n"
		      "to\t: sip:b@example.com\n"
		      "call-id: x@y\n"
		      "cSeq:   0009   OPTIONS\n\n"));
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(p.m.max_forwards, 68);
	EXPECT_EQ(p.m.cseq, 9u);
	EXPECT_EQ(str(p.m.from_tag), "1");
	EXPECT_EQ(str(p.m.top_via.branch), "z9hG4bKx");
	EXPECT_EQ(str(p.m.top_via.transport), "UDP");
	EXPECT_EQ(str(p.m.top_via.host), "192.0.2.1");
}

TEST(SipParse, FoldedLines)
{
	Parsed p(crlf("INVITE sip:b@example.com SIP/2.0\n"
		      "Via: SIP/2.0/UDP 192.0.2.1\n"
		      "  ;branch=z9hG4bKfold\n"
		      "Max-Forwards: 70\n"
		      "From: <sip:a@example.com>\n"
		      "\t;tag=folded\n"
		      "To: <sip:b@example.com>\n"
		      "Call-ID: f@1\n"
		      "CSeq: 7\n"
		      " INVITE\n"
		      "Subject: first\n"
		      " second\n\n"));
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(str(p.m.top_via.branch), "z9hG4bKfold");
	EXPECT_EQ(str(p.m.from_tag), "folded");
	EXPECT_EQ(p.m.cseq, 7u);
	const struct sr_sip_hdr *s = sr_sip_first(&p.m, SR_H_SUBJECT);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(str(s->value), "first\r\n second");
}

TEST(SipParse, LfOnlyLineEnds)
{
	Parsed p("OPTIONS sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
		 "Max-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: lf\n"
		 "CSeq: 1 OPTIONS\n\n");
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(str(p.m.call_id), "lf");
	EXPECT_EQ(str(p.m.version), "SIP/2.0");
}

TEST(SipParse, LeadingKeepAliveCrlfIsSkipped)
{
	Parsed p("\r\n\r\n" + sample_invite());
	EXPECT_EQ(p.rc, 0);
	EXPECT_EQ(p.m.method, SR_M_INVITE);
}

TEST(SipParse, BodyIsRestOfDatagramWithoutContentLength)
{
	Parsed p(crlf("MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
		      "Max-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: m\n"
		      "CSeq: 1 MESSAGE\n\n") + "hello world");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.m.content_length, -1);
	EXPECT_EQ(str(p.m.body), "hello world");
}

TEST(SipParse, BytesBeyondContentLengthAreDiscarded)
{
	Parsed p(crlf("MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
		      "Max-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: m\n"
		      "CSeq: 1 MESSAGE\nContent-Length: 5\n\n") + "hello world");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(str(p.m.body), "hello");
}

TEST(SipParse, MultiValueViaCounted)
{
	Parsed p(crlf("SIP/2.0 200 OK\n"
		      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2\n"
		      "v: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK3;received=2001:db8::9\n"
		      "To: <sip:b@h>;tag=2\nFrom: <sip:a@h>;tag=1\nCall-ID: v\nCSeq: 1 INVITE\n\n"));
	ASSERT_EQ(p.rc, 0) << p.m.err.reason;
	EXPECT_EQ(p.m.via_count, 3);
	EXPECT_EQ(p.m.count[SR_H_VIA], 2);
	EXPECT_EQ(str(p.m.top_via.host), "a.example.com");
	const struct sr_sip_hdr *second = sr_sip_next(&p.m, sr_sip_first(&p.m, SR_H_VIA));
	ASSERT_NE(second, nullptr);
	struct sr_sip_via v;
	ASSERT_EQ(sr_sip_via_parse(second->value, &v), 0);
	EXPECT_EQ(str(v.host), "[2001:db8::1]");
	EXPECT_EQ(v.port, 5060);
	EXPECT_EQ(str(v.received), "2001:db8::9");
}

TEST(SipParse, UnknownHeadersKeptInOrder)
{
	Parsed p(sample_invite("X-Custom: one\nNewFangledHeader: newfangled value\n continued\n"));
	ASSERT_EQ(p.rc, 0);
	const struct sr_sip_hdr *h = sr_sip_find(&p.m, "x-custom");
	ASSERT_NE(h, nullptr);
	EXPECT_EQ(str(h->value), "one");
	h = sr_sip_find(&p.m, "NEWFANGLEDHEADER");
	ASSERT_NE(h, nullptr);
	EXPECT_EQ(str(h->value), "newfangled value\r\n continued");
	EXPECT_EQ(sr_sip_find(&p.m, "X-Absent"), nullptr);
	EXPECT_EQ(sr_sip_find(&p.m, "l"), sr_sip_first(&p.m, SR_H_CONTENT_LENGTH));
}

TEST(SipParse, HeaderOffsetsCoverWholeFields)
{
	Parsed p(sample_invite());
	ASSERT_EQ(p.rc, 0);
	// fields tile the header section exactly
	uint32_t pos = p.m.hdrs[0].off;
	for (unsigned i = 0; i < p.m.n_hdrs; i++) {
		EXPECT_EQ(p.m.hdrs[i].off, pos);
		pos += p.m.hdrs[i].len;
	}
	EXPECT_EQ(pos, p.m.hdr_end);
}

struct Reject {
	const char *name;
	std::string msg;
	int status;
};

class SipParseReject : public ::testing::TestWithParam<Reject> {};

TEST_P(SipParseReject, Answers)
{
	const Reject &r = GetParam();
	struct sr_sip_msg m;
	EXPECT_EQ(sr_sip_parse(&m, r.msg.data(), r.msg.size(), nullptr), -1) << r.name;
	EXPECT_EQ(m.err.status, r.status) << r.name;
	EXPECT_NE(m.err.reason, nullptr);
}

const std::string H = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\n"
		      "To: <sip:b@h>\nCall-ID: r\n";

INSTANTIATE_TEST_SUITE_P(
	Rejections, SipParseReject,
	::testing::Values(
		Reject{ "empty", "", 400 }, Reject{ "only-crlf", "\r\n\r\n", 400 },
		Reject{ "no-line-end", "INVITE sip:a@b SIP/2.0", 400 },
		Reject{ "two-spaces", crlf("INVITE  sip:a@b SIP/2.0\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "trailing-space", crlf("INVITE sip:a@b SIP/2.0 \n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "uri-with-space", crlf("INVITE sip:a@b; lr SIP/2.0\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "bad-version", crlf("INVITE sip:a@b HTTP/1.1\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "status-4-digits", crlf("SIP/2.0 4294967301 better not break\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "status-99", crlf("SIP/2.0 099 Low\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "status-700", crlf("SIP/2.0 700 High\n" + H + "CSeq: 1 INVITE\n\n"), 400 },
		Reject{ "no-empty-line", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 1 OPTIONS\n"), 400 },
		Reject{ "header-no-colon", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq 1 OPTIONS\n\n"), 400 },
		Reject{ "leading-fold", crlf("OPTIONS sip:a@b SIP/2.0\n Via: x\n" + H + "\n"), 400 },
		Reject{ "cseq-overflow", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 2147483648 OPTIONS\n\n"), 400 },
		Reject{ "cseq-huge", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 36893488147419103232 OPTIONS\n\n"), 400 },
		Reject{ "cseq-no-method", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 1\n\n"), 400 },
		Reject{ "max-forwards-300", crlf("OPTIONS sip:a@b SIP/2.0\nMax-Forwards: 300\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: r\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "negative-content-length", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 1 OPTIONS\nContent-Length: -999\n\n"), 400 },
		Reject{ "two-content-length", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "CSeq: 1 OPTIONS\nContent-Length: 0\nl: 0\n\n"), 400 },
		Reject{ "two-call-id", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "i: second\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "two-from", crlf("OPTIONS sip:a@b SIP/2.0\n" + H + "f: <sip:c@h>;tag=2\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "empty-via-params", crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: r\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "bad-second-via", crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bKm,1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>;tag=2\nCall-ID: r\nCSeq: 1 INVITE\n\n"), 400 },
		Reject{ "via-no-transport", crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0 h\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: r\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "unterminated-quote", crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: \"Mr. J. User <sip:j.user@example.com>\nCall-ID: r\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "call-id-space", crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: a b\nCSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "nul-in-header", std::string("OPTIONS sip:a@b SIP/2.0\r\nSubject: a\0b\r\n", 40) + crlf(H + "CSeq: 1 OPTIONS\n\n"), 400 },
		Reject{ "too-large", sample_invite("X-Pad: " + std::string(9000, 'x') + "\n"), 513 },
		Reject{ "body-too-large", crlf("MESSAGE sip:a@b SIP/2.0\n" + H + "CSeq: 1 MESSAGE\n\n") + std::string(5000, 'b'), 413 }),
	[](const ::testing::TestParamInfo<Reject> &i) {
		std::string n = i.param.name;
		for (char &c : n)
			if (c == '-')
				c = '_';
		return n;
	});

TEST(SipParse, TooManyHeaders)
{
	std::string extra;
	for (int i = 0; i < SR_SIP_MAX_HEADERS; i++)
		extra += "X-H: " + std::to_string(i) + "\n";
	std::string msg = sample_invite(extra);
	struct sr_sip_msg m;
	EXPECT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), -1);
	EXPECT_EQ(m.err.status, 513);
}

TEST(SipParse, LimitsAreConfigurable)
{
	std::string msg = sample_invite();
	struct sr_sip_msg m;
	struct sr_sip_limits small = { 200, 0 };
	EXPECT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), &small), -1);
	EXPECT_EQ(m.err.status, 513);
	struct sr_sip_limits tiny_body = { 0, 10 };
	EXPECT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), &tiny_body), -1);
	EXPECT_EQ(m.err.status, 413);
}

TEST(SipParse, HeaderDefectStillSplitsTheRest)
{
	// A bad Max-Forwards is recorded, but Call-ID and CSeq after it are still read so
	// that the 400 can be built.
	std::string msg = crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
			       "Max-Forwards: many\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\n"
			       "Call-ID: after@defect\nCSeq: 5 OPTIONS\n\n");
	struct sr_sip_msg m;
	EXPECT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), -1);
	EXPECT_EQ(m.err.status, 400);
	EXPECT_STREQ(m.err.reason, "Bad Max-Forwards");
	EXPECT_EQ(str(m.call_id), "after@defect");
	EXPECT_EQ(m.cseq, 5u);
}

TEST(SipParse, EveryTruncationIsSafe)
{
	// Each prefix of a valid message must be refused or parsed without reading past it
	// (ASan checks the reads in the sanitizer build).
	std::string msg = sample_invite();
	for (size_t n = 0; n <= msg.size(); n++) {
		std::string cut = msg.substr(0, n);
		std::vector<char> exact(cut.begin(), cut.end());
		struct sr_sip_msg m;
		int rc = sr_sip_parse(&m, exact.data(), exact.size(), nullptr);
		if (rc == 0)
			rc = sr_sip_check(&m, nullptr);
		if (n < msg.size())
			EXPECT_EQ(rc, -1) << "prefix " << n;
		else
			EXPECT_EQ(rc, 0);
	}
}

} // namespace
