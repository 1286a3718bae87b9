// Latching: first packet latches, strict-source, re-latch with a hijack guard.
#include <gtest/gtest.h>

extern "C" {
#include "rtp_relay.h"
}

namespace {

struct relay_ep ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct relay_ep e = {};
	e.family = RELAY_FAMILY_IPV4;
	e.port = port;
	e.addr[0] = a, e.addr[1] = b, e.addr[2] = c, e.addr[3] = d;
	return e;
}

struct relay_leg sdp_leg(uint8_t flags)
{
	struct relay_leg l = {};
	l.flags = RELAY_LEG_ACTIVE | flags;
	l.remote[RELAY_COMP_RTP] = ep4(192, 168, 77, 2, 4000); // private SDP address
	l.remote[RELAY_COMP_RTCP] = ep4(192, 168, 77, 2, 4001);
	return l;
}

TEST(Latch, FirstPacketLatchesToNatSource)
{
	struct relay_leg l = sdp_leg(0);
	struct relay_ep nat = ep4(198, 18, 1, 2, 30000);

	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &nat, 0), RELAY_LATCH_LATCHED);
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &nat));
	EXPECT_TRUE(l.flags & RELAY_LEG_LATCHED_RTP);
	// RTCP latches separately: its NAT mapping differs
	EXPECT_FALSE(l.flags & RELAY_LEG_LATCHED_RTCP);
	EXPECT_EQ(l.remote[RELAY_COMP_RTCP].port, 4001);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &nat, 0), RELAY_LATCH_ACCEPT);
}

TEST(Latch, NonStrictKeepsLatchedRemote)
{
	struct relay_leg l = sdp_leg(0);
	struct relay_ep a = ep4(198, 18, 1, 2, 30000), b = ep4(198, 18, 1, 9, 30000);

	relay_latch(&l, RELAY_COMP_RTP, &a, 0);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 0), RELAY_LATCH_ACCEPT);
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &a));
}

TEST(Latch, StrictDropsOtherSources)
{
	struct relay_leg l = sdp_leg(RELAY_LEG_STRICT);
	struct relay_ep a = ep4(198, 18, 1, 2, 30000), b = ep4(198, 18, 1, 2, 30002);

	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &a, 0), RELAY_LATCH_LATCHED);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 0), RELAY_LATCH_DROP);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &a, 0), RELAY_LATCH_ACCEPT);
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &a));
}

TEST(Latch, RelatchNeedsConsecutivePackets)
{
	struct relay_leg l = sdp_leg(RELAY_LEG_STRICT);
	struct relay_ep a = ep4(198, 18, 1, 2, 30000), b = ep4(198, 18, 1, 7, 31000);

	relay_latch(&l, RELAY_COMP_RTP, &a, 3);
	// a spoofer interleaving with the genuine peer never takes over
	for (int i = 0; i < 50; i++) {
		EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 3), RELAY_LATCH_DROP);
		EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 3), RELAY_LATCH_DROP);
		EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &a, 3), RELAY_LATCH_ACCEPT);
	}
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &a));
	// a sustained change (handover) moves the leg on the 3rd packet in a row
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 3), RELAY_LATCH_DROP);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 3), RELAY_LATCH_DROP);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 3), RELAY_LATCH_LATCHED);
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &b));
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &a, 3), RELAY_LATCH_DROP);
}

TEST(Latch, NoLatchKeepsSdpAddress)
{
	struct relay_leg l = sdp_leg(RELAY_LEG_NO_LATCH);
	struct relay_ep a = ep4(198, 18, 1, 2, 30000);
	struct relay_ep sdp = l.remote[RELAY_COMP_RTP];

	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &a, 3), RELAY_LATCH_ACCEPT);
	EXPECT_TRUE(relay_ep_equal(&l.remote[RELAY_COMP_RTP], &sdp));
}

TEST(Latch, Ipv6ComparesAllBytes)
{
	struct relay_leg l = {};
	struct relay_ep a = {}, b;

	l.flags = RELAY_LEG_ACTIVE | RELAY_LEG_STRICT;
	a.family = RELAY_FAMILY_IPV6;
	a.port = 5000;
	a.addr[0] = 0x20, a.addr[1] = 0x01, a.addr[15] = 1;
	b = a;
	b.addr[15] = 2; // differs only in the last byte
	relay_latch(&l, RELAY_COMP_RTP, &a, 0);
	EXPECT_EQ(relay_latch(&l, RELAY_COMP_RTP, &b, 0), RELAY_LATCH_DROP);
}

} // namespace
