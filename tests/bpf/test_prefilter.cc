// SPDX-License-Identifier: BSD-3-Clause
// The XDP prefilter as the kernel runs it: the program is loaded from its skeleton
// (maps unpinned, so a running lab is not touched) and fed crafted frames through
// BPF_PROG_TEST_RUN. Every verdict is checked twice: the XDP action returned and the
// per-CPU counter it moved. Without a socket in xsks_map, a redirect falls back to
// XDP_PASS; the counters tell a redirect from a pass.
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include <siprelay/prefilter.h>

#include "prefilter.skel.h"

namespace {

using Bytes = std::vector<uint8_t>;

uint64_t mono_ns()
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void put16(Bytes &b, size_t at, uint16_t v)
{
	b[at] = (uint8_t)(v >> 8);
	b[at + 1] = (uint8_t)v;
}

// 16-byte form of an IPv4 or IPv6 address in text.
std::array<uint8_t, 16> addr16(const char *s)
{
	std::array<uint8_t, 16> a{};
	if (strchr(s, ':') != nullptr) {
		EXPECT_EQ(inet_pton(AF_INET6, s, a.data()), 1) << s;
	} else {
		a[10] = a[11] = 0xff;
		EXPECT_EQ(inet_pton(AF_INET, s, a.data() + 12), 1) << s;
	}
	return a;
}

struct Udp4 {
	std::string src = "198.18.1.2", dst = "198.18.1.1";
	uint16_t sport = 5060, dport = 5060;
	std::string payload = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	unsigned ip_opts = 0;       // 32-bit words of IPv4 options
	uint16_t frag = 0;          // flags+offset field
	uint8_t proto = 17;
	bool vlan = false;

	Bytes frame() const
	{
		Bytes f(14, 0);
		f[12] = 0x08;
		if (vlan) {
			// 802.1Q tag, VLAN 5, then the IPv4 EtherType
			f.resize(18);
			f[12] = 0x81;
			f[13] = 0x00;
			f[15] = 0x05;
			f[16] = 0x08;
		}
		size_t ip = f.size(), hl = 20 + 4 * ip_opts;
		f.resize(ip + hl + 8 + payload.size());
		f[ip] = (uint8_t)(0x40 | (hl / 4));
		put16(f, ip + 2, (uint16_t)(hl + 8 + payload.size()));
		put16(f, ip + 6, frag);
		f[ip + 8] = 64;
		f[ip + 9] = proto;
		inet_pton(AF_INET, src.c_str(), &f[ip + 12]);
		inet_pton(AF_INET, dst.c_str(), &f[ip + 16]);
		size_t u = ip + hl;
		put16(f, u, sport);
		put16(f, u + 2, dport);
		put16(f, u + 4, (uint16_t)(8 + payload.size()));
		memcpy(&f[u + 8], payload.data(), payload.size());
		return f;
	}
};

// IPv6 + UDP, optionally behind extension headers (each 8 bytes, next header first).
Bytes udp6(const char *src, const char *dst, uint16_t dport, const std::vector<uint8_t> &ext = {},
	   const std::string &payload = "INVITE sip:x SIP/2.0\r\n\r\n")
{
	Bytes f(14, 0);
	f[12] = 0x86;
	f[13] = 0xdd;
	size_t ip = f.size();
	f.resize(ip + 40);
	f[ip] = 0x60;
	inet_pton(AF_INET6, src, &f[ip + 8]);
	inet_pton(AF_INET6, dst, &f[ip + 24]);
	uint8_t next = 17;
	// extension headers, each naming the next one; the last names UDP
	size_t e0 = f.size();
	f.resize(e0 + 8 * ext.size());
	for (size_t i = ext.size(); i-- > 0;) {
		f[e0 + 8 * i] = next;
		next = ext[i];
	}
	f[ip + 6] = next;
	size_t u = f.size();
	f.resize(u + 8 + payload.size());
	put16(f, u, 5060);
	put16(f, u + 2, dport);
	put16(f, u + 4, (uint16_t)(8 + payload.size()));
	memcpy(&f[u + 8], payload.data(), payload.size());
	put16(f, ip + 4, (uint16_t)(f.size() - ip - 40));
	return f;
}

class Prefilter : public ::testing::Test {
protected:
	struct prefilter *skel = nullptr;

