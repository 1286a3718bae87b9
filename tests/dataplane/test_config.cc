// Config file parsing: the shipped example loads, bad values are refused with a reason.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include <siprelay/relay_types.h>

#include "config.h"
}

namespace {

std::string write_tmp(const std::string &text)
{
	char path[] = "/tmp/relayconfXXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text.c_str(), f);
	fclose(f);
	return path;
}

TEST(Config, ExampleLoads)
{
	const char *path = getenv("RELAY_CONF_EXAMPLE");
	ASSERT_NE(path, nullptr);
	struct relay_config c;
	char err[256] = "";
	relay_config_defaults(&c);
	ASSERT_EQ(relay_config_load(&c, path, err, sizeof(err)), 0) << err;
	EXPECT_STREQ(c.socket_path, "/run/siprelay/dataplane.sock");
	EXPECT_EQ(c.socket_mode, 0660u);
	ASSERT_EQ(c.n_ifaces, 2u);
	EXPECT_STREQ(c.iface[0].name, "access");
	EXPECT_STREQ(c.iface[1].dev, "net_af_xdp1");
	EXPECT_EQ(c.iface[0].ip4_plen, 24);
	EXPECT_EQ(c.iface[0].media_lo, 10000);
	EXPECT_EQ(c.relatch_after, 10);
	EXPECT_EQ(c.leg_flags, 0);
	EXPECT_TRUE(c.sip.enabled);
	EXPECT_EQ(c.sip.role[0], RELAY_ROLE_ACCESS);
	EXPECT_EQ(c.sip.role[1], RELAY_ROLE_CORE);
	EXPECT_EQ(c.sip.upstream.family, RELAY_FAMILY_IPV4);
	EXPECT_EQ(c.sip.upstream.port, 5060);
	EXPECT_EQ(c.sip.max_sessions, 4096u);
	EXPECT_TRUE(c.sip.strip_ice);
	// registrations and keepalives to phones behind NAT are on by default
	EXPECT_EQ(c.sip.max_bindings, 4096u);
	EXPECT_EQ(c.sip.keepalive, 2); // options
	EXPECT_EQ(c.sip.keepalive_interval_s, 30u);
	EXPECT_EQ(c.sip.keepalive_max_missed, 3u);
}

TEST(Config, SipSettingsAndErrors)
{
	struct relay_config c;
	char err[256] = "";
	std::string p = write_tmp("[sip]\nupstream = [2001:db8::5]:5080\ncps_limit = 20\n"
				  "on_port_exhaustion = bypass\nrecord_route = no\n"
				  "max_registrations = 10\nkeepalive = crlf\nkeepalive_interval = 15\n"
				  "keepalive_max_missed = 5\n"
				  "[interface a]\nrole = access\nport = x\nipv4 = 10.0.0.1/24\n"
				  "[interface b]\nport = y\nipv4 = 10.0.1.1/24\n");
	relay_config_defaults(&c);
	ASSERT_EQ(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.sip.upstream.family, RELAY_FAMILY_IPV6);
	EXPECT_EQ(c.sip.upstream.port, 5080);
	EXPECT_EQ(c.sip.cps_limit, 20u);
	EXPECT_TRUE(c.sip.bypass_on_exhaustion);
	EXPECT_FALSE(c.sip.record_route);
	EXPECT_EQ(c.sip.role[1], RELAY_ROLE_NONE);
	EXPECT_EQ(c.sip.max_bindings, 10u);
	EXPECT_EQ(c.sip.keepalive, 1); // crlf
	EXPECT_EQ(c.sip.keepalive_interval_s, 15u);
	EXPECT_EQ(c.sip.keepalive_max_missed, 5u);
	remove(p.c_str());

	const char *bad[][2] = {
		{"[interface a]\nrole = access\nport = x\nipv4 = 10.0.0.1/24\n", "upstream"},
		{"[sip]\nupstream = pbx.example.com\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "upstream"},
		{"[interface a]\nrole = edge\nport = x\nipv4 = 10.0.0.1/24\n", "role"},
		{"[sip]\nmax_sessions = 0\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "max_sessions"},
		{"[sip]\non_port_exhaustion = pray\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "on_port_exhaustion"},
		{"[sip]\nkeepalive = stun\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "keepalive"},
		{"[sip]\nkeepalive_interval = 0\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "keepalive_interval"},
		{"[sip]\nkeepalive_max_missed = 0\n[interface a]\nrole = core\nport = x\nipv4 = 10.0.0.1/24\n", "keepalive_max_missed"},
	};
	for (auto &b : bad) {
		p = write_tmp(b[0]);
		relay_config_defaults(&c);
		EXPECT_LT(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0) << b[0];
		EXPECT_NE(std::string(err).find(b[1]), std::string::npos) << err;
		remove(p.c_str());
	}
}

TEST(Config, UdpChecksumMode)
{
	struct relay_config c;
	char err[256] = "";
	std::string p = write_tmp("[interface a]\nport = x\nipv4 = 10.0.0.1/24\nudp_checksum = update\n"
				  "[interface b]\nport = y\nipv4 = 10.0.1.1/24\nudp_checksum = recompute\n"
				  "[interface c]\nport = z\nipv4 = 10.0.2.1/24\n");
	relay_config_defaults(&c);
	ASSERT_EQ(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.iface[0].udp_checksum, RELAY_UDP_CSUM_UPDATE);
	EXPECT_EQ(c.iface[1].udp_checksum, RELAY_UDP_CSUM_RECOMPUTE);
	EXPECT_EQ(c.iface[2].udp_checksum, RELAY_UDP_CSUM_AUTO);
	remove(p.c_str());

	p = write_tmp("[interface a]\nport = x\nipv4 = 10.0.0.1/24\nudp_checksum = trust\n");
	relay_config_defaults(&c);
	EXPECT_LT(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0);
	EXPECT_NE(std::string(err).find("udp_checksum"), std::string::npos) << err;
	remove(p.c_str());
}

TEST(Config, ValuesAndErrors)
{
	std::string p = write_tmp("[dataplane]\nsocket =\ncapacity = 1000000\npolling = adaptive\n"
				  "strict_source = yes\nlatching = off\n"
				  "[interface a]\nport = net_ring0\nipv4 = 10.0.0.1/24\n"
				  "ipv4_pool = 10.1.0.0/26\nmedia_ports = 20001-20100\n"
				  "gateway4_mac = 02:00:00:00:00:fe\nipv6 = 2001:db8::1/64\n");
	struct relay_config c;
	char err[256] = "";
	relay_config_defaults(&c);
	ASSERT_EQ(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.socket_path[0], '\0');
	EXPECT_EQ(c.capacity, 1000000u);
	EXPECT_TRUE(c.adaptive_poll);
	EXPECT_EQ(c.leg_flags, RELAY_LEG_STRICT | RELAY_LEG_NO_LATCH);
	EXPECT_EQ(c.iface[0].media_lo, 20002); // RTP starts even
	EXPECT_EQ(c.iface[0].pool4_plen, 26);
	EXPECT_TRUE(c.iface[0].gw4_mac_static);
	EXPECT_EQ(c.iface[0].n_ip6, 1);
	remove(p.c_str());

	p = write_tmp("[interface a]\nport = x\nipv4 = 10.0.0.300\n");
	relay_config_defaults(&c);
	EXPECT_LT(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0);
	EXPECT_NE(std::string(err).find("ipv4"), std::string::npos) << err;
	remove(p.c_str());

	p = write_tmp("[dataplane]\ncapacity = 0\n[interface a]\nport = x\nipv4 = 10.0.0.1\n");
	relay_config_defaults(&c);
	EXPECT_LT(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0);
	EXPECT_NE(std::string(err).find("capacity"), std::string::npos) << err;
	remove(p.c_str());

	p = write_tmp("[dataplane]\ncapacity = 10\n");
	relay_config_defaults(&c);
	EXPECT_LT(relay_config_load(&c, p.c_str(), err, sizeof(err)), 0);
	EXPECT_NE(std::string(err).find("interface"), std::string::npos) << err;
	remove(p.c_str());
}

} // namespace
