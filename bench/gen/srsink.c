/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srsink: attaches sink.bpf.c to the receiving interface (run inside its namespace),
 * waits for a duration, for the traffic to stop, or for a signal, then prints per-flow
 * loss and reordering, checksum errors and one-way latency percentiles as a table and
 * one final key=value line.
 *
 *   ip netns exec NS srsink -i IF -p LO-HI [-d SECONDS] [--idle SECONDS] [--skb-mode]
 *
 * The program is attached through a BPF link: it goes away with this process however
 * the process ends, so no program is ever left behind on the interface.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "hist.h"
#include "sink.h"
#include "sink.skel.h"
#include "spec.h"

#define POLL_MS 100

struct opts {
	const char *ifname;
	uint16_t port_lo;
	uint16_t port_hi;
	double duration;   /* 0: until a signal (or --idle) */
	double idle;       /* 0: off */
	bool skb_mode;
	unsigned show_flows;
};

struct flow_row {
	uint32_t id;
	struct sink_flow f;
};

struct report {
	uint64_t c[SINK_C_MAX];
	uint64_t hist[SINK_HIST_BUCKETS];
	struct flow_row *flows;
	size_t nflows;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: srsink -i IF -p LO-HI [options]\n"
		"  -i, --ifname IF        interface to attach to (run inside its namespace)\n"
		"  -p, --ports LO-HI      UDP destination ports to consume and measure\n"
		"  -d, --duration SECONDS stop after this long (default: on SIGINT/SIGTERM)\n"
		"      --idle SECONDS     stop once traffic has come and then paused this long\n"
		"      --skb-mode         generic XDP instead of the driver's\n"
		"      --show-flows N     rows of the per-flow table (20)\n");
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
	enum { O_IDLE = 256, O_SKB, O_SHOW };
	static const struct option lo[] = {
		{"ifname", required_argument, NULL, 'i'},
		{"ports", required_argument, NULL, 'p'},
		{"duration", required_argument, NULL, 'd'},
		{"idle", required_argument, NULL, O_IDLE},
		{"skb-mode", no_argument, NULL, O_SKB},
		{"show-flows", required_argument, NULL, O_SHOW},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool ports = false;
	uint64_t v;
	int c;

	*o = (struct opts){.show_flows = 20};
	while ((c = getopt_long(argc, argv, "i:p:d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'p':
			if (spec_port_range(optarg, &o->port_lo, &o->port_hi) < 0)
				goto bad;
			ports = true;
			break;
		case 'd':
			if (spec_number(optarg, 0, 86400, &o->duration) < 0)
				goto bad;
			break;
		case O_IDLE:
			if (spec_number(optarg, 0.1, 86400, &o->idle) < 0)
				goto bad;
			break;
		case O_SKB:
			o->skb_mode = true;
			break;
		case O_SHOW:
			if (spec_uint(optarg, 0, 1000000, &v) < 0)
				goto bad;
			o->show_flows = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc || o->ifname == NULL || !ports) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "srsink: invalid value '%s'\n", optarg);
	return -EINVAL;
}

static uint64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Sum (max for SINK_C_LAT_MAX) of a per-CPU u64 array's entries over all CPUs. */
static int
read_percpu(int fd, uint32_t n, uint64_t *out, uint32_t max_idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *per;

	if (ncpu < 0)
		return ncpu;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (per == NULL)
		return -ENOMEM;
	for (uint32_t k = 0; k < n; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, per) < 0) {
			free(per);
			return -errno;
		}
		for (int c = 0; c < ncpu; c++)
			out[k] = k == max_idx ? (per[c] > out[k] ? per[c] : out[k]) : out[k] + per[c];
	}
	free(per);
	return 0;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct flow_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
