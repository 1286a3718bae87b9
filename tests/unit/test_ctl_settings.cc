// SPDX-License-Identifier: BSD-3-Clause
// siprelay-control's [control] settings (control/daemon/ctl_settings.c) and the socket
// permission rules shared with the data plane (dataplane/sockperm).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" {
#include "ctl_settings.h"
#include <siprelay/sock_perm.h>
}

namespace {

class TempFile {
public:
	explicit TempFile(const std::string &text)
	{
		char tmpl[] = "/tmp/ctlset.XXXXXX";
		int fd = mkstemp(tmpl);

		path_ = tmpl;
		EXPECT_GE(fd, 0);
		EXPECT_EQ(write(fd, text.data(), text.size()), (ssize_t)text.size());
		close(fd);
	}
	~TempFile() { unlink(path_.c_str()); }
	const char *path() const { return path_.c_str(); }

private:
	std::string path_;
};

TEST(CtlSettings, Defaults)
{
	ctl_settings s;

	ctl_settings_default(&s);
	EXPECT_EQ(s.tmo.idle_s, 60u);
	EXPECT_EQ(s.tmo.final_s, 0u);
	EXPECT_EQ(s.tmo.offer_s, 120u);
	EXPECT_STREQ(s.socket_group, "");
}

TEST(CtlSettings, ControlSectionOnly)
{
	TempFile f("[dataplane]\nidle_timeout = 5\nsocket = /x\n"
		   "[control]\n; the timeouts\nidle_timeout = 30   ; s\nfinal_timeout=7200\n"
		   "offer_timeout = 0\nsocket_group = siprelay\nprometheus = 127.0.0.1:9100\n"
		   "[interface access]\nidle_timeout = 9\n");
	ctl_settings s;
	char err[256] = "";

	ctl_settings_default(&s);
	ASSERT_EQ(ctl_settings_load(&s, f.path(), err, sizeof(err)), 0) << err;
	EXPECT_EQ(s.tmo.idle_s, 30u);
	EXPECT_EQ(s.tmo.final_s, 7200u);
	EXPECT_EQ(s.tmo.offer_s, 0u);
	EXPECT_STREQ(s.socket_group, "siprelay");
}

TEST(CtlSettings, NoControlSectionKeepsDefaults)
{
	TempFile f("[dataplane]\nsocket = /x\n");
	ctl_settings s;
	char err[256] = "";

	ctl_settings_default(&s);
	ASSERT_EQ(ctl_settings_load(&s, f.path(), err, sizeof(err)), 0) << err;
	EXPECT_EQ(s.tmo.idle_s, 60u);
}

TEST(CtlSettings, BadValueNamesFileLineAndKey)
{
	TempFile f("[control]\nidle_timeout = 60\nfinal_timeout = soon\n");
	ctl_settings s;
	char err[256] = "";

	ctl_settings_default(&s);
	EXPECT_EQ(ctl_settings_load(&s, f.path(), err, sizeof(err)), -EINVAL);
	EXPECT_NE(std::string(err).find(std::string(f.path()) + ":3:"), std::string::npos) << err;
	EXPECT_NE(std::string(err).find("final_timeout"), std::string::npos) << err;
	EXPECT_NE(std::string(err).find("'soon'"), std::string::npos) << err;
}

TEST(CtlSettings, Rejects)
{
	for (const char *text : { "[control]\nidle_timeout = -1\n", "[control]\noffer_timeout =\n",
				  "[control]\nidle_timeout = 9999999\n", "[control]\njunk line\n",
				  "[control]\nsocket_group = "
				  "a-group-name-that-is-far-too-long-for-any-system-to-accept-really\n" }) {
		TempFile f(text);
		ctl_settings s;
		char err[256] = "";

		ctl_settings_default(&s);
		EXPECT_EQ(ctl_settings_load(&s, f.path(), err, sizeof(err)), -EINVAL) << text;
		EXPECT_NE(err[0], '\0');
	}
}

TEST(CtlSettings, MissingFile)
{
	ctl_settings s;
	char err[256] = "";

	ctl_settings_default(&s);
	EXPECT_EQ(ctl_settings_load(&s, "/nonexistent/siprelay.conf", err, sizeof(err)), -ENOENT);
	EXPECT_NE(std::string(err).find("/nonexistent/siprelay.conf"), std::string::npos);
}

TEST(SockPerm, Rule)
{
	sock_perm p = {};
	const gid_t sup[] = { 4, 1234, 27 };

	p.owner = 1000;
	p.gid = 1234;
	EXPECT_TRUE(sock_perm_allows(&p, 0, 0, nullptr, 0)) << "root";
	EXPECT_TRUE(sock_perm_allows(&p, 1000, 1000, nullptr, 0)) << "the daemon's user";
	EXPECT_TRUE(sock_perm_allows(&p, 2000, 1234, nullptr, 0)) << "primary group";
	EXPECT_TRUE(sock_perm_allows(&p, 2000, 2000, sup, 3)) << "supplementary group";
	EXPECT_FALSE(sock_perm_allows(&p, 2000, 2000, sup, 1)) << "other groups only";
	EXPECT_FALSE(sock_perm_allows(&p, 65534, 65534, nullptr, 0)) << "nobody";
}

TEST(SockPerm, GroupNames)
{
	sock_perm p;
	char err[256] = "";

	ASSERT_EQ(sock_perm_init(&p, nullptr, err, sizeof(err)), 0);
	EXPECT_EQ(p.gid, getegid());
	EXPECT_EQ(p.owner, geteuid());
	EXPECT_FALSE(p.named);
	ASSERT_EQ(sock_perm_init(&p, "root", err, sizeof(err)), 0) << err;
	EXPECT_EQ(p.gid, 0u);
	EXPECT_TRUE(p.named);
	EXPECT_STREQ(p.group, "root");
	EXPECT_EQ(sock_perm_init(&p, "no-such-group-siprelay", err, sizeof(err)), -ENOENT);
	EXPECT_NE(std::string(err).find("'no-such-group-siprelay' does not exist"),
		  std::string::npos) << err;
}

// A directory of its own for socket files.
class SockDir : public ::testing::Test {
protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/sockperm.XXXXXX";

		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
	}
	void TearDown() override
	{
		unlink(Path().c_str());
		rmdir(dir_.c_str());
	}
	std::string Path() const { return dir_ + "/s.sock"; }
	sockaddr_un Addr() const
	{
		sockaddr_un sa = {};

		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", Path().c_str());
		return sa;
	}
	std::string dir_;
};

