// Real packets through the data plane on net_ring ports: forwarding both ways,
// latching, strict source, RTCP, rtcp-mux, closed ports, loss/jitter, IPv6, ARP,
// create/delete under traffic.
#include <atomic>
#include <thread>

#include "eal_env.h"
#include "ring_harness.h"

extern "C" {
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <siprelay/guard.h>

#include "prefilter_cfg.h"
#include "session_table.h"
#include "worker.h"
}

namespace {

::testing::Environment *const env =
	::testing::AddGlobalTestEnvironment(new EalEnv("512", "0,1"));

const Mac kA = mac(2, 1), kB = mac(2, 2), kGw = mac(0xfe, 1);

// A frame from peer A (access side) to the relay's leg-A port.
Frame from_a(RingRelay &r, const char *src, uint16_t sport, uint16_t dport, const Frame &pl)
{
	uint32_t s = ip4(src), d = ip4("198.18.1.1");
	return udp_frame(r.relay_mac(0), kA, false, (uint8_t *)&s, (uint8_t *)&d, sport, dport, pl);
}

Frame from_b(RingRelay &r, uint16_t sport, uint16_t dport, const Frame &pl)
{
	uint32_t s = ip4("198.18.2.2"), d = ip4("198.18.2.1");
	return udp_frame(r.relay_mac(1), kB, false, (uint8_t *)&s, (uint8_t *)&d, sport, dport, pl);
}

void expect_v4(const Udp &u, const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	uint32_t s = ip4(src), d = ip4(dst);
	EXPECT_FALSE(u.v6);
	EXPECT_EQ(0, memcmp(u.src, &s, 4)) << "source address";
	EXPECT_EQ(0, memcmp(u.dst, &d, 4)) << "destination address";
	EXPECT_EQ(u.sport, sport);
	EXPECT_EQ(u.dport, dport);
}

TEST(RingRelay, ForwardsBothWaysWithCorrectHeaders)
{
	RingRelay r;
	ASSERT_TRUE(r.start("fw"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	ASSERT_EQ(c.h.status, 0);
	uint16_t pa = c.local[0].port, pb = c.local[1].port;
	EXPECT_EQ(pa % 2, 0);
	ASSERT_EQ(r.events.size(), 1u);
	EXPECT_EQ(((const struct dp_hdr *)r.events[0].data())->type, DP_EVENT_CREATED);

	Frame pl = rtp_payload(1, 160, 0xabcdef01);
	r.inject(0, udp_frame(r.relay_mac(0), kA, false, (const uint8_t *)"\xc6\x12\x01\x02",
			      (const uint8_t *)"\xc6\x12\x01\x01", 4000, pa, pl, 0xb8));
	r.pump();
	// first packet waits for ARP of 198.18.2.2 (dropped and counted), then flows
	EXPECT_EQ(r.verdict(RELAY_V_DROP_NO_NEIGH), 1u);
	ASSERT_FALSE(r.ctl[1].empty()) << "no ARP request on core";
	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.pump();
	ASSERT_EQ(r.out[1].size(), 1u);
	Udp u;
	ASSERT_TRUE(parse_udp(r.out[1][0], u));
	EXPECT_TRUE(frame_checksums_ok(r.out[1][0].data(), r.out[1][0].size()));
	EXPECT_EQ(0, memcmp(u.dmac, kB.b, 6));
	EXPECT_EQ(0, memcmp(u.smac, r.relay_mac(1).b, 6));
	expect_v4(u, "198.18.2.1", pb, "198.18.2.2", 5000);
	EXPECT_EQ(u.payload, pl);

	// and back: B to leg B goes to A's address from leg A (after ARP for A)
	Frame pl2 = rtp_payload(9, 900, 0x55);
	r.inject(1, from_b(r, 5000, pb, pl2));
	r.pump();
	EXPECT_EQ(r.verdict(RELAY_V_DROP_NO_NEIGH), 2u);
	r.inject(1, from_b(r, 5000, pb, pl2));
	r.pump();
	ASSERT_EQ(r.out[0].size(), 1u);
	ASSERT_TRUE(parse_udp(r.out[0][0], u));
	EXPECT_TRUE(frame_checksums_ok(r.out[0][0].data(), r.out[0][0].size()));
	EXPECT_EQ(0, memcmp(u.dmac, kA.b, 6));
	expect_v4(u, "198.18.1.1", pa, "198.18.1.2", 4000);
	EXPECT_EQ(u.payload, pl2);
	EXPECT_EQ(r.verdict(RELAY_V_FWD_RTP), 2u);

	struct dp_stream_info i = r.query(c);
	EXPECT_EQ(i.h.status, 0);
	EXPECT_EQ(i.leg[0].packets, 2u); // both A packets were accepted on leg A
	EXPECT_EQ(i.leg[0].drops[DP_DROP_NO_NEIGH], 1u);
	EXPECT_EQ(i.leg[1].packets, 2u);
	EXPECT_EQ(i.leg[1].drops[DP_DROP_NO_NEIGH], 1u);
	EXPECT_EQ(i.leg[0].bytes, 2u * pl.size());
}

TEST(RingRelay, LatchesToNatSourceAfterSdpAddress)
{
	RingRelay r;
	ASSERT_TRUE(r.start("nat"));
	// A advertises a private address (behind NAT): off-link, so via the gateway
	struct dp_reply c = r.create(leg4("access", "192.168.77.2", 4000), leg4("core", "198.18.2.2", 5000));
	ASSERT_EQ(c.h.status, 0);
	uint16_t pa = c.local[0].port, pb = c.local[1].port;
	Frame pl = rtp_payload(1, 0, 1);
	Udp u;

	// before A talks, B's media goes to the SDP address through the gateway
	r.inject(1, from_b(r, 5000, pb, pl));
	r.pump();
	r.inject(1, from_b(r, 5000, pb, pl));
	r.pump();
	ASSERT_EQ(r.out[0].size(), 1u);
	ASSERT_TRUE(parse_udp(r.out[0][0], u));
	EXPECT_EQ(0, memcmp(u.dmac, kGw.b, 6));
	expect_v4(u, "198.18.1.1", pa, "192.168.77.2", 4000);

	// A's packets arrive from the NAT's public mapping: latch there
	r.inject(0, from_a(r, "198.18.1.2", 31000, pa, pl));
	r.pump();
	EXPECT_EQ(r.rt->events_latched, 2u); // leg B at its first packet, then leg A
	r.out[0].clear();
	r.inject(1, from_b(r, 5000, pb, pl)); // ARP for 198.18.1.2 first
	r.pump();
	r.inject(1, from_b(r, 5000, pb, pl));
	r.pump();
	ASSERT_EQ(r.out[0].size(), 1u);
	ASSERT_TRUE(parse_udp(r.out[0][0], u));
	EXPECT_EQ(0, memcmp(u.dmac, kA.b, 6));
	expect_v4(u, "198.18.1.1", pa, "198.18.1.2", 31000);
	struct dp_stream_info i = r.query(c);
	EXPECT_TRUE(i.leg[0].flags & DP_LEG_LATCHED_RTP);
	EXPECT_EQ(i.leg[0].remote[0].port, 31000);
}

TEST(RingRelay, StrictSourceDropsAndCounts)
{
	RingRelay r;
	ASSERT_TRUE(r.start("strict"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000, DP_LEG_STRICT),
				     leg4("core", "198.18.2.2", 5000));
	ASSERT_EQ(c.h.status, 0);
	uint16_t pa = c.local[0].port;
	Frame pl = rtp_payload(1, 0, 1);

	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.pump(); // latches, resolves B
	size_t before = r.out[1].size();
	// a spoofer interleaved with the genuine peer: every spoofed packet is dropped
	for (int k = 0; k < 5; k++) {
		r.inject(0, from_a(r, "198.18.1.66", 4000, pa, pl));
		r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
		r.pump(1);
	}
	EXPECT_EQ(r.verdict(RELAY_V_DROP_STRICT), 5u);
	EXPECT_EQ(r.out[1].size() - before, 5u);
	for (size_t k = before; k < r.out[1].size(); k++) {
		Udp u;
		ASSERT_TRUE(parse_udp(r.out[1][k], u));
		EXPECT_EQ(u.payload, pl);
	}
	struct dp_stream_info i = r.query(c);
	EXPECT_EQ(i.leg[0].drops[DP_DROP_STRICT], 5u);
	// the leg's state in dataplane.sock's own flag bits
	EXPECT_EQ(i.leg[0].flags & (DP_LEG_STRICT | DP_LEG_RTCP_MUX | DP_LEG_NO_LATCH), DP_LEG_STRICT);
	EXPECT_TRUE(i.leg[0].flags & DP_LEG_LATCHED_RTP);
	EXPECT_FALSE(i.leg[1].flags & DP_LEG_STRICT);
	EXPECT_EQ(i.leg[0].remote[0].addr[3], 2);
}

TEST(RingRelay, RtcpOnPortPlusOne)
{
	RingRelay r;
	ASSERT_TRUE(r.start("rtcp"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	uint16_t pa = c.local[0].port, pb = c.local[1].port;
	Frame sr(28, 0);
	sr[0] = 0x80, sr[1] = 200, sr[3] = 6; // RTCP SR

	r.inject(0, from_a(r, "198.18.1.2", 4001, pa + 1, sr));
	r.pump();
	r.inject(0, from_a(r, "198.18.1.2", 4001, pa + 1, sr));
	r.pump();
	ASSERT_EQ(r.out[1].size(), 1u);
	Udp u;
	ASSERT_TRUE(parse_udp(r.out[1][0], u));
	EXPECT_TRUE(frame_checksums_ok(r.out[1][0].data(), r.out[1][0].size()));
	expect_v4(u, "198.18.2.1", pb + 1, "198.18.2.2", 5001);
	EXPECT_EQ(r.verdict(RELAY_V_FWD_RTCP), 1u);
	struct dp_stream_info i = r.query(c);
	EXPECT_EQ(i.leg[0].rtcp_packets, 2u);
	EXPECT_EQ(i.leg[0].packets, 0u);
	EXPECT_TRUE(i.leg[0].flags & DP_LEG_LATCHED_RTCP);
	EXPECT_FALSE(i.leg[0].flags & DP_LEG_LATCHED_RTP);
}

TEST(RingRelay, RtcpMux)
{
	RingRelay r;
	ASSERT_TRUE(r.start("mux"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000, DP_LEG_RTCP_MUX),
				     leg4("core", "198.18.2.2", 5000, DP_LEG_RTCP_MUX));
	uint16_t pa = c.local[0].port, pb = c.local[1].port;
	Frame sr(28, 0);
	sr[0] = 0x80, sr[1] = 201;

	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, sr));
	r.pump();
	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, sr));
	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, rtp_payload(1, 0, 1)));
	r.inject(0, from_a(r, "198.18.1.2", 4001, pa + 1, sr)); // port+1 is closed
	r.pump();
	ASSERT_EQ(r.out[1].size(), 2u);
	for (auto &f : r.out[1]) {
		Udp u;
		ASSERT_TRUE(parse_udp(f, u));
		expect_v4(u, "198.18.2.1", pb, "198.18.2.2", 5000);
	}
	EXPECT_EQ(r.verdict(RELAY_V_FWD_RTCP), 1u);
	EXPECT_EQ(r.verdict(RELAY_V_FWD_RTP), 1u);
	EXPECT_EQ(r.verdict(RELAY_V_DROP_MUX_PORT), 1u);
	struct dp_stream_info i = r.query(c);
	EXPECT_EQ(i.leg[0].drops[DP_DROP_MUX_PORT], 1u);
	EXPECT_EQ(i.leg[0].rtcp_packets, 2u);
	EXPECT_EQ(i.leg[0].packets, 1u);
}

