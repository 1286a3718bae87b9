/* SPDX-License-Identifier: BSD-3-Clause */
/* control.sock's trace commands: requests to trace specs, trace states to JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <siprelay/guard.h>

#include "cmd_trace.h"
#include "ctl_cmds.h"
#include "daemon.h"
#include "traces.h"

static json_t *
time_json(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* "198.18.1.2" (any port), "198.18.1.2:5060", "[2001:db8::1]:5060" */
static json_t *
addr_json(const struct dp_addr *a)
{
	char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	inet_ntop(a->family == DP_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->addr, ip, sizeof(ip));
	if (a->port == 0)
		return json_string(ip);
	snprintf(buf, sizeof(buf), a->family == DP_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u", ip, a->port);
	return json_string(buf);
}

static json_t *
trace_json(const struct trace_info *i)
{
	const struct trace_spec *s = i->spec;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(i->id));
	json_object_set_new(o, "state", json_string(trace_end_name(i->end)));
	if (s->kind == DP_TRACE_CALL_ID)
		json_object_set_new(o, "call_id", ctl_text_json(s->call_id));
	else
		json_object_set_new(o, "address", addr_json(&s->addr));
	json_object_set_new(o, "file", ctl_text_json(s->path));
	json_object_set_new(o, "packets", json_integer((json_int_t)i->packets));
	json_object_set_new(o, "lost", json_integer((json_int_t)i->lost));
	json_object_set_new(o, "truncated", json_integer((json_int_t)i->truncated));
	json_object_set_new(o, "bytes", json_integer((json_int_t)i->bytes));
	json_object_set_new(o, "max_packets", json_integer(s->max_packets));
	json_object_set_new(o, "max_seconds", json_integer(s->max_seconds));
	json_object_set_new(o, "started", time_json(i->started));
	json_object_set_new(o, "ended", time_json(i->ended));
	if (i->error != 0)
		json_object_set_new(o, "error", json_string(strerror(-i->error)));
	return o;
}

static void
append(const struct trace_info *i, void *arg)
{
	json_array_append_new(arg, trace_json(i));
}

json_t *
cmd_trace_start(struct ctl_daemon *d, const struct ctl_request *r)
{
	const struct ctl_value *cid = ctl_arg(r, "call_id"), *addr = ctl_arg(r, "address");
	const struct ctl_value *file = ctl_arg(r, "file"), *ow = ctl_arg(r, "overwrite");
	const struct ctl_value *mp = ctl_arg(r, "max_packets"), *ms = ctl_arg(r, "max_seconds");
	struct trace_spec s;
	char err[PATH_MAX + 128];
	struct trace_info info;
	uint32_t id;
	int ret;

	memset(&s, 0, sizeof(s));
	if (cid != NULL) {
		s.kind = DP_TRACE_CALL_ID;
		snprintf(s.call_id, sizeof(s.call_id), "%s", cid->str);
	} else if (addr != NULL) {
		s.kind = DP_TRACE_ADDR;
		if (sr_addr_is_v4(addr->pfx.addr)) {
			s.addr.family = DP_FAMILY_IPV4;
			memcpy(s.addr.addr, addr->pfx.addr + 12, 4);
		} else {
			s.addr.family = DP_FAMILY_IPV6;
			memcpy(s.addr.addr, addr->pfx.addr, 16);
		}
		s.addr.port = addr->port;
	}
	if (file != NULL && file->len >= sizeof(s.path))
		return ctl_error("file: path too long");
	if (file != NULL)
		memcpy(s.path, file->str, file->len + 1);
	s.overwrite = ow != NULL && ow->b;
	snprintf(s.ifnames[0], sizeof(s.ifnames[0]), "%s", d->ifs.access);
	snprintf(s.ifnames[1], sizeof(s.ifnames[1]), "%s", d->ifs.core);
	s.max_packets = mp != NULL ? (uint32_t)mp->u : TRACE_DEFAULT_MAX_PACKETS;
	s.max_seconds = ms != NULL ? (uint32_t)ms->u : TRACE_DEFAULT_MAX_SECONDS;
	ret = traces_start(d->traces, d->dp, &s, &id, err, sizeof(err));
	if (ret < 0)
		return ctl_error("%s", err);
	if (traces_get(d->traces, id, &info) < 0)
		return ctl_error("trace %u vanished", id);
	return json_pack("{s:o}", "trace", trace_json(&info));
}

json_t *
cmd_trace_stop(struct ctl_daemon *d, const struct ctl_request *r)
{
	const struct ctl_value *id = ctl_arg(r, "id"), *all = ctl_arg(r, "all");
	json_t *list = json_array();

	if (id == NULL && (all == NULL || !all->b)) {
		json_decref(list);
		return ctl_error("give id, or all true");
	}
	if (traces_stop(d->traces, d->dp, id != NULL ? (uint32_t)id->u : 0, append, list) < 0 &&
	    id != NULL) {
		json_decref(list);
		return ctl_error("no trace %llu", (unsigned long long)id->u);
	}
	return json_pack("{s:o}", "stopped", list);
}

json_t *
cmd_trace_list(struct ctl_daemon *d, const struct ctl_request *r)
{
	json_t *list = json_array();

	(void)r;
	traces_list(d->traces, d->dp, append, list);
	return json_pack("{s:o}", "traces", list);
}
