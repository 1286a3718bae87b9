// rtpproxy command parser and reply formatting (control/daemon/rtpp_cmd.c): every
// command, every modifier, every syntax error, and the replies as rtpproxy writes them.
#include <gtest/gtest.h>

#include <string>

#include "rtpp_cmd.h"

namespace {

std::string S(struct sr_slice s)
{
	return s.p ? std::string(s.p, s.len) : std::string();
}

// Parses text (kept until the next call: the slices point into it).
int P(const std::string &text, struct rtpp_cmd *c)
{
	static std::string keep;
	keep = text;
	return rtpp_cmd_parse(keep.data(), keep.size(), c);
}

// The error code of a command that must not parse (1000 when it parsed).
int E(const std::string &text)
{
	struct rtpp_cmd c;
	int ret = P(text, &c);
	if (ret == 0)
		return 1000;
	EXPECT_EQ(-1, ret);
	return c.error;
}

std::string addr_of(const struct rtpp_addr &a)
{
	char buf[128];
	int n = rtpp_fmt_port(buf, sizeof(buf), a.port, &a);
	return n > 0 ? std::string(buf, (size_t)n) : "ERR";
}

TEST(RtppParse, Version)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("V", &c));
	EXPECT_EQ(RTPP_OP_VERSION, c.op);
	ASSERT_EQ(0, P("v\n", &c));
	EXPECT_EQ(RTPP_OP_VERSION, c.op);
	ASSERT_EQ(0, P("  V \r\n", &c));
	EXPECT_EQ(RTPP_E_NARGS, E("V 1"));
	EXPECT_EQ(RTPP_E_MODS, E("Vx"));
}

TEST(RtppParse, VersionFeature)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("VF 20050322", &c));
	EXPECT_EQ(RTPP_OP_VERSION_FEATURE, c.op);
	EXPECT_EQ("20050322", S(c.feature));
	ASSERT_EQ(0, P("vf 20081224", &c));
	EXPECT_EQ(RTPP_E_NARGS, E("VF"));
	EXPECT_EQ(RTPP_E_NARGS, E("VF 1 2"));
	EXPECT_EQ(RTPP_E_MODS, E("VFx 20040107"));
}

TEST(RtppParse, FeatureDates)
{
	const char *yes[] = { "20040107", "20050322", "20060704", "20080403", "20081102" };
	const char *no[] = { "20071116", "20071218", "20090810", "20140323", "20140617",
			     "20141004", "20150330", "20150420", "20150617", "20191015",
			     "20200226", "2004010", "", "200401070", "x" };
	for (const char *d : yes) {
		EXPECT_EQ(1, rtpp_feature_supported(sr_slice_make(d, strlen(d)), 0)) << d;
	}
	for (const char *d : no) {
		EXPECT_EQ(0, rtpp_feature_supported(sr_slice_make(d, strlen(d)), 1)) << d;
	}
	// timeout notifications only when targets are configured (rtpproxy's -n)
	EXPECT_EQ(0, rtpp_feature_supported(sr_slice_make("20081224", 8), 0));
	EXPECT_EQ(1, rtpp_feature_supported(sr_slice_make("20081224", 8), 1));
}

TEST(RtppParse, UpdateOffer)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("U call-1@uac 198.18.1.2 6000 ftag1;1", &c));
	EXPECT_EQ(RTPP_OP_UPDATE, c.op);
	EXPECT_EQ("call-1@uac", S(c.call_id));
	EXPECT_EQ("ftag1", S(c.from.tag));
	EXPECT_TRUE(c.from.has_media);
	EXPECT_EQ(1u, c.from.media);
	EXPECT_FALSE(c.has_to);
	EXPECT_FALSE(c.has_notify);
	EXPECT_EQ(RTPP_FAMILY_IPV4, c.addr.family);
	EXPECT_EQ(6000, c.addr.port);
	EXPECT_FALSE(c.addr.on_hold);
	EXPECT_EQ("6000 198.18.1.2\n", addr_of(c.addr));
}

TEST(RtppParse, UpdateWithToTag)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("U cid 1.2.3.4 4000 ft;2 tt;2", &c));
	EXPECT_TRUE(c.has_to);
	EXPECT_EQ("tt", S(c.to.tag));
	EXPECT_EQ(2u, c.to.media);
	EXPECT_EQ(2u, c.from.media);
}

