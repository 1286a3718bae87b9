// Routing: Via handling (received/rport), loose routing, Record-Route, responses by Via,
// what is dropped.
#include "sp_test.h"

using namespace sptest;

namespace {

std::string core_invite(const char *ruri, const char *routes, const char *callid = "k1@x")
{
	return sipmsg(std::string("INVITE ") + ruri + " SIP/2.0\n" +
		      "Via: SIP/2.0/UDP 198.18.2.2:5060;branch=z9hG4bK-k1\n" + routes + "Max-Forwards: 10\n" +
		      "From: <sip:pbx@198.18.2.2>;tag=p1\nTo: <sip:alice@198.18.1.2>\n" + "Call-ID: " + callid +
		      "\nCSeq: 5 INVITE\nContact: <sip:pbx@198.18.2.2>\n",
		      sdp("198.18.2.2", 7000));
}

TEST(SipProxyRoute, NatedCallerResponsesFollowRport)
{
	Rig r;
	r.start();
	std::string inv = sipmsg("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-n1;rport\nMax-Forwards: 70\n"
				 "From: <sip:alice@192.168.77.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
				 "Call-ID: n1@x\nCSeq: 1 INVITE\nContact: <sip:alice@192.168.77.2>\n",
				 sdp("192.168.77.2", 6000));
	Sent f = r.from_uac(inv, 40000);
	ASSERT_EQ(f.n, 1u);
	auto vias = Parsed(f.text).values(SR_H_VIA);
	ASSERT_EQ(vias.size(), 2u);
	EXPECT_EQ(vias[1], "SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-n1;rport=40000;received=198.18.1.2");
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	// a private SDP address behind NAT: the public address signalling came from, with the
	// SDP port, until latching in the data plane (forced for this leg) finds the real one
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.2:6000");
	EXPECT_TRUE(st->leg[0].nat);
	Sent t180 = r.from_uas(respond(f.text, 180, "Ringing", "b1"));
	ASSERT_EQ(t180.n, 1u);
	EXPECT_EQ(t180.iface, ACC);
	EXPECT_EQ(ep_str(t180.dst), "198.18.1.2:40000");
	Sent busy = r.from_uas(respond(f.text, 486, "Busy Here", "b1"));
	EXPECT_EQ(ep_str(busy.dst), "198.18.1.2:40000");
	r.expect_clean();
}

TEST(SipProxyRoute, ForceRport)
{
	Rig r;
	r.cfg.force_rport = true;
	r.start();
	std::string inv = sipmsg("OPTIONS sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-f1\nMax-Forwards: 70\n"
				 "From: <sip:alice@192.168.77.2>;tag=a1\nTo: <sip:bob@198.18.2.2>\n"
				 "Call-ID: f1@x\nCSeq: 1 OPTIONS\n");
	Sent f = r.from_uac(inv, 40000);
	ASSERT_EQ(f.n, 1u);
	auto vias = Parsed(f.text).values(SR_H_VIA);
	EXPECT_EQ(vias[1], "SIP/2.0/UDP 192.168.77.2:5060;branch=z9hG4bK-f1;rport=40000;received=198.18.1.2");
	EXPECT_EQ(ep_str(r.from_uas(respond(f.text, 200, "OK", "b1")).dst), "198.18.1.2:40000");
}

TEST(SipProxyRoute, CoreRequestFollowsNextRouteAfterStrippingOurs)
{
	Rig r;
	r.start();
	Sent f = r.from_uas(core_invite("sip:alice@198.18.1.2",
					"Route: <sip:198.18.2.1;lr>, <sip:198.18.1.9:5070;lr>\n"));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(f.iface, ACC);
	EXPECT_EQ(ep_str(f.dst), "198.18.1.9:5070");
	Parsed p(f.text);
	ASSERT_TRUE(p.ok);
	auto routes = p.values(SR_H_ROUTE);
	ASSERT_EQ(routes.size(), 1u);
	EXPECT_EQ(routes[0], "<sip:198.18.1.9:5070;lr>");
	EXPECT_EQ(p.m.max_forwards, 9);
	// the offer from the core goes out of the access side with its address
	Sdp o(p.body());
	EXPECT_EQ(o.addr(0), "198.18.1.1");
	EXPECT_EQ(str(p.m.top_via.host), "198.18.1.1");
	auto rr = p.values(SR_H_RECORD_ROUTE);
	ASSERT_EQ(rr.size(), 2u);
	EXPECT_EQ(rr[0], "<sip:198.18.1.1:5060;lr>");
	EXPECT_EQ(rr[1], "<sip:198.18.2.1:5060;lr>");
}

TEST(SipProxyRoute, TwoOwnRoutesInSeparateFieldsAndRequestUri)
{
	Rig r;
	r.start();
	Sent f = r.from_uas(core_invite("sip:alice@198.18.1.2:5062",
					"Route: <sip:198.18.2.1:5060;lr>\nRoute: <sip:198.18.1.1;lr>\n"));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(ep_str(f.dst), "198.18.1.2:5062");
	Parsed p(f.text);
	ASSERT_TRUE(p.ok);
	EXPECT_TRUE(p.values(SR_H_ROUTE).empty()) << f.text;
	// a Route that is not ours (other port) stays
	Sent g = r.from_uas(core_invite("sip:alice@198.18.1.2", "Route: <sip:198.18.2.1:5070;lr>\n", "k2@x"));
	ASSERT_EQ(g.n, 1u);
	EXPECT_EQ(ep_str(g.dst), "198.18.2.1:5070");
	EXPECT_EQ(Parsed(g.text).values(SR_H_ROUTE).size(), 1u);
}

TEST(SipProxyRoute, AccessRequestsAlwaysGoUpstream)
{
	Rig r;
	r.start();
	std::string m = sipmsg("MESSAGE sip:eve@203.0.113.9 SIP/2.0\n"
			       "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-m1\n"
			       "Route: <sip:198.18.1.1;lr>, <sip:203.0.113.10;lr>\nMax-Forwards: 70\n"
			       "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:eve@203.0.113.9>\n"
			       "Call-ID: m1@x\nCSeq: 1 MESSAGE\n",
			       "hello", "text/plain");
	Sent f = r.from_uac(m);
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(ep_str(f.dst), "198.18.2.2:5060");
	Parsed p(f.text);
	EXPECT_EQ(p.values(SR_H_ROUTE).size(), 1u);
	EXPECT_TRUE(p.values(SR_H_RECORD_ROUTE).empty()); // MESSAGE creates no dialog
	EXPECT_EQ(p.body(), "hello");
}

TEST(SipProxyRoute, RecordRouteOff)
{
	Rig r;
	r.cfg.record_route = false;
	r.start();
	Sent f = r.from_uas(core_invite("sip:alice@198.18.1.2", ""));
	ASSERT_EQ(f.n, 1u);
	EXPECT_TRUE(Parsed(f.text).values(SR_H_RECORD_ROUTE).empty());
}

TEST(SipProxyRoute, ResponsesNotOursAreDropped)
{
	Rig r;
	r.start();
	std::string resp = sipmsg("SIP/2.0 200 OK\n"
				  "Via: SIP/2.0/UDP 198.18.2.7:5060;branch=z9hG4bKsr0aaaaaaaabbbbbbbbbbbbbbbb\n"
				  "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-1\n"
				  "From: <sip:a@x>;tag=1\nTo: <sip:b@x>;tag=2\nCall-ID: z@x\nCSeq: 1 OPTIONS\n");
	EXPECT_EQ(r.from_uas(resp).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_NOT_OURS], 1u);
	// ours, but with a branch the relay never made
	std::string r2 = resp;
	r2.replace(r2.find("198.18.2.7"), 10, "198.18.2.1");
	r2.replace(r2.find("z9hG4bKsr0"), 10, "z9hG4bKxx0");
	EXPECT_EQ(r.from_uas(r2).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_NOT_OURS], 2u);
	// ours, nothing below
	std::string r3 = sipmsg("SIP/2.0 200 OK\n"
				"Via: SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKsr0aaaaaaaabbbbbbbbbbbbbbbb\n"
				"From: <sip:a@x>;tag=1\nTo: <sip:b@x>;tag=2\nCall-ID: z@x\nCSeq: 1 OPTIONS\n");
	EXPECT_EQ(r.from_uas(r3).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_NO_VIA], 1u);
	// next hop is a hostname
	std::string r4 = r2;
	r4.replace(r4.find("z9hG4bKxx0"), 10, "z9hG4bKsr0");
	r4.replace(r4.find("198.18.1.2:5060"), 15, "phone.example:5060");
	EXPECT_EQ(r.from_uas(r4).n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_UNROUTABLE], 1u);
	// malformed
	EXPECT_EQ(r.from_uas("SIP/2.0 200 OK\r\nVia: junk\r\n\r\n").n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_BAD_RESPONSE], 1u);
	// keep-alive
	EXPECT_EQ(r.from_uas("\r\n\r\n").n, 0u);
	EXPECT_EQ(r.st().drop[SR_PROXY_DROP_KIND], 1u);
	EXPECT_EQ(r.st().responses_fwd, 0u);
}

