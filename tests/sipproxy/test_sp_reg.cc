// Registrations through the relay (sp_reg.c), NAT detection and the Contact fix
// (sp_nat.c), keepalives to NATed phones: against the fake data plane, with a fake
// clock (Rig::now).
#include "sp_test.h"

extern "C" {
#include "sp_internal.h"
}

using namespace sptest;

namespace {

constexpr const char *PHONE_CONTACT = "sip:alice@192.168.77.2:5060;transport=udp";

std::string reg(unsigned cseq, const char *extra = "Expires: 600\n",
		const char *contact = "<sip:alice@192.168.77.2:5060;transport=udp>", const char *callid = "r1@x")
{
	return sipmsg(std::string("REGISTER sip:198.18.2.2 SIP/2.0\n"
				  "Via: SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-r") +
		      std::to_string(cseq) + ";rport\nMax-Forwards: 70\n"
					     "From: <sip:alice@lab.example>;tag=ra\nTo: <sip:alice@lab.example>\n"
					     "Call-ID: " + callid + "\nCSeq: " + std::to_string(cseq) +
		      " REGISTER\nContact: " + contact + "\n" + extra);
}

// The registrar's answer: the relayed REGISTER's Via/From/To/Call-ID/CSeq, the
// Contact(s) it names and any extra header.
std::string reg_ok(const std::string &fwd, const std::string &contact, const char *extra = "")
{
	std::string r = respond(fwd, 200, "OK", "reg1", "", nullptr);
	std::string head = r.substr(0, r.find("Content-Length"));
	for (size_t i; (i = head.find("\r\n")) != std::string::npos;)
		head.replace(i, 2, "\n");
	if (!contact.empty())
		head += "Contact: " + contact + "\n";
	return sipmsg(head + extra);
}

std::string contact_of(const std::string &msg)
{
	auto c = Parsed(msg).values(SR_H_CONTACT);
	return c.empty() ? std::string() : c[0];
}

std::vector<sr_proxy_binding> bindings(const Rig &r)
{
	std::vector<sr_proxy_binding> v(64);
	uint32_t cursor = 0;
	unsigned n = sr_proxy_bindings(r.p, &cursor, v.data(), (unsigned)v.size(), r.now);
	v.resize(n);
	return v;
}

struct RegRig : Rig {
	RegRig(uint8_t ka = SR_PROXY_KA_OFF)
	{
		cfg.max_bindings = 16;
		cfg.keepalive = ka;
		cfg.keepalive_interval_s = 10;
		cfg.keepalive_max_missed = 2;
	}
	// The phone behind NAT: 192.168.77.2:5060 seen as 198.18.1.2:40000.
	Sent from_phone(const std::string &msg)
	{
		return send(ACC, ep("198.18.1.2", 40000), msg);
	}
	// REGISTER through, answered 200 with the relay's Contact and expires.
	std::string registered(unsigned cseq, const char *answer_extra = "Expires: 600\n")
	{
		Sent f = from_phone(reg(cseq));
		EXPECT_EQ(f.n, 1u);
		std::string c = contact_of(f.text);
		Sent a = from_uas(reg_ok(f.text, c, answer_extra));
		EXPECT_EQ(a.n, 1u);
		return c;
	}
	std::vector<Sent> tick()
	{
		char b[2][SR_PROXY_DGRAM_MAX];
		sr_proxy_out out[2] = {};
		std::vector<Sent> v;
		for (int i = 0; i < 2; i++) {
			out[i].buf = b[i];
			out[i].cap = sizeof(b[i]);
		}
		unsigned n = sr_proxy_reg_tick(p, out, 2, now);
		for (unsigned i = 0; i < n; i++) {
			Sent s;
			s.n = 1;
			s.iface = out[i].iface;
			s.dst = out[i].dst;
			s.text.assign(out[i].buf, out[i].len);
			v.push_back(s);
		}
		return v;
	}
};

TEST(SipProxyRegExpiry, HeaderParamDefault)
{
	auto exp = [](const std::string &extra, const char *params) {
		std::string m = reg(1, extra.c_str());
		Parsed p(m);
		EXPECT_TRUE(p.ok);
		return sp_reg_expiry(&p.m, sr_slice_make(params, strlen(params)), SP_REG_DEFAULT_EXPIRES);
	};
	EXPECT_EQ(exp("Expires: 600\n", ""), 600u);
	EXPECT_EQ(exp("Expires: 600\n", ";expires=30"), 30u); // the contact's parameter wins
	EXPECT_EQ(exp("", ";q=0.5;expires=45"), 45u);
	EXPECT_EQ(exp("", ""), 3600u);                      // one hour when absent
	EXPECT_EQ(exp("Expires: 0\n", ""), 0u);
	EXPECT_EQ(exp("Expires: soon\n", ""), 3600u);        // malformed counts as absent
	EXPECT_EQ(exp("Expires: 120\n", ";expires=x"), 120u);
	EXPECT_EQ(exp("Expires: 99999999999999\n", ""), 0x7fffffffu);
}

TEST(SipProxyRegNat, PrivateRanges)
{
	for (const char *a : { "10.1.2.3", "172.16.0.1", "172.31.255.1", "192.168.77.2", "100.64.0.1",
			       "100.127.1.1", "169.254.1.1", "127.0.0.1", "fd00::1", "fe80::1", "::1" }) {
		relay_ep e = ep(a, 1);
		EXPECT_TRUE(sp_ep_private(&e)) << a;
	}
	for (const char *a : { "198.18.1.2", "172.32.0.1", "100.128.0.1", "8.8.8.8", "2001:db8::1" }) {
		relay_ep e = ep(a, 1);
		EXPECT_FALSE(sp_ep_private(&e)) << a;
	}
}

TEST(SipProxyRegNat, DetectsFromViaAndContact)
{
	std::string natted = reg(1);
	Parsed p(natted);
	ASSERT_TRUE(p.ok);
	relay_ep nat_src = ep("198.18.1.2", 40000);
	relay_ep same = ep("192.168.77.2", 5060);
	EXPECT_TRUE(sp_nat_request(&p.m, &nat_src));  // Via sent-by is not the source
	EXPECT_FALSE(sp_nat_request(&p.m, &same));    // the phone on the relay's own link
	// a public phone whose port is rewritten by a NAT: the sent-by port differs
	std::string pub = sipmsg("OPTIONS sip:x@198.18.2.2 SIP/2.0\nVia: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-p\n"
				 "From: <sip:a@x>;tag=1\nTo: <sip:x@y>\nCall-ID: p@x\nCSeq: 1 OPTIONS\n"
				 "Contact: <sip:a@198.18.1.2:5060>\n");
	Parsed q(pub);
	relay_ep ok = ep("198.18.1.2", 5060), moved = ep("198.18.1.2", 6000);
	EXPECT_FALSE(sp_nat_request(&q.m, &ok));
	EXPECT_TRUE(sp_nat_request(&q.m, &moved));
	// a private Contact behind a Via that matches (an ALG fixed the Via only)
	std::string alg = sipmsg("OPTIONS sip:x@198.18.2.2 SIP/2.0\nVia: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-q\n"
				 "From: <sip:a@x>;tag=1\nTo: <sip:x@y>\nCall-ID: q@x\nCSeq: 1 OPTIONS\n"
				 "Contact: <sip:a@10.0.0.7:5060>\n");
	Parsed a(alg);
	EXPECT_TRUE(sp_nat_request(&a.m, &ok));
	EXPECT_TRUE(sp_nat_response(&a.m, &ok));
	EXPECT_FALSE(sp_nat_response(&q.m, &ok));
}

TEST(SipProxyReg, RegisterGetsTheRelaysContactAndVia)
{
	RegRig r;
	r.start();
	Sent f = r.from_phone(reg(1));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(f.iface, CORE);
	EXPECT_EQ(ep_str(f.dst), "198.18.2.2:5060");
	Parsed fwd(f.text);
	ASSERT_TRUE(fwd.ok);
	auto vias = fwd.values(SR_H_VIA);
	ASSERT_EQ(vias.size(), 2u);
	EXPECT_EQ(vias[0].rfind("SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKsr", 0), 0u) << vias[0];
	EXPECT_EQ(vias[1], "SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-r1;rport=40000;received=198.18.1.2");
	std::string c = contact_of(f.text);
	char want[64];
	snprintf(want, sizeof(want), "<sip:sr-%016llx@198.18.2.1:5060>",
		 (unsigned long long)sp_reg_token(sr_slice_make("sip:alice@lab.example", 21),
						  sr_slice_make(PHONE_CONTACT, strlen(PHONE_CONTACT))));
	EXPECT_EQ(c, want);
	auto b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].state, SR_PROXY_BINDING_PENDING);
	EXPECT_STREQ(b[0].aor, "sip:alice@lab.example");
	EXPECT_STREQ(b[0].contact, PHONE_CONTACT);
	EXPECT_EQ(ep_str(b[0].source), "198.18.1.2:40000");
	EXPECT_EQ(ep_str(b[0].relay), "198.18.2.1:5060");
	EXPECT_TRUE(b[0].nat);
	// the answer goes back to the phone's binding, untouched but for the relay's Via
	Sent a = r.from_uas(reg_ok(f.text, c, "Expires: 600\n"));
	ASSERT_EQ(a.n, 1u);
	EXPECT_EQ(ep_str(a.dst), "198.18.1.2:40000");
	EXPECT_EQ(contact_of(a.text), c);
	b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].state, SR_PROXY_BINDING_ACTIVE);
	EXPECT_EQ(b[0].expires_in_ms, 600000);
	EXPECT_EQ(r.st().registers, 1u);
}

