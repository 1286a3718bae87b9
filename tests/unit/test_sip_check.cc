// Semantic checks a proxy makes, each with the response code it answers.
#include <gtest/gtest.h>

#include "sip_test_util.h"

namespace {

std::string req(const std::string &start, const std::string &headers)
{
	return crlf(start + "\n" + headers + "\n");
}

const std::string kBase = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\n";

TEST(SipCheck, ValidRequestPasses)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(sample_invite(), &m), 0) << m.err.reason;
}

TEST(SipCheck, MissingMandatoryHeaders)
{
	struct sr_sip_msg m;
	const char *names[] = { "Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards" };
	const std::string full = kBase + "CSeq: 1 OPTIONS\nMax-Forwards: 70\n";
	for (const char *n : names) {
		std::string without;
		size_t pos = 0;
		while (pos < full.size()) {
			size_t nl = full.find('\n', pos);
			std::string line = full.substr(pos, nl - pos + 1);
			if (line.compare(0, strlen(n) + 1, std::string(n) + ":") != 0)
				without += line;
			pos = nl + 1;
		}
		EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", without), &m), 400) << n;
		EXPECT_NE(strstr(m.err.reason, n), nullptr) << m.err.reason;
	}
}

TEST(SipCheck, ResponsesNeedNoMaxForwards)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(req("SIP/2.0 200 OK", kBase + "CSeq: 1 OPTIONS\n"), &m), 0) << m.err.reason;
}

TEST(SipCheck, CSeqMethodMustMatch)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 INVITE\n"), &m), 400);
	EXPECT_STREQ(m.err.reason, "CSeq method does not match request method");
	EXPECT_EQ(verdict(req("NEWMETHOD sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 NEWMETHOD\n"), &m), 0);
	EXPECT_EQ(verdict(req("NEWMETHOD sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 newmethod\n"), &m), 400);
}

TEST(SipCheck, VersionNotSupported)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/7.0", kBase + "Max-Forwards: 70\nCSeq: 1 OPTIONS\n"), &m), 505);
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h sip/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 OPTIONS\n"), &m), 0);
}

TEST(SipCheck, RequestUriScheme)
{
	struct sr_sip_msg m;
	const std::string h = kBase + "Max-Forwards: 70\nCSeq: 1 OPTIONS\n";
	EXPECT_EQ(verdict(req("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0", h), &m), 416);
	EXPECT_EQ(verdict(req("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0", h), &m), 416);
	EXPECT_EQ(verdict(req("OPTIONS tel:+15551234 SIP/2.0", h), &m), 0);
	EXPECT_EQ(verdict(req("OPTIONS sips:b@h SIP/2.0", h), &m), 0);
	EXPECT_EQ(verdict(req("OPTIONS <sip:b@h> SIP/2.0", h), &m), 400);
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h?Route=%3Csip:example.com%3E SIP/2.0", h), &m), 400);
}

TEST(SipCheck, ProxyRequire)
{
	struct sr_sip_msg m;
	std::string msg = req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 OPTIONS\n"
								 "Proxy-Require: noProxiesSupportThis, timer\n");
	EXPECT_EQ(verdict(msg, &m), 420);
	static const char *const ok[] = { "noproxiessupportthis", "timer" };
	struct sr_sip_policy policy = { ok, 2 };
	ASSERT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), 0);
	EXPECT_EQ(sr_sip_check(&m, &policy), 0);
	// Require is for the UAS, not the proxy
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 OPTIONS\nRequire: foo\n"), &m), 0);
}

TEST(SipCheck, MaxForwardsZero)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: 0\nCSeq: 1 OPTIONS\n"), &m), 483);
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: 1\nCSeq: 1 OPTIONS\n"), &m), 0);
}

TEST(SipCheck, ContentLengthLargerThanDatagram)
{
	struct sr_sip_msg m;
	std::string msg = req("MESSAGE sip:b@h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 MESSAGE\nContent-Length: 9999\n") + "short";
	EXPECT_EQ(verdict(msg, &m), 400);
	EXPECT_STREQ(m.err.reason, "Content-Length larger than message");
}

TEST(SipCheck, MalformedContact)
{
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(req("REGISTER sip:h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 REGISTER\n"
							       "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\n"), &m), 400);
	EXPECT_EQ(verdict(req("REGISTER sip:h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 REGISTER\n"
							       "Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\n"), &m), 0);
	EXPECT_EQ(verdict(req("REGISTER sip:h SIP/2.0", kBase + "Max-Forwards: 70\nCSeq: 1 REGISTER\nContact: *\n"), &m), 0);
}

