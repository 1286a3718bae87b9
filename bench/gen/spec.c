/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsers for srgen's and srsink's command-line values (spec.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

/* A decimal number in [lo, hi] spanning exactly s[0..n). */
static int
parse_uint(const char *s, size_t n, unsigned long lo, unsigned long hi, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
spec_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
spec_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL; /* strtoull would take a sign or blanks */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A dotted IPv4 address spanning exactly s[0..n). */
static int
parse_ip4(const char *s, size_t n, uint32_t *addr)
{
	char t[INET_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(t))
		return -EINVAL;
	memcpy(t, s, n);
	t[n] = '\0';
	return inet_pton(AF_INET, t, addr) == 1 ? 0 : -EINVAL;
}

static int
parse_hostport(const char *s, size_t n, uint32_t *addr, uint16_t *port)
{
	const char *colon = memchr(s, ':', n);
	unsigned long p;
	uint32_t a;

	if (colon == NULL || parse_ip4(s, (size_t)(colon - s), &a) < 0 ||
	    parse_uint(colon + 1, n - (size_t)(colon + 1 - s), 1, 65535, &p) < 0)
		return -EINVAL;
	*addr = a;
	*port = (uint16_t)p;
	return 0;
}

int
spec_hostport(const char *s, uint32_t *addr, uint16_t *port)
{
	return parse_hostport(s, strlen(s), addr, port);
}

int
spec_flow(const char *s, struct gen_flow *f)
{
	const char *dash = strchr(s, '-');
	struct gen_flow t = {0};

	if (dash == NULL || parse_hostport(s, (size_t)(dash - s), &t.src, &t.sport) < 0 ||
	    spec_hostport(dash + 1, &t.dst, &t.dport) < 0)
		return -EINVAL;
	*f = t;
	return 0;
}

int
spec_prefix(const char *s, uint32_t *net, unsigned *len)
{
	const char *slash = strchr(s, '/');
	unsigned long l;
	uint32_t a, mask;

	if (slash == NULL || parse_ip4(s, (size_t)(slash - s), &a) < 0 ||
	    parse_uint(slash + 1, strlen(slash + 1), 0, 32, &l) < 0)
		return -EINVAL;
	mask = l == 0 ? 0 : htonl(~0u << (32 - l));
	if ((a & ~mask) != 0)
		return -EINVAL; /* host bits set: most likely a typo */
	*net = a;
	*len = (unsigned)l;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
spec_mac(const char *s, uint8_t mac[6])
{
	uint8_t t[6];

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		t[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, t, 6);
	return 0;
}

int
spec_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	const char *dash = strchr(s, '-');
	unsigned long a, b;

	if (dash == NULL) {
		if (parse_uint(s, strlen(s), 1, 65535, &a) < 0)
			return -EINVAL;
		b = a;
	} else if (parse_uint(s, (size_t)(dash - s), 1, 65535, &a) < 0 ||
		   parse_uint(dash + 1, strlen(dash + 1), 1, 65535, &b) < 0 || a > b) {
		return -EINVAL;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int
flow_list_add(struct flow_list *l, const struct gen_flow *f)
{
	if (l->n == SPEC_MAX_FLOWS)
		return -E2BIG;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct gen_flow *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *f;
	return 0;
}

void
flow_list_free(struct flow_list *l)
{
	free(l->v);
	*l = (struct flow_list){0};
}

/* The line without comment and surrounding blanks, in place. */
static char *
trim(char *s)
{
	char *e;

	s[strcspn(s, "#\r\n")] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
flow_list_read(struct flow_list *l, FILE *in, unsigned *line)
{
	char buf[256];
	unsigned no = 0;
	int err;

	*line = 0;
	while (fgets(buf, sizeof(buf), in) != NULL) {
		struct gen_flow f;
		char *s;

		no++;
		if (strchr(buf, '\n') == NULL && !feof(in)) {
			*line = no; /* longer than any flow can be */
			return -EINVAL;
		}
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (spec_flow(s, &f) < 0) {
			*line = no;
			return -EINVAL;
		}
		err = flow_list_add(l, &f);
		if (err < 0) {
			*line = no;
			return err;
		}
	}
	return ferror(in) ? -EIO : 0;
}
