/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srgen: sends UDP frames through a transmit-only AF_XDP socket, paced to a target rate,
 * for a bounded duration or count. Run it inside the sender's namespace:
 *
 *   ip netns exec NS srgen -i IF (--flow SRC:SPORT-DST:DPORT ... | --flows FILE)
 *                          [--mode rtp] [-r PPS] (-d SEC | -n COUNT) ...
 *   ip netns exec NS srgen -i IF --mode sip-flood --sip ADDR:PORT
 *                          --sources PREFIX --count-sources N [-r PPS] (-d SEC | -n COUNT)
 *
 * Prints one line of key=value on stdout at the end: what the kernel took (sent), what
 * the device refused (dropped), and the rate over the send loop by CLOCK_MONOTONIC.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "neigh.h"
#include "pacer.h"
#include "spec.h"
#include "xsk_tx.h"

#define RESOLVE_WAIT_MS 1000
#define SPIN_NS 200000 /* waits shorter than this are spun, not slept */

enum mode { MODE_RTP, MODE_SIP_FLOOD };

struct opts {
	const char *ifname;
	uint32_t queue;
	enum mode mode;
	struct flow_list flows;
	uint32_t flow_id_base;
	uint32_t payload;     /* RTP mode: UDP payload bytes */
	uint8_t pt;
	uint32_t ts_step;
	uint32_t src_net;     /* sip-flood */
	unsigned src_len;
	uint32_t nsources;
	struct gen_flow sip;  /* sip-flood: sport and destination */
	double rate;
	double duration;
	uint64_t count;
	bool have_sip;
	bool have_sources;
	bool have_dst_mac;
	uint8_t dst_mac[6];
	uint32_t batch;
	uint32_t inflight;
	uint32_t ring;
	uint64_t burst;
};

/* What the send loop needs besides the socket. */
struct gen {
	const struct opts *o;
	uint8_t src_mac[6];
	struct gen_rtp *rtp; /* per flow */
};

static uint64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: srgen -i IF [options] (-d SECONDS | -n COUNT)\n"
		"  -i, --ifname IF          interface to send on (run inside its namespace)\n"
		"  -q, --queue N            its TX queue (0)\n"
		"  -m, --mode rtp|sip-flood what to send (rtp)\n"
		"      --flow S:SP-D:DP     an RTP flow; repeat for more\n"
		"      --flows FILE         RTP flows, one S:SP-D:DP per line\n"
		"      --flow-id-base N     first flow id in the payload stamp (0)\n"
		"  -s, --size BYTES         RTP: UDP payload size, >= %d (172)\n"
		"      --pt N               RTP payload type (0)\n"
		"      --ts-step N          RTP timestamp units per packet (160)\n"
		"      --sip ADDR:PORT      sip-flood: where the OPTIONS go\n"
		"      --sources PREFIX     sip-flood: source addresses from this prefix\n"
		"      --count-sources N    sip-flood: how many of them (1)\n"
		"      --sport PORT         sip-flood: source port (5060)\n"
		"  -r, --rate PPS           target rate, 0 = as fast as possible (0)\n"
		"  -d, --duration SECONDS   stop after this long\n"
		"  -n, --count N            stop after N frames\n"
		"      --dst-mac MAC        next hop's MAC (default: the neighbour table)\n"
		"      --batch N            frames per kick (32)\n"
		"      --inflight N         most frames queued to the kernel at once (64)\n"
		"      --burst N            most frames sent at once to catch up (10 ms of the rate)\n"
		"      --ring N             TX ring size, power of two (2048)\n",
		SRGEN_MIN_RTP_PAYLOAD);
}

static int
bad(const char *what, const char *val)
{
	fprintf(stderr, "srgen: invalid %s: '%s'\n", what, val);
	return -EINVAL;
}

static int
read_flows(struct opts *o, const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned line;
	int err;

	if (f == NULL) {
		err = -errno;
		fprintf(stderr, "srgen: %s: %s\n", path, strerror(-err));
		return err;
	}
	err = flow_list_read(&o->flows, f, &line);
	fclose(f);
	if (err < 0)
		fprintf(stderr, "srgen: %s:%u: %s\n", path, line,
			err == -EINVAL ? "not a flow (SRC:SPORT-DST:DPORT)" : strerror(-err));
	return err;
}

