// Stateless-proxy edits: every edit is checked by re-parsing the output.
#include <gtest/gtest.h>

#include <cerrno>

#include <siprelay/sip_edit.h>

#include "sip_test_util.h"

namespace {

struct Edited {
	std::string in;
	struct sr_sip_msg m;
	struct sr_sip_editor ed;
	std::string out;
	struct sr_sip_msg re;

	explicit Edited(const std::string &msg) : in(msg)
	{
		EXPECT_EQ(sr_sip_parse(&m, in.data(), in.size(), nullptr), 0) << m.err.reason;
		sr_sip_edit_init(&ed, &m);
	}

	// Applies, re-parses and re-checks the result.
	void apply()
	{
		char buf[8192];
		ssize_t n = sr_sip_edit_apply(&ed, buf, sizeof(buf));
		ASSERT_GT(n, 0);
		out.assign(buf, (size_t)n);
		ASSERT_EQ(sr_sip_parse(&re, out.data(), out.size(), nullptr), 0) << re.err.reason << "\n" << out;
		ASSERT_EQ(sr_sip_check(&re, nullptr), 0) << re.err.reason << "\n" << out;
	}
};

TEST(SipEdit, NoEditsKeepsMessage)
{
	Edited e(sample_invite());
	e.apply();
	EXPECT_EQ(e.out, e.in);
}

TEST(SipEdit, ProxyForwardingEdits)
{
	Edited e(sample_invite("Route: <sip:relay.example.net;lr>, <sip:core.example.net;lr>\n"));
	ASSERT_EQ(sr_sip_edit_push_via(&e.ed, "SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKsr1"), 0);
	ASSERT_EQ(sr_sip_edit_via_received(&e.ed, "198.51.100.9", 61000, false), 0);
	ASSERT_EQ(sr_sip_edit_push_record_route(&e.ed, "sip:198.18.1.1;lr"), 0);
	ASSERT_EQ(sr_sip_edit_pop_route(&e.ed), 0);
	ASSERT_EQ(sr_sip_edit_dec_max_forwards(&e.ed), 0);
	ASSERT_EQ(sr_sip_edit_set_contact_uri(&e.ed, "sip:alice@198.51.100.9:61000"), 0);
	e.apply();

	EXPECT_EQ(e.re.via_count, 2);
	EXPECT_EQ(str(e.re.top_via.branch), "z9hG4bKsr1");
	EXPECT_EQ(str(e.re.top_via.host), "198.18.2.1");
	const struct sr_sip_hdr *v2 = sr_sip_next(&e.re, sr_sip_first(&e.re, SR_H_VIA));
	ASSERT_NE(v2, nullptr);
	struct sr_sip_via via;
	ASSERT_EQ(sr_sip_via_parse(v2->value, &via), 0);
	EXPECT_EQ(str(via.received), "198.51.100.9");
	EXPECT_EQ(str(via.rport), "61000");
	EXPECT_EQ(e.re.max_forwards, 69);
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_RECORD_ROUTE)->value), "<sip:198.18.1.1;lr>");
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_ROUTE)->value), "<sip:core.example.net;lr>");
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_CONTACT)->value), "<sip:alice@198.51.100.9:61000>");
	EXPECT_EQ(str(e.re.body), str(e.m.body));
	EXPECT_EQ(e.re.content_length, (int)e.m.body.len);
}

TEST(SipEdit, RetransmissionGetsIdenticalBytes)
{
	std::string msg = sample_invite();
	std::string outs[2];
	for (auto &o : outs) {
		Edited e(msg);
		sr_sip_edit_push_via(&e.ed, "SIP/2.0/UDP 198.18.2.1;branch=z9hG4bKsame");
		sr_sip_edit_via_received(&e.ed, "198.51.100.9", 5060, true);
		sr_sip_edit_dec_max_forwards(&e.ed);
		e.apply();
		o = e.out;
	}
	EXPECT_EQ(outs[0], outs[1]);
}

TEST(SipEdit, ReceivedOnlyWhenSentByDiffersUnlessRport)
{
	std::string msg = crlf("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\n"
			       "Max-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	{
		Edited e(msg);
		ASSERT_EQ(sr_sip_edit_via_received(&e.ed, "192.0.2.1", 5060, false), 0);
		e.apply();
		// nothing to add to Via; only the Content-Length every forwarded message carries
		EXPECT_EQ(e.out, e.in.substr(0, e.in.size() - 2) + "Content-Length: 0\r\n\r\n");
	}
	{
		Edited e(msg);
		ASSERT_EQ(sr_sip_edit_via_received(&e.ed, "192.0.2.1", 5062, true), 0);
		e.apply();
		EXPECT_EQ(str(e.re.top_via.received), "192.0.2.1");
		EXPECT_EQ(str(e.re.top_via.rport), "5062");
	}
}

