// Automatic bans on a fake clock: password guessing (401/403/407 within a window),
// request floods (rate over a window), window restarts, table eviction.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <siprelay/autoban.h>

namespace {

constexpr uint64_t S = 1000000;

void addr(uint8_t a[16], uint32_t n)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	memcpy(a + 12, &n, 4);
}

struct Ab {
	struct sr_autoban *a;
	explicit Ab(const struct sr_autoban_config &c, uint32_t cap = 1024)
	{
		a = sr_autoban_create(cap);
		EXPECT_NE(a, nullptr);
		EXPECT_EQ(sr_autoban_set(a, &c), 0);
	}
	~Ab() { sr_autoban_free(a); }
};

struct sr_autoban_config cfg(uint32_t count, uint32_t window, uint32_t ban, uint32_t rate = 0,
			     uint32_t fwin = 1, uint32_t fban = 0)
{
	struct sr_autoban_config c = { count, window, ban, rate, fwin, fban };
	return c;
}

TEST(Autoban, AuthFailuresWithinTheWindowBan)
{
	Ab ab(cfg(5, 60, 600));
	uint8_t a[16];
	struct sr_autoban_hit hit;
	uint64_t t = 1000 * S;

	addr(a, 1);
	for (int i = 0; i < 4; i++)
		EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, t + i * 10 * S, &hit));
	ASSERT_TRUE(sr_autoban_auth_fail(ab.a, a, 407, t + 50 * S, &hit));
	EXPECT_EQ(hit.ttl_s, 600u);
	EXPECT_STREQ(hit.reason, "auth failures: 5 in 60 s (last 407)");
	EXPECT_EQ(sr_autoban_stats_get(ab.a)->auth_bans, 1u);
	EXPECT_EQ(sr_autoban_stats_get(ab.a)->auth_fails, 5u);
	// counts restart after a ban
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, t + 51 * S, &hit));
}

// A phone re-registering all day: 401, then 200 to the retry with credentials.
TEST(Autoban, SuccessfulAuthClearsTheCount)
{
	Ab ab(cfg(3, 3600, 600));
	uint8_t a[16], other[16];
	struct sr_autoban_hit hit;

	addr(a, 8);
	addr(other, 9);
	EXPECT_FALSE(sr_autoban_auth_pending(ab.a, a));
	for (int i = 0; i < 100; i++) {
		EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, (uint64_t)i * 60 * S, &hit));
		EXPECT_TRUE(sr_autoban_auth_pending(ab.a, a));
		sr_autoban_auth_ok(ab.a, a);
		EXPECT_FALSE(sr_autoban_auth_pending(ab.a, a));
	}
	sr_autoban_auth_ok(ab.a, other); // unknown: nothing tracked
	EXPECT_EQ(sr_autoban_sources(ab.a), 1u);
	// a wrong password: every retry fails
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 7000 * S, &hit));
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 7001 * S, &hit));
	EXPECT_TRUE(sr_autoban_auth_fail(ab.a, a, 401, 7002 * S, &hit));
}

TEST(Autoban, SlowGuessingOutsideTheWindowDoesNot)
{
	Ab ab(cfg(3, 10, 60));
	uint8_t a[16];
	struct sr_autoban_hit hit;

	addr(a, 2);
	// two in the first window, the third arrives when it has passed: a new window
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 0 * S + 1, &hit));
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 9 * S, &hit));
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 10 * S + 1, &hit));
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 15 * S, &hit));
	EXPECT_TRUE(sr_autoban_auth_fail(ab.a, a, 403, 19 * S, &hit));
}

TEST(Autoban, SourcesAreCountedApart)
{
	Ab ab(cfg(2, 60, 0));
	uint8_t a[16], b[16];
	struct sr_autoban_hit hit;

	addr(a, 3);
	addr(b, 4);
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, S, &hit));
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, b, 401, S, &hit));
	EXPECT_TRUE(sr_autoban_auth_fail(ab.a, a, 401, 2 * S, &hit));
	EXPECT_EQ(hit.ttl_s, 0u); // permanent
	EXPECT_EQ(sr_autoban_sources(ab.a), 2u);
}

TEST(Autoban, DisabledWatchesNothing)
{
	Ab ab(cfg(0, 0, 0, 0, 0, 0));
	uint8_t a[16];
	struct sr_autoban_hit hit;

	addr(a, 5);
	for (int i = 0; i < 1000; i++) {
		EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, S, &hit));
		EXPECT_FALSE(sr_autoban_request(ab.a, a, S, &hit));
	}
	EXPECT_EQ(sr_autoban_sources(ab.a), 0u);
}

TEST(Autoban, FloodOverTheRateBans)
{
	Ab ab(cfg(0, 0, 0, 100, 2, 300));
	uint8_t a[16];
	struct sr_autoban_hit hit;
	uint64_t t = 5 * S;

	addr(a, 6);
	// 200 requests in 2 s is the limit: all pass
	for (int i = 0; i < 200; i++)
		ASSERT_FALSE(sr_autoban_request(ab.a, a, t + i * 5000, &hit)) << i;
	ASSERT_TRUE(sr_autoban_request(ab.a, a, t + 1 * S, &hit));
	EXPECT_EQ(hit.ttl_s, 300u);
	EXPECT_STREQ(hit.reason, "flood: 201 requests/s (limit 100)"); // 201 in 1 s
	EXPECT_EQ(sr_autoban_stats_get(ab.a)->flood_bans, 1u);
}

TEST(Autoban, SteadyRateAtTheLimitNeverBans)
{
	Ab ab(cfg(0, 0, 0, 50, 1, 300));
	uint8_t a[16];
	struct sr_autoban_hit hit;

	addr(a, 7);
	for (int i = 0; i < 50 * 30; i++) // 50/s for 30 s
		ASSERT_FALSE(sr_autoban_request(ab.a, a, S + (uint64_t)i * 20000, &hit)) << i;
}

TEST(Autoban, CountWithoutWindowIsRefused)
{
	struct sr_autoban *a = sr_autoban_create(16);
	ASSERT_NE(a, nullptr);
	struct sr_autoban_config c = cfg(5, 0, 10);
	EXPECT_EQ(sr_autoban_set(a, &c), -EINVAL);
	c = cfg(0, 0, 0, 10, 0, 0);
	EXPECT_EQ(sr_autoban_set(a, &c), -EINVAL);
	sr_autoban_free(a);
	EXPECT_EQ(sr_autoban_create(0), nullptr);
}

// A full table forgets the source seen longest ago: its count starts again, so that
// eviction delays a ban and never bans anyone early.
TEST(Autoban, EvictionForgetsTheOldest)
{
	Ab ab(cfg(2, 3600, 60), 8); // one set of 8 ways
	uint8_t a[16];
	struct sr_autoban_hit hit;

	addr(a, 1000);
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, S, &hit));
	for (uint32_t i = 0; i < 8; i++) {
		uint8_t b[16];
		addr(b, 2000 + i);
		EXPECT_FALSE(sr_autoban_auth_fail(ab.a, b, 401, 2 * S + i, &hit));
	}
	EXPECT_EQ(sr_autoban_sources(ab.a), 8u);
	EXPECT_GE(sr_autoban_stats_get(ab.a)->evictions, 1u);
	EXPECT_FALSE(sr_autoban_auth_fail(ab.a, a, 401, 3 * S, &hit)); // forgotten: 1 again
	EXPECT_TRUE(sr_autoban_auth_fail(ab.a, a, 401, 4 * S, &hit));
}

} // namespace
