// The rules file parser and the Hyperscan compiler: good files, every kind of bad
// line (refused with its line and reason), the matcher's verdict and counters, and a
// reload that fails leaving the running set in place.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <unistd.h>

#include <siprelay/rules.h>

#include "sip_test_util.h"

namespace {

struct Parsed {
	int ret;
	std::string err;
	struct sr_rule_list l;
};

Parsed parse(const std::string &text)
{
	Parsed p;
	char err[SR_RULES_ERR_MAX] = "";

	p.ret = sr_rules_parse(text.data(), text.size(), "t.rules", &p.l, err, sizeof(err));
	p.err = err;
	return p;
}

// A compiled set and its scratch, freed at the end of the test.
struct Set {
	struct sr_ruleset *s = nullptr;
	struct sr_rules_scratch *sc = nullptr;
	std::string err;
	int ret = 0;

	explicit Set(const std::string &text)
	{
		Parsed p = parse(text);
		char e[SR_RULES_ERR_MAX] = "";

		ret = p.ret;
		err = p.err;
		if (ret == 0) {
			ret = sr_ruleset_compile(&p.l, "t.rules", &s, e, sizeof(e));
			err = e;
			sr_rule_list_free(&p.l);
		}
		if (ret == 0) {
			EXPECT_EQ(sr_rules_scratch_fit(&sc, s), 0);
		}
	}
	~Set()
	{
		sr_ruleset_free(s);
		sr_rules_scratch_free(sc);
	}
	struct sr_rules_verdict match(const std::string &wire)
	{
		struct sr_sip_msg m;
		struct sr_rules_verdict v;
		int parsed = sr_sip_parse(&m, wire.data(), wire.size(), nullptr);

