// The source guard's pure core: prefixes, the ban table (longest match, IPv6, expiry,
// capacity, delete), token buckets (refill, burst, changed limits), the per-source
// table (bounded, eviction) and the combined verdict.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <siprelay/guard.h>

namespace {

sr_prefix P(const char *s)
{
	sr_prefix p;
	EXPECT_EQ(0, sr_prefix_parse(s, &p)) << s;
	return p;
}

std::string Fmt(const sr_prefix &p)
{
	char buf[64];
	sr_prefix_format(&p, buf, sizeof(buf));
	return buf;
}

// The 16-byte form of a single address.
const uint8_t *A(const char *s)
{
	static sr_prefix p;
	p = P(s);
	EXPECT_EQ(128u, p.len) << s;
	return p.addr;
}

sr_ban Ban(const char *s, uint64_t expires_us = 0, const char *reason = "")
{
	sr_ban b;
	memset(&b, 0, sizeof(b));
	b.pfx = P(s);
	b.expires_us = expires_us;
	snprintf(b.reason, sizeof(b.reason), "%s", reason);
	return b;
}

TEST(Prefix, ParsesBothFamiliesIntoOneForm)
{
	sr_prefix p = P("192.0.2.0/24");
	EXPECT_EQ(96u + 24, p.len);
	EXPECT_TRUE(sr_addr_is_v4(p.addr));
	EXPECT_EQ("192.0.2.0/24", Fmt(p));
	EXPECT_EQ("192.0.2.7", Fmt(P("192.0.2.7")));
	EXPECT_EQ(128u, P("192.0.2.7").len);
	EXPECT_EQ("2001:db8::/32", Fmt(P("2001:db8::/32")));
	EXPECT_EQ("2001:db8::1", Fmt(P("2001:db8::1")));
	EXPECT_EQ("0.0.0.0/0", Fmt(P("0.0.0.0/0")));
	EXPECT_EQ("::/0", Fmt(P("::/0")));
	uint8_t v4[4] = { 192, 0, 2, 7 }, m[16];
	sr_addr_map4(v4, m);
	EXPECT_EQ(0, memcmp(m, A("192.0.2.7"), 16));
}

TEST(Prefix, RefusesWhatIsNotAnAddressOrHasHostBits)
{
	sr_prefix p;
	for (const char *bad : { "", "1.2.3", "1.2.3.256", "192.0.2.1/24", "192.0.2.0/33",
				 "192.0.2.0/", "192.0.2.0/-1", "192.0.2.0/+8", "192.0.2.0/ 8",
				 "2001:db8::1/32", "2001:db8::/129", "[2001:db8::1]", "host.example",
				 "192.0.2.0/24/8", "192.0.2.0/0024", "1.2.3.4:5060" })
		EXPECT_EQ(-EINVAL, sr_prefix_parse(bad, &p)) << bad;
	EXPECT_EQ(-EINVAL, sr_prefix_parse(nullptr, &p));
	std::string long_text(200, '1');
	EXPECT_EQ(-EINVAL, sr_prefix_parse(long_text.c_str(), &p));
}

TEST(BanTable, LongestMatchWinsAndOthersPass)
{
	sr_ban_table *t = sr_ban_table_create(16);
	ASSERT_NE(nullptr, t);
	sr_ban wide = Ban("198.18.0.0/15", 0, "lab"), narrow = Ban("198.18.1.2", 0, "caller");
	EXPECT_EQ(1, sr_ban_add(t, &wide));
	EXPECT_EQ(1, sr_ban_add(t, &narrow));
	sr_ban *m = sr_ban_match(t, A("198.18.1.2"), 1);
	ASSERT_NE(nullptr, m);
	EXPECT_STREQ("caller", m->reason);
	m = sr_ban_match(t, A("198.19.255.255"), 1);
	ASSERT_NE(nullptr, m);
	EXPECT_STREQ("lab", m->reason);
	EXPECT_EQ(nullptr, sr_ban_match(t, A("198.20.0.0"), 1));
	EXPECT_EQ(nullptr, sr_ban_match(t, A("198.17.255.255"), 1));
	// an IPv6 address with the same low bits is another address
	EXPECT_EQ(nullptr, sr_ban_match(t, A("::c612:102"), 1));
	EXPECT_EQ(0, sr_ban_del(t, &narrow.pfx));
	m = sr_ban_match(t, A("198.18.1.2"), 1);
	ASSERT_NE(nullptr, m);
	EXPECT_STREQ("lab", m->reason);
	EXPECT_EQ(-ENOENT, sr_ban_del(t, &narrow.pfx));
	sr_ban_table_free(t);
}

TEST(BanTable, Ipv6PrefixesOfAnyLength)
{
	sr_ban_table *t = sr_ban_table_create(8);
	sr_ban b1 = Ban("2001:db8::/32"), b2 = Ban("2001:db8:1:2::/63"), b3 = Ban("2001:db8:ffff::1");
	EXPECT_EQ(1, sr_ban_add(t, &b1));
	EXPECT_EQ(1, sr_ban_add(t, &b2));
	EXPECT_EQ(1, sr_ban_add(t, &b3));
	EXPECT_EQ(b2.pfx.len, sr_ban_match(t, A("2001:db8:1:3::5"), 0)->pfx.len);   // in the /63
	EXPECT_EQ(32u, sr_ban_match(t, A("2001:db8:1:4::5"), 0)->pfx.len);         // past it
	EXPECT_EQ(128u, sr_ban_match(t, A("2001:db8:ffff::1"), 0)->pfx.len);
	EXPECT_EQ(nullptr, sr_ban_match(t, A("2001:db9::1"), 0));
	sr_ban all = Ban("::/0", 0, "everyone");
	EXPECT_EQ(1, sr_ban_add(t, &all));
	EXPECT_STREQ("everyone", sr_ban_match(t, A("192.0.2.1"), 0)->reason);   // ::/0 holds IPv4 too
	sr_ban_table_free(t);
}

TEST(BanTable, ExpiredBansStopMatchingAndAreSwept)
{
	sr_ban_table *t = sr_ban_table_create(8);
	sr_ban perm = Ban("10.0.0.0/8", 0, "perm"), soon = Ban("10.1.0.0/16", 5000000, "soon");
	sr_ban_add(t, &perm);
	sr_ban_add(t, &soon);
	EXPECT_STREQ("soon", sr_ban_match(t, A("10.1.2.3"), 4999999)->reason);
	// expired: the shorter, permanent ban holds again, before any sweep
	EXPECT_STREQ("perm", sr_ban_match(t, A("10.1.2.3"), 5000000)->reason);
	EXPECT_EQ(2u, sr_ban_count(t));
	EXPECT_EQ(0u, sr_ban_expire(t, 4999999));
	EXPECT_EQ(1u, sr_ban_expire(t, 5000000));
	EXPECT_EQ(1u, sr_ban_count(t));
	EXPECT_STREQ("perm", sr_ban_at(t, 0)->reason);
	EXPECT_EQ(nullptr, sr_ban_at(t, 1));
	EXPECT_EQ(-ENOENT, sr_ban_del(t, &soon.pfx));
	EXPECT_EQ(0u, sr_ban_expire(t, UINT64_MAX)); // permanent stays
	sr_ban_table_free(t);
}

TEST(BanTable, ReplaceKeepsHitsFullRefusesBadPrefixes)
{
	sr_ban_table *t = sr_ban_table_create(2);
	sr_ban a = Ban("192.0.2.1", 0, "first");
	EXPECT_EQ(1, sr_ban_add(t, &a));
	sr_ban_match(t, A("192.0.2.1"), 0)->hits += 3;
	a.expires_us = 99;
	snprintf(a.reason, sizeof(a.reason), "second");
	EXPECT_EQ(0, sr_ban_add(t, &a));     // replaced, not added
	EXPECT_EQ(1u, sr_ban_count(t));
	sr_ban *m = sr_ban_match(t, A("192.0.2.1"), 0);
	EXPECT_STREQ("second", m->reason);
	EXPECT_EQ(3u, m->hits);
	EXPECT_EQ(99u, m->expires_us);
	sr_ban b = Ban("192.0.2.2"), c = Ban("192.0.2.3");
	EXPECT_EQ(1, sr_ban_add(t, &b));
	EXPECT_EQ(-ENOSPC, sr_ban_add(t, &c));
	sr_ban bad = Ban("192.0.2.0/24");
	bad.pfx.addr[15] = 1;                  // host bit
	EXPECT_EQ(-EINVAL, sr_ban_add(t, &bad));
	bad.pfx.len = 129;
	EXPECT_EQ(-EINVAL, sr_ban_add(t, &bad));
	// an unterminated reason is cut, never read past
	sr_ban_del(t, &b.pfx);
	memset(c.reason, 'x', sizeof(c.reason));
	EXPECT_EQ(1, sr_ban_add(t, &c));
	EXPECT_EQ(SR_BAN_REASON_MAX - 1, (int)strlen(sr_ban_match(t, A("192.0.2.3"), 0)->reason));
	EXPECT_EQ(nullptr, sr_ban_table_create(0));
	sr_ban_table_free(t);
}

// Many bans, deleted in another order: the index stays consistent (backward shift).
TEST(BanTable, ManyAddsAndDeletesStayConsistent)
{
	const int n = 1000;
	sr_ban_table *t = sr_ban_table_create(n);
	char buf[64];
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "10.%d.%d.0/24", i / 256, i % 256);
		sr_ban b = Ban(buf);
		ASSERT_EQ(1, sr_ban_add(t, &b));
	}
	for (int i = 0; i < n; i += 3) {
		snprintf(buf, sizeof(buf), "10.%d.%d.0/24", i / 256, i % 256);
		sr_prefix p = P(buf);
		ASSERT_EQ(0, sr_ban_del(t, &p));
	}
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "10.%d.%d.9", i / 256, i % 256);
		EXPECT_EQ(i % 3 != 0, sr_ban_match(t, A(buf), 0) != nullptr) << buf;
	}
	EXPECT_EQ((uint32_t)(n - (n + 2) / 3), sr_ban_count(t));
	sr_ban_table_free(t);
}

