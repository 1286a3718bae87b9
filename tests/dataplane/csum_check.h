// Independent RFC 768 / RFC 8200 checksum check for tests: plain big-endian 16-bit
// words, nothing shared with the relay's implementation.
#pragma once
#include <cstddef>
#include <cstdint>

static inline uint32_t be_sum(const uint8_t *p, size_t n, uint32_t s = 0)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t be_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

// frame: Ethernet frame. Returns true when the IPv4 header (if any) and the UDP
// checksum verify (sum over pseudo-header + UDP == 0xffff).
static inline bool frame_checksums_ok(const uint8_t *f, size_t len)
{
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	const uint8_t *ip = f + 14, *udp;
	uint32_t s = 0;
	size_t ulen;

	if (et == 0x0800) {
		size_t ihl = (ip[0] & 0xf) * 4;
		if (be_fold(be_sum(ip, ihl)) != 0xffff)
			return false;
		udp = ip + ihl;
		ulen = (size_t)(udp[4] << 8 | udp[5]);
		s = be_sum(ip + 12, 8) + 17 + (uint32_t)ulen;
	} else if (et == 0x86dd) {
		udp = ip + 40;
		ulen = (size_t)(ip[4] << 8 | ip[5]);
		s = be_sum(ip + 8, 32) + 17 + (uint32_t)ulen;
	} else {
		return false;
	}
	if (udp + ulen > f + len)
		return false;
	if (et == 0x0800 && udp[6] == 0 && udp[7] == 0)
		return true; // no checksum is legal for IPv4
	return be_fold(be_sum(udp, ulen, s)) == 0xffff;
}
