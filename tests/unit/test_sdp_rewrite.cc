// SDP rewrite: exact output for the common cases, and rewrite -> reparse round trips
// that check where every stream's media now goes.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include <siprelay/sdp.h>

#include "sdp_test_util.h"

namespace {

struct sr_sdp_relay Relay(const char *addr, uint16_t rtp, uint16_t rtcp = 0, bool mux = false)
{
	struct sr_sdp_relay r = {};
	r.addr = addr;
	r.af = strchr(addr, ':') != nullptr ? SR_SDP_IP6 : SR_SDP_IP4;
	r.rtp_port = rtp;
	r.rtcp_port = rtcp != 0 ? rtcp : (uint16_t)(rtp + 1);
	r.rtcp_mux = mux;
	return r;
}

struct sr_sdp_relay Keep()
{
	struct sr_sdp_relay r = {};
	r.keep = true;
	return r;
}

class SdpRewrite : public ::testing::Test {
protected:
	std::string in;
	std::string out;
	struct sr_sdp s;  // parse of in
	struct sr_sdp s2; // parse of out

	// Parses b, rewrites it, reparses the result; returns the rewrite's return value.
	ssize_t Rewrite(const std::string &b, const std::vector<struct sr_sdp_relay> &relay, unsigned flags = 0)
	{
		in = b;
		int rc = sr_sdp_parse(&s, in.data(), in.size());
		EXPECT_EQ(0, rc) << (s.err ? s.err : "");
		if (rc != 0)
			return rc;
		std::vector<char> buf(in.size() * 2 + 1024);
		ssize_t n = sr_sdp_rewrite(&s, relay.data(), (unsigned)relay.size(), flags, buf.data(), buf.size());
		if (n < 0)
			return n;
		out.assign(buf.data(), (size_t)n);
		rc = sr_sdp_parse(&s2, out.data(), out.size());
		EXPECT_EQ(0, rc) << (s2.err ? s2.err : "") << "\n" << out;
		EXPECT_EQ(s.n_media, s2.n_media);
		return n;
	}

	std::string Addr(const struct sr_sdp &d, unsigned i)
	{
		const struct sr_sdp_conn *c = sr_sdp_media_conn(&d, i);
		return c == nullptr ? "<none>" : S(c->addr);
	}
};

TEST_F(SdpRewrite, TypicalOfferExactBytes)
{
	ASSERT_GT(Rewrite(Body(kOffer), { Relay("198.18.1.1", 30000) }), 0);
	EXPECT_EQ(Body({
			  "v=0",
			  "o=alice 2890844526 2890844528 IN IP4 host.atlanta.example.com",
			  "s=-",
			  "c=IN IP4 198.18.1.1",
			  "t=0 0",
			  "m=audio 30000 RTP/AVP 0 8 101",
			  "a=rtpmap:0 PCMU/8000",
			  "a=rtpmap:101 telephone-event/8000",
			  "a=sendrecv",
		  }),
		  out);
}

TEST_F(SdpRewrite, LfPreserved)
{
	ASSERT_GT(Rewrite(Body(kOffer, "\n"), { Relay("198.18.1.1", 30000, 30005) }), 0);
	EXPECT_EQ(std::string::npos, out.find('\r'));
	EXPECT_FALSE(s2.crlf);
	// The added a=rtcp follows the body's style too.
	EXPECT_NE(std::string::npos, out.find("\na=rtcp:30005\n"));
}

TEST_F(SdpRewrite, CrlfPreservedOnAddedLines)
{
	ASSERT_GT(Rewrite(Body(kOffer), { Relay("198.18.1.1", 30000, 30005) }), 0);
	EXPECT_TRUE(s2.crlf);
	EXPECT_NE(std::string::npos, out.find("\r\na=rtcp:30005\r\n"));
	// Every LF in the output is part of a CRLF.
	for (size_t i = 0; i < out.size(); i++) {
		if (out[i] == '\n') {
			ASSERT_GT(i, 0u);
			ASSERT_EQ('\r', out[i - 1]) << i;
		}
	}
}

TEST_F(SdpRewrite, MixedLineEndsKeptPerLine)
{
	std::string b = "v=0\r\no=- 1 1 IN IP4 a\nc=IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP 0\n";
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000) }), 0);
	EXPECT_EQ("v=0\r\no=- 1 2 IN IP4 a\nc=IN IP4 198.18.1.1\r\nm=audio 2000 RTP/AVP 0\n", out);
}

