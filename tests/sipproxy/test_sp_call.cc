// Call flows through the proxy: SDP rewritten both ways, streams created, completed and
// deleted with the right addresses, nothing left behind.
#include "sp_test.h"

using namespace sptest;

namespace {

std::string invite(const std::string &body, unsigned cseq = 1, const char *branch = "z9hG4bK-inv1",
		   const char *callid = "call-1@198.18.1.2", const char *ftag = "a1")
{
	std::string h = std::string("INVITE sip:bob@198.18.2.2 SIP/2.0\n") +
			"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=" + branch + ";rport\n" +
			"Max-Forwards: 70\n" + "From: \"Alice\" <sip:alice@198.18.1.2>;tag=" + ftag + "\n" +
			"To: <sip:bob@198.18.2.2>\n" + "Call-ID: " + callid + "\n" + "CSeq: " +
			std::to_string(cseq) + " INVITE\n" + "Contact: <sip:alice@198.18.1.2:5060>\n";
	return sipmsg(h, body);
}

// An in-dialog request from the caller, routed by the route set of the 200.
std::string caller_req(const char *method, unsigned cseq, const char *branch, const std::string &body = "",
		       const char *totag = "b1")
{
	std::string h = std::string(method) + " sip:bob@198.18.2.2:5060 SIP/2.0\n" +
			"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=" + branch + ";rport\n" +
			"Route: <sip:198.18.1.1:5060;lr>, <sip:198.18.2.1:5060;lr>\n" + "Max-Forwards: 70\n" +
			"From: \"Alice\" <sip:alice@198.18.1.2>;tag=a1\n" + "To: <sip:bob@198.18.2.2>;tag=" + totag +
			"\n" + "Call-ID: call-1@198.18.1.2\n" + "CSeq: " + std::to_string(cseq) + " " + method + "\n";
	if (strcmp(method, "INVITE") == 0)
		h += "Contact: <sip:alice@198.18.1.2:5060>\n";
	return sipmsg(h, body);
}

// An in-dialog request from the callee (core side).
std::string callee_req(const char *method, unsigned cseq, const char *branch, const std::string &body = "")
{
	std::string h = std::string(method) + " sip:alice@198.18.1.2:5060 SIP/2.0\n" +
			"Via: SIP/2.0/UDP 198.18.2.2:5060;branch=" + branch + "\n" +
			"Route: <sip:198.18.2.1:5060;lr>, <sip:198.18.1.1:5060;lr>\n" + "Max-Forwards: 70\n" +
			"From: <sip:bob@198.18.2.2>;tag=b1\n" + "To: \"Alice\" <sip:alice@198.18.1.2>;tag=a1\n" +
			"Call-ID: call-1@198.18.1.2\n" + "CSeq: " + std::to_string(cseq) + " " + method + "\n";
	return sipmsg(h, body);
}

struct Call : Rig {
	Sent inv, ok;
	uint16_t p_acc = 0, p_core = 0; // relay ports facing the caller / the callee

