// The pcapng writer of siprelay-control: the file read back block by block against the
// pcapng spec, the refusals (existing file, symbolic link, not a regular file), and the
// readers operators use: libpcap (what sngrep and tcpdump read with) and, when
// installed, tshark.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#ifdef HAVE_LIBPCAP
#include <pcap/pcap.h>
#endif

extern "C" {
#include "trace_writer.h"
}

namespace {

struct Opt {
	uint16_t code;
	std::string val;
};

struct Block {
	uint32_t type;
	std::vector<uint8_t> body; // between the length fields
};

class TraceWriter : public ::testing::Test {
protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/trace-writer-test.XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir = tmpl;
		path = dir + "/t.pcapng";
	}
	void TearDown() override
	{
		std::string cmd = "rm -rf '" + dir + "'";
		ASSERT_EQ(system(cmd.c_str()), 0);
	}

	// Every block of the file; fails the test on a malformed one.
	std::vector<Block> read_blocks()
	{
		std::vector<Block> out;
		FILE *f = fopen(path.c_str(), "rb");
		std::vector<uint8_t> all;
		int c;

		EXPECT_NE(f, nullptr);
		if (f == nullptr)
			return out;
		while ((c = fgetc(f)) != EOF)
			all.push_back((uint8_t)c);
		fclose(f);
		size_t off = 0;
		while (off < all.size()) {
			uint32_t type, len, len2;

			EXPECT_LE(off + 12, all.size());
			if (off + 12 > all.size())
				break;
			memcpy(&type, &all[off], 4);
			memcpy(&len, &all[off + 4], 4);
			EXPECT_EQ(len % 4, 0u) << "block at " << off;
			EXPECT_GE(len, 12u);
			EXPECT_LE(off + len, all.size());
			if (len < 12 || len % 4 || off + len > all.size())
				break;
			memcpy(&len2, &all[off + len - 4], 4);
			EXPECT_EQ(len, len2) << "trailing length of block at " << off;
			out.push_back({ type, std::vector<uint8_t>(all.begin() + off + 8,
								   all.begin() + off + len - 4) });
			off += len;
		}
		return out;
	}

	static uint32_t u32(const std::vector<uint8_t> &b, size_t off)
	{
		uint32_t v;
		memcpy(&v, &b[off], 4);
		return v;
	}

	static std::vector<Opt> options(const std::vector<uint8_t> &b, size_t off)
	{
		std::vector<Opt> o;

		while (off + 4 <= b.size()) {
			uint16_t code, len;

			memcpy(&code, &b[off], 2);
			memcpy(&len, &b[off + 2], 2);
			if (code == 0) {
				EXPECT_EQ(len, 0);
				EXPECT_EQ(off + 4, b.size()) << "opt_endofopt is the last option";
				return o;
			}
			EXPECT_LE(off + 4 + len, b.size());
			o.push_back({ code, std::string((const char *)&b[off + 4], len) });
			off += 4 + ((len + 3u) & ~3u);
		}
		ADD_FAILURE() << "options without opt_endofopt";
		return o;
	}

	std::string dir, path;
};

const uint8_t kFrame[] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45 };

