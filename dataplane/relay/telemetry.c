/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands. They run on the EAL's telemetry thread while the workers
 * and the service loop run: they only read counters (aligned 64-bit loads), never
 * tables that the service loop resizes.
 *
 * DPDK 22.11's rte_telemetry_register_cmd() gives callbacks no context argument and
 * has no unregister, so the runtime they serve is the one file-scope pointer here,
 * guarded by a mutex so that detach() waits for a command in progress.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include <siprelay/dp_proto.h>

#include "dp_ops.h"
#include "runtime.h"
#include "session_table.h"
#include "telemetry.h"

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct relay_runtime *tel_rt;
static int tel_registered;

/* Runs fn on the runtime under the lock; an error string when there is none. */
static int
with_rt(struct rte_tel_data *d, void (*fn)(const struct relay_runtime *, struct rte_tel_data *))
{
	pthread_mutex_lock(&tel_lock);
	if (tel_rt == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -ENODEV;
	}
	rte_tel_data_start_dict(d);
	fn(tel_rt, d);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static void
stats(const struct relay_runtime *rt, struct rte_tel_data *d)
{
	static const char *const vn[] = DP_VERDICT_NAMES;
	struct dp_stats st;
	unsigned int i;

	relay_ops_stats(rt, &st);
	rte_tel_data_add_dict_u64(d, "workers", st.n_workers);
	rte_tel_data_add_dict_u64(d, "streams", st.streams);
	rte_tel_data_add_dict_u64(d, "capacity", st.capacity);
	rte_tel_data_add_dict_u64(d, "events_lost", st.events_lost);
	for (i = 0; i < RTE_DIM(vn) && i < DP_VERDICT_MAX; i++)
		rte_tel_data_add_dict_u64(d, vn[i], st.verdicts[i]);
	rte_tel_data_add_dict_u64(d, "sip_sessions", st.sip_sessions);
	rte_tel_data_add_dict_u64(d, "sip_ports_in_use", st.sip_ports_in_use);
	rte_tel_data_add_dict_u64(d, "sip_requests_in", st.sip_requests_in);
	rte_tel_data_add_dict_u64(d, "sip_responses_in", st.sip_responses_in);
	rte_tel_data_add_dict_u64(d, "sip_requests_fwd", st.sip_requests_fwd);
	rte_tel_data_add_dict_u64(d, "sip_responses_fwd", st.sip_responses_fwd);
	rte_tel_data_add_dict_u64(d, "sip_replies", st.sip_replies);
	rte_tel_data_add_dict_u64(d, "sip_cps_refused", st.sip_cps_refused);
	rte_tel_data_add_dict_u64(d, "sip_dropped", st.sip_dropped);
	rte_tel_data_add_dict_u64(d, "sip_sessions_created", st.sip_sessions_created);
	rte_tel_data_add_dict_u64(d, "sip_sessions_deleted", st.sip_sessions_deleted);
	rte_tel_data_add_dict_u64(d, "sip_banned", st.sip_banned);
	rte_tel_data_add_dict_u64(d, "sip_rate_limited", st.sip_rate_limited);
	rte_tel_data_add_dict_u64(d, "bans", st.bans);
	rte_tel_data_add_dict_u64(d, "sip_sources", st.sources);
}

static void
workers(const struct relay_runtime *rt, struct rte_tel_data *d)
{
	char name[16];
	unsigned int w, v;

	for (w = 0; w < rt->n_workers; w++) {
		const struct relay_worker *wk = rt->workers[w];
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "events_lost", wk->events_lost);
		for (v = 0; v < RELAY_V_MAX; v++)
			rte_tel_data_add_dict_u64(c, relay_verdict_name(v), wk->verdicts[v]);
		snprintf(name, sizeof(name), "%u", w);
		if (rte_tel_data_add_dict_container(d, name, c, 0) < 0)
			rte_tel_data_free(c);
	}
}

static void
sessions(const struct relay_runtime *rt, struct rte_tel_data *d)
{
	struct dp_stats st;

	relay_ops_stats(rt, &st);
	rte_tel_data_add_dict_u64(d, "streams", st.streams);
	rte_tel_data_add_dict_u64(d, "capacity", st.capacity);
	rte_tel_data_add_dict_u64(d, "sip_sessions", st.sip_sessions);
	rte_tel_data_add_dict_u64(d, "sip_ports_in_use", st.sip_ports_in_use);
}

static void
traces(const struct relay_runtime *rt, struct rte_tel_data *d)
{
	const struct relay_trace *t = &rt->trace;
	char name[16];
	unsigned int i;

	/* trace id -> frames matched so far */
	for (i = 0; i < DP_TRACE_MAX; i++) {
		if (t->f[i].id == 0)
			continue;
		snprintf(name, sizeof(name), "%u", t->f[i].id);
		rte_tel_data_add_dict_u64(d, name, t->f[i].packets);
	}
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return with_rt(d, stats);
}

static int
cmd_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return with_rt(d, workers);
}

static int
cmd_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return with_rt(d, sessions);
}

static int
cmd_traces(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return with_rt(d, traces);
}

int
relay_telemetry_attach(struct relay_runtime *rt)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/siprelay/stats", cmd_stats,
		  "Relay counters: packets by verdict, SIP, streams. Takes no parameters" },
		{ "/siprelay/workers", cmd_workers,
		  "Packets by verdict of each worker lcore. Takes no parameters" },
		{ "/siprelay/sessions", cmd_sessions,
		  "Streams and SIP calls now, and the table's capacity. Takes no parameters" },
		{ "/siprelay/traces", cmd_traces,
		  "SIP trace filters installed: id -> frames matched. Takes no parameters" },
	};
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&tel_lock);
	for (i = 0; !tel_registered && i < RTE_DIM(cmds); i++) {
		ret = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help);
		if (ret < 0)
			break;
	}
	if (ret == 0) {
		tel_registered = 1;
		tel_rt = rt;
	}
	pthread_mutex_unlock(&tel_lock);
	return ret;
}

void
relay_telemetry_detach(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_rt = NULL;
	pthread_mutex_unlock(&tel_lock);
}