int pick_acc(void *, const relay_ep *)
{
	return ACC;
}

TEST(SipProxyRoute, DataPlaneRoutingCallback)
{
	Rig r;
	sr_proxy_media_ops ops = fake_media_ops;
	ops.route_iface = pick_acc;
	r.p = sr_proxy_create(&r.cfg, &ops, &r.fm);
	ASSERT_NE(r.p, nullptr);
	// core -> core-side destination, but the data plane says it lives behind access
	Sent f = r.from_uas(core_invite("sip:x@198.18.2.50", ""));
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(f.iface, ACC);
	EXPECT_EQ(str(Parsed(f.text).m.top_via.host), "198.18.1.1");
}

TEST(SipProxyRoute, Ipv6CoreSide)
{
	Rig r;
	r.cfg.iface[1].sip = ep("2001:db8::1", 5060);
	strcpy(r.cfg.iface[1].media_addr, "2001:db8::1");
	r.cfg.upstream = ep("2001:db8::2", 5060);
	r.start();
	std::string inv = sipmsg("INVITE sip:bob@[2001:db8::2] SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-v6;rport\nMax-Forwards: 70\n"
				 "From: <sip:alice@198.18.1.2>;tag=a1\nTo: <sip:bob@[2001:db8::2]>\n"
				 "Call-ID: v6@x\nCSeq: 1 INVITE\nContact: <sip:alice@198.18.1.2>\n",
				 sdp("198.18.1.2", 6000));
	Sent f = r.from_uac(inv);
	ASSERT_EQ(f.n, 1u);
	EXPECT_EQ(ep_str(f.dst), "2001:db8::2:5060");
	Parsed p(f.text);
	ASSERT_TRUE(p.ok) << f.text;
	EXPECT_EQ(str(p.m.top_via.host), "[2001:db8::1]");
	EXPECT_EQ(p.values(SR_H_RECORD_ROUTE)[0], "<sip:[2001:db8::1]:5060;lr>");
	Sdp o(p.body());
	ASSERT_TRUE(o.ok);
	EXPECT_EQ(o.addr(0), "2001:db8::1");
	std::string ans = "v=0\no=- 1 1 IN IP6 2001:db8::2\ns=-\nc=IN IP6 2001:db8::2\nt=0 0\n"
			  "m=audio 7000 RTP/AVP 0\n";
	Sent ok = r.send(CORE, ep("2001:db8::2", 5060), respond(f.text, 200, "OK", "b1", ans));
	ASSERT_EQ(ok.n, 1u);
	EXPECT_EQ(ep_str(ok.dst), "198.18.1.2:5060");
	Sdp a(Parsed(ok.text).body());
	EXPECT_EQ(a.addr(0), "198.18.1.1");
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(ep_str(st->leg[1].remote), "2001:db8::2:7000");
	EXPECT_EQ(st->leg[1].local.family, RELAY_FAMILY_IPV6);
}