read_flows(int fd, struct report *r)
{
	uint32_t key, next, *prev = NULL;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (r->nflows == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct flow_row *v = realloc(r->flows, ncap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			r->flows = v;
			cap = ncap;
		}
		/* BPF_F_LOCK: a consistent copy, taken under the entry's spin lock */
		if (bpf_map_lookup_elem_flags(fd, &next, &r->flows[r->nflows].f, BPF_F_LOCK) == 0)
			r->flows[r->nflows++].id = next;
		key = next;
		prev = &key;
	}
	if (r->nflows > 1)
		qsort(r->flows, r->nflows, sizeof(*r->flows), cmp_row);
	return 0;
}

static int
collect(struct sink *skel, struct report *r)
{
	int err;

	err = read_percpu(bpf_map__fd(skel->maps.sink_stats), SINK_C_MAX, r->c, SINK_C_LAT_MAX);
	if (err == 0)
		err = read_percpu(bpf_map__fd(skel->maps.sink_hist), SINK_HIST_BUCKETS, r->hist,
				  UINT32_MAX);
	if (err == 0)
		err = read_flows(bpf_map__fd(skel->maps.sink_flows), r);
	return err;
}

/* Sequence numbers start at 0, so max_seq + 1 were sent up to the last arrival. */
static uint64_t
flow_lost(const struct sink_flow *f)
{
	return f->max_seq + 1 > f->pkts ? f->max_seq + 1 - f->pkts : 0;
}

static void
print_report(const struct opts *o, const struct report *r, double secs)
{
	uint64_t lost = 0, reordered = 0, gaps = 0, first = UINT64_MAX, last = 0, pkts = 0;
	uint64_t max = r->c[SINK_C_LAT_MAX], samples = hist_total(r->hist, SINK_HIST_BUCKETS);
	double span;

	printf("%10s %12s %10s %10s %8s %12s\n", "flow", "received", "lost", "reordered", "gaps",
	       "max_seq");
	for (size_t i = 0; i < r->nflows; i++) {
		const struct sink_flow *f = &r->flows[i].f;

		if (i < o->show_flows)
			printf("%10u %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64
			       " %12" PRIu64 "\n", r->flows[i].id, f->pkts, flow_lost(f),
			       f->reordered, f->gaps, f->max_seq);
		lost += flow_lost(f);
		reordered += f->reordered;
		gaps += f->gaps;
		pkts += f->pkts;
		first = f->first_ns < first ? f->first_ns : first;
		last = f->last_ns > last ? f->last_ns : last;
	}
	if (r->nflows > o->show_flows)
		printf("%10s (%zu more flows)\n", "...", r->nflows - o->show_flows);
	span = last > first ? (double)(last - first) / 1e9 : 0;
	printf("received=%" PRIu64 " bytes=%" PRIu64 " stamped=%" PRIu64 " unstamped=%" PRIu64
	       " bad_udp_csum=%" PRIu64 " bad_ip_csum=%" PRIu64 " zero_udp_csum=%" PRIu64
	       " malformed=%" PRIu64 " too_long=%" PRIu64 " flows=%zu flows_full=%" PRIu64
	       " lost=%" PRIu64 " reordered=%" PRIu64 " gaps=%" PRIu64
	       " lat_p50_us=%.1f lat_p90_us=%.1f lat_p99_us=%.1f lat_max_us=%.1f lat_mean_us=%.1f"
	       " rx_rate_pps=%.0f duration_s=%.3f\n",
	       r->c[SINK_C_PKTS], r->c[SINK_C_BYTES], r->c[SINK_C_STAMPED], r->c[SINK_C_UNSTAMPED],
	       r->c[SINK_C_BAD_UDP_CSUM], r->c[SINK_C_BAD_IP_CSUM], r->c[SINK_C_ZERO_UDP_CSUM],
	       r->c[SINK_C_MALFORMED], r->c[SINK_C_TOO_LONG], r->nflows, r->c[SINK_C_FLOWS_FULL],
	       lost, reordered, gaps,
	       hist_quantile(r->hist, SINK_HIST_BUCKETS, 0.50, max) / 1e3,
	       hist_quantile(r->hist, SINK_HIST_BUCKETS, 0.90, max) / 1e3,
	       hist_quantile(r->hist, SINK_HIST_BUCKETS, 0.99, max) / 1e3, max / 1e3,
	       samples ? (double)r->c[SINK_C_LAT_SUM] / (double)samples / 1e3 : 0.0,
	       span > 0 ? (double)(pkts > 1 ? pkts - 1 : 0) / span : 0.0, secs);
	fflush(stdout);
}