TEST(RingRelay, ClosedPortsDroppedAndCounted)
{
	RingRelay r;
	ASSERT_TRUE(r.start("closed"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	Frame pl = rtp_payload(1, 0, 1);

	r.inject(0, from_a(r, "198.18.1.2", 4000, (uint16_t)(c.local[0].port + 2), pl));
	r.inject(0, from_a(r, "198.18.1.2", 4000, 30000, pl));
	r.inject(0, from_a(r, "198.18.1.2", 4000, 5060, pl)); // SIP port: not media
	r.pump();
	EXPECT_EQ(r.verdict(RELAY_V_DROP_NO_SESSION), 2u);
	EXPECT_EQ(r.verdict(RELAY_V_SIP), 1u);
	EXPECT_TRUE(r.out[1].empty());
	// a packet for another host on the link is not ours
	uint32_t s = ip4("198.18.1.2"), d = ip4("198.18.1.77");
	r.inject(0, udp_frame(r.relay_mac(0), kA, false, (uint8_t *)&s, (uint8_t *)&d, 4000,
			      c.local[0].port, pl));
	r.pump();
	EXPECT_EQ(r.verdict(RELAY_V_DROP_NOT_LOCAL), 1u);
	EXPECT_TRUE(r.out[1].empty());
}

TEST(RingRelay, LossAndJitterMatchHandComputed)
{
	RingRelay r;
	ASSERT_TRUE(r.start("jit"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	uint16_t pa = c.local[0].port;
	// seq 103 lost; arrivals in 8 kHz units: |D| = (probation) 10 10 30 25 -> J16 = 70
	const struct {
		uint16_t seq;
		uint64_t arrival;
	} pk[] = {{100, 5000}, {101, 5170}, {102, 5320}, {104, 5670}, {105, 5805}};
	for (auto &p : pk) {
		r.now_us = p.arrival * 125; // 125 us per 8 kHz tick
		r.inject(0, from_a(r, "198.18.1.2", 4000, pa,
				   rtp_payload(p.seq, 1000 + (uint32_t)(p.seq - 100) * 160, 0x1234)));
		r.pump(1);
	}
	struct dp_stream_info i = r.query(c);
	EXPECT_EQ(i.leg[0].ssrc, 0x1234u);
	EXPECT_EQ(i.leg[0].expected, 5u);
	EXPECT_EQ(i.leg[0].received, 4u);
	EXPECT_EQ(i.leg[0].lost, 1);
	EXPECT_EQ(i.leg[0].jitter, 4u);
	EXPECT_EQ(i.leg[0].packets, 5u);
}

TEST(RingRelay, Ipv6Stream)
{
	RingRelay r;
	ASSERT_TRUE(r.start("v6"));
	struct dp_reply c = r.create(leg6("access", ip6(1, 2), 4000), leg6("core", ip6(2, 2), 5000));
	ASSERT_EQ(c.h.status, 0);
	EXPECT_EQ(0, memcmp(c.local[0].addr, ip6(1, 1).b, 16));
	uint16_t pa = c.local[0].port, pb = c.local[1].port;
	Frame pl = rtp_payload(1, 0, 1, 173); // odd length
	Ip6 a = ip6(1, 2), ra = ip6(1, 1);

	for (int k = 0; k < 2; k++) {
		r.inject(0, udp_frame(r.relay_mac(0), kA, true, a.b, ra.b, 4000, pa, pl, 0xb8));
		r.pump();
	}
	ASSERT_EQ(r.out[1].size(), 1u) << "ND on core failed?";
	Udp u;
	ASSERT_TRUE(parse_udp(r.out[1][0], u));
	EXPECT_TRUE(u.v6);
	EXPECT_TRUE(frame_checksums_ok(r.out[1][0].data(), r.out[1][0].size()));
	EXPECT_EQ(0, memcmp(u.src, ip6(2, 1).b, 16));
	EXPECT_EQ(0, memcmp(u.dst, ip6(2, 2).b, 16));
	EXPECT_EQ(0, memcmp(u.dmac, kB.b, 6));
	EXPECT_EQ(u.sport, pb);
	EXPECT_EQ(u.dport, 5000);
	EXPECT_EQ(u.tos, 0xb8);
	EXPECT_EQ(u.payload, pl);
}

TEST(RingRelay, MixedFamiliesIpv4ToIpv6)
{
	RingRelay r;
	ASSERT_TRUE(r.start("mix"));
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg6("core", ip6(2, 2), 5000));
	ASSERT_EQ(c.h.status, 0);
	Frame pl = rtp_payload(3, 0, 1);
	for (int k = 0; k < 2; k++) {
		r.inject(0, from_a(r, "198.18.1.2", 4000, c.local[0].port, pl));
		r.pump();
	}
	ASSERT_EQ(r.out[1].size(), 1u);
	Udp u;
	ASSERT_TRUE(parse_udp(r.out[1][0], u));
	EXPECT_TRUE(u.v6);
	EXPECT_TRUE(frame_checksums_ok(r.out[1][0].data(), r.out[1][0].size()));
	EXPECT_EQ(u.payload, pl);
}

TEST(RingRelay, AnswersArpForOwnAddressesOnly)
{
	RingRelay r;
	ASSERT_TRUE(r.start("arp"));
	auto request = [&](const char *target) {
		Frame f(42, 0);
		memset(&f[0], 0xff, 6);
		memcpy(&f[6], kA.b, 6);
		f[12] = 0x08, f[13] = 0x06, f[15] = 1, f[16] = 8, f[18] = 6, f[19] = 4, f[21] = 1;
		memcpy(&f[22], kA.b, 6);
		uint32_t s = ip4("198.18.1.2"), t = ip4(target);
		memcpy(&f[28], &s, 4);
		memcpy(&f[38], &t, 4);
		return f;
	};
	r.inject(0, request("198.18.1.1"));
	r.pump();
	ASSERT_EQ(r.ctl[0].size(), 1u);
	const Frame &rep = r.ctl[0][0];
	ASSERT_GE(rep.size(), 42u);
	EXPECT_EQ(0, memcmp(&rep[0], kA.b, 6));
	EXPECT_EQ(0, memcmp(&rep[6], r.relay_mac(0).b, 6));
	EXPECT_EQ(rep[21], 2); // reply
	EXPECT_EQ(0, memcmp(&rep[22], r.relay_mac(0).b, 6));
	uint32_t own = ip4("198.18.1.1"), peer = ip4("198.18.1.2");
	EXPECT_EQ(0, memcmp(&rep[28], &own, 4));
	EXPECT_EQ(0, memcmp(&rep[32], kA.b, 6));
	EXPECT_EQ(0, memcmp(&rep[38], &peer, 4));
	r.inject(0, request("198.18.1.9"));
	r.pump();
	EXPECT_EQ(r.ctl[0].size(), 1u) << "answered ARP for a foreign address";
	// the request taught the relay A's MAC: B->A needs no ARP now
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	r.inject(1, from_b(r, 5000, c.local[1].port, rtp_payload(1, 0, 1)));
	r.pump();
	EXPECT_EQ(r.out[0].size(), 1u);
	EXPECT_EQ(r.ctl[0].size(), 1u);
}

TEST(RingRelay, AnswersPing)
{
	RingRelay r;
	ASSERT_TRUE(r.start("ping"));
	Frame f(14 + 20 + 16, 0);
	memcpy(&f[0], r.relay_mac(0).b, 6);
	memcpy(&f[6], kA.b, 6);
	f[12] = 0x08;
	f[14] = 0x45, f[17] = 36, f[22] = 64, f[23] = 1;
	uint32_t s = ip4("198.18.1.2"), d = ip4("198.18.1.1");
	memcpy(&f[26], &s, 4);
	memcpy(&f[30], &d, 4);
	uint16_t ck = (uint16_t)~be_fold(be_sum(&f[14], 20));
	f[24] = (uint8_t)(ck >> 8), f[25] = (uint8_t)ck;
	f[34] = 8, f[38] = 0x12, f[39] = 0x34;
	ck = (uint16_t)~be_fold(be_sum(&f[34], 16));
	f[36] = (uint8_t)(ck >> 8), f[37] = (uint8_t)ck;
	r.inject(0, f);
	r.pump();
	ASSERT_EQ(r.ctl[0].size(), 1u);
	const Frame &e = r.ctl[0][0];
	EXPECT_EQ(e[34], 0); // echo reply
	EXPECT_EQ(be_fold(be_sum(&e[34], 16)), 0xffff);
	EXPECT_EQ(be_fold(be_sum(&e[14], 20)), 0xffff);
	EXPECT_EQ(0, memcmp(&e[30], &s, 4));
}

// A worker lcore relays while the test thread creates and deletes streams.
TEST(RingRelay, CreateDeleteWhileTrafficFlows)
{
	RingRelay r;
	ASSERT_TRUE(r.start("churn"));
	ASSERT_GE(rte_lcore_count(), 2u);
	unsigned lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	// resolve both peers first (single-threaded), then hand the port to the worker;
	// real time from here on: the worker lcore uses the real clock
	r.now_us = relay_now_us();
	struct dp_reply warm = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	for (int k = 0; k < 2; k++) {
		r.inject(0, from_a(r, "198.18.1.2", 4000, warm.local[0].port, rtp_payload(1, 0, 1)));
		r.inject(1, from_b(r, 5000, warm.local[1].port, rtp_payload(1, 0, 1)));
		r.pump();
	}
	ASSERT_EQ(r.del(warm), 0);
	r.out[0].clear();
	r.out[1].clear();

	r.rt->quit = false;
	ASSERT_EQ(rte_eal_remote_launch(relay_worker_main, r.rt->workers[0], lcore), 0);
	const int rounds = 300;
	uint64_t forwarded = 0, stale = 0;
	for (int k = 0; k < rounds; k++) {
		// each round: a fresh stream with its own B port number as payload marker
		uint16_t rport = (uint16_t)(6000 + 2 * (k % 500));
		struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", rport));
		ASSERT_EQ(c.h.status, 0) << k;
		Frame pl = rtp_payload((uint16_t)k, 0, (uint32_t)rport);
		for (int p = 0; p < 8; p++)
			r.inject(0, from_a(r, "198.18.1.2", 4000, c.local[0].port, pl));
		// delete while those packets may still be in flight
		if (k % 2 == 0)
			rte_delay_us_block(50);
		ASSERT_EQ(r.del(c), 0);
		relay_service_poll(r.rt, relay_now_us());
		struct rte_mbuf *m;
		while (rte_ring_dequeue(r.tx[1], (void **)&m) == 0) {
			Frame f(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_mtod(m, uint8_t *) + m->data_len);
			rte_pktmbuf_free(m);
			Udp u;
			if (!parse_udp(f, u))
				continue;
			forwarded++;
			// the SSRC carries the destination port the stream was created with
			uint32_t ssrc = (uint32_t)(u.payload[8] << 24 | u.payload[9] << 16 |
						   u.payload[10] << 8 | u.payload[11]);
			if (ssrc != u.dport || !frame_checksums_ok(f.data(), f.size()))
				stale++;
		}
	}
	// after the last delete and a grace period, nothing is forwarded any more
	rte_rcu_qsbr_synchronize(relay_table_qsbr(r.rt->dp.table), RTE_QSBR_THRID_INVALID);
	uint64_t fwd_before = r.verdict(RELAY_V_FWD_RTP);
	for (int p = 0; p < 16; p++)
		r.inject(0, from_a(r, "198.18.1.2", 4000, 20000, rtp_payload(1, 0, 1)));
	rte_delay_us_block(20000);
	r.rt->quit = true;
	rte_eal_wait_lcore(lcore);
	EXPECT_EQ(r.verdict(RELAY_V_FWD_RTP), fwd_before);
	EXPECT_EQ(stale, 0u);
	EXPECT_GT(r.verdict(RELAY_V_DROP_NO_SESSION), 0u);
	printf("churn: %d streams, %llu forwarded;", rounds, (unsigned long long)forwarded);
	uint64_t total = 0;
	for (int v = 0; v < RELAY_V_MAX; v++) {
		total += v == RELAY_V_DROP_TX ? 0 : r.verdict((enum relay_verdict)v);
		if (r.verdict((enum relay_verdict)v))
			printf(" %s=%llu", relay_verdict_name((enum relay_verdict)v),
			       (unsigned long long)r.verdict((enum relay_verdict)v));
	}
	printf("\n");
	// every injected packet got a verdict (8 per round, 16 at the end, 4 warm-up,
	// the peers' ARP replies)
	EXPECT_EQ(total, (uint64_t)rounds * 8 + 16 + 4 + r.verdict(RELAY_V_SERVICE));
	EXPECT_EQ(r.verdict(RELAY_V_DROP_NO_NEIGH), 2u); // the warm-up, before ARP
	EXPECT_EQ(relay_table_count(r.rt->dp.table), 0u);
}

} // namespace

namespace {

// The software prefilter on ports without XDP (net_ring here): a banned source's media
// is dropped before classification even reaches a stream, SIP from it too; the rest
// flows, and every frame is counted under its prefilter verdict.
TEST(RingRelay, SoftwarePrefilterDropsBannedSourcesMedia)
{
	RingRelay r;
	ASSERT_TRUE(r.start("pfsw"));
	unsigned n_pf = 0;
	char err[160];
	ASSERT_EQ(relay_prefilter_configure(&r.rt->cfg, &n_pf, err, sizeof(err)), 0) << err;
	EXPECT_EQ(n_pf, 0u); // no kernel interface: nothing for XDP
	ASSERT_TRUE(r.rt->cfg.iface[0].pf_soft);
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000), leg4("core", "198.18.2.2", 5000));
	ASSERT_EQ(c.h.status, 0);
	uint16_t pa = c.local[0].port;
	Frame pl = rtp_payload(1, 160, 0x1234);

	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.pump(); // latches, resolves B
	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.pump();
	size_t fwd = r.out[1].size();
	EXPECT_GE(fwd, 1u);
	const struct relay_pf_worker &pw = r.rt->workers[0]->pf;
	uint64_t media0 = pw.verdicts[PF_V_MEDIA], banned0 = pw.verdicts[PF_V_BANNED];

	// a ban snapshot as the service loop publishes it
	struct sr_ban_table *bans = sr_ban_table_create(4);
	ASSERT_NE(bans, nullptr);
	struct sr_ban b = {};
	ASSERT_EQ(sr_prefix_parse("198.18.1.2", &b.pfx), 0);
	ASSERT_EQ(sr_ban_add(bans, &b), 1);
	__atomic_store_n(&r.rt->dp.pf_bans, bans, __ATOMIC_RELEASE);
	for (int k = 0; k < 3; k++)
		r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.inject(0, from_a(r, "198.18.1.2", 5060, 5060, Frame(20, 'x'))); // its SIP as well
	r.pump();
	EXPECT_EQ(r.out[1].size(), fwd) << "a banned source's media went through";
	EXPECT_EQ(pw.verdicts[PF_V_BANNED] - banned0, 4u);
	EXPECT_EQ(r.verdict(RELAY_V_DROP_PREFILTER), 4u);

	// unbanned: its media flows again, counted as media
	__atomic_store_n(&r.rt->dp.pf_bans, (struct sr_ban_table *)nullptr, __ATOMIC_RELEASE);
	r.inject(0, from_a(r, "198.18.1.2", 4000, pa, pl));
	r.pump();
	EXPECT_EQ(r.out[1].size(), fwd + 1);
	EXPECT_EQ(pw.verdicts[PF_V_MEDIA] - media0, 1u);
	sr_ban_table_free(bans);
}

} // namespace