TEST_F(TraceWriter, BlocksFollowTheSpec)
{
	struct trace_writer *w;
	std::vector<uint8_t> big(1500, 0xab);

	ASSERT_EQ(trace_writer_open(&w, path.c_str(), 0, "trace 1: Call-ID x"), 0);
	ASSERT_EQ(trace_writer_iface(w, "access"), 0);
	ASSERT_EQ(trace_writer_iface(w, "core"), 1);
	EXPECT_EQ(trace_writer_iface(w, "access"), 0) << "described once";
	ASSERT_EQ(trace_writer_packet(w, 0, 1700000000123456789ull, kFrame, sizeof(kFrame),
				      sizeof(kFrame), TRACE_DIR_IN), 0);
	// cut short: captured length below the original one, as pcapng allows
	ASSERT_EQ(trace_writer_packet(w, 1, 1700000000223456789ull, big.data(), 999, 1500,
				      TRACE_DIR_OUT), 0);
	EXPECT_EQ(trace_writer_packets(w), 2u);
	EXPECT_EQ(trace_writer_packet(w, 2, 0, kFrame, 1, 1, TRACE_DIR_IN), -EINVAL) << "no iface 2";
	EXPECT_EQ(trace_writer_packet(w, 0, 0, kFrame, 2, 1, TRACE_DIR_IN), -EINVAL) << "cap > orig";
	uint64_t bytes = trace_writer_bytes(w);
	ASSERT_EQ(trace_writer_close(w), 0);

	struct stat st;
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ((uint64_t)st.st_size, bytes);
	EXPECT_EQ(st.st_mode & 0777, 0640u);

	auto b = read_blocks();
	ASSERT_EQ(b.size(), 5u);
	// section header: byte-order magic, version 1.0, unknown section length
	EXPECT_EQ(b[0].type, PCAPNG_SHB);
	EXPECT_EQ(u32(b[0].body, 0), PCAPNG_BOM);
	EXPECT_EQ(u32(b[0].body, 4), 1u); // major 1, minor 0 (little-endian u16 pair)
	int64_t slen;
	memcpy(&slen, &b[0].body[8], 8);
	EXPECT_EQ(slen, -1);
	auto so = options(b[0].body, 16);
	ASSERT_EQ(so.size(), 2u);
	EXPECT_EQ(so[0].code, 1);
	EXPECT_EQ(so[0].val, "trace 1: Call-ID x");
	EXPECT_EQ(so[1].code, 4);
	EXPECT_EQ(so[1].val, "siprelay-control");
	// interfaces: Ethernet, a name, nanosecond timestamps
	for (int i = 1; i <= 2; i++) {
		EXPECT_EQ(b[i].type, PCAPNG_IDB);
		EXPECT_EQ(u32(b[i].body, 0) & 0xffff, (uint32_t)PCAPNG_LINKTYPE_ETHERNET);
		EXPECT_EQ(u32(b[i].body, 4), PCAPNG_SNAPLEN);
		auto io = options(b[i].body, 8);
		ASSERT_EQ(io.size(), 2u);
		EXPECT_EQ(io[0].code, 2);
		EXPECT_EQ(io[0].val, i == 1 ? "access" : "core");
		EXPECT_EQ(io[1].code, 9);
		EXPECT_EQ(io[1].val, std::string(1, '\x09'));
	}
	// packets: interface, 64-bit timestamp in two halves, lengths, data, direction
	EXPECT_EQ(b[3].type, PCAPNG_EPB);
	EXPECT_EQ(u32(b[3].body, 0), 0u);
	EXPECT_EQ(((uint64_t)u32(b[3].body, 4) << 32) | u32(b[3].body, 8), 1700000000123456789ull);
	EXPECT_EQ(u32(b[3].body, 12), sizeof(kFrame));
	EXPECT_EQ(u32(b[3].body, 16), sizeof(kFrame));
	EXPECT_EQ(memcmp(&b[3].body[20], kFrame, sizeof(kFrame)), 0);
	auto eo = options(b[3].body, 20 + ((sizeof(kFrame) + 3) & ~3u));
	ASSERT_EQ(eo.size(), 1u);
	EXPECT_EQ(eo[0].code, 2); // epb_flags
	uint32_t flags;
	memcpy(&flags, eo[0].val.data(), 4);
	EXPECT_EQ(flags & 3, 1u) << "inbound";

	EXPECT_EQ(u32(b[4].body, 0), 1u);
	EXPECT_EQ(u32(b[4].body, 12), 999u);
	EXPECT_EQ(u32(b[4].body, 16), 1500u);
	eo = options(b[4].body, 20 + 1000);
	ASSERT_EQ(eo.size(), 1u);
	memcpy(&flags, eo[0].val.data(), 4);
	EXPECT_EQ(flags & 3, 2u) << "outbound";
}

TEST_F(TraceWriter, RefusesToClobber)
{
	struct trace_writer *w;

	ASSERT_EQ(trace_writer_open(&w, path.c_str(), 0, nullptr), 0);
	ASSERT_EQ(trace_writer_close(w), 0);
	EXPECT_EQ(trace_writer_open(&w, path.c_str(), 0, nullptr), -EEXIST);
	EXPECT_EQ(w, nullptr);
	ASSERT_EQ(trace_writer_open(&w, path.c_str(), 1, nullptr), 0) << "overwrite asked for";
	ASSERT_EQ(trace_writer_close(w), 0);
	EXPECT_EQ(read_blocks().size(), 1u);

	std::string link = dir + "/link.pcapng";
	ASSERT_EQ(symlink(path.c_str(), link.c_str()), 0);
	EXPECT_EQ(trace_writer_open(&w, link.c_str(), 1, nullptr), -ELOOP) << "no symlinks";
	EXPECT_EQ(trace_writer_open(&w, link.c_str(), 0, nullptr), -EEXIST);
	EXPECT_EQ(trace_writer_open(&w, "/dev/null", 1, nullptr), -EINVAL) << "not a file";
	std::string fifo = dir + "/fifo";
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
	EXPECT_NE(trace_writer_open(&w, fifo.c_str(), 1, nullptr), 0) << "a FIFO must not hang";
	EXPECT_EQ(trace_writer_open(&w, (dir + "/no/such/dir.pcapng").c_str(), 0, nullptr),
		  -ENOENT);
	EXPECT_EQ(trace_writer_close(nullptr), 0);
}

