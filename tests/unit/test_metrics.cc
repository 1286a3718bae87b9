// The Prometheus side of siprelay-control: the exposition text (format 0.0.4: HELP and
// TYPE before the samples of each family, one family once, counters in _total, values
// from the right fields), the HTTP request parser and the listen address rules.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

extern "C" {
#include "metrics_http.h"
#include "metrics_text.h"
}

namespace {

struct Parsed {
	std::map<std::string, std::string> type;   // family -> counter|gauge
	std::map<std::string, uint64_t> sample;     // name{labels} -> value
};

// Parses the text as a scraper would, failing on anything out of format.
Parsed parse(const std::string &text)
{
	static const std::regex help("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\\n]+");
	static const std::regex type("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)");
	static const std::regex sample(
		"([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-z_]+=\"[a-z_]+\"(,[a-z_]+=\"[a-z_]+\")*\\})? "
		"([0-9]+)");
	Parsed p;
	std::set<std::string> helped;
	std::string line, current;
	std::istringstream in(text);
	std::smatch m;

	EXPECT_FALSE(text.empty());
	EXPECT_EQ(text.back(), '\n');
	while (std::getline(in, line)) {
		if (std::regex_match(line, m, help)) {
			EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << m[1];
			current = m[1];
		} else if (std::regex_match(line, m, type)) {
			EXPECT_EQ(m[1], current) << "TYPE right after its HELP";
			EXPECT_EQ(p.type.count(m[1]), 0u) << "TYPE twice: " << m[1];
			p.type[m[1]] = m[2];
			if (m[2] == "counter") {
				std::string name = m[1];
				EXPECT_TRUE(name.size() > 6 && name.substr(name.size() - 6) == "_total")
					<< name;
			}
		} else if (std::regex_match(line, m, sample)) {
			EXPECT_EQ(m[1], current) << "sample outside its family: " << line;
			std::string key = std::string(m[1]) + std::string(m[2]);
			EXPECT_EQ(p.sample.count(key), 0u) << "sample twice: " << key;
			p.sample[key] = strtoull(std::string(m[4]).c_str(), nullptr, 10);
		} else {
			ADD_FAILURE() << "not exposition format: '" << line << "'";
		}
	}
	return p;
}

struct metrics_input sample_input()
{
	struct metrics_input in;