	void SetUp() override
	{
		if (geteuid() != 0)
			GTEST_SKIP() << "loading XDP programs needs root";
		skel = prefilter__open();
		ASSERT_NE(skel, nullptr);
		// private maps: a lab running beside the tests keeps its own
		struct bpf_map *m;
		bpf_object__for_each_map(m, skel->obj)
			ASSERT_EQ(bpf_map__set_pin_path(m, nullptr), 0);
		ASSERT_EQ(prefilter__load(skel), 0) << "the verifier refused the program";
	}

	void TearDown() override { prefilter__destroy(skel); }

	static struct pf_config lab_config()
	{
		struct pf_config c = {};
		c.flags = PF_F_RATE_REQUESTS;
		c.sip_port[0] = 5060;
		c.media_lo = 20000;
		c.media_hi = 29999;
		return c;
	}

	void configure(const struct pf_config &c, uint32_t ifindex = 0)
	{
		ASSERT_EQ(bpf_map__update_elem(skel->maps.sr_pf_config, &ifindex, sizeof(ifindex), &c,
					       sizeof(c), BPF_ANY), 0);
	}

	// Runs one frame; returns the XDP action.
	int run(const Bytes &f, uint32_t ifindex = 0)
	{
		struct xdp_md ctx = {};
		ctx.ingress_ifindex = ifindex;
		ctx.data_end = (uint32_t)f.size(); // the kernel wants the frame's extent here
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f.data(), .data_size_in = (uint32_t)f.size(),
			    .ctx_in = ifindex ? &ctx : nullptr, .ctx_size_in = (uint32_t)(ifindex ? sizeof(ctx) : 0));
		int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.siprelay_prefilter), &o);
		EXPECT_EQ(err, 0) << strerror(-err);
		return (int)o.retval;
	}

	uint64_t count(enum pf_verdict v)
	{
		int ncpu = libbpf_num_possible_cpus();
		std::vector<uint64_t> per(ncpu);
		uint32_t k = v;
		EXPECT_EQ(bpf_map__lookup_elem(skel->maps.sr_pf_stats, &k, sizeof(k), per.data(),
					       per.size() * sizeof(uint64_t), 0), 0);
		uint64_t s = 0;
		for (auto x : per)
			s += x;
		return s;
	}

	// The action and that exactly this verdict's counter moved by one.
	void expect(const Bytes &f, int action, enum pf_verdict v, uint32_t ifindex = 0)
	{
		uint64_t before[PF_V_MAX];
		for (int i = 0; i < PF_V_MAX; i++)
			before[i] = count((enum pf_verdict)i);
		EXPECT_EQ(run(f, ifindex), action);
		for (int i = 0; i < PF_V_MAX; i++)
			EXPECT_EQ(count((enum pf_verdict)i) - before[i], i == v ? 1u : 0u)
				<< "verdict counter " << i << " (expected " << v << ")";
	}

	void ban(const char *pfx, uint64_t expires_ns = 0)
	{
		struct sr_prefix k;
		ASSERT_EQ(sr_prefix_parse(pfx, &k), 0) << pfx;
		struct pf_ban b = {expires_ns};
		ASSERT_EQ(bpf_map__update_elem(skel->maps.sr_pf_bans, &k, sizeof(k), &b, sizeof(b), BPF_ANY), 0);
	}

	void pinhole(const char *local, uint16_t port, uint32_t flags = 0, const char *remote = nullptr)
	{
		struct pf_pinhole_key k = {};
		auto a = addr16(local);
		memcpy(k.addr, a.data(), 16);
		k.port = port;
		struct pf_pinhole v = {};
		v.flags = flags;
		if (remote != nullptr) {
			auto r = addr16(remote);
			memcpy(v.remote, r.data(), 16);
		}
		ASSERT_EQ(bpf_map__update_elem(skel->maps.sr_pf_pinholes, &k, sizeof(k), &v, sizeof(v),
					       BPF_ANY), 0);
	}
};