TEST_F(TraceWriter, InterfaceLimit)
{
	struct trace_writer *w;
	char name[16];

	ASSERT_EQ(trace_writer_open(&w, path.c_str(), 0, nullptr), 0);
	for (int i = 0; i < PCAPNG_MAX_IFACES; i++) {
		snprintf(name, sizeof(name), "if%d", i);
		EXPECT_EQ(trace_writer_iface(w, name), i);
	}
	EXPECT_EQ(trace_writer_iface(w, "one-too-many"), -ENOSPC);
	EXPECT_EQ(trace_writer_iface(w, "if3"), 3);
	ASSERT_EQ(trace_writer_close(w), 0);
}

// A SIP INVITE over UDP/IPv4 in Ethernet: what a trace holds.
std::vector<uint8_t> sip_frame(const char *msg)
{
	std::vector<uint8_t> f = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00 };
	size_t n = strlen(msg), ip_len = 20 + 8 + n;
	uint8_t ip[20] = { 0x45, 0, (uint8_t)(ip_len >> 8), (uint8_t)ip_len, 0, 0, 0x40, 0, 64, 17,
			   0, 0, 198, 18, 1, 2, 198, 18, 1, 1 };
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	f.insert(f.end(), ip, ip + 20);
	uint8_t udp[8] = { 0x13, 0xc4, 0x13, 0xc4, (uint8_t)((8 + n) >> 8), (uint8_t)(8 + n), 0, 0 };
	f.insert(f.end(), udp, udp + 8);
	f.insert(f.end(), msg, msg + n);
	return f;
}

const char kInvite[] =
	"INVITE sip:bob@198.18.2.2 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.1.2:5060;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\nTo: <sip:bob@198.18.2.2>\r\nFrom: <sip:alice@198.18.1.2>;tag=1928\r\n"
	"Call-ID: a84b4c76e66710@198.18.1.2\r\nCSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@198.18.1.2>\r\nContent-Length: 0\r\n\r\n";

void write_sip_file(const std::string &path, int n)
{
	struct trace_writer *w;
	auto f = sip_frame(kInvite);

	ASSERT_EQ(trace_writer_open(&w, path.c_str(), 0, "siprelay trace 1"), 0);
	ASSERT_EQ(trace_writer_iface(w, "access"), 0);
	for (int i = 0; i < n; i++)
		ASSERT_EQ(trace_writer_packet(w, 0, 1700000000000000000ull + i * 1000000ull, f.data(),
					      (uint32_t)f.size(), (uint32_t)f.size(),
					      i % 2 ? TRACE_DIR_OUT : TRACE_DIR_IN), 0);
	ASSERT_EQ(trace_writer_close(w), 0);
}

#ifdef HAVE_LIBPCAP
TEST_F(TraceWriter, LibpcapReadsIt)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	int n = 0;

	write_sip_file(path, 3);
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(),
							    PCAP_TSTAMP_PRECISION_NANO, err);
	ASSERT_NE(p, nullptr) << err;
	EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &data) == 1) {
		EXPECT_EQ(h->caplen, sip_frame(kInvite).size());
		EXPECT_EQ(h->ts.tv_sec, 1700000000);
		EXPECT_EQ(h->ts.tv_usec, n * 1000000) << "nanoseconds, in the nano precision";
		n++;
	}
	pcap_close(p);
	EXPECT_EQ(n, 3);
}
#endif

// tshark decodes the frames as SIP: the check operators run on a trace.
TEST_F(TraceWriter, TsharkReadsIt)
{
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		GTEST_SKIP() << "tshark is not installed";
	write_sip_file(path, 2);
	std::string cmd = "tshark -r '" + path + "' -n -Y sip -T fields -e sip.Call-ID "
			  "-e sip.Method -e frame.interface_name 2>/dev/null";
	FILE *p = popen(cmd.c_str(), "r");
	ASSERT_NE(p, nullptr);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), p) != nullptr) {
		EXPECT_STREQ(line, "a84b4c76e66710@198.18.1.2\tINVITE\taccess\n");
		n++;
	}
	EXPECT_EQ(pclose(p), 0);
	EXPECT_EQ(n, 2);
}

} // namespace
