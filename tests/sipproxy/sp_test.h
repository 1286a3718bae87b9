// Test rig for the SIP proxy: a proxy between an access side (caller 198.18.1.2) and a
// core side (upstream PBX / callee 198.18.2.2), as in the lab, with the fake data plane.
#ifndef SP_TEST_H
#define SP_TEST_H

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <string>
#include <vector>

#include <siprelay/sdp.h>
#include <siprelay/sip.h>
#include <siprelay/sip_proxy.h>

#include "fake_media.h"

namespace sptest {

constexpr uint8_t ACC = 0; // data plane interface indexes
constexpr uint8_t CORE = 1;

inline relay_ep ep(const char *ip, uint16_t port)
{
	relay_ep e{};
	if (inet_pton(AF_INET, ip, e.addr) == 1) {
		e.family = RELAY_FAMILY_IPV4;
	} else {
		EXPECT_EQ(inet_pton(AF_INET6, ip, e.addr), 1) << ip;
		e.family = RELAY_FAMILY_IPV6;
	}
	e.port = port;
	return e;
}

inline std::string ep_str(const relay_ep &e)
{
	char a[64];
	if (e.family == RELAY_FAMILY_NONE)
		return "none";
	inet_ntop(e.family == RELAY_FAMILY_IPV4 ? AF_INET : AF_INET6, e.addr, a, sizeof(a));
	return std::string(a) + ":" + std::to_string(e.port);
}

inline std::string str(sr_slice s)
{
	return s.p ? std::string(s.p, s.len) : std::string();
}

// LF-written text to CRLF.
inline std::string crlf(const std::string &s)
{
	std::string o;
	for (char c : s) {
		if (c == '\n')
			o += '\r';
		o += c;
	}
	return o;
}

// Head lines (LF, no Content-Length, no empty line) + body (LF) -> a CRLF message.
inline std::string sipmsg(const std::string &head, const std::string &body = "",
			  const char *ctype = "application/sdp")
{
	std::string b = crlf(body);
	std::string h = head;
	if (!b.empty())
		h += std::string("Content-Type: ") + ctype + "\n";
	h += "Content-Length: " + std::to_string(b.size()) + "\n\n";
	return crlf(h) + b;
}

inline std::string sdp(const char *ip, unsigned port, const char *extra = "", const char *origin_ip = nullptr)
{
	char buf[1024];
	snprintf(buf, sizeof(buf),
		 "v=0\no=- 1000 1 IN IP4 %s\ns=-\nc=IN IP4 %s\nt=0 0\nm=audio %u RTP/AVP 0 8 101\n"
		 "a=rtpmap:101 telephone-event/8000\n%s",
		 origin_ip ? origin_ip : ip, ip, port, extra);
	return buf;
}

struct Parsed {
	std::string text;
	sr_sip_msg m;
	bool ok;
	explicit Parsed(const std::string &t) : text(t)
	{
		ok = sr_sip_parse(&m, text.data(), text.size(), nullptr) == 0 && sr_sip_check(&m, nullptr) == 0;
	}
	// Values of every field of a type, each element split out.
	std::vector<std::string> values(sr_sip_hdr_type t) const
	{
		std::vector<std::string> v;
		for (const sr_sip_hdr *h = sr_sip_first(&m, t); h; h = sr_sip_next(&m, h)) {
			sr_slice rest = h->value, e;
			while (sr_sip_list_next(&rest, &e) > 0)
				v.push_back(str(e));
		}
		return v;
	}
	std::string body() const
	{
		return str(m.body);
	}
	std::string hdr(const char *name) const
	{
		const sr_sip_hdr *h = sr_sip_find(&m, name);
		return h ? str(h->value) : std::string();
	}
};

struct Sdp {
	std::string text;
	sr_sdp s;
	bool ok;
	explicit Sdp(const std::string &t) : text(t)
	{
		ok = sr_sdp_parse(&s, text.data(), text.size()) == 0;
	}
	std::string addr(unsigned i) const
	{
		const sr_sdp_conn *c = sr_sdp_media_conn(&s, i);
		return c ? str(c->addr) : std::string();
	}
	unsigned port(unsigned i) const
	{
		return s.media[i].port;
	}
};

// What one datagram produced.
struct Sent {
	unsigned n = 0;
	uint8_t iface = 0xff;
	relay_ep dst{};
	std::string text;
};

struct Rig {
	fake_media fm;
	sr_proxy_config cfg;
	sr_proxy *p = nullptr;
	uint64_t now = 1000000;
	char buf[SR_PROXY_DGRAM_MAX];

