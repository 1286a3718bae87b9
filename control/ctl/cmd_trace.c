/* siprelayctl trace start|stop|list: SIP messages of a call or an address to pcapng. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_client.h"

static const char usage[] =
	"start --call-id ID | --address IP[:PORT] [--file PATH] [--overwrite]\n"
	"\t\t[--max-packets N] [--max-duration DURATION] | stop ID | stop --all | list [--json]";

static long long
num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void
filter_text(json_t *t, char *buf, size_t len)
{
	if (json_object_get(t, "call_id") != NULL)
		snprintf(buf, len, "Call-ID %s", str(t, "call_id"));
	else
		snprintf(buf, len, "address %s", str(t, "address"));
}

static void
started_table(json_t *j)
{
	json_t *t = json_object_get(j, "trace");
	char f[200];

	filter_text(t, f, sizeof(f));
	printf("trace %lld started: %s -> %s\n", num(t, "id"), f, str(t, "file"));
	printf("limits: %lld packets, %lld s (0 = none); stop it with: siprelayctl trace stop %lld\n",
	       num(t, "max_packets"), num(t, "max_seconds"), num(t, "id"));
}

static void
stopped_table(json_t *j)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(j, "stopped"), i, t)
		printf("trace %lld %s: %lld packets (%lld lost, %lld truncated) in %s\n",
		       num(t, "id"), str(t, "state"), num(t, "packets"), num(t, "lost"),
		       num(t, "truncated"), str(t, "file"));
	if (json_array_size(json_object_get(j, "stopped")) == 0)
		printf("no trace was running\n");
}

static void
list_table(json_t *j)
{
	json_t *t;
	size_t i;

	printf("%-4s %-20s %-40s %8s %6s  %s\n", "ID", "STATE", "FILTER", "PACKETS", "LOST", "FILE");
	json_array_foreach(json_object_get(j, "traces"), i, t) {
		char f[200];

		filter_text(t, f, sizeof(f));
		printf("%-4lld %-20s %-40s %8lld %6lld  %s\n", num(t, "id"), str(t, "state"), f,
		       num(t, "packets"), num(t, "lost"), str(t, "file"));
	}
}

/* The daemon runs elsewhere: a relative path is the operator's, made absolute here. */
static int
put_file(json_t *req, const char *file)
{
	char cwd[PATH_MAX], abs[PATH_MAX * 2];

	if (file[0] == '/')
		return ctl_put_str(req, "trace start", "file", file);
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		perror("siprelayctl trace start: getcwd");
		return -1;
	}
	snprintf(abs, sizeof(abs), "%s/%s", cwd, file);
	return ctl_put_str(req, "trace start", "file", abs);
}

static int
start_req(json_t *req, const char *cid, const char *addr, const char *file, bool overwrite,
	  const char *maxp, const char *maxd)
{
	unsigned long long v;

	if ((cid == NULL) == (addr == NULL)) {
		fprintf(stderr, "siprelayctl trace start: give --call-id or --address (one)\n");
		return -1;
	}
	if (cid != NULL && ctl_put_str(req, "trace start", "call_id", cid) < 0)
		return -1;
	if (addr != NULL && ctl_put_str(req, "trace start", "address", addr) < 0)
		return -1;
	if (file != NULL && put_file(req, file) < 0)
		return -1;
	if (overwrite)
		json_object_set_new(req, "overwrite", json_true());
	if (maxp != NULL) {
		if (ctl_parse_u64("trace start", "--max-packets", maxp, &v) < 0)
			return -1;
		json_object_set_new(req, "max_packets", json_integer((json_int_t)v));
	}
	if (maxd != NULL) {
		if (ctl_parse_duration("trace start", "--max-duration", maxd, &v) < 0)
			return -1;
		json_object_set_new(req, "max_seconds", json_integer((json_int_t)v));
	}
	return 0;
}

int
cmd_trace(const struct ctl_opts *opts, int argc, char **argv)
{
	const char *cid = NULL, *addr = NULL, *file = NULL, *maxp = NULL, *maxd = NULL;
	const struct ctl_optval o[] = {
		{ "--call-id", &cid }, { "--address", &addr }, { "--file", &file },
		{ "--max-packets", &maxp }, { "--max-duration", &maxd },
	};
	bool json = opts->json, all = false, overwrite = false;
	char *args[argc > 0 ? argc : 1], *pos[2], *raw, what[16];
	unsigned long long id = 0;
	int n, na = 0, r;
	json_t *req, *ans;

	/* the flags without a value, which ctl_args() does not know */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--overwrite"))
			overwrite = true;
		else
			args[na++] = argv[i];
	}
	r = ctl_args("trace", usage, na, args, o, 5, &json, pos, 2, &n);
	if (r != 0)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	if (n == 0 || (strcmp(pos[0], "start") && strcmp(pos[0], "stop") && strcmp(pos[0], "list"))) {
		fprintf(stderr, "siprelayctl trace: %s\nusage: siprelayctl trace %s\n",
			n ? "unknown subcommand" : "start, stop or list?", usage);
		return CTL_EXIT_USAGE;
	}
	snprintf(what, sizeof(what), "trace %s", pos[0]);
	req = json_pack("{s:s}", "cmd", what);
	if (!strcmp(pos[0], "start")) {
		if (n != 1 || all) {
			fprintf(stderr, "siprelayctl trace start: unexpected argument\n");
			goto usage_err;
		}
		if (start_req(req, cid, addr, file, overwrite, maxp, maxd) < 0)
			goto usage_err;
	} else {
		if (cid || addr || file || maxp || maxd || overwrite) {
			fprintf(stderr, "siprelayctl %s: start's options do not apply\n", what);
			goto usage_err;
		}
		if (!strcmp(pos[0], "list") && (n != 1 || all)) {
			fprintf(stderr, "siprelayctl trace list: takes no arguments\n");
			goto usage_err;
		}
		if (!strcmp(pos[0], "stop")) {
			if ((n == 2) == all) {
				fprintf(stderr, "siprelayctl trace stop: give a trace ID or --all\n");
				goto usage_err;
			}
			if (all)
				json_object_set_new(req, "all", json_true());
			else if (ctl_parse_u64(what, "ID", pos[1], &id) < 0)
				goto usage_err;
			else
				json_object_set_new(req, "id", json_integer((json_int_t)id));
		}
	}
	ans = ctl_ask(opts, what, req, &raw);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	return ctl_print(opts, json, ans, raw, pos[0][2] == 'a' ? started_table :
			 pos[0][2] == 'o' ? stopped_table : list_table);
usage_err:
	fprintf(stderr, "usage: siprelayctl trace %s\n", usage);
	json_decref(req);
	return CTL_EXIT_USAGE;
}
