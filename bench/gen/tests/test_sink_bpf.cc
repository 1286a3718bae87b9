// SPDX-License-Identifier: BSD-3-Clause
// srsink's XDP program as the kernel runs it: loaded from its skeleton (private maps,
// nothing attached) and fed crafted frames through BPF_PROG_TEST_RUN. Each case checks
// the action and the counters, flow entries and histogram it moved. Needs root.
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern "C" {
#include "frame.h"
#include "sink.h"
#include "wire.h"
}

#include "sink.skel.h"

namespace {

using Bytes = std::vector<uint8_t>;

uint64_t mono_ns()
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

const uint8_t kMac[6] = {0x02, 0, 0, 0, 0, 1};

gen_flow flow(uint16_t dport)
{
	gen_flow f = {};
	inet_pton(AF_INET, "198.18.1.2", &f.src);
	inet_pton(AF_INET, "198.18.2.2", &f.dst);
	f.sport = 20000;
	f.dport = dport;
	return f;
}

// An RTP frame of flow `id`, packet `seq`, stamped tx_ns, with a UDP payload of len;
// edit changes the payload before the checksums are computed.
Bytes rtp(uint32_t id, uint64_t seq, uint64_t tx_ns, uint16_t dport = 20002, size_t len = 172,
	  const std::function<void(uint8_t *)> &edit = nullptr)
{
	Bytes f(SRGEN_HDRS_LEN + std::max<size_t>(len, SRGEN_MIN_RTP_PAYLOAD), 0);
	gen_rtp r;
	frame_rtp_init(&r, id, 0, 160);
	frame_rtp_payload(f.data() + SRGEN_HDRS_LEN, &r, seq, tx_ns);
	if (edit)
		edit(f.data() + SRGEN_HDRS_LEN);
	f.resize(SRGEN_HDRS_LEN + len); // shorter ones lose the end of the stamp
	gen_flow g = flow(dport);
	frame_udp4(f.data(), kMac, &g, len, 1);
	return f;
}

Bytes sip(uint16_t dport)
{
	Bytes f(1500, 0);
	gen_flow g = flow(dport);
	size_t n = frame_sip_options((char *)f.data() + SRGEN_HDRS_LEN, f.size() - SRGEN_HDRS_LEN,
				     g.src, 5060, g.dst, dport, 1);
	f.resize(frame_udp4(f.data(), kMac, &g, n, 1));
	return f;
}

class Sink : public ::testing::Test {
protected:
	struct sink *skel = nullptr;

	void SetUp() override
	{
		if (geteuid() != 0)
			GTEST_SKIP() << "loading XDP programs needs root";
		skel = sink__open();
		ASSERT_NE(skel, nullptr);
		skel->rodata->port_lo = 20000;
		skel->rodata->port_hi = 29999;
		ASSERT_EQ(sink__load(skel), 0) << "the verifier refused the program";
	}

	void TearDown() override { sink__destroy(skel); }