	void setup_call()
	{
		start();
		inv = from_uac(invite(sdp("198.18.1.2", 6000)));
		ASSERT_EQ(inv.n, 1u);
		Sdp o(Parsed(inv.text).body());
		ASSERT_TRUE(o.ok);
		p_core = (uint16_t)o.port(0);
		ok = from_uas(respond(inv.text, 200, "OK", "b1", sdp("198.18.2.2", 7000)));
		ASSERT_EQ(ok.n, 1u);
		Sdp a(Parsed(ok.text).body());
		ASSERT_TRUE(a.ok);
		p_acc = (uint16_t)a.port(0);
	}
};

TEST(SipProxyCall, BasicCall)
{
	Rig r;
	r.start();

	// INVITE: access -> upstream, out of the core interface
	Sent inv = r.from_uac(invite(sdp("198.18.1.2", 6000)));
	ASSERT_EQ(inv.n, 1u);
	EXPECT_EQ(inv.iface, CORE);
	EXPECT_EQ(ep_str(inv.dst), "198.18.2.2:5060");
	Parsed fi(inv.text);
	ASSERT_TRUE(fi.ok) << fi.m.err.reason << "\n" << inv.text;
	auto vias = fi.values(SR_H_VIA);
	ASSERT_EQ(vias.size(), 2u);
	EXPECT_EQ(vias[0].rfind("SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKsr0", 0), 0u) << vias[0];
	EXPECT_EQ(vias[1], "SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-inv1;rport=5060;received=198.18.1.2");
	auto rr = fi.values(SR_H_RECORD_ROUTE);
	ASSERT_EQ(rr.size(), 2u);
	EXPECT_EQ(rr[0], "<sip:198.18.2.1:5060;lr>"); // what the callee sees first: its side
	EXPECT_EQ(rr[1], "<sip:198.18.1.1:5060;lr>");
	EXPECT_EQ(fi.m.max_forwards, 69);
	Sdp offer(fi.body());
	ASSERT_TRUE(offer.ok);
	EXPECT_EQ(offer.addr(0), "198.18.2.1");
	EXPECT_EQ(str(offer.s.origin.sess_version), "2");
	EXPECT_EQ(r.fm.ports_held, 2u);
	EXPECT_EQ(sr_proxy_session_count(r.p), 1u);

	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(st->leg[0].iface, ACC);
	EXPECT_EQ(st->leg[1].iface, CORE);
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.2:6000");
	EXPECT_EQ(st->leg[0].remote_rtcp_port, 6001);
	EXPECT_EQ(st->leg[1].remote.family, RELAY_FAMILY_NONE); // callee not known yet
	EXPECT_EQ(ep_str(st->leg[1].local), "198.18.2.1:" + std::to_string(offer.port(0)));
	uint16_t p_acc = st->leg[0].local.port;
	EXPECT_EQ(ep_str(st->leg[0].local), "198.18.1.1:" + std::to_string(p_acc));

	// 100 and 180 go back to the caller by its Via (received/rport)
	Sent t100 = r.from_uas(respond(inv.text, 100, "Trying", nullptr));
	ASSERT_EQ(t100.n, 1u);
	EXPECT_EQ(t100.iface, ACC);
	EXPECT_EQ(ep_str(t100.dst), "198.18.1.2:5060");
	EXPECT_EQ(Parsed(t100.text).m.via_count, 1);
	Sent t180 = r.from_uas(respond(inv.text, 180, "Ringing", "b1"));
	ASSERT_EQ(t180.n, 1u);
	EXPECT_EQ(t180.iface, ACC);

	// 200 with the answer: rewritten to the access side's address and the caller's port
	Sent ok = r.from_uas(respond(inv.text, 200, "OK", "b1", sdp("198.18.2.2", 7000)));
	ASSERT_EQ(ok.n, 1u);
	EXPECT_EQ(ok.iface, ACC);
	EXPECT_EQ(ep_str(ok.dst), "198.18.1.2:5060");
	Parsed fo(ok.text);
	ASSERT_TRUE(fo.ok);
	EXPECT_EQ(fo.m.via_count, 1);
	EXPECT_EQ(fo.values(SR_H_RECORD_ROUTE).size(), 2u);
	Sdp answer(fo.body());
	ASSERT_TRUE(answer.ok);
	EXPECT_EQ(answer.addr(0), "198.18.1.1");
	EXPECT_EQ(answer.port(0), p_acc);
	st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.2:7000");
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.2:6000");
	EXPECT_EQ(r.fm.allocs, 2u);

	// ACK through the route set: both of the relay's Route entries go
	Sent ack = r.from_uac(caller_req("ACK", 1, "z9hG4bK-ack1"));
	ASSERT_EQ(ack.n, 1u);
	EXPECT_EQ(ack.iface, CORE);
	EXPECT_EQ(ep_str(ack.dst), "198.18.2.2:5060");
	Parsed fa(ack.text);
	ASSERT_TRUE(fa.ok);
	EXPECT_TRUE(fa.values(SR_H_ROUTE).empty()) << ack.text;
	EXPECT_TRUE(fa.values(SR_H_RECORD_ROUTE).empty());

	// BYE from the callee: by Request-URI to the caller, streams and ports released
	Sent bye = r.from_uas(callee_req("BYE", 1, "z9hG4bK-bye1"));
	ASSERT_EQ(bye.n, 1u);
	EXPECT_EQ(bye.iface, ACC);
	EXPECT_EQ(ep_str(bye.dst), "198.18.1.2:5060");
	EXPECT_TRUE(Parsed(bye.text).values(SR_H_ROUTE).empty());
	EXPECT_EQ(r.fm.stream_dels, 1u);
	Sent bye_ok = r.from_uac(respond(bye.text, 200, "OK", nullptr));
	ASSERT_EQ(bye_ok.n, 1u);
	EXPECT_EQ(bye_ok.iface, CORE);
	EXPECT_EQ(ep_str(bye_ok.dst), "198.18.2.2:5060");

	r.expect_clean();
	EXPECT_EQ(r.st().sessions_created, 1u);
	EXPECT_EQ(r.st().sessions_deleted, 1u);
	EXPECT_EQ(r.st().offers, 1u);
	EXPECT_EQ(r.st().answers, 1u);
	EXPECT_EQ(r.st().requests_fwd, 3u);
	EXPECT_EQ(r.st().responses_fwd, 4u);
}

TEST(SipProxyCall, CompactForm)
{
	Rig r;
	r.start();
	std::string body = crlf(sdp("198.18.1.2", 6000));
	std::string inv = crlf("INVITE sip:bob@198.18.2.2 SIP/2.0\n"
			       "v: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-c1;rport\n"
			       "Max-Forwards: 70\n"
			       "f: <sip:alice@198.18.1.2>;tag=a1\n"
			       "t: <sip:bob@198.18.2.2>\n"
			       "i: compact-1@198.18.1.2\n"
			       "CSeq: 1 INVITE\n"
			       "m: <sip:alice@198.18.1.2>\n"
			       "c: application/sdp\n"
			       "l: " + std::to_string(body.size()) + "\n\n") + body;
	Sent f = r.from_uac(inv);
	ASSERT_EQ(f.n, 1u);
	Parsed fi(f.text);
	ASSERT_TRUE(fi.ok) << f.text;
	EXPECT_EQ(fi.m.via_count, 2);
	Sdp o(fi.body());
	ASSERT_TRUE(o.ok);
	EXPECT_EQ(o.addr(0), "198.18.2.1");
	EXPECT_EQ(fi.m.content_length, (int)fi.m.body.len); // l: follows the new body

	// compact 200 back
	std::string ans = crlf(sdp("198.18.2.2", 7000));
	std::string ok = crlf("SIP/2.0 200 OK\n") + crlf("v: " + fi.values(SR_H_VIA)[0] + "\n") +
			 crlf("v: " + fi.values(SR_H_VIA)[1] + "\n") +
			 crlf("f: <sip:alice@198.18.1.2>;tag=a1\nt: <sip:bob@198.18.2.2>;tag=b1\n"
			      "i: compact-1@198.18.1.2\nCSeq: 1 INVITE\nm: <sip:bob@198.18.2.2>\n"
			      "c: application/sdp\nl: " + std::to_string(ans.size()) + "\n\n") + ans;
	Sent a = r.from_uas(ok);
	ASSERT_EQ(a.n, 1u);
	Sdp as(Parsed(a.text).body());
	ASSERT_TRUE(as.ok);
	EXPECT_EQ(as.addr(0), "198.18.1.1");
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.2:7000");
	EXPECT_EQ(as.port(0), st->leg[0].local.port);

	Sent bye = r.from_uac(crlf("BYE sip:bob@198.18.2.2 SIP/2.0\n"
				   "v: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-c2;rport\n"
				   "Max-Forwards: 70\nf: <sip:alice@198.18.1.2>;tag=a1\n"
				   "t: <sip:bob@198.18.2.2>;tag=b1\ni: compact-1@198.18.1.2\nCSeq: 2 BYE\nl: 0\n\n"));
	ASSERT_EQ(bye.n, 1u);
	r.expect_clean();
}

TEST(SipProxyCall, CancelBeforeAnswer)
{
	Rig r;
	r.start();
	Sent inv = r.from_uac(invite(sdp("198.18.1.2", 6000)));
	ASSERT_EQ(inv.n, 1u);
	Sent t180 = r.from_uas(respond(inv.text, 180, "Ringing", "b1"));
	ASSERT_EQ(t180.n, 1u);
	EXPECT_EQ(r.fm.ports_held, 2u);

	std::string cancel = sipmsg("CANCEL sip:bob@198.18.2.2 SIP/2.0\n"
				    "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-inv1;rport\n"
				    "Max-Forwards: 70\nFrom: \"Alice\" <sip:alice@198.18.1.2>;tag=a1\n"
				    "To: <sip:bob@198.18.2.2>\nCall-ID: call-1@198.18.1.2\nCSeq: 1 CANCEL\n");
	Sent c = r.from_uac(cancel);
	ASSERT_EQ(c.n, 1u);
	EXPECT_EQ(c.iface, CORE);
	EXPECT_EQ(ep_str(c.dst), "198.18.2.2:5060");
	Parsed fc(c.text), fi(inv.text);
	ASSERT_TRUE(fc.ok);
	// same branch as the INVITE, so the UAS matches it (RFC 3261 9.2, 16.11)
	EXPECT_EQ(str(fc.m.top_via.branch), str(fi.m.top_via.branch));
	EXPECT_TRUE(fc.values(SR_H_RECORD_ROUTE).empty());
	EXPECT_EQ(r.fm.ports_held, 0u);
	EXPECT_EQ(sr_proxy_session_count(r.p), 0u);

	// 200 to CANCEL and 487 to INVITE still go back; ACK of the 487 keeps the branch
	EXPECT_EQ(r.from_uas(respond(c.text, 200, "OK", "b1")).n, 1u);
	Sent t487 = r.from_uas(respond(inv.text, 487, "Request Terminated", "b1"));
	ASSERT_EQ(t487.n, 1u);
	EXPECT_EQ(t487.iface, ACC);
	std::string ack = sipmsg("ACK sip:bob@198.18.2.2 SIP/2.0\n"
				 "Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-inv1;rport\n"
				 "Max-Forwards: 70\nFrom: \"Alice\" <sip:alice@198.18.1.2>;tag=a1\n"
				 "To: <sip:bob@198.18.2.2>;tag=b1\nCall-ID: call-1@198.18.1.2\nCSeq: 1 ACK\n");
	Sent a = r.from_uac(ack);
	ASSERT_EQ(a.n, 1u);
	EXPECT_EQ(str(Parsed(a.text).m.top_via.branch), str(fi.m.top_via.branch));
	r.expect_clean();
}

TEST(SipProxyCall, BusyReleases)
{
	Rig r;
	r.start();
	Sent inv = r.from_uac(invite(sdp("198.18.1.2", 6000)));
	ASSERT_EQ(inv.n, 1u);
	EXPECT_EQ(r.fm.ports_held, 2u);
	Sent busy = r.from_uas(respond(inv.text, 486, "Busy Here", "b1"));
	ASSERT_EQ(busy.n, 1u);
	EXPECT_EQ(busy.iface, ACC);
	EXPECT_EQ(ep_str(busy.dst), "198.18.1.2:5060");
	EXPECT_NE(busy.text.find("486 Busy Here"), std::string::npos);
	r.expect_clean();
	// retransmitted 486 after release: still forwarded, nothing to release twice
	EXPECT_EQ(r.from_uas(respond(inv.text, 486, "Busy Here", "b1")).n, 1u);
	r.expect_clean();
	EXPECT_EQ(r.st().sessions_deleted, 1u);
}

TEST(SipProxyCall, ReinviteHoldAndResume)
{
	Call c;
	c.setup_call();
	ASSERT_FALSE(::testing::Test::HasFatalFailure());
	EXPECT_EQ(c.from_uac(caller_req("ACK", 1, "z9hG4bK-ack1")).n, 1u);
	unsigned allocs = c.fm.allocs;

	// hold: RFC 2543 style (0.0.0.0) plus sendonly
	Sent h = c.from_uac(caller_req("INVITE", 2, "z9hG4bK-hold", sdp("0.0.0.0", 6000, "a=sendonly\n", "198.18.1.2")));
	ASSERT_EQ(h.n, 1u);
	EXPECT_EQ(h.iface, CORE);
	Sdp ho(Parsed(h.text).body());
	ASSERT_TRUE(ho.ok);
	EXPECT_EQ(ho.addr(0), "0.0.0.0"); // the hold stays visible to the callee
	EXPECT_EQ(ho.port(0), c.p_core);  // and the port stays the relay's
	EXPECT_TRUE(sr_sdp_media_on_hold(&ho.s, 0));
	const fake_stream *st = fake_media_any(&c.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(ep_str(st->leg[0].remote), "0.0.0.0:6000");
	EXPECT_EQ(st->leg[0].dir, SR_SDP_SENDONLY);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.2:7000");

	Sent ho_ok = c.from_uas(respond(h.text, 200, "OK", nullptr, sdp("198.18.2.2", 7000, "a=recvonly\n")));
	ASSERT_EQ(ho_ok.n, 1u);
	Sdp hoa(Parsed(ho_ok.text).body());
	ASSERT_TRUE(hoa.ok);
	EXPECT_EQ(hoa.addr(0), "198.18.1.1");
	EXPECT_EQ(hoa.port(0), c.p_acc);
	st = fake_media_any(&c.fm, 0);
	EXPECT_EQ(st->leg[1].dir, SR_SDP_RECVONLY);
	EXPECT_EQ(c.from_uac(caller_req("ACK", 2, "z9hG4bK-ack2")).n, 1u);

	// resume from a new address (the phone moved)
	Sent rs = c.from_uac(caller_req("INVITE", 3, "z9hG4bK-res", sdp("198.18.1.50", 6002)));
	ASSERT_EQ(rs.n, 1u);
	Sdp ro(Parsed(rs.text).body());
	EXPECT_EQ(ro.addr(0), "198.18.2.1");
	EXPECT_EQ(ro.port(0), c.p_core);
	st = fake_media_any(&c.fm, 0);
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.50:6002");
	EXPECT_EQ(st->leg[0].dir, SR_SDP_SENDRECV);
	EXPECT_EQ(c.from_uas(respond(rs.text, 200, "OK", nullptr, sdp("198.18.2.2", 7000))).n, 1u);
	st = fake_media_any(&c.fm, 0);
	EXPECT_EQ(st->leg[1].dir, SR_SDP_SENDRECV);
	EXPECT_EQ(c.fm.allocs, allocs); // same ports all along

	// the callee re-INVITEs too (its own CSeq space): an offer from side 1
	Sent cr = c.from_uas(callee_req("INVITE", 1, "z9hG4bK-cre", sdp("198.18.2.3", 7100)));
	ASSERT_EQ(cr.n, 1u);
	EXPECT_EQ(cr.iface, ACC);
	Sdp co(Parsed(cr.text).body());
	EXPECT_EQ(co.addr(0), "198.18.1.1");
	EXPECT_EQ(co.port(0), c.p_acc);
	st = fake_media_any(&c.fm, 0);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.3:7100");
	Sent cra = c.from_uac(respond(cr.text, 200, "OK", nullptr, sdp("198.18.1.50", 6004)));
	ASSERT_EQ(cra.n, 1u);
	EXPECT_EQ(cra.iface, CORE);
	Sdp ca(Parsed(cra.text).body());
	EXPECT_EQ(ca.addr(0), "198.18.2.1");
	EXPECT_EQ(ca.port(0), c.p_core);
	st = fake_media_any(&c.fm, 0);
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.50:6004");

	EXPECT_EQ(c.from_uac(caller_req("BYE", 4, "z9hG4bK-bye")).n, 1u);
	c.expect_clean();
}

TEST(SipProxyCall, LateOffer)
{
	Rig r;
	r.start();
	Sent inv = r.from_uac(invite(""));
	ASSERT_EQ(inv.n, 1u);
	EXPECT_EQ(r.fm.ports_held, 0u);
	EXPECT_EQ(sr_proxy_session_count(r.p), 1u);

	// the offer comes in the 200, out of the access side
	Sent ok = r.from_uas(respond(inv.text, 200, "OK", "b1", sdp("198.18.2.2", 7000)));
	ASSERT_EQ(ok.n, 1u);
	Sdp o(Parsed(ok.text).body());
	ASSERT_TRUE(o.ok);
	EXPECT_EQ(o.addr(0), "198.18.1.1");
	EXPECT_EQ(r.fm.ports_held, 2u);
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(o.port(0), st->leg[0].local.port);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.2:7000");
	EXPECT_EQ(st->leg[0].remote.family, RELAY_FAMILY_NONE);

	// the answer in the ACK, out of the core side
	Sent ack = r.from_uac(caller_req("ACK", 1, "z9hG4bK-ack1", sdp("198.18.1.2", 6000)));
	ASSERT_EQ(ack.n, 1u);
	Sdp a(Parsed(ack.text).body());
	ASSERT_TRUE(a.ok);
	EXPECT_EQ(a.addr(0), "198.18.2.1");
	st = fake_media_any(&r.fm, 0);
	EXPECT_EQ(a.port(0), st->leg[1].local.port);
	EXPECT_EQ(ep_str(st->leg[0].remote), "198.18.1.2:6000");
	EXPECT_EQ(r.st().offers, 1u);
	EXPECT_EQ(r.st().answers, 1u);

	EXPECT_EQ(r.from_uac(caller_req("BYE", 2, "z9hG4bK-bye")).n, 1u);
	r.expect_clean();
}

TEST(SipProxyCall, RetransmissionsAreIdentical)
{
	Rig r;
	r.start();
	std::string inv = invite(sdp("198.18.1.2", 6000));
	Sent a = r.from_uac(inv);
	Sent b = r.from_uac(inv);
	ASSERT_EQ(a.n, 1u);
	ASSERT_EQ(b.n, 1u);
	EXPECT_EQ(a.text, b.text);
	EXPECT_EQ(r.fm.allocs, 2u);
	EXPECT_EQ(r.fm.stream_sets, 1u); // nothing changed: the data plane is not bothered
	EXPECT_EQ(r.st().sessions_created, 1u);

	std::string ok = respond(a.text, 200, "OK", "b1", sdp("198.18.2.2", 7000));
	Sent o1 = r.from_uas(ok);
	Sent o2 = r.from_uas(ok);
	ASSERT_EQ(o1.n, 1u);
	EXPECT_EQ(o1.text, o2.text);
	// an INVITE retransmitted after the answer is still the same offer
	Sent c = r.from_uac(inv);
	EXPECT_EQ(c.text, a.text);
	Sent o3 = r.from_uas(ok);
	EXPECT_EQ(o3.text, o1.text);
	EXPECT_EQ(r.fm.allocs, 2u);
	EXPECT_EQ(r.fm.stream_sets, 2u);
	EXPECT_EQ(r.st().answers, 3u);

	EXPECT_EQ(r.from_uac(caller_req("BYE", 2, "z9hG4bK-bye")).n, 1u);
	r.expect_clean();
}

TEST(SipProxyCall, ForkedEarlyDialogs)
{
	Rig r;
	r.start();
	Sent inv = r.from_uac(invite(sdp("198.18.1.2", 6000)));
	ASSERT_EQ(inv.n, 1u);
	Sent e1 = r.from_uas(respond(inv.text, 183, "Session Progress", "fork1", sdp("198.18.2.10", 8000)));
	Sent e2 = r.from_uas(respond(inv.text, 183, "Session Progress", "fork2", sdp("198.18.2.20", 9000)));
	ASSERT_EQ(e1.n, 1u);
	ASSERT_EQ(e2.n, 1u);
	Sdp s1(Parsed(e1.text).body()), s2(Parsed(e2.text).body());
	EXPECT_EQ(s1.port(0), s2.port(0)); // one allocation for both forks
	EXPECT_EQ(s1.addr(0), "198.18.1.1");
	EXPECT_EQ(r.fm.allocs, 2u);
	const fake_stream *st = fake_media_any(&r.fm, 0);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.20:9000"); // latest wins
	// the fork that answers finally wins
	Sent ok = r.from_uas(respond(inv.text, 200, "OK", "fork1", sdp("198.18.2.10", 8000)));
	ASSERT_EQ(ok.n, 1u);
	st = fake_media_any(&r.fm, 0);
	EXPECT_EQ(ep_str(st->leg[1].remote), "198.18.2.10:8000");
	EXPECT_EQ(r.from_uac(caller_req("BYE", 2, "z9hG4bK-bye", "", "fork1")).n, 1u);
	r.expect_clean();
}

TEST(SipProxyCall, HalfOpenExpires)
{
	Rig r;
	r.cfg.half_open_us = 30 * 1000000ULL;
	r.start();
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6000))).n, 1u);
	r.now += 1000000;
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6010), 1, "z9hG4bK-x2", "call-2@198.18.1.2")).n, 1u);
	Sent inv3 = r.from_uac(invite(sdp("198.18.1.2", 6020), 1, "z9hG4bK-x3", "call-3@198.18.1.2"));
	EXPECT_EQ(r.from_uas(respond(inv3.text, 200, "OK", "b3", sdp("198.18.2.2", 7000))).n, 1u);
	EXPECT_EQ(sr_proxy_tick(r.p, r.now + 29 * 1000000ULL - 1), 0u);
	EXPECT_EQ(sr_proxy_tick(r.p, r.now + 29 * 1000000ULL), 1u);
	EXPECT_EQ(sr_proxy_tick(r.p, r.now + 30 * 1000000ULL), 1u);
	EXPECT_EQ(sr_proxy_tick(r.p, r.now + 3600 * 1000000ULL), 0u); // the answered one stays
	EXPECT_EQ(sr_proxy_session_count(r.p), 1u);
	EXPECT_EQ(r.st().sessions_expired, 2u);
	EXPECT_EQ(r.fm.ports_held, 2u);
	const fake_stream *st = fake_media_any(&r.fm, 0);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(sr_proxy_session_delete(r.p, st->session_id), 0);
	EXPECT_EQ(sr_proxy_session_delete(r.p, st->session_id), -ENOENT);
	r.expect_clean();
}

