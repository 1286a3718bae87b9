/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT detection and the Contact fix for senders behind NAT.
 *
 * A phone behind NAT advertises addresses nobody outside can reach: its Via sent-by and
 * Contact carry its private address and port, its SDP a private media address. The relay
 * tells from what it observes (the datagram's source) and, instead of refusing such a
 * party, forces media latching on its leg and points the Contact of its dialogs at the
 * NAT binding it sends from, as Kamailio's nat_uac_test / fix_nated_contact do.
 */
#include <errno.h>
#include <stdio.h>

#include "sp_internal.h"

/* RFC 1918, RFC 6598 (CGN shared space), loopback, link-local, and for IPv6 unique local
 * (RFC 4193), link-local and loopback: addresses that say "behind something". */
bool sp_ep_private(const struct relay_ep *ep)
{
	const uint8_t *a = ep->addr;

	if (ep->family == RELAY_FAMILY_IPV4)
		return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
		       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] == 127 || (a[0] == 169 && a[1] == 254);
	if (ep->family == RELAY_FAMILY_IPV6) {
		static const uint8_t loop[16] = { [15] = 1 };

		return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		       memcmp(a, loop, 16) == 0;
	}
	return false;
}

bool sp_host_private(struct sr_slice host)
{
	struct relay_ep ep;

	return sp_ep_parse(host, 1, &ep) == 0 && sp_ep_private(&ep);
}

static bool same_addr(const struct relay_ep *a, const struct relay_ep *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, a->family == RELAY_FAMILY_IPV4 ? 4 : 16) == 0;
}

/* The first Contact's URI, parsed; false when there is none usable (or Contact: *). */
static bool first_contact(const struct sr_sip_msg *m, struct sr_sip_uri *u, struct sr_sip_nameaddr *na)
{
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTACT);
	struct sr_slice rest, elem;

	if (h == NULL)
		return false;
	rest = h->value;
	return sr_sip_list_next(&rest, &elem) > 0 && sr_sip_nameaddr_parse(elem, na) == 0 && !na->star &&
	       sr_sip_uri_parse(na->uri, u) == 0 && (u->scheme == SR_URI_SIP || u->scheme == SR_URI_SIPS);
}

/* A Contact naming a private address other than where the message came from. */
static bool contact_private(const struct sr_sip_msg *m, const struct relay_ep *src)
{
	struct sr_sip_nameaddr na;
	struct sr_sip_uri u;
	struct relay_ep ep;

	if (!first_contact(m, &u, &na) || sp_ep_parse(u.host, u.port, &ep) < 0)
		return false;
	return sp_ep_private(&ep) && !sp_ep_eq(&ep, src);
}

bool sp_nat_request(const struct sr_sip_msg *m, const struct relay_ep *src)
{
	struct relay_ep via;

	/* a sent-by that is a hostname cannot be compared: only the Contact then tells */
	if (sp_ep_parse(m->top_via.host, m->top_via.port, &via) == 0 &&
	    (!same_addr(&via, src) || via.port != src->port))
		return true;
	return contact_private(m, src);
}

bool sp_nat_response(const struct sr_sip_msg *m, const struct relay_ep *src)
{
	return contact_private(m, src);
}

int sp_nat_fix_contact(const struct sr_sip_msg *m, const struct relay_ep *src, struct sr_sip_editor *ed)
{
	struct sr_sip_nameaddr na;
	struct sr_sip_uri u;
	char host[SP_HOST_MAX], uri[SR_PROXY_CONTACT_MAX + SP_HOST_MAX + 16];
	int n;

	if (!first_contact(m, &u, &na))
		return 0; /* nothing to fix */
	sp_ep_host(src, true, host, sizeof(host));
	n = snprintf(uri, sizeof(uri), "%.*s:%.*s%s%s:%u%s%.*s", (int)u.scheme_name.len, u.scheme_name.p,
		     (int)u.user.len, u.user.p, u.user.len ? "@" : "", host, src->port, u.params.len ? ";" : "",
		     (int)u.params.len, u.params.p);
	if (n < 0 || (size_t)n >= sizeof(uri))
		return -ENOSPC;
	return sr_sip_edit_set_contact_uri(ed, uri);
}
