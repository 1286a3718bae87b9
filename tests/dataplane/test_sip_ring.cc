// The inline SIP path of the data plane on net_ring ports: a whole call (INVITE with an
// SDP offer, 200 with the answer, ACK, RTP both ways, BYE) goes through the worker, the
// service loop's proxy and the stream table, and the relay's own answers come back.
#include <algorithm>
#include <string>

#include "eal_env.h"
#include "ring_harness.h"

extern "C" {
#include <siprelay/sdp.h>
#include <siprelay/sip.h>

#include <siprelay/dp_proto.h>

#include "dp_admin.h"
#include "session_table.h"
#include "sip_guard.h"
#include "sip_service.h"
}

namespace {

::testing::Environment *const env = ::testing::AddGlobalTestEnvironment(new EalEnv("512", "0"));

const Mac UAC = mac(2, 1), UAS = mac(2, 2);

std::string crlf(const std::string &lf)
{
	std::string o;
	for (char c : lf) {
		if (c == '\n')
			o += '\r';
		o += c;
	}
	return o;
}

std::string sdp(const char *ip, unsigned port)
{
	return crlf(std::string("v=0\no=- 1 1 IN IP4 ") + ip + "\ns=-\nc=IN IP4 " + ip +
		    "\nt=0 0\nm=audio " + std::to_string(port) + " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n");
}

std::string with_body(const std::string &head, const std::string &body, const char *type = "application/sdp")
{
	std::string h = head;
	if (!body.empty())
		h += std::string("Content-Type: ") + type + "\n";
	h += "Content-Length: " + std::to_string(body.size()) + "\n\n";
	return crlf(h) + body;
}

Frame bytes(const std::string &s)
{
	return Frame(s.begin(), s.end());
}

struct Msg {
	std::string text;
	struct sr_sip_msg m;
	bool ok = false;
	explicit Msg(const Frame &payload) : text(payload.begin(), payload.end())
	{
		ok = sr_sip_parse(&m, text.data(), text.size(), nullptr) == 0;
	}
};

class SipRing : public ::testing::Test {
protected:
	RingRelay h;
	const uint8_t *uac_ip = reinterpret_cast<const uint8_t *>(&uac4);
	const uint8_t *uas_ip = reinterpret_cast<const uint8_t *>(&uas4);
	const uint8_t *acc_ip = reinterpret_cast<const uint8_t *>(&acc4);
	const uint8_t *core_ip = reinterpret_cast<const uint8_t *>(&core4);
	uint32_t uac4 = ip4("198.18.1.2"), uas4 = ip4("198.18.2.2");
	uint32_t acc4 = ip4("198.18.1.1"), core4 = ip4("198.18.2.1");

	void start(const char *tag, uint32_t cps = 0)
	{
		ASSERT_TRUE(h.start(tag));
		struct relay_sip_settings &s = h.rt->cfg.sip;
		s.enabled = true;
		s.role[0] = RELAY_ROLE_ACCESS;
		s.role[1] = RELAY_ROLE_CORE;
		s.upstream.family = RELAY_FAMILY_IPV4;
		memcpy(s.upstream.addr, &uas4, 4);
		s.upstream.port = 5060;
		s.max_sessions = 64;
		s.half_open_s = 60;
		s.retry_after_s = 5;
		s.record_route = true;
		s.strip_ice = true;
		s.cps_limit = cps;
		snprintf(s.server, sizeof(s.server), "siprelay-test");
		char err[256];
		ASSERT_EQ(relay_sip_create(h.rt, &h.rt->sip, err, sizeof(err)), 0) << err;
	}

	void TearDown() override
	{
		if (h.rt != nullptr) {
			relay_sip_free(h.rt->sip);
			h.rt->sip = nullptr;
			relay_guard_free(h.rt->guard);
			h.rt->guard = nullptr;
		}
	}

	// A datagram from a host; pumped until the relay's output settles.
	void send(int iface, const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
		  const Frame &payload)
	{
		h.inject(iface, udp_frame(h.relay_mac(iface), iface == 0 ? UAC : UAS, false, src, dst,
					  sport, dport, payload));
		h.pump(6);
	}

	void sip_from_uac(const std::string &msg) { send(0, uac_ip, 5060, acc_ip, 5060, bytes(msg)); }
	void sip_from_uas(const std::string &msg) { send(1, uas_ip, 5060, core_ip, 5060, bytes(msg)); }

