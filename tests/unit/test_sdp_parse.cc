// SDP parse: every field the relay reads, every level rule, every rejection path.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include <siprelay/sdp.h>

#include "sdp_test_util.h"

namespace {

class SdpParse : public ::testing::Test {
protected:
	std::string body;
	struct sr_sdp s;

	int Parse(const std::string &b)
	{
		body = b;
		return sr_sdp_parse(&s, body.data(), body.size());
	}

	// Every slice the parser hands out must lie inside the body.
	void ExpectInside(struct sr_slice sl)
	{
		if (sl.p == nullptr)
			return;
		EXPECT_GE(sl.p, body.data());
		EXPECT_LE(sl.p + sl.len, body.data() + body.size());
	}
};

TEST_F(SdpParse, TypicalOfferCrlf)
{
	ASSERT_EQ(0, Parse(Body(kOffer)));
	EXPECT_TRUE(s.crlf);
	EXPECT_EQ(body.data(), s.buf);
	EXPECT_EQ(body.size(), s.len);
	EXPECT_EQ("alice", S(s.origin.username));
	EXPECT_EQ("2890844526", S(s.origin.sess_id));
	EXPECT_EQ("2890844527", S(s.origin.sess_version));
	EXPECT_EQ("IN", S(s.origin.nettype));
	EXPECT_EQ("IP4", S(s.origin.addrtype));
	EXPECT_EQ("host.atlanta.example.com", S(s.origin.addr));
	EXPECT_EQ("alice 2890844526 2890844527 IN IP4 host.atlanta.example.com", S(s.origin.value));
	EXPECT_EQ(SR_SDP_IP4, s.conn.af);
	EXPECT_EQ("192.0.2.101", S(s.conn.addr));
	EXPECT_EQ("IN IP4 192.0.2.101", S(s.conn.value));
	EXPECT_FALSE(s.conn.unspec);
	EXPECT_EQ(SR_SDP_DIR_NONE, s.dir);

	ASSERT_EQ(1, s.n_media);
	const struct sr_sdp_media &m = s.media[0];
	EXPECT_EQ("audio", S(m.type));
	EXPECT_EQ(49170, m.port);
	EXPECT_EQ("49170", S(m.port_str));
	EXPECT_EQ(1, m.port_count);
	EXPECT_EQ("RTP/AVP", S(m.proto));
	EXPECT_EQ("0 8 101", S(m.fmts));
	EXPECT_EQ(SR_SDP_AF_NONE, m.conn.af);
	EXPECT_EQ(SR_SDP_SENDRECV, m.dir);
	EXPECT_FALSE(m.has_rtcp);
	EXPECT_FALSE(m.rtcp_mux);
	EXPECT_EQ(0, m.n_candidates);
	EXPECT_EQ(body.find("m=audio"), m.off);
	EXPECT_EQ(body.size(), m.end);
	EXPECT_EQ(m.off, s.sess_end);
	EXPECT_FALSE(sr_sdp_media_disabled(&s, 0));
	EXPECT_EQ(&s.conn, sr_sdp_media_conn(&s, 0));
	EXPECT_EQ(SR_SDP_SENDRECV, sr_sdp_media_dir(&s, 0));
	EXPECT_FALSE(sr_sdp_media_on_hold(&s, 0));
	EXPECT_EQ(nullptr, s.err);
}

TEST_F(SdpParse, LfLineEnds)
{
	ASSERT_EQ(0, Parse(Body(kOffer, "\n")));
	EXPECT_FALSE(s.crlf);
	EXPECT_EQ("192.0.2.101", S(s.conn.addr));
	ASSERT_EQ(1, s.n_media);
	EXPECT_EQ("0 8 101", S(s.media[0].fmts));
	EXPECT_EQ("2890844527", S(s.origin.sess_version));
}

TEST_F(SdpParse, LastLineWithoutLineEnd)
{
	std::string b = Body(kOffer);
	b.resize(b.size() - 2);
	ASSERT_EQ(0, Parse(b));
	EXPECT_EQ(SR_SDP_SENDRECV, s.media[0].dir);
	EXPECT_EQ(body.size(), s.media[0].end);
}

TEST_F(SdpParse, NoMediaIsValid)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0" })));
	EXPECT_EQ(0, s.n_media);
	EXPECT_EQ(body.size(), s.sess_end);
	EXPECT_EQ(SR_SDP_AF_NONE, s.conn.af);
}