TEST_F(Prefilter, UnconfiguredRedirectsEverythingLikeThePmdsProgram)
{
	expect(Udp4().frame(), XDP_PASS, PF_V_UNCONFIGURED);
}

TEST_F(Prefilter, NonIpGoesToTheKernelOrToTheRelayWhenItOwnsTheAddresses)
{
	Bytes arp(42, 0);
	arp[12] = 0x08;
	arp[13] = 0x06;
	struct pf_config c = lab_config();
	configure(c);
	expect(arp, XDP_PASS, PF_V_NON_IP);
	c.flags |= PF_F_ARP_TO_RELAY;
	configure(c);
	expect(arp, XDP_PASS, PF_V_NON_IP); // redirected (no socket here: falls back to pass)
	// IPv6 neighbour solicitation: to the relay as well, not a "media/sip/other" verdict
	Bytes ns = udp6("fe80::2", "ff02::1:ff00:1", 0);
	ns[20] = 58;   // next header ICMPv6
	ns[54] = 135;  // neighbour solicitation
	expect(ns, XDP_PASS, PF_V_NON_IP);
}

TEST_F(Prefilter, TruncatedAndInconsistentHeadersAreDropped)
{
	configure(lab_config());
	Bytes f = Udp4().frame();
	// (the kernel refuses to test-run frames shorter than an Ethernet header)
	expect(Bytes(f.begin(), f.begin() + 14), XDP_DROP, PF_V_MALFORMED);     // no IPv4 header
	expect(Bytes(f.begin(), f.begin() + 30), XDP_DROP, PF_V_MALFORMED);     // IPv4
	expect(Bytes(f.begin(), f.begin() + 38), XDP_DROP, PF_V_MALFORMED);     // UDP
	Bytes bad = f;
	bad[14] = 0x44; // IHL 4: shorter than the fixed header
	expect(bad, XDP_DROP, PF_V_MALFORMED);
	bad = f;
	put16(bad, 16, (uint16_t)(f.size())); // total length beyond the frame
	expect(bad, XDP_DROP, PF_V_MALFORMED);
	bad = f;
	put16(bad, 38, (uint16_t)(f.size())); // UDP length beyond the IP packet
	expect(bad, XDP_DROP, PF_V_MALFORMED);
	bad = f;
	put16(bad, 38, 7); // UDP length below its header
	expect(bad, XDP_DROP, PF_V_MALFORMED);
	bad = f;
	bad[14] = 0x65; // version 6 in an IPv4 EtherType
	expect(bad, XDP_DROP, PF_V_MALFORMED);
	// configured to hand them to the kernel instead
	struct pf_config c = lab_config();
	c.flags |= PF_F_PASS_MALFORMED;
	configure(c);
	expect(Bytes(f.begin(), f.begin() + 30), XDP_PASS, PF_V_MALFORMED);
}

TEST_F(Prefilter, OptionsAndVlanTagsAreParsedThrough)
{
	configure(lab_config());
	Udp4 u;
	u.ip_opts = 3;
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	u.ip_opts = 10; // the longest IPv4 header
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	Udp4 v;
	v.vlan = true;
	expect(v.frame(), XDP_PASS, PF_V_SIP);
}

TEST_F(Prefilter, FragmentsAreDroppedUnlessConfigured)
{
	configure(lab_config());
	Udp4 u;
	u.frag = 0x2000; // MF: the first fragment
	expect(u.frame(), XDP_DROP, PF_V_FRAGMENT);
	u.frag = 0x0010; // a later fragment
	expect(u.frame(), XDP_DROP, PF_V_FRAGMENT);
	u.frag = 0x4000; // DF alone is no fragment
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	expect(udp6("2001:db8::2", "2001:db8::1", 5060, {44}), XDP_DROP, PF_V_FRAGMENT);
	struct pf_config c = lab_config();
	c.flags |= PF_F_PASS_FRAGMENTS;
	configure(c);
	u.frag = 0x2000;
	expect(u.frame(), XDP_PASS, PF_V_FRAGMENT);
}

