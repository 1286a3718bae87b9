// The data plane's SIP trace table (dataplane/relay/sip_trace.c), without an EAL: frame
// parsing, matching by Call-ID and by address, the filter table's rules, and the events
// a match produces (pieces of at most DP_MSG_MAX bytes that put back together give the
// frame, the end of a filter at its packet or time limit).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <string.h>

#include <string>
#include <vector>

extern "C" {
#include "sip_trace.h"
}

namespace {

std::vector<uint8_t> udp_frame(int family, const char *src, uint16_t sport, const char *dst,
			       uint16_t dport, const std::string &payload)
{
	std::vector<uint8_t> f = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2 };
	size_t ulen = 8 + payload.size();

	if (family == 4) {
		uint8_t ip[20] = { 0x45, 0, (uint8_t)((20 + ulen) >> 8), (uint8_t)(20 + ulen),
				   0, 0, 0x40, 0, 64, 17 };
		f.push_back(0x08);
		f.push_back(0x00);
		inet_pton(AF_INET, src, ip + 12);
		inet_pton(AF_INET, dst, ip + 16);
		f.insert(f.end(), ip, ip + 20);
	} else {
		uint8_t ip[40] = { 0x60, 0, 0, 0, (uint8_t)(ulen >> 8), (uint8_t)ulen, 17, 64 };
		f.push_back(0x86);
		f.push_back(0xdd);
		inet_pton(AF_INET6, src, ip + 8);
		inet_pton(AF_INET6, dst, ip + 24);
		f.insert(f.end(), ip, ip + 40);
	}
	uint8_t udp[8] = { (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8),
			   (uint8_t)dport, (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, 0 };
	f.insert(f.end(), udp, udp + 8);
	f.insert(f.end(), payload.begin(), payload.end());
	return f;
}

std::string sip(const std::string &call_id, bool compact = false, size_t body = 0)
{
	std::string m = "INVITE sip:bob@198.18.2.2 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK1\r\n"
			"Max-Forwards: 70\r\nTo: <sip:bob@198.18.2.2>\r\n"
			"From: <sip:alice@198.18.1.2>;tag=1\r\n";
	m += (compact ? "i: " : "Call-ID: ") + call_id + "\r\n";
	m += "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: " +
	     std::to_string(body) + "\r\n\r\n" + std::string(body, 'v');
	return m;
}

struct Events {
	std::vector<std::vector<uint8_t>> msg;

	static void emit(void *arg, const void *m, size_t len)
	{
		auto *e = static_cast<Events *>(arg);
		ASSERT_LE(len, (size_t)DP_MSG_MAX);
		e->msg.emplace_back((const uint8_t *)m, (const uint8_t *)m + len);
	}
	const struct dp_hdr *hdr(size_t i) const { return (const struct dp_hdr *)msg[i].data(); }
	const struct dp_trace_frame *frame(size_t i) const
	{
		return (const struct dp_trace_frame *)msg[i].data();
	}
};

class SipTrace : public ::testing::Test {
protected:
	void SetUp() override { memset(&t, 0, sizeof(t)); }

	int add_call(uint32_t id, const char *cid, uint32_t max_packets = 0, uint32_t max_s = 0)
	{
		struct dp_trace_add a;
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.kind = DP_TRACE_CALL_ID;
		snprintf(a.call_id, sizeof(a.call_id), "%s", cid);
		a.max_packets = max_packets;
		a.max_seconds = max_s;
		return relay_trace_add(&t, &a, 1000);
	}
	int add_addr(uint32_t id, int family, const char *ip, uint16_t port)
	{
		struct dp_trace_add a;
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.kind = DP_TRACE_ADDR;
		a.addr.family = (uint8_t)family;
		a.addr.port = port;
		inet_pton(family == 4 ? AF_INET : AF_INET6, ip, a.addr.addr);
		return relay_trace_add(&t, &a, 1000);
	}
	unsigned input(const std::vector<uint8_t> &f, uint8_t dir = DP_TRACE_IN)
	{
		struct relay_trace_where w = { 1, dir, "core", 1700000000123456789ull };
		return relay_trace_input(&t, &w, f.data(), (uint32_t)f.size(), Events::emit, &ev);
	}