	Rig()
	{
		fake_media_init(&fm);
		sr_proxy_config_init(&cfg);
		cfg.n_ifaces = 2;
		cfg.iface[0].index = ACC;
		cfg.iface[0].role = SR_PROXY_ACCESS;
		cfg.iface[0].sip = ep("198.18.1.1", 5060);
		strcpy(cfg.iface[0].media_addr, "198.18.1.1");
		cfg.iface[1].index = CORE;
		cfg.iface[1].role = SR_PROXY_CORE;
		cfg.iface[1].sip = ep("198.18.2.1", 5060);
		strcpy(cfg.iface[1].media_addr, "198.18.2.1");
		cfg.upstream = ep("198.18.2.2", 5060);
		strcpy(cfg.server, "siprelay-test");
	}
	~Rig()
	{
		if (p)
			sr_proxy_destroy(p);
	}
	void start()
	{
		p = sr_proxy_create(&cfg, &fake_media_ops, &fm);
		ASSERT_NE(p, nullptr);
	}
	Sent send(uint8_t iface, const relay_ep &src, const std::string &msg)
	{
		sr_proxy_pkt in{};
		in.iface = iface;
		in.src = src;
		in.data = msg.data();
		in.len = (uint32_t)msg.size();
		sr_proxy_out out{};
		out.buf = buf;
		out.cap = sizeof(buf);
		Sent s;
		s.n = sr_proxy_input(p, &in, &out, 1, now);
		if (s.n) {
			s.iface = out.iface;
			s.dst = out.dst;
			s.text.assign(out.buf, out.len);
		}
		return s;
	}
	Sent from_uac(const std::string &msg, uint16_t sport = 5060)
	{
		return send(ACC, ep("198.18.1.2", sport), msg);
	}
	Sent from_uas(const std::string &msg)
	{
		return send(CORE, ep("198.18.2.2", 5060), msg);
	}
	const sr_proxy_stats &st() const
	{
		return *sr_proxy_stats_get(p);
	}
	// Nothing left behind: no session, no port, no stream, no misuse.
	void expect_clean() const
	{
		EXPECT_EQ(sr_proxy_session_count(p), 0u);
		EXPECT_EQ(fm.ports_held, 0u);
		EXPECT_EQ(fm.streams_held, 0u);
		EXPECT_EQ(fm.errors, 0u);
		EXPECT_EQ(fm.allocs, fm.releases);
	}
};

// A response to a request as a UAS writes it: its Via, From, To (+tag), Call-ID, CSeq,
// and Record-Route for dialog-creating answers.
inline std::string respond(const std::string &req, int code, const char *reason, const char *to_tag,
			   const std::string &body = "", const char *contact = "<sip:bob@198.18.2.2:5060>")
{
	sr_sip_msg m;
	EXPECT_EQ(sr_sip_parse(&m, req.data(), req.size(), nullptr), 0);
	std::string h = "SIP/2.0 " + std::to_string(code) + " " + reason + "\n";
	for (int i = 0; i < m.n_hdrs; i++) {
		const sr_sip_hdr &f = m.hdrs[i];
		std::string line = str(f.name) + ": " + str(f.value) + "\n";
		switch (f.type) {
		case SR_H_VIA:
		case SR_H_FROM:
		case SR_H_CALL_ID:
		case SR_H_CSEQ:
			h += line;
			break;
		case SR_H_RECORD_ROUTE:
			if (code > 100 && code < 300)
				h += line;
			break;
		case SR_H_TO:
			h += str(f.name) + ": " + str(f.value);
			if (m.to_tag.len == 0 && to_tag && code > 100)
				h += std::string(";tag=") + to_tag;
			h += "\n";
			break;
		default:
			break;
		}
	}
	if (code > 100 && code < 300 && contact)
		h += std::string("Contact: ") + contact + "\n";
	return sipmsg(h, body);
}

} // namespace sptest

#endif