TEST(SipCheck, MalformedFromTo)
{
	// parse reads only the tag of From/To; the check validates the whole name-addr
	struct sr_sip_msg m;
	const std::string rest = "Max-Forwards: 70\nCall-ID: c\nCSeq: 1 OPTIONS\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n";
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", rest + "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\nTo: <sip:b@h>\n"), &m), 400);
	EXPECT_STREQ(m.err.reason, "Malformed From");
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", rest + "From: <sip:a@h>;tag=1\nTo: \"Watson, Thomas\" < sip:t.watson@example.org >\n"), &m), 400);
	EXPECT_STREQ(m.err.reason, "Malformed To");
	EXPECT_EQ(verdict(req("OPTIONS sip:b@h SIP/2.0", rest + "From: <sip:a@h>;tag=1\nTo: *\n"), &m), 400);
	// the slices point into the message: keep it alive while they are read
	const std::string ok = req("OPTIONS sip:b@h SIP/2.0", rest + "From: \"x <y>\" <sip:a@h>;tag=1\nTo: sip:b@h;tag=2\n");
	EXPECT_EQ(verdict(ok, &m), 0);
	EXPECT_EQ(str(m.from_tag), "1");
	EXPECT_EQ(str(m.to_tag), "2");
}

// The name-addr structure of From/To is checked while parse finds the tag: parse flags
// a structural defect, the check refuses it with 400 in its usual order.
TEST(SipCheck, FromToStructureFoundAtParse)
{
	const std::string rest = "Max-Forwards: 70\nCall-ID: c\nCSeq: 1 OPTIONS\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n";
	struct Case {
		const char *from;
		bool bad;
	} cases[] = {
		{ "<sip:a@h>;tag=1", false },
		{ "\"A\" <sip:a@h>;tag=1", false },
		{ "A B <sip:a@h>;tag=1", false },
		{ "sip:a@h;tag=1", false },
		{ "\"A\"<sip:a@h>", false },
		{ "< sip:a@h>;tag=1", true },      // LWS inside <>
		{ "<sip:a@h >;tag=1", true },
		{ "<sip:a@example.com\t>;tag=1", true },
		{ "<sip:averyveryverylonguser@example.com;transport=udp >", true },
		{ "<>;tag=1", true },              // empty URI
		{ "*", true },
		{ "\"A\" sip:a@h;tag=1", true },  // quoted display name without <>
		{ "\"A\"", true },
		{ "Bell, A <sip:a@h>;tag=1", true }, // ',' outside a quoted string
		{ "sip:a@h?x=y;tag=1", true },    // addr-spec with '?' needs <>
	};
	for (const Case &c : cases) {
		std::string msg = req("OPTIONS sip:b@h SIP/2.0", rest + "From: " + c.from + "\nTo: <sip:b@h>\n");
		struct sr_sip_msg m;
		ASSERT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), 0) << c.from << ": " << m.err.reason;
		EXPECT_EQ(m.from_malformed, c.bad) << c.from;
		EXPECT_FALSE(m.to_malformed) << c.from;
		EXPECT_EQ(verdict(msg, &m), c.bad ? 400 : 0) << c.from;
		if (c.bad) {
			EXPECT_STREQ(m.err.reason, "Malformed From") << c.from;
		}
		std::string to = req("OPTIONS sip:b@h SIP/2.0", rest + "From: <sip:a@h>;tag=1\nTo: " + c.from + "\n");
		EXPECT_EQ(verdict(to, &m), c.bad ? 400 : 0) << c.from;
		if (c.bad) {
			EXPECT_STREQ(m.err.reason, "Malformed To") << c.from;
		}
	}
	// defects the tag lookup cannot get past still fail the parse itself
	for (const char *from : { "\"A <sip:a@h>;tag=1", "<sip:a@h;tag=1", "<sip:a@h>;tag=1;;x" }) {
		std::string msg = req("OPTIONS sip:b@h SIP/2.0", rest + "From: " + from + "\nTo: <sip:b@h>\n");
		struct sr_sip_msg m;
		EXPECT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), -1) << from;
		EXPECT_EQ(m.err.status, 400) << from;
		EXPECT_STREQ(m.err.reason, "Malformed From") << from;
	}
	// a structural defect does not take precedence over the checks that came first
	std::string v3 = "OPTIONS sip:b@h SIP/3.0\r\n" + std::string("Max-Forwards: 70\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n") +
			 "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: < sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\n\r\n";
	struct sr_sip_msg m;
	EXPECT_EQ(verdict(v3, &m), 505);
}

TEST(SipCheck, ParseErrorIsKept)
{
	struct sr_sip_msg m;
	std::string msg = req("OPTIONS sip:b@h SIP/2.0", kBase + "Max-Forwards: x\nCSeq: 1 OPTIONS\n");
	ASSERT_EQ(sr_sip_parse(&m, msg.data(), msg.size(), nullptr), -1);
	EXPECT_EQ(sr_sip_check(&m, nullptr), -1);
	EXPECT_STREQ(m.err.reason, "Bad Max-Forwards");
}

} // namespace
