/* siprelayctl registrations: the phones registered through the relay (AOR, where their
 * NAT binding is, expiry, keepalives). */
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
reg_table(json_t *j)
{
	json_t *b;
	size_t i;

	printf("%-32s %-21s %-11s %-3s %8s %9s  %s\n", "AOR", "SOURCE", "STATE", "NAT", "EXPIRES",
	       "KEEPALIVE", "CONTACT");
	json_array_foreach(json_object_get(j, "registrations"), i, b) {
		char exp[24] = "-", ka[24];

		if (json_is_integer(json_object_get(b, "expires_s")))
			snprintf(exp, sizeof(exp), "%lld s", num(b, "expires_s"));
		snprintf(ka, sizeof(ka), "%lld/%lld", num(b, "keepalives_answered"), num(b, "keepalives_sent"));
		printf("%-32s %-21s %-11s %-3s %8s %9s  %s\n", text(b, "aor"), text(b, "source"),
		       text(b, "state"), json_is_true(json_object_get(b, "nat")) ? "yes" : "no", exp, ka,
		       text(b, "contact"));
	}
	printf("%lld registrations (room for %lld)\n", num(j, "count"), num(j, "capacity"));
}

int
cmd_registrations(const struct ctl_opts *opts, int argc, char **argv)
{
	bool json = opts->json;
	char *raw, *pos[1];
	int n, r = ctl_args("registrations", "[--json]", argc - 1, argv + 1, NULL, 0, &json, pos, 0, &n);
	json_t *ans;

	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	ans = ctl_ask(opts, "registrations", json_pack("{s:s}", "cmd", "registrations"), &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, reg_table);
}
