/* Session description parse (RFC 8866 5): one pass over the lines, each dispatched on its
 * type letter. Only the lines the relay acts on are decoded; the others are checked for
 * the "x=value" shape and left alone. */
#include <errno.h>

#include "sdp_lines.h"

static int fail(struct sr_sdp *s, int err, const char *reason)
{
	s->err = reason;
	return err;
}

/* Address text a relay can act on: an IPv4 or IPv6 literal, or an FQDN (RFC 8866 allows
 * one in c=). Anything else (quotes, slashes, controls, NULs) is refused, so that a
 * rewritten body never carries a stray byte from an address. A table: this runs on
 * every byte of every address. */
static const bool addr_chars[256] = {
	['0' ... '9'] = true,
	['a' ... 'z'] = true,
	['A' ... 'Z'] = true,
	['.'] = true,
	[':'] = true,
	['-'] = true,
};

/* "<ttl>[/<count>]" for IP4, "<count>" for IP6: digits separated by at most two '/'.
 * They only matter for multicast, which a unicast relay replaces anyway. */
static bool addr_suffix_ok(const char *p, const char *end)
{
	unsigned parts = 0;

	while (p < end) {
		if (*p != '/' || ++parts > 2)
			return false;
		const char *d = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return false;
	}
	return true;
}

