/* sip-parse benchmark: ns per message for (a) the parse of a typical ~900-byte INVITE
 * with SDP (start line, every header split, the mandatory ones decoded), (b) parse +
 * the stateless-proxy edits + SDP parse and rewrite into one output buffer, shown also
 * with the semantic checks the relay makes on top, and (c) one memchr over the same
 * bytes, the cost of merely reading them, measured in the same run as the yardstick.
 * Each figure is the median of several batches. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <siprelay/sdp.h>
#include <siprelay/sip.h>
#include <siprelay/sip_edit.h>

static const char invite[] =
	"INVITE sip:+4930123456@pbx.example.net;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---5d4f0e6cbb5e1fb5;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n"
	"To: <sip:+4930123456@pbx.example.net;user=phone>\r\n"
	"From: \"Alice\" <sip:alice@pbx.example.net>;tag=3b9a1c7e\r\n"
	"Call-ID: MzY4NjE1MDU4ZWNkNTc5OGIyYmQ4ZDk0ZTA1ZDAxYWM.\r\n"
	"CSeq: 1 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
	"Supported: replaces, norefersub, extended-refer, timer, outbound, path\r\n"
	"User-Agent: Z 5.4.12 v2.10.13.2\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 286\r\n"
	"\r\n"
	"v=0\r\n"
	"o=Z 1700000000000 1 IN IP4 192.0.2.10\r\n"
	"s=Z\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 8000 RTP/AVP 106 9 101 0 8 3\r\n"
	"a=rtpmap:106 opus/48000/2\r\n"
	"a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=sendrecv\r\n"
	"a=rtcp-mux\r\n";

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static volatile size_t sink;

static void run_parse(const char *msg, size_t len)
{
	struct sr_sip_msg m;
	if (sr_sip_parse(&m, msg, len, NULL) < 0)
		abort();
	sink += m.n_hdrs;
}

static void run_parse_check(const char *msg, size_t len)
{
	struct sr_sip_msg m;
	if (sr_sip_parse(&m, msg, len, NULL) < 0 || sr_sip_check(&m, NULL) < 0)
		abort();
	sink += m.n_hdrs;
}

/* The stateless proxy's work on the INVITE; with_check adds sr_sip_check(), which the
 * relay runs too (the figure (b) is parse + edits + SDP rewrite without it). */
static void proxy_path(const char *msg, size_t len, bool with_check)
{
	struct sr_sip_msg m;
	struct sr_sip_editor ed;
	struct sr_sdp sdp;
	char body[2048], out[4096];
	static const struct sr_sdp_relay relay = { "198.18.2.1", SR_SDP_IP4, 30000, 30001, false, false };

	if (sr_sip_parse(&m, msg, len, NULL) < 0 || (with_check && sr_sip_check(&m, NULL) < 0))
		abort();
	sr_sip_edit_init(&ed, &m);
	sr_sip_edit_via_received(&ed, "203.0.113.7", 5060, false);
	sr_sip_edit_push_via(&ed, "SIP/2.0/UDP 198.18.2.1:5060;branch=z9hG4bKsr.0123456789abcdef");
	sr_sip_edit_push_record_route(&ed, "sip:198.18.1.1;lr");
	sr_sip_edit_dec_max_forwards(&ed);
	if (sr_sdp_parse(&sdp, m.body.p, m.body.len) < 0)
		abort();
	ssize_t bn = sr_sdp_rewrite(&sdp, &relay, 1, 0, body, sizeof(body));
	if (bn < 0)
		abort();
	sr_sip_edit_set_body(&ed, body, (size_t)bn);
	ssize_t n = sr_sip_edit_apply(&ed, out, sizeof(out));
	if (n < 0)
		abort();
	sink += (size_t)n;
}

static void run_proxy(const char *msg, size_t len)
{
	proxy_path(msg, len, false);
}

static void run_proxy_checked(const char *msg, size_t len)
{
	proxy_path(msg, len, true);
}

static void run_scan(const char *msg, size_t len)
{
	/* a byte that never occurs: memchr has to read everything */
	sink += memchr(msg, '\x01', len) == NULL;
}

static double median_ns(void (*fn)(const char *, size_t), const char *msg, size_t len, unsigned iters,
			unsigned batches)
{
	double per[64];
	for (unsigned b = 0; b < batches; b++) {
		double t0 = now_ns();
		for (unsigned i = 0; i < iters; i++) {
			fn(msg, len);
			__asm__ volatile("" ::: "memory");
		}
		per[b] = (now_ns() - t0) / iters;
	}
	qsort(per, batches, sizeof(per[0]), cmp_double);
	return per[batches / 2];
}

int main(int argc, char **argv)
{
	unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200000;
	unsigned batches = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 9;
	if (iters == 0 || batches == 0 || batches > 64) {
		fprintf(stderr, "usage: sip-parse-bench [ITERATIONS>0] [BATCHES 1..64]\n");
		return 2;
	}
	size_t len = sizeof(invite) - 1;
	/* an aligned private copy, as a packet buffer would be */
	char *msg = aligned_alloc(64, (len + 63) / 64 * 64);
	memcpy(msg, invite, len);

	run_proxy_checked(msg, len); /* validates the message and warms the caches */
	double parse = median_ns(run_parse, msg, len, iters, batches);
	double checked = median_ns(run_parse_check, msg, len, iters, batches);
	double proxy = median_ns(run_proxy, msg, len, iters, batches);
	double proxy_checked = median_ns(run_proxy_checked, msg, len, iters, batches);
	double scan = median_ns(run_scan, msg, len, iters * 10, batches);

	printf("message: INVITE with SDP, %zu bytes; %u iterations x %u batches, medians\n", len, iters, batches);
	printf("%-40s %10s %12s\n", "step", "ns/msg", "x scan");
	printf("%-40s %10.1f %12.1f\n", "(a) parse", parse, parse / scan);
	printf("%-40s %10.1f %12.1f\n", "    parse + semantic checks", checked, checked / scan);
	printf("%-40s %10.1f %12.1f\n", "(b) parse + proxy edits + SDP rewrite", proxy, proxy / scan);
	printf("%-40s %10.1f %12.1f\n", "    (b) + semantic checks", proxy_checked, proxy_checked / scan);
	printf("%-40s %10.1f %12.1f\n", "(c) memchr scan of the same bytes", scan, 1.0);
	printf("parse_ns=%.0f proxy_rewrite_ns=%.0f scan_ns=%.1f ratio=%.1f\n", parse, proxy, scan, proxy / scan);
	free(msg);
	return 0;
}