TEST_F(SdpParse, Ipv6)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1",
				 "t=0 0", "m=audio 5004 RTP/AVP 0", "c=IN IP6 2001:db8::ffff:192.0.2.7" })));
	EXPECT_EQ(SR_SDP_IP6, s.conn.af);
	EXPECT_EQ("2001:db8::1", S(s.conn.addr));
	EXPECT_EQ("IP6", S(s.origin.addrtype));
	EXPECT_EQ(SR_SDP_IP6, s.media[0].conn.af);
	EXPECT_EQ("2001:db8::ffff:192.0.2.7", S(s.media[0].conn.addr));
	EXPECT_EQ(&s.media[0].conn, sr_sdp_media_conn(&s, 0));
}

TEST_F(SdpParse, NettypeAndAddrtypeAreCaseInsensitive)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=in ip4 192.0.2.1" })));
	EXPECT_EQ(SR_SDP_IP4, s.conn.af);
}

TEST_F(SdpParse, SeveralMediaSections)
{
	ASSERT_EQ(0, Parse(Body({
		"v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
		"m=audio 49170 RTP/AVP 0",
		"m=video 51372 RTP/AVP 99",
		"c=IN IP4 192.0.2.2",
		"a=rtpmap:99 h263-1998/90000",
		"m=application 5000 UDP/BFCP *",
	})));
	ASSERT_EQ(3, s.n_media);
	EXPECT_EQ("audio", S(s.media[0].type));
	EXPECT_EQ("video", S(s.media[1].type));
	EXPECT_EQ("application", S(s.media[2].type));
	EXPECT_EQ("UDP/BFCP", S(s.media[2].proto));
	EXPECT_EQ("*", S(s.media[2].fmts));
	EXPECT_EQ(&s.conn, sr_sdp_media_conn(&s, 0));
	EXPECT_EQ("192.0.2.2", S(sr_sdp_media_conn(&s, 1)->addr));
	EXPECT_EQ(&s.conn, sr_sdp_media_conn(&s, 2));
	// Sections tile the body after the session part.
	EXPECT_EQ(s.sess_end, s.media[0].off);
	EXPECT_EQ(s.media[0].end, s.media[1].off);
	EXPECT_EQ(s.media[1].end, s.media[2].off);
	EXPECT_EQ(body.size(), s.media[2].end);
	EXPECT_EQ(0, body.compare(s.media[1].off, 8, "m=video "));
}

TEST_F(SdpParse, SixteenMediaAccepted)
{
	std::vector<std::string> l = { "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1" };
	for (int i = 0; i < SR_SDP_MAX_MEDIA; i++)
		l.push_back("m=audio " + std::to_string(2000 + 2 * i) + " RTP/AVP 0");
	ASSERT_EQ(0, Parse(Body(l)));
	EXPECT_EQ(SR_SDP_MAX_MEDIA, s.n_media);
	EXPECT_EQ(2030, s.media[15].port);
}

TEST_F(SdpParse, PortCount)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1",
				 "m=video 49170/2 RTP/AVP 31" })));
	EXPECT_EQ(49170, s.media[0].port);
	EXPECT_EQ(2, s.media[0].port_count);
	EXPECT_EQ("49170", S(s.media[0].port_str));
}

TEST_F(SdpParse, MulticastSuffixesIgnored)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 224.2.1.1/127/3",
				 "m=audio 5000 RTP/AVP 0", "c=IN IP6 ff15::101/3" })));
	EXPECT_EQ("224.2.1.1", S(s.conn.addr));
	EXPECT_EQ("IN IP4 224.2.1.1/127/3", S(s.conn.value));
	EXPECT_EQ("ff15::101", S(s.media[0].conn.addr));
}

TEST_F(SdpParse, PortZeroIsDisabledAndNeedsNoAddress)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "m=audio 5000 RTP/AVP 0", "c=IN IP4 192.0.2.5",
				 "m=video 0 RTP/AVP 31" })));
	EXPECT_FALSE(sr_sdp_media_disabled(&s, 0));
	EXPECT_TRUE(sr_sdp_media_disabled(&s, 1));
	EXPECT_EQ(nullptr, sr_sdp_media_conn(&s, 1));
}