	struct relay_trace t;
	Events ev;
};

TEST_F(SipTrace, ParsesUdpOfBothFamilies)
{
	struct relay_trace_pkt p;
	auto f = udp_frame(4, "198.18.1.2", 5062, "198.18.1.1", 5060, "hello");

	ASSERT_EQ(relay_trace_pkt_parse(f.data(), (uint32_t)f.size(), &p), 0);
	EXPECT_EQ(p.src.family, RELAY_FAMILY_IPV4);
	EXPECT_EQ(p.src.port, 5062);
	EXPECT_EQ(p.dst.port, 5060);
	uint8_t a[4];
	inet_pton(AF_INET, "198.18.1.1", a);
	EXPECT_EQ(memcmp(p.dst.addr, a, 4), 0);
	EXPECT_EQ(std::string(p.payload, p.len), "hello");
	// Ethernet padding after the datagram is not payload
	f.resize(f.size() + 10, 0);
	ASSERT_EQ(relay_trace_pkt_parse(f.data(), (uint32_t)f.size(), &p), 0);
	EXPECT_EQ(p.len, 5u);

	auto g = udp_frame(6, "2001:db8::2", 5060, "2001:db8::1", 5060, "v6");
	ASSERT_EQ(relay_trace_pkt_parse(g.data(), (uint32_t)g.size(), &p), 0);
	EXPECT_EQ(p.src.family, RELAY_FAMILY_IPV6);
	EXPECT_EQ(std::string(p.payload, p.len), "v6");
}

TEST_F(SipTrace, RefusesWhatIsNotAWholeDatagram)
{
	struct relay_trace_pkt p;
	auto f = udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, "hello");

	for (size_t n = 0; n < f.size(); n++)
		EXPECT_EQ(relay_trace_pkt_parse(f.data(), (uint32_t)n, &p), -EINVAL) << n;
	auto tcp = f;
	tcp[14 + 9] = 6;
	EXPECT_EQ(relay_trace_pkt_parse(tcp.data(), (uint32_t)tcp.size(), &p), -EINVAL);
	auto frag = f;
	frag[14 + 7] = 0x10; // fragment offset 16: no UDP header here
	EXPECT_EQ(relay_trace_pkt_parse(frag.data(), (uint32_t)frag.size(), &p), -EINVAL);
	auto ihl = f;
	ihl[14] = 0x44; // header length 16 < 20
	EXPECT_EQ(relay_trace_pkt_parse(ihl.data(), (uint32_t)ihl.size(), &p), -EINVAL);
	auto ulen = f;
	ulen[14 + 20 + 5] = 7; // UDP length below its header
	EXPECT_EQ(relay_trace_pkt_parse(ulen.data(), (uint32_t)ulen.size(), &p), -EINVAL);
	auto arp = f;
	arp[12] = 0x08;
	arp[13] = 0x06;
	EXPECT_EQ(relay_trace_pkt_parse(arp.data(), (uint32_t)arp.size(), &p), -EINVAL);
}

