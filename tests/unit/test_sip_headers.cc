// On-demand parsers: URIs, name-addr, Via, parameters, comma-separated lists.
#include <gtest/gtest.h>

#include <vector>

#include "sip_test_util.h"

namespace {

struct sr_slice S(const char *s)
{
	return sr_slice_make(s, strlen(s));
}

TEST(SipUri, SipWithUserPasswordPortParamsHeaders)
{
	struct sr_sip_uri u;
	ASSERT_EQ(sr_sip_uri_parse(S("sip:alice:secret@atlanta.example.com:5070;transport=udp;lr?subject=x&h=%20y"), &u), 0);
	EXPECT_EQ(u.scheme, SR_URI_SIP);
	EXPECT_EQ(str(u.user), "alice");
	EXPECT_EQ(str(u.password), "secret");
	EXPECT_EQ(str(u.host), "atlanta.example.com");
	EXPECT_EQ(u.port, 5070);
	EXPECT_EQ(str(u.params), "transport=udp;lr");
	EXPECT_TRUE(u.lr);
	EXPECT_EQ(str(u.headers), "subject=x&h=%20y");
	struct sr_slice v;
	EXPECT_EQ(sr_sip_param_get(u.params, "transport", &v), 1);
	EXPECT_EQ(str(v), "udp");
}

TEST(SipUri, SipsAndIpv6Reference)
{
	struct sr_sip_uri u;
	ASSERT_EQ(sr_sip_uri_parse(S("SIPS:[2001:db8::10]:5061"), &u), 0);
	EXPECT_EQ(u.scheme, SR_URI_SIPS);
	EXPECT_TRUE(u.host_is_ipv6);
	EXPECT_EQ(str(u.host), "[2001:db8::10]");
	EXPECT_EQ(u.port, 5061);
	ASSERT_EQ(sr_sip_uri_parse(S("sip:user@[::ffff:192.0.2.1];maddr=[2001:db8::1]"), &u), 0);
	EXPECT_EQ(str(u.user), "user");
	EXPECT_EQ(str(u.host), "[::ffff:192.0.2.1]");
}

TEST(SipUri, Tel)
{
	struct sr_sip_uri u;
	ASSERT_EQ(sr_sip_uri_parse(S("tel:+1-201-555-0123;phone-context=example.com"), &u), 0);
	EXPECT_EQ(u.scheme, SR_URI_TEL);
	EXPECT_EQ(str(u.user), "+1-201-555-0123");
	EXPECT_EQ(str(u.params), "phone-context=example.com");
	EXPECT_EQ(sr_sip_uri_parse(S("tel:12 34"), &u), -1);
}

TEST(SipUri, EscapesAndUnusualUserinfo)
{
	struct sr_sip_uri u;
	EXPECT_EQ(sr_sip_uri_parse(S("sip:sips%3Auser%40example.com@example.net"), &u), 0);
	EXPECT_EQ(str(u.host), "example.net");
	EXPECT_EQ(sr_sip_uri_parse(S("sip:null-%00-null@example.com"), &u), 0);
	EXPECT_EQ(sr_sip_uri_parse(S("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com"), &u), 0);
	EXPECT_EQ(str(u.user), "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	EXPECT_EQ(str(u.host), "example.com");
	EXPECT_EQ(sr_sip_uri_parse(S("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31"), &u), 0);
}

TEST(SipUri, OtherSchemesAreOpaque)
{
	struct sr_sip_uri u;
	ASSERT_EQ(sr_sip_uri_parse(S("nobodyKnowsThisScheme:totallyopaquecontent"), &u), 0);
	EXPECT_EQ(u.scheme, SR_URI_OTHER);
	EXPECT_EQ(str(u.scheme_name), "nobodyKnowsThisScheme");
	ASSERT_EQ(sr_sip_uri_parse(S("soap.beep://192.0.2.103:3002"), &u), 0);
	EXPECT_EQ(u.scheme, SR_URI_OTHER);
}

TEST(SipUri, Rejections)
{
	struct sr_sip_uri u;
	for (const char *bad : { "", "sip:", "<sip:a@b>", "sip:a@", "sip:@host", "sip:a@b:0", "sip:a@b:65536",
				 "sip:a@b:port", "sip:a@[2001:db8::1", "sip:a@-host", "sip:a@b..c", "sip:a@b;",
				 "sip:a@b?", "sip:a@b?h", "sip:a@b;x=%zz", "sip:a b@c", "1sip:a@b", "sip:a@b c",
				 "x:", "x:<y>" }) {
		EXPECT_EQ(sr_sip_uri_parse(S(bad), &u), -1) << bad;
	}
}

TEST(SipNameAddr, Forms)
{
	struct sr_sip_nameaddr na;
	ASSERT_EQ(sr_sip_nameaddr_parse(S("\"J Rosenberg \\\\\\\"\"  <sip:jdrosen@example.com> ; tag = 98asjd8"), &na), 0);
	EXPECT_EQ(str(na.display), "\"J Rosenberg \\\\\\\"\"");
	EXPECT_EQ(str(na.uri), "sip:jdrosen@example.com");
	EXPECT_TRUE(na.angle);
	struct sr_slice tag;
	EXPECT_EQ(sr_sip_param_get(na.params, "tag", &tag), 1);
	EXPECT_EQ(str(tag), "98asjd8");

	ASSERT_EQ(sr_sip_nameaddr_parse(S("Bob Smith <sip:bob@example.com;lr>;expires=60;q=0.5"), &na), 0);
	EXPECT_EQ(str(na.display), "Bob Smith");
	EXPECT_EQ(str(na.uri), "sip:bob@example.com;lr");
	struct sr_slice v;
	EXPECT_EQ(sr_sip_param_get(na.params, "expires", &v), 1);
	EXPECT_EQ(str(v), "60");
	EXPECT_EQ(sr_sip_param_get(na.params, "q", &v), 1);
	EXPECT_EQ(str(v), "0.5");

	// addr-spec: parameters after the URI belong to the header
	ASSERT_EQ(sr_sip_nameaddr_parse(S("sip:bob@example.com;tag=abc"), &na), 0);
	EXPECT_FALSE(na.angle);
	EXPECT_EQ(str(na.uri), "sip:bob@example.com");
	EXPECT_EQ(sr_sip_param_get(na.params, "tag", &v), 1);
	EXPECT_EQ(str(v), "abc");

	ASSERT_EQ(sr_sip_nameaddr_parse(S("*"), &na), 0);
	EXPECT_TRUE(na.star);
	ASSERT_EQ(sr_sip_nameaddr_parse(S("<tel:+15551234>"), &na), 0);
	ASSERT_EQ(sr_sip_nameaddr_parse(S("isbn:2983792873"), &na), 0);
}

TEST(SipNameAddr, Rejections)
{
	struct sr_sip_nameaddr na;
	for (const char *bad : { "", "\"open <sip:a@b>", "Bell, Alexander <sip:a@b>", "< sip:a@b >", "<sip:a@b",
				 "<>", "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "<sip:a@b>;;;;",
				 "<sip:a@b>;tag=", "<sip:a@b> junk", "\"x\" sip:a@b", "<sip:a@b>;tag=\"unterminated" }) {
		EXPECT_EQ(sr_sip_nameaddr_parse(S(bad), &na), -1) << bad;
	}
}

TEST(SipVia, Parameters)
{
	struct sr_sip_via v;
	ASSERT_EQ(sr_sip_via_parse(S("SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bKabc;rport;received=198.51.100.7;maddr=224.0.0.1;ttl=1"), &v), 0);
	EXPECT_EQ(str(v.protocol), "SIP/2.0");
	EXPECT_EQ(str(v.transport), "UDP");
	EXPECT_EQ(str(v.host), "192.0.2.1");
	EXPECT_EQ(v.port, 5062);
	EXPECT_EQ(str(v.branch), "z9hG4bKabc");
	EXPECT_TRUE(v.has_rport);
	EXPECT_EQ(v.rport.len, 0u);
	EXPECT_EQ(str(v.received), "198.51.100.7");
	EXPECT_EQ(str(v.maddr), "224.0.0.1");
	ASSERT_EQ(sr_sip_via_parse(S("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2 : 5060 ;rport=5999"), &v), 0);
	EXPECT_EQ(v.port, 5060);
	EXPECT_EQ(str(v.rport), "5999");
}

TEST(SipVia, Rejections)
{
	struct sr_sip_via v;
	for (const char *bad : { "", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0/ host", "SIP 2.0 UDP host",
				 "SIP/2.0/UDPhost", "SIP/2.0/UDP host;", "SIP/2.0/UDP host;;", "SIP/2.0/UDP host:0",
				 "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP host junk", "SIP/2.0/UDP [::1" }) {
		EXPECT_EQ(sr_sip_via_parse(S(bad), &v), -1) << bad;
	}
}

std::vector<std::string> split(const char *value, int *rc_out)
{
	struct sr_slice rest = S(value), e;
	std::vector<std::string> out;
	int rc;
	while ((rc = sr_sip_list_next(&rest, &e)) > 0)
		out.push_back(str(e));
	*rc_out = rc;
	return out;
}

TEST(SipList, SplitsOutsideQuotesAndBrackets)
{
	int rc;
	auto v = split("<sip:a@b;x=1,2>, \"Doe, John\" <sip:c@d> ,sip:e@f", &rc);
	EXPECT_EQ(rc, 0);
	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0], "<sip:a@b;x=1,2>");
	EXPECT_EQ(v[1], "\"Doe, John\" <sip:c@d>");
	EXPECT_EQ(v[2], "sip:e@f");
	split("a,,b", &rc);
	EXPECT_EQ(rc, -1);
	split("a, ", &rc);
	EXPECT_EQ(rc, -1);
	split("\"open, a", &rc);
	EXPECT_EQ(rc, -1);
	split("<sip:a@b, sip:c@d", &rc);
	EXPECT_EQ(rc, -1);
	// without a comma the element is handed over whole; its parser judges it
	auto one = split(" <sip:a@b ", &rc);
	ASSERT_EQ(one.size(), 1u);
	EXPECT_EQ(one[0], "<sip:a@b");
	EXPECT_TRUE(split("  ", &rc).empty());
	EXPECT_EQ(rc, 0);
}

