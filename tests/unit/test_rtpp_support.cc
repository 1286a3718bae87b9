// rtpproxy.sock's helpers: the retransmission cache, the timeout notification targets
// (parsed, and sent to real sockets), the weak/strong and notify state of sessions.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

#include "rtpp_cache.h"
#include "rtpp_notify.h"
#include "rtpp_state.h"

namespace {

TEST(RtppCache, RetransmitHitsAndBounds)
{
	struct rtpp_cache *c = rtpp_cache_new(4, 1000);
	ASSERT_NE(nullptr, c);
	const char peer1[] = "peer-1", peer2[] = "peer-2";
	const std::string m = "c1 U cid 1.2.3.4 4000 ft";
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer1, 6, m.data(), m.size(), 0));
	ASSERT_EQ(0, rtpp_cache_put(c, peer1, 6, m.data(), m.size(), "c1 30000 198.18.2.1\n", 0));
	const char *r = rtpp_cache_get(c, peer1, 6, m.data(), m.size(), 10);
	ASSERT_NE(nullptr, r);
	EXPECT_STREQ("c1 30000 198.18.2.1\n", r);
	// same cookie from another sender, or the cookie with another command: not a retransmit
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer2, 6, m.data(), m.size(), 10));
	const std::string other = "c1 U cid 1.2.3.4 4002 ft";
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer1, 6, other.data(), other.size(), 10));
	EXPECT_EQ(1u, rtpp_cache_count(c, 10));
	// expires
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer1, 6, m.data(), m.size(), 1000));
	EXPECT_EQ(0u, rtpp_cache_count(c, 1000));
	// bounded: the oldest entry is replaced first
	for (int i = 0; i < 6; i++) {
		std::string k = "k" + std::to_string(i) + " V";
		ASSERT_EQ(0, rtpp_cache_put(c, peer1, 6, k.data(), k.size(), "r", 2000));
	}
	EXPECT_EQ(4u, rtpp_cache_count(c, 2000));
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer1, 6, "k0 V", 4, 2001));
	EXPECT_EQ(nullptr, rtpp_cache_get(c, peer1, 6, "k1 V", 4, 2001));
	EXPECT_NE(nullptr, rtpp_cache_get(c, peer1, 6, "k5 V", 4, 2001));
	// one entry per key: a put of the same key replaces it
	ASSERT_EQ(0, rtpp_cache_put(c, peer1, 6, "k5 V", 4, "new", 2002));
	EXPECT_STREQ("new", rtpp_cache_get(c, peer1, 6, "k5 V", 4, 2003));
	EXPECT_EQ(4u, rtpp_cache_count(c, 2003));
	rtpp_cache_free(c);
}

TEST(RtppNotify, ParseTargets)
{
	struct rtpp_notify_addr a;
	ASSERT_EQ(0, rtpp_notify_parse("unix:/run/k.sock", &a));
	EXPECT_EQ(RTPP_NOTIFY_UNIX, a.kind);
	EXPECT_STREQ("/run/k.sock", ((struct sockaddr_un *)&a.sa)->sun_path);
	ASSERT_EQ(0, rtpp_notify_parse("/run/k.sock", &a));
	EXPECT_EQ(RTPP_NOTIFY_UNIX, a.kind);
	ASSERT_EQ(0, rtpp_notify_parse("tcp:127.0.0.1:9999", &a));
	EXPECT_EQ(RTPP_NOTIFY_TCP, a.kind);
	EXPECT_EQ(AF_INET, a.sa.ss_family);
	EXPECT_EQ(9999, ntohs(((struct sockaddr_in *)&a.sa)->sin_port));
	ASSERT_EQ(0, rtpp_notify_parse("udp:[::1]:22222", &a));
	EXPECT_EQ(RTPP_NOTIFY_UDP, a.kind);
	EXPECT_EQ(AF_INET6, a.sa.ss_family);
	for (const char *bad : { "", "unix:", "tcp:", "tcp:1.2.3.4", "tcp:1.2.3.4:0",
				 "tcp:1.2.3.4:65536", "udp:host:1", "udp:[::1:5", "udp:[::1]5",
				 "tcp::5", "xmlrpc:http://x", "udp:1.2.3.4:5x" })
		EXPECT_EQ(-EINVAL, rtpp_notify_parse(bad, &a)) << bad;
	EXPECT_EQ(-ENAMETOOLONG, rtpp_notify_parse(("unix:/" + std::string(200, 'a')).c_str(), &a));
}

TEST(RtppNotify, SetFindAndLimits)
{
	struct rtpp_notify_set *s = rtpp_notify_set_new();
	ASSERT_NE(nullptr, s);
	ASSERT_EQ(0, rtpp_notify_set_add(s, "/tmp/x.sock"));
	ASSERT_EQ(0, rtpp_notify_set_add(s, "udp:127.0.0.1:5"));
	EXPECT_EQ(-EINVAL, rtpp_notify_set_add(s, "bogus:1"));
	EXPECT_EQ(2u, rtpp_notify_set_count(s));
	// bare path configured: found as unix: and as the bare path
	EXPECT_STREQ("unix:/tmp/x.sock", rtpp_notify_set_find(s, sr_slice_make("/tmp/x.sock", 11)));
	EXPECT_STREQ("unix:/tmp/x.sock",
		     rtpp_notify_set_find(s, sr_slice_make("unix:/tmp/x.sock", 16)));
	EXPECT_EQ(nullptr, rtpp_notify_set_find(s, sr_slice_make("unix:/tmp/y.sock", 16)));
	EXPECT_STREQ("udp:127.0.0.1:5", rtpp_notify_set_find(s, sr_slice_make("udp:127.0.0.1:5", 15)));
	for (int i = 2; i < RTPP_NOTIFY_MAX_TARGETS; i++)
		ASSERT_EQ(0, rtpp_notify_set_add(s, ("/tmp/t" + std::to_string(i)).c_str()));
	EXPECT_EQ(-ENOSPC, rtpp_notify_set_add(s, "/tmp/one-too-many"));
	EXPECT_EQ(-ENOENT, rtpp_notify_send(s, "unix:/nowhere", "t"));
	rtpp_notify_set_free(s);
}