TEST(RtppParse, UpdateNotify)
{
	struct rtpp_cmd c;
	// 8 words: to tag, then notify socket and tag
	ASSERT_EQ(0, P("U cid 1.2.3.4 4000 ft;1 tt;1 unix:/tmp/n.sock h%3B42%20x", &c));
	EXPECT_TRUE(c.has_to);
	EXPECT_EQ("tt", S(c.to.tag));
	EXPECT_TRUE(c.has_notify);
	EXPECT_EQ("unix:/tmp/n.sock", S(c.notify_sock));
	EXPECT_STREQ("h;42 x", c.notify_tag);
	// 7 words: rtpproxy reads a notify pair without a to tag
	ASSERT_EQ(0, P("U cid 1.2.3.4 4000 ft;1 tcp:127.0.0.1:9 tag7", &c));
	EXPECT_FALSE(c.has_to);
	EXPECT_EQ("tcp:127.0.0.1:9", S(c.notify_sock));
	EXPECT_STREQ("tag7", c.notify_tag);
	// broken escapes
	EXPECT_EQ(RTPP_E_NOTIFY_TAG, E("U cid 1.2.3.4 4000 ft tt s %4"));
	EXPECT_EQ(RTPP_E_NOTIFY_TAG, E("U cid 1.2.3.4 4000 ft tt s a%zz"));
	EXPECT_EQ(RTPP_E_NOTIFY_TAG, E("U cid 1.2.3.4 4000 ft tt s a%00b"));
	EXPECT_EQ(RTPP_E_NOTIFY_TAG, E("U cid 1.2.3.4 4000 ft tt s " + std::string(300, 'x')));
}

TEST(RtppParse, Lookup)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("L cid 198.18.2.2 7000 ftag1;1 ttag1;1", &c));
	EXPECT_EQ(RTPP_OP_LOOKUP, c.op);
	EXPECT_EQ("ttag1", S(c.to.tag));
	ASSERT_EQ(0, P("l cid 198.18.2.2 7000 ftag1;1", &c));
	// L takes no notify pair
	EXPECT_EQ(RTPP_E_NARGS, E("L cid 1.2.3.4 4000 ft tt sock tag"));
	EXPECT_EQ(RTPP_E_NARGS, E("L cid 1.2.3.4 4000"));
}

TEST(RtppParse, ArgumentCounts)
{
	EXPECT_EQ(RTPP_E_NARGS, E("U"));
	EXPECT_EQ(RTPP_E_NARGS, E("U cid 1.2.3.4 4000"));
	EXPECT_EQ(RTPP_E_NARGS, E("U cid 1.2.3.4 4000 a b c d e"));
	EXPECT_EQ(RTPP_E_NARGS, E("D cid"));
	EXPECT_EQ(RTPP_E_NARGS, E("D cid a b c"));
	EXPECT_EQ(RTPP_E_NARGS, E("Q cid"));
	EXPECT_EQ(RTPP_E_NARGS, E("I x"));
	EXPECT_EQ(RTPP_E_NARGS, E("X x"));
}

TEST(RtppParse, Syntax)
{
	EXPECT_EQ(RTPP_E_SYNTAX, E(""));
	EXPECT_EQ(RTPP_E_SYNTAX, E(" \t\r\n"));
	std::string many = "Q cid f t";
	for (int i = 0; i < 17; i++)
		many += " ttl";
	EXPECT_EQ(RTPP_E_SYNTAX, E(many)); // 21 words: more than rtpproxy reads
}

TEST(RtppParse, UnknownCommands)
{
	// play, record, copy, norecord, stats: rtpproxy's, not siprelay's
	for (const char *t : { "P cid x 0 f", "S cid f", "R cid f", "C cid x f", "N cid f",
			       "G", "K", "?", "0" })
		EXPECT_EQ(RTPP_E_CMDUNKN, E(t)) << t;
}

