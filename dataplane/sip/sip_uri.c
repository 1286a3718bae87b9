/* SIP, SIPS and tel URIs (RFC 3261 19.1 and 25.1, RFC 3966), parsed in place. Other
 * schemes are accepted as opaque so that a header may carry them (RFC 4475 3.3.4). */
#define _GNU_SOURCE /* memrchr */
#include <string.h>

#include <siprelay/sip.h>

#include "sip_lex.h"

/* Checks that [p, end) holds only characters of class cls, or %HH escapes. An escaped
 * NUL is legal (RFC 4475 3.1.1.4): only the raw octet would not be. */
static bool escaped_run(const char *p, const char *end, unsigned cls, bool allow_empty)
{
	if (p == end)
		return allow_empty;
	while (p < end) {
		if (sr_is(*p, cls)) {
			p++;
		} else if (*p == '%' && end - p >= 3 && sr_is(p[1], SR_C_HEX) && sr_is(p[2], SR_C_HEX)) {
			p += 3;
		} else {
			return false;
		}
	}
	return true;
}

static const char *find_char(const char *p, const char *end, char c)
{
	const char *r = memchr(p, c, (size_t)(end - p));
	return r ? r : end;
}

/* uri-parameters: *( ";" pname [ "=" pvalue ] ), starting after the first ';'. */
static int parse_uri_params(const char *p, const char *end, struct sr_sip_uri *u)
{
	while (p < end) {
		const char *e = find_char(p, end, ';');
		const char *eq = find_char(p, e, '=');
		if (!escaped_run(p, eq, SR_C_PARAM, false))
			return -1;
		if (eq < e && !escaped_run(eq + 1, e, SR_C_PARAM, false))
			return -1;
		if (eq - p == 2 && strncasecmp(p, "lr", 2) == 0)
			u->lr = true;
		p = e < end ? e + 1 : e;
		if (e < end && p == end)
			return -1; /* trailing ';' */
	}
	return 0;
}

/* headers: hname "=" hvalue *( "&" hname "=" hvalue ) */
static int parse_uri_headers(const char *p, const char *end)
{
	if (p == end)
		return -1;
	while (p < end) {
		const char *e = find_char(p, end, '&');
		const char *eq = find_char(p, e, '=');
		if (eq == e || !escaped_run(p, eq, SR_C_HNV, false) ||
		    !escaped_run(eq + 1, e, SR_C_HNV, true))
			return -1;
		p = e < end ? e + 1 : e;
		if (e < end && p == end)
			return -1;
	}
	return 0;
}

static int parse_sip(const char *p, const char *end, struct sr_sip_uri *u)
{
	/* '@' cannot appear unescaped after the userinfo, so the last one delimits it */
	const char *at = memrchr(p, '@', (size_t)(end - p));
	if (at != NULL) {
		const char *colon = find_char(p, at, ':');
		if (!escaped_run(p, colon, SR_C_USER, false))
			return -1;
		u->user = sr_slice_make(p, (size_t)(colon - p));
		if (colon < at) {
			if (!escaped_run(colon + 1, at, SR_C_PASS, true))
				return -1;
			u->password = sr_slice_make(colon + 1, (size_t)(at - colon - 1));
		}
		p = at + 1;
	}
	struct sr_cur c = { p, end };
	if (sr_take_hostport(&c, &u->host, &u->port, &u->host_is_ipv6) < 0)
		return -1;
	const char *q = find_char(c.p, end, '?');
	if (c.p < q) {
		if (*c.p != ';')
			return -1;
		u->params = sr_slice_make(c.p + 1, (size_t)(q - c.p - 1));
		if (parse_uri_params(c.p + 1, q, u) < 0 || u->params.len == 0)
			return -1;
	}
	if (q < end) {
		u->headers = sr_slice_make(q + 1, (size_t)(end - q - 1));
		if (parse_uri_headers(q + 1, end) < 0)
			return -1;
	}
	return 0;
}

static int parse_tel(const char *p, const char *end, struct sr_sip_uri *u)
{
	const char *semi = find_char(p, end, ';');
	if (p == semi)
		return -1;
	for (const char *q = p; q < semi; q++)
		if (!sr_is(*q, SR_C_HEX) && (*q == '\0' || strchr("+-.()*#pwPW", *q) == NULL))
			return -1;
	u->user = sr_slice_make(p, (size_t)(semi - p));
	if (semi < end) {
		u->params = sr_slice_make(semi + 1, (size_t)(end - semi - 1));
		if (parse_uri_params(semi + 1, end, u) < 0 || u->params.len == 0)
			return -1;
	}
	return 0;
}

/* An opaque URI of an unknown scheme: printable characters, no delimiters that would
 * end it inside a header (RFC 3986 absolute-URI is wider, but never holds these). */
static int parse_opaque(const char *p, const char *end)
{
	if (p == end)
		return -1;
	for (; p < end; p++)
		if ((uint8_t)*p <= ' ' || (uint8_t)*p >= 0x7f || *p == '<' || *p == '>' || *p == '"')
			return -1;
	return 0;
}

int sr_sip_uri_parse(struct sr_slice s, struct sr_sip_uri *u)
{
	memset(u, 0, sizeof(*u));
	const char *p = s.p, *end = s.p + s.len;
	if (p == end || !sr_is(*p, SR_C_ALPHA))
		return -1;
	const char *q = p + 1;
	while (q < end && (sr_is(*q, SR_C_ALPHA | SR_C_DIGIT) || *q == '+' || *q == '-' || *q == '.'))
		q++;
	if (q == end || *q != ':')
		return -1;
	u->scheme_name = sr_slice_make(p, (size_t)(q - p));
	if (sr_slice_caseeq(u->scheme_name, "sip"))
		u->scheme = SR_URI_SIP;
	else if (sr_slice_caseeq(u->scheme_name, "sips"))
		u->scheme = SR_URI_SIPS;
	else if (sr_slice_caseeq(u->scheme_name, "tel"))
		u->scheme = SR_URI_TEL;
	else
		u->scheme = SR_URI_OTHER;

	switch (u->scheme) {
	case SR_URI_SIP:
	case SR_URI_SIPS:
		return parse_sip(q + 1, end, u);
	case SR_URI_TEL:
		return parse_tel(q + 1, end, u);
	default:
		return parse_opaque(q + 1, end);
	}
}
