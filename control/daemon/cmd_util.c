/* SPDX-License-Identifier: BSD-3-Clause */
/* What the command handlers share: errors, addresses, times. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl_cmds.h"

json_t *
ctl_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_pack("{s:s}", "error", buf);
}

json_t *
ctl_dp_error(const char *what, int err)
{
	switch (err) {
	case -ENOTCONN:
		return ctl_error("%s: data plane not connected", what);
	case -ETIMEDOUT:
		return ctl_error("%s: data plane did not answer", what);
	case -EOPNOTSUPP:
		return ctl_error("%s: the data plane does not support this", what);
	default:
		return ctl_error("%s: data plane: %s", what, strerror(-err));
	}
}

json_t *
ctl_addr_json(const struct dp_addr *a)
{
	char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	if (a->family == DP_FAMILY_IPV4)
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
	else if (a->family == DP_FAMILY_IPV6)
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
	else
		return json_null();
	snprintf(buf, sizeof(buf), a->family == DP_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u", ip,
		 a->port);
	return json_string(buf);
}

json_t *
ctl_time_json(int64_t ms_from_now)
{
	struct timespec now;
	struct tm tm;
	time_t t;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &now);
	t = now.tv_sec + (time_t)((now.tv_nsec / 1000000 + ms_from_now) / 1000);
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

json_t *
ctl_text_json(const char *s)
{
	char clean[512];
	size_t k = 0;
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	/* not UTF-8 (a Call-ID from the wire): bytes past ASCII become '?' */
	for (; *s && k < sizeof(clean) - 1; s++)
		clean[k++] = (unsigned char)*s < 0x80 ? *s : '?';
	clean[k] = '\0';
	return json_string(clean);
}
