/* siprelayctl rules: the data plane's signature rules with their hits, and what the
 * rules and the automatic bans did. */
#include <stdio.h>

#include "ctl_client.h"

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *
text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void
rules_table(json_t *j)
{
	json_t *r;
	size_t i;

	printf("%-10s %-6s %-28s %-10s %12s\n", "ID", "LINE", "WHERE", "ACTION", "HITS");
	json_array_foreach(json_object_get(j, "rules"), i, r) {
		char action[32];

		if (json_is_integer(json_object_get(r, "ban_s")))
			snprintf(action, sizeof(action), "ban %llds", num(r, "ban_s"));
		else
			snprintf(action, sizeof(action), "%s", text(r, "action"));
		printf("%-10lld %-6lld %-28s %-10s %12lld\n", num(r, "id"), num(r, "line"),
		       text(r, "where"), action, num(r, "hits"));
	}
	printf("%lld rules from %s (set %lld); scanned %lld: dropped %lld, rejected %lld, "
	       "banned %lld\n", num(j, "count"), text(j, "file"), num(j, "generation"),
	       num(j, "scanned"), num(j, "dropped"), num(j, "rejected"), num(j, "banned"));
	printf("automatic bans: %lld for password guessing (%lld 401/403/407 seen), %lld for "
	       "flooding\n", num(j, "auth_bans"), num(j, "auth_failures"), num(j, "flood_bans"));
}

int
cmd_rules(const struct ctl_opts *opts, int argc, char **argv)
{
	bool json = opts->json;
	char *raw, *pos[1];
	int n, r = ctl_args("rules", "[--json]", argc - 1, argv + 1, NULL, 0, &json, pos, 0, &n);
	json_t *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	ans = ctl_ask(opts, "rules", json_pack("{s:s}", "cmd", "rules"), &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, rules_table);
}