		(void)parsed;
		EXPECT_EQ(sr_ruleset_match(s, sc, wire.data(), (uint32_t)wire.size(),
					   m.kind ? &m : nullptr, &v), 0);
		return v;
	}
};

std::string options(const std::string &ua, const std::string &ruri = "sip:100@198.18.1.1")
{
	return crlf("OPTIONS " + ruri + " SIP/2.0\n"
		    "Via: SIP/2.0/UDP 198.18.1.3:5060;branch=z9hG4bK-1\n"
		    "From: <sip:scan@198.18.1.3>;tag=1\n"
		    "To: <" + ruri + ">\n"
		    "Call-ID: c1\n"
		    "CSeq: 1 OPTIONS\n"
		    "Max-Forwards: 70\n"
		    "User-Agent: " + ua + "\n"
		    "Content-Length: 0\n\n");
}

TEST(RulesParse, GoodFile)
{
	Parsed p = parse("# comment\n"
			 "\n"
			 "  1 header:User-Agent ban:60 /friendly-scanner/i\r\n"
			 "2\tmethod\tdrop\t/^REGISTER$/\n"
			 "3 ruri reject /a/b/ism   \n"
			 "4 body drop /x/\n"
			 "5 message drop /INVITE sip:/\n");
	ASSERT_EQ(p.ret, 0) << p.err;
	ASSERT_EQ(p.l.n, 5u);
	EXPECT_EQ(p.l.r[0].id, 1u);
	EXPECT_EQ(p.l.r[0].line, 3u);
	EXPECT_EQ(p.l.r[0].scope, SR_RULE_HEADER);
	EXPECT_STREQ(p.l.r[0].header, "User-Agent");
	EXPECT_EQ(p.l.r[0].action, SR_RULE_BAN);
	EXPECT_EQ(p.l.r[0].ban_s, 60u);
	EXPECT_EQ(p.l.r[0].flags, SR_RULE_CASELESS);
	EXPECT_STREQ(p.l.r[0].pattern, "friendly-scanner");
	EXPECT_EQ(p.l.r[1].scope, SR_RULE_METHOD);
	EXPECT_EQ(p.l.r[1].action, SR_RULE_DROP);
	EXPECT_STREQ(p.l.r[1].pattern, "^REGISTER$");
	EXPECT_EQ(p.l.r[2].scope, SR_RULE_RURI);
	EXPECT_EQ(p.l.r[2].action, SR_RULE_REJECT);
	EXPECT_STREQ(p.l.r[2].pattern, "a/b"); // the last '/' closes
	EXPECT_EQ(p.l.r[2].flags, SR_RULE_CASELESS | SR_RULE_DOTALL | SR_RULE_MULTILINE);
	EXPECT_EQ(p.l.r[3].scope, SR_RULE_BODY);
	EXPECT_EQ(p.l.r[4].scope, SR_RULE_MESSAGE);
	sr_rule_list_free(&p.l);
}

TEST(RulesParse, EmptyFileIsNoRules)
{
	Parsed p = parse("# nothing\n\n");
	ASSERT_EQ(p.ret, 0);
	EXPECT_EQ(p.l.n, 0u);
	sr_rule_list_free(&p.l);
}

struct Bad {
	const char *text;
	const char *err; // expected prefix of the message
};

TEST(RulesParse, BadLinesNameLineAndReason)
{
	const Bad cases[] = {
		{ "x header:From drop /a/\n", "t.rules:1: rule id 'x'" },
		{ "0 body drop /a/\n", "t.rules:1: rule id '0'" },
		{ "2147483648 body drop /a/\n", "t.rules:1: rule id '2147483648'" },
		{ "1 body drop /a/\n\n1 body drop /b/\n", "t.rules:3: rule id 1 already used on line 1" },
		{ "1 headers drop /a/\n", "t.rules:1: where 'headers'" },
		{ "1 header: drop /a/\n", "t.rules:1: where 'header:'" },
		{ "1 header:Us(er drop /a/\n", "t.rules:1: where 'header:Us(er'" },
		{ "1 body kill /a/\n", "t.rules:1: action 'kill'" },
		{ "1 body ban:0 /a/\n", "t.rules:1: ban time 'ban:0'" },
		{ "1 body ban:99999999999 /a/\n", "t.rules:1: ban time" },
		{ "1 body ban:1h /a/\n", "t.rules:1: ban time 'ban:1h'" },
		{ "1 body drop\n", "t.rules:1: missing /pattern/" },
		{ "1 body drop abc\n", "t.rules:1: the pattern must be written /like this/" },
		{ "1 body drop /abc\n", "t.rules:1: the pattern has no closing '/'" },
		{ "1 body drop //\n", "t.rules:1: empty pattern" },
		{ "1 body drop /a/x\n", "t.rules:1: unknown pattern flag" },
		{ "1 body drop /a/ii\n", "t.rules:1: pattern flag given twice" },
		{ "# ok\n1 body drop /a/\n2 body\n", "t.rules:3: action ''" },
	};
	for (const Bad &c : cases) {
		Parsed p = parse(c.text);
		EXPECT_EQ(p.ret, -EINVAL) << c.text;
		EXPECT_EQ(p.err.rfind(c.err, 0), 0u) << c.text << " -> " << p.err;
		EXPECT_EQ(p.l.n, 0u);
		EXPECT_EQ(p.l.r, nullptr);
	}
}

TEST(RulesParse, PatternTooLongAndNul)
{
	Parsed p = parse("1 body drop /" + std::string(SR_RULE_PATTERN_MAX, 'a') + "/\n");
	EXPECT_EQ(p.ret, -EINVAL);
	EXPECT_NE(p.err.find("pattern too long"), std::string::npos) << p.err;
	std::string nul = "1 body drop /a";
	nul += '\0';
	nul += "b/\n";
	p = parse(nul);
	EXPECT_EQ(p.ret, -EINVAL);
	EXPECT_NE(p.err.find("NUL"), std::string::npos) << p.err;
}

TEST(RulesCompile, HyperscanRefusalNamesTheLine)
{
	// back-references and look-around are outside what Hyperscan supports
	Set a("1 body drop /ok/\n# c\n2 header:From drop /(a)\\1/\n");
	EXPECT_EQ(a.ret, -EINVAL);
	EXPECT_EQ(a.err.rfind("t.rules:3: rule 2: pattern refused: ", 0), 0u) << a.err;
	Set b("7 ruri drop /foo(?=bar)/\n");
	EXPECT_EQ(b.ret, -EINVAL);
	EXPECT_EQ(b.err.rfind("t.rules:1: rule 7: pattern refused", 0), 0u) << b.err;
	Set c("1 body drop /(unclosed/\n");
	EXPECT_EQ(c.ret, -EINVAL);
	EXPECT_EQ(c.err.rfind("t.rules:1: rule 1:", 0), 0u) << c.err;
	Set d("1 body drop /a*/\n"); // matches the empty string: every message
	EXPECT_EQ(d.ret, -EINVAL);
	EXPECT_EQ(d.err.rfind("t.rules:1: rule 1:", 0), 0u) << d.err;
}

TEST(RulesMatch, ScopesActionsAndFirstRuleDecides)
{
	Set s("10 header:User-Agent drop /bad/\n"
	      "20 header:user-agent ban:30 /bad/\n"
	      "30 method reject /^OPTIONS$/\n"
	      "40 ruri drop /@evil\\.example$/\n"
	      "50 header:X-Custom drop /zzz/\n"
	      "60 message drop /Call-ID: c1\\r\\n/\n");
	ASSERT_EQ(s.ret, 0) << s.err;
	ASSERT_EQ(sr_ruleset_count(s.s), 6u);

	struct sr_rules_verdict v = s.match(options("bad-agent"));
	EXPECT_EQ(v.matched, 4u); // 10, 20, 30, 60
	EXPECT_EQ(v.rule, 0);
	EXPECT_EQ(v.id, 10u);
	EXPECT_EQ(v.action, SR_RULE_DROP);

	v = s.match(options("fine", "sip:1@evil.example"));
	EXPECT_EQ(v.id, 30u);
	EXPECT_EQ(v.action, SR_RULE_REJECT);
	EXPECT_EQ(v.matched, 3u); // 30, 40, 60

	std::string custom = options("fine");
	custom.insert(custom.find("Content-Length"), "x-custom: azzzb\r\n");
	v = s.match(custom);
	EXPECT_EQ(v.matched, 3u); // 30, 50, 60
	EXPECT_EQ(sr_ruleset_hits(s.s, 0), 1u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 1), 1u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 2), 3u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 3), 1u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 4), 1u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 5), 3u);
}