TEST(SipProxyReg, ExpiryFromContactParamHeaderOrDefault)
{
	for (auto [contact_param, header, want] :
	     { std::tuple<const char *, const char *, int64_t>{ ";expires=120", "Expires: 600\n", 120 },
	       { "", "Expires: 300\n", 300 }, { "", "", 3600 } }) {
		RegRig r;
		r.start();
		Sent f = r.from_phone(reg(1));
		r.from_uas(reg_ok(f.text, contact_of(f.text) + contact_param, header));
		auto b = bindings(r);
		ASSERT_EQ(b.size(), 1u);
		EXPECT_EQ(b[0].expires_in_ms, want * 1000) << contact_param << header;
	}
}

TEST(SipProxyReg, RefreshKeepsOneBindingAndMovesExpiry)
{
	RegRig r;
	r.start();
	std::string c1 = r.registered(1);
	r.now += 100 * 1000000ULL;
	std::string c2 = r.registered(2);
	EXPECT_EQ(c1, c2); // the registrar sees the same Contact: a refresh, not a new binding
	auto b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].refreshes, 1u);
	EXPECT_EQ(b[0].expires_in_ms, 600000);
	EXPECT_EQ(b[0].age_ms, 100000u);
	// a retransmitted 2xx changes nothing more
	EXPECT_EQ(sr_proxy_binding_count(r.p), 1u);
}