	int run(const Bytes &f)
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f.data(), .data_size_in = (uint32_t)f.size());
		int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.srsink), &o);
		EXPECT_EQ(err, 0) << strerror(-err);
		return (int)o.retval;
	}

	uint64_t percpu(int fd, uint32_t k, bool max = false)
	{
		int ncpu = libbpf_num_possible_cpus();
		std::vector<uint64_t> per(ncpu);
		EXPECT_EQ(bpf_map_lookup_elem(fd, &k, per.data()), 0);
		uint64_t s = 0;
		for (auto x : per)
			s = max ? std::max(s, x) : s + x;
		return s;
	}

	uint64_t count(sink_counter c)
	{
		return percpu(bpf_map__fd(skel->maps.sink_stats), c, c == SINK_C_LAT_MAX);
	}

	std::vector<uint64_t> counts()
	{
		std::vector<uint64_t> v;
		for (int i = 0; i < SINK_C_MAX; i++)
			v.push_back(count((sink_counter)i));
		return v;
	}

	// The action, and that exactly the listed counters moved (each by one; BYTES and the
	// latency sums by whatever they add up to).
	void expect(const Bytes &f, int action, std::vector<sink_counter> moved)
	{
		auto before = counts();
		EXPECT_EQ(run(f), action);
		auto after = counts();
		for (int i = 0; i < SINK_C_MAX; i++) {
			bool listed = std::find(moved.begin(), moved.end(), i) != moved.end();
			if (i == SINK_C_BYTES) {
				EXPECT_EQ(after[i] - before[i], listed ? f.size() : 0u) << "bytes";
			} else if (i == SINK_C_LAT_SUM || i == SINK_C_LAT_MAX) {
				if (!listed) {
					EXPECT_EQ(after[i], before[i]) << "counter " << i;
				}
			} else {
				EXPECT_EQ(after[i] - before[i], listed ? 1u : 0u) << "counter " << i;
			}
		}
	}

	bool flow(uint32_t id, sink_flow *out)
	{
		return bpf_map_lookup_elem_flags(bpf_map__fd(skel->maps.sink_flows), &id, out,
						 BPF_F_LOCK) == 0;
	}

	uint64_t hist_total()
	{
		uint64_t t = 0;
		for (uint32_t b = 0; b < SINK_HIST_BUCKETS; b++)
			t += percpu(bpf_map__fd(skel->maps.sink_hist), b);
		return t;
	}

	static constexpr sink_counter kGood[] = {SINK_C_PKTS, SINK_C_BYTES, SINK_C_STAMPED,
						 SINK_C_LAT_SUM, SINK_C_LAT_MAX};
	std::vector<sink_counter> good() { return {std::begin(kGood), std::end(kGood)}; }
};

TEST_F(Sink, AGoodStampedFrameIsCountedTimedAndConsumed)
{
	uint64_t tx = mono_ns() - 1000000; // sent a millisecond ago
	expect(rtp(7, 0, tx), XDP_DROP, good());
	sink_flow f;
	ASSERT_TRUE(flow(7, &f));
	EXPECT_EQ(f.pkts, 1u);
	EXPECT_EQ(f.bytes, SRGEN_HDRS_LEN + 172u);
	EXPECT_EQ(f.max_seq, 0u);
	EXPECT_EQ(f.reordered + f.gaps, 0u);
	EXPECT_GE(f.last_ns, tx);
	// the latency sample: at least the millisecond, in the histogram exactly once
	uint64_t lat = count(SINK_C_LAT_MAX);
	EXPECT_GE(lat, 1000000u);
	EXPECT_LT(lat, 1000000000u);
	EXPECT_EQ(count(SINK_C_LAT_SUM), lat);
	EXPECT_EQ(hist_total(), 1u);
	EXPECT_EQ(percpu(bpf_map__fd(skel->maps.sink_hist), sink_hist_bucket(lat)), 1u);
}

TEST_F(Sink, OddLengthsAndTheLongestCheckedDatagramVerify)
{
	for (size_t len : {36, 37, 38, 39, 173, 1471, SINK_MAX_UDP_LEN - 8})
		expect(rtp(1, len, mono_ns(), 20002, len), XDP_DROP, good());
}

TEST_F(Sink, OutsideThePortRangeOrNotUdpGoesToTheKernel)
{
	expect(rtp(1, 0, mono_ns(), 19999), XDP_PASS, {});
	expect(rtp(1, 0, mono_ns(), 30000), XDP_PASS, {});
	expect(rtp(1, 0, mono_ns(), 20000), XDP_DROP, good());
	expect(rtp(1, 1, mono_ns(), 29999), XDP_DROP, good());
	Bytes arp(60, 0);
	arp[12] = 0x08;
	arp[13] = 0x06;
	expect(arp, XDP_PASS, {});
	Bytes tcp = rtp(1, 0, mono_ns());
	tcp[14 + 9] = 6;
	expect(tcp, XDP_PASS, {});
	Bytes frag = rtp(1, 0, mono_ns());
	frag[14 + 6] = 0x20; // more fragments
	expect(frag, XDP_PASS, {});
	Bytes v6 = rtp(1, 0, mono_ns());
	v6[12] = 0x86;
	v6[13] = 0xdd;
	expect(v6, XDP_PASS, {});
	Bytes shortf = rtp(1, 0, mono_ns());
	shortf.resize(38);
	expect(shortf, XDP_PASS, {}); // no room for a UDP header: not recognisably ours
}

