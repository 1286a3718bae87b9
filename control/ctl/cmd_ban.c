/* siprelayctl ban add|del|list: addresses and prefixes whose SIP the relay drops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

static const char usage[] =
	"add ADDRESS[/LEN] [--ttl DURATION] [--reason TEXT] | del ADDRESS[/LEN] | list [--json]";

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void
added_table(json_t *j)
{
	const char *reason = json_string_value(json_object_get(j, "reason"));

	printf("%s %s ", json_is_true(json_object_get(j, "added")) ? "banned" : "ban renewed:",
	       json_string_value(json_object_get(j, "address")));
	if (num(j, "ttl") == 0)
		printf("permanently");
	else
		printf("for %lld s, until %s", num(j, "ttl"),
		       json_string_value(json_object_get(j, "expires_at")) ?: "?");
	printf("%s%s\n", reason && reason[0] ? ": " : "", reason ? reason : "");
}

static void
deleted_table(json_t *j)
{
	printf("ban on %s lifted\n", json_string_value(json_object_get(j, "deleted")));
}

static void
list_table(json_t *j)
{
	json_t *b;
	size_t i;

	printf("%-40s %-21s %10s %10s  %s\n", "ADDRESS", "EXPIRES", "REMAINING", "HITS", "REASON");
	json_array_foreach(json_object_get(j, "bans"), i, b) {
		char rem[24] = "-";

		if (!json_is_true(json_object_get(b, "permanent")))
			snprintf(rem, sizeof(rem), "%lld s", num(b, "remaining_s"));
		printf("%-40s %-21s %10s %10lld  %s\n",
		       json_string_value(json_object_get(b, "address")),
		       json_string_value(json_object_get(b, "expires_at")) ?: "never", rem,
		       num(b, "hits"), json_string_value(json_object_get(b, "reason")) ?: "");
	}
	printf("%lld bans (room for %lld)\n", num(j, "count"), num(j, "capacity"));
}

int
cmd_ban(const struct ctl_opts *opts, int argc, char **argv)
{
	const char *ttl = NULL, *reason = NULL;
	const struct ctl_optval o[] = { { "--ttl", &ttl }, { "--reason", &reason } };
	bool json = opts->json;
	char *raw, *pos[2], what[16];
	unsigned long long t;
	int n, r = ctl_args("ban", usage, argc - 1, argv + 1, o, 2, &json, pos, 2, &n);
	json_t *req, *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	if (n == 0 || (strcmp(pos[0], "add") && strcmp(pos[0], "del") && strcmp(pos[0], "list"))) {
		fprintf(stderr, "siprelayctl ban: %s\nusage: siprelayctl ban %s\n",
			n ? "unknown subcommand" : "add, del or list?", usage);
		return CTL_EXIT_USAGE;
	}
	snprintf(what, sizeof(what), "ban %s", pos[0]);
	if (n != (strcmp(pos[0], "list") ? 2 : 1) ||
	    (strcmp(pos[0], "add") && (ttl != NULL || reason != NULL))) {
		fprintf(stderr, "siprelayctl %s: wrong arguments\nusage: siprelayctl ban %s\n",
			what, usage);
		return CTL_EXIT_USAGE;
	}
	req = json_pack("{s:s}", "cmd", what);
	if (n == 2 && ctl_put_str(req, what, "address", pos[1]) < 0)
		goto usage_err;
	if (ttl != NULL) {
		if (ctl_parse_duration(what, "--ttl", ttl, &t) < 0)
			goto usage_err;
		json_object_set_new(req, "ttl", json_integer((json_int_t)t));
	}
	if (reason != NULL && ctl_put_str(req, what, "reason", reason) < 0)
		goto usage_err;
	ans = ctl_ask(opts, what, req, &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, pos[0][0] == 'a' ? added_table :
			 pos[0][0] == 'd' ? deleted_table : list_table);
usage_err:
	json_decref(req);
	return CTL_EXIT_USAGE;
}
