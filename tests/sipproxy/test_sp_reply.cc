// The relay's own answers: each with the right code, reason and destination, and no
// session or port left behind.
#include "sp_test.h"

using namespace sptest;

namespace {

std::string branch_of(const char *callid)
{
	std::string b = callid;
	for (char &c : b)
		if (c == '@')
			c = '.';
	return b;
}

std::string invite(const std::string &body, const char *callid = "r-1@198.18.1.2", const char *extra = "",
		   const char *cseq = "1 INVITE", const char *mf = "70")
{
	std::string h = std::string("INVITE sip:bob@198.18.2.2 SIP/2.0\n") +
			"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-" + branch_of(callid) + ";rport\n" +
			"Max-Forwards: " + mf + "\n" + "From: <sip:alice@198.18.1.2>;tag=a1\n" +
			"To: <sip:bob@198.18.2.2>\n" + "Call-ID: " + callid + "\n" + "CSeq: " + cseq + "\n" +
			"Contact: <sip:alice@198.18.1.2:5060>\n" + extra;
	return sipmsg(h, body);
}

// Checks that s is the relay's answer with this status line, back to the caller.
void expect_reply(const Sent &s, const char *status_line, uint16_t port = 5060, bool parses = true)
{
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(s.iface, ACC);
	EXPECT_EQ(ep_str(s.dst), "198.18.1.2:" + std::to_string(port));
	EXPECT_EQ(s.text.rfind(std::string(status_line) + "\r\n", 0), 0u) << s.text;
	Parsed p(s.text);
	if (!parses)
		return; // it copies the request's defect, as RFC 3261 8.2.6.2 wants
	EXPECT_TRUE(p.ok) << s.text;
	EXPECT_EQ(p.hdr("Server"), "siprelay-test");
	EXPECT_EQ(p.m.via_count, 1);
}

TEST(SipProxyReply, MalformedInvite400)
{
	Rig r;
	r.start();
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6000), "r-1@198.18.1.2", "", "abc INVITE"));
	expect_reply(s, "SIP/2.0 400 Bad CSeq", 5060, false);
	EXPECT_NE(s.text.find("\r\nCall-ID: r-1@198.18.1.2\r\n"), std::string::npos);
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_400], 1u);
	EXPECT_EQ(r.st().replies_class[4], 1u);
	r.expect_clean();
	EXPECT_EQ(r.fm.allocs, 0u);
}

TEST(SipProxyReply, MalformedSdp400)
{
	Rig r;
	r.start();
	Sent s = r.from_uac(invite("v=0\nthis is not sdp\n"));
	expect_reply(s, "SIP/2.0 400 Malformed SDP");
	r.expect_clean();
}

TEST(SipProxyReply, MaxForwardsZero483)
{
	Rig r;
	r.start();
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6000), "r-1@198.18.1.2", "", "1 INVITE", "0"));
	expect_reply(s, "SIP/2.0 483 Too Many Hops");
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_483], 1u);
	r.expect_clean();
}

TEST(SipProxyReply, ProxyRequire420AndScheme416)
{
	Rig r;
	r.start();
	expect_reply(r.from_uac(invite("", "r-1@198.18.1.2", "Proxy-Require: foo\n")), "SIP/2.0 420 Bad Extension");
	std::string m = sipmsg("OPTIONS mailto:bob@example.com SIP/2.0\n"
			       "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-o1\nMax-Forwards: 70\n"
			       "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
			       "Call-ID: o1@x\nCSeq: 1 OPTIONS\n");
	expect_reply(r.from_uac(m), "SIP/2.0 416 Unsupported URI Scheme");
	r.expect_clean();
}

TEST(SipProxyReply, TooLarge513And413)
{
	Rig r;
	r.cfg.limits.max_message = 1500;
	r.cfg.limits.max_body = 600;
	r.start();
	std::string pad(1600, 'x');
	Sent s = r.from_uac(invite("", "r-1@198.18.1.2", ("X-Pad: " + pad + "\n").c_str()));
	expect_reply(s, "SIP/2.0 513 Message Too Large");
	std::string big = sdp("198.18.1.2", 6000, ("a=x-pad:" + std::string(700, 'y') + "\n").c_str());
	expect_reply(r.from_uac(invite(big)), "SIP/2.0 413 Request Entity Too Large");
	r.expect_clean();
}

