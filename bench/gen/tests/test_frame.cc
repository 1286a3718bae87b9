// SPDX-License-Identifier: BSD-3-Clause
// srgen's frame builder against an independent reading of the bytes: RFC 1071 checksums
// summed the textbook way (big-endian 16-bit words), every header field by offset, the
// RTP header and stamp, and the SIP OPTIONS payload through the relay's own SIP parser.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "frame.h"
#include "wire.h"
#ifdef HAVE_SIPMSG
#include <siprelay/sip.h>
#endif
}

namespace {

using Bytes = std::vector<uint8_t>;

uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }
uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

// RFC 1071, one 16-bit big-endian word at a time; odd length padded with a zero byte.
uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum = 0)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += be16(p + i);
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

// The UDP checksum a receiver computes over pseudo header + datagram (0 = valid).
uint16_t udp_verify(const uint8_t *ip, const uint8_t *udp)
{
	uint16_t ulen = be16(udp + 4);
	uint32_t s = sum16(ip + 12, 8); // addresses
	s += 17 + ulen;
	return finish(sum16(udp, ulen, s));
}

struct Built {
	Bytes frame;
	const uint8_t *ip() const { return frame.data() + 14; }
	const uint8_t *udp() const { return frame.data() + 34; }
	const uint8_t *payload() const { return frame.data() + 42; }
};

const uint8_t kSrcMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

gen_flow flow(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	gen_flow f = {};
	inet_pton(AF_INET, src, &f.src);
	inet_pton(AF_INET, dst, &f.dst);
	f.sport = sport;
	f.dport = dport;
	const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	memcpy(f.dst_mac, mac, 6);
	return f;
}

Built build(const gen_flow &f, const Bytes &payload, uint16_t id = 7)
{
	Built b;
	b.frame.assign(SRGEN_HDRS_LEN + payload.size() + 16, 0xa5); // slack must stay untouched
	if (!payload.empty())
		memcpy(b.frame.data() + SRGEN_HDRS_LEN, payload.data(), payload.size());
	size_t n = frame_udp4(b.frame.data(), kSrcMac, &f, payload.size(), id);
	EXPECT_EQ(n, SRGEN_HDRS_LEN + payload.size());
	for (size_t i = n; i < b.frame.size(); i++)
		EXPECT_EQ(b.frame[i], 0xa5) << "wrote past the frame at " << i;
	b.frame.resize(n);
	return b;
}

TEST(Frame, EthernetIpAndUdpHeaderFields)
{
	gen_flow f = flow("198.18.1.2", 20002, "198.18.1.1", 30004);
	Built b = build(f, Bytes(172, 0), 0x1234);
	const uint8_t *e = b.frame.data();
	EXPECT_EQ(memcmp(e, f.dst_mac, 6), 0);
	EXPECT_EQ(memcmp(e + 6, kSrcMac, 6), 0);
	EXPECT_EQ(be16(e + 12), 0x0800);
	const uint8_t *ip = b.ip();
	EXPECT_EQ(ip[0], 0x45);
	EXPECT_EQ(be16(ip + 2), 20 + 8 + 172);
	EXPECT_EQ(be16(ip + 4), 0x1234);
	EXPECT_EQ(be16(ip + 6), 0x4000) << "DF, no fragment offset";
	EXPECT_EQ(ip[8], 64);
	EXPECT_EQ(ip[9], 17);
	EXPECT_EQ(memcmp(ip + 12, &f.src, 4), 0);
	EXPECT_EQ(memcmp(ip + 16, &f.dst, 4), 0);
	const uint8_t *u = b.udp();
	EXPECT_EQ(be16(u), 20002);
	EXPECT_EQ(be16(u + 2), 30004);
	EXPECT_EQ(be16(u + 4), 8 + 172);
}

TEST(Frame, ChecksumsMatchAnIndependentComputation)
{
	std::mt19937 rng(42);
	gen_flow f = flow("198.19.200.17", 5060, "198.18.2.1", 5060);
	// every payload length from empty to a full MTU, odd ones included, random content
	for (size_t len = 0; len <= 1472; len += (len < 64 ? 1 : 37)) {
		Bytes p(len);
		for (auto &c : p)
			c = (uint8_t)rng();
		Built b = build(f, p, (uint16_t)len);
		EXPECT_EQ(finish(sum16(b.ip(), 20)), 0) << "IPv4 header checksum, len " << len;
		EXPECT_EQ(udp_verify(b.ip(), b.udp()), 0) << "UDP checksum, len " << len;
		EXPECT_NE(be16(b.udp() + 6), 0) << "0 means no checksum";
		// and the field holds exactly the checksum computed with the field zeroed
		Bytes z(b.frame);
		z[34 + 6] = z[34 + 7] = 0;
		EXPECT_EQ(be16(b.udp() + 6) == 0xffff ? 0 : be16(b.udp() + 6),
			  udp_verify(z.data() + 14, z.data() + 34));
	}
}

TEST(Frame, AComputedZeroUdpChecksumIsSentAsAllOnes)
{
	gen_flow f = flow("198.18.1.2", 1000, "198.18.1.1", 2000);
	Bytes p(40, 0x11);
	p[0] = p[1] = 0;
	Built b = build(f, p);
	uint16_t c0 = be16(b.udp() + 6);
	// putting the checksum's value into a zeroed aligned payload word makes the sum 0xffff
	p[0] = (uint8_t)(c0 >> 8);
	p[1] = (uint8_t)c0;
	b = build(f, p);
	EXPECT_EQ(be16(b.udp() + 6), 0xffff);
	EXPECT_EQ(udp_verify(b.ip(), b.udp()), 0);
}

