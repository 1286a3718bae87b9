// SPDX-License-Identifier: BSD-3-Clause
// The timeout policy of siprelay-control (control/daemon/timeouts.c) on a fake clock.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

extern "C" {
#include "timeouts.h"
}

namespace {

constexpr uint64_t NEVER = UINT64_MAX;

struct Ended {
	tmo_kind kind;
	uint64_t session_id;
	uint64_t age_ms;
	uint64_t idle_ms;
	std::vector<tmo_stream_ref> streams;
};

// One stream as the data plane would list it.
struct Stream {
	uint32_t handle;
	uint32_t gen;
	uint64_t sid;
	uint32_t media;
	uint64_t idle_a;  // leg A idle ms (NEVER: no packet yet)
	uint64_t idle_b;
	bool remote_a;
	bool remote_b;
};

class Timeouts : public ::testing::Test {
protected:
	void SetUp() override { Make(TMO_DEFAULT_IDLE_S, TMO_DEFAULT_FINAL_S, TMO_DEFAULT_OFFER_S); }
	void TearDown() override { timeouts_free(t_); }

	void Make(uint32_t idle, uint32_t final_s, uint32_t offer)
	{
		tmo_config c = { idle, final_s, offer };

		timeouts_free(t_);
		t_ = timeouts_new(&c);
		ASSERT_NE(t_, nullptr);
	}

	// One scan at now_s seconds listing streams; returns the sessions ended.
	std::vector<Ended> Scan(double now_s, const std::vector<Stream> &streams)
	{
		std::vector<Ended> out;

		timeouts_scan_begin(t_, (int64_t)(now_s * 1000));
		for (const Stream &s : streams) {
			tmo_obs o = {};

			o.handle = s.handle;
			o.gen = s.gen;
			o.session_id = s.sid;
			o.media_index = s.media;
			o.idle_ms[0] = s.idle_a;
			o.idle_ms[1] = s.idle_b;
			o.has_remote[0] = s.remote_a;
			o.has_remote[1] = s.remote_b;
			EXPECT_EQ(timeouts_observe(t_, &o), 0);
		}
		timeouts_scan_end(t_, &Timeouts::Collect, &out);
		return out;
	}

	static int Collect(void *arg, const tmo_expired *e)
	{
		auto *out = static_cast<std::vector<Ended> *>(arg);

		out->push_back({ e->kind, e->session_id, e->age_ms, e->idle_ms,
				 std::vector<tmo_stream_ref>(e->streams, e->streams + e->n_streams) });
		return fail_next_ ? -EIO : 0;
	}

	timeouts *t_ = nullptr;
	static bool fail_next_;
};

bool Timeouts::fail_next_ = false;

// An answered call whose media flows: leg A got a packet a ms ago, leg B b ms ago.
Stream Call(uint32_t handle, uint64_t sid, uint64_t a, uint64_t b)
{
	return { handle, 1, sid, 1, a, b, true, true };
}

TEST_F(Timeouts, FlowingMediaNeverExpires)
{
	for (int s = 0; s <= 600; s += 10)
		EXPECT_TRUE(Scan(s, { Call(3, 7, 20, 20) }).empty()) << "at " << s << " s";
	EXPECT_EQ(timeouts_tracked(t_), 1u);
}

TEST_F(Timeouts, IdleAfterSixtySecondsWithoutMediaInBothDirections)
{
	ASSERT_TRUE(Scan(0, { Call(3, 7, 0, 0) }).empty());
	// the data plane's idle times grow with the clock
	EXPECT_TRUE(Scan(59.9, { Call(3, 7, 59900, 59900) }).empty());
	auto e = Scan(60, { Call(3, 7, 60000, 60000) });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_IDLE);
	EXPECT_EQ(e[0].session_id, 7u);
	EXPECT_EQ(e[0].idle_ms, 60000u);
	EXPECT_EQ(e[0].age_ms, 60000u);
	ASSERT_EQ(e[0].streams.size(), 1u);
	EXPECT_EQ(e[0].streams[0].handle, 3u);
	EXPECT_EQ(e[0].streams[0].gen, 1u);
	EXPECT_EQ(timeouts_count(t_, TMO_IDLE), 1u);
	EXPECT_EQ(timeouts_count(t_, TMO_FINAL), 0u);
}