TEST(SipProxyReply, LoopDetected482)
{
	Rig r;
	r.start();
	Sent f = r.from_uac(invite(sdp("198.18.1.2", 6000)));
	ASSERT_EQ(f.n, 1u);
	// the same request comes back to the same interface unchanged: a loop
	Sent l = r.send(ACC, ep("198.18.2.2", 5060), f.text);
	ASSERT_EQ(l.n, 1u);
	EXPECT_EQ(l.text.rfind("SIP/2.0 482 Loop Detected\r\n", 0), 0u) << l.text;
	EXPECT_EQ(l.iface, ACC);
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_482], 1u);
	// through the core it is a spiral (PBX -> relay -> callee), not a loop
	Sent sp = r.send(CORE, ep("198.18.2.2", 5060), f.text);
	ASSERT_EQ(sp.n, 1u);
	EXPECT_EQ(sp.iface, ACC);
	EXPECT_EQ(Parsed(sp.text).m.via_count, 3);
	// with a retargeted Request-URI it is a spiral too
	std::string re = f.text;
	re.replace(0, strlen("INVITE sip:bob@198.18.2.2"), "INVITE sip:carol@198.18.2.2");
	Sent sp2 = r.send(ACC, ep("198.18.2.2", 5060), re);
	ASSERT_EQ(sp2.n, 1u);
	EXPECT_EQ(sp2.iface, CORE);
	EXPECT_EQ(Parsed(sp2.text).m.via_count, 3);
}

TEST(SipProxyReply, CpsLimit500)
{
	Rig r;
	r.cfg.cps_limit = 2;
	r.start();
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6000), "c1@x")).text.rfind("INVITE", 0), 0u);
	std::string second = invite(sdp("198.18.1.2", 6002), "c2@x");
	EXPECT_EQ(r.from_uac(second).text.rfind("INVITE", 0), 0u);
	// a retransmission is not a new call
	EXPECT_EQ(r.from_uac(second).text.rfind("INVITE", 0), 0u);
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6004), "c3@x"));
	expect_reply(s, "SIP/2.0 500 Call placing quota exceeded");
	Parsed p(s.text);
	EXPECT_NE(p.hdr("To").find(";tag="), std::string::npos);
	EXPECT_EQ(r.st().cps_refused, 1u);
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_500], 1u);
	EXPECT_EQ(r.fm.ports_held, 4u);
	EXPECT_EQ(sr_proxy_session_count(r.p), 2u);
	// in-dialog requests are not calls
	std::string opt = sipmsg("OPTIONS sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-o1\nMax-Forwards: 70\n"
				 "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
				 "Call-ID: o1@x\nCSeq: 1 OPTIONS\n");
	EXPECT_EQ(r.from_uac(opt).iface, CORE);
	// the ACK of the relay's own 500 stops at the relay
	std::string ack = sipmsg("ACK sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-c3.x;rport\nMax-Forwards: 70\n"
				 "From: <sip:alice@198.18.1.2>;tag=a1\nTo: " + p.hdr("To") + "\n"
				 "Call-ID: c3@x\nCSeq: 1 ACK\n");
	EXPECT_EQ(r.from_uac(ack).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_OWN_ACK], 1u);
	// half a second later one token is back
	r.now += 500000;
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6004), "c4@x")).iface, CORE);
	expect_reply(r.from_uac(invite(sdp("198.18.1.2", 6004), "c5@x")), "SIP/2.0 500 Call placing quota exceeded");
}

TEST(SipProxyReply, PortExhaustion503)
{
	Rig r;
	r.cfg.retry_after = 7;
	r.start();
	r.fm.port_limit = 3; // one call's two ports, then only one more
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6000), "p1@x")).iface, CORE);
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6002), "p2@x"));
	expect_reply(s, "SIP/2.0 503 Service Unavailable");
	EXPECT_EQ(Parsed(s.text).hdr("Retry-After"), "7");
	EXPECT_EQ(r.st().ports_exhausted, 1u);
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_503], 1u);
	EXPECT_EQ(r.fm.ports_held, 2u); // the half-allocated stream gave its port back
	EXPECT_EQ(sr_proxy_session_count(r.p), 1u);
	EXPECT_EQ(r.fm.errors, 0u);
}

TEST(SipProxyReply, PortExhaustionBypass)
{
	Rig r;
	r.cfg.on_exhaustion = SR_PROXY_EXHAUST_BYPASS;
	r.start();
	r.fm.port_limit = 1;
	std::string body = sdp("198.18.1.2", 6000);
	Sent s = r.from_uac(invite(body, "p1@x"));
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(s.iface, CORE);
	EXPECT_EQ(Parsed(s.text).body(), crlf(body));
	EXPECT_EQ(r.st().sdp_untouched, 1u);
	EXPECT_EQ(r.fm.ports_held, 0u);
}