TEST_F(SipTrace, FilterTableRules)
{
	EXPECT_EQ(add_call(0, "x"), -EINVAL) << "id 0";
	EXPECT_EQ(add_call(1, ""), -EINVAL) << "empty Call-ID";
	EXPECT_EQ(add_addr(2, 5, "1.2.3.4", 0), -EAFNOSUPPORT);
	struct dp_trace_add bad;
	memset(&bad, 0, sizeof(bad));
	bad.id = 3;
	bad.kind = 9;
	EXPECT_EQ(relay_trace_add(&t, &bad, 0), -EINVAL);
	bad.kind = DP_TRACE_CALL_ID;
	memset(bad.call_id, 'a', sizeof(bad.call_id)); // not NUL-terminated
	EXPECT_EQ(relay_trace_add(&t, &bad, 0), -EINVAL);
	EXPECT_EQ(t.n, 0u);

	for (uint32_t id = 1; id <= DP_TRACE_MAX; id++)
		ASSERT_EQ(add_call(id, "x"), 0);
	EXPECT_EQ(add_call(1, "y"), -EEXIST);
	EXPECT_EQ(add_call(100, "y"), -ENOSPC);
	EXPECT_EQ(t.n_call_id, (unsigned)DP_TRACE_MAX);

	struct dp_trace_list l;
	relay_trace_list(&t, &l);
	EXPECT_EQ(l.count, (uint32_t)DP_TRACE_MAX);
	EXPECT_EQ(relay_trace_del(&t, 5, &l), 0);
	EXPECT_EQ(l.count, 1u);
	EXPECT_EQ(l.trace[0].id, 5u);
	EXPECT_EQ(relay_trace_del(&t, 5, &l), -ENOENT);
	EXPECT_EQ(add_call(100, "y"), 0) << "the freed slot";
	EXPECT_EQ(relay_trace_del(&t, 0, &l), 0);
	EXPECT_EQ(l.count, (uint32_t)DP_TRACE_MAX);
	EXPECT_EQ(t.n, 0u);
	EXPECT_EQ(t.n_call_id, 0u);
}

TEST_F(SipTrace, NothingInstalledNothingSent)
{
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, sip("a@b"))), 0u);
	EXPECT_TRUE(ev.msg.empty());
}

TEST_F(SipTrace, MatchesByCallIdExactly)
{
	ASSERT_EQ(add_call(7, "a84b4c76e66710@198.18.1.2"), 0);
	auto f = udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, sip("a84b4c76e66710@198.18.1.2"));

	EXPECT_EQ(input(f), 1u);
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060,
				  sip("a84b4c76e66710@198.18.1.2", true)), DP_TRACE_OUT), 1u)
		<< "compact form i:";
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060,
				  sip("A84B4C76E66710@198.18.1.2"))), 0u) << "case matters";
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060,
				  sip("a84b4c76e66710@198.18.1.2x"))), 0u);
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060,
				  sip("a84b4c76e66710"))), 0u);
	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, "not SIP")), 0u);
	ASSERT_EQ(ev.msg.size(), 2u);

	const struct dp_trace_frame *e = ev.frame(0);
	EXPECT_EQ(e->h.magic, DP_PROTO_MAGIC);
	EXPECT_EQ(e->h.version, DP_PROTO_VERSION);
	EXPECT_EQ(e->h.type, DP_EVENT_TRACE_FRAME);
	EXPECT_EQ(e->h.seq, 0u);
	EXPECT_EQ(e->h.len, sizeof(*e) + f.size());
	EXPECT_EQ(e->id, 7u);
	EXPECT_EQ(e->frame, 1u);
	EXPECT_EQ(e->orig_len, f.size());
	EXPECT_EQ(e->offset, 0u);
	EXPECT_EQ(e->iface, 1);
	EXPECT_EQ(e->dir, DP_TRACE_IN);
	EXPECT_STREQ(e->iface_name, "core");
	EXPECT_EQ(e->ts_ns, 1700000000123456789ull);
	EXPECT_EQ(memcmp(ev.msg[0].data() + sizeof(*e), f.data(), f.size()), 0);
	EXPECT_EQ(ev.frame(1)->frame, 2u);
	EXPECT_EQ(ev.frame(1)->dir, DP_TRACE_OUT);
}

