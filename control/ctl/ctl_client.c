/* siprelayctl: the control.sock round trip and what every subcommand shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_client.h"

/* The daemon answers from memory plus a few data plane round trips. */
#define CTL_TIMEOUT_S 5
#define CTL_MAX_ANSWER (64u << 20)

/* Read until the answer's newline; malloc'ed line without it, or NULL after printing. */
static char *
read_line(int fd, const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nl = NULL;

	while (buf != NULL && nl == NULL) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = cap < CTL_MAX_ANSWER ? realloc(buf, cap * 2) : NULL;

			if (b == NULL) {
				fprintf(stderr, "siprelayctl: %s: answer too large\n", path);
				free(buf);
				return NULL;
			}
			buf = b;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0) {
			fprintf(stderr, "siprelayctl: %s: %s\n", path,
				n == 0 ? "connection closed before an answer" :
				errno == EAGAIN ? "no answer (timeout)" : strerror(errno));
			free(buf);
			return NULL;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	if (buf != NULL)
		*nl = '\0';
	return buf;
}

static char *
round_trip(const char *path, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	size_t n = strlen(line);
	char *ans;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "siprelayctl: %s: path too long\n", path);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "siprelayctl: cannot connect to %s: %s (is siprelay-control "
			"running?)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send(fd, line, n, MSG_NOSIGNAL) != (ssize_t)n) {
		fprintf(stderr, "siprelayctl: %s: send: %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	ans = read_line(fd, path);
	close(fd);
	return ans;
}

json_t *
ctl_ask(const struct ctl_opts *opts, const char *what, json_t *req, char **raw)
{
	char *text = json_dumps(req, JSON_COMPACT), *line, *ans;
	json_error_t jerr;
	json_t *j, *e;

	json_decref(req);
	if (raw != NULL)
		*raw = NULL;
	if (text == NULL || (line = malloc(strlen(text) + 2)) == NULL) {
		fprintf(stderr, "siprelayctl: out of memory\n");
		free(text);
		return NULL;
	}
	sprintf(line, "%s\n", text);
	free(text);
	ans = round_trip(opts->socket, line);
	free(line);
	if (ans == NULL)
		return NULL;
	j = json_loads(ans, 0, &jerr);
	if (j == NULL) {
		fprintf(stderr, "siprelayctl: %s: bad answer: %s\n", opts->socket, jerr.text);
		free(ans);
		return NULL;
	}
	e = json_object_get(j, "error");
	if (e != NULL) {
		fprintf(stderr, "siprelayctl: %s: %s\n", what,
			json_is_string(e) ? json_string_value(e) : "error");
		json_decref(j);
		free(ans);
		return NULL;
	}
	if (raw != NULL)
		*raw = ans;
	else
		free(ans);
	return j;
}

int
ctl_parse_u64(const char *cmd, const char *opt, const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = s;

	if (*p == '\0' || strlen(p) > 19)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	*out = v;
	return 0;
bad:
	fprintf(stderr, "siprelayctl %s: %s: not a number: '%s'\n", cmd, opt, s);
	return -1;
}

int
ctl_parse_duration(const char *cmd, const char *opt, const char *s, unsigned long long *out)
{
	static const struct { char c; unsigned long long mul; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char buf[24];
	size_t n = strlen(s);
	unsigned long long mul = 1;

	if (n == 0 || n >= sizeof(buf))
		return ctl_parse_u64(cmd, opt, "", out);
	memcpy(buf, s, n + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (buf[n - 1] == units[i].c) {
			mul = units[i].mul;
			buf[n - 1] = '\0';
		}
	if (buf[0] == '\0' || ctl_parse_u64(cmd, opt, buf, out) < 0) {
		if (buf[0] == '\0')
			fprintf(stderr, "siprelayctl %s: %s: not a duration: '%s'\n", cmd, opt, s);
		return -1;
	}
	if (*out > 0xffffffffull / mul) {
		fprintf(stderr, "siprelayctl %s: %s: too long: '%s'\n", cmd, opt, s);
		return -1;
	}
	*out *= mul;
	return 0;
}

int
ctl_print(const struct ctl_opts *opts, bool json, json_t *ans, char *raw,
	  void (*table)(json_t *ans))
{
	(void)opts;
	if (json)
		printf("%s\n", raw);
	else
		table(ans);
	json_decref(ans);
	free(raw);
	return CTL_EXIT_OK;
}

int
ctl_args(const char *cmd, const char *usage, int argc, char **argv,
	 const struct ctl_optval *opt, unsigned int n_opt, bool *json, char **pos,
	 int max_pos, int *n_pos)
{
	*n_pos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		unsigned int k;

		if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			*json = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: siprelayctl %s %s\n", cmd, usage);
			return 1;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (*n_pos == max_pos) {
				fprintf(stderr, "siprelayctl %s: unexpected argument '%s'\n"
					"usage: siprelayctl %s %s\n", cmd, a, cmd, usage);
				return -1;
			}
			pos[(*n_pos)++] = argv[i];
			continue;
		}
		for (k = 0; k < n_opt; k++) {
			size_t n = strlen(opt[k].name);

			if (strncmp(a, opt[k].name, n) != 0 || (a[n] != '\0' && a[n] != '='))
				continue;
			if (a[n] == '=') {
				*opt[k].val = a + n + 1;
			} else if (i + 1 < argc) {
				*opt[k].val = argv[++i];
			} else {
				fprintf(stderr, "siprelayctl %s: %s needs a value\n", cmd, opt[k].name);
				return -1;
			}
			break;
		}
		if (k == n_opt) {
			fprintf(stderr, "siprelayctl %s: unknown option '%s'\nusage: siprelayctl %s %s\n",
				cmd, a, cmd, usage);
			return -1;
		}
	}
	return 0;
}

int
ctl_put_str(json_t *req, const char *cmd, const char *key, const char *v)
{
	json_t *j = json_string(v);

	if (j == NULL) {
		fprintf(stderr, "siprelayctl %s: %s: not UTF-8 text\n", cmd, key);
		return -1;
	}
	json_object_set_new(req, key, j);
	return 0;
}