TEST(SipProxyReg, NewNatPortFollowsTheRefresh)
{
	RegRig r;
	r.start();
	r.registered(1);
	Sent f = r.send(ACC, ep("198.18.1.2", 41000), reg(2));
	r.from_uas(reg_ok(f.text, contact_of(f.text), "Expires: 600\n"));
	auto b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(ep_str(b[0].source), "198.18.1.2:41000");
}

TEST(SipProxyReg, ExpiresZeroRemoves)
{
	RegRig r;
	r.start();
	r.registered(1);
	Sent f = r.from_phone(reg(2, "Expires: 0\n"));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(sr_proxy_binding_count(r.p), 1u); // until the registrar confirms
	r.from_uas(reg_ok(f.text, ""));              // lists no contact any more
	EXPECT_EQ(sr_proxy_binding_count(r.p), 0u);
	// expires=0 on the contact in the answer removes as well
	r.registered(3);
	Sent g = r.from_phone(reg(4));
	r.from_uas(reg_ok(g.text, contact_of(g.text) + ";expires=0"));
	EXPECT_EQ(sr_proxy_binding_count(r.p), 0u);
}

TEST(SipProxyReg, NonFinalOrRefusedAnswerKeepsState)
{
	RegRig r;
	r.start();
	r.registered(1);
	Sent f = r.from_phone(reg(2, "Expires: 0\n"));
	std::string no = respond(f.text, 401, "Unauthorized", "x");
	r.from_uas(no);
	auto b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].state, SR_PROXY_BINDING_ACTIVE);
}