TEST(RtppParse, Modifiers)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("UAWIE6Z20C0,8,101N cid ::1 4000 ft", &c));
	EXPECT_TRUE(c.mods.asymmetric);
	EXPECT_TRUE(c.mods.weak);
	EXPECT_TRUE(c.mods.ipv6);
	EXPECT_TRUE(c.mods.new_port);
	ASSERT_EQ(2, c.mods.ndir);
	EXPECT_EQ('i', c.mods.dir[0]);
	EXPECT_EQ('e', c.mods.dir[1]);
	EXPECT_EQ(20u, c.mods.ptime);
	EXPECT_EQ("0,8,101", S(c.mods.codecs));
	EXPECT_EQ(RTPP_FAMILY_IPV6, c.addr.family);
	EXPECT_EQ("4000 ::1 6\n", addr_of(c.addr));
	// s after a: symmetric again (Kamailio's w flag is rtpproxy's S)
	ASSERT_EQ(0, P("Uas cid 1.2.3.4 4000 ft", &c));
	EXPECT_FALSE(c.mods.asymmetric);
	ASSERT_EQ(0, P("USa cid 1.2.3.4 4000 ft", &c));
	EXPECT_TRUE(c.mods.asymmetric);
	ASSERT_EQ(0, P("Uei cid 1.2.3.4 4000 ft", &c));
	EXPECT_EQ('e', c.mods.dir[0]);
	EXPECT_EQ('i', c.mods.dir[1]);
	ASSERT_EQ(0, P("Ue cid 1.2.3.4 4000 ft", &c));
	EXPECT_EQ(1, c.mods.ndir);
	ASSERT_EQ(0, P("Ul198.18.1.1r[2001:db8::2]c8 cid 1.2.3.4 4000 ft", &c));
	EXPECT_EQ("198.18.1.1", S(c.mods.local_addr));
	EXPECT_EQ("2001:db8::2", S(c.mods.remote_addr));
	EXPECT_EQ("8", S(c.mods.codecs));
	ASSERT_EQ(0, P("Lz999 cid 1.2.3.4 4000 ft", &c));
	EXPECT_EQ(999u, c.mods.ptime);
}

