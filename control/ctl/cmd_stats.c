/* siprelayctl stats | sessions [--json]: ask control.sock and print tables, or the
 * JSON as the daemon sent it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"

/* The daemon answers from memory plus one data plane round trip. */
#define CTL_TIMEOUT_S 5
#define CTL_MAX_ANSWER (64u << 20)

/* Send one request line, return the answer line (malloc'ed, without '\n') or NULL
 * after printing why. */
static char *
ctl_request(const char *path, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	size_t len = 0, cap = 65536;
	char *buf = NULL, *nl = NULL;
	int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "siprelayctl: %s: path too long\n", path);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "siprelayctl: cannot reach siprelay-control at %s: %s\n", path,
			strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		fprintf(stderr, "siprelayctl: %s: send: %s\n", path, strerror(errno));
		goto fail;
	}
	buf = malloc(cap);
	while (buf != NULL && nl == NULL) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = cap < CTL_MAX_ANSWER ? realloc(buf, cap * 2) : NULL;

			if (b == NULL) {
				fprintf(stderr, "siprelayctl: %s: answer too large\n", path);
				goto fail;
			}
			buf = b;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0) {
			fprintf(stderr, "siprelayctl: %s: %s\n", path,
				n == 0 ? "connection closed before an answer" :
				errno == EAGAIN ? "no answer (timeout)" : strerror(errno));
			goto fail;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	if (buf == NULL)
		goto fail;
	*nl = '\0';
	close(fd);
	return buf;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Shared by both commands: options after the subcommand, the request, the error. */
static json_t *
fetch(const struct ctl_opts *opts, int argc, char **argv, const char *req, int *json,
      char **raw)
{
	json_error_t jerr;
	json_t *j;

	*json = opts->json;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			*json = 1;
		} else {
			fprintf(stderr, "siprelayctl %s: unknown argument '%s'\n", argv[0], argv[i]);
			return NULL;
		}
	}
	*raw = ctl_request(opts->socket, req);
	if (*raw == NULL)
		return NULL;
	j = json_loads(*raw, 0, &jerr);
	if (j == NULL) {
		fprintf(stderr, "siprelayctl: %s: bad answer: %s\n", opts->socket, jerr.text);
		return NULL;
	}
	if (json_object_get(j, "error") != NULL) {
		fprintf(stderr, "siprelayctl: siprelay-control: %s\n",
			json_string_value(json_object_get(j, "error")) ?: "error");
		json_decref(j);
		return NULL;
	}
	return j;
}

static void
print_section(json_t *root, const char *name)
{
	json_t *sec = json_object_get(root, name), *v;
	const char *key;

	if (!json_is_object(sec))
		return;
	printf("%s\n", name);
	json_object_foreach(sec, key, v) {
		if (json_is_integer(v))
			printf("  %-26s %20lld\n", key, (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			printf("  %-26s %20s\n", key, json_is_true(v) ? "yes" : "no");
		else if (json_is_string(v))
			printf("  %-26s %20s\n", key, json_string_value(v));
	}
}

int
cmd_stats(const struct ctl_opts *opts, int argc, char **argv)
{
	static const char *const order[] = { "sessions", "sip", "rtp", "prefilter", "dataplane",
					     "control" };
	char *raw = NULL;
	int json;
	json_t *j = fetch(opts, argc, argv, "{\"cmd\":\"stats\"}\n", &json, &raw);

	if (j == NULL) {
		free(raw);
		return 1;
	}
	if (json) {
		printf("%s\n", raw);
	} else {
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			print_section(j, order[i]);
	}
	json_decref(j);
	free(raw);
	return 0;
}

static const char *
str_or_dash(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "-";
}

int
cmd_sessions(const struct ctl_opts *opts, int argc, char **argv)
{
	char *raw = NULL;
	int json;
	json_t *j = fetch(opts, argc, argv, "{\"cmd\":\"sessions\"}\n", &json, &raw);
	json_t *list, *s, *l;
	size_t i, k;

	if (j == NULL) {
		free(raw);
		return 1;
	}
	list = json_object_get(j, "sessions");
	if (json) {
		/* DESIGN.md: "siprelayctl sessions --json" is a list */
		char *text = json_dumps(list ? list : json_array(), JSON_COMPACT);

		printf("%s\n", text ? text : "[]");
		free(text);
		goto out;
	}
	printf("%-8s %-10s %-5s %-3s %-10s %-24s %-24s %10s %12s %6s %8s\n", "HANDLE", "SESSION",
	       "MEDIA", "LEG", "IFACE", "LOCAL", "REMOTE", "PACKETS", "BYTES", "LOST", "JITTER");
	json_array_foreach(list, i, s) {
		json_array_foreach(json_object_get(s, "legs"), k, l) {
			printf("%-8lld %-10lld %-5lld %-3c %-10s %-24s %-24s %10lld %12lld %6lld %8lld\n",
			       (long long)json_integer_value(json_object_get(s, "handle")),
			       (long long)json_integer_value(json_object_get(s, "session_id")),
			       (long long)json_integer_value(json_object_get(s, "media_index")),
			       (int)('a' + k), str_or_dash(json_object_get(l, "iface")),
			       str_or_dash(json_object_get(l, "local")),
			       str_or_dash(json_object_get(l, "remote")),
			       (long long)json_integer_value(json_object_get(l, "packets")),
			       (long long)json_integer_value(json_object_get(l, "bytes")),
			       (long long)json_integer_value(json_object_get(l, "lost")),
			       (long long)json_integer_value(json_object_get(l, "jitter")));
		}
	}
	printf("%zu streams\n", json_array_size(list));
out:
	json_decref(j);
	free(raw);
	return 0;
}
