// What the control plane asks of a running proxy (sp_admin.c): settings changed live
// (CPS limit from a full bucket, answers), refused updates change nothing, and sessions
// found by id and by Call-ID.
#include "sp_test.h"

using namespace sptest;

namespace {

// A new call from the caller: INVITE with an offer, its own Call-ID and branch.
std::string invite(const std::string &body, const std::string &callid)
{
	std::string branch = callid;
	for (char &c : branch)
		if (c == '@')
			c = '.';
	std::string h = "INVITE sip:bob@198.18.2.2 SIP/2.0\n"
			"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK-adm-" + branch + "\n"
			"Max-Forwards: 70\nFrom: <sip:alice@198.18.1.2>;tag=a1\n"
			"To: <sip:bob@198.18.2.2>\nCall-ID: " + callid + "\nCSeq: 1 INVITE\n"
			"Contact: <sip:alice@198.18.1.2:5060>\n";
	return sipmsg(h, body);
}

void expect_reply(const Sent &s, const char *status_line)
{
	ASSERT_EQ(s.n, 1u);
	EXPECT_EQ(s.iface, ACC);
	EXPECT_EQ(s.text.rfind(std::string(status_line) + "\r\n", 0), 0u) << s.text;
}

TEST(SipProxyAdmin, CpsLimitChangedLive)
{
	Rig r;
	r.cfg.cps_limit = 1;
	r.start();
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6000), "a1@x")).text.rfind("INVITE", 0), 0u);
	expect_reply(r.from_uac(invite(sdp("198.18.1.2", 6002), "a2@x")),
		     "SIP/2.0 500 Call placing quota exceeded");
	sr_proxy_config c = *sr_proxy_config_get(r.p);
	c.cps_limit = 0; // unlimited from now on
	c.max_sessions = 1; // not a live setting: ignored
	ASSERT_EQ(0, sr_proxy_update(r.p, &c, r.now));
	EXPECT_EQ(sr_proxy_config_get(r.p)->max_sessions, r.cfg.max_sessions);
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6010 + 2 * i), "b" + std::to_string(i) + "@x"))
				  .text.rfind("INVITE", 0), 0u);
	c.cps_limit = 2; // a new limit starts with a full bucket of 2
	ASSERT_EQ(0, sr_proxy_update(r.p, &c, r.now));
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6040), "c1@x")).text.rfind("INVITE", 0), 0u);
	EXPECT_EQ(r.from_uac(invite(sdp("198.18.1.2", 6042), "c2@x")).text.rfind("INVITE", 0), 0u);
	expect_reply(r.from_uac(invite(sdp("198.18.1.2", 6044), "c3@x")),
		     "SIP/2.0 500 Call placing quota exceeded");
	EXPECT_EQ(r.st().cps_refused, 2u);
}

TEST(SipProxyAdmin, RefusedUpdateChangesNothing)
{
	Rig r;
	r.start();
	sr_proxy_config c = *sr_proxy_config_get(r.p);
	c.cps_limit = 7;
	snprintf(c.server, sizeof(c.server), "bad\r\nX-Injected: 1");
	EXPECT_EQ(-EINVAL, sr_proxy_update(r.p, &c, r.now));
	c = *sr_proxy_config_get(r.p);
	c.cps_limit = 7;
	c.upstream.family = RELAY_FAMILY_NONE; // an access interface needs one
	EXPECT_EQ(-EINVAL, sr_proxy_update(r.p, &c, r.now));
	EXPECT_EQ(0u, sr_proxy_config_get(r.p)->cps_limit);
	c = *sr_proxy_config_get(r.p);
	c.upstream = ep("198.18.2.9", 0); // port 0: 5060
	snprintf(c.server, sizeof(c.server), "edge-1");
	ASSERT_EQ(0, sr_proxy_update(r.p, &c, r.now));
	EXPECT_EQ(5060, sr_proxy_config_get(r.p)->upstream.port);
	EXPECT_STREQ("edge-1", sr_proxy_config_get(r.p)->server);
	// the next call goes to the new upstream
	Sent s = r.from_uac(invite(sdp("198.18.1.2", 6000), "u1@x"));
	EXPECT_EQ("198.18.2.9:5060", ep_str(s.dst));
}

TEST(SipProxyAdmin, SessionsByIdAndCallId)
{
	Rig r;
	r.start();
	r.from_uac(invite(sdp("198.18.1.2", 6000), "find-me@x"));
	r.from_uac(invite(sdp("198.18.1.2", 6002), "other@x"));
	uint64_t ids[4];
	ASSERT_EQ(1u, sr_proxy_sessions_of_call(r.p, "find-me@x", 9, ids, 4));
	char buf[128];
	ASSERT_EQ(0, sr_proxy_session_call_id(r.p, ids[0], buf, sizeof(buf)));
	EXPECT_STREQ("find-me@x", buf);
	EXPECT_EQ(0u, sr_proxy_sessions_of_call(r.p, "find-me@", 8, ids, 4)); // exact only
	EXPECT_EQ(0u, sr_proxy_sessions_of_call(r.p, "", 0, ids, 4));
	EXPECT_EQ(-ENOENT, sr_proxy_session_call_id(r.p, 999999, buf, sizeof(buf)));
	ASSERT_EQ(0, sr_proxy_session_delete(r.p, ids[0]));
	EXPECT_EQ(0u, sr_proxy_sessions_of_call(r.p, "find-me@x", 9, ids, 4));
	EXPECT_EQ(1u, sr_proxy_session_count(r.p));
}

} // namespace
