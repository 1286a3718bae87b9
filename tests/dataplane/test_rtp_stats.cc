// RFC 3550 A.1/A.3/A.8 figures against values computed by hand (see comments).
#include <gtest/gtest.h>

extern "C" {
#include "rtp_stats.h"
}

namespace {

struct Pkt {
	uint16_t seq;
	uint32_t arrival;
};

uint32_t ts_of(uint16_t seq) { return 1000 + (uint32_t)(uint16_t)(seq - 100) * 160; }

TEST(RtpStats, LossAndJitterHandComputed)
{
	struct relay_rtp_state s = {};
	struct relay_rtp_report r;
	// 103 is lost. transits: 4000 4010 4000 4030 4005, |D|: (probation) 10 10 30 25
	const Pkt pkts[] = {{100, 5000}, {101, 5170}, {102, 5320}, {104, 5670}, {105, 5805}};

	for (const Pkt &p : pkts)
		relay_rtp_update(&s, 0x1234, p.seq, ts_of(p.seq), p.arrival);
	relay_rtp_report(&s, &r);
	// A.1: the source is valid at its 2nd packet (MIN_SEQUENTIAL=2), base_seq=101
	EXPECT_EQ(r.ext_max_seq, 105u);
	EXPECT_EQ(r.expected, 5u);
	EXPECT_EQ(r.received, 4u);
	EXPECT_EQ(r.lost, 1);
	// J16: 0+10-0=10, 10+10-1=19, 19+30-1=48, 48+25-3=70; 70>>4 = 4 (float RFC: 4.38)
	EXPECT_EQ(s.jitter, 70u);
	EXPECT_EQ(r.jitter, 4u);
}

TEST(RtpStats, SequenceWrap)
{
	struct relay_rtp_state s = {};
	struct relay_rtp_report r;
	const uint16_t seqs[] = {65534, 65535, 0, 1};

	for (uint16_t q : seqs)
		relay_rtp_update(&s, 7, q, 0, 0);
	relay_rtp_report(&s, &r);
	EXPECT_EQ(r.ext_max_seq, 65536u + 1);
	EXPECT_EQ(r.expected, 3u); // 65535, 0, 1
	EXPECT_EQ(r.received, 3u);
	EXPECT_EQ(r.lost, 0);
	EXPECT_EQ(r.jitter, 0u);
}

TEST(RtpStats, DuplicateCountsNegativeLoss)
{
	struct relay_rtp_state s = {};
	struct relay_rtp_report r;
	const uint16_t seqs[] = {10, 11, 12, 12, 13};

	for (uint16_t q : seqs)
		relay_rtp_update(&s, 7, q, 0, 0);
	relay_rtp_report(&s, &r);
	EXPECT_EQ(r.expected, 3u); // 11..13
	EXPECT_EQ(r.received, 4u);
	EXPECT_EQ(r.lost, -1);
}

TEST(RtpStats, NewSsrcRestarts)
{
	struct relay_rtp_state s = {};
	struct relay_rtp_report r;

	for (uint16_t q = 1; q < 50; q++)
		relay_rtp_update(&s, 1, q, 0, 0);
	relay_rtp_update(&s, 2, 500, 0, 0);
	relay_rtp_update(&s, 2, 501, 0, 0);
	relay_rtp_update(&s, 2, 503, 0, 0);
	relay_rtp_report(&s, &r);
	EXPECT_EQ(s.ssrc, 2u);
	EXPECT_EQ(r.expected, 3u); // 501..503
	EXPECT_EQ(r.received, 2u);
	EXPECT_EQ(r.lost, 1);
}

TEST(RtpStats, LargeJumpNeedsTwoPackets)
{
	struct relay_rtp_state s = {};
	struct relay_rtp_report r;

	for (uint16_t q = 1; q <= 10; q++)
		relay_rtp_update(&s, 1, q, 0, 0);
	relay_rtp_update(&s, 1, 20000, 0, 0); // rejected: bad_seq=20001
	relay_rtp_report(&s, &r);
	EXPECT_EQ(r.ext_max_seq, 10u);
	EXPECT_EQ(r.received, 9u);
	relay_rtp_update(&s, 1, 20001, 0, 0); // resync
	relay_rtp_report(&s, &r);
	EXPECT_EQ(r.ext_max_seq, 20001u);
	EXPECT_EQ(r.received, 1u);
}

} // namespace