TEST(SipParams, Lookup)
{
	struct sr_slice v;
	EXPECT_EQ(sr_sip_param_get(S(";lr;Tag=x;q=0.7"), "tag", &v), 1);
	EXPECT_EQ(str(v), "x");
	EXPECT_EQ(sr_sip_param_get(S("lr;tag=x"), "lr", &v), 1);
	EXPECT_EQ(v.len, 0u);
	EXPECT_EQ(sr_sip_param_get(S(";lr"), "tag", &v), 0);
	EXPECT_EQ(sr_sip_param_get(S(";x=\"quoted ;value\";tag=t"), "tag", &v), 1);
	EXPECT_EQ(str(v), "t");
	EXPECT_EQ(sr_sip_param_get(S(";received=[2001:db8::1]"), "received", &v), 1);
	EXPECT_EQ(str(v), "[2001:db8::1]");
	EXPECT_EQ(sr_sip_param_get(S(";;tag=x"), "tag", &v), -1);
	EXPECT_EQ(sr_sip_param_get(S(";tag=x junk"), "tag", &v), -1);
}

TEST(SipNames, HeaderAndMethodTables)
{
	EXPECT_EQ(sr_sip_hdr_type_of("Record-Route", 12), SR_H_RECORD_ROUTE);
	EXPECT_EQ(sr_sip_hdr_type_of("PROXY-REQUIRE", 13), SR_H_PROXY_REQUIRE);
	EXPECT_EQ(sr_sip_hdr_type_of("V", 1), SR_H_VIA);
	EXPECT_EQ(sr_sip_hdr_type_of("x", 1), SR_H_OTHER);
	EXPECT_EQ(sr_sip_hdr_type_of("Via-Extra", 9), SR_H_OTHER);
	EXPECT_EQ(sr_sip_method_of("INVITE", 6), SR_M_INVITE);
	EXPECT_EQ(sr_sip_method_of("invite", 6), SR_M_UNKNOWN); // methods are case-sensitive
	EXPECT_STREQ(sr_sip_method_name(SR_M_PRACK), "PRACK");
}

} // namespace