TEST(SipProxyCall, MultipleStreamsAndUnrelayable)
{
	Rig r;
	r.start();
	std::string body = sdp("198.18.1.2", 6000,
			       "m=video 6002 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
			       "m=application 5000 TCP/BFCP *\n"
			       "m=video 0 RTP/AVP 97\n");
	Sent inv = r.from_uac(invite(body));
	ASSERT_EQ(inv.n, 1u);
	Sdp o(Parsed(inv.text).body());
	ASSERT_TRUE(o.ok);
	ASSERT_EQ(o.s.n_media, 4);
	EXPECT_EQ(o.addr(0), "198.18.2.1");
	EXPECT_EQ(o.addr(1), "198.18.2.1");
	EXPECT_EQ(o.port(2), 5000u); // TCP cannot ride a UDP relay: untouched
	EXPECT_EQ(o.addr(2), "198.18.1.2");
	EXPECT_EQ(o.port(3), 0u);
	EXPECT_EQ(r.fm.ports_held, 4u);
	EXPECT_EQ(r.fm.streams_held, 2u);
	EXPECT_EQ(r.from_uas(respond(inv.text, 603, "Decline", "b1")).n, 1u);
	r.expect_clean();
}

TEST(SipProxyCall, StripsIce)
{
	Rig r;
	r.start();
	Sent inv = r.from_uac(invite(sdp("198.18.1.2", 6000,
					 "a=ice-ufrag:abcd\na=ice-pwd:0123456789012345678901\n"
					 "a=candidate:1 1 UDP 2130706431 198.18.1.2 6000 typ host\n")));
	ASSERT_EQ(inv.n, 1u);
	std::string b = Parsed(inv.text).body();
	EXPECT_EQ(b.find("candidate"), std::string::npos);
	EXPECT_EQ(b.find("ice-"), std::string::npos);
	EXPECT_EQ(r.from_uas(respond(inv.text, 486, "Busy Here", "b1")).n, 1u);
	r.expect_clean();
}

} // namespace