TEST_F(Sink, BadUdpChecksumIsCountedAndKeptOutOfTheFlows)
{
	Bytes f = rtp(9, 0, mono_ns());
	f[60] ^= 0x01; // a payload bit flipped in transit
	expect(f, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_BAD_UDP_CSUM});
	sink_flow fl;
	EXPECT_FALSE(flow(9, &fl));
	EXPECT_EQ(hist_total(), 0u);

	Bytes c = rtp(9, 0, mono_ns());
	c[40] ^= 0x80; // the checksum field itself
	expect(c, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_BAD_UDP_CSUM});

	Bytes z = rtp(9, 0, mono_ns());
	z[40] = z[41] = 0; // "no checksum"
	expect(z, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_ZERO_UDP_CSUM});
}

TEST_F(Sink, BadIpChecksumIsCountedApart)
{
	Bytes f = rtp(4, 0, mono_ns());
	f[14 + 8] = 63; // TTL changed without fixing the header checksum (UDP's stays right)
	auto moved = good();
	moved.push_back(SINK_C_BAD_IP_CSUM);
	expect(f, XDP_DROP, moved);
}

TEST_F(Sink, InconsistentLengthsAreMalformed)
{
	Bytes f = rtp(4, 0, mono_ns());
	f[14 + 20 + 4] = 0x0f; // UDP length beyond the IP payload
	expect(f, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_MALFORMED});
	Bytes g = rtp(4, 0, mono_ns());
	g[14 + 20 + 4] = 0;
	g[14 + 20 + 5] = 7; // shorter than its own header
	expect(g, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_MALFORMED});
	Bytes h = rtp(4, 0, mono_ns());
	h.resize(h.size() - 10); // IP total length beyond the frame
	expect(h, XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_MALFORMED});
}

TEST_F(Sink, LongerThanTheCheckedMaximumIsCountedNotVerified)
{
	expect(rtp(4, 0, mono_ns(), 20002, SINK_MAX_UDP_LEN - 7), XDP_DROP,
	       {SINK_C_PKTS, SINK_C_BYTES, SINK_C_TOO_LONG});
}

TEST_F(Sink, UnstampedTrafficInRangeIsCountedButHasNoFlow)
{
	expect(sip(20002), XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED});
	// a wrong magic, or an RTP header with an extension or CSRCs (the stamp would not
	// sit at its offset): correct checksums, no stamp
	expect(rtp(4, 0, mono_ns(), 20002, 172, [](uint8_t *p) { p[SRGEN_STAMP_OFF] ^= 1; }),
	       XDP_DROP, {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED});
	expect(rtp(4, 0, mono_ns(), 20002, 172, [](uint8_t *p) { p[0] |= 0x10; }), XDP_DROP,
	       {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED});
	expect(rtp(4, 0, mono_ns(), 20002, 172, [](uint8_t *p) { p[0] |= 0x01; }), XDP_DROP,
	       {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED});
	expect(rtp(4, 0, mono_ns(), 20002, 172, [](uint8_t *p) { p[0] = 0x40; }), XDP_DROP,
	       {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED}); // RTP version 1
	// RTP padding does not move the stamp
	expect(rtp(4, 0, mono_ns(), 20002, 172, [](uint8_t *p) { p[0] |= 0x20; }), XDP_DROP, good());
	// too short for header and stamp
	expect(rtp(4, 0, mono_ns(), 20002, SRGEN_MIN_RTP_PAYLOAD - 1), XDP_DROP,
	       {SINK_C_PKTS, SINK_C_BYTES, SINK_C_UNSTAMPED});
	sink_flow f;
	ASSERT_TRUE(flow(4, &f));
	EXPECT_EQ(f.pkts, 1u) << "only the padded one has a stamp";
}

