// The [security] section: defaults, the example's rules file taken from its directory,
// thresholds, and values refused with a reason.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

extern "C" {
#include "config.h"
}

namespace {

const char base[] = "[interface a]\nport = net_null0\nipv4 = 198.18.1.1/24\n";

struct Loaded {
	int ret;
	std::string err;
	struct relay_config c;
};

Loaded load(const std::string &extra, const char *dir = "/tmp")
{
	std::string path = std::string(dir) + "/relaysecXXXXXX";
	Loaded l;
	char err[256] = "";
	int fd = mkstemp(&path[0]);
	FILE *f = fdopen(fd, "w");

	fputs((base + extra).c_str(), f);
	fclose(f);
	relay_config_defaults(&l.c);
	l.ret = relay_config_load(&l.c, path.c_str(), err, sizeof(err));
	l.err = err;
	unlink(path.c_str());
	return l;
}

TEST(ConfigSecurity, Defaults)
{
	Loaded l = load("");
	ASSERT_EQ(l.ret, 0) << l.err;
	EXPECT_STREQ(l.c.security.rules, "");
	EXPECT_EQ(l.c.security.ab.auth_fail_count, 5u);
	EXPECT_EQ(l.c.security.ab.auth_fail_window_s, 60u);
	EXPECT_EQ(l.c.security.ab.auth_fail_ban_s, 600u);
	EXPECT_EQ(l.c.security.ab.flood_rate, 0u);
	EXPECT_EQ(l.c.security.max_sources, 65536u);
}

TEST(ConfigSecurity, ExampleNamesTheShippedRulesBesideIt)
{
	const char *path = getenv("RELAY_CONF_EXAMPLE");
	ASSERT_NE(path, nullptr);
	struct relay_config c;
	char err[256] = "";
	relay_config_defaults(&c);
	ASSERT_EQ(relay_config_load(&c, path, err, sizeof(err)), 0) << err;
	std::string want = std::string(path);
	want = want.substr(0, want.rfind('/')) + "/rules.default";
	EXPECT_EQ(std::string(c.security.rules), want);
	EXPECT_EQ(access(c.security.rules, R_OK), 0) << c.security.rules;
}

TEST(ConfigSecurity, Thresholds)
{
	Loaded l = load("[security]\nrules = /etc/x.rules\nauth_fail_count = 3\nauth_fail_window = 10\n"
			"auth_fail_ban = 0\nflood_rate = 200\nflood_window = 1\nflood_ban = 30\n"
			"max_sources = 1000\n");
	ASSERT_EQ(l.ret, 0) << l.err;
	EXPECT_STREQ(l.c.security.rules, "/etc/x.rules");
	EXPECT_EQ(l.c.security.ab.auth_fail_count, 3u);
	EXPECT_EQ(l.c.security.ab.auth_fail_window_s, 10u);
	EXPECT_EQ(l.c.security.ab.auth_fail_ban_s, 0u);
	EXPECT_EQ(l.c.security.ab.flood_rate, 200u);
	EXPECT_EQ(l.c.security.ab.flood_window_s, 1u);
	EXPECT_EQ(l.c.security.ab.flood_ban_s, 30u);
	EXPECT_EQ(l.c.security.max_sources, 1000u);
	l = load("[security]\nrules = r/x.rules\n", "/tmp");
	ASSERT_EQ(l.ret, 0) << l.err;
	EXPECT_STREQ(l.c.security.rules, "/tmp/r/x.rules");
}

TEST(ConfigSecurity, BadValuesRefused)
{
	const struct {
		const char *text, *err;
	} cases[] = {
		{ "auth_fail_count = -1", "[security] auth_fail_count: invalid value '-1'" },
		{ "auth_fail_count = lots", "[security] auth_fail_count: invalid value 'lots'" },
		{ "auth_fail_window = 0", "[security] auth_fail_window: must be > 0" },
		{ "flood_rate = 10\nflood_window = 0", "[security] flood_window: must be > 0" },
		{ "flood_window = 99999", "[security] flood_window: invalid value '99999'" },
		{ "max_sources = 0", "[security] max_sources: invalid value '0'" },
	};
	for (const auto &c : cases) {
		Loaded l = load(std::string("[security]\n") + c.text + "\n");
		EXPECT_EQ(l.ret, -EINVAL) << c.text;
		EXPECT_EQ(l.err.rfind(c.err, 0), 0u) << c.text << " -> " << l.err;
	}
	// relative, so that the file's directory makes it longer than a path may be
	Loaded l = load("[security]\nrules = " + std::string(254, 'x') + "\n");
	EXPECT_EQ(l.ret, -ENAMETOOLONG);
	EXPECT_EQ(l.err, "[security] rules: path too long");
}

} // namespace