struct Bump {
	std::string from, to;
};

class SdpVersionBump : public ::testing::TestWithParam<Bump> {};

TEST_P(SdpVersionBump, Increments)
{
	std::string b = "v=0\r\no=- 7 " + GetParam().from + " IN IP4 a\r\ns=-\r\n";
	struct sr_sdp s;
	ASSERT_EQ(0, sr_sdp_parse(&s, b.data(), b.size()));
	char buf[256];
	ssize_t n = sr_sdp_rewrite(&s, nullptr, 0, 0, buf, sizeof(buf));
	ASSERT_GT(n, 0);
	EXPECT_EQ("v=0\r\no=- 7 " + GetParam().to + " IN IP4 a\r\ns=-\r\n", std::string(buf, (size_t)n));
}

INSTANTIATE_TEST_SUITE_P(
	All, SdpVersionBump,
	::testing::Values(Bump{ "0", "1" }, Bump{ "1", "2" }, Bump{ "8", "9" }, Bump{ "9", "10" },
			  Bump{ "999", "1000" }, Bump{ "1299", "1300" }, Bump{ "2890844527", "2890844528" },
			  Bump{ "0099", "0100" }, Bump{ "18446744073709551615", "18446744073709551616" },
			  Bump{ std::string(40, '9'), "1" + std::string(40, '0') },
			  Bump{ "123456789012345678901234567890", "123456789012345678901234567891" }));

TEST_F(SdpRewrite, Ipv6RelayOnIpv4Offer)
{
	ASSERT_GT(Rewrite(Body(kOffer), { Relay("2001:db8::10", 40000) }), 0);
	EXPECT_NE(std::string::npos, out.find("\r\nc=IN IP6 2001:db8::10\r\n"));
	EXPECT_EQ(SR_SDP_IP6, s2.conn.af);
	EXPECT_EQ("2001:db8::10", Addr(s2, 0));
	EXPECT_EQ(40000, s2.media[0].port);
}

TEST_F(SdpRewrite, Ipv6OfferToIpv4Relay)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "t=0 0", "m=audio 5004 RTP/AVP 0",
			       "c=IN IP6 2001:db8::1", "a=rtcp:5005 IN IP6 2001:db8::1" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.2.1", 41000) }), 0);
	EXPECT_EQ(SR_SDP_IP4, s2.media[0].conn.af);
	EXPECT_EQ("198.18.2.1", Addr(s2, 0));
	EXPECT_EQ(41001, s2.media[0].rtcp_port);
	EXPECT_EQ(SR_SDP_IP4, s2.media[0].rtcp_conn.af);
	EXPECT_EQ("198.18.2.1", S(s2.media[0].rtcp_conn.addr));
	EXPECT_NE(std::string::npos, out.find("a=rtcp:41001 IN IP4 198.18.2.1\r\n"));
	// o= is left alone apart from its version.
	EXPECT_EQ("2001:db8::1", S(s2.origin.addr));
}

const std::vector<std::string> kThree = {
	"v=0", "o=- 10 20 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
	"m=audio 49170 RTP/AVP 0",
	"a=rtpmap:0 PCMU/8000",
	"m=video 51372 RTP/AVP 99",
	"c=IN IP4 192.0.2.2",
	"a=rtpmap:99 h263-1998/90000",
	"m=audio 49180 RTP/AVP 8",
};

TEST_F(SdpRewrite, SeveralStreamsSameRelayAddress)
{
	ASSERT_GT(Rewrite(Body(kThree), { Relay("198.18.1.1", 30000), Relay("198.18.1.1", 30002),
					  Relay("198.18.1.1", 30004) }), 0);
	for (unsigned i = 0; i < 3; i++)
		EXPECT_EQ("198.18.1.1", Addr(s2, i)) << i;
	EXPECT_EQ(30000, s2.media[0].port);
	EXPECT_EQ(30002, s2.media[1].port);
	EXPECT_EQ(30004, s2.media[2].port);
	// Nothing inserted: the shared address serves both streams that use it.
	EXPECT_EQ(SR_SDP_AF_NONE, s2.media[0].conn.af);
	EXPECT_EQ(SR_SDP_AF_NONE, s2.media[2].conn.af);
	EXPECT_EQ(std::string::npos, out.find("192.0.2.1\r\nt="));
	EXPECT_EQ(std::string::npos, out.find("192.0.2.2"));
	EXPECT_EQ("21", S(s2.origin.sess_version));
}