std::string read_line(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[512];
	if (poll(&p, 1, 2000) != 1)
		return "(nothing)";
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	return n > 0 ? std::string(buf, (size_t)n) : "(eof)";
}

TEST(RtppNotify, SendUnixStreamKeepsAndReconnects)
{
	char dir[] = "/tmp/rtppnXXXXXX";
	ASSERT_NE(nullptr, mkdtemp(dir));
	std::string path = std::string(dir) + "/n.sock";
	struct sockaddr_un sa = {};
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(ls, 4));

	struct rtpp_notify_set *s = rtpp_notify_set_new();
	ASSERT_EQ(0, rtpp_notify_set_add(s, ("unix:" + path).c_str()));
	const char *name = rtpp_notify_set_find(s, sr_slice_make(path.data(), path.size()));
	ASSERT_NE(nullptr, name);
	ASSERT_EQ(0, rtpp_notify_send(s, name, "dlg:1:2"));
	int c = accept(ls, NULL, NULL);
	ASSERT_GE(c, 0);
	EXPECT_EQ("dlg:1:2\n", read_line(c));
	// the connection is kept for the next one, as rtpproxy does
	ASSERT_EQ(0, rtpp_notify_send(s, name, "second"));
	EXPECT_EQ("second\n", read_line(c));
	// the listener's side went away: the next notification reconnects
	close(c);
	ASSERT_EQ(0, rtpp_notify_send(s, name, "third"));
	c = accept(ls, NULL, NULL);
	ASSERT_GE(c, 0);
	EXPECT_EQ("third\n", read_line(c));
	close(c);
	close(ls);
	unlink(path.c_str());
	// nobody listens: an error, quickly, and no crash
	EXPECT_LT(rtpp_notify_send(s, name, "lost"), 0);
	rtpp_notify_set_free(s);
	rmdir(dir);
}

TEST(RtppNotify, SendUdpAndTcp)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {};
	socklen_t al = sizeof(a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(u, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(u, (struct sockaddr *)&a, &al));
	std::string uname = "udp:127.0.0.1:" + std::to_string(ntohs(a.sin_port));
	a.sin_port = 0;
	ASSERT_EQ(0, bind(t, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(t, 4));
	ASSERT_EQ(0, getsockname(t, (struct sockaddr *)&a, &al));
	std::string tname = "tcp:127.0.0.1:" + std::to_string(ntohs(a.sin_port));

	struct rtpp_notify_set *s = rtpp_notify_set_new();
	ASSERT_EQ(0, rtpp_notify_set_add(s, uname.c_str()));
	ASSERT_EQ(0, rtpp_notify_set_add(s, tname.c_str()));
	ASSERT_EQ(0, rtpp_notify_send(s, uname.c_str(), "u-tag"));
	EXPECT_EQ("u-tag\n", read_line(u));
	ASSERT_EQ(0, rtpp_notify_send(s, tname.c_str(), "t-tag"));
	int c = accept(t, NULL, NULL);
	ASSERT_GE(c, 0);
	EXPECT_EQ("t-tag\n", read_line(c));
	close(c);
	close(t);
	close(u);
	rtpp_notify_set_free(s);
}

int alive_even(void *, uint64_t sid, uint32_t)
{
	return sid % 2 == 0;
}

TEST(RtppState, ReferencesAndNotify)
{
	struct rtpp_state *st = rtpp_state_new();
	ASSERT_NE(nullptr, st);
	EXPECT_EQ(nullptr, rtpp_state_find(st, 1, 1));
	struct rtpp_sess *s = rtpp_state_get(st, 1, 1);
	ASSERT_NE(nullptr, s);
	EXPECT_EQ(0, s->strong); // the command that made it adds its (strong or weak) reference
	EXPECT_EQ(s, rtpp_state_get(st, 1, 1));
	EXPECT_EQ(nullptr, rtpp_state_find(st, 1, 2)); // media numbers are separate
	ASSERT_EQ(0, rtpp_state_set_notify(s, "unix:/a", "tag"));
	EXPECT_STREQ("unix:/a", s->notify);
	EXPECT_STREQ("tag", s->notify_tag);
	ASSERT_EQ(0, rtpp_state_set_notify(s, NULL, NULL));
	EXPECT_EQ(nullptr, s->notify);
	EXPECT_EQ(nullptr, s->notify_tag);
	for (uint64_t i = 2; i < 3000; i++)
		ASSERT_NE(nullptr, rtpp_state_get(st, i, 1));
	EXPECT_EQ(2999u, rtpp_state_count(st));
	rtpp_state_del(st, 1, 1);
	EXPECT_EQ(nullptr, rtpp_state_find(st, 1, 1));
	EXPECT_EQ(2998u, rtpp_state_count(st));
	rtpp_state_sweep(st, alive_even, NULL);
	EXPECT_EQ(1499u, rtpp_state_count(st));
	EXPECT_NE(nullptr, rtpp_state_find(st, 2998, 1));
	EXPECT_EQ(nullptr, rtpp_state_find(st, 2999, 1));
	rtpp_state_clear(st);
	EXPECT_EQ(0u, rtpp_state_count(st));
	rtpp_state_free(st);
}

} // namespace
