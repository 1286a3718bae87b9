// A data plane runtime on net_ring ports, driven from the test thread: frames are
// put on each interface's RX ring, the worker and service passes run, and what the
// relay transmits is read back from the TX ring. Peers answer ARP and ND like hosts.
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <siprelay/dp_proto.h>

#include "dp_ops.h"
#include "runtime.h"
}

#include "csum_check.h"

using Frame = std::vector<uint8_t>;

struct Mac {
	uint8_t b[6];
};

inline Mac mac(uint8_t last, uint8_t net)
{
	return Mac{{2, 0, 0, 0, net, last}};
}

inline uint32_t ip4(const char *s)
{
	unsigned a, b, c, d;
	sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d);
	uint8_t x[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
	uint32_t r;
	memcpy(&r, x, 4);
	return r; // network order
}

struct Ip6 {
	uint8_t b[16];
};

inline Ip6 ip6(uint16_t net, uint16_t host)
{
	Ip6 a = {};
	a.b[0] = 0x20, a.b[1] = 0x01, a.b[2] = 0x0d, a.b[3] = 0xb8;
	a.b[4] = (uint8_t)(net >> 8), a.b[5] = (uint8_t)net;
	a.b[14] = (uint8_t)(host >> 8), a.b[15] = (uint8_t)host;
	return a;
}

// Set a frame's UDP checksum as a sender on a wire would (0xffff for a zero sum).
inline void set_udp_checksum(Frame &f)
{
	bool v6 = f[12] == 0x86;
	uint8_t *ip = &f[14], *u = ip + (v6 ? 40 : 20);
	size_t ul = (size_t)(u[4] << 8 | u[5]);
	uint32_t s = v6 ? be_sum(ip + 8, 32) : be_sum(ip + 12, 8);
	u[6] = u[7] = 0;
	uint16_t c = (uint16_t)~be_fold(be_sum(u, ul, s + 17 + (uint32_t)ul));
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8), u[7] = (uint8_t)c;
}

// Build Ethernet + IPv4/IPv6 + UDP with a deliberately wrong UDP checksum (as veth
// peers send partial ones): the relay must not trust it.
inline Frame udp_frame(const Mac &dst, const Mac &src, bool v6, const uint8_t *sip,
		       const uint8_t *dip, uint16_t sport, uint16_t dport, const Frame &payload,
		       uint8_t tos = 0)
{
	size_t ipl = v6 ? 40 : 20, ul = 8 + payload.size();
	Frame f(14 + ipl + ul, 0);
	memcpy(&f[0], dst.b, 6);
	memcpy(&f[6], src.b, 6);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	uint8_t *ip = &f[14];
	if (v6) {
		ip[0] = (uint8_t)(0x60 | tos >> 4);
		ip[1] = (uint8_t)(tos << 4);
		ip[4] = (uint8_t)(ul >> 8), ip[5] = (uint8_t)ul;
		ip[6] = 17, ip[7] = 64;
		memcpy(ip + 8, sip, 16);
		memcpy(ip + 24, dip, 16);
	} else {
		ip[0] = 0x45, ip[1] = tos;
		ip[2] = (uint8_t)((20 + ul) >> 8), ip[3] = (uint8_t)(20 + ul);
		ip[8] = 64, ip[9] = 17;
		memcpy(ip + 12, sip, 4);
		memcpy(ip + 16, dip, 4);
		uint16_t c = (uint16_t)~be_fold(be_sum(ip, 20));
		ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
	}
	uint8_t *u = ip + ipl;
	u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
	u[4] = (uint8_t)(ul >> 8), u[5] = (uint8_t)ul;
	u[6] = 0x12, u[7] = 0x34; // garbage checksum
	memcpy(u + 8, payload.data(), payload.size());
	return f;
}

inline Frame rtp_payload(uint16_t seq, uint32_t ts, uint32_t ssrc, size_t len = 172, uint8_t pt = 0)
{
	Frame p(len, 0);
	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8), p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (size_t i = 12; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seq);
	return p;
}

// Parsed view of a relayed UDP frame.
struct Udp {
	bool v6 = false;
	uint8_t smac[6], dmac[6];
	uint8_t src[16] = {}, dst[16] = {};
	uint16_t sport = 0, dport = 0;
	uint8_t tos = 0;
	Frame payload;
};