TEST_F(SdpParse, RtcpPortOnly)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 49170 RTP/AVP 0",
				 "a=rtcp:53020" })));
	EXPECT_TRUE(s.media[0].has_rtcp);
	EXPECT_EQ(53020, s.media[0].rtcp_port);
	EXPECT_EQ(SR_SDP_AF_NONE, s.media[0].rtcp_conn.af);
	struct sr_sdp_rtcp r;
	sr_sdp_media_rtcp(&s, 0, &r);
	EXPECT_EQ(53020, r.port);
	EXPECT_EQ(53020, r.demux_port);
	EXPECT_FALSE(r.mux);
	EXPECT_EQ(&s.conn, r.conn);
}

TEST_F(SdpParse, RtcpWithAddress)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 49170 RTP/AVP 0",
				 "a=rtcp:53020 IN IP4 126.16.64.4", "m=audio 49180 RTP/AVP 0",
				 "a=rtcp:53022 IN IP6 2001:db8::7" })));
	EXPECT_EQ(53020, s.media[0].rtcp_port);
	EXPECT_EQ(SR_SDP_IP4, s.media[0].rtcp_conn.af);
	EXPECT_EQ("126.16.64.4", S(s.media[0].rtcp_conn.addr));
	EXPECT_EQ(SR_SDP_IP6, s.media[1].rtcp_conn.af);
	EXPECT_EQ("2001:db8::7", S(s.media[1].rtcp_conn.addr));
	struct sr_sdp_rtcp r;
	sr_sdp_media_rtcp(&s, 0, &r);
	EXPECT_EQ(&s.media[0].rtcp_conn, r.conn);
}

TEST_F(SdpParse, RtcpDefaultsToPortPlusOne)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 49170 RTP/AVP 0",
				 "m=audio 65535 RTP/AVP 0" })));
	struct sr_sdp_rtcp r;
	sr_sdp_media_rtcp(&s, 0, &r);
	EXPECT_EQ(49171, r.port);
	EXPECT_EQ(49171, r.demux_port);
	sr_sdp_media_rtcp(&s, 1, &r);
	EXPECT_EQ(0, r.demux_port); // no port after 65535
}

TEST_F(SdpParse, RtcpMux)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 49170 RTP/AVP 0",
				 "a=rtcp:49171", "a=rtcp-mux", "m=audio 49172 RTP/AVP 0" })));
	EXPECT_TRUE(s.media[0].rtcp_mux);
	EXPECT_FALSE(s.media[1].rtcp_mux);
	struct sr_sdp_rtcp r;
	sr_sdp_media_rtcp(&s, 0, &r);
	EXPECT_TRUE(r.mux);
	EXPECT_EQ(49170, r.port);
	EXPECT_EQ(49171, r.demux_port);
}

TEST_F(SdpParse, DirectionLevels)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "a=sendonly",
				 "m=audio 1000 RTP/AVP 0",
				 "m=audio 1002 RTP/AVP 0", "a=recvonly",
				 "m=audio 1004 RTP/AVP 0", "a=inactive",
				 "m=audio 1006 RTP/AVP 0", "a=sendrecv" })));
	EXPECT_EQ(SR_SDP_SENDONLY, s.dir);
	EXPECT_EQ(SR_SDP_DIR_NONE, s.media[0].dir);
	EXPECT_EQ(SR_SDP_SENDONLY, sr_sdp_media_dir(&s, 0));
	EXPECT_EQ(SR_SDP_RECVONLY, sr_sdp_media_dir(&s, 1));
	EXPECT_EQ(SR_SDP_INACTIVE, sr_sdp_media_dir(&s, 2));
	EXPECT_EQ(SR_SDP_SENDRECV, sr_sdp_media_dir(&s, 3));
	EXPECT_TRUE(sr_sdp_media_on_hold(&s, 0));
	EXPECT_FALSE(sr_sdp_media_on_hold(&s, 1)); // recvonly answers a hold, it is not one
	EXPECT_TRUE(sr_sdp_media_on_hold(&s, 2));
	EXPECT_FALSE(sr_sdp_media_on_hold(&s, 3));
}

TEST_F(SdpParse, DirectionDefaultAndLastWins)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
				 "m=audio 1002 RTP/AVP 0", "a=sendonly", "a=inactive" })));
	EXPECT_EQ(SR_SDP_SENDRECV, sr_sdp_media_dir(&s, 0));
	EXPECT_EQ(SR_SDP_INACTIVE, sr_sdp_media_dir(&s, 1));
}