TEST(SipProxyReg, ContactStarRemovesEveryBindingOfTheAor)
{
	RegRig r;
	r.start();
	r.registered(1);
	Sent f = r.from_phone(reg(2, "Expires: 600\n", "<sip:alice@192.168.77.2:5062>"));
	r.from_uas(reg_ok(f.text, contact_of(f.text)));
	// another AOR stays
	Sent o = r.from_phone(sipmsg("REGISTER sip:198.18.2.2 SIP/2.0\nVia: SIP/2.0/UDP 192.168.77.3:5060;branch=z9hG4bK-o\nMax-Forwards: 70\n"
				     "From: <sip:bob@lab.example>;tag=rb\nTo: <sip:bob@lab.example>\nCall-ID: o@x\n"
				     "CSeq: 1 REGISTER\nContact: <sip:bob@192.168.77.3>\nExpires: 60\n"));
	r.from_uas(reg_ok(o.text, contact_of(o.text)));
	ASSERT_EQ(sr_proxy_binding_count(r.p), 3u);
	Sent s = r.from_phone(reg(3, "Expires: 0\n", "*"));
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(contact_of(s.text), "*");
	r.from_uas(reg_ok(s.text, ""));
	auto b = bindings(r);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_STREQ(b[0].aor, "sip:bob@lab.example");
}

TEST(SipProxyReg, ExpiresOnItsOwn)
{
	RegRig r;
	r.start();
	r.registered(1, "Expires: 3\n");
	r.now += 2 * 1000000ULL;
	r.tick();
	EXPECT_EQ(sr_proxy_binding_count(r.p), 1u);
	r.now += 1500000ULL;
	r.tick();
	EXPECT_EQ(sr_proxy_binding_count(r.p), 0u);
	EXPECT_EQ(r.st().bindings_expired, 1u);
	// a REGISTER never answered is forgotten after Timer F
	r.from_phone(reg(2));
	EXPECT_EQ(sr_proxy_binding_count(r.p), 1u);
	r.now += 33 * 1000000ULL;
	r.tick();
	EXPECT_EQ(sr_proxy_binding_count(r.p), 0u);
}

TEST(SipProxyReg, CoreRequestToTheRelaysContactReachesTheBinding)
{
	RegRig r;
	r.start();
	std::string c = r.registered(1);
	std::string uri = c.substr(1, c.size() - 2);
	std::string inv = sipmsg("INVITE " + uri + " SIP/2.0\nVia: SIP/2.0/UDP 198.18.2.2:5060;branch=z9hG4bK-c1\n"
				 "Max-Forwards: 70\nFrom: <sip:pbx@198.18.2.2>;tag=p1\nTo: <sip:alice@lab.example>\n"
				 "Call-ID: in1@x\nCSeq: 1 INVITE\nContact: <sip:pbx@198.18.2.2:5060>\n",
				 sdp("198.18.2.2", 7000));
	Sent f = r.from_uas(inv);
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(f.iface, ACC);
	EXPECT_EQ(ep_str(f.dst), "198.18.1.2:40000");
	EXPECT_EQ(str(Parsed(f.text).m.ruri), PHONE_CONTACT);
	EXPECT_EQ(r.st().to_binding, 1u);
	// the phone answers from behind its NAT: its Contact is pointed at the binding
	std::string ok = respond(f.text, 200, "OK", "ph1", sdp("192.168.77.2", 6000),
				 "<sip:alice@192.168.77.2:5060;transport=udp>");
	Sent a = r.from_phone(ok);
	ASSERT_EQ(a.n, 1u);
	EXPECT_EQ(a.iface, CORE);
	EXPECT_EQ(contact_of(a.text), "<sip:alice@198.18.1.2:40000;transport=udp>");
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_TRUE(st->leg[1].nat);                                 // the callee is the phone
	EXPECT_FALSE(st->leg[0].nat);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.1.2:6000");     // public address, SDP port
	// an unknown token, or one still pending, is not followed
	std::string bad = inv;
	bad.replace(bad.find("sr-") + 3, 4, "0000");
	EXPECT_EQ(Parsed(r.from_uas(bad).text).m.status, 482);
}

