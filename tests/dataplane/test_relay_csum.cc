// UDP checksums through the relay on net_ring ports: patched from the received checksum
// on ports that deliver complete ones (udp_checksum = update), summed where partial
// ones may arrive (recompute), and a sender's "no checksum" kept on IPv4.
#include "eal_env.h"
#include "ring_harness.h"

namespace {

::testing::Environment *const env =
	::testing::AddGlobalTestEnvironment(new EalEnv("256", "0"));

const Mac kA = mac(2, 1), kB = mac(2, 2);

Frame v4_to_relay(RingRelay &r, uint16_t dport, const Frame &pl, bool complete)
{
	uint32_t s = ip4("198.18.1.2"), d = ip4("198.18.1.1");
	Frame f = udp_frame(r.relay_mac(0), kA, false, (uint8_t *)&s, (uint8_t *)&d, 4000, dport, pl);
	if (complete)
		set_udp_checksum(f);
	return f;
}

uint16_t udp_checksum_of(const Frame &f)
{
	size_t off = 14 + (f[12] == 0x86 ? 40 : 20) + 6;
	return (uint16_t)(f[off] << 8 | f[off + 1]);
}

// What a test does to the frame after its UDP checksum was made.
enum class Edit { None, CorruptPayload, ZeroChecksum };

// Relays one frame on a fresh v4 -> (v4 or v6) stream; the first frame waits for the
// next hop, so it is sent twice. Returns the relayed frame (empty if none).
Frame relay_one(uint8_t mode, const char *tag, bool out_v6, const Frame &pl, bool complete,
		Edit edit = Edit::None)
{
	RingRelay r;
	r.udp_checksum = mode;
	EXPECT_TRUE(r.start(tag));
	if (r.rt == nullptr)
		return {};
	struct dp_reply c = r.create(leg4("access", "198.18.1.2", 4000),
				     out_v6 ? leg6("core", ip6(2, 2), 5000) : leg4("core", "198.18.2.2", 5000));
	EXPECT_EQ(c.h.status, 0);
	Frame f = v4_to_relay(r, c.local[0].port, pl, complete);
	if (edit == Edit::CorruptPayload)
		f[f.size() - pl.size() + 40] ^= 0x40; // damage on the way in
	if (edit == Edit::ZeroChecksum)
		f[14 + 20 + 6] = f[14 + 20 + 7] = 0; // the sender sent none (RFC 768)
	for (int k = 0; k < 2 && r.out[1].empty(); k++) {
		r.inject(0, f);
		r.pump();
	}
	return r.out[1].empty() ? Frame() : r.out[1][0];
}

TEST(RelayChecksum, UpdatePatchesCompleteChecksums)
{
	Frame pl = rtp_payload(7, 1120, 0x1234, 171); // odd length: the last byte pads
	Frame o = relay_one(RELAY_UDP_CSUM_UPDATE, "cu4", false, pl, true);
	ASSERT_FALSE(o.empty());
	EXPECT_TRUE(frame_checksums_ok(o.data(), o.size()));
	EXPECT_NE(udp_checksum_of(o), 0);
	Udp u;
	ASSERT_TRUE(parse_udp(o, u));
	EXPECT_EQ(u.payload, pl);

	// the same frame summed in full gives the same checksum
	Frame full = relay_one(RELAY_UDP_CSUM_RECOMPUTE, "cr4", false, pl, true);
	ASSERT_FALSE(full.empty());
	EXPECT_EQ(udp_checksum_of(o), udp_checksum_of(full));
}

TEST(RelayChecksum, UpdateAcrossFamilies)
{
	Frame pl = rtp_payload(8, 1280, 0x99, 160);
	Frame o = relay_one(RELAY_UDP_CSUM_UPDATE, "cu6", true, pl, true);
	ASSERT_FALSE(o.empty());
	Udp u;
	ASSERT_TRUE(parse_udp(o, u));
	EXPECT_TRUE(u.v6);
	EXPECT_TRUE(frame_checksums_ok(o.data(), o.size()));
	EXPECT_EQ(u.payload, pl);
}

TEST(RelayChecksum, CorruptionBeforeTheRelayStaysDetectable)
{
	Frame pl = rtp_payload(9, 1440, 0x77, 172);
	// patched: the receiver still sees that the payload was damaged on the way in
	Frame o = relay_one(RELAY_UDP_CSUM_UPDATE, "cc1", false, pl, true, Edit::CorruptPayload);
	ASSERT_FALSE(o.empty());
	EXPECT_FALSE(frame_checksums_ok(o.data(), o.size()));
	// summed (ports that may get partial checksums): the damage is covered over
	Frame s = relay_one(RELAY_UDP_CSUM_RECOMPUTE, "cc2", false, pl, true, Edit::CorruptPayload);
	ASSERT_FALSE(s.empty());
	EXPECT_TRUE(frame_checksums_ok(s.data(), s.size()));
}

TEST(RelayChecksum, PartialChecksumsNeedRecompute)
{
	// the harness' frames carry a garbage checksum, like veth peers' partial ones
	Frame pl = rtp_payload(10, 1600, 0x55, 172);
	Frame o = relay_one(RELAY_UDP_CSUM_RECOMPUTE, "cp1", false, pl, false);
	ASSERT_FALSE(o.empty());
	EXPECT_TRUE(frame_checksums_ok(o.data(), o.size()));
	Frame bad = relay_one(RELAY_UDP_CSUM_UPDATE, "cp2", false, pl, false);
	ASSERT_FALSE(bad.empty());
	EXPECT_FALSE(frame_checksums_ok(bad.data(), bad.size())) << "update trusts what it gets";
}

TEST(RelayChecksum, ZeroIpv4ChecksumKeptOrFilledForIpv6)
{
	Frame pl = rtp_payload(11, 1760, 0x66, 172);
	Frame o4 = relay_one(RELAY_UDP_CSUM_UPDATE, "cz5", false, pl, false, Edit::ZeroChecksum);
	ASSERT_FALSE(o4.empty());
	EXPECT_EQ(udp_checksum_of(o4), 0) << "IPv4 out keeps the sender's choice";
	Frame o6 = relay_one(RELAY_UDP_CSUM_UPDATE, "cz6", true, pl, false, Edit::ZeroChecksum);
	ASSERT_FALSE(o6.empty());
	EXPECT_NE(udp_checksum_of(o6), 0) << "IPv6 requires a checksum (RFC 8200)";
	EXPECT_TRUE(frame_checksums_ok(o6.data(), o6.size()));
}

TEST(RelayChecksum, AutoTrustsWiresNotKernelPeers)
{
	EXPECT_TRUE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_AUTO, "net_ice"));
	EXPECT_TRUE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_AUTO, "net_pcap"));
	EXPECT_FALSE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_AUTO, "net_af_xdp"));
	EXPECT_FALSE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_AUTO, "net_tap"));
	EXPECT_FALSE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_AUTO, nullptr));
	EXPECT_TRUE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_UPDATE, "net_af_xdp"));
	EXPECT_FALSE(relay_iface_rx_csum_complete(RELAY_UDP_CSUM_RECOMPUTE, "net_ice"));
}

} // namespace