TEST_F(SipTrace, MatchesByAddressEitherWay)
{
	ASSERT_EQ(add_addr(1, 4, "198.18.1.2", 0), 0);
	ASSERT_EQ(add_addr(2, 4, "198.18.2.2", 5080), 0);
	ASSERT_EQ(add_addr(3, 6, "2001:db8::2", 5060), 0);

	EXPECT_EQ(input(udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, "x")), 1u) << "source";
	EXPECT_EQ(input(udp_frame(4, "198.18.1.1", 5060, "198.18.1.2", 6000, "x")), 1u) << "dest";
	EXPECT_EQ(input(udp_frame(4, "198.18.1.3", 5060, "198.18.1.1", 5060, "x")), 0u);
	EXPECT_EQ(input(udp_frame(4, "198.18.2.1", 5060, "198.18.2.2", 5080, "x")), 1u);
	EXPECT_EQ(input(udp_frame(4, "198.18.2.1", 5060, "198.18.2.2", 5060, "x")), 0u) << "port";
	EXPECT_EQ(input(udp_frame(4, "198.18.2.2", 5080, "198.18.1.2", 5060, "x")), 2u) << "both";
	EXPECT_EQ(input(udp_frame(6, "2001:db8::2", 5060, "2001:db8::1", 5060, "x")), 1u);
	EXPECT_EQ(input(udp_frame(6, "2001:db8::2", 5061, "2001:db8::1", 5060, "x")), 0u);
	// an IPv4 filter never matches IPv6 whose first bytes happen to be equal
	EXPECT_EQ(input(udp_frame(6, "c612:102::", 5060, "2001:db8::1", 5060, "x")), 0u);
}

TEST_F(SipTrace, LargeFramesComeInPieces)
{
	ASSERT_EQ(add_call(9, "big@x"), 0);
	auto f = udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, sip("big@x", false, 3000));
	ASSERT_GT(f.size(), 3 * DP_TRACE_CHUNK_MAX);

	EXPECT_EQ(input(f), 1u);
	ASSERT_EQ(ev.msg.size(), (f.size() + DP_TRACE_CHUNK_MAX - 1) / DP_TRACE_CHUNK_MAX);
	std::vector<uint8_t> whole;
	for (size_t i = 0; i < ev.msg.size(); i++) {
		const struct dp_trace_frame *e = ev.frame(i);
		EXPECT_EQ(e->h.len, ev.msg[i].size());
		EXPECT_EQ(e->offset, whole.size());
		EXPECT_EQ(e->orig_len, f.size());
		EXPECT_EQ(e->frame, 1u) << "one frame number for all pieces";
		whole.insert(whole.end(), ev.msg[i].begin() + sizeof(*e), ev.msg[i].end());
	}
	EXPECT_EQ(whole, f);
}

TEST_F(SipTrace, EndsAtItsPacketLimit)
{
	ASSERT_EQ(add_call(4, "c@x", 2), 0);
	auto f = udp_frame(4, "198.18.1.2", 5060, "198.18.1.1", 5060, sip("c@x"));

	EXPECT_EQ(input(f), 1u);
	EXPECT_EQ(input(f), 1u);
	ASSERT_EQ(ev.msg.size(), 3u);
	EXPECT_EQ(ev.hdr(2)->type, DP_EVENT_TRACE_END);
	const auto *end = (const struct dp_trace_end *)ev.msg[2].data();
	EXPECT_EQ(end->h.len, sizeof(*end));
	EXPECT_EQ(end->id, 4u);
	EXPECT_EQ(end->reason, (uint32_t)DP_TRACE_END_PACKETS);
	EXPECT_EQ(end->packets, 2u);
	EXPECT_EQ(t.n, 0u);
	EXPECT_EQ(input(f), 0u) << "gone";
}

TEST_F(SipTrace, EndsAtItsTimeLimit)
{
	ASSERT_EQ(add_call(5, "d@x", 0, 2), 0); // added at 1000 us
	ASSERT_EQ(add_call(6, "e@x"), 0);       // no limit
	relay_trace_expire(&t, 1000 + 2000000 - 1, Events::emit, &ev);
	EXPECT_TRUE(ev.msg.empty());
	relay_trace_expire(&t, 1000 + 2000000, Events::emit, &ev);
	ASSERT_EQ(ev.msg.size(), 1u);
	const auto *end = (const struct dp_trace_end *)ev.msg[0].data();
	EXPECT_EQ(end->id, 5u);
	EXPECT_EQ(end->reason, (uint32_t)DP_TRACE_END_TIME);
	EXPECT_EQ(t.n, 1u);
	relay_trace_expire(&t, UINT64_MAX, Events::emit, &ev);
	EXPECT_EQ(ev.msg.size(), 1u) << "no limit, no end";
}

} // namespace