TEST_F(Timeouts, OneDirectionFlowingKeepsTheStream)
{
	// rtpproxy's unified TTL: one party talking is enough (a one-way announcement)
	ASSERT_TRUE(Scan(0, { Call(3, 7, 0, 0) }).empty());
	EXPECT_TRUE(Scan(100, { Call(3, 7, 100000, 5) }).empty());
	EXPECT_EQ(Scan(200, { Call(3, 7, 200000, 100005) }).size(), 1u);
}

TEST_F(Timeouts, IdleCountsFromTheAnswerWhenNothingFlowedYet)
{
	Stream ringing = { 3, 1, 7, 1, NEVER, NEVER, true, false };
	Stream answered = { 3, 1, 7, 1, NEVER, NEVER, true, true };

	ASSERT_TRUE(Scan(0, { ringing }).empty());
	ASSERT_TRUE(Scan(50, { ringing }).empty());
	EXPECT_TRUE(Scan(51, { answered }).empty()) << "a call that rang 51 s is not idle";
	EXPECT_TRUE(Scan(110, { answered }).empty());
	auto e = Scan(111, { answered });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_IDLE);
	EXPECT_EQ(e[0].idle_ms, 60000u);
	EXPECT_EQ(e[0].age_ms, 111000u);
}

TEST_F(Timeouts, OfferWithoutAnswer)
{
	Stream offer = { 5, 2, 9, 1, 10, NEVER, true, false };

	ASSERT_TRUE(Scan(0, { offer }).empty());
	// media from the caller only: still unanswered; the idle rule does not apply yet
	EXPECT_TRUE(Scan(119, { offer }).empty());
	auto e = Scan(120, { offer });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_OFFER);
	EXPECT_EQ(e[0].age_ms, 120000u);
	EXPECT_EQ(timeouts_count(t_, TMO_OFFER), 1u);
}

TEST_F(Timeouts, PacketsFromTheCalleeCountAsAnAnswer)
{
	// no signalled address for leg B, but B sends (latching off): answered
	Stream s = { 5, 2, 9, 1, NEVER, 10, true, false };

	ASSERT_TRUE(Scan(0, { s }).empty());
	EXPECT_TRUE(Scan(130, { { 5, 2, 9, 1, NEVER, 100, true, false } }).empty());
}

TEST_F(Timeouts, OfferTimeoutOff)
{
	Make(60, 0, 0);
	Stream offer = { 5, 2, 9, 1, NEVER, NEVER, true, false };

	for (int s = 0; s <= 3600; s += 600)
		EXPECT_TRUE(Scan(s, { offer }).empty());
}

TEST_F(Timeouts, FinalOffByDefault)
{
	EXPECT_EQ(timeouts_config(t_)->final_s, 0u);
	ASSERT_TRUE(Scan(0, { Call(1, 1, 0, 0) }).empty());
	EXPECT_TRUE(Scan(7 * 24 * 3600, { Call(1, 1, 0, 0) }).empty());
}

TEST_F(Timeouts, FinalEndsActiveCalls)
{
	Make(60, 3600, 120);
	ASSERT_TRUE(Scan(0, { Call(1, 1, 0, 0) }).empty());
	EXPECT_TRUE(Scan(3599, { Call(1, 1, 5, 5) }).empty());
	auto e = Scan(3600, { Call(1, 1, 5, 5) });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_FINAL);
	EXPECT_EQ(timeouts_count(t_, TMO_FINAL), 1u);
}

TEST_F(Timeouts, FinalNamedFirstWhenSeveralRulesFired)
{
	Make(10, 10, 10);
	ASSERT_TRUE(Scan(0, { Call(1, 1, 0, 0) }).empty());
	auto e = Scan(30, { Call(1, 1, 30000, 30000) });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_FINAL);
}