	memset(&in, 0, sizeof(in));
	in.dp_up = true;
	in.dp.n_workers = 2;
	in.dp.streams = 7;
	in.dp.capacity = 16384;
	in.dp.events_lost = 3;
	for (unsigned i = 0; i < DP_VERDICT_MAX; i++)
		in.dp.verdicts[i] = 1000 + i;
	in.dp.sip_requests_in = 11;
	in.dp.sip_responses_in = 12;
	in.dp.sip_requests_fwd = 13;
	in.dp.sip_responses_fwd = 14;
	in.dp.sip_replies = 15;
	in.dp.sip_cps_refused = 16;
	in.dp.sip_dropped = 17;
	in.dp.sip_sessions_created = 18;
	in.dp.sip_sessions_deleted = 19;
	in.dp.sip_sessions = 20;
	in.dp.sip_ports_in_use = 21;
	in.dp.sip_banned = 22;
	in.dp.sip_rate_limited = 23;
	in.dp.bans = 24;
	in.ctl.uptime_s = 99;
	in.ctl.control_requests = 31;
	in.ctl.rtpproxy_commands = 32;
	in.ctl.rtpproxy_errors = 33;
	in.ctl.rtpproxy_created = 34;
	in.ctl.rtpproxy_active = 35;
	in.ctl.scrapes = 36;
	in.ctl.traces_running = 2;
	return in;
}

std::string text_of(const struct metrics_input &in)
{
	size_t len = 0;
	char *t = metrics_text(&in, &len);

	EXPECT_NE(t, nullptr);
	if (t == nullptr)
		return "";
	EXPECT_EQ(strlen(t), len);
	std::string s(t, len);
	free(t);
	return s;
}

TEST(MetricsText, EveryCounterFromItsField)
{
	Parsed p = parse(text_of(sample_input()));
	static const char *const vn[] = DP_VERDICT_NAMES;

	EXPECT_EQ(p.sample["siprelay_dataplane_up"], 1u);
	EXPECT_EQ(p.type["siprelay_dataplane_up"], "gauge");
	EXPECT_EQ(p.sample["siprelay_dataplane_workers"], 2u);
	EXPECT_EQ(p.sample["siprelay_dataplane_events_lost_total"], 3u);
	EXPECT_EQ(p.sample["siprelay_streams"], 7u);
	EXPECT_EQ(p.sample["siprelay_streams_capacity"], 16384u);
	// every verdict once: relayed ones by verdict, drops by reason
	for (unsigned i = 0; i < sizeof(vn) / sizeof(vn[0]); i++) {
		std::string v = vn[i];
		std::string key = v.rfind("drop_", 0) == 0 ?
			"siprelay_packets_dropped_total{reason=\"" + v.substr(5) + "\"}" :
			"siprelay_packets_total{verdict=\"" + v + "\"}";
		ASSERT_EQ(p.sample.count(key), 1u) << key;
		EXPECT_EQ(p.sample[key], 1000u + i) << key;
	}
	EXPECT_EQ(p.type["siprelay_packets_total"], "counter");
	EXPECT_EQ(p.sample["siprelay_sip_requests_received_total"], 11u);
	EXPECT_EQ(p.sample["siprelay_sip_responses_received_total"], 12u);
	EXPECT_EQ(p.sample["siprelay_sip_requests_forwarded_total"], 13u);
	EXPECT_EQ(p.sample["siprelay_sip_responses_forwarded_total"], 14u);
	EXPECT_EQ(p.sample["siprelay_sip_replies_sent_total"], 15u);
	EXPECT_EQ(p.sample["siprelay_sip_cps_refused_total"], 16u);
	EXPECT_EQ(p.sample["siprelay_sip_dropped_total"], 17u);
	EXPECT_EQ(p.sample["siprelay_sip_sessions_created_total"], 18u);
	EXPECT_EQ(p.sample["siprelay_sip_sessions_deleted_total"], 19u);
	EXPECT_EQ(p.sample["siprelay_sip_sessions"], 20u);
	EXPECT_EQ(p.type["siprelay_sip_sessions"], "gauge");
	EXPECT_EQ(p.sample["siprelay_sip_media_ports_in_use"], 21u);
	EXPECT_EQ(p.sample["siprelay_sip_banned_total"], 22u);
	EXPECT_EQ(p.sample["siprelay_sip_rate_limited_total"], 23u);
	EXPECT_EQ(p.sample["siprelay_bans"], 24u);
	EXPECT_EQ(p.sample["siprelay_control_uptime_seconds"], 99u);
	EXPECT_EQ(p.sample["siprelay_control_requests_total"], 31u);
	EXPECT_EQ(p.sample["siprelay_rtpproxy_commands_total"], 32u);
	EXPECT_EQ(p.sample["siprelay_rtpproxy_errors_total"], 33u);
	EXPECT_EQ(p.sample["siprelay_rtpproxy_sessions_created_total"], 34u);
	EXPECT_EQ(p.sample["siprelay_rtpproxy_streams"], 35u);
	EXPECT_EQ(p.sample["siprelay_metrics_scrapes_total"], 36u);
	EXPECT_EQ(p.sample["siprelay_traces_running"], 2u);
}

TEST(MetricsText, DataplaneDownLeavesItsFamiliesOut)
{
	struct metrics_input in = sample_input();

	in.dp_up = false;
	Parsed p = parse(text_of(in));
	EXPECT_EQ(p.sample["siprelay_dataplane_up"], 0u);
	for (auto &kv : p.type) {
		EXPECT_TRUE(kv.first.rfind("siprelay_control_", 0) == 0 ||
			    kv.first.rfind("siprelay_rtpproxy_", 0) == 0 ||
			    kv.first == "siprelay_dataplane_up" || kv.first == "siprelay_traces_running" ||
			    kv.first == "siprelay_metrics_scrapes_total" ||
			    kv.first == "siprelay_prefilter_loaded") // read from bpffs, not the data plane
			<< kv.first << " shown without a data plane";
	}
	EXPECT_EQ(p.sample["siprelay_control_requests_total"], 31u);
}

TEST(MetricsText, PrefilterVerdictsByPath)
{
	struct metrics_input in = sample_input();

	in.xdp_up = true;
	for (unsigned i = 0; i < PF_V_MAX; i++) {
		in.xdp[i] = 100 + i;
		in.dp.prefilter_sw[i] = 200 + i;
	}
	Parsed p = parse(text_of(in));
	EXPECT_EQ(p.type["siprelay_prefilter_packets_total"], "counter");
	EXPECT_EQ(p.sample["siprelay_prefilter_loaded"], 1u);
	EXPECT_EQ(p.sample["siprelay_prefilter_packets_total{path=\"xdp\",verdict=\"banned\"}"],
		  100u + PF_V_BANNED);
	EXPECT_EQ(p.sample["siprelay_prefilter_packets_total{path=\"software\",verdict=\"media\"}"],
		  200u + PF_V_MEDIA);
	// without XDP: the software path only, and loaded 0
	in.xdp_up = false;
	p = parse(text_of(in));
	EXPECT_EQ(p.sample["siprelay_prefilter_loaded"], 0u);
	EXPECT_EQ(p.sample.count("siprelay_prefilter_packets_total{path=\"xdp\",verdict=\"banned\"}"), 0u);
	EXPECT_EQ(p.sample["siprelay_prefilter_packets_total{path=\"software\",verdict=\"sip\"}"],
		  200u + PF_V_SIP);
}

// docs/METRICS.md documents every family the formatter writes, with its type.
TEST(MetricsText, DocumentedInMetricsMd)
{
	const char *doc = getenv("METRICS_MD");
	if (doc == nullptr)
		GTEST_SKIP() << "METRICS_MD not set";
	FILE *f = fopen(doc, "r");
	ASSERT_NE(f, nullptr) << doc;
	std::string md;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		md.append(buf, n);
	fclose(f);
	Parsed p = parse(text_of(sample_input()));
	for (auto &kv : p.type)
		EXPECT_NE(md.find("| `" + kv.first + "` | " + kv.second + " |"), std::string::npos)
			<< kv.first << " (" << kv.second << ") missing from " << doc;
}

int parse_req(const std::string &s, bool *head = nullptr)
{
	bool h;
	int r = metrics_http_parse(s.data(), s.size(), METRICS_HTTP_REQ_MAX, &h);
	if (head)
		*head = h;
	return r;
}

TEST(MetricsHttp, Requests)
{
	bool head;

	EXPECT_EQ(parse_req("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &head), 200);
	EXPECT_FALSE(head);
	EXPECT_EQ(parse_req("HEAD /metrics HTTP/1.0\r\n\r\n", &head), 200);
	EXPECT_TRUE(head);
	EXPECT_EQ(parse_req("GET /metrics?name[]=x HTTP/1.1\r\n\r\n"), 200);
	EXPECT_EQ(parse_req("GET /metrics HTTP/1.0\n\n"), 200);
	EXPECT_EQ(parse_req("GET / HTTP/1.1\r\n\r\n"), 404);
	EXPECT_EQ(parse_req("GET /metricsx HTTP/1.1\r\n\r\n"), 404);
	EXPECT_EQ(parse_req("GET /metric HTTP/1.1\r\n\r\n"), 404);
	EXPECT_EQ(parse_req("POST /metrics HTTP/1.1\r\n\r\n"), 405);
	EXPECT_EQ(parse_req("GET /metrics\r\n\r\n"), 400);
	EXPECT_EQ(parse_req("GET /metrics FTP/1.0\r\n\r\n"), 400);
	EXPECT_EQ(parse_req("garbage\r\n\r\n"), 400);
	EXPECT_EQ(parse_req("\r\n\r\n"), 400);
	// not all there yet
	EXPECT_EQ(parse_req(""), 0);
	EXPECT_EQ(parse_req("GET /metrics HTTP/1.1\r\n"), 0);
	EXPECT_EQ(parse_req("GET /metrics HTTP/1.1\r\nHost: x\r\n\r"), 0);
	// a head that never ends within the bound
	std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(METRICS_HTTP_REQ_MAX, 'a');
	EXPECT_EQ(metrics_http_parse(big.data(), METRICS_HTTP_REQ_MAX, METRICS_HTTP_REQ_MAX, &head),
		  431);
}

int addr(const char *s, bool remote, struct sockaddr_storage *sa = nullptr)
{
	struct sockaddr_storage tmp;
	socklen_t len;
	char err[256] = "";
	int r = metrics_http_addr(s, remote, sa ? sa : &tmp, &len, err, sizeof(err));

	if (r < 0) {
		EXPECT_NE(strstr(err, s), nullptr) << "the error names the address: " << err;
	}
	return r;
}

TEST(MetricsHttp, ListenAddress)
{
	struct sockaddr_storage sa;

	ASSERT_EQ(addr("127.0.0.1:9464", false, &sa), 0);
	EXPECT_EQ(sa.ss_family, AF_INET);
	EXPECT_EQ(ntohs(((struct sockaddr_in *)&sa)->sin_port), 9464);
	EXPECT_EQ(addr("localhost:1", false), 0);
	EXPECT_EQ(addr("127.1.2.3:65535", false), 0);
	ASSERT_EQ(addr("[::1]:9464", false, &sa), 0);
	EXPECT_EQ(sa.ss_family, AF_INET6);
	// loopback only, unless allowed
	EXPECT_EQ(addr("0.0.0.0:9464", false), -EINVAL);
	EXPECT_EQ(addr("198.18.1.1:9464", false), -EINVAL);
	EXPECT_EQ(addr("[::]:9464", false), -EINVAL);
	EXPECT_EQ(addr("0.0.0.0:9464", true), 0);
	EXPECT_EQ(addr("[2001:db8::1]:9464", true), 0);
	// malformed
	EXPECT_EQ(addr("127.0.0.1", false), -EINVAL);
	EXPECT_EQ(addr("127.0.0.1:0", false), -EINVAL);
	EXPECT_EQ(addr("127.0.0.1:65536", false), -EINVAL);
	EXPECT_EQ(addr("127.0.0.1:94x", false), -EINVAL);
	EXPECT_EQ(addr(":9464", false), -EINVAL);
	EXPECT_EQ(addr("::1:9464", false), -EINVAL);
	EXPECT_EQ(addr("[::1]9464", false), -EINVAL);
	EXPECT_EQ(addr("[::1:9464", false), -EINVAL);
	EXPECT_EQ(addr("example.org:80", true), -EINVAL);
}

} // namespace