TEST(RulesMatch, CompactFormAndRepeatedHeadersCountOnce)
{
	Set s("1 header:From drop /evil/\n"
	      "2 header:Contact drop /x@/\n"
	      "3 body drop /m=audio/\n");
	ASSERT_EQ(s.ret, 0) << s.err;
	std::string msg = crlf("INVITE sip:1@h SIP/2.0\n"
			       "v: SIP/2.0/UDP h;branch=z9hG4bK-1\n"
			       "f: <sip:evil@h>;tag=1\n"
			       "t: <sip:1@h>\n"
			       "i: c\n"
			       "CSeq: 1 INVITE\n"
			       "m: <sip:x@h>\n"
			       "Contact: <sip:x@k>\n"
			       "l: 0\n\n");
	struct sr_rules_verdict v = s.match(msg);
	EXPECT_EQ(v.matched, 2u);
	EXPECT_EQ(v.id, 1u);
	EXPECT_EQ(sr_ruleset_hits(s.s, 1), 1u); // two Contact lines, one message
	EXPECT_EQ(sr_ruleset_hits(s.s, 2), 0u);
}

TEST(RulesMatch, UnparsedMessageSeesOnlyWholeMessageRules)
{
	Set s("1 header:User-Agent drop /x/\n2 message drop /garbage/\n");
	ASSERT_EQ(s.ret, 0) << s.err;
	struct sr_rules_verdict v;
	const char junk[] = "garbage x";
	ASSERT_EQ(sr_ruleset_match(s.s, s.sc, junk, sizeof(junk) - 1, nullptr, &v), 0);
	EXPECT_EQ(v.id, 2u);
	EXPECT_EQ(v.matched, 1u);
}

TEST(RulesMatch, ScratchMustFit)
{
	Set s("1 body drop /a/\n");
	ASSERT_EQ(s.ret, 0);
	struct sr_rules_verdict v;
	EXPECT_EQ(sr_ruleset_match(s.s, nullptr, "a", 1, nullptr, &v), -EINVAL);
	EXPECT_EQ(v.rule, -1);
}

