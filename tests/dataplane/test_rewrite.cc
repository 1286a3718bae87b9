// Header rewrite: layout and checksums verified with an independent implementation.
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "csum_check.h"

extern "C" {
#include "pkt_rewrite.h"
}

namespace {

struct relay_hdr_spec spec(uint8_t family)
{
	struct relay_hdr_spec s = {};
	const uint8_t smac[6] = {2, 0, 0, 0, 0, 1}, dmac[6] = {2, 0, 0, 0, 0, 2};

	memcpy(s.src_mac, smac, 6);
	memcpy(s.dst_mac, dmac, 6);
	s.src.family = s.dst.family = family;
	s.src.port = 20000;
	s.dst.port = 40001;
	if (family == RELAY_FAMILY_IPV4) {
		const uint8_t a[4] = {198, 18, 2, 1}, b[4] = {198, 18, 2, 2};
		memcpy(s.src.addr, a, 4);
		memcpy(s.dst.addr, b, 4);
	} else {
		for (int i = 0; i < 16; i++) {
			s.src.addr[i] = (uint8_t)(0x20 + i);
			s.dst.addr[i] = (uint8_t)(0xf0 - i);
		}
	}
	s.tos = 0xb8; // EF
	s.ttl = 64;
	return s;
}

class Rewrite : public ::testing::TestWithParam<std::tuple<uint8_t, int>> {};

TEST_P(Rewrite, HeadersAndChecksums)
{
	uint8_t family = std::get<0>(GetParam());
	int plen = std::get<1>(GetParam());
	struct relay_hdr_spec s = spec(family);
	unsigned int hl = relay_hdr_len(family);
	std::vector<uint8_t> f(hl + plen, 0xee); // garbage where headers go

	for (int i = 0; i < plen; i++)
		f[hl + i] = (uint8_t)(i * 37 + 11);
	ASSERT_EQ(relay_write_headers(f.data(), (uint16_t)plen, &s), hl);
	EXPECT_TRUE(frame_checksums_ok(f.data(), f.size()));
	EXPECT_EQ(0, memcmp(f.data(), s.dst_mac, 6));
	EXPECT_EQ(0, memcmp(f.data() + 6, s.src_mac, 6));
	const uint8_t *udp = f.data() + hl - 8;
	EXPECT_EQ(udp[0] << 8 | udp[1], 20000);
	EXPECT_EQ(udp[2] << 8 | udp[3], 40001);
	EXPECT_EQ(udp[4] << 8 | udp[5], plen + 8);
	if (family == RELAY_FAMILY_IPV4) {
		EXPECT_EQ(f[14], 0x45);
		EXPECT_EQ(f[15], 0xb8);
		EXPECT_EQ(f[16] << 8 | f[17], plen + 28);
		EXPECT_EQ(f[22], 64);
		EXPECT_EQ(f[23], 17);
		EXPECT_EQ(0, memcmp(&f[26], s.src.addr, 4));
		EXPECT_EQ(0, memcmp(&f[30], s.dst.addr, 4));
	} else {
		EXPECT_EQ(f[14] >> 4, 6);
		EXPECT_EQ((f[14] & 0xf) << 4 | f[15] >> 4, 0xb8);
		EXPECT_EQ(f[18] << 8 | f[19], plen + 8);
		EXPECT_EQ(f[20], 17);
		EXPECT_EQ(0, memcmp(&f[22], s.src.addr, 16));
		EXPECT_EQ(0, memcmp(&f[38], s.dst.addr, 16));
	}
	// corrupting one payload byte must break the checksum (it covers the payload)
	if (plen > 0) {
		f[hl + plen / 2] ^= 0x40;
		EXPECT_FALSE(frame_checksums_ok(f.data(), f.size()));
	}
}

INSTANTIATE_TEST_SUITE_P(Sizes, Rewrite,
	::testing::Combine(::testing::Values(RELAY_FAMILY_IPV4, RELAY_FAMILY_IPV6),
			   ::testing::Values(0, 1, 2, 3, 12, 13, 172, 173, 1400)));

// A checksum patched from the received one (RFC 1624) equals one summed in full, for
// both families, odd lengths, and a payload whose sum folds to zero or 0xffff.
TEST(Checksum, PayloadSumFromReceivedChecksum)
{
	for (uint8_t family : {RELAY_FAMILY_IPV4, RELAY_FAMILY_IPV6}) {
		for (int plen : {0, 1, 13, 160, 171, 1200}) {
			for (int fill = 0; fill < 3; fill++) {
				unsigned int hl = relay_hdr_len(family);
				std::vector<uint8_t> in(hl + plen), out(hl + plen);
				for (int i = 0; i < plen; i++)
					in[hl + i] = fill == 0 ? (uint8_t)(i * 53 + 7) : fill == 1 ? 0 : 0xff;
				// the received frame: a sender's complete checksum
				struct relay_hdr_spec rs = spec(family);
				rs.src.port = 4000;
				rs.dst.port = 30001;
				relay_write_headers(in.data(), (uint16_t)plen, &rs);
				ASSERT_TRUE(frame_checksums_ok(in.data(), in.size()));
				uint16_t sport, dport, csum;
				memcpy(&sport, in.data() + hl - 8, 2);
				memcpy(&dport, in.data() + hl - 6, 2);
				memcpy(&csum, in.data() + hl - 2, 2);

				// relayed with new addresses and ports, payload untouched
				memcpy(out.data() + hl, in.data() + hl, plen);
				struct relay_hdr_spec os = spec(family);
				os.src.addr[0] ^= 0x11;
				os.dst.port = 5004;
				os.payload_csum = RELAY_PCSUM_KNOWN;
				os.payload_sum = relay_udp_payload_sum(family, rs.src.addr, rs.dst.addr,
								       sport, dport, (uint16_t)(plen + 8), csum);
				relay_write_headers(out.data(), (uint16_t)plen, &os);
				EXPECT_TRUE(frame_checksums_ok(out.data(), out.size()))
					<< (int)family << " " << plen << " " << fill;
				std::vector<uint8_t> full(out);
				os.payload_csum = RELAY_PCSUM_COMPUTE;
				relay_write_headers(full.data(), (uint16_t)plen, &os);
				EXPECT_EQ(0, memcmp(full.data() + hl - 2, out.data() + hl - 2, 2));
			}
		}
	}
}

TEST(Checksum, NoneKeepsZeroOnIpv4Only)
{
	std::vector<uint8_t> f(RELAY_HDR_LEN_IPV4 + 20, 0x5a), g(RELAY_HDR_LEN_IPV6 + 20, 0x5a);
	struct relay_hdr_spec s4 = spec(RELAY_FAMILY_IPV4), s6 = spec(RELAY_FAMILY_IPV6);
	s4.payload_csum = s6.payload_csum = RELAY_PCSUM_NONE;
	relay_write_headers(f.data(), 20, &s4);
	relay_write_headers(g.data(), 20, &s6);
	EXPECT_EQ(f[RELAY_HDR_LEN_IPV4 - 2] | f[RELAY_HDR_LEN_IPV4 - 1], 0);
	EXPECT_NE(g[RELAY_HDR_LEN_IPV6 - 2] | g[RELAY_HDR_LEN_IPV6 - 1], 0);
	EXPECT_TRUE(frame_checksums_ok(g.data(), g.size()));
}

TEST(Checksum, MatchesRfc1071Example)
{
	// RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2
	const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint16_t native = relay_csum_fold(relay_csum_add(b, 8, 0));
	uint8_t out[2];

	memcpy(out, &native, 2);
	EXPECT_EQ(out[0], 0xdd);
	EXPECT_EQ(out[1], 0xf2);
}

} // namespace
