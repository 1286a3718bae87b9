/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ifaces.h"

void
ifaces_default(struct ifaces *ifs)
{
	snprintf(ifs->access, sizeof(ifs->access), "access");
	snprintf(ifs->core, sizeof(ifs->core), "core");
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

int
ifaces_from_config(struct ifaces *ifs, const char *path, char *err, unsigned int len)
{
	char line[512], names[2][IFACE_NAME_MAX], cur[IFACE_NAME_MAX] = "";
	char role_access[IFACE_NAME_MAX] = "", role_core[IFACE_NAME_MAX] = "";
	unsigned int n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		int e = errno;

		snprintf(err, len, "%s: %s", path, strerror(e));
		return -e;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq;

		if (*s == ';' || *s == '#' || *s == '\0')
			continue;
		if (*s == '[') {
			cur[0] = '\0';
			if (strncmp(s, "[interface ", 11) == 0 && s[strlen(s) - 1] == ']') {
				s[strlen(s) - 1] = '\0';
				snprintf(cur, sizeof(cur), "%s", trim(s + 11));
				if (n < 2)
					snprintf(names[n++], IFACE_NAME_MAX, "%s", cur);
			}
			continue;
		}
		eq = strchr(s, '=');
		if (cur[0] == '\0' || eq == NULL)
			continue;
		*eq = '\0';
		if (strcmp(trim(s), "role") != 0)
			continue;
		s = trim(eq + 1);
		if (strcmp(s, "access") == 0)
			snprintf(role_access, sizeof(role_access), "%s", cur);
		else if (strcmp(s, "core") == 0)
			snprintf(role_core, sizeof(role_core), "%s", cur);
	}
	fclose(f);
	if (n < 2) {
		snprintf(err, len, "%s: needs two [interface NAME] sections, found %u", path, n);
		return -EINVAL;
	}
	snprintf(ifs->access, sizeof(ifs->access), "%s", role_access[0] ? role_access : names[0]);
	snprintf(ifs->core, sizeof(ifs->core), "%s", role_core[0] ? role_core : names[1]);
	if (strcmp(ifs->access, ifs->core) == 0)
		snprintf(ifs->core, sizeof(ifs->core), "%s",
			 strcmp(names[0], ifs->access) ? names[0] : names[1]);
	return 0;
}