const char *sdp_parse_conn(const char *p, const char *end, struct sr_sdp_conn *c, bool is_rtcp)
{
	struct sr_slice nettype, addrtype, addr, extra;

	if (!sdp_token(&p, end, &nettype) || !sdp_token(&p, end, &addrtype) ||
	    !sdp_token(&p, end, &addr) || sdp_token(&p, end, &extra))
		return is_rtcp ? "a=rtcp malformed" : "c= line malformed";
	/* "IN", "IP4", "IP6" are ABNF literals, which are case-insensitive (RFC 5234 2.3). */
	if (nettype.len != 2 || (nettype.p[0] | 0x20) != 'i' || (nettype.p[1] | 0x20) != 'n')
		return is_rtcp ? "a=rtcp nettype is not IN" : "c= nettype is not IN";
	if (addrtype.len == 3 && (addrtype.p[0] | 0x20) == 'i' && (addrtype.p[1] | 0x20) == 'p' &&
	    (addrtype.p[2] == '4' || addrtype.p[2] == '6'))
		c->af = addrtype.p[2] == '4' ? SR_SDP_IP4 : SR_SDP_IP6;
	else
		return is_rtcp ? "a=rtcp addrtype unknown" : "c= addrtype unknown";

	uint32_t n = 0;
	while (n < addr.len && addr_chars[(uint8_t)addr.p[n]])
		n++;
	if (n == 0 || !addr_suffix_ok(addr.p + n, addr.p + addr.len)) {
		c->af = SR_SDP_AF_NONE;
		return is_rtcp ? "a=rtcp address invalid" : "c= address invalid";
	}
	c->value = sr_slice_make(nettype.p, (size_t)(addr.p + addr.len - nettype.p));
	c->addr = sr_slice_make(addr.p, n);
	c->unspec = c->af == SR_SDP_IP4 ? n == 7 && memcmp(c->addr.p, "0.0.0.0", 7) == 0
				       : n == 2 && memcmp(c->addr.p, "::", 2) == 0;
	return NULL;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
static const char *parse_origin(struct sr_sdp_origin *o, const struct sdp_line *l)
{
	const char *p = l->v;
	struct sr_slice extra;

	if (!sdp_token(&p, l->vend, &o->username) || !sdp_token(&p, l->vend, &o->sess_id) ||
	    !sdp_token(&p, l->vend, &o->sess_version) || !sdp_token(&p, l->vend, &o->nettype) ||
	    !sdp_token(&p, l->vend, &o->addrtype) || !sdp_token(&p, l->vend, &o->addr) ||
	    sdp_token(&p, l->vend, &extra))
		return "o= line malformed";
	/* The rewrite increments it; RFC 8866 5.2 makes it numeric. */
	if (!sdp_all_digits(o->sess_version))
		return "o= sess-version not numeric";
	o->value = sr_slice_make(l->v, (size_t)(l->vend - l->v));
	return NULL;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static const char *parse_media(struct sr_sdp_media *m, const struct sdp_line *l)
{
	const char *p = l->v;
	struct sr_slice port;

	if (!sdp_token(&p, l->vend, &m->type) || !sdp_token(&p, l->vend, &port) ||
	    !sdp_token(&p, l->vend, &m->proto))
		return "m= line malformed";

	const char *slash = memchr(port.p, '/', port.len);
	const char *pend = slash != NULL ? slash : port.p + port.len;
	if (!sdp_u16(port.p, pend, &m->port))
		return "m= port invalid";
	m->port_str = sr_slice_make(port.p, (size_t)(pend - port.p));
	m->port_count = 1;
	if (slash != NULL &&
	    (!sdp_u16(slash + 1, port.p + port.len, &m->port_count) || m->port_count == 0))
		return "m= port count invalid";

	while (p < l->vend && sdp_is_ws(*p))
		p++;
	m->fmts = sr_slice_make(p, (size_t)(l->vend - p));
	return NULL;
}

static void close_section(struct sr_sdp *s, const char *at)
{
	uint32_t off = (uint32_t)(at - s->buf);

	if (s->n_media == 0) {
		s->sess_end = off;
	} else {
		struct sr_sdp_media *m = &s->media[s->n_media - 1];
		m->end = off;
		if (m->conn_at == 0) /* nothing but m= and i= lines */
			m->conn_at = off;
	}
}

/* One line after v=: dispatch on its type at the current level (m == NULL: session). */
static int parse_line(struct sr_sdp *s, struct sr_sdp_media **mp, const struct sdp_line *l, bool *seen_o)
{
	struct sr_sdp_media *m = *mp;
	const char *why;

	switch (l->type) {
	case 'v':
		return fail(s, -EINVAL, "duplicate v= line");
	case 'o':
		if (m != NULL)
			return fail(s, -EINVAL, "o= inside a media section");
		if (*seen_o)
			return fail(s, -EINVAL, "duplicate o= line");
		*seen_o = true;
		why = parse_origin(&s->origin, l);
		break;
	case 'c': {
		struct sr_sdp_conn *c = m != NULL ? &m->conn : &s->conn;
		/* Several c= per level only exist for layered multicast, which a unicast relay
		 * cannot carry; accepting them would leave one unrewritten. */
		if (c->af != SR_SDP_AF_NONE)
			return fail(s, -EINVAL, "duplicate c= line");
		why = sdp_parse_conn(l->v, l->vend, c, false);
		break;
	}
	case 'm':
		close_section(s, l->p);
		if (s->n_media == SR_SDP_MAX_MEDIA)
			return fail(s, -E2BIG, "too many m= lines");
		m = &s->media[s->n_media++];
		memset(m, 0, sizeof(*m));
		m->off = (uint32_t)(l->p - s->buf);
		*mp = m;
		why = parse_media(m, l);
		break;
	case 'a':
		why = sdp_parse_attr(s, m, l);
		break;
	default:
		/* s=, i=, u=, e=, p=, b=, t=, r=, z=, k= and future types: kept as they are. */
		return 0;
	}
	return why != NULL ? fail(s, -EINVAL, why) : 0;
}

int sr_sdp_parse(struct sr_sdp *s, const char *buf, size_t len)
{
	struct sdp_cursor c;
	struct sr_sdp_media *m = NULL;
	struct sdp_line l;
	bool seen_v = false, seen_o = false;
	int rc;

	/* Everything but the media array, which is cleared one entry at a time as m= lines
	 * arrive: a typical body has two of the sixteen. */
	memset(s, 0, offsetof(struct sr_sdp, media));
	s->buf = buf;
	if (len == 0) /* before any arithmetic on buf, which may then be NULL */
		return fail(s, -EINVAL, "empty SDP body");
	if (len > UINT32_MAX)
		return fail(s, -EMSGSIZE, "SDP body too large");
	s->len = (uint32_t)len;
	sdp_cursor_init(&c, buf, buf + len);

	while (sdp_line_next(&c, &l)) {
		/* RFC 8866 5 orders a section m=, i=, c=: an added c= goes before the first line
		 * of another kind (0 until that line is seen; m= lines are never at 0). */
		if (m != NULL && m->conn_at == 0 && l.type != 'i' && l.type != 'm')
			m->conn_at = (uint32_t)(l.p - buf);
		if (l.len == 0)
			continue; /* stray blank lines, e.g. an extra CRLF after the headers */
		if (l.type == 0)
			return fail(s, -EINVAL, "line is not type=value");
		if (!seen_v) {
			if (l.type != 'v')
				return fail(s, -EINVAL, "v= is not the first line");
			if (l.vend - l.v != 1 || l.v[0] != '0')
				return fail(s, -EINVAL, "unsupported SDP version");
			seen_v = true;
			s->crlf = l.eol == 2;
			continue;
		}
		rc = parse_line(s, &m, &l, &seen_o);
		if (rc < 0)
			return rc;
	}
	if (!seen_v)
		return fail(s, -EINVAL, "empty SDP body");
	if (!seen_o)
		return fail(s, -EINVAL, "no o= line");
	close_section(s, buf + len);

	/* RFC 8866 5.7: every stream needs an address at one level. Disabled streams are let
	 * off: answers that reject a stream often omit it. */
	for (unsigned i = 0; i < s->n_media; i++)
		if (s->media[i].port != 0 && s->media[i].conn.af == SR_SDP_AF_NONE &&
		    s->conn.af == SR_SDP_AF_NONE)
			return fail(s, -EINVAL, "stream has no connection address");
	return 0;
}
