// RFC 4475 torture corpus: every file listed in expected.tsv goes through sr_sip_parse()
// and sr_sip_check() as a datagram, and the verdict, the response code and (for valid
// messages) the decoded Call-ID, CSeq and Via count must match the manifest.
// The corpus directory comes from $TORTURE_DIR (meson sets it), else the source dir.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <siprelay/sip.h>

#ifndef TORTURE_DIR_DEFAULT
#define TORTURE_DIR_DEFAULT "."
#endif

namespace {

struct Case {
	std::string file;
	bool valid = false;
	int status = 0;
	std::string note;
	std::string call_id; // empty: not checked
	std::string cseq;    // "seq METHOD"; empty: not checked
	int via_count = -1;  // -1: not checked
};

// gtest prints the parameter of a failed test with this instead of a byte dump.
void PrintTo(const Case &c, std::ostream *os)
{
	*os << c.file << (c.valid ? " valid" : " invalid " + std::to_string(c.status));
}

struct Manifest {
	std::vector<Case> cases;
	std::vector<std::string> errors; // malformed lines
};

std::string Dir()
{
	const char *d = std::getenv("TORTURE_DIR");
	return d && *d ? d : TORTURE_DIR_DEFAULT;
}

std::vector<std::string> SplitTabs(const std::string &line)
{
	std::vector<std::string> f;
	std::string::size_type start = 0, tab;
	while ((tab = line.find('\t', start)) != std::string::npos) {
		f.push_back(line.substr(start, tab - start));
		start = tab + 1;
	}
	f.push_back(line.substr(start));
	return f;
}

bool Given(const std::vector<std::string> &f, size_t i)
{
	return f.size() > i && !f[i].empty() && f[i] != "-";
}

Manifest Load()
{
	Manifest m;
	std::ifstream in(Dir() + "/expected.tsv");
	if (!in) {
		m.errors.push_back("cannot open " + Dir() + "/expected.tsv");
		return m;
	}
	std::string line;
	for (int n = 1; std::getline(in, line); n++) {
		if (line.empty() || line[0] == '#')
			continue;
		std::vector<std::string> f = SplitTabs(line);
		Case c;
		if (f.size() < 4 || (f[1] != "valid" && f[1] != "invalid")) {
			m.errors.push_back("expected.tsv:" + std::to_string(n) + ": malformed line");
			continue;
		}
		c.file = f[0];
		c.valid = f[1] == "valid";
		c.status = c.valid ? 0 : std::atoi(f[2].c_str());
		c.note = f[3];
		if (!c.valid && (c.status < 300 || c.status > 699))
			m.errors.push_back(c.file + ": invalid case needs a status code");
		if (Given(f, 4))
			c.call_id = f[4];
		if (Given(f, 5))
			c.cseq = f[5];
		if (Given(f, 6))
			c.via_count = std::atoi(f[6].c_str());
		m.cases.push_back(c);
	}
	return m;
}

const Manifest &TheManifest()
{
	static const Manifest m = Load();
	return m;
}

// Exact-size heap copy: under ASan a read past the datagram is caught.
bool ReadFile(const std::string &path, std::vector<char> *out)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return false;
	out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
	return true;
}

std::string Str(sr_slice s)
{
	return s.p ? std::string(s.p, s.len) : std::string();
}

class Torture : public ::testing::TestWithParam<Case> {};

TEST(TortureManifest, LoadsAndEveryFileExists)
{
	const Manifest &m = TheManifest();
	for (const std::string &e : m.errors)
		ADD_FAILURE() << e;
	ASSERT_GE(m.cases.size(), 49u) << "manifest " << Dir() << "/expected.tsv is empty or short";
	for (const Case &c : m.cases) {
		std::ifstream f(Dir() + "/corpus/" + c.file);
		EXPECT_TRUE(f.good()) << "missing corpus file " << c.file;
	}
}

TEST_P(Torture, Verdict)
{
	const Case &c = GetParam();
	SCOPED_TRACE(c.file + " (" + c.note + ")");

	std::vector<char> data;
	ASSERT_TRUE(ReadFile(Dir() + "/corpus/" + c.file, &data)) << "missing " << c.file;
	ASSERT_FALSE(data.empty()) << c.file << " is empty";

	auto m = std::make_unique<sr_sip_msg>();
	int rc = sr_sip_parse(m.get(), data.data(), data.size(), nullptr);
	const char *stage = "parse";
	if (rc == 0) {
		rc = sr_sip_check(m.get(), nullptr);
		stage = "check";
	}
	std::string reason = m->err.reason ? m->err.reason : "";

	if (c.valid) {
		ASSERT_EQ(rc, 0) << c.file << ": expected valid, " << stage << " said "
				 << m->err.status << " " << reason;
		if (!c.call_id.empty()) {
			EXPECT_EQ(Str(m->call_id), c.call_id) << c.file;
		}
		if (!c.cseq.empty()) {
			EXPECT_EQ(std::to_string(m->cseq) + " " + Str(m->cseq_method_name), c.cseq) << c.file;
		}
		if (c.via_count >= 0) {
			EXPECT_EQ(m->via_count, c.via_count) << c.file;
		}
	} else {
		ASSERT_EQ(rc, -1) << c.file << ": expected " << c.status << ", accepted";
		EXPECT_EQ(m->err.status, c.status) << c.file << ": " << stage << " said "
						   << m->err.status << " " << reason;
		EXPECT_FALSE(reason.empty()) << c.file << ": no reason phrase";
	}
}

std::string CaseName(const ::testing::TestParamInfo<Case> &info)
{
	std::string n = info.param.file.substr(0, info.param.file.rfind('.'));
	for (char &ch : n)
		if (!std::isalnum(static_cast<unsigned char>(ch)))
			ch = '_';
	return n;
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, Torture, ::testing::ValuesIn(TheManifest().cases), CaseName);

} // namespace