TEST_F(Prefilter, BansMatchAddressesAndPrefixesOfBothFamiliesUntilTheyExpire)
{
	configure(lab_config());
	Udp4 u;
	u.src = "198.51.100.7";
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	ban("198.51.100.0/24");
	expect(u.frame(), XDP_DROP, PF_V_BANNED);
	u.frag = 0x2000; // a banned source's fragments are banned too
	expect(u.frame(), XDP_DROP, PF_V_BANNED);
	Udp4 other;
	other.src = "198.51.101.7";
	expect(other.frame(), XDP_PASS, PF_V_SIP);
	// any protocol: a banned source's TCP is dropped as well
	Udp4 tcp = other;
	tcp.proto = 6;
	ban("198.51.101.7", mono_ns() + 60ull * 1000000000ull);
	expect(tcp.frame(), XDP_DROP, PF_V_BANNED);
	// expired: as if there were no ban
	Udp4 late;
	late.src = "203.0.113.9";
	ban("203.0.113.9", mono_ns() - 1000000000ull);
	expect(late.frame(), XDP_PASS, PF_V_SIP);
	ban("2001:db8:bad::/48");
	expect(udp6("2001:db8:bad::1", "2001:db8::1", 5060), XDP_DROP, PF_V_BANNED);
	expect(udp6("2001:db8:bad1::1", "2001:db8::1", 5060), XDP_PASS, PF_V_SIP);
}

TEST_F(Prefilter, SipRequestsFollowThePerSourceBucketResponsesDoNot)
{
	struct pf_config c = lab_config();
	c.sip_rate = 2;
	c.sip_burst = 2;
	configure(c);
	Udp4 u;
	u.src = "198.18.1.50";
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	expect(u.frame(), XDP_DROP, PF_V_SIP_RATE);
	// another source has a bucket of its own
	Udp4 v;
	v.src = "198.18.1.51";
	expect(v.frame(), XDP_PASS, PF_V_SIP);
	// responses are answers to the relay's own requests: never limited
	Udp4 r = u;
	r.payload = "SIP/2.0 200 OK\r\n\r\n";
	expect(r.frame(), XDP_PASS, PF_V_SIP);
	// refill: a second later the bucket holds its rate again
	struct pf_bucket_key k;
	auto a = addr16("198.18.1.50");
	memcpy(k.addr, a.data(), 16);
	struct sr_bucket b;
	ASSERT_EQ(bpf_map__lookup_elem(skel->maps.sr_pf_buckets, &k, sizeof(k), &b, sizeof(b), 0), 0);
	EXPECT_LT(b.tokens, SR_BUCKET_TOKEN);
	b.last_us -= 1000000;
	ASSERT_EQ(bpf_map__update_elem(skel->maps.sr_pf_buckets, &k, sizeof(k), &b, sizeof(b), BPF_ANY), 0);
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	expect(u.frame(), XDP_PASS, PF_V_SIP);
	expect(u.frame(), XDP_DROP, PF_V_SIP_RATE);
	// an interface without PF_F_RATE_REQUESTS (the upstream side) is not limited
	c.flags &= ~PF_F_RATE_REQUESTS;
	configure(c);
	expect(u.frame(), XDP_PASS, PF_V_SIP);
}

