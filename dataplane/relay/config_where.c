/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config_where.h"

#define LINE_MAX_LEN 1024

/* Trim in place: comments (';' to the end, as rte_cfgfile reads them) and blanks. */
static char *
trim(char *s)
{
	char *semi = strchr(s, ';'), *e;

	if (semi != NULL)
		*semi = '\0';
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "[sec] key: ..." -> sec and key (key may be empty). */
static int
named(const char *reason, char *sec, size_t sec_len, char *key, size_t key_len)
{
	const char *close, *colon;

	if (reason[0] != '[' || (close = strchr(reason, ']')) == NULL)
		return -1;
	snprintf(sec, sec_len, "%.*s", (int)(close - reason - 1), reason + 1);
	colon = strchr(close, ':');
	key[0] = '\0';
	if (close[1] != ' ' || colon == NULL)
		return 0;
	snprintf(key, key_len, "%.*s", (int)(colon - close - 2), close + 2);
	return 0;
}

void
relay_config_where(const char *path, const char *reason, char *out, size_t len)
{
	char buf[LINE_MAX_LEN], cur[128] = "", sec[128], key[128];
	unsigned int n = 0, sec_line = 0, key_line = 0;
	bool have_name = named(reason, sec, sizeof(sec), key, sizeof(key)) == 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(out, len, "%s: %s", path, reason);
		return;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		char *s = trim(buf), *eq;

		n++;
		if (*s == '\0')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (close == NULL) {
				snprintf(out, len, "%s:%u: section header without ']'", path, n);
				fclose(f);
				return;
			}
			snprintf(cur, sizeof(cur), "%.*s", (int)(close - s - 1), s + 1);
			if (have_name && !sec_line && strcmp(cur, sec) == 0)
				sec_line = n;
			continue;
		}
		/* a word without '=' is a key with an empty value to rte_cfgfile (the
		 * data plane loads with CFG_FLAG_EMPTY_VALUES) */
		if (cur[0] == '\0') {
			snprintf(out, len, "%s:%u: setting outside a [section]", path, n);
			fclose(f);
			return;
		}
		eq = strchr(s, '=');
		if (eq != NULL)
			*eq = '\0';
		s = trim(s);
		if (have_name && !key_line && key[0] && strcmp(cur, sec) == 0 && strcmp(s, key) == 0)
			key_line = n;
	}
	fclose(f);
	if (key_line || sec_line)
		snprintf(out, len, "%s:%u: %s", path, key_line ? key_line : sec_line, reason);
	else
		snprintf(out, len, "%s: %s", path, reason);
}
