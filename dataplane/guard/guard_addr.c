/* SPDX-License-Identifier: BSD-3-Clause */
/* Address and prefix text <-> the 16-byte form of the guard tables. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/guard.h>

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void
sr_addr_map4(const uint8_t v4[4], uint8_t out[16])
{
	memcpy(out, v4_mapped, sizeof(v4_mapped));
	memcpy(out + 12, v4, 4);
}

bool
sr_addr_is_v4(const uint8_t addr[16])
{
	return memcmp(addr, v4_mapped, sizeof(v4_mapped)) == 0;
}

/* Are the bits of addr past len all zero? */
static bool
host_bits_zero(const uint8_t addr[16], uint32_t len)
{
	for (uint32_t bit = len; bit < 128; bit++)
		if (addr[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

/* A decimal length of at most max, digits only ("024" is fine, "+1", " 1" are not). */
static int
parse_len(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int
sr_prefix_parse(const char *s, struct sr_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint8_t v4[4];
	uint32_t len;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, v4) == 1) {
		sr_addr_map4(v4, p->addr);
		len = 32;
		if (slash != NULL && parse_len(slash, 32, &len) < 0)
			return -EINVAL;
		len += 96;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		len = 128;
		if (slash != NULL && parse_len(slash, 128, &len) < 0)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (!host_bits_zero(p->addr, len))
		return -EINVAL;
	p->len = len;
	return 0;
}

void
sr_prefix_format(const struct sr_prefix *p, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	bool v4 = sr_addr_is_v4(p->addr) && p->len >= 96;
	uint32_t plen = v4 ? p->len - 96 : p->len;

	if (v4)
		inet_ntop(AF_INET, p->addr + 12, ip, sizeof(ip));
	else
		inet_ntop(AF_INET6, p->addr, ip, sizeof(ip));
	if (plen == (v4 ? 32u : 128u))
		snprintf(buf, len, "%s", ip);
	else
		snprintf(buf, len, "%s/%u", ip, plen);
}
