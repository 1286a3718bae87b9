// control.sock's request parser and validator: every command's fields, and a clear
// refusal for everything else.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "ctl_request.h"

namespace {

struct Parsed {
	ctl_request r;
	int ret;
	std::string err;
	explicit Parsed(const std::string &line)
	{
		char e[512] = "";
		ret = ctl_request_parse(&r, line.data(), line.size(), e, sizeof(e));
		err = e;
	}
	~Parsed() { ctl_request_free(&r); }
};

// Refused, with an error that contains every given word.
void Refused(const std::string &line, std::initializer_list<const char *> words)
{
	Parsed p(line);
	EXPECT_EQ(-EINVAL, p.ret) << line;
	for (const char *w : words)
		EXPECT_NE(std::string::npos, p.err.find(w)) << line << " -> " << p.err;
}

TEST(CtlRequest, TableIsInIdOrderWithUniqueNames)
{
	unsigned n;
	const ctl_spec *s = ctl_specs(&n);
	ASSERT_EQ((unsigned)CTL_CMD_MAX, n);
	for (unsigned i = 0; i < n; i++) {
		EXPECT_EQ(i, (unsigned)s[i].id) << s[i].name;
		for (unsigned k = i + 1; k < n; k++)
			EXPECT_STRNE(s[i].name, s[k].name);
	}
}

TEST(CtlRequest, CommandsWithoutFields)
{
	for (const char *c : { "status", "stats", "ban list", "limits get", "reload", "sessions" }) {
		Parsed p(std::string("{\"cmd\":\"") + c + "\"}");
		ASSERT_EQ(0, p.ret) << c << ": " << p.err;
		EXPECT_STREQ(c, p.r.spec->name);
	}
	Refused("{\"cmd\":\"status\",\"verbose\":true}", { "'status' has no field 'verbose'", "takes none" });
}

TEST(CtlRequest, BanAdd)
{
	Parsed p("{\"cmd\":\"ban add\",\"address\":\"198.18.1.0/24\",\"ttl\":60,\"reason\":\"scanner\"}");
	ASSERT_EQ(0, p.ret) << p.err;
	EXPECT_EQ(CTL_BAN_ADD, p.r.spec->id);
	const ctl_value *a = ctl_arg(&p.r, "address");
	ASSERT_NE(nullptr, a);
	EXPECT_EQ(96u + 24, a->pfx.len);
	EXPECT_EQ(60u, ctl_arg(&p.r, "ttl")->u);
	EXPECT_STREQ("scanner", ctl_arg(&p.r, "reason")->str);
	EXPECT_EQ(nullptr, ctl_arg(&p.r, "nonexistent"));

	Parsed v6("{\"cmd\":\"ban add\",\"address\":\"2001:db8::/48\"}");
	ASSERT_EQ(0, v6.ret) << v6.err;
	EXPECT_EQ(48u, ctl_arg(&v6.r, "address")->pfx.len);
	EXPECT_EQ(nullptr, ctl_arg(&v6.r, "ttl"));   // not given: permanent

	Refused("{\"cmd\":\"ban add\"}", { "'ban add' needs field 'address'" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"1.2.3.999\"}", { "address", "not an IP address", "1.2.3.999" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1/8\"}", { "host bits" });
	Refused("{\"cmd\":\"ban add\",\"address\":42}", { "'address' must be a string" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"ttl\":-1}", { "'ttl' out of range" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"ttl\":315360001}", { "ttl", "0..315360000" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"ttl\":1.5}", { "'ttl' must be an integer" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"ttl\":\"60\"}", { "'ttl' must be an integer" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"reason\":\"" + std::string(64, 'x') + "\"}",
		{ "'reason' must be 0..63 bytes" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"reason\":\"a\\nb\"}", { "control characters" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"reason\":\"a\\u0000b\"}", { "malformed JSON" });
	Refused("{\"cmd\":\"ban add\",\"address\":\"10.0.0.1\",\"tll\":5}", { "no field 'tll'", "fields: address, ttl, reason" });
}

TEST(CtlRequest, SessionSelectorsExactlyOne)
{
	Parsed h("{\"cmd\":\"session show\",\"handle\":7}");
	ASSERT_EQ(0, h.ret) << h.err;
	EXPECT_EQ(7u, ctl_arg(&h.r, "handle")->u);
	Parsed c("{\"cmd\":\"session delete\",\"call_id\":\"abc@host\"}");
	ASSERT_EQ(0, c.ret) << c.err;
	EXPECT_EQ(8u, ctl_arg(&c.r, "call_id")->len);
	Parsed s("{\"cmd\":\"session show\",\"session_id\":9223372036854775807}");
	ASSERT_EQ(0, s.ret) << s.err;
	Refused("{\"cmd\":\"session show\"}", { "exactly one of: handle, session_id, call_id" });
	Refused("{\"cmd\":\"session show\",\"handle\":1,\"call_id\":\"x\"}", { "only one of" });
	Refused("{\"cmd\":\"session delete\",\"handle\":4294967296}", { "handle", "out of range" });
	Refused("{\"cmd\":\"session delete\",\"call_id\":\"\"}", { "call_id", "1..127 bytes" });
	Refused("{\"cmd\":\"session delete\",\"call_id\":\"" + std::string(128, 'c') + "\"}", { "1..127" });
}

TEST(CtlRequest, SessionsFilters)
{
	struct {
		const char *addr;
		uint32_t len;
		uint16_t port;
	} ok[] = { { "198.18.1.2", 128, 0 }, { "198.18.1.2:5060", 128, 5060 },
		   { "2001:db8::1", 128, 0 }, { "[2001:db8::1]:40000", 128, 40000 },
		   { "[2001:db8::1]", 128, 0 } };
	for (auto &t : ok) {
		Parsed p(std::string("{\"cmd\":\"sessions\",\"address\":\"") + t.addr + "\"}");
		ASSERT_EQ(0, p.ret) << t.addr << ": " << p.err;
		EXPECT_EQ(t.len, ctl_arg(&p.r, "address")->pfx.len);
		EXPECT_EQ(t.port, ctl_arg(&p.r, "address")->port) << t.addr;
	}
	for (const char *bad : { "198.18.1.2:0", "198.18.1.2:65536", "198.18.1.2:", "[2001:db8::1]:",
				 "[2001:db8::1", "198.18.1.0/24", "x:1", "198.18.1.2:50a" })
		Refused(std::string("{\"cmd\":\"sessions\",\"address\":\"") + bad + "\"}",
			{ "'address': not an IP address" });
	Parsed both("{\"cmd\":\"sessions\",\"call_id\":\"a\",\"address\":\"10.0.0.1\"}");
	EXPECT_EQ(0, both.ret) << both.err;
}

TEST(CtlRequest, LimitsSetNeedsOneWithinRange)
{
	Parsed p("{\"cmd\":\"limits set\",\"cps_limit\":10,\"source_rate\":0}");
	ASSERT_EQ(0, p.ret) << p.err;
	EXPECT_EQ(10u, ctl_arg(&p.r, "cps_limit")->u);
	EXPECT_EQ(0u, ctl_arg(&p.r, "source_rate")->u);
	EXPECT_EQ(nullptr, ctl_arg(&p.r, "cps_burst"));
	Refused("{\"cmd\":\"limits set\"}", { "at least one of: cps_limit, cps_burst, source_rate, source_burst" });
	Refused("{\"cmd\":\"limits set\",\"source_burst\":1000001}", { "source_burst", "0..1000000" });
	Refused("{\"cmd\":\"limits get\",\"cps_limit\":1}", { "'limits get' has no field 'cps_limit'" });
}

TEST(CtlRequest, EnvelopeErrors)
{
	Refused("not json", { "malformed JSON" });
	Refused("", { "malformed JSON" });
	Refused("[1,2]", { "a request is a JSON object" });
	Refused("{}", { "missing field 'cmd'" });
	Refused("{\"cmd\":5}", { "'cmd' must be a string" });
	Refused("{\"cmd\":\"bogus\"}", { "unknown command 'bogus'", "commands: status, sessions" });
	Refused("{\"cmd\":\"ban\"}", { "unknown command 'ban'" });
	Refused("{\"cmd\":\"stats\",\"cmd\":\"status\"}", { "malformed JSON", "duplicate" });
	Refused("{\"cmd\":\"stats\"} trailing", { "malformed JSON" });
	// jansson quotes the bad bytes: the reason stays printable ASCII (found by fuzzing)
	Parsed bin("[\x07\xff" "001:db8::1]:5");
	EXPECT_EQ(-EINVAL, bin.ret);
	for (char c : bin.err)
		EXPECT_TRUE(c >= 0x20 && c < 0x7f) << bin.err;
	// quoted back shortened and without control characters
	Parsed p("{\"cmd\":\"" + std::string(300, 'z') + "\\n\"}");
	EXPECT_EQ(-EINVAL, p.ret);
	EXPECT_LT(p.err.size(), 400u);
	EXPECT_EQ(std::string::npos, p.err.find('\n'));
}

TEST(CtlRequest, EndpointParser)
{
	sr_prefix a;
	uint16_t port;
	EXPECT_EQ(0, ctl_endpoint_parse("10.0.0.1:1", &a, &port));
	EXPECT_EQ(1, port);
	EXPECT_EQ(0, ctl_endpoint_parse("::1", &a, &port));
	EXPECT_EQ(0, port);
	EXPECT_EQ(-EINVAL, ctl_endpoint_parse("", &a, &port));
	EXPECT_EQ(-EINVAL, ctl_endpoint_parse("[]:5", &a, &port));
	EXPECT_EQ(-EINVAL, ctl_endpoint_parse("[::1]x", &a, &port));
	EXPECT_EQ(-EINVAL, ctl_endpoint_parse(std::string(100, '1').c_str(), &a, &port));
}

} // namespace