TEST_F(SdpRewrite, StreamsWithDifferentAddressesGetMediaLevelC)
{
	ASSERT_GT(Rewrite(Body(kThree), { Relay("198.18.1.1", 30000), Relay("198.18.2.1", 30002),
					  Relay("2001:db8::5", 30004) }), 0);
	EXPECT_EQ("198.18.1.1", S(s2.conn.addr));
	EXPECT_EQ("198.18.1.1", Addr(s2, 0));
	EXPECT_EQ(SR_SDP_AF_NONE, s2.media[0].conn.af);
	EXPECT_EQ("198.18.2.1", Addr(s2, 1));
	EXPECT_EQ("2001:db8::5", Addr(s2, 2));
	EXPECT_EQ(SR_SDP_IP6, s2.media[2].conn.af);
	// The inserted c= sits right after the m= line.
	EXPECT_NE(std::string::npos, out.find("m=audio 30004 RTP/AVP 8\r\nc=IN IP6 2001:db8::5\r\n"));
}

TEST_F(SdpRewrite, InsertedConnGoesAfterInfoLine)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "m=audio 1002 RTP/AVP 0", "i=second line", "b=AS:64", "a=ptime:20" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.2.1", 2002) }), 0);
	EXPECT_NE(std::string::npos, out.find("m=audio 2002 RTP/AVP 0\r\ni=second line\r\nc=IN IP4 198.18.2.1\r\nb=AS:64\r\n"));
	EXPECT_EQ("198.18.2.1", Addr(s2, 1));
}

TEST_F(SdpRewrite, InsertedConnInEmptySection)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "m=audio 1002 RTP/AVP 0" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.2.1", 2002) }), 0);
	EXPECT_EQ("198.18.2.1", Addr(s2, 1));
	const std::string tail = "m=audio 2002 RTP/AVP 0\r\nc=IN IP4 198.18.2.1\r\n";
	ASSERT_GE(out.size(), tail.size());
	EXPECT_EQ(tail, out.substr(out.size() - tail.size()));
}

TEST_F(SdpRewrite, KeptStreamKeepsOldAddressWhenSessionCMoves)
{
	ASSERT_GT(Rewrite(Body(kThree), { Relay("198.18.1.1", 30000), Relay("198.18.1.1", 30002), Keep() }), 0);
	EXPECT_EQ("198.18.1.1", Addr(s2, 0));
	EXPECT_EQ("198.18.1.1", Addr(s2, 1));
	EXPECT_EQ("192.0.2.1", Addr(s2, 2));
	EXPECT_EQ(49180, s2.media[2].port);
	EXPECT_NE(std::string::npos, out.find("m=audio 49180 RTP/AVP 8\r\nc=IN IP4 192.0.2.1\r\n"));
}

TEST_F(SdpRewrite, StreamsBeyondRelayArrayAreKept)
{
	ASSERT_GT(Rewrite(Body(kThree), { Relay("198.18.1.1", 30000) }), 0);
	EXPECT_EQ(30000, s2.media[0].port);
	EXPECT_EQ(51372, s2.media[1].port);
	EXPECT_EQ("192.0.2.2", Addr(s2, 1));
	EXPECT_EQ(49180, s2.media[2].port);
	EXPECT_EQ("192.0.2.1", Addr(s2, 2));
	// The video section is byte for byte the input's.
	std::string video = in.substr(s.media[1].off, s.media[1].end - s.media[1].off);
	EXPECT_EQ(video, out.substr(s2.media[1].off, s2.media[1].end - s2.media[1].off));
}

TEST_F(SdpRewrite, SessionCWithoutUsersTakesFirstRelay)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "c=IN IP4 192.0.2.3" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000) }), 0);
	EXPECT_EQ("198.18.1.1", S(s2.conn.addr)); // the peer's address does not leak
	EXPECT_EQ("198.18.1.1", Addr(s2, 0));
}