TEST_F(Timeouts, IdleTimeoutOff)
{
	Make(0, 0, 120);
	ASSERT_TRUE(Scan(0, { Call(1, 1, 0, 0) }).empty());
	EXPECT_TRUE(Scan(10000, { Call(1, 1, 10000000, 10000000) }).empty());
}

TEST_F(Timeouts, SessionEndsOnlyWhenAllItsStreamsAreIdle)
{
	// audio idle, video flowing: the inline SIP path ends calls whole, so nothing ends
	ASSERT_TRUE(Scan(0, { Call(1, 42, 0, 0), Call(2, 42, 0, 0) }).empty());
	EXPECT_TRUE(Scan(100, { Call(1, 42, 100000, 100000), Call(2, 42, 10, 10) }).empty());
	auto e = Scan(200, { Call(1, 42, 200000, 200000), Call(2, 42, 61000, 70000) });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].session_id, 42u);
	EXPECT_EQ(e[0].idle_ms, 61000u);
	ASSERT_EQ(e[0].streams.size(), 2u);
	EXPECT_EQ(e[0].streams[0].handle, 1u);
	EXPECT_EQ(e[0].streams[1].handle, 2u);
	EXPECT_EQ(timeouts_count(t_, TMO_IDLE), 1u) << "counted per session";
}

TEST_F(Timeouts, SessionsJudgedApart)
{
	ASSERT_TRUE(Scan(0, { Call(1, 10, 0, 0), Call(2, 11, 0, 0), Call(3, 12, 0, 0) }).empty());
	auto e = Scan(70, { Call(1, 10, 70000, 70000), Call(2, 11, 5, 5),
			    Call(3, 12, 65000, 61000) });
	ASSERT_EQ(e.size(), 2u);
	EXPECT_EQ(e[0].session_id, 10u);
	EXPECT_EQ(e[1].session_id, 12u);
}

TEST_F(Timeouts, GoneStreamsAreForgottenAndReusedSlotsStartAfresh)
{
	Make(60, 100, 120);
	ASSERT_TRUE(Scan(0, { Call(1, 10, 0, 0), Call(2, 11, 0, 0) }).empty());
	EXPECT_EQ(timeouts_tracked(t_), 2u);
	ASSERT_TRUE(Scan(50, { Call(2, 11, 0, 0) }).empty());
	EXPECT_EQ(timeouts_tracked(t_), 1u);
	// slot 2 now holds another stream (another gen): its age starts now
	Stream reused = Call(2, 11, 0, 0);
	reused.gen = 2;
	ASSERT_TRUE(Scan(90, { reused }).empty());
	EXPECT_TRUE(Scan(189, { reused }).empty());
	auto e = Scan(190, { reused });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_FINAL);
	EXPECT_EQ(e[0].age_ms, 100000u);
}

TEST_F(Timeouts, FailedDeletionIsNotCountedAndRetried)
{
	ASSERT_TRUE(Scan(0, { Call(1, 10, 0, 0) }).empty());
	fail_next_ = true;
	EXPECT_EQ(Scan(60, { Call(1, 10, 60000, 60000) }).size(), 1u);
	fail_next_ = false;
	EXPECT_EQ(timeouts_count(t_, TMO_IDLE), 0u);
	EXPECT_EQ(Scan(61, { Call(1, 10, 61000, 61000) }).size(), 1u);
	EXPECT_EQ(timeouts_count(t_, TMO_IDLE), 1u);
}

TEST_F(Timeouts, ResyncUsesTheDataPlanesIdleTimes)
{
	// first scan of a new process: a call already 50 s silent ends 10 s later
	ASSERT_TRUE(Scan(1000, { Call(1, 10, 50000, 55000) }).empty());
	EXPECT_TRUE(Scan(1009, { Call(1, 10, 59000, 64000) }).empty());
	auto e = Scan(1010, { Call(1, 10, 60000, 65000) });
	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].kind, TMO_IDLE);
	EXPECT_EQ(e[0].idle_ms, 60000u);
}