	// The SIP datagrams the relay sent on iface (RTP excluded), consumed.
	std::vector<Udp> take_sip(int iface)
	{
		std::vector<Udp> r;
		std::vector<Frame> rest;
		for (auto &f : h.out[iface]) {
			Udp u;
			if (parse_udp(f, u) && (u.sport == 5060 || u.dport == 5060))
				r.push_back(u);
			else
				rest.push_back(f);
		}
		h.out[iface] = rest;
		return r;
	}

	struct relay_sip_counters counters()
	{
		struct relay_sip_counters c;
		relay_sip_counters(h.rt->sip, &c, nullptr);
		return c;
	}

	static uint16_t sdp_port(const Msg &m)
	{
		struct sr_sdp s;
		EXPECT_EQ(sr_sdp_parse(&s, m.m.body.p, m.m.body.len), 0);
		return s.media[0].port;
	}

	static std::string sdp_addr(const Msg &m)
	{
		struct sr_sdp s;
		EXPECT_EQ(sr_sdp_parse(&s, m.m.body.p, m.m.body.len), 0);
		const struct sr_sdp_conn *c = sr_sdp_media_conn(&s, 0);
		return c ? std::string(c->addr.p, c->addr.len) : "";
	}
};

const std::string kInvite =
	"INVITE sip:bob@198.18.2.2 SIP/2.0\n"
	"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bKuac1;rport\n"
	"Max-Forwards: 70\n"
	"From: <sip:alice@198.18.1.2>;tag=a1\n"
	"To: <sip:bob@198.18.2.2>\n"
	"Call-ID: ring-call-1@198.18.1.2\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@198.18.1.2:5060>\n";

TEST_F(SipRing, CallWithMediaBothWaysAndNothingLeftBehind)
{
	start("sipc");
	const std::string invite = with_body(kInvite, sdp("198.18.1.2", 4000));
	sip_from_uac(invite);
	// the first INVITE may wait for the upstream's ARP; SIP retransmits
	if (take_sip(1).empty())
		sip_from_uac(invite);
	sip_from_uac(invite); // a retransmission must be forwarded identically
	auto fwd = take_sip(1);
	ASSERT_GE(fwd.size(), 1u);
	if (fwd.size() >= 2) {
		EXPECT_EQ(fwd[0].payload, fwd[1].payload);
	}
	Msg inv(fwd[0].payload);
	ASSERT_TRUE(inv.ok) << inv.text;
	EXPECT_EQ(memcmp(fwd[0].dst, uas_ip, 4), 0);
	EXPECT_EQ(fwd[0].dport, 5060);
	EXPECT_EQ(memcmp(fwd[0].src, core_ip, 4), 0);
	EXPECT_EQ(inv.m.via_count, 2);
	EXPECT_EQ(inv.m.max_forwards, 69);
	EXPECT_EQ(sdp_addr(inv), "198.18.2.1");
	uint16_t core_port = sdp_port(inv);
	EXPECT_GE(core_port, 20000);
	EXPECT_LE(core_port, 20998);
	EXPECT_NE(sr_sip_first(&inv.m, SR_H_RECORD_ROUTE), nullptr);
	EXPECT_EQ(relay_table_count(h.rt->dp.table), 1u);

	// the callee answers through the relay's core address
	std::string vias;
	for (const struct sr_sip_hdr *v = sr_sip_first(&inv.m, SR_H_VIA); v; v = sr_sip_next(&inv.m, v))
		vias += "Via: " + std::string(v->value.p, v->value.len) + "\n";
	std::string rr;
	for (const struct sr_sip_hdr *r = sr_sip_first(&inv.m, SR_H_RECORD_ROUTE); r; r = sr_sip_next(&inv.m, r))
		rr += "Record-Route: " + std::string(r->value.p, r->value.len) + "\n";
	const std::string ok = with_body("SIP/2.0 200 OK\n" + vias + rr +
					 "From: <sip:alice@198.18.1.2>;tag=a1\n"
					 "To: <sip:bob@198.18.2.2>;tag=b1\n"
					 "Call-ID: ring-call-1@198.18.1.2\nCSeq: 1 INVITE\n"
					 "Contact: <sip:bob@198.18.2.2:5060>\n",
					 sdp("198.18.2.2", 6000));
	sip_from_uas(ok);
	auto back = take_sip(0);
	ASSERT_EQ(back.size(), 1u);
	Msg ans(back[0].payload);
	ASSERT_TRUE(ans.ok) << ans.text;
	EXPECT_EQ(ans.m.status, 200);
	EXPECT_EQ(ans.m.via_count, 1);
	EXPECT_EQ(memcmp(back[0].dst, uac_ip, 4), 0);
	EXPECT_EQ(sdp_addr(ans), "198.18.1.1");
	uint16_t acc_port = sdp_port(ans);

	// RTP: caller -> relay access port -> callee's SDP address, from the core port
	send(0, uac_ip, 4000, acc_ip, acc_port, rtp_payload(1, 160, 0x1111));
	ASSERT_EQ(h.out[1].size(), 1u);
	Udp r1;
	ASSERT_TRUE(parse_udp(h.out[1][0], r1));
	EXPECT_EQ(memcmp(r1.dst, uas_ip, 4), 0);
	EXPECT_EQ(r1.dport, 6000);
	EXPECT_EQ(memcmp(r1.src, core_ip, 4), 0);
	EXPECT_EQ(r1.sport, core_port);
	EXPECT_TRUE(frame_checksums_ok(h.out[1][0].data(), h.out[1][0].size()));
	h.out[1].clear();
	send(1, uas_ip, 6000, core_ip, core_port, rtp_payload(1, 160, 0x2222));
	ASSERT_EQ(h.out[0].size(), 1u);
	Udp r2;
	ASSERT_TRUE(parse_udp(h.out[0][0], r2));
	EXPECT_EQ(memcmp(r2.dst, uac_ip, 4), 0);
	EXPECT_EQ(r2.dport, 4000);
	EXPECT_EQ(r2.sport, acc_port);
	h.out[0].clear();

	// BYE from the caller ends the call: streams and the session go
	const std::string bye = with_body("BYE sip:bob@198.18.2.2:5060 SIP/2.0\n"
					  "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bKuac2;rport\n"
					  "Route: <sip:198.18.1.1;lr>\nMax-Forwards: 70\n"
					  "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@198.18.2.2>;tag=b1\n"
					  "Call-ID: ring-call-1@198.18.1.2\nCSeq: 2 BYE\n", "");
	sip_from_uac(bye);
	auto bfwd = take_sip(1);
	ASSERT_EQ(bfwd.size(), 1u);
	Msg b(bfwd[0].payload);
	ASSERT_TRUE(b.ok);
	EXPECT_EQ(b.m.method, SR_M_BYE);
	EXPECT_EQ(relay_table_count(h.rt->dp.table), 0u);
	EXPECT_EQ(counters().sessions, 0u);
	// media to the closed ports is now dropped and counted
	uint64_t closed = h.verdict(RELAY_V_DROP_NO_SESSION);
	send(0, uac_ip, 4000, acc_ip, acc_port, rtp_payload(2, 320, 0x1111));
	EXPECT_EQ(h.out[1].size(), 0u);
	EXPECT_EQ(h.verdict(RELAY_V_DROP_NO_SESSION), closed + 1);
}

TEST_F(SipRing, MalformedInviteAnswered400)
{
	start("sip400");
	sip_from_uac(crlf("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
			  "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bKbad\n"
			  "Max-Forwards: 70\nFrom: <sip:alice@198.18.1.2>;tag=a1\n"
			  "To: <sip:bob@198.18.2.2>\nCall-ID: bad@1\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"));
	auto back = take_sip(0);
	ASSERT_EQ(back.size(), 1u);
	Msg r(back[0].payload);
	ASSERT_TRUE(r.ok);
	EXPECT_EQ(r.m.status, 400);
	EXPECT_NE(std::string(r.m.reason.p, r.m.reason.len).find("CSeq"), std::string::npos);
	EXPECT_EQ(memcmp(back[0].dst, uac_ip, 4), 0);
	EXPECT_EQ(back[0].dport, 5060);
	EXPECT_TRUE(take_sip(1).empty());
	EXPECT_EQ(relay_table_count(h.rt->dp.table), 0u);
}

TEST_F(SipRing, MaxForwardsZeroAnswered483AndCpsLimit500)
{
	start("sip483", 1);
	std::string mf0 = kInvite;
	mf0.replace(mf0.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
	sip_from_uac(with_body(mf0, sdp("198.18.1.2", 4000)));
	auto back = take_sip(0);
	ASSERT_EQ(back.size(), 1u);
	EXPECT_EQ(Msg(back[0].payload).m.status, 483);

	// one call per second: the first passes, a second new call at once is refused
	sip_from_uac(with_body(kInvite, sdp("198.18.1.2", 4000)));
	std::string second = kInvite;
	second.replace(second.find("ring-call-1"), 11, "ring-call-2");
	sip_from_uac(with_body(second, sdp("198.18.1.2", 4002)));
	back = take_sip(0);
	ASSERT_FALSE(back.empty());
	Msg q(back.back().payload);
	EXPECT_EQ(q.m.status, 500);
	EXPECT_EQ(std::string(q.m.reason.p, q.m.reason.len), "Call placing quota exceeded");
}

// The source guard in the SIP path (sip_guard.c), without an XDP prefilter in front:
// a banned source's INVITE is dropped before the proxy sees it, then the per-source
// request rate of the access side; the core side and responses are not limited.
TEST_F(SipRing, BannedSourceDroppedThenSourceRate)
{
	start("sipguard");
	h.rt->cfg.sip.max_bans = 16;
	h.rt->cfg.sip.max_sources = 16;
	char err[256];
	ASSERT_EQ(relay_guard_create(&h.rt->guard, &h.rt->cfg, err, sizeof(err)), 0) << err;
	struct sr_guard *g = &h.rt->guard->g;
	struct sr_ban b = {};
	ASSERT_EQ(sr_prefix_parse("198.18.1.0/24", &b.pfx), 0);
	ASSERT_EQ(sr_ban_add(g->bans, &b), 1);

	sip_from_uac(with_body(kInvite, sdp("198.18.1.2", 4000)));
	EXPECT_TRUE(take_sip(0).empty()); // no answer to a banned source
	EXPECT_TRUE(take_sip(1).empty());
	EXPECT_EQ(g->banned, 1u);
	EXPECT_EQ(sr_ban_match(g->bans, b.pfx.addr, 0)->hits, 1u);
	EXPECT_EQ(relay_table_count(h.rt->dp.table), 0u);
	struct dp_stats st = {};
	relay_admin_stats(h.rt, &st);
	EXPECT_EQ(st.sip_banned, 1u);
	EXPECT_EQ(st.bans, 1u);

	// lifted: the same INVITE goes to the upstream (its retransmission, when the
	// first waited for ARP); then one request a second
	ASSERT_EQ(sr_ban_del(g->bans, &b.pfx), 0);
	sip_from_uac(with_body(kInvite, sdp("198.18.1.2", 4000)));
	if (take_sip(1).empty())
		sip_from_uac(with_body(kInvite, sdp("198.18.1.2", 4000)));
	EXPECT_EQ(take_sip(1).size(), 1u);
	sr_rate_set(g->rates, 1, 1);
	std::string second = kInvite, third = kInvite;
	second.replace(second.find("ring-call-1"), 11, "ring-call-2");
	third.replace(third.find("ring-call-1"), 11, "ring-call-3");
	sip_from_uac(with_body(second, sdp("198.18.1.2", 4002)));
	EXPECT_EQ(take_sip(1).size(), 1u);
	sip_from_uac(with_body(third, sdp("198.18.1.2", 4004)));
	EXPECT_TRUE(take_sip(1).empty());
	EXPECT_TRUE(take_sip(0).empty());
	EXPECT_EQ(g->rate_limited, 1u);
	// the callee's answer (a response, from the core side) is not limited
	sip_from_uas(crlf("SIP/2.0 486 Busy Here\n"
			  "Via: SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKnotours\n"
			  "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@198.18.2.2>;tag=b1\n"
			  "Call-ID: ring-call-1@198.18.1.2\nCSeq: 1 INVITE\nContent-Length: 0\n\n"));
	EXPECT_EQ(g->rate_limited, 1u);
	relay_admin_stats(h.rt, &st);
	EXPECT_EQ(st.sip_rate_limited, 1u);
	EXPECT_EQ(st.sources, 1u);
}

} // namespace