TEST_F(SdpRewrite, NoSessionCOnlyMediaC)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "m=audio 1000 RTP/AVP 0", "c=IN IP4 192.0.2.3",
			       "m=video 1002 RTP/AVP 0", "c=IN IP4 192.0.2.4" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.1.2", 2002) }), 0);
	EXPECT_EQ(SR_SDP_AF_NONE, s2.conn.af);
	EXPECT_EQ("198.18.1.1", Addr(s2, 0));
	EXPECT_EQ("198.18.1.2", Addr(s2, 1));
}

TEST_F(SdpRewrite, PortZeroUntouched)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "m=video 0 RTP/AVP 31", "a=rtcp:9" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.2.1", 2002) }), 0);
	EXPECT_EQ(0, s2.media[1].port);
	EXPECT_EQ(9, s2.media[1].rtcp_port);
	EXPECT_EQ(SR_SDP_AF_NONE, s2.media[1].conn.af); // nothing inserted for it
	EXPECT_NE(std::string::npos, out.find("m=video 0 RTP/AVP 31\r\na=rtcp:9\r\n"));
}

TEST_F(SdpRewrite, PortCountKept)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=video 49170/2 RTP/AVP 31" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 30000) }), 0);
	EXPECT_NE(std::string::npos, out.find("m=video 30000/2 RTP/AVP 31\r\n"));
	EXPECT_EQ(2, s2.media[0].port_count);
}

TEST_F(SdpRewrite, MulticastSuffixDropped)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 224.2.1.1/127", "m=audio 1000 RTP/AVP 0" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000) }), 0);
	EXPECT_EQ("IN IP4 198.18.1.1", S(s2.conn.value));
}

TEST_F(SdpRewrite, HoldSessionAddressStays)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 0.0.0.0", "m=audio 1000 RTP/AVP 0",
			       "a=sendonly" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000) }), 0);
	EXPECT_EQ("0.0.0.0", S(s2.conn.addr));
	EXPECT_EQ(SR_SDP_AF_NONE, s2.media[0].conn.af); // no c= inserted over the hold
	EXPECT_EQ(2000, s2.media[0].port);
	EXPECT_TRUE(sr_sdp_media_on_hold(&s2, 0));
	EXPECT_EQ(SR_SDP_SENDONLY, sr_sdp_media_dir(&s2, 0));
}

TEST_F(SdpRewrite, HoldMediaAddressStays)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP6 ::1", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "m=audio 1002 RTP/AVP 0", "c=IN IP6 ::", "a=rtcp:1003 IN IP6 ::", "a=inactive" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.1.1", 2002) }), 0);
	EXPECT_EQ("198.18.1.1", Addr(s2, 0));
	EXPECT_EQ("::", Addr(s2, 1));
	EXPECT_TRUE(s2.media[1].rtcp_conn.unspec);
	EXPECT_EQ(2003, s2.media[1].rtcp_port);
	EXPECT_EQ(SR_SDP_INACTIVE, sr_sdp_media_dir(&s2, 1));
	EXPECT_NE(std::string::npos, out.find("a=rtcp:2003 IN IP6 ::\r\na=inactive\r\n"));
}