inline bool parse_udp(const Frame &f, Udp &u)
{
	if (f.size() < 42)
		return false;
	memcpy(u.dmac, &f[0], 6);
	memcpy(u.smac, &f[6], 6);
	const uint8_t *ip = &f[14];
	size_t ipl;
	if (f[12] == 0x86 && f[13] == 0xdd) {
		u.v6 = true;
		ipl = 40;
		memcpy(u.src, ip + 8, 16);
		memcpy(u.dst, ip + 24, 16);
		u.tos = (uint8_t)((ip[0] << 4) | (ip[1] >> 4));
		if (ip[6] != 17)
			return false;
	} else if (f[12] == 0x08 && f[13] == 0x00) {
		ipl = (ip[0] & 0xf) * 4;
		memcpy(u.src, ip + 12, 4);
		memcpy(u.dst, ip + 16, 4);
		u.tos = ip[1];
		if (ip[9] != 17)
			return false;
	} else {
		return false;
	}
	const uint8_t *p = ip + ipl;
	u.sport = (uint16_t)(p[0] << 8 | p[1]);
	u.dport = (uint16_t)(p[2] << 8 | p[3]);
	size_t ul = (size_t)(p[4] << 8 | p[5]);
	if (14 + ipl + ul != f.size())
		return false;
	u.payload.assign(p + 8, p + ul);
	return true;
}

class RingRelay {
public:
	static constexpr int N_IF = 2;
	struct rte_ring *rx[N_IF] = {}, *tx[N_IF] = {};
	struct relay_runtime *rt = nullptr;
	struct relay_config cfg;
	// The ports' udp_checksum: the frames below carry garbage checksums, as veth peers
	// send partial ones, so by default the relay must sum payloads itself.
	uint8_t udp_checksum = RELAY_UDP_CSUM_RECOMPUTE;
	std::map<uint32_t, Mac> arp_peers;            // IPv4 (network order) -> MAC
	std::map<std::string, Mac> nd_peers;          // IPv6 bytes -> MAC
	std::vector<Frame> out[N_IF];                 // relayed frames, by interface
	std::vector<Frame> ctl[N_IF];                 // ARP/ND/ICMP the relay sent
	std::vector<std::vector<uint8_t>> events;     // channel events
	std::vector<uint8_t> last_reply;
	uint64_t now_us = 1000000;

	// tag: unique per test (DPDK names are process-global)
	bool start(const std::string &tag, unsigned workers = 1, uint8_t leg_flags = 0)
	{
		relay_config_defaults(&cfg);
		cfg.capacity = 1024;
		cfg.mbufs = 4095;
		cfg.relatch_after = 3;
		cfg.leg_flags = leg_flags;
		cfg.socket_path[0] = '\0';
		const char *names[N_IF] = {"access", "core"};
		for (int i = 0; i < N_IF; i++) {
			std::string rn = tag + std::to_string(i);
			rx[i] = rte_ring_create(("rx" + rn).c_str(), 1024, SOCKET_ID_ANY, 0);
			tx[i] = rte_ring_create(("tx" + rn).c_str(), 1024, SOCKET_ID_ANY, 0);
			struct rte_ring *txq[2] = {tx[i], tx[i]}; // worker queue, service queue
			struct rte_ring *rxq[1] = {rx[i]};
			int port = rte_eth_from_rings(("r" + rn).c_str(), rxq, 1, txq, 2, SOCKET_ID_ANY);
			if (port < 0)
				return false;
			struct relay_iface &f = cfg.iface[i];
			rte_eth_dev_get_name_by_port((uint16_t)port, f.dev);
			snprintf(f.name, sizeof(f.name), "%s", names[i]);
			f.index = (uint8_t)i;
			f.ip4_plen = 24;
			f.ip4 = ip4(i == 0 ? "198.18.1.1" : "198.18.2.1");
			f.gw4 = ip4(i == 0 ? "198.18.1.254" : "198.18.2.254");
			f.n_ip6 = 1;
			f.ip6_prefixlen = 64;
			memcpy(f.ip6[0], ip6((uint16_t)(i + 1), 1).b, 16);
			f.sip_port = 5060;
			f.udp_checksum = udp_checksum;
			f.media_lo = 20000;
			f.media_hi = 20999;
			f.media_next = 20000;
		}
		cfg.n_ifaces = N_IF;
		char err[256];
		int ret = relay_runtime_create(&rt, &cfg, workers, err, sizeof(err));
		EXPECT_EQ(ret, 0) << err;
		arp_peers[ip4("198.18.1.2")] = mac(2, 1);
		arp_peers[ip4("198.18.1.254")] = mac(0xfe, 1);
		arp_peers[ip4("198.18.2.2")] = mac(2, 2);
		nd_peers[std::string((char *)ip6(1, 2).b, 16)] = mac(2, 1);
		nd_peers[std::string((char *)ip6(2, 2).b, 16)] = mac(2, 2);
		return ret == 0;
	}