TEST(RtppParse, ModifierErrors)
{
	EXPECT_EQ(RTPP_E_UMOD, E("Ux cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_UMOD, E("L? cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_IMOD_UL, E("Ueii cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_EMOD, E("Uiee cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_PTIME, E("Uz cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_PTIME, E("Uz0 cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_PTIME, E("Uz1000 cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_CODECS, E("Uc cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_CODECS, E("Uc0c8 cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_LADDR, E("Ul cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_LADDR, E("Ul1.2.3 cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_RADDR, E("Ur[::1 cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_RADDR, E("Ur[] cid 1.2.3.4 4000 ft"));
	EXPECT_EQ(RTPP_E_DMOD, E("Dx cid ft"));
	EXPECT_EQ(RTPP_E_QMOD, E("Qx cid ft"));
	EXPECT_EQ(RTPP_E_IMOD, E("Il"));
	EXPECT_EQ(RTPP_E_MODS, E("Xa"));
}

TEST(RtppParse, Addresses)
{
	struct rtpp_cmd c;
	// hold: the party keeps the stream without an address
	ASSERT_EQ(0, P("U cid 0.0.0.0 4000 ft", &c));
	EXPECT_TRUE(c.addr.on_hold);
	ASSERT_EQ(0, P("U6 cid :: 4000 ft", &c));
	EXPECT_TRUE(c.addr.on_hold);
	// port 0 (disabled stream) parses
	ASSERT_EQ(0, P("U cid 1.2.3.4 0 ft", &c));
	EXPECT_EQ(0, c.addr.port);
	EXPECT_EQ(RTPP_FAMILY_IPV4, c.addr.family);
	// lengths that cannot be an address of the family: ignored, as rtpproxy does
	ASSERT_EQ(0, P("U cid 2001:db8:0:0:0:0:0:1 4000 ft", &c));
	EXPECT_EQ(0, c.addr.family);
	// IPv6 of an IPv4 length without the 6 modifier: parsed as IPv4, and wrong
	EXPECT_EQ(RTPP_E_ADDR, E("U cid 2001:db8::1 4000 ft"));
	ASSERT_EQ(0, P("U cid ::1 4000 ft", &c));
	EXPECT_EQ(0, c.addr.family);
	ASSERT_EQ(0, P("U cid host 4000 ft", &c));
	EXPECT_EQ(0, c.addr.family);
	// the right length but not an address, or a bad port
	EXPECT_EQ(RTPP_E_ADDR, E("U cid 1.2.3.999 4000 ft"));
	EXPECT_EQ(RTPP_E_ADDR, E("U cid 1.2.3.4 99999 ft"));
	EXPECT_EQ(RTPP_E_ADDR, E("U cid 1.2.3.4 -1 ft"));
	EXPECT_EQ(RTPP_E_ADDR, E("U cid 1.2.3.4 sip ft"));
	EXPECT_EQ(RTPP_E_ADDR, E("U6 cid 2001:db8::g 4000 ft"));
	EXPECT_EQ(RTPP_E_ADDR, E("L cid 1.2.3.4.5 4000 ft"));
}

TEST(RtppParse, Tags)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("D cid ftag ttag", &c));
	EXPECT_EQ(RTPP_OP_DELETE, c.op);
	EXPECT_FALSE(c.from.has_media); // no ;N: every media of the call
	EXPECT_EQ("ftag", S(c.from.tag));
	EXPECT_EQ("ttag", S(c.to.tag));
	ASSERT_EQ(0, P("D cid a;b;12", &c));
	EXPECT_EQ("a;b", S(c.from.tag));
	EXPECT_EQ(12u, c.from.media);
	ASSERT_EQ(0, P("D cid tag;x", &c));
	EXPECT_EQ("tag;x", S(c.from.tag));
	EXPECT_FALSE(c.from.has_media);
	ASSERT_EQ(0, P("D cid 12345", &c));
	EXPECT_EQ("12345", S(c.from.tag));
	ASSERT_EQ(0, P("D cid tag;", &c));
	EXPECT_EQ("tag;", S(c.from.tag));
	ASSERT_EQ(0, P("Dw cid tag", &c));
	EXPECT_TRUE(c.weak);
	// a call-id with Kamailio's ";viabranch" suffix is opaque
	ASSERT_EQ(0, P("D abc@h;z9hG4bK1 f", &c));
	EXPECT_EQ("abc@h;z9hG4bK1", S(c.call_id));
}

TEST(RtppParse, QueryInfoDeleteAll)
{
	struct rtpp_cmd c;
	ASSERT_EQ(0, P("Q cid ft;1 tt;1", &c));
	EXPECT_EQ(RTPP_OP_QUERY, c.op);
	EXPECT_EQ(0u, c.n_counters);
	ASSERT_EQ(0, P("Qv cid ft tt ttl nrelayed rtpa_nlost", &c));
	EXPECT_TRUE(c.verbose);
	ASSERT_EQ(3u, c.n_counters);
	EXPECT_EQ(RTPP_CTR_TTL, c.counters[0]);
	EXPECT_EQ(RTPP_CTR_NRELAYED, c.counters[1]);
	EXPECT_EQ(RTPP_CTR_RTPA_NLOST, c.counters[2]);
	EXPECT_EQ(RTPP_E_QRYFAIL, E("Q cid ft tt bogus"));
	ASSERT_EQ(0, P("I", &c));
	EXPECT_EQ(RTPP_OP_INFO, c.op);
	ASSERT_EQ(0, P("Ib", &c));
	EXPECT_TRUE(c.brief);
	ASSERT_EQ(0, P("X", &c));
	EXPECT_EQ(RTPP_OP_DELETE_ALL, c.op);
}

TEST(RtppCookie, Split)
{
	struct sr_slice cookie, rest;
	std::string m = "4711_1 U cid 1.2.3.4 4000 ft";
	ASSERT_EQ(0, rtpp_split_cookie(m.data(), m.size(), &cookie, &rest));
	EXPECT_EQ("4711_1", S(cookie));
	EXPECT_EQ("U cid 1.2.3.4 4000 ft", S(rest));
	m = "  c1 \t V\n";
	ASSERT_EQ(0, rtpp_split_cookie(m.data(), m.size(), &cookie, &rest));
	EXPECT_EQ("c1", S(cookie));
	EXPECT_EQ("V\n", S(rest));
	m = "lonely";
	ASSERT_EQ(0, rtpp_split_cookie(m.data(), m.size(), &cookie, &rest));
	EXPECT_EQ(0u, rest.len);
	m = " \n ";
	EXPECT_EQ(-1, rtpp_split_cookie(m.data(), m.size(), &cookie, &rest));
	EXPECT_EQ(-1, rtpp_split_cookie("", 0, &cookie, &rest));
}

TEST(RtppNotifyName, Matches)
{
	EXPECT_TRUE(rtpp_notify_name_matches(sr_slice_make("unix:/a", 7), "unix:/a"));
	EXPECT_TRUE(rtpp_notify_name_matches(sr_slice_make("/a", 2), "unix:/a"));
	EXPECT_FALSE(rtpp_notify_name_matches(sr_slice_make("/b", 2), "unix:/a"));
	EXPECT_FALSE(rtpp_notify_name_matches(sr_slice_make("tcp:/a", 6), "unix:/a"));
	EXPECT_TRUE(rtpp_notify_name_matches(sr_slice_make("tcp:1.2.3.4:5", 13), "tcp:1.2.3.4:5"));
	EXPECT_FALSE(rtpp_notify_name_matches(sr_slice_make("1.2.3.4:5", 9), "tcp:1.2.3.4:5"));
}

TEST(RtppFormat, Replies)
{
	char buf[256];
	EXPECT_EQ(4, rtpp_fmt_error(buf, sizeof(buf), 50));
	EXPECT_STREQ("E50\n", buf);
	EXPECT_EQ(3, rtpp_fmt_error(buf, sizeof(buf), 0));
	EXPECT_STREQ("E0\n", buf);
	EXPECT_EQ(9, rtpp_fmt_number(buf, sizeof(buf), 20040107));
	EXPECT_STREQ("20040107\n", buf);
	EXPECT_EQ(2, rtpp_fmt_port(buf, sizeof(buf), 0, NULL));
	EXPECT_STREQ("0\n", buf);
	struct rtpp_addr a = {};
	a.family = RTPP_FAMILY_IPV4;
	a.addr[0] = 198; a.addr[1] = 18; a.addr[2] = 2; a.addr[3] = 1;
	ASSERT_GT(rtpp_fmt_port(buf, sizeof(buf), 30000, &a), 0);
	EXPECT_STREQ("30000 198.18.2.1\n", buf);
	a.family = RTPP_FAMILY_IPV6;
	memset(a.addr, 0, sizeof(a.addr));
	a.addr[0] = 0x20; a.addr[1] = 0x01; a.addr[2] = 0x0d; a.addr[3] = 0xb8; a.addr[15] = 1;
	ASSERT_GT(rtpp_fmt_port(buf, sizeof(buf), 30002, &a), 0);
	EXPECT_STREQ("30002 2001:db8::1 6\n", buf);
	EXPECT_EQ(-ENOSPC, rtpp_fmt_port(buf, 5, 30002, &a));
	EXPECT_EQ(-ENOSPC, rtpp_fmt_error(buf, 3, 50));
}

TEST(RtppFormat, Query)
{
	char buf[256];
	struct rtpp_cmd c;
	struct rtpp_query_vals v = { 57, 100, 90, 190, 3, 180, 2 };
	ASSERT_EQ(0, P("Q cid f t", &c));
	ASSERT_GT(rtpp_fmt_query(buf, sizeof(buf), &c, &v), 0);
	EXPECT_STREQ("57 100 90 190 3\n", buf);
	ASSERT_EQ(0, P("QV cid f t", &c));
	ASSERT_GT(rtpp_fmt_query(buf, sizeof(buf), &c, &v), 0);
	EXPECT_STREQ("ttl=57 npkts_ina=100 npkts_ino=90 nrelayed=190 ndropped=3\n", buf);
	ASSERT_EQ(0, P("Q cid f t rtpa_nrcvd npkts_ino ttl", &c));
	ASSERT_GT(rtpp_fmt_query(buf, sizeof(buf), &c, &v), 0);
	EXPECT_STREQ("180 90 57\n", buf);
	ASSERT_EQ(0, P("Qv cid f t rtpa_nlost", &c));
	ASSERT_GT(rtpp_fmt_query(buf, sizeof(buf), &c, &v), 0);
	EXPECT_STREQ("rtpa_nlost=2\n", buf);
	v.ttl = -1;
	ASSERT_EQ(0, P("Q cid f", &c));
	ASSERT_GT(rtpp_fmt_query(buf, sizeof(buf), &c, &v), 0);
	EXPECT_STREQ("-1 100 90 190 3\n", buf);
	EXPECT_EQ(-ENOSPC, rtpp_fmt_query(buf, 8, &c, &v));
}

TEST(RtppFormat, Info)
{
	char buf[256];
	struct rtpp_info_vals v = { 7, 2, 4, 1000, 990 };
	ASSERT_GT(rtpp_fmt_info(buf, sizeof(buf), &v), 0);
	EXPECT_STREQ("sessions created: 7\nactive sessions: 2\nactive streams: 4\n"
		     "packets received: 1000\npackets transmitted: 990\n", buf);
	EXPECT_EQ(-ENOSPC, rtpp_fmt_info(buf, 20, &v));
}

} // namespace