TEST_F(SdpRewrite, RtcpForms)
{
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1",
			       "m=audio 1000 RTP/AVP 0", "a=rtcp:1001",
			       "m=audio 1002 RTP/AVP 0", "a=rtcp:53020 IN IP4 126.16.64.4",
			       "m=audio 1004 RTP/AVP 0", "a=rtcp:1005", "a=rtcp-mux",
			       "m=audio 1006 RTP/AVP 0",
			       "m=audio 1008 RTP/AVP 0" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000, 2001), Relay("198.18.1.1", 2002, 3003),
			       Relay("198.18.1.1", 2004, 0, true), Relay("198.18.1.1", 2006, 4007),
			       Relay("198.18.1.1", 2008, 2009) }), 0);
	EXPECT_NE(std::string::npos, out.find("m=audio 2000 RTP/AVP 0\r\na=rtcp:2001\r\n"));
	EXPECT_NE(std::string::npos, out.find("m=audio 2002 RTP/AVP 0\r\na=rtcp:3003 IN IP4 198.18.1.1\r\n"));
	EXPECT_NE(std::string::npos, out.find("m=audio 2004 RTP/AVP 0\r\na=rtcp:2004\r\na=rtcp-mux\r\n"));
	// No a=rtcp and the relay's RTCP port is not RTP + 1: one is added.
	EXPECT_NE(std::string::npos, out.find("m=audio 2006 RTP/AVP 0\r\na=rtcp:4007\r\n"));
	// No a=rtcp and RTP + 1: nothing to say.
	EXPECT_TRUE(out.size() >= 24 && out.compare(out.size() - 24, 24, "m=audio 2008 RTP/AVP 0\r\n") == 0);

	struct sr_sdp_rtcp r;
	sr_sdp_media_rtcp(&s2, 1, &r);
	EXPECT_EQ(3003, r.port);
	EXPECT_EQ("198.18.1.1", S(r.conn->addr));
	sr_sdp_media_rtcp(&s2, 2, &r);
	EXPECT_TRUE(r.mux);
	EXPECT_EQ(2004, r.port);
	sr_sdp_media_rtcp(&s2, 3, &r);
	EXPECT_EQ(4007, r.port);
	sr_sdp_media_rtcp(&s2, 4, &r);
	EXPECT_EQ(2009, r.port);
	EXPECT_FALSE(s2.media[4].has_rtcp);
}

TEST_F(SdpRewrite, AddedLinesAfterUnterminatedLastLine)
{
	std::string b = "v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP 0\r\n"
			"m=audio 1002 RTP/AVP 0\r\na=ptime:20";
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.2.1", 2002, 5000) }), 0);
	EXPECT_EQ("v=0\r\no=- 1 2 IN IP4 a\r\nc=IN IP4 198.18.1.1\r\nm=audio 2000 RTP/AVP 0\r\n"
		  "m=audio 2002 RTP/AVP 0\r\nc=IN IP4 198.18.2.1\r\na=ptime:20\r\na=rtcp:5000\r\n",
		  out);
}

TEST_F(SdpRewrite, BodyCutAfterFinalCr)
{
	// The last CRLF lost its LF: the CR still ends the line, before and after a rewrite
	// that appends to it.
	std::string b = "v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP 0\r\na=rtcp-mux\r";
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000, 3000) }), 0);
	EXPECT_TRUE(s.media[0].rtcp_mux);
	EXPECT_TRUE(s2.media[0].rtcp_mux);
	EXPECT_EQ("v=0\r\no=- 1 2 IN IP4 a\r\nc=IN IP4 198.18.1.1\r\nm=audio 2000 RTP/AVP 0\r\na=rtcp-mux\r\n"
		  "a=rtcp:3000\r\n",
		  out);
}

const std::vector<std::string> kIce = {
	"v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
	"a=ice-ufrag:F7gI", "a=ice-pwd:x9cml/YzichV2+XlhiMu8g", "a=ice-options:trickle", "a=ice-lite",
	"m=audio 1000 RTP/AVP 0",
	"a=candidate:1 1 UDP 2130706431 192.0.2.1 1000 typ host",
	"a=candidate:2 1 UDP 1694498815 198.51.100.3 40000 typ srflx raddr 192.0.2.1 rport 1000",
	"a=remote-candidates:1 192.0.2.9 5000",
	"a=end-of-candidates",
	"a=ice-mismatch",
	"a=ice-pacing:50",
	"a=icecast:yes",
	"a=sendrecv",
	"m=video 1002 RTP/AVP 96",
	"a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901",
	"a=candidate:1 1 UDP 2130706431 192.0.2.1 1002 typ host",
};

TEST_F(SdpRewrite, IceStripped)
{
	ASSERT_GT(Rewrite(Body(kIce), { Relay("198.18.1.1", 2000), Relay("198.18.1.1", 2002) },
			  SR_SDP_RW_STRIP_ICE), 0);
	EXPECT_EQ(Body({ "v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 198.18.1.1", "t=0 0",
			 "m=audio 2000 RTP/AVP 0", "a=icecast:yes", "a=sendrecv", "m=video 2002 RTP/AVP 96" }),
		  out);
	EXPECT_FALSE(s2.ice_ufrag);
	EXPECT_FALSE(s2.ice_pwd);
	EXPECT_FALSE(s2.ice_lite);
	EXPECT_EQ(0, s2.media[0].n_candidates);
	EXPECT_EQ(0, s2.media[1].n_candidates);
	EXPECT_FALSE(s2.media[1].ice_ufrag);
}