TEST_F(SdpParse, DirectionNames)
{
	EXPECT_STREQ("sendrecv", sr_sdp_dir_name(SR_SDP_SENDRECV));
	EXPECT_STREQ("sendonly", sr_sdp_dir_name(SR_SDP_SENDONLY));
	EXPECT_STREQ("recvonly", sr_sdp_dir_name(SR_SDP_RECVONLY));
	EXPECT_STREQ("inactive", sr_sdp_dir_name(SR_SDP_INACTIVE));
	EXPECT_STREQ("none", sr_sdp_dir_name(SR_SDP_DIR_NONE));
}

TEST_F(SdpParse, HoldByUnspecifiedAddress)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 2 IN IP4 a", "c=IN IP4 0.0.0.0", "m=audio 1000 RTP/AVP 0",
				 "m=audio 1002 RTP/AVP 0", "c=IN IP6 ::", "m=audio 1004 RTP/AVP 0",
				 "c=IN IP4 192.0.2.9" })));
	EXPECT_TRUE(s.conn.unspec);
	EXPECT_TRUE(sr_sdp_media_on_hold(&s, 0));
	EXPECT_TRUE(s.media[1].conn.unspec);
	EXPECT_TRUE(sr_sdp_media_on_hold(&s, 1));
	EXPECT_FALSE(s.media[2].conn.unspec);
	EXPECT_FALSE(sr_sdp_media_on_hold(&s, 2));
}

TEST_F(SdpParse, Ice)
{
	ASSERT_EQ(0, Parse(Body({
		"v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1",
		"a=ice-ufrag:F7gI", "a=ice-pwd:x9cml/YzichV2+XlhiMu8g", "a=ice-lite",
		"m=audio 1000 RTP/AVP 0",
		"a=candidate:1 1 UDP 2130706431 192.0.2.1 1000 typ host",
		"a=candidate:1 2 UDP 2130706430 192.0.2.1 1001 typ host",
		"a=candidate:2 1 UDP 1694498815 198.51.100.3 40000 typ srflx raddr 192.0.2.1 rport 1000",
		"a=end-of-candidates",
		"m=video 1002 RTP/AVP 96",
		"a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901",
	})));
	EXPECT_TRUE(s.ice_ufrag);
	EXPECT_TRUE(s.ice_pwd);
	EXPECT_TRUE(s.ice_lite);
	EXPECT_EQ(3, s.media[0].n_candidates);
	EXPECT_FALSE(s.media[0].ice_ufrag);
	EXPECT_EQ(0, s.media[1].n_candidates);
	EXPECT_TRUE(s.media[1].ice_ufrag);
	EXPECT_TRUE(s.media[1].ice_pwd);
}

TEST_F(SdpParse, LiberalWithUnknownLinesAndAttributes)
{
	ASSERT_EQ(0, Parse(std::string("\r\nv=0\r\no=- 1 1 IN IP4 a\r\ny=future\r\nb=AS:64\r\n\r\n"
				       "c=IN IP4 192.0.2.1  \r\nz=0 -1h\r\nk=prompt\r\n"
				       "m=audio 1000 RTP/AVP 0 \r\na=x-vendor:\x01\x02\r\na=fmtp:101 0-15\r\n"
				       "a=rtcp-fb:* nack\r\na=rtcpx\r\n\r\n")));
	EXPECT_EQ("192.0.2.1", S(s.conn.addr)); // trailing blanks trimmed
	EXPECT_EQ("0", S(s.media[0].fmts));
	EXPECT_FALSE(s.media[0].has_rtcp); // rtcp-fb and rtcpx are not rtcp
	EXPECT_FALSE(s.media[0].rtcp_mux);
}

TEST_F(SdpParse, NulBytesOutsideDecodedFields)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0" });
	b += std::string("a=x:\0\0\0\r\n", 9);
	ASSERT_EQ(0, Parse(b));
	EXPECT_EQ(1, s.n_media);
}

TEST_F(SdpParse, SlicesStayInsideTheBody)
{
	ASSERT_EQ(0, Parse(Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000/2 RTP/AVP",
				 "a=rtcp:9 IN IP4 192.0.2.3" }, "\n")));
	ExpectInside(s.origin.value);
	ExpectInside(s.conn.value);
	ExpectInside(s.media[0].fmts);
	ExpectInside(s.media[0].rtcp_conn.addr);
	EXPECT_EQ(0u, s.media[0].fmts.len); // m= without formats tolerated
}

struct Reject {
	const char *name;
	std::string body;
	int rc;
	const char *reason;
};

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 a\r\n";
const std::string kHeadC = kHead + "c=IN IP4 192.0.2.1\r\n";