TEST_F(SockDir, BindGivesModeAndGroupWhateverTheUmask)
{
	sock_perm p;
	char err[256];
	struct stat st;
	group *nog = getgrnam("nogroup");
	const char *gname = nog != nullptr ? "nogroup" : "root";
	sockaddr_un sa = Addr();
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	mode_t old = umask(0);  // a careless umask must not open the socket up

	ASSERT_EQ(sock_perm_init(&p, gname, err, sizeof(err)), 0) << err;
	int ret = sock_perm_bind(&p, fd, &sa, 0660);
	umask(old);
	ASSERT_EQ(ret, 0) << strerror(-ret);
	ASSERT_EQ(lstat(Path().c_str(), &st), 0);
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0660u);
	EXPECT_EQ(st.st_gid, p.gid);
	EXPECT_EQ(umask(old), old) << "umask restored";
	close(fd);
}

TEST_F(SockDir, PeerOfAStreamSocket)
{
	sock_perm p;
	char err[256], who[64] = "";
	int sv[2];

	ASSERT_EQ(sock_perm_init(&p, nullptr, err, sizeof(err)), 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(sock_perm_check_peer(&p, sv[0], who, sizeof(who)), 0);
	EXPECT_EQ(std::string(who).rfind("uid " + std::to_string(geteuid()) + " gid ", 0), 0u)
		<< who;
	close(sv[0]);
	close(sv[1]);
}

TEST_F(SockDir, DatagramCredentials)
{
	sock_perm p;
	char err[256], who[64] = "", buf[16];
	sockaddr_storage from;
	socklen_t fl = sizeof(from);
	int sv[2];

	ASSERT_EQ(sock_perm_init(&p, nullptr, err, sizeof(err)), 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	// without SO_PASSCRED there is nothing to judge by: refused
	ASSERT_EQ(send(sv[1], "V", 1, 0), 1);
	EXPECT_EQ(sock_perm_recvfrom(&p, sv[0], buf, sizeof(buf), 0, (sockaddr *)&from, &fl, who,
				     sizeof(who)), -EACCES);
	ASSERT_EQ(sock_perm_passcred(sv[0]), 0);
	ASSERT_EQ(send(sv[1], "VF 1", 4, 0), 4);
	fl = sizeof(from);
	EXPECT_EQ(sock_perm_recvfrom(&p, sv[0], buf, sizeof(buf), 0, (sockaddr *)&from, &fl, who,
				     sizeof(who)), 4);
	EXPECT_EQ(std::string(buf, 4), "VF 1");
	fl = sizeof(from);
	EXPECT_EQ(sock_perm_recvfrom(&p, sv[0], buf, sizeof(buf), 0, (sockaddr *)&from, &fl, who,
				     sizeof(who)), -EAGAIN);
	// no policy (UDP): plain recvfrom
	ASSERT_EQ(send(sv[1], "I", 1, 0), 1);
	fl = sizeof(from);
	EXPECT_EQ(sock_perm_recvfrom(nullptr, sv[0], buf, sizeof(buf), 0, (sockaddr *)&from, &fl,
				     who, sizeof(who)), 1);
	close(sv[0]);
	close(sv[1]);
}

}  // namespace
