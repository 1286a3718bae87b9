/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "config_sip.h"

static int
bad(char *err, size_t len, const char *sec, const char *key, const char *val)
{
	snprintf(err, len, "[%s] %s: invalid value '%s'", sec, key, val ? val : "");
	return -EINVAL;
}

static int
get_u32(struct rte_cfgfile *f, const char *sec, const char *key, uint32_t max, uint32_t *out,
	char *err, size_t len)
{
	const char *v = rte_cfgfile_get_entry(f, sec, key);
	char *end;
	unsigned long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end != '\0' || n > max)
		return bad(err, len, sec, key, v);
	*out = (uint32_t)n;
	return 0;
}

static int
get_bool(struct rte_cfgfile *f, const char *sec, const char *key, bool *out, char *err, size_t len)
{
	const char *v = rte_cfgfile_get_entry(f, sec, key);

	if (v == NULL)
		return 0;
	if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return bad(err, len, sec, key, v);
	return 0;
}

/* "a.b.c.d[:port]" or "[v6][:port]"; port defaults to 5060. */
static int
parse_hostport(const char *v, struct relay_ep *ep)
{
	char buf[64], *host = buf, *port = NULL;
	unsigned long p = 5060;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (close == NULL)
			return -EINVAL;
		*close = '\0';
		host = buf + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return -EINVAL;
	} else if ((port = strchr(buf, ':')) != NULL) {
		*port++ = '\0';
	}
	if (port != NULL) {
		char *end;
		p = strtoul(port, &end, 10);
		if (*port == '\0' || *end != '\0' || p == 0 || p > 65535)
			return -EINVAL;
	}
	memset(ep, 0, sizeof(*ep));
	ep->port = (uint16_t)p;
	if (inet_pton(AF_INET, host, ep->addr) == 1)
		ep->family = RELAY_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, host, ep->addr) == 1)
		ep->family = RELAY_FAMILY_IPV6;
	else
		return -EINVAL;
	return 0;
}

int
relay_config_sip_load(struct relay_sip_settings *s, struct rte_cfgfile *f,
		      const struct relay_iface *ifaces, char *const *iface_sections,
		      unsigned int n_ifaces, char *err, size_t len)
{
	const char *sec = "sip", *v;
	bool access = false;
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->max_sessions = 4096;
	s->half_open_s = 60;
	s->retry_after_s = 5;
	s->max_sources = 65536;
	s->max_bans = 65536;
	s->record_route = true;
	s->strip_ice = true;
	snprintf(s->server, sizeof(s->server), "siprelay");
	s->max_bindings = 4096;
	s->keepalive = 2; /* SR_PROXY_KA_OPTIONS */
	s->keepalive_interval_s = 30;
	s->keepalive_max_missed = 3;

	for (i = 0; i < n_ifaces; i++) {
		v = rte_cfgfile_get_entry(f, iface_sections[i], "role");
		if (v == NULL || !strcmp(v, "none"))
			continue;
		if (!strcmp(v, "access"))
			s->role[ifaces[i].index] = RELAY_ROLE_ACCESS;
		else if (!strcmp(v, "core"))
			s->role[ifaces[i].index] = RELAY_ROLE_CORE;
		else
			return bad(err, len, iface_sections[i], "role", v);
		access |= s->role[ifaces[i].index] == RELAY_ROLE_ACCESS;
		s->enabled = true;
	}
	if ((v = rte_cfgfile_get_entry(f, sec, "upstream")) != NULL && parse_hostport(v, &s->upstream) < 0)
		return bad(err, len, sec, "upstream", v);
	if (access && s->upstream.family == RELAY_FAMILY_NONE) {
		snprintf(err, len, "[sip] upstream: required when an interface has role = access");
		return -EINVAL;
	}
	if ((ret = get_u32(f, sec, "cps_limit", 1000000, &s->cps_limit, err, len)) ||
	    (ret = get_u32(f, sec, "cps_burst", 1000000, &s->cps_burst, err, len)) ||
	    (ret = get_u32(f, sec, "source_rate", 1000000, &s->source_rate, err, len)) ||
	    (ret = get_u32(f, sec, "source_burst", 1000000, &s->source_burst, err, len)) ||
	    (ret = get_u32(f, sec, "max_sources", 1u << 24, &s->max_sources, err, len)) ||
	    (ret = get_u32(f, sec, "max_bans", 1u << 22, &s->max_bans, err, len)) ||
	    (ret = get_u32(f, sec, "max_sessions", 1u << 22, &s->max_sessions, err, len)) ||
	    (ret = get_u32(f, sec, "half_open_timeout", 86400, &s->half_open_s, err, len)) ||
	    (ret = get_u32(f, sec, "retry_after", 86400, &s->retry_after_s, err, len)) ||
	    (ret = get_bool(f, sec, "record_route", &s->record_route, err, len)) ||
	    (ret = get_bool(f, sec, "strip_ice", &s->strip_ice, err, len)) ||
	    (ret = get_bool(f, sec, "force_rport", &s->force_rport, err, len)) ||
	    (ret = get_u32(f, sec, "max_registrations", 1u << 20, &s->max_bindings, err, len)) ||
	    (ret = get_u32(f, sec, "keepalive_interval", 3600, &s->keepalive_interval_s, err, len)) ||
	    (ret = get_u32(f, sec, "keepalive_max_missed", 100, &s->keepalive_max_missed, err, len)))
		return ret;
	if (s->keepalive_interval_s == 0)
		return bad(err, len, sec, "keepalive_interval", "0");
	if (s->keepalive_max_missed == 0)
		return bad(err, len, sec, "keepalive_max_missed", "0");
	/* keepalives to registered phones behind NAT: off, crlf (RFC 5626) or options */
	if ((v = rte_cfgfile_get_entry(f, sec, "keepalive")) != NULL) {
		if (!strcmp(v, "off"))
			s->keepalive = 0;
		else if (!strcmp(v, "crlf"))
			s->keepalive = 1;
		else if (!strcmp(v, "options"))
			s->keepalive = 2;
		else
			return bad(err, len, sec, "keepalive", v);
	}
	if (s->max_sessions == 0)
		return bad(err, len, sec, "max_sessions", "0");
	if (s->max_sources == 0)
		return bad(err, len, sec, "max_sources", "0");
	if (s->max_bans == 0)
		return bad(err, len, sec, "max_bans", "0");
	if ((v = rte_cfgfile_get_entry(f, sec, "on_port_exhaustion")) != NULL) {
		if (strcmp(v, "refuse") && strcmp(v, "bypass"))
			return bad(err, len, sec, "on_port_exhaustion", v);
		s->bypass_on_exhaustion = !strcmp(v, "bypass");
	}
	if ((v = rte_cfgfile_get_entry(f, sec, "server")) != NULL) {
		if (strlen(v) >= sizeof(s->server))
			return bad(err, len, sec, "server", v);
		snprintf(s->server, sizeof(s->server), "%s", v);
	}
	return 0;
}