	~RingRelay()
	{
		relay_runtime_free(rt);
		for (int i = 0; i < N_IF; i++) {
			drain_ring(rx[i]);
			drain_ring(tx[i]);
			rte_ring_free(rx[i]);
			rte_ring_free(tx[i]);
		}
	}

	static void drain_ring(struct rte_ring *r)
	{
		struct rte_mbuf *m;
		while (r && rte_ring_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}

	Mac relay_mac(int i) const
	{
		Mac m;
		memcpy(m.b, rt->cfg.iface[i].mac, 6);
		return m;
	}

	void inject(int iface, const Frame &f)
	{
		struct rte_mbuf *m = rte_pktmbuf_alloc(rt->pool);
		ASSERT_NE(m, nullptr);
		memcpy(rte_pktmbuf_append(m, (uint16_t)f.size()), f.data(), f.size());
		// a worker lcore may be draining the ring concurrently: wait for room
		for (int t = 0; rte_ring_enqueue(rx[iface], m) != 0; t++) {
			ASSERT_LT(t, 100000) << "RX ring stays full";
			rte_delay_us_block(10);
		}
	}

	// Run worker and service passes, answering ARP/ND as the peers would.
	void pump(int rounds = 4)
	{
		for (int r = 0; r < rounds; r++) {
			for (unsigned w = 0; w < rt->n_workers; w++)
				relay_worker_poll(rt->workers[w], now_us);
			relay_service_poll(rt, now_us);
			for (int i = 0; i < N_IF; i++)
				collect(i);
		}
	}

	void collect(int i)
	{
		struct rte_mbuf *m;
		while (rte_ring_dequeue(tx[i], (void **)&m) == 0) {
			Frame f(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_mtod(m, uint8_t *) + m->data_len);
			rte_pktmbuf_free(m);
			if (answer(i, f))
				continue;
			Udp u;
			if (parse_udp(f, u) && !(u.v6 && f[20] == 58))
				out[i].push_back(f);
			else
				ctl[i].push_back(f);
		}
	}

	// A peer's ARP reply / neighbour advertisement to what the relay asked.
	bool answer(int i, const Frame &f)
	{
		if (f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1) {
			uint32_t tip;
			memcpy(&tip, &f[38], 4);
			auto it = arp_peers.find(tip);
			ctl[i].push_back(f);
			if (it == arp_peers.end())
				return true;
			Frame r(42, 0);
			memcpy(&r[0], &f[6], 6);
			memcpy(&r[6], it->second.b, 6);
			r[12] = 0x08, r[13] = 0x06, r[15] = 1, r[16] = 8, r[18] = 6, r[19] = 4, r[21] = 2;
			memcpy(&r[22], it->second.b, 6);
			memcpy(&r[28], &tip, 4);
			memcpy(&r[32], &f[22], 10);
			inject(i, r);
			return true;
		}
		if (f.size() >= 78 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 58 && f[54] == 135) {
			std::string target((const char *)&f[62], 16);
			auto it = nd_peers.find(target);
			ctl[i].push_back(f);
			if (it == nd_peers.end())
				return true;
			Frame r(14 + 40 + 32, 0);
			memcpy(&r[0], &f[6], 6);
			memcpy(&r[6], it->second.b, 6);
			r[12] = 0x86, r[13] = 0xdd, r[14] = 0x60, r[19] = 32, r[20] = 58, r[21] = 255;
			memcpy(&r[22], target.data(), 16);
			memcpy(&r[38], &f[22], 16);
			uint8_t *na = &r[54];
			na[0] = 136, na[4] = 0x60;
			memcpy(na + 8, target.data(), 16);
			na[24] = 2, na[25] = 1;
			memcpy(na + 26, it->second.b, 6);
			uint32_t s = be_sum(&r[22], 32) + 58 + 32;
			uint16_t c = (uint16_t)~be_fold(be_sum(na, 32, s));
			na[2] = (uint8_t)(c >> 8), na[3] = (uint8_t)c;
			inject(i, r);
			return true;
		}
		return false;
	}

	// dp_proto requests through the same code the channel uses.
	static void on_reply(void *arg, const void *msg, size_t len)
	{
		auto *self = static_cast<RingRelay *>(arg);
		self->last_reply.assign((const uint8_t *)msg, (const uint8_t *)msg + len);
	}
	static void on_event(void *arg, const void *msg, size_t len)
	{
		auto *self = static_cast<RingRelay *>(arg);
		self->events.emplace_back((const uint8_t *)msg, (const uint8_t *)msg + len);
	}
	template <class T> void request(T &msg, uint16_t type)
	{
		msg.h.magic = DP_PROTO_MAGIC;
		msg.h.version = DP_PROTO_VERSION;
		msg.h.type = type;
		msg.h.len = sizeof(msg);
		struct relay_ops_io io = {on_reply, this, on_event, this};
		relay_ops_handle(rt, &msg, sizeof(msg), &io);
	}

	// Create a stream; returns the reply (status, handle, gen, local addresses).
	struct dp_reply create(const struct dp_leg &a, const struct dp_leg &b, uint64_t sid = 1)
	{
		struct dp_stream_create c = {};
		c.session_id = sid;
		snprintf(c.call_id, sizeof(c.call_id), "call-%llu@test", (unsigned long long)sid);
		c.leg[0] = a;
		c.leg[1] = b;
		request(c, DP_STREAM_CREATE);
		struct dp_reply r = {};
		memcpy(&r, last_reply.data(), std::min(sizeof(r), last_reply.size()));
		return r;
	}

	struct dp_stream_info query(const struct dp_reply &r)
	{
		struct dp_stream_ref q = {};
		q.handle = r.handle;
		q.gen = r.gen;
		request(q, DP_STREAM_QUERY);
		struct dp_stream_info i = {};
		memcpy(&i, last_reply.data(), std::min(sizeof(i), last_reply.size()));
		return i;
	}

	int del(const struct dp_reply &r)
	{
		struct dp_stream_ref q = {};
		q.handle = r.handle;
		q.gen = r.gen;
		request(q, DP_STREAM_DELETE);
		return ((const struct dp_hdr *)last_reply.data())->status;
	}

	uint64_t verdict(enum relay_verdict v) const
	{
		uint64_t t = 0;
		for (unsigned w = 0; w < rt->n_workers; w++)
			t += rt->workers[w]->verdicts[v];
		return t;
	}
};

inline struct dp_leg leg4(const char *iface, const char *remote, uint16_t rport, uint16_t flags = 0)
{
	struct dp_leg l = {};
	snprintf(l.iface, sizeof(l.iface), "%s", iface);
	l.local.family = DP_FAMILY_IPV4;
	if (remote != nullptr) {
		l.remote.family = DP_FAMILY_IPV4;
		uint32_t a = ip4(remote);
		memcpy(l.remote.addr, &a, 4);
		l.remote.port = rport;
	}
	l.flags = flags;
	return l;
}

inline struct dp_leg leg6(const char *iface, const Ip6 &remote, uint16_t rport, uint16_t flags = 0)
{
	struct dp_leg l = {};
	snprintf(l.iface, sizeof(l.iface), "%s", iface);
	l.local.family = DP_FAMILY_IPV6;
	l.remote.family = DP_FAMILY_IPV6;
	memcpy(l.remote.addr, remote.b, 16);
	l.remote.port = rport;
	l.flags = flags;
	return l;
}