TEST_F(SdpRewrite, IceKeptWithoutFlag)
{
	ASSERT_GT(Rewrite(Body(kIce), { Relay("198.18.1.1", 2000), Relay("198.18.1.1", 2002) }), 0);
	EXPECT_TRUE(s2.ice_ufrag);
	EXPECT_TRUE(s2.ice_lite);
	EXPECT_EQ(2, s2.media[0].n_candidates);
	EXPECT_EQ(1, s2.media[1].n_candidates);
	EXPECT_TRUE(s2.media[1].ice_pwd);
}

TEST_F(SdpRewrite, IceKeptInKeptStream)
{
	ASSERT_GT(Rewrite(Body(kIce), { Relay("198.18.1.1", 2000), Keep() }, SR_SDP_RW_STRIP_ICE), 0);
	EXPECT_EQ(0, s2.media[0].n_candidates);
	EXPECT_EQ(1, s2.media[1].n_candidates);
	EXPECT_TRUE(s2.media[1].ice_ufrag);
}

TEST_F(SdpRewrite, EveryRtcpLineRewritten)
{
	// RFC 3605 allows one a=rtcp per stream; a peer that sends two gets both rewritten.
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "m=audio 1000 RTP/AVP 0",
			       "a=rtcp:1001", "a=ptime:20", "a=rtcp:1001 IN IP4 192.0.2.1" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000, 2500) }), 0);
	EXPECT_EQ(2, s.media[0].n_rtcp);
	EXPECT_EQ(Body({ "v=0", "o=- 1 2 IN IP4 a", "c=IN IP4 198.18.1.1", "m=audio 2000 RTP/AVP 0",
			 "a=rtcp:2500", "a=ptime:20", "a=rtcp:2500 IN IP4 198.18.1.1" }),
		  out);
}

TEST_F(SdpRewrite, IceDropsMergeWithOtherEdits)
{
	// The video section is walked (ICE lines to drop): its added c= lands where the first
	// dropped line was, and its a=rtcp between two dropped lines is still rewritten.
	std::string b = Body({ "v=0", "o=- 1 1 IN IP4 a", "c=IN IP4 192.0.2.1", "a=ice-lite",
			       "m=audio 1000 RTP/AVP 0",
			       "m=video 1002 RTP/AVP 96",
			       "a=candidate:1 1 UDP 1 192.0.2.1 1002 typ host",
			       "a=rtcp:1003 IN IP4 192.0.2.1",
			       "a=ice-ufrag:abcd",
			       "a=rtpmap:96 VP8/90000" });
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000), Relay("198.18.2.1", 2002, 2103) }, SR_SDP_RW_STRIP_ICE), 0);
	EXPECT_EQ(Body({ "v=0", "o=- 1 2 IN IP4 a", "c=IN IP4 198.18.1.1",
			 "m=audio 2000 RTP/AVP 0",
			 "m=video 2002 RTP/AVP 96",
			 "c=IN IP4 198.18.2.1",
			 "a=rtcp:2103 IN IP4 198.18.2.1",
			 "a=rtpmap:96 VP8/90000" }),
		  out);
}

TEST_F(SdpRewrite, UnterminatedIceLineDropped)
{
	std::string b = "v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP 0\r\n"
			"a=end-of-candidates";
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000, 2999) }, SR_SDP_RW_STRIP_ICE), 0);
	EXPECT_EQ("v=0\r\no=- 1 2 IN IP4 a\r\nc=IN IP4 198.18.1.1\r\nm=audio 2000 RTP/AVP 0\r\n"
		  "a=rtcp:2999\r\n",
		  out);
}

