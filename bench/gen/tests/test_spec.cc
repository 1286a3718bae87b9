// SPDX-License-Identifier: BSD-3-Clause
// srgen/srsink command-line values, the flows file, the /proc/net tables srgen reads
// for next hops and neighbours, and the token pacer.
#include <arpa/inet.h>
#include <errno.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
#include "neigh.h"
#include "pacer.h"
#include "spec.h"
}

namespace {

uint32_t ip(const char *s)
{
	uint32_t a = 0;
	EXPECT_EQ(inet_pton(AF_INET, s, &a), 1) << s;
	return a;
}

TEST(Spec, Flow)
{
	gen_flow f;
	ASSERT_EQ(spec_flow("198.18.1.2:20000-198.18.1.1:30002", &f), 0);
	EXPECT_EQ(f.src, ip("198.18.1.2"));
	EXPECT_EQ(f.sport, 20000);
	EXPECT_EQ(f.dst, ip("198.18.1.1"));
	EXPECT_EQ(f.dport, 30002);
	const gen_flow before = f;
	for (const char *bad : {"", "198.18.1.2:20000", "198.18.1.2:20000-198.18.1.1",
				"198.18.1.2:0-198.18.1.1:1", "198.18.1.2:65536-198.18.1.1:1",
				"198.18.1.2:1-198.18.1.1:1x", "198.18.1.256:1-198.18.1.1:1",
				"198.18.1.2:-1-198.18.1.1:1", "198.18.1.2:1 -198.18.1.1:1",
				"::1:1-198.18.1.1:1", "198.18.1.2:+1-198.18.1.1:1"}) {
		EXPECT_EQ(spec_flow(bad, &f), -EINVAL) << bad;
		EXPECT_EQ(memcmp(&f, &before, sizeof(f)), 0) << "half-filled by " << bad;
	}
}

TEST(Spec, HostPortPrefixMacPorts)
{
	uint32_t a;
	uint16_t p, lo, hi;
	unsigned len;
	ASSERT_EQ(spec_hostport("198.18.2.1:5060", &a, &p), 0);
	EXPECT_EQ(a, ip("198.18.2.1"));
	EXPECT_EQ(p, 5060);
	EXPECT_EQ(spec_hostport("198.18.2.1", &a, &p), -EINVAL);
	EXPECT_EQ(spec_hostport("198.18.2.1:99999999999", &a, &p), -EINVAL);

	ASSERT_EQ(spec_prefix("198.19.0.0/16", &a, &len), 0);
	EXPECT_EQ(a, ip("198.19.0.0"));
	EXPECT_EQ(len, 16u);
	ASSERT_EQ(spec_prefix("0.0.0.0/0", &a, &len), 0);
	ASSERT_EQ(spec_prefix("198.19.0.7/32", &a, &len), 0);
	EXPECT_EQ(spec_prefix("198.19.0.1/16", &a, &len), -EINVAL) << "host bits set";
	EXPECT_EQ(spec_prefix("198.19.0.0/33", &a, &len), -EINVAL);
	EXPECT_EQ(spec_prefix("198.19.0.0", &a, &len), -EINVAL);
	EXPECT_EQ(spec_prefix("198.19.0.0/", &a, &len), -EINVAL);

	uint8_t mac[6];
	ASSERT_EQ(spec_mac("02:0a:Bc:dE:f0:99", mac), 0);
	const uint8_t want[6] = {0x02, 0x0a, 0xbc, 0xde, 0xf0, 0x99};
	EXPECT_EQ(memcmp(mac, want, 6), 0);
	for (const char *bad : {"02:0a:bc:de:f0", "02:0a:bc:de:f0:9", "02-0a-bc-de-f0-99",
				"02:0a:bc:de:f0:9g", "02:0a:bc:de:f0:99:"})
		EXPECT_EQ(spec_mac(bad, mac), -EINVAL) << bad;

	ASSERT_EQ(spec_port_range("20000-29999", &lo, &hi), 0);
	EXPECT_EQ(lo, 20000);
	EXPECT_EQ(hi, 29999);
	ASSERT_EQ(spec_port_range("5060", &lo, &hi), 0);
	EXPECT_EQ(lo, 5060);
	EXPECT_EQ(hi, 5060);
	for (const char *bad : {"2-1", "0-5", "1-65536", "-5", "5-", "a-b", ""})
		EXPECT_EQ(spec_port_range(bad, &lo, &hi), -EINVAL) << bad;
}

TEST(Spec, Numbers)
{
	double d;
	uint64_t u;
	ASSERT_EQ(spec_number("2.5", 0, 10, &d), 0);
	EXPECT_DOUBLE_EQ(d, 2.5);
	EXPECT_EQ(spec_number("11", 0, 10, &d), -EINVAL);
	EXPECT_EQ(spec_number("nan", 0, 10, &d), -EINVAL);
	EXPECT_EQ(spec_number("1x", 0, 10, &d), -EINVAL);
	EXPECT_EQ(spec_number("", 0, 10, &d), -EINVAL);
	ASSERT_EQ(spec_uint("18446744073709551615", 0, UINT64_MAX, &u), 0);
	EXPECT_EQ(u, UINT64_MAX);
	EXPECT_EQ(spec_uint("18446744073709551616", 0, UINT64_MAX, &u), -EINVAL);
	EXPECT_EQ(spec_uint("-1", 0, UINT64_MAX, &u), -EINVAL);
	EXPECT_EQ(spec_uint(" 1", 0, UINT64_MAX, &u), -EINVAL);
	EXPECT_EQ(spec_uint("1.5", 0, 10, &u), -EINVAL);
	EXPECT_EQ(spec_uint("0", 1, 10, &u), -EINVAL);
}

struct Mem {
	FILE *f;
	explicit Mem(const std::string &s) : text(s) { f = fmemopen(&text[0], text.size(), "r"); }
	~Mem() { fclose(f); }
	std::string text;
};

TEST(Spec, FlowsFile)
{
	flow_list l = {};
	unsigned line;
	Mem ok("# streams\n198.18.1.2:20000-198.18.1.1:30000\n\n  198.18.1.2:20002-198.18.1.1:30002  # b\r\n"
	       "198.18.1.2:20004-198.18.1.1:30004");
	ASSERT_EQ(flow_list_read(&l, ok.f, &line), 0);
	ASSERT_EQ(l.n, 3u);
	EXPECT_EQ(l.v[1].sport, 20002);
	EXPECT_EQ(l.v[2].dport, 30004);
	flow_list_free(&l);

	Mem bad("198.18.1.2:20000-198.18.1.1:30000\n\n198.18.1.2:20000-198.18.1.1\n");
	EXPECT_EQ(flow_list_read(&l, bad.f, &line), -EINVAL);
	EXPECT_EQ(line, 3u);
	flow_list_free(&l);

	Mem longline(std::string(300, '1') + "\n");
	EXPECT_EQ(flow_list_read(&l, longline.f, &line), -EINVAL);
	EXPECT_EQ(line, 1u);
	flow_list_free(&l);
}

TEST(Spec, FlowListIsBoundedByTheSinksTable)
{
	flow_list l = {};
	gen_flow f = {};
	for (size_t i = 0; i < SPEC_MAX_FLOWS; i++)
		ASSERT_EQ(flow_list_add(&l, &f), 0);
	EXPECT_EQ(flow_list_add(&l, &f), -E2BIG);
	flow_list_free(&l);
	EXPECT_EQ(l.n, 0u);
}

const char *kRoute =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"uac0\t00000000\t010112C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"uac0\t000112C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"uac0\t000A12C6\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" // not up
	"eth9\t000212C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

TEST(Neigh, NextHopIsTheLongestMatchOnTheInterface)
{
	uint32_t hop = 0;
	{
		Mem m(kRoute);
		ASSERT_EQ(neigh_route_parse(m.f, "uac0", ip("198.18.1.1"), &hop), 0);
		EXPECT_EQ(hop, ip("198.18.1.1")) << "on-link: the destination itself";
	}
	{
		Mem m(kRoute);
		ASSERT_EQ(neigh_route_parse(m.f, "uac0", ip("198.18.2.2"), &hop), 0);
		EXPECT_EQ(hop, ip("198.18.1.1")) << "the default gateway, not eth9's route";
	}
	{
		Mem m(kRoute);
		ASSERT_EQ(neigh_route_parse(m.f, "uac0", ip("198.18.10.5"), &hop), 0);
		EXPECT_EQ(hop, ip("198.18.1.1")) << "a route that is down does not count";
	}
	{
		Mem m(kRoute);
		EXPECT_EQ(neigh_route_parse(m.f, "lo", ip("198.18.1.1"), &hop), -ENETUNREACH);
	}
}

const char *kArp =
	"IP address       HW type     Flags       HW address            Mask     Device\n"
	"198.18.1.1       0x1         0x2         0a:1b:2c:3d:4e:5f     *        uac0\n"
	"198.18.1.9       0x1         0x0         00:00:00:00:00:00     *        uac0\n"
	"198.18.2.2       0x1         0x2         02:00:00:00:00:02     *        eth9\n";

TEST(Neigh, OnlyCompleteEntriesOfTheInterfaceCount)
{
	uint8_t mac[6];
	{
		Mem m(kArp);
		ASSERT_EQ(neigh_arp_parse(m.f, "uac0", ip("198.18.1.1"), mac), 0);
		const uint8_t want[6] = {0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f};
		EXPECT_EQ(memcmp(mac, want, 6), 0);
	}
	{
		Mem m(kArp);
		EXPECT_EQ(neigh_arp_parse(m.f, "uac0", ip("198.18.1.9"), mac), -ENOENT) << "incomplete";
	}
	{
		Mem m(kArp);
		EXPECT_EQ(neigh_arp_parse(m.f, "uac0", ip("198.18.2.2"), mac), -ENOENT) << "other device";
	}
}

TEST(Neigh, LoopbackHasAMacOfZeros)
{
	uint8_t mac[6] = {1, 1, 1, 1, 1, 1};
	ASSERT_EQ(neigh_if_mac("lo", mac), 0);
	const uint8_t zero[6] = {};
	EXPECT_EQ(memcmp(mac, zero, 6), 0);
	EXPECT_LT(neigh_if_mac("no-such-if0", mac), 0);
	EXPECT_EQ(neigh_if_mac("a-name-longer-than-ifnamsiz", mac), -ENODEV);
}

const uint64_t kSec = 1000000000ull;

TEST(Pacer, UnpacedAllowsEverything)
{
	pacer p;
	pacer_init(&p, 0, 32, 0);
	EXPECT_EQ(pacer_allow(&p, 0, 0), UINT64_MAX);
	EXPECT_EQ(pacer_wait_ns(&p, 0, 1000), 0u);
}

TEST(Pacer, PacketsAreDueOnAFixedSchedule)
{
	pacer p;
	const uint64_t t0 = 5 * kSec;
	pacer_init(&p, 1000, 1000, t0); // one per millisecond
	uint64_t sent = 0;
	EXPECT_EQ(pacer_allow(&p, t0, sent), 1u) << "the first one is due at once";
	sent = 1;
	EXPECT_EQ(pacer_allow(&p, t0 + 999999, sent), 0u);
	EXPECT_EQ(pacer_wait_ns(&p, t0 + 999999, sent), 1u);
	EXPECT_EQ(pacer_allow(&p, t0 + 1000000, sent), 1u);
	// a late sender catches up (within the burst) without drifting
	EXPECT_EQ(pacer_allow(&p, t0 + 10 * 1000000, sent), 10u);
	sent = 11;
	EXPECT_EQ(pacer_wait_ns(&p, t0 + 10 * 1000000, sent), 1000000u);
	// over a whole second exactly the rate goes
	uint64_t now = t0 + 10 * 1000000;
	while (now < t0 + kSec) {
		sent += pacer_allow(&p, now, sent);
		now += 37000; // an irregular loop period
	}
	EXPECT_EQ(sent, 1000u);
}

TEST(Pacer, LongStallsAreGivenUpNotRepaid)
{
	pacer p;
	pacer_init(&p, 100000, 50, 0); // 10 us apart, at most 50 at once
	uint64_t sent = pacer_allow(&p, 0, 0);
	EXPECT_EQ(sent, 1u);
	// stalled for 10 ms: 1000 were due, only a burst goes
	uint64_t a = pacer_allow(&p, 10000000, sent);
	EXPECT_EQ(a, 50u);
	sent += a;
	EXPECT_EQ(pacer_allow(&p, 10000000, sent), 0u) << "nothing left over from the stall";
	EXPECT_EQ(pacer_wait_ns(&p, 10000000, sent), 10000u);
	EXPECT_EQ(pacer_allow(&p, 10010000, sent), 1u);
}

} // namespace