TEST(SipProxyReply, SessionTableFull503)
{
	Rig r;
	r.cfg.max_sessions = 1;
	r.start();
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6000), "t1@x")).iface, CORE);
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6002), "t2@x"));
	expect_reply(s, "SIP/2.0 503 Service Unavailable");
	EXPECT_EQ(Parsed(s.text).hdr("Retry-After"), "5");
	EXPECT_EQ(r.st().sessions_exhausted, 1u);
	EXPECT_EQ(r.fm.ports_held, 2u);
}

TEST(SipProxyReply, NoRelayableMedia488)
{
	Rig r;
	r.start();
	std::string body = "v=0\no=- 1 1 IN IP4 198.18.1.2\ns=-\nc=IN IP4 198.18.1.2\nt=0 0\n"
			   "m=audio 0 RTP/AVP 0\nm=video 0 RTP/AVP 96\n";
	expect_reply(r.from_uac(invite(body)), "SIP/2.0 488 Not Acceptable Here");
	// an address family the relay has no media address for on that side
	std::string v6 = "v=0\no=- 1 1 IN IP6 2001:db8::2\ns=-\nc=IN IP6 2001:db8::2\nt=0 0\n"
			 "m=audio 6000 RTP/AVP 0\n";
	expect_reply(r.from_uac(invite(v6, "r-2@x")), "SIP/2.0 488 Not Acceptable Here");
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_488], 2u);
	r.expect_clean();
	EXPECT_EQ(r.fm.allocs, 0u);
}

TEST(SipProxyReply, AckNeverAnswered)
{
	Rig r;
	r.start();
	std::string ack = sipmsg("ACK sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-a1\nMax-Forwards: 0\n"
				 "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@198.18.2.2>;tag=b\n"
				 "Call-ID: a1@x\nCSeq: 1 ACK\n");
	EXPECT_EQ(r.from_uac(ack).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_BAD_ACK], 1u);
}

TEST(SipProxyReply, NatedCallerGetsReplyAtItsSource)
{
	Rig r;
	r.start();
	std::string m = sipmsg("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
			       "Via: SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-n1;rport\nMax-Forwards: 0\n"
			       "From: <sip:alice@192.168.77.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
			       "Call-ID: n1@x\nCSeq: 1 INVITE\n");
	expect_reply(r.from_uac(m, 40000), "SIP/2.0 483 Too Many Hops", 40000);
	// without rport: source address, sent-by port (RFC 3261 18.2.2)
	std::string m2 = m;
	m2.replace(m2.find(";rport"), 6, "");
	expect_reply(r.from_uac(m2, 40000), "SIP/2.0 483 Too Many Hops", 5060);
}

TEST(SipProxyReply, OptionsToRelay200)
{
	Rig r;
	r.start();
	std::string m = sipmsg("OPTIONS sip:198.18.2.1 SIP/2.0\n"
			       "Via: SIP/2.0/UDP 198.18.2.2:5060;branch=z9hG4bK-o1\nMax-Forwards: 70\n"
			       "From: <sip:pbx@198.18.2.2>;tag=p1\nTo: <sip:198.18.2.1>\n"
			       "Call-ID: o1@x\nCSeq: 1 OPTIONS\n");
	Sent s = r.from_uas(m);
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(s.iface, CORE);
	EXPECT_EQ(s.text.rfind("SIP/2.0 200 OK\r\n", 0), 0u);
	EXPECT_EQ(r.st().reply_code[SR_PROXY_RC_200], 1u);
	// anything else aimed at the relay itself is not sent back to it
	std::string inv = m;
	inv.replace(0, 7, "MESSAGE");
	inv.replace(inv.find("1 OPTIONS"), 9, "1 MESSAGE");
	Sent s2 = r.from_uas(inv);
	ASSERT_EQ(s2.n, 1u);
	EXPECT_EQ(s2.text.rfind("SIP/2.0 482 ", 0), 0u) << s2.text;
}

TEST(SipProxyReply, UnresolvableCoreTarget478)
{
	Rig r;
	r.start();
	std::string m = sipmsg("INVITE sip:alice@phone.example.com SIP/2.0\n"
			       "Via: SIP/2.0/UDP 198.18.2.2:5060;branch=z9hG4bK-h1\nMax-Forwards: 70\n"
			       "From: <sip:pbx@198.18.2.2>;tag=p1\nTo: <sip:alice@phone.example.com>\n"
			       "Call-ID: h1@x\nCSeq: 1 INVITE\n");
	Sent s = r.from_uas(m);
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(s.iface, CORE);
	EXPECT_EQ(s.text.rfind("SIP/2.0 478 Unresolvable destination\r\n", 0), 0u) << s.text;
	r.expect_clean();
}

} // namespace
