/* SPDX-License-Identifier: BSD-3-Clause */
/* Endpoints as text and back, and which of them are the relay's own. The proxy does no
 * DNS: every next hop must be an IP literal. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "sp_internal.h"

/* host as in a Via sent-by or a URI ("[v6]" or v4; IPv6 brackets optional); port 0 is
 * the SIP default 5060. */
int sp_ep_parse(struct sr_slice host, uint16_t port, struct relay_ep *ep)
{
	char buf[SP_HOST_MAX];
	const char *p = host.p;
	uint32_t n = host.len;

	memset(ep, 0, sizeof(*ep));
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, ep->addr) == 1)
		ep->family = RELAY_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, buf, ep->addr) == 1)
		ep->family = RELAY_FAMILY_IPV6;
	else
		return -EINVAL;
	ep->port = port ? port : 5060;
	return 0;
}

void sp_ep_host(const struct relay_ep *ep, bool brackets, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (ep->family == RELAY_FAMILY_IPV6) {
		inet_ntop(AF_INET6, ep->addr, a, sizeof(a));
		snprintf(buf, n, brackets ? "[%s]" : "%s", a);
	} else {
		inet_ntop(AF_INET, ep->addr, a, sizeof(a));
		snprintf(buf, n, "%s", a);
	}
}

bool sp_ep_eq(const struct relay_ep *a, const struct relay_ep *b)
{
	size_t n = a->family == RELAY_FAMILY_IPV4 ? 4 : 16;

	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, n) == 0;
}

/* Position in cfg.iface of the data plane's interface index, or -1. */
int sp_iface_pos(const struct sr_proxy *p, uint8_t index)
{
	for (unsigned i = 0; i < p->cfg.n_ifaces; i++)
		if (p->cfg.iface[i].index == index)
			return (int)i;
	return -1;
}

/* Position of the interface whose SIP address is ep, or -1. */
int sp_ep_ours(const struct sr_proxy *p, const struct relay_ep *ep)
{
	for (unsigned i = 0; i < p->cfg.n_ifaces; i++)
		if (sp_ep_eq(&p->cfg.iface[i].sip, ep))
			return (int)i;
	return -1;
}
