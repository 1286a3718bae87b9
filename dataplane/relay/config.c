/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_ether.h>

#include <siprelay/relay_types.h>

#include "config.h"

#define IFACE_PREFIX "interface "

void
relay_config_defaults(struct relay_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket_path, sizeof(c->socket_path), "/run/siprelay/dataplane.sock");
	c->socket_mode = 0660;
	c->capacity = 65536;
	c->mbufs = 16383;
	c->idle_sleep_us = 200;
	c->relatch_after = 10;
	c->neigh_timeout_s = 300;
	c->neigh_size = 4096;
	relay_config_security_defaults(&c->security);
}

static int
fail(char *err, size_t len, int ret, const char *sec, const char *what, const char *val)
{
	snprintf(err, len, "[%s] %s: invalid value '%s'", sec, what, val ? val : "");
	return ret;
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end != '\0' || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "1"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* "a.b.c.d[/len]" or "x::y[/len]" into addr (4 or 16 bytes). */
static int
parse_prefix(const char *s, int af, void *addr, uint8_t *plen)
{
	char buf[64], *slash;
	uint32_t len = af == AF_INET ? 32 : 128;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_u32(slash + 1, len, &len) < 0)
			return -EINVAL;
	}
	if (inet_pton(af, buf, addr) != 1)
		return -EINVAL;
	if (plen != NULL)
		*plen = (uint8_t)len;
	return 0;
}

static int
parse_iface(struct rte_cfgfile *f, const char *sec, struct relay_iface *i, char *err,
	    size_t len)
{
	const char *v;
	uint32_t lo, hi, sip;
	char *dash;
	uint8_t plen;

	snprintf(i->name, sizeof(i->name), "%s", sec + strlen(IFACE_PREFIX));
	v = rte_cfgfile_get_entry(f, sec, "port");
	if (v == NULL || strlen(v) >= sizeof(i->dev))
		return fail(err, len, -EINVAL, sec, "port", v);
	snprintf(i->dev, sizeof(i->dev), "%s", v);
	v = rte_cfgfile_get_entry(f, sec, "ipv4");
	if (v && parse_prefix(v, AF_INET, &i->ip4, &i->ip4_plen) < 0)
		return fail(err, len, -EINVAL, sec, "ipv4", v);
	v = rte_cfgfile_get_entry(f, sec, "ipv4_pool");
	if (v && parse_prefix(v, AF_INET, &i->pool4, &i->pool4_plen) < 0)
		return fail(err, len, -EINVAL, sec, "ipv4_pool", v);
	i->pool4 &= relay_mask4(i->pool4_plen);
	v = rte_cfgfile_get_entry(f, sec, "gateway4");
	if (v && parse_prefix(v, AF_INET, &i->gw4, NULL) < 0)
		return fail(err, len, -EINVAL, sec, "gateway4", v);
	v = rte_cfgfile_get_entry(f, sec, "gateway4_mac");
	if (v) {
		if (rte_ether_unformat_addr(v, (struct rte_ether_addr *)i->gw4_mac) < 0)
			return fail(err, len, -EINVAL, sec, "gateway4_mac", v);
		i->gw4_mac_static = true;
	}
	v = rte_cfgfile_get_entry(f, sec, "ipv6");
	if (v) {
		if (parse_prefix(v, AF_INET6, i->ip6[0], &plen) < 0)
			return fail(err, len, -EINVAL, sec, "ipv6", v);
		i->ip6_prefixlen = plen;
		i->n_ip6 = 1;
	}
	v = rte_cfgfile_get_entry(f, sec, "gateway6");
	if (v && parse_prefix(v, AF_INET6, i->gw6, NULL) < 0)
		return fail(err, len, -EINVAL, sec, "gateway6", v);
	v = rte_cfgfile_get_entry(f, sec, "gateway6_mac");
	if (v) {
		if (rte_ether_unformat_addr(v, (struct rte_ether_addr *)i->gw6_mac) < 0)
			return fail(err, len, -EINVAL, sec, "gateway6_mac", v);
		i->gw6_mac_static = true;
	}
	v = rte_cfgfile_get_entry(f, sec, "sip_port");
	sip = 5060;
	if (v && parse_u32(v, 65535, &sip) < 0)
		return fail(err, len, -EINVAL, sec, "sip_port", v);
	i->sip_port = (uint16_t)sip;
	v = rte_cfgfile_get_entry(f, sec, "media_ports");
	lo = 10000, hi = 59999;
	if (v) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%s", v);
		dash = strchr(buf, '-');
		if (dash == NULL)
			return fail(err, len, -EINVAL, sec, "media_ports", v);
		*dash = '\0';
		if (parse_u32(buf, 65535, &lo) < 0 || parse_u32(dash + 1, 65535, &hi) < 0 ||
		    lo > hi || hi - lo < 3)
			return fail(err, len, -EINVAL, sec, "media_ports", v);
	}
	v = rte_cfgfile_get_entry(f, sec, "udp_checksum");
	if (v != NULL) {
		if (!strcmp(v, "auto"))
			i->udp_checksum = RELAY_UDP_CSUM_AUTO;
		else if (!strcmp(v, "update"))
			i->udp_checksum = RELAY_UDP_CSUM_UPDATE;
		else if (!strcmp(v, "recompute"))
			i->udp_checksum = RELAY_UDP_CSUM_RECOMPUTE;
		else
			return fail(err, len, -EINVAL, sec, "udp_checksum", v);
	}
	i->media_lo = (uint16_t)((lo + 1) & ~1u); /* RTP on even ports */
	i->media_hi = (uint16_t)hi;
	i->media_next = i->media_lo;
	if (i->ip4 == 0 && i->n_ip6 == 0)
		return fail(err, len, -EINVAL, sec, "ipv4/ipv6", "(none)");
	return 0;
}