TEST(SipProxyRoute, BadConfigRefused)
{
	fake_media fm;
	fake_media_init(&fm);
	sr_proxy_config c;
	sr_proxy_config_init(&c);
	EXPECT_EQ(sr_proxy_create(&c, &fake_media_ops, &fm), nullptr); // no interface
	c.n_ifaces = 1;
	c.iface[0].role = SR_PROXY_CORE;
	c.iface[0].sip = ep("198.18.2.1", 5060);
	strcpy(c.iface[0].media_addr, "relay.example");
	EXPECT_EQ(sr_proxy_create(&c, &fake_media_ops, &fm), nullptr);
	strcpy(c.iface[0].media_addr, "198.18.2.1");
	strcpy(c.server, "x\r\nInjected: 1");
	EXPECT_EQ(sr_proxy_create(&c, &fake_media_ops, &fm), nullptr);
	c.server[0] = '\0';
	c.iface[0].role = SR_PROXY_ACCESS; // access without an upstream
	EXPECT_EQ(sr_proxy_create(&c, &fake_media_ops, &fm), nullptr);
	c.iface[0].role = SR_PROXY_CORE;
	sr_proxy *p = sr_proxy_create(&c, &fake_media_ops, &fm);
	EXPECT_NE(p, nullptr);
	sr_proxy_destroy(p);
}

} // namespace