std::string TooMany()
{
	std::string b = kHeadC;
	for (int i = 0; i <= SR_SDP_MAX_MEDIA; i++)
		b += "m=audio 1000 RTP/AVP 0\r\n";
	return b;
}

class SdpReject : public ::testing::TestWithParam<Reject> {};

TEST_P(SdpReject, Refused)
{
	const Reject &r = GetParam();
	struct sr_sdp s;
	EXPECT_EQ(r.rc, sr_sdp_parse(&s, r.body.data(), r.body.size())) << r.name;
	ASSERT_NE(nullptr, s.err) << r.name;
	EXPECT_STREQ(r.reason, s.err) << r.name;
}

INSTANTIATE_TEST_SUITE_P(
	All, SdpReject,
	::testing::Values(
		Reject{ "empty", "", -EINVAL, "empty SDP body" },
		Reject{ "blank", "\r\n\n", -EINVAL, "empty SDP body" },
		Reject{ "v_not_first", "o=- 1 1 IN IP4 a\r\nv=0\r\n", -EINVAL, "v= is not the first line" },
		Reject{ "v_one", "v=1\r\no=- 1 1 IN IP4 a\r\n", -EINVAL, "unsupported SDP version" },
		Reject{ "v_empty", "v=\r\no=- 1 1 IN IP4 a\r\n", -EINVAL, "unsupported SDP version" },
		Reject{ "v_twice", kHead + "v=0\r\n", -EINVAL, "duplicate v= line" },
		Reject{ "uppercase_type", "V=0\r\no=- 1 1 IN IP4 a\r\n", -EINVAL, "line is not type=value" },
		Reject{ "not_type_value", kHead + "hello\r\n", -EINVAL, "line is not type=value" },
		Reject{ "space_before_eq", kHead + "s =x\r\n", -EINVAL, "line is not type=value" },
		Reject{ "lone_letter", kHead + "s\r\n", -EINVAL, "line is not type=value" },
		Reject{ "no_o", "v=0\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n", -EINVAL, "no o= line" },
		Reject{ "o_twice", kHead + "o=- 1 1 IN IP4 a\r\n", -EINVAL, "duplicate o= line" },
		Reject{ "o_in_media", "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 1 RTP/AVP 0\r\no=- 1 1 IN IP4 a\r\n",
			-EINVAL, "o= inside a media section" },
		Reject{ "o_five_fields", "v=0\r\no=- 1 1 IN IP4\r\n", -EINVAL, "o= line malformed" },
		Reject{ "o_seven_fields", "v=0\r\no=- 1 1 IN IP4 a b\r\n", -EINVAL, "o= line malformed" },
		Reject{ "o_version_alpha", "v=0\r\no=- 1 1a IN IP4 a\r\n", -EINVAL, "o= sess-version not numeric" },
		Reject{ "c_nettype", kHead + "c=ATM NSAP 47.0005\r\n", -EINVAL, "c= nettype is not IN" },
		Reject{ "c_addrtype", kHead + "c=IN IP5 192.0.2.1\r\n", -EINVAL, "c= addrtype unknown" },
		Reject{ "c_two_fields", kHead + "c=IN IP4\r\n", -EINVAL, "c= line malformed" },
		Reject{ "c_extra_field", kHead + "c=IN IP4 192.0.2.1 x\r\n", -EINVAL, "c= line malformed" },
		Reject{ "c_empty", kHead + "c=\r\n", -EINVAL, "c= line malformed" },
		Reject{ "c_bad_char", kHead + "c=IN IP4 192.0.2.1\"\r\n", -EINVAL, "c= address invalid" },
		Reject{ "c_only_suffix", kHead + "c=IN IP4 /127\r\n", -EINVAL, "c= address invalid" },
		Reject{ "c_bad_ttl", kHead + "c=IN IP4 224.2.1.1/abc\r\n", -EINVAL, "c= address invalid" },
		Reject{ "c_three_suffixes", kHead + "c=IN IP4 224.2.1.1/1/2/3\r\n", -EINVAL, "c= address invalid" },
		Reject{ "c_nul", kHead + std::string("c=IN IP4 192.0.2.\0\r\n", 20), -EINVAL, "c= address invalid" },
		Reject{ "c_twice_session", kHeadC + "c=IN IP4 192.0.2.2\r\n", -EINVAL, "duplicate c= line" },
		Reject{ "c_twice_media", kHead + "m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.2\r\n",
			-EINVAL, "duplicate c= line" },
		Reject{ "m_no_proto", kHeadC + "m=audio 1000\r\n", -EINVAL, "m= line malformed" },
		Reject{ "m_empty", kHeadC + "m=\r\n", -EINVAL, "m= line malformed" },
		Reject{ "m_port_alpha", kHeadC + "m=audio abc RTP/AVP 0\r\n", -EINVAL, "m= port invalid" },
		Reject{ "m_port_big", kHeadC + "m=audio 70000 RTP/AVP 0\r\n", -EINVAL, "m= port invalid" },
		Reject{ "m_port_neg", kHeadC + "m=audio -1 RTP/AVP 0\r\n", -EINVAL, "m= port invalid" },
		Reject{ "m_count_zero", kHeadC + "m=audio 1000/0 RTP/AVP 0\r\n", -EINVAL, "m= port count invalid" },
		Reject{ "m_count_empty", kHeadC + "m=audio 1000/ RTP/AVP 0\r\n", -EINVAL, "m= port count invalid" },
		Reject{ "m_too_many", TooMany(), -E2BIG, "too many m= lines" },
		Reject{ "no_address", kHead + "m=audio 1000 RTP/AVP 0\r\n", -EINVAL, "stream has no connection address" },
		Reject{ "no_address_second", kHead + "m=audio 1000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nm=video 1002 RTP/AVP 0\r\n",
			-EINVAL, "stream has no connection address" },
		Reject{ "rtcp_no_colon", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp\r\n", -EINVAL, "a=rtcp malformed" },
		Reject{ "rtcp_empty", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:\r\n", -EINVAL, "a=rtcp port invalid" },
		Reject{ "rtcp_alpha", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:abc\r\n", -EINVAL, "a=rtcp port invalid" },
		Reject{ "rtcp_big", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:65536\r\n", -EINVAL, "a=rtcp port invalid" },
		Reject{ "rtcp_partial", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:5000 IN\r\n", -EINVAL, "a=rtcp malformed" },
		Reject{ "rtcp_nettype", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:5000 XX IP4 192.0.2.1\r\n", -EINVAL,
			"a=rtcp nettype is not IN" },
		Reject{ "rtcp_addrtype", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:5000 IN IP9 192.0.2.1\r\n", -EINVAL,
			"a=rtcp addrtype unknown" },
		Reject{ "rtcp_addr", kHeadC + "m=audio 1 RTP/AVP 0\r\na=rtcp:5000 IN IP4 <x>\r\n", -EINVAL,
			"a=rtcp address invalid" },
		Reject{ "attr_no_name", kHeadC + "a=:x\r\n", -EINVAL, "a= line without attribute name" },
		Reject{ "attr_empty", kHeadC + "m=audio 1 RTP/AVP 0\r\na=\r\n", -EINVAL, "a= line without attribute name" }),
	[](const ::testing::TestParamInfo<Reject> &i) { return std::string(i.param.name); });

TEST(SdpParseLimits, EmptyBodyMayBeNull)
{
	struct sr_sdp s;
	EXPECT_EQ(-EINVAL, sr_sdp_parse(&s, nullptr, 0));
	EXPECT_STREQ("empty SDP body", s.err);
}

TEST(SdpParseLimits, OversizedBodyRefusedBeforeReading)
{
	// Slices hold 32-bit lengths: a larger body is refused up front, without a read.
	const char b[] = "v=0\r\n";
	struct sr_sdp s;
	EXPECT_EQ(-EMSGSIZE, sr_sdp_parse(&s, b, (size_t)UINT32_MAX + 1));
	EXPECT_STREQ("SDP body too large", s.err);
}

TEST(SdpParseLimits, TruncatedPrefixesNeverCrash)
{
	// Every prefix of a full body either parses or is refused with a reason.
	std::string full = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
				  "a=rtcp:1001 IN IP4 192.0.2.1", "a=candidate:1 1 UDP 1 192.0.2.1 1000 typ host" });
	int ok = 0;
	for (size_t n = 0; n <= full.size(); n++) {
		std::vector<char> exact(full.begin(), full.begin() + n);
		struct sr_sdp s;
		int rc = sr_sdp_parse(&s, exact.data(), n);
		if (rc == 0)
			ok++;
		else
			EXPECT_NE(nullptr, s.err);
	}
	EXPECT_GT(ok, 0);
}

} // namespace