TEST_F(Timeouts, ResyncedSilentCallIsIdleFromTheResync)
{
	ASSERT_TRUE(Scan(1000, { Call(1, 10, NEVER, NEVER) }).empty());
	EXPECT_TRUE(Scan(1059, { Call(1, 10, NEVER, NEVER) }).empty());
	EXPECT_EQ(Scan(1060, { Call(1, 10, NEVER, NEVER) }).size(), 1u);
}

TEST_F(Timeouts, ResetForgetsAndResyncs)
{
	Make(60, 100, 120);
	ASSERT_TRUE(Scan(0, { Call(1, 10, 0, 0) }).empty());
	timeouts_reset(t_);
	EXPECT_EQ(timeouts_tracked(t_), 0u);
	// the same handle after a reset (a restarted data plane): age from the resync
	ASSERT_TRUE(Scan(90, { Call(1, 10, 0, 0) }).empty());
	EXPECT_TRUE(Scan(189, { Call(1, 10, 0, 0) }).empty());
	EXPECT_EQ(Scan(190, { Call(1, 10, 0, 0) }).size(), 1u);
}

TEST_F(Timeouts, NewStreamAfterTheResyncScanIsNotTakenAsOld)
{
	ASSERT_TRUE(Scan(0, {}).empty());
	// answered at first sight but made after the resync: idle from when it appeared
	ASSERT_TRUE(Scan(10, { Call(1, 10, NEVER, NEVER) }).empty());
	EXPECT_TRUE(Scan(69, { Call(1, 10, NEVER, NEVER) }).empty());
	EXPECT_EQ(Scan(70, { Call(1, 10, NEVER, NEVER) }).size(), 1u);
}

TEST_F(Timeouts, TtlAsOfTheLastScan)
{
	Stream offer = { 5, 2, 9, 1, NEVER, NEVER, true, false };

	EXPECT_EQ(timeouts_ttl_ms(t_, 5, 2), -1) << "unknown stream";
	ASSERT_TRUE(Scan(0, { offer, Call(6, 3, 1000, 2000) }).empty());
	EXPECT_EQ(timeouts_ttl_ms(t_, 5, 2), 120000);
	EXPECT_EQ(timeouts_ttl_ms(t_, 6, 1), 59000);
	EXPECT_EQ(timeouts_ttl_ms(t_, 6, 2), -1) << "another gen";
	Make(0, 0, 0);
	ASSERT_TRUE(Scan(0, { Call(6, 3, 1000, 2000) }).empty());
	EXPECT_EQ(timeouts_ttl_ms(t_, 6, 1), -1) << "every rule off";
}

TEST_F(Timeouts, ConfigChangeAppliesToTheNextScan)
{
	ASSERT_TRUE(Scan(0, { Call(1, 10, 0, 0) }).empty());
	EXPECT_TRUE(Scan(30, { Call(1, 10, 30000, 30000) }).empty());
	tmo_config c = { 20, 0, 120 };
	timeouts_set_config(t_, &c);
	EXPECT_EQ(Scan(31, { Call(1, 10, 31000, 31000) }).size(), 1u);
}

TEST_F(Timeouts, HugeHandleRefused)
{
	tmo_obs o = {};

	o.handle = 1u << 30;
	timeouts_scan_begin(t_, 0);
	EXPECT_EQ(timeouts_observe(t_, &o), -EINVAL);
}

TEST(TimeoutsParse, Seconds)
{
	uint32_t v = 7;

	EXPECT_EQ(timeouts_parse_s("0", &v), 0);
	EXPECT_EQ(v, 0u);
	EXPECT_EQ(timeouts_parse_s("60", &v), 0);
	EXPECT_EQ(v, 60u);
	EXPECT_EQ(timeouts_parse_s("604800", &v), 0);
	for (const char *bad : { "", "-1", " 5", "5 ", "1x", "604801", "99999999999999999999",
				 "0x10" })
		EXPECT_EQ(timeouts_parse_s(bad, &v), -EINVAL) << "'" << bad << "'";
	EXPECT_EQ(timeouts_parse_s(nullptr, &v), -EINVAL);
	EXPECT_STREQ(timeouts_kind_name(TMO_OFFER), "offer");
}

}  // namespace