static int
parse_global(struct rte_cfgfile *f, struct relay_config *c, char *err, size_t len)
{
	const char *s = "dataplane", *v;
	bool b;

	if (!rte_cfgfile_has_section(f, s))
		return 0;
	if ((v = rte_cfgfile_get_entry(f, s, "socket")) != NULL) {
		if (strlen(v) >= sizeof(c->socket_path))
			return fail(err, len, -EINVAL, s, "socket", v);
		snprintf(c->socket_path, sizeof(c->socket_path), "%s", v);
	}
	if ((v = rte_cfgfile_get_entry(f, s, "socket_mode")) && parse_u32(v, 0777, &c->socket_mode))
		return fail(err, len, -EINVAL, s, "socket_mode", v);
	if ((v = rte_cfgfile_get_entry(f, s, "socket_group")) != NULL) {
		if (strlen(v) >= sizeof(c->socket_group))
			return fail(err, len, -EINVAL, s, "socket_group", v);
		snprintf(c->socket_group, sizeof(c->socket_group), "%s", v);
	}
	if ((v = rte_cfgfile_get_entry(f, s, "capacity")) &&
	    (parse_u32(v, 1u << 24, &c->capacity) || c->capacity == 0))
		return fail(err, len, -EINVAL, s, "capacity", v);
	if ((v = rte_cfgfile_get_entry(f, s, "mbufs")) && parse_u32(v, 1u << 24, &c->mbufs))
		return fail(err, len, -EINVAL, s, "mbufs", v);
	if ((v = rte_cfgfile_get_entry(f, s, "polling")) != NULL) {
		if (strcmp(v, "busy") && strcmp(v, "adaptive"))
			return fail(err, len, -EINVAL, s, "polling", v);
		c->adaptive_poll = !strcmp(v, "adaptive");
	}
	if ((v = rte_cfgfile_get_entry(f, s, "idle_sleep_us")) &&
	    parse_u32(v, 100000, &c->idle_sleep_us))
		return fail(err, len, -EINVAL, s, "idle_sleep_us", v);
	if ((v = rte_cfgfile_get_entry(f, s, "latching")) != NULL) {
		if (parse_bool(v, &b))
			return fail(err, len, -EINVAL, s, "latching", v);
		if (!b)
			c->leg_flags |= RELAY_LEG_NO_LATCH;
	}
	if ((v = rte_cfgfile_get_entry(f, s, "strict_source")) != NULL) {
		if (parse_bool(v, &b))
			return fail(err, len, -EINVAL, s, "strict_source", v);
		if (b)
			c->leg_flags |= RELAY_LEG_STRICT;
	}
	if ((v = rte_cfgfile_get_entry(f, s, "relatch_packets")) != NULL) {
		uint32_t n;
		if (parse_u32(v, 255, &n))
			return fail(err, len, -EINVAL, s, "relatch_packets", v);
		c->relatch_after = (uint8_t)n;
	}
	if ((v = rte_cfgfile_get_entry(f, s, "neighbour_timeout")) &&
	    parse_u32(v, 86400, &c->neigh_timeout_s))
		return fail(err, len, -EINVAL, s, "neighbour_timeout", v);
	if ((v = rte_cfgfile_get_entry(f, s, "preload_streams")) &&
	    parse_u32(v, 1u << 24, &c->preload))
		return fail(err, len, -EINVAL, s, "preload_streams", v);
	return 0;
}