TEST(Bucket, BurstThenRefillAtTheRate)
{
	sr_bucket b;
	sr_bucket_init(&b, 10, 3, 0);
	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(sr_bucket_take(&b, 10, 3, 0));
	EXPECT_FALSE(sr_bucket_take(&b, 10, 3, 0));
	EXPECT_FALSE(sr_bucket_take(&b, 10, 3, 99999));    // 0.99 of a token
	EXPECT_TRUE(sr_bucket_take(&b, 10, 3, 100000));    // 100 ms at 10/s: one
	EXPECT_FALSE(sr_bucket_take(&b, 10, 3, 100000));
	// a long idle fills it to the burst, not more
	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(sr_bucket_take(&b, 10, 3, 3600000000ULL));
	EXPECT_FALSE(sr_bucket_take(&b, 10, 3, 3600000000ULL));
}

TEST(Bucket, BurstZeroMeansTheRateAndRateZeroMeansUnlimited)
{
	sr_bucket b;
	sr_bucket_init(&b, 2, 0, 0);
	EXPECT_TRUE(sr_bucket_take(&b, 2, 0, 0));
	EXPECT_TRUE(sr_bucket_take(&b, 2, 0, 0));
	EXPECT_FALSE(sr_bucket_take(&b, 2, 0, 0));
	for (int i = 0; i < 1000; i++)
		EXPECT_TRUE(sr_bucket_take(&b, 0, 0, 0));
	// a lowered burst trims a full bucket at the next take
	sr_bucket_init(&b, 100, 100, 0);
	EXPECT_TRUE(sr_bucket_take(&b, 100, 1, 0));
	EXPECT_FALSE(sr_bucket_take(&b, 100, 1, 0));
	// a clock that goes back refills nothing
	sr_bucket_init(&b, 1, 1, 1000000);
	EXPECT_TRUE(sr_bucket_take(&b, 1, 1, 1000000));
	EXPECT_FALSE(sr_bucket_take(&b, 1, 1, 5));
	// the largest limits do not overflow
	sr_bucket_init(&b, 1000000, 1000000, 0);
	EXPECT_TRUE(sr_bucket_take(&b, 1000000, 1000000, UINT64_MAX / 2));
}