static uint64_t
packets_so_far(struct sink *skel)
{
	uint64_t c[SINK_C_MAX];

	return read_percpu(bpf_map__fd(skel->maps.sink_stats), SINK_C_MAX, c, SINK_C_LAT_MAX) == 0
		       ? c[SINK_C_PKTS]
		       : 0;
}

/*
 * Until the duration ends, a signal comes, or (with --idle) traffic has arrived and then
 * stopped for the idle time. Signals are blocked, so they wait here for sigtimedwait.
 */
static void
wait_done(const struct opts *o, struct sink *skel, const sigset_t *sigs)
{
	uint64_t start = mono_ns(), end = o->duration > 0 ? start + (uint64_t)(o->duration * 1e9)
							   : UINT64_MAX;
	uint64_t seen = 0, quiet_since = start;
	struct timespec tick = {0, POLL_MS * 1000000L};

	for (;;) {
		uint64_t now = mono_ns(), pkts;

		if (now >= end || sigtimedwait(sigs, NULL, &tick) >= 0)
			return;
		if (o->idle <= 0)
			continue;
		now = mono_ns();
		pkts = packets_so_far(skel);
		if (pkts != seen) {
			seen = pkts;
			quiet_since = now;
		} else if (seen > 0 && (double)(now - quiet_since) >= o->idle * 1e9) {
			return;
		}
	}
}

static int
run(const struct opts *o)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	struct report r = {0};
	struct sink *skel;
	sigset_t sigs;
	unsigned ifindex = if_nametoindex(o->ifname);
	uint64_t t0;
	int link = -1, err;

	if (ifindex == 0) {
		fprintf(stderr, "srsink: %s: %s\n", o->ifname, strerror(errno));
		return -ENODEV;
	}
	/* signals wait in sigtimedwait from here on: the link is always closed below */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	skel = sink__open();
	if (skel == NULL) {
		err = -errno;
		fprintf(stderr, "srsink: cannot open the BPF object: %s\n", strerror(-err));
		return err;
	}
	skel->rodata->port_lo = o->port_lo;
	skel->rodata->port_hi = o->port_hi;
	err = sink__load(skel);
	if (err < 0) {
		fprintf(stderr, "srsink: loading the XDP program: %s\n", strerror(-err));
		goto out;
	}
	lopts.flags = o->skb_mode ? XDP_FLAGS_SKB_MODE : 0;
	link = bpf_link_create(bpf_program__fd(skel->progs.srsink), (int)ifindex, BPF_XDP, &lopts);
	if (link < 0) {
		err = -errno;
		fprintf(stderr, "srsink: attaching to %s: %s%s\n", o->ifname, strerror(-err),
			err == -EBUSY ? " (another XDP program is attached)" : "");
		goto out;
	}
	fprintf(stderr, "srsink: attached to %s, ports %u-%u\n", o->ifname, o->port_lo, o->port_hi);
	t0 = mono_ns();
	wait_done(o, skel, &sigs);
	err = collect(skel, &r);
	close(link); /* detached before printing: nothing is left behind whatever follows */
	link = -1;
	if (err < 0)
		fprintf(stderr, "srsink: reading the maps: %s\n", strerror(-err));
	else
		print_report(o, &r, (double)(mono_ns() - t0) / 1e9);
out:
	if (link >= 0)
		close(link);
	free(r.flows);
	sink__destroy(skel);
	return err;
}

int
main(int argc, char **argv)
{
	struct opts o;

	if (parse_args(&o, argc, argv) < 0)
		return 2;
	return run(&o) < 0 ? 1 : 0;
}