TEST(SipEdit, ReceivedReplacesExistingValue)
{
	Edited e(crlf("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;received=10.0.0.1;branch=z9hG4bK1\n"
		      "Max-Forwards: 70\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n"));
	ASSERT_EQ(sr_sip_edit_via_received(&e.ed, "203.0.113.5", 5060, false), 0);
	e.apply();
	EXPECT_EQ(str(e.re.top_via.received), "203.0.113.5");
	EXPECT_EQ(str(e.re.top_via.branch), "z9hG4bK1");
}

TEST(SipEdit, PopViaFromListAndWholeField)
{
	std::string resp = crlf("SIP/2.0 200 OK\n"
				"Via: SIP/2.0/UDP relay;branch=z9hG4bKr, SIP/2.0/UDP uac;branch=z9hG4bKu\n"
				"To: <sip:b@h>;tag=2\nFrom: <sip:a@h>;tag=1\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
	Edited e(resp);
	ASSERT_EQ(sr_sip_edit_pop_via(&e.ed), 0);
	e.apply();
	EXPECT_EQ(e.re.via_count, 1);
	EXPECT_EQ(str(e.re.top_via.host), "uac");

	std::string two = crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP relay;branch=z9hG4bKr\nVia: SIP/2.0/UDP uac;branch=z9hG4bKu\n"
			       "To: <sip:b@h>;tag=2\nFrom: <sip:a@h>;tag=1\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
	Edited f(two);
	ASSERT_EQ(sr_sip_edit_pop_via(&f.ed), 0);
	f.apply();
	EXPECT_EQ(f.re.via_count, 1);
	EXPECT_EQ(f.re.count[SR_H_VIA], 1);
	EXPECT_EQ(str(f.re.top_via.host), "uac");
}

TEST(SipEdit, RouteAndRecordRouteWhenAbsent)
{
	Edited e(sample_invite());
	EXPECT_EQ(sr_sip_edit_pop_route(&e.ed), -ENOENT);
	EXPECT_EQ(sr_sip_edit_pop_record_route(&e.ed), -ENOENT);
	ASSERT_EQ(sr_sip_edit_push_route(&e.ed, "sip:next.example.com;lr"), 0);
	ASSERT_EQ(sr_sip_edit_push_record_route(&e.ed, "sip:198.18.1.1;lr"), 0);
	e.apply();
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_ROUTE)->value), "<sip:next.example.com;lr>");
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_RECORD_ROUTE)->value), "<sip:198.18.1.1;lr>");

	Edited r(sample_invite("Record-Route: <sip:a.example.com;lr>, <sip:b.example.com;lr>\n"));
	ASSERT_EQ(sr_sip_edit_pop_record_route(&r.ed), 0);
	r.apply();
	EXPECT_EQ(str(sr_sip_first(&r.re, SR_H_RECORD_ROUTE)->value), "<sip:b.example.com;lr>");
}

TEST(SipEdit, CutRemovesAnExactRange)
{
	Edited e(sample_invite("Route: <sip:198.18.1.1;lr>, <sip:198.18.2.1;lr>, <sip:next.example.com;lr>\n"));
	const struct sr_sip_hdr *r = sr_sip_first(&e.m, SR_H_ROUTE);
	const char *next = strstr(r->value.p, "<sip:next");
	ASSERT_EQ(sr_sip_edit_cut(&e.ed, (uint32_t)(r->value.p - e.m.buf), (uint32_t)(next - r->value.p)), 0);
	e.apply();
	EXPECT_EQ(str(sr_sip_first(&e.re, SR_H_ROUTE)->value), "<sip:next.example.com;lr>");
	EXPECT_EQ(sr_sip_edit_cut(&e.ed, e.m.len, 1), -EINVAL);
}