TEST(RateTable, EachSourceHasItsOwnBucket)
{
	sr_rate_table *t = sr_rate_table_create(64);
	sr_rate_set(t, 1, 2);
	uint8_t a[16], b[16];
	memcpy(a, A("198.18.1.2"), 16);
	memcpy(b, A("198.18.1.3"), 16);
	EXPECT_TRUE(sr_rate_take(t, a, 0));
	EXPECT_TRUE(sr_rate_take(t, a, 0));
	EXPECT_FALSE(sr_rate_take(t, a, 0));
	EXPECT_TRUE(sr_rate_take(t, b, 0));     // another source is not affected
	EXPECT_TRUE(sr_rate_take(t, a, 1000000));
	EXPECT_EQ(2u, sr_rate_sources(t));
	// unlimited: everything passes, nothing is tracked anew
	sr_rate_set(t, 0, 0);
	for (int i = 0; i < 100; i++)
		EXPECT_TRUE(sr_rate_take(t, a, 1000000));
	sr_rate_table_free(t);
}

TEST(RateTable, BoundedAndEvictionOnlyForgives)
{
	sr_rate_table *t = sr_rate_table_create(8);  // one set of 8
	ASSERT_EQ(8u, sr_rate_capacity(t));
	sr_rate_set(t, 1, 1);
	uint8_t victim[16];
	memcpy(victim, A("2001:db8::1"), 16);
	EXPECT_TRUE(sr_rate_take(t, victim, 0));
	EXPECT_FALSE(sr_rate_take(t, victim, 0));
	char buf[64];
	for (int i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "2001:db8::1:%x", i);
		EXPECT_TRUE(sr_rate_take(t, A(buf), 10 + i));
	}
	EXPECT_EQ(8u, sr_rate_sources(t));
	EXPECT_GE(sr_rate_evictions(t), 92u);
	// the victim was forgotten: a full bucket again, never a wrong refusal
	EXPECT_TRUE(sr_rate_take(t, victim, 200));
	EXPECT_EQ(nullptr, sr_rate_table_create(0));
	sr_rate_table_free(t);
}

