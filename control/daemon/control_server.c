/* SPDX-License-Identifier: BSD-3-Clause */
/* control.sock: validate the request (ctl_request.c), run its handler, answer a line. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd_trace.h"
#include "control_server.h"
#include "ctl_cmds.h"
#include "ctl_request.h"
#include "daemon.h"

/* One handler per command id; a command without one answers "not implemented". */
static const ctl_handler handlers[CTL_CMD_MAX] = {
	[CTL_STATUS] = cmd_status,
	[CTL_SESSIONS] = cmd_sessions,
	[CTL_SESSION_SHOW] = cmd_session_show,
	[CTL_SESSION_DELETE] = cmd_session_delete,
	[CTL_STATS] = cmd_stats,
	[CTL_BAN_ADD] = cmd_ban_add,
	[CTL_BAN_DEL] = cmd_ban_del,
	[CTL_BAN_LIST] = cmd_ban_list,
	[CTL_LIMITS_GET] = cmd_limits_get,
	[CTL_LIMITS_SET] = cmd_limits_set,
	[CTL_RELOAD] = cmd_reload,
	[CTL_TRACE_START] = cmd_trace_start,
	[CTL_TRACE_STOP] = cmd_trace_stop,
	[CTL_TRACE_LIST] = cmd_trace_list,
	[CTL_RULES] = cmd_rules,
	[CTL_REGISTRATIONS] = cmd_registrations,
};

static json_t *
dispatch(struct ctl_daemon *d, const char *line, size_t len)
{
	struct ctl_request r;
	char err[512];
	json_t *res;

	if (ctl_request_parse(&r, line, len, err, sizeof(err)) < 0)
		res = json_pack("{s:s}", "error", err);
	else if (handlers[r.spec->id] == NULL)
		res = ctl_error("'%s' is not implemented", r.spec->name);
	else
		res = handlers[r.spec->id](d, &r);
	ctl_request_free(&r);
	return res;
}

char *
control_answer(void *arg, const char *line, size_t len)
{
	struct ctl_daemon *d = arg;
	json_t *res;
	char *out, *s;
	size_t n;

	d->ctl_requests++;
	res = dispatch(d, line, len);
	out = res ? json_dumps(res, JSON_COMPACT) : NULL;
	json_decref(res);
	if (out == NULL)
		return strdup("{\"error\":\"out of memory\"}\n");
	n = strlen(out);
	s = realloc(out, n + 2);
	if (s == NULL) {
		free(out);
		return NULL;
	}
	s[n] = '\n';
	s[n + 1] = '\0';
	return s;
}