TEST(SipEdit, MaxForwardsZeroAndAbsent)
{
	std::string zero = crlf("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 0\n"
				"From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	struct sr_sip_msg m;
	struct sr_sip_editor ed;
	ASSERT_EQ(sr_sip_parse(&m, zero.data(), zero.size(), nullptr), 0);
	sr_sip_edit_init(&ed, &m);
	EXPECT_EQ(sr_sip_edit_dec_max_forwards(&ed), -ERANGE);

	std::string none = crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
				"To: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	Edited e(none);
	ASSERT_EQ(sr_sip_edit_dec_max_forwards(&e.ed), 0);
	e.apply();
	EXPECT_EQ(e.re.max_forwards, 70); // RFC 3261 16.6 step 3
}

TEST(SipEdit, ContactAddrSpecGainsBrackets)
{
	Edited e(crlf("REGISTER sip:h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
		      "From: <sip:a@h>;tag=1\nTo: <sip:a@h>\nCall-ID: c\nCSeq: 1 REGISTER\n"
		      "m: sip:a@192.168.1.5:5060;expires=3600\n\n"));
	ASSERT_EQ(sr_sip_edit_set_contact_uri(&e.ed, "sip:a@203.0.113.5:40000;ob"), 0);
	e.apply();
	const struct sr_sip_hdr *c = sr_sip_first(&e.re, SR_H_CONTACT);
	struct sr_sip_nameaddr na;
	ASSERT_EQ(sr_sip_nameaddr_parse(c->value, &na), 0);
	EXPECT_EQ(str(na.uri), "sip:a@203.0.113.5:40000;ob");
	struct sr_slice v;
	EXPECT_EQ(sr_sip_param_get(na.params, "expires", &v), 1);
	EXPECT_EQ(str(v), "3600");
}

TEST(SipEdit, ReplaceBodyFixesContentLength)
{
	Edited e(sample_invite());
	std::string body = crlf("v=0\no=- 1 2 IN IP4 198.18.1.1\ns=-\nc=IN IP4 198.18.1.1\nt=0 0\nm=audio 30000 RTP/AVP 0\n");
	ASSERT_EQ(sr_sip_edit_set_body(&e.ed, body.data(), body.size()), 0);
	e.apply();
	EXPECT_EQ(str(e.re.body), body);
	EXPECT_EQ(e.re.content_length, (int)body.size());
}

TEST(SipEdit, ContentLengthAddedWhenAbsentAndTrailingBytesDropped)
{
	std::string msg = crlf("MESSAGE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
			       "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 MESSAGE\n\n") + "hello";
	Edited e(msg);
	e.apply();
	EXPECT_EQ(e.re.content_length, 5);
	EXPECT_EQ(str(e.re.body), "hello");

	std::string trailing = crlf("MESSAGE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
				    "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 MESSAGE\nl: 2\n\n") + "hello";
	Edited t(trailing);
	t.apply();
	EXPECT_EQ(str(t.re.body), "he");
	EXPECT_EQ(t.out.size(), t.in.size() - 3);
}

TEST(SipEdit, LfOnlyMessageStaysParseable)
{
	Edited e("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\n"
		 "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	ASSERT_EQ(sr_sip_edit_push_via(&e.ed, "SIP/2.0/UDP relay;branch=z9hG4bKx"), 0);
	e.apply();
	EXPECT_EQ(e.re.via_count, 2);
	EXPECT_EQ(e.re.content_length, 0);
}

TEST(SipEdit, Errors)
{
	std::string msg = sample_invite();
	struct sr_sip_msg m;
	struct sr_sip_editor ed;
	ASSERT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), 0);
	sr_sip_edit_init(&ed, &m);
	char small[64];
	EXPECT_EQ(sr_sip_edit_apply(&ed, small, sizeof(small)), -ENOSPC);

	// popping the same single Via twice deletes one region twice
	ASSERT_EQ(sr_sip_edit_pop_via(&ed), 0);
	ASSERT_EQ(sr_sip_edit_pop_via(&ed), 0);
	char big[4096];
	EXPECT_EQ(sr_sip_edit_apply(&ed, big, sizeof(big)), -EINVAL);

	// the arena and the splice table are bounded
	sr_sip_edit_init(&ed, &m);
	std::string huge(SR_SIP_EDIT_ARENA, 'x');
	EXPECT_EQ(sr_sip_edit_push_via(&ed, huge.c_str()), -ENOSPC);
	int rc = 0;
	for (int i = 0; i <= SR_SIP_EDIT_MAX && rc == 0; i++)
		rc = sr_sip_edit_push_route(&ed, "sip:r;lr");
	EXPECT_EQ(rc, -ENOSPC);
}

} // namespace