TEST(Guard, BansThenRequestRateResponsesFree)
{
	sr_guard g;
	ASSERT_EQ(0, sr_guard_init(&g, 16, 16));
	sr_rate_set(g.rates, 1, 1);
	static const char inv[] = "INVITE sip:bob@x SIP/2.0\r\n", ok[] = "SIP/2.0 200 OK\r\n";
	uint8_t src[16];
	memcpy(src, A("198.18.1.2"), 16);
	EXPECT_EQ(SR_GUARD_PASS, sr_guard_check(&g, src, inv, sizeof(inv) - 1, true, 0));
	EXPECT_EQ(SR_GUARD_RATE_LIMITED, sr_guard_check(&g, src, inv, sizeof(inv) - 1, true, 0));
	EXPECT_EQ(SR_GUARD_PASS, sr_guard_check(&g, src, ok, sizeof(ok) - 1, true, 0));
	EXPECT_EQ(SR_GUARD_PASS, sr_guard_check(&g, src, inv, sizeof(inv) - 1, false, 0));
	sr_ban b = Ban("198.18.1.0/24", 0, "test");
	sr_ban_add(g.bans, &b);
	EXPECT_EQ(SR_GUARD_BANNED, sr_guard_check(&g, src, ok, sizeof(ok) - 1, false, 0));
	EXPECT_EQ(SR_GUARD_BANNED, sr_guard_check(&g, src, "", 0, true, 0));
	EXPECT_EQ(2u, g.banned);
	EXPECT_EQ(1u, g.rate_limited);
	EXPECT_EQ(2u, sr_ban_match(g.bans, src, 0)->hits);
	sr_guard_fini(&g);
	sr_guard_fini(&g); // twice is harmless
}

} // namespace