TEST(Frame, RtpHeaderAndStampLayout)
{
	gen_rtp r;
	frame_rtp_init(&r, 77, 8, 160);
	Bytes p(172, 0);
	const uint64_t tx = 0x0123456789abcdefull;
	frame_rtp_payload(p.data(), &r, 5, tx);
	EXPECT_EQ(p[0], 0x80) << "V=2, P=0, X=0, CC=0";
	EXPECT_EQ(p[1], 8) << "marker clear, payload type 8";
	EXPECT_EQ(be16(&p[2]), (uint16_t)(r.seq0 + 5));
	EXPECT_EQ(be32(&p[4]), r.ts0 + 5 * 160);
	EXPECT_EQ(be32(&p[8]), r.ssrc);
	EXPECT_EQ(SRGEN_STAMP_OFF, 12);
	EXPECT_EQ(be32(&p[12]), SRGEN_MAGIC);
	EXPECT_EQ(be32(&p[16]), 77u);
	EXPECT_EQ(be64(&p[20]), 5u);
	EXPECT_EQ(be64(&p[28]), tx);
	for (size_t i = SRGEN_MIN_RTP_PAYLOAD; i < p.size(); i++)
		ASSERT_EQ(p[i], 0) << "filler left alone at " << i;
	EXPECT_EQ(sizeof(srgen_stamp), (size_t)SRGEN_STAMP_LEN);
}

TEST(Frame, RtpSequenceAndTimestampWrapWhileTheStampKeepsCounting)
{
	gen_rtp r;
	frame_rtp_init(&r, 3, 0, 160);
	Bytes p(SRGEN_MIN_RTP_PAYLOAD);
	const uint64_t n = 70000; // past one wrap of the 16-bit sequence
	frame_rtp_payload(p.data(), &r, n, 0);
	EXPECT_EQ(be16(&p[2]), (uint16_t)(r.seq0 + n));
	EXPECT_EQ(be32(&p[4]), (uint32_t)(r.ts0 + n * 160));
	EXPECT_EQ(be64(&p[20]), n);
}

TEST(Frame, FlowsGetDistinctStableRtpIdentities)
{
	gen_rtp a, b, a2;
	frame_rtp_init(&a, 0, 0, 160);
	frame_rtp_init(&b, 1, 0, 160);
	frame_rtp_init(&a2, 0, 0, 160);
	EXPECT_NE(a.ssrc, b.ssrc);
	EXPECT_EQ(a.ssrc, a2.ssrc);
	EXPECT_EQ(a.seq0, a2.seq0);
	EXPECT_EQ(a.flow_id, 0u);
	EXPECT_EQ(b.flow_id, 1u);
	gen_rtp big;
	frame_rtp_init(&big, 9, 200, 160);
	EXPECT_EQ(big.pt, 200 & 0x7f) << "the marker bit is not part of the type";
}

std::string options(uint32_t src, uint64_t n, size_t cap = 1400)
{
	std::string s(cap, '\0');
	uint32_t dst;
	inet_pton(AF_INET, "198.18.1.1", &dst);
	size_t len = frame_sip_options(&s[0], cap, src, 5060, dst, 5060, n);
	s.resize(len);
	return s;
}

TEST(Frame, SipOptionsText)
{
	uint32_t src;
	inet_pton(AF_INET, "198.19.3.4", &src);
	std::string m = options(src, 0x2a);
	EXPECT_EQ(m.rfind("OPTIONS sip:198.18.1.1:5060 SIP/2.0\r\n", 0), 0u) << m;
	EXPECT_NE(m.find("Via: SIP/2.0/UDP 198.19.3.4:5060;branch=z9hG4bK000000000000002a\r\n"),
		  std::string::npos) << m;
	EXPECT_NE(m.find("Call-ID: 000000000000002a@198.19.3.4\r\n"), std::string::npos) << m;
	EXPECT_NE(m.find("CSeq: 1 OPTIONS\r\n"), std::string::npos);
	EXPECT_NE(m.find("Max-Forwards: 70\r\n"), std::string::npos);
	const std::string tail = "\r\nContent-Length: 0\r\n\r\n";
	ASSERT_GT(m.size(), tail.size());
	EXPECT_EQ(m.substr(m.size() - tail.size()), tail) << m;
	// requests of one run differ only in their counters and source
	EXPECT_EQ(options(src, 1).size(), m.size());
	EXPECT_NE(options(src, 1), m);
}

TEST(Frame, SipOptionsThatDoNotFitAreRefused)
{
	uint32_t src;
	inet_pton(AF_INET, "198.19.3.4", &src);
	size_t full = options(src, 1).size();
	EXPECT_EQ(options(src, 1, full).size(), full);
	EXPECT_EQ(options(src, 1, full - 1).size(), 0u);
	EXPECT_EQ(options(src, 1, 0).size(), 0u);
}

#ifdef HAVE_SIPMSG
TEST(Frame, SipOptionsPassTheRelaysOwnParserAndChecks)
{
	uint32_t src;
	inet_pton(AF_INET, "198.19.0.1", &src);
	std::string m = options(src, 12345);
	static sr_sip_msg msg; // large: keep it off the stack
	ASSERT_EQ(sr_sip_parse(&msg, m.data(), m.size(), nullptr), 0) << msg.err.reason << "\n" << m;
	ASSERT_EQ(sr_sip_check(&msg, nullptr), 0) << msg.err.reason;
	EXPECT_EQ(msg.kind, SR_SIP_REQUEST);
	EXPECT_EQ(msg.method, SR_M_OPTIONS);
	EXPECT_EQ(msg.via_count, 1);
	EXPECT_EQ(msg.content_length, 0);
	EXPECT_EQ(std::string(msg.call_id.p, msg.call_id.len), "0000000000003039@198.19.0.1");
}
#endif

} // namespace