TEST(SipProxyReg, NatedCallerGetsNatLegAndFixedContact)
{
	RegRig r;
	r.start();
	std::string inv = sipmsg("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-n1;rport\nMax-Forwards: 70\n"
				 "From: <sip:alice@192.168.77.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
				 "Call-ID: n1@x\nCSeq: 1 INVITE\nContact: <sip:alice@192.168.77.2:5060>\n",
				 sdp("192.168.77.2", 6000));
	Sent f = r.from_phone(inv);
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(contact_of(f.text), "<sip:alice@198.18.1.2:40000>");
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_TRUE(st->leg[0].nat);
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.2:6000");
	EXPECT_EQ(r.st().nat_detected, 1u);
	// a phone on a public address is left alone
	std::string pub = sipmsg("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-p1\nMax-Forwards: 70\n"
				 "From: <sip:carol@198.18.1.2>;tag=c1\nTo: <sip:bob@198.18.2.2>\n"
				 "Call-ID: p1@x\nCSeq: 1 INVITE\nContact: <sip:carol@198.18.1.2:5060>\n",
				 sdp("198.18.1.2", 6100));
	Sent g = r.from_uac(pub);
	ASSERT_EQ(g.n, 1u);
	EXPECT_EQ(contact_of(g.text), "<sip:carol@198.18.1.2:5060>");
	for (unsigned i = 0; i < FAKE_MAX_STREAMS; i++) {
		if (r.fm.streams[i].used && ep_str(r.fm.streams[i].leg[0].remote) == "198.18.1.2:6100") {
			EXPECT_FALSE(r.fm.streams[i].leg[0].nat);
		}
	}
	EXPECT_EQ(r.st().nat_detected, 1u);
}

TEST(SipProxyReg, OptionsKeepalivesAndUnreachable)
{
	RegRig r(SR_PROXY_KA_OPTIONS);
	r.start();
	r.registered(1);
	EXPECT_TRUE(r.tick().empty()); // not due yet
	r.now += 10 * 1000000ULL;
	auto ka = r.tick();
	ASSERT_EQ(ka.size(), 1u);
	EXPECT_EQ(ka[0].iface, ACC);
	EXPECT_EQ(ep_str(ka[0].dst), "198.18.1.2:40000");
	Parsed o(ka[0].text);
	ASSERT_TRUE(o.ok) << ka[0].text;
	EXPECT_EQ(o.m.method, SR_M_OPTIONS);
	EXPECT_EQ(str(o.m.ruri), PHONE_CONTACT);
	// the phone answers: absorbed, counted
	EXPECT_EQ(r.from_phone(respond(ka[0].text, 200, "OK", "k")).n, 0u);
	auto b = bindings(r);
	EXPECT_EQ(b[0].ka_sent, 1u);
	EXPECT_EQ(b[0].ka_answered, 1u);
	// then it goes silent: after two unanswered, unreachable
	for (int i = 0; i < 3; i++) {
		r.now += 10 * 1000000ULL;
		EXPECT_EQ(r.tick().size(), 1u);
	}
	b = bindings(r);
	EXPECT_EQ(b[0].state, SR_PROXY_BINDING_UNREACHABLE);
	EXPECT_EQ(b[0].ka_missed, 2u);
	// a late answer, or a refresh, brings it back
	r.registered(2);
	EXPECT_EQ(bindings(r)[0].state, SR_PROXY_BINDING_ACTIVE);
}

