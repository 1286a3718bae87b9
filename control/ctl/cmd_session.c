/* siprelayctl session show|delete: one session (a call), by stream handle, session id
 * or Call-ID. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

static const char usage[] = "show|delete HANDLE | --session ID | --call-id CALL-ID [--json]";

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void
leg_detail(json_t *l, char name)
{
	json_t *d = json_object_get(l, "drops_by_reason");
	const char *key;
	json_t *v;

	printf("  leg %c  %-8s local %s  remote %s%s  rtcp %s\n", name,
	       json_string_value(json_object_get(l, "iface")) ?: "-",
	       json_string_value(json_object_get(l, "local")) ?: "-",
	       json_string_value(json_object_get(l, "remote")) ?: "-",
	       json_is_true(json_object_get(l, "latched")) ? " (latched)" : "",
	       json_string_value(json_object_get(l, "remote_rtcp")) ?: "-");
	printf("         packets %lld  bytes %lld  rtcp %lld  expected %lld  lost %lld  "
	       "jitter %lld  ssrc 0x%08llx  idle %s%lld ms\n", num(l, "packets"), num(l, "bytes"),
	       num(l, "rtcp_packets"), num(l, "expected"), num(l, "lost"), num(l, "jitter"),
	       num(l, "ssrc"), num(l, "idle_ms") < 0 ? "never received, " : "",
	       num(l, "idle_ms") < 0 ? 0 : num(l, "idle_ms"));
	printf("         drops %lld:", num(l, "drops"));
	json_object_foreach(d, key, v)
		printf(" %s %lld", key, (long long)json_integer_value(v));
	printf("\n");
}

static void
show_table(json_t *j)
{
	json_t *s, *l;
	size_t i, k;

	printf("session %lld (%s)  call-id %s\n", num(j, "session_id"),
	       json_string_value(json_object_get(j, "source")) ?: "-",
	       json_string_value(json_object_get(j, "call_id")) ?: "-");
	json_array_foreach(json_object_get(j, "streams"), i, s) {
		printf("stream %lld (gen %lld), media line %lld\n", num(s, "handle"), num(s, "gen"),
		       num(s, "media_index"));
		json_array_foreach(json_object_get(s, "legs"), k, l)
			leg_detail(l, (char)('a' + k));
	}
	if (json_array_size(json_object_get(j, "streams")) == 0)
		printf("no media streams (yet)\n");
}

static void
delete_table(json_t *j)
{
	printf("session %lld (%s) deleted: %lld streams\n", num(j, "session_id"),
	       json_string_value(json_object_get(j, "source")) ?: "-", num(j, "streams_deleted"));
}

int
cmd_session(const struct ctl_opts *opts, int argc, char **argv)
{
	const char *sid = NULL, *call_id = NULL, *what;
	const struct ctl_optval o[] = { { "--session", &sid }, { "--call-id", &call_id } };
	bool json = opts->json;
	char *raw, *pos[2];
	unsigned long long v;
	int n, r = ctl_args("session", usage, argc - 1, argv + 1, o, 2, &json, pos, 2, &n);
	json_t *req, *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	if (n == 0 || (strcmp(pos[0], "show") && strcmp(pos[0], "delete"))) {
		fprintf(stderr, "siprelayctl session: %s\nusage: siprelayctl session %s\n",
			n ? "unknown subcommand" : "show or delete?", usage);
		return CTL_EXIT_USAGE;
	}
	what = !strcmp(pos[0], "show") ? "session show" : "session delete";
	if ((n == 2) + (sid != NULL) + (call_id != NULL) != 1) {
		fprintf(stderr, "siprelayctl %s: name the session by one of HANDLE, --session ID, "
			"--call-id CALL-ID\n", what);
		return CTL_EXIT_USAGE;
	}
	req = json_pack("{s:s}", "cmd", what);
	if (n == 2 || sid != NULL) {
		if (ctl_parse_u64(what, n == 2 ? "HANDLE" : "--session", n == 2 ? pos[1] : sid,
				  &v) < 0) {
			json_decref(req);
			return CTL_EXIT_USAGE;
		}
		json_object_set_new(req, n == 2 ? "handle" : "session_id",
				    json_integer((json_int_t)(v > INT64_MAX ? INT64_MAX : v)));
	} else if (ctl_put_str(req, what, "call_id", call_id) < 0) {
		json_decref(req);
		return CTL_EXIT_USAGE;
	}
	ans = ctl_ask(opts, what, req, &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, !strcmp(pos[0], "show") ? show_table : delete_table);
}
