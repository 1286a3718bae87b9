/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "config_security.h"

#define SEC "security"

void
relay_config_security_defaults(struct relay_security_settings *s)
{
	memset(s, 0, sizeof(*s));
	/* fail2ban's usual asterisk jail: 5 failures in a minute, banned for 10 minutes */
	s->ab.auth_fail_count = 5;
	s->ab.auth_fail_window_s = 60;
	s->ab.auth_fail_ban_s = 600;
	/* flooding is off until a limit is given: what is a flood depends on the site */
	s->ab.flood_rate = 0;
	s->ab.flood_window_s = 5;
	s->ab.flood_ban_s = 600;
	s->max_sources = 65536;
}

static int
get_u32(struct rte_cfgfile *f, const char *key, uint32_t max, uint32_t *out, char *err,
	size_t len)
{
	const char *v = rte_cfgfile_get_entry(f, SEC, key);
	unsigned long n;
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end != '\0' || n > max || v[0] == '-') {
		snprintf(err, len, "[%s] %s: invalid value '%s' (0..%u)", SEC, key, v, max);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

static int
rules_path(struct relay_security_settings *s, const char *v, const char *path, char *err,
	   size_t len)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;
	int n;

	if (v[0] == '\0')
		return 0;
	if (v[0] == '/' || slash == NULL)
		n = snprintf(s->rules, sizeof(s->rules), "%s", v);
	else
		n = snprintf(s->rules, sizeof(s->rules), "%.*s/%s", (int)(slash - path), path, v);
	if (n < 0 || (size_t)n >= sizeof(s->rules)) {
		snprintf(err, len, "[%s] rules: path too long", SEC);
		return -ENAMETOOLONG;
	}
	return 0;
}

int
relay_config_security_load(struct relay_security_settings *s, struct rte_cfgfile *f,
			   const char *path, char *err, size_t len)
{
	const uint32_t day = 86400, year = 366 * 86400;
	const char *v;
	int ret;

	relay_config_security_defaults(s);
	if ((v = rte_cfgfile_get_entry(f, SEC, "rules")) != NULL &&
	    (ret = rules_path(s, v, path, err, len)) < 0)
		return ret;
	if ((ret = get_u32(f, "auth_fail_count", 1000000, &s->ab.auth_fail_count, err, len)) ||
	    (ret = get_u32(f, "auth_fail_window", day, &s->ab.auth_fail_window_s, err, len)) ||
	    (ret = get_u32(f, "auth_fail_ban", year, &s->ab.auth_fail_ban_s, err, len)) ||
	    (ret = get_u32(f, "flood_rate", 1000000, &s->ab.flood_rate, err, len)) ||
	    (ret = get_u32(f, "flood_window", 3600, &s->ab.flood_window_s, err, len)) ||
	    (ret = get_u32(f, "flood_ban", year, &s->ab.flood_ban_s, err, len)) ||
	    (ret = get_u32(f, "max_sources", 1u << 24, &s->max_sources, err, len)))
		return ret;
	if (s->ab.auth_fail_count && s->ab.auth_fail_window_s == 0) {
		snprintf(err, len, "[%s] auth_fail_window: must be > 0 when auth_fail_count is", SEC);
		return -EINVAL;
	}
	if (s->ab.flood_rate && s->ab.flood_window_s == 0) {
		snprintf(err, len, "[%s] flood_window: must be > 0 when flood_rate is", SEC);
		return -EINVAL;
	}
	if (s->max_sources == 0) {
		snprintf(err, len, "[%s] max_sources: invalid value '0'", SEC);
		return -EINVAL;
	}
	return 0;
}