TEST_F(Sink, SequenceGapsAndReorderingPerFlow)
{
	uint64_t now = mono_ns();
	for (uint64_t s : {0, 1, 3, 4}) // 2 lost
		expect(rtp(1, s, now), XDP_DROP, good());
	for (uint64_t s : {0, 2, 1, 3}) // 1 late, nothing lost
		expect(rtp(2, s, now), XDP_DROP, good());
	for (uint64_t s : {5, 6}) // the first five lost
		expect(rtp(3, s, now), XDP_DROP, good());
	sink_flow a, b, c;
	ASSERT_TRUE(flow(1, &a));
	ASSERT_TRUE(flow(2, &b));
	ASSERT_TRUE(flow(3, &c));
	EXPECT_EQ(a.pkts, 4u);
	EXPECT_EQ(a.max_seq, 4u);
	EXPECT_EQ(a.gaps, 1u);
	EXPECT_EQ(a.reordered, 0u);
	EXPECT_EQ(a.max_seq + 1 - a.pkts, 1u) << "lost";
	EXPECT_EQ(b.pkts, 4u);
	EXPECT_EQ(b.max_seq, 3u);
	EXPECT_EQ(b.gaps, 1u);
	EXPECT_EQ(b.reordered, 1u);
	EXPECT_EQ(b.max_seq + 1 - b.pkts, 0u);
	EXPECT_EQ(c.first_seq, 5u);
	EXPECT_EQ(c.max_seq + 1 - c.pkts, 5u);
	// a duplicate counts as reordered, never as a gap
	expect(rtp(2, 3, now), XDP_DROP, good());
	ASSERT_TRUE(flow(2, &b));
	EXPECT_EQ(b.reordered, 2u);
	EXPECT_EQ(b.gaps, 1u);
}

TEST_F(Sink, AStampFromTheFutureIsNotALatencySample)
{
	std::vector<sink_counter> moved = {SINK_C_PKTS, SINK_C_BYTES, SINK_C_STAMPED,
					   SINK_C_CLOCK_BACK};
	expect(rtp(5, 0, mono_ns() + 60000000000ull), XDP_DROP, moved);
	EXPECT_EQ(hist_total(), 0u);
	sink_flow f;
	EXPECT_TRUE(flow(5, &f)) << "the flow still counts it";
}

TEST_F(Sink, IpOptionsAreSkipped)
{
	Bytes f = rtp(6, 0, mono_ns());
	// four NOP options after the fixed header: IHL 6, total length +4, IP checksum redone
	f.insert(f.begin() + 34, {1, 1, 1, 1});
	f[14] = 0x46;
	uint16_t tot = (uint16_t)((f[16] << 8 | f[17]) + 4);
	f[16] = (uint8_t)(tot >> 8);
	f[17] = (uint8_t)tot;
	f[24] = f[25] = 0;
	uint32_t s = 0;
	for (int i = 0; i < 24; i += 2)
		s += (uint32_t)(f[14 + i] << 8 | f[15 + i]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	f[24] = (uint8_t)(~s >> 8);
	f[25] = (uint8_t)~s;
	expect(f, XDP_DROP, good());
}

TEST_F(Sink, FlowsAreKeyedByTheStampNotTheAddresses)
{
	uint64_t now = mono_ns();
	expect(rtp(11, 0, now, 20002), XDP_DROP, good());
	expect(rtp(11, 1, now, 20004), XDP_DROP, good()); // another port, same stream id
	sink_flow f;
	ASSERT_TRUE(flow(11, &f));
	EXPECT_EQ(f.pkts, 2u);
	EXPECT_EQ(f.gaps, 0u);
}

} // namespace