TEST_F(Prefilter, MediaOnlyThroughOpenPinholesAndStrictOnesOnlyFromTheLatchedSource)
{
	configure(lab_config());
	Udp4 rtp;
	rtp.sport = 4000;
	rtp.dport = 20000;
	rtp.payload = std::string(172, '\x80');
	expect(rtp.frame(), XDP_DROP, PF_V_MEDIA_CLOSED);
	pinhole("198.18.1.1", 20000);
	expect(rtp.frame(), XDP_PASS, PF_V_MEDIA);
	Udp4 rtcp = rtp;
	rtcp.dport = 20001; // RTCP on port+1 shares the pinhole
	expect(rtcp.frame(), XDP_PASS, PF_V_MEDIA);
	Udp4 next = rtp;
	next.dport = 20002;
	expect(next.frame(), XDP_DROP, PF_V_MEDIA_CLOSED);
	Udp4 elsewhere = rtp;
	elsewhere.dst = "198.18.1.9"; // same port, another local address
	expect(elsewhere.frame(), XDP_DROP, PF_V_MEDIA_CLOSED);
	// strict, not latched yet: anyone; latched: only the latched address
	pinhole("198.18.1.1", 20000, PF_PIN_STRICT);
	expect(rtp.frame(), XDP_PASS, PF_V_MEDIA);
	pinhole("198.18.1.1", 20000, PF_PIN_STRICT, "198.18.1.2");
	expect(rtp.frame(), XDP_PASS, PF_V_MEDIA);
	Udp4 spoof = rtp;
	spoof.src = "198.18.1.66";
	expect(spoof.frame(), XDP_DROP, PF_V_MEDIA_SOURCE);
	// closed again
	struct pf_pinhole_key k = {};
	auto a = addr16("198.18.1.1");
	memcpy(k.addr, a.data(), 16);
	k.port = 20000;
	ASSERT_EQ(bpf_map__delete_elem(skel->maps.sr_pf_pinholes, &k, sizeof(k), 0), 0);
	expect(rtp.frame(), XDP_DROP, PF_V_MEDIA_CLOSED);
}

TEST_F(Prefilter, EverythingElseGoesToTheKernel)
{
	configure(lab_config());
	Udp4 tcp;
	tcp.proto = 6; // e.g. ssh: management keeps working
	expect(tcp.frame(), XDP_PASS, PF_V_OTHER);
	Udp4 dns;
	dns.dport = 53;
	expect(dns.frame(), XDP_PASS, PF_V_OTHER);
	expect(udp6("2001:db8::2", "2001:db8::1", 123), XDP_PASS, PF_V_OTHER);
}

TEST_F(Prefilter, Ipv6ExtensionHeadersAreSkippedUpToALimit)
{
	configure(lab_config());
	expect(udp6("2001:db8::2", "2001:db8::1", 5060), XDP_PASS, PF_V_SIP);
	expect(udp6("2001:db8::2", "2001:db8::1", 5060, {0, 60}), XDP_PASS, PF_V_SIP);
	expect(udp6("2001:db8::2", "2001:db8::1", 5060, {0, 60, 43, 60}), XDP_DROP, PF_V_MALFORMED);
	Bytes f = udp6("2001:db8::2", "2001:db8::1", 5060, {0});
	expect(Bytes(f.begin(), f.begin() + 58), XDP_DROP, PF_V_MALFORMED); // inside the ext header
	put16(f, 18, 4); // payload length shorter than the extension header
	expect(f, XDP_DROP, PF_V_MALFORMED);
}

TEST_F(Prefilter, PerInterfaceConfigOverridesTheDefault)
{
	// test runs happen on a device of this namespace: lo gets a config of its own, a
	// veth of the test's falls back to the default entry
	const char *dummy = "srpftest0";
	system((std::string("ip link del ") + dummy + " 2>/dev/null").c_str());
	std::string add = std::string("ip link add ") + dummy + " type veth peer name srpftest1";
	ASSERT_EQ(system(add.c_str()), 0) << "cannot create a veth pair";
	unsigned other = if_nametoindex(dummy), lo = if_nametoindex("lo");
	ASSERT_NE(other, 0u);
	ASSERT_NE(lo, 0u);
	configure(lab_config());
	struct pf_config c = lab_config();
	c.sip_port[0] = 5070;
	configure(c, lo);
	Udp4 u;
	expect(u.frame(), XDP_PASS, PF_V_SIP, other);  // default: 5060 is SIP
	expect(u.frame(), XDP_PASS, PF_V_OTHER, lo);   // lo: 5060 is not
	u.dport = 5070;
	expect(u.frame(), XDP_PASS, PF_V_SIP, lo);
	expect(u.frame(), XDP_PASS, PF_V_OTHER, other);
	EXPECT_EQ(system((std::string("ip link del ") + dummy).c_str()), 0);
}

} // namespace

