/* siprelayctl limits get|set and reload: the data plane's settings that change while
 * calls run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

static const char usage[] =
	"get | set [--cps N] [--cps-burst N] [--source-rate N] [--source-burst N] [--json]";

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void
one(json_t *j, const char *key, const char *unit, const char *zero)
{
	long long v = num(j, key);

	printf("%-16s %8lld %-18s%s\n", key, v, unit, v == 0 ? zero : "");
}

static void
limits_table(json_t *j)
{
	one(j, "cps_limit", "calls/s", "(unlimited)");
	one(j, "cps_burst", "calls", "(= cps_limit)");
	one(j, "source_rate", "requests/s/source", "(unlimited)");
	one(j, "source_burst", "requests", "(= source_rate)");
	printf("%-16s %8lld of %lld\n", "sources tracked", num(j, "sources_tracked"),
	       num(j, "source_capacity"));
	if (!json_is_true(json_object_get(j, "sip_proxy")))
		printf("(the data plane runs no SIP proxy: the CPS limit does not apply)\n");
}

int
cmd_limits(const struct ctl_opts *opts, int argc, char **argv)
{
	static const char *const keys[] = { "cps_limit", "cps_burst", "source_rate",
					    "source_burst" };
	const char *val[4] = { NULL, NULL, NULL, NULL };
	const struct ctl_optval o[] = { { "--cps", &val[0] }, { "--cps-burst", &val[1] },
					{ "--source-rate", &val[2] }, { "--source-burst", &val[3] } };
	bool json = opts->json, set;
	char *raw, *pos[1];
	unsigned long long v;
	int n, given = 0, r = ctl_args("limits", usage, argc - 1, argv + 1, o, 4, &json, pos, 1, &n);
	json_t *req, *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	if (n != 1 || (strcmp(pos[0], "get") && strcmp(pos[0], "set"))) {
		fprintf(stderr, "siprelayctl limits: %s\nusage: siprelayctl limits %s\n",
			n ? "unknown subcommand" : "get or set?", usage);
		return CTL_EXIT_USAGE;
	}
	set = !strcmp(pos[0], "set");
	for (int i = 0; i < 4; i++)
		given += val[i] != NULL;
	if (set != (given > 0)) {
		fprintf(stderr, "siprelayctl limits %s: %s\nusage: siprelayctl limits %s\n", pos[0],
			set ? "give at least one limit to set" : "takes no limits", usage);
		return CTL_EXIT_USAGE;
	}
	req = json_pack("{s:s}", "cmd", set ? "limits set" : "limits get");
	for (int i = 0; i < 4; i++) {
		if (val[i] == NULL)
			continue;
		if (ctl_parse_u64("limits set", o[i].name, val[i], &v) < 0) {
			json_decref(req);
			return CTL_EXIT_USAGE;
		}
		json_object_set_new(req, keys[i], json_integer(v > INT64_MAX ? INT64_MAX :
							       (json_int_t)v));
	}
	ans = ctl_ask(opts, set ? "limits set" : "limits get", req, &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, limits_table);
}

static void
names(json_t *a, const char *label)
{
	json_t *v;
	size_t i;

	printf("%s", label);
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : " ", json_string_value(v));
	printf("\n");
}

static void
reload_table(json_t *j)
{
	json_t *ap = json_object_get(j, "applied"), *rs = json_object_get(j, "restart_required");

	if (json_array_size(ap) == 0)
		printf("reloaded: no live setting changed\n");
	else
		names(ap, "reloaded, now in effect:");
	if (json_array_size(rs) > 0)
		names(rs, "changed in the file, in effect after a restart only:");
}

int
cmd_reload(const struct ctl_opts *opts, int argc, char **argv)
{
	bool json = opts->json;
	char *raw, *pos[1];
	int n, r = ctl_args("reload", "[--json]", argc - 1, argv + 1, NULL, 0, &json, pos, 0, &n);
	json_t *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	ans = ctl_ask(opts, "reload", json_pack("{s:s}", "cmd", "reload"), &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, reload_table);
}
