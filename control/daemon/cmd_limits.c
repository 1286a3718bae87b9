/* SPDX-License-Identifier: BSD-3-Clause */
/* limits get|set and reload: settings of the data plane that change while calls run. */
#include <errno.h>
#include <string.h>

#include "ctl_cmds.h"
#include "daemon.h"
#include "dp_client.h"

static const struct {
	const char *name;
	uint32_t bit;
} limit_fields[] = {
	{ "cps_limit", DP_LIMIT_CPS },
	{ "cps_burst", DP_LIMIT_CPS_BURST },
	{ "source_rate", DP_LIMIT_SOURCE_RATE },
	{ "source_burst", DP_LIMIT_SOURCE_BURST },
};

/* {"cps_limit", "cps_burst", "source_rate", "source_burst", "sources_tracked",
 *  "source_capacity", "sip_proxy"} */
static json_t *
limits(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct dp_limits q;
	int ret;

	memset(&q, 0, sizeof(q));
	for (size_t i = 0; i < sizeof(limit_fields) / sizeof(limit_fields[0]); i++) {
		const struct ctl_value *v = ctl_arg(r, limit_fields[i].name);
		uint32_t *field[] = { &q.cps_limit, &q.cps_burst, &q.source_rate, &q.source_burst };

		if (v == NULL)
			continue;
		q.what |= limit_fields[i].bit;
		*field[i] = (uint32_t)v->u;
	}
	ret = dp_client_request(d->dp, &q, sizeof(q), DP_LIMITS, &q, sizeof(q), NULL, NULL);
	if (ret == -EOPNOTSUPP)
		return ctl_error("%s: the data plane runs no SIP proxy: there are no calls to limit",
				 r->spec->name);
	if (ret < 0)
		return ctl_dp_error(r->spec->name, ret);
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b}",
			 "cps_limit", (json_int_t)q.cps_limit,
			 "cps_burst", (json_int_t)q.cps_burst,
			 "source_rate", (json_int_t)q.source_rate,
			 "source_burst", (json_int_t)q.source_burst,
			 "sources_tracked", (json_int_t)q.sources,
			 "source_capacity", (json_int_t)q.source_capacity,
			 "sip_proxy", q.sip != 0);
}

json_t *
cmd_limits_get(struct ctl_daemon *d, const struct ctl_request *r)
{
	return limits(d, r);
}

json_t *
cmd_limits_set(struct ctl_daemon *d, const struct ctl_request *r)
{
	return limits(d, r);
}

static json_t *
names(uint32_t bits)
{
	static const char *const n[] = DP_RELOAD_NAMES;
	json_t *a = json_array();

	for (unsigned int i = 0; i < 32 && i < sizeof(n) / sizeof(n[0]); i++)
		if ((bits & (1u << i)) && n[i][0])
			json_array_append_new(a, json_string(n[i]));
	return a;
}

/* {"reloaded": true, "applied": [setting...], "restart_required": [setting...]} */
json_t *
cmd_reload(struct ctl_daemon *d, const struct ctl_request *r)
{
	struct dp_reload q;
	int ret;

	(void)r;
	memset(&q, 0, sizeof(q));
	ret = dp_client_request(d->dp, &q, sizeof(q), DP_RELOAD, &q, sizeof(q), NULL, NULL);
	if (ret < 0 && q.h.type == DP_RELOAD && q.error[0]) {
		q.error[sizeof(q.error) - 1] = '\0';
		return ctl_error("reload refused, the running settings stay: %s", q.error);
	}
	if (ret < 0)
		return ctl_dp_error("reload", ret);
	return json_pack("{s:b,s:o,s:o}", "reloaded", 1, "applied", names(q.applied),
			 "restart_required", names(q.restart));
}
