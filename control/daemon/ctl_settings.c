/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_settings.h"

void
ctl_settings_default(struct ctl_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->tmo.idle_s = TMO_DEFAULT_IDLE_S;
	s->tmo.final_s = TMO_DEFAULT_FINAL_S;
	s->tmo.offer_s = TMO_DEFAULT_OFFER_S;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One key of [control]; 0, 1 (not ours) or -EINVAL. */
static int
apply(struct ctl_settings *s, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off;
	} secs[] = {
		{ "idle_timeout", offsetof(struct ctl_settings, tmo.idle_s) },
		{ "final_timeout", offsetof(struct ctl_settings, tmo.final_s) },
		{ "offer_timeout", offsetof(struct ctl_settings, tmo.offer_s) },
	};

	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (strcmp(key, secs[i].key) == 0)
			return timeouts_parse_s(val, (uint32_t *)((char *)s + secs[i].off));
	if (strcmp(key, "socket_group") == 0) {
		if (strlen(val) >= sizeof(s->socket_group))
			return -EINVAL;
		snprintf(s->socket_group, sizeof(s->socket_group), "%s", val);
		return 0;
	}
	return 1;
}

int
ctl_settings_load(struct ctl_settings *s, const char *path, char *err, size_t len)
{
	char line[512];
	unsigned int no = 0;
	int in_control = 0, ret = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		ret = -errno;
		snprintf(err, len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *l = trim(line), *eq, *val;

		no++;
		if (*l == ';' || *l == '#' || *l == '\0')
			continue;
		if (*l == '[') {
			in_control = strcmp(l, "[control]") == 0;
			continue;
		}
		eq = strchr(l, '=');
		if (!in_control)
			continue;
		if (eq == NULL) {
			snprintf(err, len, "%s:%u: [control] expects key = value", path, no);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		val = trim(eq + 1);
		/* a trailing comment, as in the examples */
		for (char *c = val; *c; c++)
			if ((*c == ';' || *c == '#') && (c == val || isspace((unsigned char)c[-1]))) {
				*c = '\0';
				val = trim(val);
				break;
			}
		if (apply(s, trim(l), val) < 0) {
			snprintf(err, len, "%s:%u: [control] %s: invalid value '%s' (seconds 0..%u, "
				 "group names up to %d characters)", path, no, trim(l), val,
				 TMO_MAX_S, CTL_GROUP_MAX - 1);
			ret = -EINVAL;
		}
	}
	fclose(f);
	return ret;
}
