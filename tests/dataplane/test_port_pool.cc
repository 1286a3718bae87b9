// Media port pools: even RTP ports, RTCP room at the top, round robin, exhaustion.
#include <cerrno>
#include <set>

#include <gtest/gtest.h>

extern "C" {
#include "port_pool.h"
}

namespace {

TEST(PortPool, EvenPortsWithRoomForRtcp)
{
	struct relay_port_pool p;
	ASSERT_EQ(relay_port_pool_init(&p, 20001, 20009), 0);
	// 20002..20008: 20009 is the RTCP port of 20008
	EXPECT_EQ(relay_port_capacity(&p), 4u);
	std::set<uint16_t> got;
	uint16_t port;
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(relay_port_alloc(&p, &port), 0);
		EXPECT_EQ(port % 2, 0);
		EXPECT_GE(port, 20002);
		EXPECT_LE(port, 20008);
		got.insert(port);
	}
	EXPECT_EQ(got.size(), 4u);
	EXPECT_EQ(p.in_use, 4u);
	EXPECT_EQ(relay_port_alloc(&p, &port), -EADDRINUSE);
	relay_port_release(&p, 20004);
	EXPECT_EQ(p.in_use, 3u);
	ASSERT_EQ(relay_port_alloc(&p, &port), 0);
	EXPECT_EQ(port, 20004);
}

TEST(PortPool, RoundRobinDoesNotReuseAtOnce)
{
	struct relay_port_pool p;
	ASSERT_EQ(relay_port_pool_init(&p, 30000, 30099), 0);
	uint16_t a, b;
	ASSERT_EQ(relay_port_alloc(&p, &a), 0);
	relay_port_release(&p, a);
	ASSERT_EQ(relay_port_alloc(&p, &b), 0);
	EXPECT_NE(a, b); // late packets of the old call must not land in the new one
}

TEST(PortPool, TakeReleaseAndRefusals)
{
	struct relay_port_pool p;
	ASSERT_EQ(relay_port_pool_init(&p, 40000, 40010), 0);
	EXPECT_EQ(relay_port_take(&p, 40004), 0);
	EXPECT_EQ(relay_port_take(&p, 40004), -EADDRINUSE);
	EXPECT_EQ(relay_port_take(&p, 40005), -EINVAL);
	EXPECT_EQ(relay_port_take(&p, 50000), -EINVAL);
	relay_port_release(&p, 40005); // not ours: ignored
	relay_port_release(&p, 40006); // not taken: ignored
	EXPECT_EQ(p.in_use, 1u);
	EXPECT_EQ(relay_port_pool_init(&p, 40000, 40000), -EINVAL);
	EXPECT_EQ(relay_port_pool_init(&p, 0, 10), -EINVAL);
}

} // namespace