// The reload path: a bad file is refused with its line, the running set keeps matching
// and counting; a good file replaces it and keeps the counters of the ids that stayed.
TEST(RulesReload, BadFileKeepsTheOldSetGoodFileInheritsCounters)
{
	char path[] = "/tmp/test-rules-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	close(fd);
	auto write = [&](const std::string &t) {
		FILE *f = fopen(path, "w");
		ASSERT_NE(f, nullptr);
		fputs(t.c_str(), f);
		fclose(f);
	};
	char err[SR_RULES_ERR_MAX];
	struct sr_ruleset *running = nullptr, *next = nullptr;
	struct sr_rules_scratch *sc = nullptr;
	struct sr_rules_verdict v;
	std::string msg = options("friendly-scanner");

	write("1 header:User-Agent drop /friendly/\n2 method drop /^BYE$/\n");
	ASSERT_EQ(sr_ruleset_load(path, &running, err, sizeof(err)), 0) << err;
	ASSERT_EQ(sr_rules_scratch_fit(&sc, running), 0);
	ASSERT_EQ(sr_ruleset_match(running, sc, msg.data(), (uint32_t)msg.size(), nullptr, &v), 0);
	EXPECT_EQ(v.rule, -1); // no parse given: header rules do not run

	write("1 header:User-Agent drop /friendly/\n2 method drop /(x)\\1/\n");
	EXPECT_EQ(sr_ruleset_load(path, &next, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(next, nullptr);
	EXPECT_EQ(std::string(err).rfind(std::string(path) + ":2: rule 2: pattern refused", 0), 0u)
		<< err;
	write("1 header:User-Agent drop /friendly/\nbogus\n");
	EXPECT_EQ(sr_ruleset_load(path, &next, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(std::string(err).rfind(std::string(path) + ":2: rule id 'bogus'", 0), 0u) << err;

	// the running set is untouched and keeps working
	struct sr_sip_msg m;
	sr_sip_parse(&m, msg.data(), msg.size(), nullptr);
	ASSERT_EQ(sr_ruleset_match(running, sc, msg.data(), (uint32_t)msg.size(), &m, &v), 0);
	EXPECT_EQ(v.id, 1u);
	EXPECT_EQ(sr_ruleset_hits(running, 0), 1u);

	write("3 body drop /q/\n1 header:User-Agent ban:10 /scanner/\n");
	ASSERT_EQ(sr_ruleset_load(path, &next, err, sizeof(err)), 0) << err;
	ASSERT_EQ(sr_rules_scratch_fit(&sc, next), 0);
	sr_ruleset_inherit(next, running);
	sr_ruleset_free(running);
	running = next;
	EXPECT_EQ(sr_ruleset_hits(running, 0), 0u); // id 3 is new
	EXPECT_EQ(sr_ruleset_hits(running, 1), 1u); // id 1 kept its count
	ASSERT_EQ(sr_ruleset_match(running, sc, msg.data(), (uint32_t)msg.size(), &m, &v), 0);
	EXPECT_EQ(v.action, SR_RULE_BAN);
	EXPECT_EQ(v.ban_s, 10u);
	EXPECT_EQ(sr_ruleset_hits(running, 1), 2u);

	EXPECT_EQ(sr_ruleset_load("/nonexistent/rules", &next, err, sizeof(err)), -ENOENT);
	sr_ruleset_free(running);
	sr_rules_scratch_free(sc);
	unlink(path);
}

TEST(RulesCompile, ThousandRulesCompileAndMatch)
{
	std::string text;
	for (int i = 1; i <= 1000; i++)
		text += std::to_string(i) + " header:User-Agent drop /agent-" + std::to_string(i) +
			"-[a-z]+/\n";
	Set s(text);
	ASSERT_EQ(s.ret, 0) << s.err;
	EXPECT_EQ(sr_ruleset_count(s.s), 1000u);
	struct sr_rules_verdict v = s.match(options("agent-777-x"));
	EXPECT_EQ(v.id, 777u);
	EXPECT_EQ(v.matched, 1u);
}

} // namespace