#ifdef SIPRELAY_HAVE_RELAY_CORE
extern "C" {
#include "iface.h"
#include "prefilter_sw.h"
}

namespace {

// The same frames through the data plane's software prefilter (ports without XDP):
// the verdict must be the one the kernel's program gave. Pinholes are the exception
// by design: in software the RTP path's stream lookup is the pinhole check, so every
// media frame passes the prefilter (prefilter_sw.h).
TEST_F(Prefilter, SoftwarePrefilterGivesTheSameVerdicts)
{
	struct pf_config c = lab_config();
	c.sip_rate = 2;
	c.sip_burst = 2;
	configure(c);
	struct relay_iface in = {};
	in.pf_soft = true;
	in.pf = c;
	struct relay_pf_worker pw;
	ASSERT_EQ(relay_pf_worker_init(&pw, 64), 0);
	struct sr_ban_table *bans = sr_ban_table_create(16);
	ASSERT_NE(bans, nullptr);
	struct sr_ban b = {};
	ASSERT_EQ(sr_prefix_parse("198.51.100.0/24", &b.pfx), 0);
	ASSERT_EQ(sr_ban_add(bans, &b), 1);
	ban("198.51.100.0/24");

	Udp4 sip, banned, frag, tcp, dns, opts, resp, rtp;
	banned.src = "198.51.100.7";
	frag.frag = 0x2000;
	tcp.proto = 6;
	dns.dport = 53;
	opts.ip_opts = 2;
	resp.src = "198.18.1.70";
	resp.payload = "SIP/2.0 200 OK\r\n\r\n";
	rtp.dport = 20000;
	Bytes arp(42, 0);
	arp[12] = 0x08;
	arp[13] = 0x06;
	Bytes trunc = sip.frame();
	trunc.resize(30);
	Bytes badudp = sip.frame();
	put16(badudp, 38, 7);
	std::vector<std::pair<std::string, Bytes>> frames = {
		{"sip", sip.frame()}, {"sip again", sip.frame()}, {"sip over rate", sip.frame()},
		{"response", resp.frame()}, {"banned", banned.frame()}, {"fragment", frag.frame()},
		{"tcp", tcp.frame()}, {"dns", dns.frame()}, {"options", opts.frame()},
		{"arp", arp}, {"truncated", trunc}, {"bad udp length", badudp},
		{"ipv6 sip", udp6("2001:db8::2", "2001:db8::1", 5060, {0})},
		{"ipv6 fragment", udp6("2001:db8::2", "2001:db8::1", 5060, {44})},
		{"media", rtp.frame()},
	};
	for (auto &f : frames) {
		uint64_t before[PF_V_MAX], sw_before[PF_V_MAX];
		for (int i = 0; i < PF_V_MAX; i++) {
			before[i] = count((enum pf_verdict)i);
			sw_before[i] = pw.verdicts[i];
		}
		int act = run(f.second);
		// the software prefilter's clock: microseconds, as the workers' relay_now_us()
		bool pass = relay_pf_soft_pass(&pw, &in, bans, f.second.data(), (uint32_t)f.second.size(),
					       mono_ns() / 1000);
		int xdp_v = -1, sw_v = -1;
		for (int i = 0; i < PF_V_MAX; i++) {
			if (count((enum pf_verdict)i) != before[i])
				xdp_v = i;
			if (pw.verdicts[i] != sw_before[i])
				sw_v = i;
		}
		if (xdp_v == PF_V_MEDIA_CLOSED) {
			EXPECT_EQ(sw_v, PF_V_MEDIA) << f.first; // the RTP path decides
			continue;
		}
		EXPECT_EQ(sw_v, xdp_v) << f.first;
		EXPECT_EQ(pass, act != XDP_DROP) << f.first;
	}
	sr_ban_table_free(bans);
	relay_pf_worker_fini(&pw);
}

} // namespace
#endif