enum { O_FLOW = 256, O_FLOWS, O_FLOW_ID_BASE, O_PT, O_TS_STEP, O_SIP, O_SOURCES,
       O_COUNT_SOURCES, O_SPORT, O_DST_MAC, O_BATCH, O_INFLIGHT, O_BURST, O_RING };

static const struct option long_opts[] = {
	{"ifname", required_argument, NULL, 'i'},
	{"queue", required_argument, NULL, 'q'},
	{"mode", required_argument, NULL, 'm'},
	{"flow", required_argument, NULL, O_FLOW},
	{"flows", required_argument, NULL, O_FLOWS},
	{"flow-id-base", required_argument, NULL, O_FLOW_ID_BASE},
	{"size", required_argument, NULL, 's'},
	{"pt", required_argument, NULL, O_PT},
	{"ts-step", required_argument, NULL, O_TS_STEP},
	{"sip", required_argument, NULL, O_SIP},
	{"sources", required_argument, NULL, O_SOURCES},
	{"count-sources", required_argument, NULL, O_COUNT_SOURCES},
	{"sport", required_argument, NULL, O_SPORT},
	{"rate", required_argument, NULL, 'r'},
	{"duration", required_argument, NULL, 'd'},
	{"count", required_argument, NULL, 'n'},
	{"dst-mac", required_argument, NULL, O_DST_MAC},
	{"batch", required_argument, NULL, O_BATCH},
	{"inflight", required_argument, NULL, O_INFLIGHT},
	{"burst", required_argument, NULL, O_BURST},
	{"ring", required_argument, NULL, O_RING},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* A whole number option's value; -EINVAL with a message when it is wrong. */
static int
uint_opt(const char *name, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
	return spec_uint(arg, lo, hi, v) < 0 ? bad(name, arg) : 0;
}

/* One option's value into o; -EINVAL with a message when it is wrong. */
static int
set_opt(struct opts *o, int c, const char *arg)
{
	struct gen_flow f;
	uint64_t v;

	switch (c) {
	case 'i':
		o->ifname = arg;
		return 0;
	case 'q':
		if (uint_opt("queue", arg, 0, 1023, &v) < 0)
			return -EINVAL;
		o->queue = (uint32_t)v;
		return 0;
	case 'm':
		if (strcmp(arg, "rtp") == 0)
			o->mode = MODE_RTP;
		else if (strcmp(arg, "sip-flood") == 0)
			o->mode = MODE_SIP_FLOOD;
		else
			return bad("mode (rtp or sip-flood)", arg);
		return 0;
	case O_FLOW:
		if (spec_flow(arg, &f) < 0)
			return bad("flow (SRC:SPORT-DST:DPORT)", arg);
		if (flow_list_add(&o->flows, &f) < 0)
			return bad("flow (too many)", arg);
		return 0;
	case O_FLOWS:
		return read_flows(o, arg);
	case O_FLOW_ID_BASE:
		if (uint_opt("flow id base", arg, 0, UINT32_MAX - SPEC_MAX_FLOWS, &v) < 0)
			return -EINVAL;
		o->flow_id_base = (uint32_t)v;
		return 0;
	case 's':
		if (uint_opt("size", arg, SRGEN_MIN_RTP_PAYLOAD, 1472, &v) < 0)
			return -EINVAL;
		o->payload = (uint32_t)v;
		return 0;
	case O_PT:
		if (uint_opt("payload type", arg, 0, 127, &v) < 0)
			return -EINVAL;
		o->pt = (uint8_t)v;
		return 0;
	case O_TS_STEP:
		if (uint_opt("timestamp step", arg, 0, UINT32_MAX, &v) < 0)
			return -EINVAL;
		o->ts_step = (uint32_t)v;
		return 0;
	case O_SIP:
		if (spec_hostport(arg, &o->sip.dst, &o->sip.dport) < 0)
			return bad("SIP address (ADDR:PORT)", arg);
		o->have_sip = true;
		return 0;
	case O_SOURCES:
		if (spec_prefix(arg, &o->src_net, &o->src_len) < 0)
			return bad("prefix (A.B.C.D/N, host bits zero)", arg);
		o->have_sources = true;
		return 0;
	case O_COUNT_SOURCES:
		if (uint_opt("source count", arg, 1, 1 << 24, &v) < 0)
			return -EINVAL;
		o->nsources = (uint32_t)v;
		return 0;
	case O_SPORT:
		if (uint_opt("port", arg, 1, 65535, &v) < 0)
			return -EINVAL;
		o->sip.sport = (uint16_t)v;
		return 0;
	case 'r':
		return spec_number(arg, 0, 1e9, &o->rate) < 0 ? bad("rate", arg) : 0;
	case 'd':
		return spec_number(arg, 1e-3, 86400, &o->duration) < 0 ? bad("duration", arg) : 0;
	case 'n':
		if (uint_opt("count", arg, 1, UINT64_MAX, &v) < 0)
			return -EINVAL;
		o->count = v;
		return 0;
	case O_DST_MAC:
		if (spec_mac(arg, o->dst_mac) < 0)
			return bad("MAC", arg);
		o->have_dst_mac = true;
		return 0;
	case O_BATCH:
		if (uint_opt("batch", arg, 1, 1024, &v) < 0)
			return -EINVAL;
		o->batch = (uint32_t)v;
		return 0;
	case O_INFLIGHT:
		if (uint_opt("inflight", arg, 1, 65536, &v) < 0)
			return -EINVAL;
		o->inflight = (uint32_t)v;
		return 0;
	case O_BURST:
		return uint_opt("burst", arg, 1, UINT32_MAX, &o->burst);
	case O_RING:
		if (uint_opt("ring", arg, 64, 32768, &v) < 0)
			return -EINVAL;
		o->ring = (uint32_t)v;
		if ((o->ring & (o->ring - 1)) != 0)
			return bad("ring (a power of two)", arg);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Host addresses of a prefix: all but the network and broadcast addresses, except in
 * /31 and /32 (RFC 3021), where every address is a host.
 */
static uint64_t
hosts_in(unsigned len)
{
	uint64_t n = 1ull << (32 - len);

	return len >= 31 ? n : n - 2;
}

/* Source address of flood request k: the prefix's host addresses in turn. */
static uint32_t
flood_source(const struct opts *o, uint64_t k)
{
	uint32_t first = ntohl(o->src_net) + (o->src_len >= 31 ? 0 : 1);

	return htonl(first + (uint32_t)(k % o->nsources));
}

/* Options that only make sense together. */
static int
check_opts(const struct opts *o)
{
	const char *why = NULL;

	if (o->ifname == NULL)
		why = "--ifname is required";
	else if (o->duration == 0 && o->count == 0)
		why = "give --duration or --count: srgen must stop by itself";
	else if (o->mode == MODE_RTP && o->flows.n == 0)
		why = "rtp mode needs --flow or --flows";
	else if (o->mode == MODE_SIP_FLOOD && o->flows.n != 0)
		why = "sip-flood takes --sip and --sources, not --flow";
	else if (o->mode == MODE_SIP_FLOOD && (!o->have_sip || !o->have_sources))
		why = "sip-flood needs --sip and --sources";
	else if (o->mode == MODE_SIP_FLOOD && o->nsources > hosts_in(o->src_len))
		why = "--count-sources exceeds the prefix's host addresses";
	if (why != NULL) {
		fprintf(stderr, "srgen: %s\n", why);
		return -EINVAL;
	}
	return 0;
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
	int c, err;

	*o = (struct opts){.payload = 172, .ts_step = 160, .nsources = 1, .batch = 32,
			    .inflight = 64, .ring = 2048};
	o->sip.sport = 5060;
	while ((c = getopt_long(argc, argv, "i:q:m:s:r:d:n:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?') {
			usage(stderr);
			return -EINVAL;
		}
		err = set_opt(o, c, optarg);
		if (err < 0)
			return err;
	}
	if (optind < argc) {
		fprintf(stderr, "srgen: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return check_opts(o);
}

/* Next-hop MACs for every flow (one lookup per distinct destination). */
static int
resolve_macs(struct opts *o)
{
	struct gen_flow *v = o->mode == MODE_RTP ? o->flows.v : &o->sip;
	size_t n = o->mode == MODE_RTP ? o->flows.n : 1;

	for (size_t i = 0; i < n; i++) {
		int err = 0;

		if (o->have_dst_mac)
			memcpy(v[i].dst_mac, o->dst_mac, 6);
		else if (i > 0 && v[i].dst == v[i - 1].dst)
			memcpy(v[i].dst_mac, v[i - 1].dst_mac, 6);
		else
			err = neigh_resolve(o->ifname, v[i].dst, v[i].dst_mac, RESOLVE_WAIT_MS);
		if (err < 0) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &v[i].dst, a, sizeof(a));
			fprintf(stderr, "srgen: no neighbour for %s on %s (%s); pass --dst-mac\n", a,
				o->ifname, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Frame number k of the run at buf; returns its length. */
static uint32_t
build(const struct gen *g, uint8_t *buf, uint64_t k, uint64_t now)
{
	const struct opts *o = g->o;
	uint8_t *pl = buf + SRGEN_HDRS_LEN;
	size_t len;

	if (o->mode == MODE_RTP) {
		size_t i = (size_t)(k % o->flows.n);

		frame_rtp_payload(pl, &g->rtp[i], k / o->flows.n, now);
		return (uint32_t)frame_udp4(buf, g->src_mac, &o->flows.v[i], o->payload, (uint16_t)k);
	}
	struct gen_flow f = o->sip;

	f.src = flood_source(o, k);
	len = frame_sip_options((char *)pl, XSK_TX_FRAME_SIZE - SRGEN_HDRS_LEN, f.src, f.sport,
				f.dst, f.dport, k);
	return (uint32_t)frame_udp4(buf, g->src_mac, &f, len, (uint16_t)k);
}

static bool
interrupted(void)
{
	sigset_t p;

	return sigpending(&p) == 0 && (sigismember(&p, SIGINT) || sigismember(&p, SIGTERM));
}

/*
 * Sleeps for most of a long wait (the last SPIN_NS / 2 are spun, as a sleep overshoots);
 * shorter waits are spun whole so that the rate stays exact. At most a second at a time.
 */
static void
wait_for(uint64_t ns)
{
	if (ns > SPIN_NS) {
		uint64_t s = ns - SPIN_NS / 2;
		struct timespec t = {0, (long)s};

		if (s >= 1000000000u)
			t = (struct timespec){1, 0};
		nanosleep(&t, NULL);
	}
}

struct result {
	uint64_t written;
	uint64_t start_ns;
	uint64_t end_ns;
};

/*
 * How far behind the schedule the loop may catch up in one go: --burst, else 10 ms of
 * the rate (at least a batch). The two cores are shared, so the sender is preempted for
 * milliseconds at a time; up to this much is repaid (the average rate stays the target),
 * longer stalls are given up rather than sent as one long line-rate burst.
 */
static uint64_t
burst_of(const struct opts *o)
{
	uint64_t b = o->burst ? o->burst : (uint64_t)(o->rate / 100);

	return b > o->batch ? b : o->batch;
}

/* The send loop; returns 0 or -errno when the socket failed. */
static int
send_loop(const struct gen *g, struct xsk_tx *t, struct result *r)
{
	const struct opts *o = g->o;
	uint64_t now = mono_ns(), deadline, iter = 0, limit = o->count ? o->count : UINT64_MAX;
	struct pacer p;
	int err;

	r->start_ns = now;
	deadline = o->duration > 0 ? now + (uint64_t)(o->duration * 1e9) : UINT64_MAX;
	pacer_init(&p, o->rate, burst_of(o), now);
	while (r->written < limit && now < deadline) {
		uint64_t allow = pacer_allow(&p, now, r->written), room;
		uint32_t n, idx, queued;

		if ((++iter & 255) == 0 && interrupted())
			break;
		xsk_tx_reclaim(t);
		if (allow > o->batch)
			allow = o->batch;
		/* few frames queued ahead of the kernel: stamps stay fresh, latency is the path's */
		queued = xsk_tx_outstanding(t);
		room = o->inflight > queued ? o->inflight - queued : 0;
		if (allow > room)
			allow = room;
		if (allow > limit - r->written)
			allow = limit - r->written;
		n = allow ? xsk_tx_reserve(t, (uint32_t)allow, &idx) : 0;
		for (uint32_t i = 0; i < n; i++) {
			uint8_t *buf = xsk_tx_frame(t, idx + i);

			xsk_tx_set_len(t, idx + i, build(g, buf, r->written + i, now));
		}
		if (n > 0) {
			xsk_tx_submit(t, n);
			r->written += n;
		}
		if (n > 0 || xsk_tx_outstanding(t) > 0) {
			err = xsk_tx_kick(t);
			if (err < 0)
				return err;
		}
		now = mono_ns();
		if (allow == 0 && now < deadline) {
			uint64_t w = pacer_wait_ns(&p, now, r->written);

			if (w > deadline - now)
				w = deadline - now;
			/* slow rates sleep between frames: look for a signal before each sleep */
			if (w > SPIN_NS && interrupted())
				break;
			wait_for(w);
		}
	}
	/* drain: whatever is queued still goes out (bounded: a wedged device gives up) */
	for (uint64_t until = mono_ns() + 1000000000u; xsk_tx_outstanding(t) > 0 && mono_ns() < until;) {
		err = xsk_tx_kick(t);
		if (err < 0)
			return err;
		xsk_tx_reclaim(t);
	}
	r->end_ns = mono_ns();
	return 0;
}

/*
 * The kernel frees a closed AF_XDP socket's hold on the queue from a work queue: a run
 * right after another can find the queue busy for a moment.
 */
static int
open_socket(struct xsk_tx *t, const struct opts *o)
{
	const struct timespec pause = {0, 10 * 1000 * 1000};
	int err = -EBUSY;

	for (int i = 0; i < 200 && err == -EBUSY; i++) {
		if (i > 0)
			nanosleep(&pause, NULL);
		err = xsk_tx_open(t, o->ifname, o->queue, o->ring);
	}
	return err;
}

static int
run(struct opts *o)
{
	struct gen g = {.o = o};
	struct xsk_tx t;
	struct result r = {0};
	sigset_t sigs;
	double secs;
	int err;

	err = neigh_if_mac(o->ifname, g.src_mac);
	if (err < 0) {
		fprintf(stderr, "srgen: %s: %s\n", o->ifname, strerror(-err));
		return err;
	}
	err = resolve_macs(o);
	if (err < 0)
		return err;
	if (o->mode == MODE_RTP) {
		g.rtp = calloc(o->flows.n, sizeof(*g.rtp));
		if (g.rtp == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < o->flows.n; i++)
			frame_rtp_init(&g.rtp[i], o->flow_id_base + (uint32_t)i, o->pt, o->ts_step);
	}
	err = open_socket(&t, o);
	if (err < 0) {
		fprintf(stderr, "srgen: AF_XDP socket on %s queue %u: %s\n", o->ifname, o->queue,
			strerror(-err));
		free(g.rtp);
		return err;
	}
	/* SIGINT/SIGTERM end the run early but still print the result */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	err = send_loop(&g, &t, &r);
	if (err < 0)
		fprintf(stderr, "srgen: sending on %s: %s\n", o->ifname, strerror(-err));
	secs = (double)(r.end_ns - r.start_ns) / 1e9;
	printf("mode=%s %s=%zu written=%" PRIu64 " sent=%" PRIu64 " dropped=%" PRIu64
	       " duration_s=%.4f rate_pps=%.0f target_pps=%.0f\n",
	       o->mode == MODE_RTP ? "rtp" : "sip-flood", o->mode == MODE_RTP ? "flows" : "sources",
	       o->mode == MODE_RTP ? o->flows.n : (size_t)o->nsources, r.written,
	       t.completed - t.dropped, t.dropped, secs,
	       secs > 0 ? (double)(t.completed - t.dropped) / secs : 0.0, o->rate);
	fflush(stdout);
	xsk_tx_close(&t);
	free(g.rtp);
	return err;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int err;

	err = parse_args(&o, argc, argv);
	if (err < 0) {
		flow_list_free(&o.flows);
		return 2;
	}
	err = run(&o);
	flow_list_free(&o.flows);
	return err < 0 ? 1 : 0;
}
