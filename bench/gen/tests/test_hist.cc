// SPDX-License-Identifier: BSD-3-Clause
// The sink's latency histogram: the bucket layout shared with the XDP program, and the
// percentiles srsink reports from it, against exact percentiles of known samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

extern "C" {
#include "hist.h"
#include "sink.h"
}

namespace {

TEST(Hist, EveryValueFallsInsideItsBucket)
{
	std::mt19937_64 rng(7);
	std::vector<uint64_t> probes;
	for (uint64_t v = 0; v < 4096; v++)
		probes.push_back(v);
	for (int e = 0; e < 40; e++) {
		uint64_t p = 1ull << e;
		for (uint64_t d : {p - 1, p, p + 1})
			probes.push_back(d);
	}
	for (int i = 0; i < 100000; i++)
		probes.push_back(rng() >> (rng() % 40 + 24)); // values of every magnitude
	for (uint64_t v : probes) {
		if (v >= (1ull << (SINK_HIST_MAX_EXP + 1)))
			continue;
		uint32_t b = sink_hist_bucket(v);
		ASSERT_LT(b, (uint32_t)SINK_HIST_BUCKETS) << v;
		ASSERT_LE(sink_hist_lower(b), v) << "bucket " << b;
		ASSERT_LT(v, sink_hist_lower(b) + sink_hist_width(b)) << "bucket " << b;
	}
}

TEST(Hist, BucketsTileTheRangeAndStayNarrow)
{
	for (uint32_t b = 0; b + 1 < SINK_HIST_BUCKETS; b++) {
		ASSERT_EQ(sink_hist_lower(b) + sink_hist_width(b), sink_hist_lower(b + 1)) << b;
		ASSERT_EQ(sink_hist_bucket(sink_hist_lower(b)), b);
		if (sink_hist_lower(b) >= SINK_HIST_SUB) {
			ASSERT_LE(sink_hist_width(b) * SINK_HIST_SUB, sink_hist_lower(b)) << "<= 1/16 wide";
		}
	}
	EXPECT_EQ(sink_hist_bucket(UINT64_MAX), (uint32_t)SINK_HIST_BUCKETS - 1);
	EXPECT_EQ(sink_hist_bucket(1ull << 50), (uint32_t)SINK_HIST_BUCKETS - 1);
	EXPECT_EQ(sink_hist_bucket(0), 0u);
}

TEST(Hist, Fls)
{
	EXPECT_EQ(sink_fls64(1), 0u);
	EXPECT_EQ(sink_fls64(2), 1u);
	EXPECT_EQ(sink_fls64(3), 1u);
	EXPECT_EQ(sink_fls64(1ull << 63), 63u);
	EXPECT_EQ(sink_fls64(UINT64_MAX), 63u);
	for (int e = 0; e < 64; e++)
		ASSERT_EQ(sink_fls64((1ull << e) | 1), (uint32_t)e);
}

struct Samples {
	std::vector<uint64_t> v;
	std::vector<uint64_t> h = std::vector<uint64_t>(SINK_HIST_BUCKETS);
	uint64_t max = 0;

	void add(uint64_t x)
	{
		v.push_back(x);
		h[sink_hist_bucket(x)]++;
		max = std::max(max, x);
	}
	// exact: the ceil(q*n)-th smallest
	uint64_t exact(double q)
	{
		std::sort(v.begin(), v.end());
		size_t r = (size_t)std::ceil(q * (double)v.size());
		return v[std::max<size_t>(r, 1) - 1];
	}
	uint64_t approx(double q) { return hist_quantile(h.data(), SINK_HIST_BUCKETS, q, max); }
};

TEST(Hist, PercentilesWithinTheBucketResolution)
{
	std::mt19937_64 rng(11);
	Samples uni, logn;
	std::uniform_int_distribution<uint64_t> u(1000, 1000000);
	std::lognormal_distribution<double> ln(std::log(20000.0), 0.8);
	for (int i = 0; i < 200000; i++) {
		uni.add(u(rng));
		logn.add((uint64_t)ln(rng));
	}
	for (Samples *s : {&uni, &logn}) {
		for (double q : {0.5, 0.9, 0.99, 0.999}) {
			double e = (double)s->exact(q), a = (double)s->approx(q);
			EXPECT_NEAR(a, e, e / 16) << "q " << q; // half a bucket either way, at most
		}
		EXPECT_EQ(s->approx(1.0), s->max) << "the top percentile is the exact maximum";
	}
	EXPECT_EQ(uni.h.size(), (size_t)SINK_HIST_BUCKETS);
	EXPECT_EQ(hist_total(uni.h.data(), SINK_HIST_BUCKETS), 200000u);
}

TEST(Hist, SmallAndDegenerateHistograms)
{
	std::vector<uint64_t> h(SINK_HIST_BUCKETS);
	EXPECT_EQ(hist_quantile(h.data(), SINK_HIST_BUCKETS, 0.5, 0), 0u) << "empty";
	// one sample: every percentile is that sample (the bucket middle, capped at max)
	Samples one;
	one.add(123456);
	EXPECT_EQ(one.approx(0.5), one.approx(0.99));
	EXPECT_LE(one.approx(0.5), 123456u);
	EXPECT_NEAR((double)one.approx(0.5), 123456.0, 123456.0 / 16);
	// small values are exact
	Samples small;
	for (uint64_t x = 1; x <= 10; x++)
		small.add(x);
	EXPECT_EQ(small.approx(0.5), 5u);
	EXPECT_EQ(small.approx(0.9), 9u);
	EXPECT_EQ(small.approx(0.0), 1u) << "q 0 is the smallest sample";
	EXPECT_EQ(small.approx(2.0), 10u) << "q above 1 is the maximum";
	// two clusters: p50 in the low one, p99 in the high one
	Samples two;
	for (int i = 0; i < 980; i++)
		two.add(10000);
	for (int i = 0; i < 20; i++)
		two.add(5000000);
	EXPECT_NEAR((double)two.approx(0.5), 10000, 10000.0 / 16);
	EXPECT_NEAR((double)two.approx(0.99), 5000000, 5000000.0 / 16);
	EXPECT_NEAR((double)two.approx(0.98), 10000, 10000.0 / 16);
}

} // namespace
