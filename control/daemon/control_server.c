/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "control_server.h"
#include "daemon.h"
#include "json_stats.h"

static json_t *
dispatch(struct ctl_daemon *d, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, 0, &jerr), *res;
	const char *cmd = NULL;

	if (req == NULL)
		return json_pack("{s:s}", "error", "malformed JSON");
	if (json_unpack(req, "{s:s}", "cmd", &cmd) < 0)
		res = json_pack("{s:s}", "error", "missing \"cmd\" string");
	else if (strcmp(cmd, "stats") == 0)
		res = json_stats(d);
	else if (strcmp(cmd, "sessions") == 0)
		res = json_sessions(d);
	else
		res = json_pack("{s:s++}", "error", "unknown command '", cmd, "'");
	json_decref(req);
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