TEST_F(SdpRewrite, UnknownLinesKeptByteForByte)
{
	std::string b = "v=0\r\no=- 1 1 IN IP4 a\r\ny=future \x01\r\nb=AS:64\r\n\r\nc=IN IP4 192.0.2.1\t\r\n"
			"m=audio 1000 RTP/AVP 0  \r\na=x-vendor:\xff\r\na=rtcp-fb:* nack\r\n";
	ASSERT_GT(Rewrite(b, { Relay("198.18.1.1", 2000) }), 0);
	EXPECT_EQ("v=0\r\no=- 1 2 IN IP4 a\r\ny=future \x01\r\nb=AS:64\r\n\r\nc=IN IP4 198.18.1.1\t\r\n"
		  "m=audio 2000 RTP/AVP 0  \r\na=x-vendor:\xff\r\na=rtcp-fb:* nack\r\n",
		  out);
}

TEST_F(SdpRewrite, NoSpace)
{
	std::string b = Body(kThree);
	struct sr_sdp d;
	ASSERT_EQ(0, sr_sdp_parse(&d, b.data(), b.size()));
	std::vector<struct sr_sdp_relay> r = { Relay("198.18.1.1", 30000, 30100), Relay("2001:db8::5", 30002),
					       Relay("198.18.1.1", 30004) };
	std::vector<char> big(4096);
	ssize_t need = sr_sdp_rewrite(&d, r.data(), 3, 0, big.data(), big.size());
	ASSERT_GT(need, 0);
	for (size_t cap = 0; cap < (size_t)need; cap++) {
		std::vector<char> small(cap + 1);
		ASSERT_EQ(-ENOSPC, sr_sdp_rewrite(&d, r.data(), 3, 0, small.data(), cap)) << cap;
	}
	EXPECT_EQ(-ENOSPC, sr_sdp_rewrite(&d, r.data(), 3, 0, nullptr, 0));
	std::vector<char> exact((size_t)need);
	ASSERT_EQ(need, sr_sdp_rewrite(&d, r.data(), 3, 0, exact.data(), exact.size()));
	EXPECT_EQ(0, memcmp(exact.data(), big.data(), (size_t)need));
}

TEST_F(SdpRewrite, BadRelayEntries)
{
	std::string b = Body(kOffer);
	struct sr_sdp d;
	ASSERT_EQ(0, sr_sdp_parse(&d, b.data(), b.size()));
	char buf[1024];
	const char *bad_addrs[] = { "", "198.18.1.1\r\na=x", "198.18.1.1 ", "host.example.com",
				    "0123456789abcdef0123456789abcdef0123456789abc:" };
	for (const char *a : bad_addrs) {
		struct sr_sdp_relay r = Relay(a[0] ? a : "x", 2000);
		r.addr = a;
		EXPECT_EQ(-EINVAL, sr_sdp_rewrite(&d, &r, 1, 0, buf, sizeof(buf))) << a;
	}
	struct sr_sdp_relay r = Relay("198.18.1.1", 2000);
	r.af = 5;
	EXPECT_EQ(-EINVAL, sr_sdp_rewrite(&d, &r, 1, 0, buf, sizeof(buf)));
	r = Relay("198.18.1.1", 2000);
	r.addr = nullptr;
	EXPECT_EQ(-EINVAL, sr_sdp_rewrite(&d, &r, 1, 0, buf, sizeof(buf)));
	// A bad entry for a kept or disabled stream is never looked at.
	r.keep = true;
	EXPECT_GT(sr_sdp_rewrite(&d, &r, 1, 0, buf, sizeof(buf)), 0);
	// Longest valid address.
	r = Relay("0000:0000:0000:0000:0000:ffff:192.168.100.200", 2000);
	EXPECT_GT(sr_sdp_rewrite(&d, &r, 1, 0, buf, sizeof(buf)), 0);
}

TEST_F(SdpRewrite, RewriteIsStableOnItsOwnOutput)
{
	std::vector<struct sr_sdp_relay> r = { Relay("198.18.1.1", 30000), Relay("198.18.2.1", 30002),
					       Relay("198.18.1.1", 30004, 31000) };
	ASSERT_GT(Rewrite(Body(kThree), r), 0);
	std::string first = out;
	ASSERT_GT(Rewrite(first, r), 0);
	// Second pass: same text except o= version again one higher.
	std::string expect = first;
	size_t pos = expect.find(" 21 IN IP4");
	ASSERT_NE(std::string::npos, pos);
	expect.replace(pos, 3, " 22");
	EXPECT_EQ(expect, out);
}

} // namespace
