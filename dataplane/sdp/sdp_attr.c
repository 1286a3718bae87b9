/* a= lines (RFC 8866 5.13): the few attributes a media relay acts on. Unknown ones are
 * accepted and kept byte for byte by the rewrite. Dispatch is on the first letter, then
 * on whole names of known length, because most a= lines (rtpmap, fmtp, ...) are of no
 * interest and should cost next to nothing. */
#include "sdp_lines.h"

/* a=rtcp:<port> [<nettype> <addrtype> <connection-address>]  (RFC 3605 2.1) */
static const char *parse_rtcp(struct sr_sdp_media *m, const struct sdp_line *l)
{
	const char *p = l->v + 4;
	struct sr_slice port;

	if (p == l->vend) /* no ':' */
		return "a=rtcp malformed";
	p++;
	if (!sdp_token(&p, l->vend, &port) || !sdp_u16(port.p, port.p + port.len, &m->rtcp_port))
		return "a=rtcp port invalid";
	while (p < l->vend && sdp_is_ws(*p))
		p++;
	if (p < l->vend) {
		const char *why = sdp_parse_conn(p, l->vend, &m->rtcp_conn, true);
		if (why != NULL)
			return why;
	} else {
		m->rtcp_conn.af = SR_SDP_AF_NONE;
	}
	m->has_rtcp = true;
	m->rtcp_port_str = port;
	if (m->n_rtcp < UINT16_MAX)
		m->n_rtcp++;
	return NULL;
}

static uint8_t direction_of(const struct sdp_line *l)
{
	switch (l->v[0]) {
	case 's':
		if (SDP_ATTR_IS(l, "sendrecv"))
			return SR_SDP_SENDRECV;
		if (SDP_ATTR_IS(l, "sendonly"))
			return SR_SDP_SENDONLY;
		break;
	case 'r':
		if (SDP_ATTR_IS(l, "recvonly"))
			return SR_SDP_RECVONLY;
		break;
	case 'i':
		if (SDP_ATTR_IS(l, "inactive"))
			return SR_SDP_INACTIVE;
		break;
	}
	return SR_SDP_DIR_NONE;
}

static const char *media_attr(struct sr_sdp_media *m, const struct sdp_line *l)
{
	switch (l->v[0]) {
	case 'r':
		if (SDP_ATTR_IS(l, "rtcp"))
			return parse_rtcp(m, l);
		if (SDP_ATTR_IS(l, "rtcp-mux"))
			m->rtcp_mux = true;
		break;
	case 'c':
		if (SDP_ATTR_IS(l, "candidate") && m->n_candidates < UINT16_MAX)
			m->n_candidates++;
		break;
	case 'i':
		if (SDP_ATTR_IS(l, "ice-ufrag"))
			m->ice_ufrag = true;
		else if (SDP_ATTR_IS(l, "ice-pwd"))
			m->ice_pwd = true;
		break;
	}
	return NULL;
}

const char *sdp_parse_attr(struct sr_sdp *s, struct sr_sdp_media *m, const struct sdp_line *l)
{
	uint8_t dir;

	if (l->v == l->vend || l->v[0] == ':')
		return "a= line without attribute name";

	dir = direction_of(l);
	if (dir != SR_SDP_DIR_NONE) {
		/* RFC 3264 allows one per level; when a peer sends several, the last wins. */
		if (m != NULL)
			m->dir = dir;
		else
			s->dir = dir;
		return NULL;
	}
	if (sdp_attr_is_ice(l)) {
		uint16_t *n = m != NULL ? &m->n_ice : &s->n_ice;
		if (*n < UINT16_MAX)
			(*n)++;
	}
	if (m != NULL)
		return media_attr(m, l);

	/* Session level. a=rtcp and a=candidate are media-level only (RFC 3605, RFC 8839):
	 * here they are unknown attributes. */
	if (l->v[0] == 'i') {
		if (SDP_ATTR_IS(l, "ice-ufrag"))
			s->ice_ufrag = true;
		else if (SDP_ATTR_IS(l, "ice-pwd"))
			s->ice_pwd = true;
		else if (SDP_ATTR_IS(l, "ice-lite"))
			s->ice_lite = true;
	}
	return NULL;
}

bool sdp_attr_is_ice(const struct sdp_line *l)
{
	if (l->v == l->vend)
		return false;
	switch (l->v[0]) {
	case 'c':
		return SDP_ATTR_IS(l, "candidate");
	case 'r':
		return SDP_ATTR_IS(l, "remote-candidates");
	case 'e':
		return SDP_ATTR_IS(l, "end-of-candidates");
	case 'i':
		return SDP_ATTR_IS(l, "ice-ufrag") || SDP_ATTR_IS(l, "ice-pwd") ||
		       SDP_ATTR_IS(l, "ice-options") || SDP_ATTR_IS(l, "ice-lite") ||
		       SDP_ATTR_IS(l, "ice-mismatch") || SDP_ATTR_IS(l, "ice-pacing");
	default:
		return false;
	}
}
