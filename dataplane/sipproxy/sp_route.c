/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a message goes next (RFC 3261 16.4, 16.5, 16.11, 18.2.2; RFC 3581 4):
 *  - loose routing: the Route entries at the top that name the relay (one, or two after
 *    a double Record-Route) are removed;
 *  - a request's target is the next Route, else the Request-URI (the caller decides
 *    whether to use it: access-side requests always go to the upstream);
 *  - a response goes to the Via below the relay's: received, else sent-by host, and the
 *    rport value, else sent-by port, else 5060.
 */
#include <errno.h>

#include "sp_internal.h"

/* A SIP/SIPS URI whose host is an IP literal, as an endpoint (maddr is not honoured:
 * nobody sends one to a relay). */
int sp_uri_target(struct sr_slice uri, struct relay_ep *ep)
{
	struct sr_sip_uri u;

	if (sr_sip_uri_parse(uri, &u) < 0 || (u.scheme != SR_URI_SIP && u.scheme != SR_URI_SIPS))
		return -EINVAL;
	return sp_ep_parse(u.host, u.port, ep);
}

static bool route_ours(const struct sr_proxy *p, struct sr_slice elem)
{
	struct sr_sip_nameaddr na;
	struct relay_ep ep;

	return sr_sip_nameaddr_parse(elem, &na) == 0 && sp_uri_target(na.uri, &ep) == 0 &&
	       sp_ep_ours(p, &ep) >= 0;
}

/* Every edit refers to the original message, so popping the first Route twice would
 * cut the same value twice: cut the exact range of the leading values instead. */
static int edit_cut(struct sr_sip_editor *ed, uint32_t off, uint32_t len)
{
	return ed == NULL ? 0 : sr_sip_edit_cut(ed, off, len);
}

/* Strips the leading Route values that name the relay (only finds them when ed is NULL).
 * Returns how many, or a negative errno; *next_route is the first value left (empty
 * when none). Call it after the insertions: a new field may go exactly where a cut
 * Route starts, and at one offset the editor applies edits in the order they came. */
int sp_strip_routes(const struct sr_proxy *p, const struct sr_sip_msg *m, struct sr_sip_editor *ed,
		    struct sr_slice *next_route)
{
	int stripped = 0, rc;

	*next_route = SR_SLICE_NULL;
	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_ROUTE); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, elem, first = SR_SLICE_NULL;
		unsigned ours = 0;

		while ((rc = sr_sip_list_next(&rest, &elem)) > 0) {
			if (first.p == NULL)
				first = elem;
			if (!route_ours(p, elem)) {
				*next_route = elem;
				break;
			}
			ours++;
		}
		if (rc < 0)
			return -EINVAL;
		stripped += (int)ours;
		if (next_route->p == NULL) {
			/* every value of this field is ours: the whole field goes */
			if (ours && edit_cut(ed, h->off, h->len) < 0)
				return -ENOSPC;
			continue;
		}
		if (ours && edit_cut(ed, (uint32_t)(first.p - m->buf), (uint32_t)(next_route->p - first.p)) < 0)
			return -ENOSPC;
		break;
	}
	return stripped;
}

/* The interface a request leaves from: the data plane's routing when it offers one, else
 * the first interface of the other role (access <-> core), else the one it came in on. */
int sp_egress_pos(const struct sr_proxy *p, unsigned pos_in, const struct relay_ep *dst)
{
	uint8_t want = p->cfg.iface[pos_in].role == SR_PROXY_ACCESS ? SR_PROXY_CORE : SR_PROXY_ACCESS;

	if (p->ops.route_iface != NULL) {
		int idx = p->ops.route_iface(p->ctx, dst);
		int pos = idx >= 0 && idx <= UINT8_MAX ? sp_iface_pos(p, (uint8_t)idx) : -1;

		if (pos >= 0)
			return pos;
	}
	for (unsigned i = 0; i < p->cfg.n_ifaces; i++)
		if (p->cfg.iface[i].role == want)
			return (int)i;
	return (int)pos_in;
}

/* The second via-parm of a response, where it goes once the relay's is popped. */
int sp_response_target(const struct sr_sip_msg *m, struct relay_ep *dst)
{
	unsigned n = 0;

	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_VIA); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, elem;
		struct sr_sip_via v;
		uint32_t port = 0;

		while (sr_sip_list_next(&rest, &elem) > 0) {
			if (n++ == 0)
				continue;
			if (sr_sip_via_parse(elem, &v) < 0)
				return -EINVAL;
			if (v.has_rport && v.rport.len > 0) {
				for (uint32_t i = 0; i < v.rport.len; i++) {
					char c = v.rport.p[i];

					if (c < '0' || c > '9' || (port = port * 10 + (uint32_t)(c - '0')) > 65535)
						return -EINVAL;
				}
			}
			if (port == 0)
				port = v.port;
			return sp_ep_parse(v.received.len ? v.received : v.host, (uint16_t)port, dst);
		}
	}
	return -ENOENT;
}
