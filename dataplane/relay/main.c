/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * siprelay-dataplane: DPDK primary process of the relay.
 *
 *   siprelay-dataplane [EAL options] -- -c FILE [--socket PATH] [--preload N]
 *                      [--stats-period S] [--duration S]
 *
 * Every EAL worker lcore polls queue i of every port; the main lcore runs the service
 * loop. rte_exit() is used here only.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "channel.h"
#include "config_where.h"
#include "prefilter_cfg.h"
#include "sip_guard.h"
#include "sip_service.h"
#include "runtime.h"
#include "session_table.h"
#include "telemetry.h"

/* The signal API leaves no other way to reach the loop than a file-scope flag. */
static volatile sig_atomic_t signalled;

static void
on_signal(int sig)
{
	(void)sig;
	signalled = 1;
}

struct opts {
	const char *config;
	const char *socket;
	long preload;
	double stats_period;
	double duration;
};

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [EAL options] -- -c FILE [--socket PATH] [--preload N]"
		" [--stats-period S] [--duration S]\n", prog);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"preload", required_argument, NULL, 'p'},
		{"stats-period", required_argument, NULL, 'S'},
		{"duration", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->preload = -1;
	while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 's': o->socket = optarg; break;
		case 'p': o->preload = atol(optarg); break;
		case 'S': o->stats_period = atof(optarg); break;
		case 'd': o->duration = atof(optarg); break;
		default: return -1;
		}
	}
	return o->config != NULL ? 0 : -1;
}

static uint64_t
total_packets(const struct relay_runtime *rt, uint64_t *fwd)
{
	uint64_t t = 0;
	unsigned int w, v;

	*fwd = 0;
	for (w = 0; w < rt->n_workers; w++) {
		for (v = 0; v < RELAY_V_DROP_TX; v++)
			t += rt->workers[w]->verdicts[v];
		*fwd += rt->workers[w]->verdicts[RELAY_V_FWD_RTP] +
			rt->workers[w]->verdicts[RELAY_V_FWD_RTCP] -
			rt->workers[w]->verdicts[RELAY_V_DROP_TX];
	}
	return t;
}

static void
print_stats(const struct relay_runtime *rt, uint64_t *last_t, uint64_t *last_fwd,
	    uint64_t *last_us)
{
	uint64_t now = relay_now_us(), fwd, t = total_packets(rt, &fwd);
	double s = (double)(now - *last_us) / 1e6;

	printf("stats: rx_pps=%.0f fwd_pps=%.0f streams=%u\n", (double)(t - *last_t) / s,
	       (double)(fwd - *last_fwd) / s, relay_table_count(rt->dp.table));
	fflush(stdout);
	*last_t = t;
	*last_fwd = fwd;
	*last_us = now;
}

int
main(int argc, char **argv)
{
	struct relay_config cfg;
	struct relay_runtime *rt;
	struct relay_guard *guard;
	struct opts o = {0};
	char err[256];
	uint64_t start, next_stats, last_t = 0, last_fwd = 0, last_us;
	unsigned int lcore, n = 0, n_pf;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	argc -= ret;
	argv += ret;
	if (parse_opts(argc, argv, &o) < 0) {
		usage("siprelay-dataplane");
		rte_exit(EXIT_FAILURE, "bad arguments\n");
	}
	relay_config_defaults(&cfg);
	if (relay_config_load(&cfg, o.config, err, sizeof(err)) < 0) {
		char where[sizeof(err) + 128];

		relay_config_where(o.config, err, where, sizeof(where));
		rte_exit(EXIT_FAILURE, "config: %s\n", where);
	}
	/* the guard keeps the file's settings before the command line's overrides */
	if (relay_guard_create(&guard, &cfg, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	if (o.socket != NULL)
		snprintf(cfg.socket_path, sizeof(cfg.socket_path), "%s", o.socket);
	if (o.preload >= 0)
		cfg.preload = (uint32_t)o.preload;
	if (cfg.preload > cfg.capacity)
		cfg.capacity = cfg.preload;
	if (rte_lcore_count() < 2)
		rte_exit(EXIT_FAILURE, "need a worker lcore besides the main one (-l 0,1)\n");
	ret = relay_runtime_create(&rt, &cfg, rte_lcore_count() - 1, err, sizeof(err));
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	rt->guard = guard;
	if (cfg.preload && relay_runtime_preload(rt, cfg.preload, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	printf("siprelay-dataplane: %u interfaces, %u workers, capacity %u streams, "
	       "%zu bytes per stream, %u preloaded\n", cfg.n_ifaces, rt->n_workers,
	       cfg.capacity, relay_table_bytes(rt->dp.table) / cfg.capacity, cfg.preload);
	if (cfg.sip.enabled) {
		if (relay_sip_create(rt, &rt->sip, err, sizeof(err)) < 0)
			rte_exit(EXIT_FAILURE, "SIP: %s\n", err);
		printf("siprelay-dataplane: SIP proxy on, up to %u calls\n", cfg.sip.max_sessions);
	}
	if (cfg.socket_path[0] != '\0') {
		rt->channel = relay_channel_open(cfg.socket_path, cfg.socket_mode, cfg.socket_group,
						 err, sizeof(err));
		if (rt->channel == NULL)
			rte_exit(EXIT_FAILURE, "dataplane.sock: %s\n", err);
	}
	ret = relay_prefilter_configure(&rt->cfg, &n_pf, err, sizeof(err));
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	if (n_pf != 0) {
		/* only a data plane behind the prefilter keeps its maps: another one on this
		 * host (tests, net_null) must not open pinholes in them */
		printf("siprelay-dataplane: XDP prefilter configured on %u interfaces\n", n_pf);
		relay_pinholes_init(&rt->pinholes);
	}
	if (relay_telemetry_attach(rt) < 0)
		printf("siprelay-dataplane: telemetry commands not registered\n");
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(relay_worker_main, rt->workers[n++], lcore);

	start = last_us = relay_now_us();
	next_stats = start + (uint64_t)(o.stats_period * 1e6);
	while (!signalled) {
		relay_service_step(rt);
		if (o.stats_period > 0 && relay_now_us() >= next_stats) {
			print_stats(rt, &last_t, &last_fwd, &last_us);
			next_stats += (uint64_t)(o.stats_period * 1e6);
		}
		if (o.duration > 0 && relay_now_us() - start >= (uint64_t)(o.duration * 1e6))
			break;
	}
	rt->quit = true;
	rte_eal_mp_wait_lcore();
	relay_telemetry_detach();
	relay_channel_close(rt->channel);
	rt->channel = NULL;
	relay_sip_free(rt->sip);
	rt->sip = NULL;
	relay_runtime_free(rt);
	relay_guard_free(guard);
	rte_eal_cleanup();
	return 0;
}
