/* SPDX-License-Identifier: BSD-3-Clause */
/* What each control.sock command accepts (docs: the JSON shapes in control_server.h). */
#include <siprelay/dp_proto.h>

#include "ctl_request.h"

#define TTL_MAX 315360000u   /* ten years; 0 = permanent */
#define ID_MAX 0x7fffffffffffffffull
#define CALL_ID_MAX 127      /* what the data plane keeps of a Call-ID */

#define SELECTORS(flag)                                                          \
	{ "handle", CTL_T_UINT, flag, 0, UINT32_MAX },                           \
	{ "session_id", CTL_T_UINT, flag, 0, ID_MAX },                           \
	{ "call_id", CTL_T_STR, flag, 1, CALL_ID_MAX }

#define LIMIT(name) { name, CTL_T_UINT, CTL_F_ANY_OF, 0, DP_LIMIT_MAX_VALUE }

static const struct ctl_spec specs[CTL_CMD_MAX] = {
	{ CTL_STATUS, "status", { { 0 } } },
	{ CTL_SESSIONS, "sessions", {
		{ "call_id", CTL_T_STR, 0, 1, CALL_ID_MAX },
		{ "address", CTL_T_ENDPOINT, 0, 0, 0 },
	} },
	{ CTL_SESSION_SHOW, "session show", { SELECTORS(CTL_F_ONE_OF) } },
	{ CTL_SESSION_DELETE, "session delete", { SELECTORS(CTL_F_ONE_OF) } },
	{ CTL_STATS, "stats", { { 0 } } },
	{ CTL_BAN_ADD, "ban add", {
		{ "address", CTL_T_PREFIX, CTL_F_REQUIRED, 0, 0 },
		{ "ttl", CTL_T_UINT, 0, 0, TTL_MAX },
		{ "reason", CTL_T_STR, 0, 0, DP_BAN_REASON_MAX - 1 },
	} },
	{ CTL_BAN_DEL, "ban del", {
		{ "address", CTL_T_PREFIX, CTL_F_REQUIRED, 0, 0 },
	} },
	{ CTL_BAN_LIST, "ban list", { { 0 } } },
	{ CTL_LIMITS_GET, "limits get", { { 0 } } },
	{ CTL_LIMITS_SET, "limits set", {
		LIMIT("cps_limit"), LIMIT("cps_burst"), LIMIT("source_rate"), LIMIT("source_burst"),
	} },
	{ CTL_RELOAD, "reload", { { 0 } } },
	/* cmd_trace.c; a Call-ID or an address (port optional), limits 0 = none */
	{ CTL_TRACE_START, "trace start", {
		{ "call_id", CTL_T_STR, CTL_F_ONE_OF, 1, CALL_ID_MAX },
		{ "address", CTL_T_ENDPOINT, CTL_F_ONE_OF, 0, 0 },
		{ "file", CTL_T_STR, 0, 1, 4095 },
		{ "overwrite", CTL_T_BOOL, 0, 0, 0 },
		{ "max_packets", CTL_T_UINT, 0, 0, UINT32_MAX },
		{ "max_seconds", CTL_T_UINT, 0, 0, 30u * 86400 },
	} },
	{ CTL_TRACE_STOP, "trace stop", {
		{ "id", CTL_T_UINT, CTL_F_ONE_OF, 1, UINT32_MAX },
		{ "all", CTL_T_BOOL, CTL_F_ONE_OF, 0, 0 },
	} },
	{ CTL_TRACE_LIST, "trace list", { { 0 } } },
	{ CTL_REGISTRATIONS, "registrations", { { 0 } } },
	{ CTL_RULES, "rules", { { 0 } } },
};

const struct ctl_spec *
ctl_specs(unsigned int *n)
{
	*n = CTL_CMD_MAX;
	return specs;
}
