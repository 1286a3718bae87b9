/* siprelayctl status | stats | sessions: ask control.sock and print tables, or the JSON
 * as the daemon sent it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *
str_or_dash(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "-";
}

/* A subcommand without arguments of its own: status, stats. */
static int
simple(const struct ctl_opts *opts, int argc, char **argv, const char *cmd,
       void (*table)(json_t *))
{
	bool json = opts->json;
	char *raw, *pos[1];
	int n, r = ctl_args(cmd, "[--json]", argc - 1, argv + 1, NULL, 0, &json, pos, 0, &n);
	json_t *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	ans = ctl_ask(opts, cmd, json_pack("{s:s}", "cmd", cmd), &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, table);
}

static void
print_section(json_t *root, const char *name)
{
	json_t *sec = json_object_get(root, name), *v;
	const char *key;

	if (!json_is_object(sec))
		return;
	printf("%s\n", name);
	json_object_foreach(sec, key, v) {
		if (json_is_integer(v))
			printf("  %-26s %20lld\n", key, (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			printf("  %-26s %20s\n", key, json_is_true(v) ? "yes" : "no");
		else if (json_is_string(v))
			printf("  %-26s %20s\n", key, json_string_value(v));
	}
}

static void
stats_table(json_t *j)
{
	static const char *const order[] = { "sessions", "sip", "rtp", "prefilter", "dataplane",
					     "control" };
	const char *key;
	json_t *v;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		print_section(j, order[i]);
	/* sections other parts add (timeouts...) after the fixed ones */
	json_object_foreach(j, key, v) {
		size_t i;

		for (i = 0; i < sizeof(order) / sizeof(order[0]) && strcmp(order[i], key); i++)
			;
		if (i == sizeof(order) / sizeof(order[0]))
			print_section(j, key);
	}
}

int
cmd_stats(const struct ctl_opts *opts, int argc, char **argv)
{
	return simple(opts, argc, argv, "stats", stats_table);
}

static void
status_table(json_t *j)
{
	json_t *dp = json_object_get(j, "dataplane");
	long long up = num(j, "uptime_s");

	printf("siprelay-control %s, up %lldd %02lld:%02lld:%02lld\n",
	       str_or_dash(json_object_get(j, "version")), up / 86400, up / 3600 % 24,
	       up / 60 % 60, up % 60);
	if (json_is_true(json_object_get(dp, "connected")))
		printf("%-18s connected (%lld workers, capacity %lld streams)\n", "data plane",
		       num(dp, "workers"), num(dp, "capacity"));
	else
		printf("%-18s NOT CONNECTED (retrying every second)\n", "data plane");
	printf("%-18s %lld\n", "streams", num(j, "streams"));
	if (json_is_integer(json_object_get(j, "sip_sessions")))
		printf("%-18s %lld\n", "SIP calls", num(j, "sip_sessions"));
	printf("%-18s %lld\n", "rtpproxy streams", num(j, "rtpproxy_streams"));
	if (json_is_integer(json_object_get(j, "bans")))
		printf("%-18s %lld\n", "bans", num(j, "bans"));
	printf("%-18s %lld\n", "control requests", num(j, "control_requests"));
}

int
cmd_status(const struct ctl_opts *opts, int argc, char **argv)
{
	return simple(opts, argc, argv, "status", status_table);
}

/* One line per leg. */
static void
print_streams(json_t *list)
{
	json_t *s, *l;
	size_t i, k;

	printf("%-7s %-8s %-5s %-3s %-8s %-22s %-22s %-3s %9s %11s %6s %6s %8s %6s %s\n",
	       "HANDLE", "SESSION", "MEDIA", "LEG", "IFACE", "LOCAL", "REMOTE", "LAT", "PACKETS",
	       "BYTES", "LOST", "JITTER", "IDLE_MS", "DROPS", "CALL-ID");
	json_array_foreach(list, i, s) {
		json_array_foreach(json_object_get(s, "legs"), k, l) {
			printf("%-7lld %-8lld %-5lld %-3c %-8s %-22s %-22s %-3s %9lld %11lld %6lld "
			       "%6lld %8lld %6lld %s\n",
			       num(s, "handle"), num(s, "session_id"), num(s, "media_index"),
			       (int)('a' + k), str_or_dash(json_object_get(l, "iface")),
			       str_or_dash(json_object_get(l, "local")),
			       str_or_dash(json_object_get(l, "remote")),
			       json_is_true(json_object_get(l, "latched")) ? "yes" : "no",
			       num(l, "packets"), num(l, "bytes"), num(l, "lost"), num(l, "jitter"),
			       num(l, "idle_ms"), num(l, "drops"),
			       k == 0 ? str_or_dash(json_object_get(s, "call_id")) : "");
		}
	}
}

int
cmd_sessions(const struct ctl_opts *opts, int argc, char **argv)
{
	static const char usage[] = "[--call-id ID] [--address IP[:PORT]] [--json]";
	const char *call_id = NULL, *addr = NULL;
	const struct ctl_optval o[] = { { "--call-id", &call_id }, { "--address", &addr } };
	bool json = opts->json;
	char *raw, *pos[1];
	int n, r = ctl_args("sessions", usage, argc - 1, argv + 1, o, 2, &json, pos, 0, &n);
	json_t *req, *ans, *list;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	req = json_pack("{s:s}", "cmd", "sessions");
	if ((call_id != NULL && ctl_put_str(req, "sessions", "call_id", call_id) < 0) ||
	    (addr != NULL && ctl_put_str(req, "sessions", "address", addr) < 0)) {
		json_decref(req);
		return CTL_EXIT_USAGE;
	}
	ans = ctl_ask(opts, "sessions", req, &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	list = json_object_get(ans, "sessions");
	if (json) {
		/* DESIGN.md: "siprelayctl sessions --json" is a list */
		char *text = json_dumps(list ? list : json_array(), JSON_COMPACT);

		printf("%s\n", text ? text : "[]");
		free(text);
	} else {
		print_streams(list);
		printf("%zu streams\n", json_array_size(list));
	}
	json_decref(ans);
	free(raw);
	return CTL_EXIT_OK;
}
