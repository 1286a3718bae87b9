/* Character classes and small scanners shared by the SIP parsers (RFC 3261 25.1).
 *
 * Inside a header value a CR or LF can only be part of a fold (the line splitter checked
 * that every line break is followed by SP/HT), so the scanners treat CR and LF as
 * linear white space like SP and HT. */
#ifndef SIPRELAY_SIP_LEX_H
#define SIPRELAY_SIP_LEX_H

#include <siprelay/slice.h>

enum {
	SR_C_TOKEN = 1 << 0,   /* token characters */
	SR_C_LWS = 1 << 1,     /* SP HT CR LF */
	SR_C_DIGIT = 1 << 2,
	SR_C_ALPHA = 1 << 3,
	SR_C_HOST = 1 << 4,    /* hostname / IPv4 characters: alphanum - . */
	SR_C_UNRES = 1 << 5,   /* URI unreserved: alphanum - _ . ! ~ * ' ( ) */
	SR_C_HEX = 1 << 6,
	SR_C_WORD = 1 << 7,    /* Call-ID "word" characters */
	SR_C_USER = 1 << 8,    /* URI user: unreserved / user-unreserved */
	SR_C_PASS = 1 << 9,    /* URI password */
	SR_C_PARAM = 1 << 10,  /* URI paramchar: unreserved / param-unreserved */
	SR_C_HNV = 1 << 11,    /* URI header name/value: unreserved / hnv-unreserved */
};

extern const uint16_t sr_sip_ctype[256];

static inline bool sr_is(char c, unsigned cls)
{
	return (sr_sip_ctype[(uint8_t)c] & cls) != 0;
}

/* A cursor over [p, end). */
struct sr_cur {
	const char *p;
	const char *end;
};

static inline struct sr_cur sr_cur_of(struct sr_slice s)
{
	struct sr_cur c = { s.p, s.p + s.len };
	return c;
}

static inline bool sr_cur_eof(const struct sr_cur *c)
{
	return c->p >= c->end;
}

static inline char sr_cur_peek(const struct sr_cur *c)
{
	return c->p < c->end ? *c->p : '\0';
}

/* The scanners below walk a local copy of the cursor and store it back once: c->p
 * written inside the loop would have to be reloaded after every byte read, since a
 * char load may alias it. */
static inline void sr_skip_lws(struct sr_cur *c)
{
	const char *p = c->p, *end = c->end;
	while (p < end && sr_is(*p, SR_C_LWS))
		p++;
	c->p = p;
}

/* Consumes c (after optional LWS on both sides, as SEMI/COLON/EQUAL/SLASH/COMMA allow). */
static inline bool sr_take_sep(struct sr_cur *c, char sep)
{
	const char *save = c->p;
	sr_skip_lws(c);
	if (c->p < c->end && *c->p == sep) {
		c->p++;
		sr_skip_lws(c);
		return true;
	}
	c->p = save;
	return false;
}

/* Consumes 1* characters of a class; returns the slice (empty when none). */
static inline struct sr_slice sr_take_class(struct sr_cur *c, unsigned cls)
{
	const char *s = c->p, *p = s, *end = c->end;
	while (p < end && sr_is(*p, cls))
		p++;
	c->p = p;
	return sr_slice_make(s, (size_t)(p - s));
}

/* Consumes a quoted-string including its quotes; false when unterminated or it holds a
 * bare CR/LF that is not a fold. */
bool sr_take_quoted(struct sr_cur *c, struct sr_slice *out);

/* Decimal number of 1..10 digits into *v; false when no digit, more than max or longer. */
bool sr_take_uint(struct sr_cur *c, uint32_t max, uint32_t *v);

/* Whether [p, end) holds SP, HT, CR or LF (no LWS may appear inside <>, RFC 4475
 * 3.1.2.14). */
bool sr_has_lws(const char *p, const char *end);

/* Trims LWS at both ends. */
struct sr_slice sr_slice_trim(struct sr_slice s);

/* Walks generic parameters ";name[=value]" (LWS allowed around ';' and '='). The cursor
 * must be at a ';' or at the end. Returns 1 with name/value set (value empty for a flag),
 * 0 at the end, -1 when malformed (empty name, bad value, stray characters). The value
 * is a token, a host (IPv6 reference included) or a quoted string with its quotes. */
int sr_param_next(struct sr_cur *c, struct sr_slice *name, struct sr_slice *val);

/* One "name[=value]" without the leading ';' (same returns as sr_param_next). */
int sr_param_body(struct sr_cur *c, struct sr_slice *name, struct sr_slice *val);

/* Parses a host (hostname, IPv4, or [IPv6]) and optional ":port". */
int sr_take_hostport(struct sr_cur *c, struct sr_slice *host, uint16_t *port, bool *ipv6);

/* sr_sip_nameaddr_parse() without the URI parse: the structure (display name, <>, and
 * the header parameters unless the caller validated them already) of a field whose URI
 * the proxy never reads. */
struct sr_sip_nameaddr;
int sr_nameaddr_split(struct sr_slice s, struct sr_sip_nameaddr *na, bool check_params);

#endif