TEST(SipProxyReg, CrlfKeepalivesOnlyToNatedBindings)
{
	RegRig r(SR_PROXY_KA_CRLF);
	r.start();
	r.registered(1);
	Sent f = r.send(ACC, ep("198.18.1.3", 5060),
			sipmsg("REGISTER sip:198.18.2.2 SIP/2.0\nVia: SIP/2.0/UDP 198.18.1.3:5060;branch=z9hG4bK-pb\nMax-Forwards: 70\n"
			       "From: <sip:pub@lab.example>;tag=p\nTo: <sip:pub@lab.example>\nCall-ID: pb@x\n"
			       "CSeq: 1 REGISTER\nContact: <sip:pub@198.18.1.3:5060>\nExpires: 600\n"));
	r.from_uas(reg_ok(f.text, contact_of(f.text)));
	ASSERT_EQ(sr_proxy_binding_count(r.p), 2u);
	r.now += 10 * 1000000ULL;
	auto ka = r.tick();
	ASSERT_EQ(ka.size(), 1u); // the public phone gets none
	EXPECT_EQ(ka[0].text, "\r\n\r\n");
	EXPECT_EQ(ep_str(ka[0].dst), "198.18.1.2:40000");
}

TEST(SipProxyReg, NoTableRegisterPassesUntouched)
{
	Rig r;
	r.start();
	Sent f = r.from_uac(reg(1), 40000);
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(contact_of(f.text), "<sip:alice@192.168.77.2:5060;transport=udp>");
}

TEST(SipProxyReg, ContactThatIsNoSipUriIsNotAnchored)
{
	RegRig r;
	r.start();
	std::string longc = "<sip:" + std::string(200, 'a') + "@192.168.77.2>";
	for (std::string c : { std::string("<tel:+4930123>"), std::string("<uip:alice@192.168.77.2>"), longc }) {
		Sent f = r.from_phone(reg(1, "Expires: 60\n", c.c_str()));
		ASSERT_EQ(f.n, 1u);
		EXPECT_EQ(contact_of(f.text), c);
	}
	EXPECT_EQ(sr_proxy_binding_count(r.p), 0u);
}

TEST(SipProxyReg, FullTableForwardsUntouched)
{
	RegRig r;
	r.cfg.max_bindings = 1;
	r.start();
	r.registered(1);
	Sent f = r.from_phone(reg(2, "Expires: 60\n", "<sip:alice@192.168.77.2:5070>"));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(contact_of(f.text), "<sip:alice@192.168.77.2:5070>");
	EXPECT_EQ(r.st().bindings_full, 1u);
}

TEST(SipProxyRegTable, InsertFindRemoveWithCollisions)
{
	sp_regtab t;
	ASSERT_EQ(sp_reg_init(&t, 8), 0);
	bool added;
	// tokens that share a home slot (same low bits)
	for (uint64_t k = 1; k <= 8; k++)
		ASSERT_NE(sp_reg_upsert(&t, (k << 32) | 5, &added), nullptr);
	EXPECT_EQ(sp_reg_upsert(&t, 99, &added), nullptr); // full
	sp_reg_remove(&t, sp_reg_find(&t, (3ULL << 32) | 5));
	for (uint64_t k = 1; k <= 8; k++)
		EXPECT_EQ(sp_reg_find(&t, (k << 32) | 5) != nullptr, k != 3) << k;
	EXPECT_NE(sp_reg_upsert(&t, 99, &added), nullptr);
	EXPECT_TRUE(added);
	sp_reg_fini(&t);
}

} // namespace
