// Reload without a running data plane: which settings a changed file applies and which
// need a restart, the new [sip] keys of the source guard, and where in the file a load
// error is (FILE:LINE).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

extern "C" {
#include "config.h"
#include "config_reload.h"
#include "config_where.h"
}

namespace {

const char base[] =
	"[dataplane]\ncapacity = 100\n"
	"[sip]\nupstream = 198.18.2.2\ncps_limit = 5\n"
	"[interface a]\nrole = access\nport = x\nipv4 = 10.0.0.1/24\n"
	"[interface b]\nrole = core\nport = y\nipv4 = 10.0.1.1/24\n";

struct TmpConf {
	std::string path;
	explicit TmpConf(const std::string &text)
	{
		char p[] = "/tmp/relayreloadXXXXXX";
		int fd = mkstemp(p);
		FILE *f = fdopen(fd, "w");
		fputs(text.c_str(), f);
		fclose(f);
		path = p;
	}
	~TmpConf() { unlink(path.c_str()); }
};

relay_config Load(const std::string &text)
{
	TmpConf t(text);
	relay_config c;
	char err[256] = "";
	relay_config_defaults(&c);
	EXPECT_EQ(0, relay_config_load(&c, t.path.c_str(), err, sizeof(err))) << err;
	return c;
}

std::string Where(const std::string &text, const char *reason)
{
	TmpConf t(text);
	char out[512];
	relay_config_where(t.path.c_str(), reason, out, sizeof(out));
	std::string s(out);
	// drop the temporary path: "PATH:LINE: ..." -> ":LINE: ..."
	return s.substr(t.path.size());
}

TEST(Reload, GuardKeysAndDefaults)
{
	relay_config c = Load(base);
	EXPECT_EQ(0u, c.sip.source_rate);
	EXPECT_EQ(65536u, c.sip.max_sources);
	EXPECT_EQ(65536u, c.sip.max_bans);
	relay_config d = Load(std::string(base).replace(std::string(base).find("cps_limit = 5"), 13,
		"cps_limit = 5\nsource_rate = 7\nsource_burst = 9\nmax_sources = 100\nmax_bans = 10"));
	EXPECT_EQ(7u, d.sip.source_rate);
	EXPECT_EQ(9u, d.sip.source_burst);
	EXPECT_EQ(100u, d.sip.max_sources);
	EXPECT_EQ(10u, d.sip.max_bans);
	EXPECT_NE(std::string::npos, std::string(d.path).find("/tmp/relayreload"));
}

TEST(Reload, RefusesBadGuardValues)
{
	for (const char *bad : { "source_rate = 1000001", "max_bans = 0", "max_sources = 0",
				 "source_burst = x" }) {
		std::string text = std::string(base) + "";
		text.replace(text.find("cps_limit = 5"), 13, std::string("cps_limit = 5\n") + bad);
		TmpConf t(text);
		relay_config c;
		char err[256] = "";
		relay_config_defaults(&c);
		EXPECT_LT(relay_config_load(&c, t.path.c_str(), err, sizeof(err)), 0) << bad;
		EXPECT_NE(std::string::npos, std::string(err).find("[sip]")) << err;
	}
}

TEST(Reload, DiffAppliedAndRestart)
{
	relay_config start = Load(base), cur = start;
	uint32_t applied, restart;
	relay_reload_diff(&cur, &start, &start, &applied, &restart);
	EXPECT_EQ(0u, applied);
	EXPECT_EQ(0u, restart);

	std::string text = base;
	text.replace(text.find("cps_limit = 5"), 13,
		     "cps_limit = 6\nsource_rate = 3\nserver = edge\nstrip_ice = no\nmax_sessions = 9");
	text.replace(text.find("capacity = 100"), 14, "capacity = 200\nstrict_source = yes\n"
		     "neighbour_timeout = 30\npolling = adaptive");
	text.replace(text.find("10.0.1.1/24"), 11, "10.0.9.1/24");
	relay_config next = Load(text);
	relay_reload_diff(&cur, &start, &next, &applied, &restart);
	EXPECT_EQ((1u << RELOAD_CPS_LIMIT) | (1u << RELOAD_SOURCE_RATE) | (1u << RELOAD_SERVER) |
		  (1u << RELOAD_STRIP_ICE) | (1u << RELOAD_STRICT_SOURCE) | (1u << RELOAD_NEIGH_TIMEOUT),
		  applied);
	EXPECT_EQ((1u << RELOAD_INTERFACES) | (1u << RELOAD_CAPACITY) | (1u << RELOAD_MAX_SESSIONS) |
		  (1u << RELOAD_POLLING), restart);

	// live values set at run time (limits set) differ from the file: applied again;
	// restart-only settings compare with the file as it was at start
	cur.sip.cps_limit = 99;
	cur.capacity = 12345; // e.g. raised by --preload on the command line
	relay_reload_diff(&cur, &start, &start, &applied, &restart);
	EXPECT_EQ(1u << RELOAD_CPS_LIMIT, applied);
	EXPECT_EQ(0u, restart);
}

TEST(Reload, WhereIsTheError)
{
	std::string text = base; // line 5: cps_limit
	EXPECT_EQ(":5: [sip] cps_limit: invalid value 'x'", Where(text, "[sip] cps_limit: invalid value 'x'"));
	EXPECT_EQ(":9: [interface a] ipv4: invalid value 'q'",
		  Where(text, "[interface a] ipv4: invalid value 'q'"));
	// a key that is not in the file: its section's header
	EXPECT_EQ(":3: [sip] max_sessions: invalid value '0'",
		  Where(text, "[sip] max_sessions: invalid value '0'"));
	// no section named: the file only
	EXPECT_EQ(": no [interface NAME] section", Where(text, "no [interface NAME] section"));
	// what rte_cfgfile refuses comes first, whatever the reason says
	EXPECT_EQ(":14: section header without ']'", Where(text + "[interface c\nport = z\n",
							    "cannot read or parse"));
	EXPECT_EQ(":1: setting outside a [section]", Where("key = v\n" + text, "cannot read or parse"));
	// comments and blanks are skipped like rte_cfgfile does; keys are matched trimmed
	EXPECT_EQ(":4: [sip] cps_limit: bad", Where("; c\n\n[sip]\n  cps_limit   = 1 ; why\n", "[sip] cps_limit: bad"));
	char out[256];
	relay_config_where("/nonexistent/x.conf", "boom", out, sizeof(out));
	EXPECT_STREQ("/nonexistent/x.conf: boom", out);
}

} // namespace