int
relay_config_load(struct relay_config *c, const char *path, char *err, size_t len)
{
	struct rte_cfgfile *f;
	int n, k, ret;

	if (strlen(path) >= sizeof(c->path)) {
		snprintf(err, len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	/* "socket =" (empty) turns the channel off */
	f = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (f == NULL) {
		snprintf(err, len, "%s: cannot read or parse", path);
		return -EINVAL;
	}
	ret = parse_global(f, c, err, len);
	{
		char *ptrs[RELAY_MAX_IFACES * 4 + 8];
		char bufs[RELAY_MAX_IFACES * 4 + 8][CFG_NAME_LEN];

		n = rte_cfgfile_num_sections(f, NULL, 0);
		if (n > (int)RTE_DIM(ptrs))
			n = RTE_DIM(ptrs);
		for (k = 0; k < n; k++)
			ptrs[k] = bufs[k];
		n = rte_cfgfile_sections(f, ptrs, n);
		char *iface_secs[RELAY_MAX_IFACES];

		for (k = 0; ret == 0 && k < n; k++) {
			if (strncmp(ptrs[k], IFACE_PREFIX, strlen(IFACE_PREFIX)) != 0)
				continue;
			if (c->n_ifaces == RELAY_MAX_IFACES) {
				snprintf(err, len, "more than %d interfaces", RELAY_MAX_IFACES);
				ret = -E2BIG;
				break;
			}
			c->iface[c->n_ifaces].index = (uint8_t)c->n_ifaces;
			iface_secs[c->n_ifaces] = ptrs[k];
			ret = parse_iface(f, ptrs[k], &c->iface[c->n_ifaces], err, len);
			c->n_ifaces++;
		}
		if (ret == 0)
			ret = relay_config_sip_load(&c->sip, f, c->iface, iface_secs, c->n_ifaces,
						    err, len);
		if (ret == 0)
			ret = relay_config_security_load(&c->security, f, path, err, len);
	}
	rte_cfgfile_close(f);
	if (ret == 0 && c->n_ifaces == 0) {
		snprintf(err, len, "%s: no [interface NAME] section", path);
		ret = -EINVAL;
	}
	return ret;
}

const struct relay_iface *
relay_config_iface(const struct relay_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ifaces; i++)
		if (strcmp(c->iface[i].name, name) == 0)
			return &c->iface[i];
	return NULL;
}
