/* Character classes and scanners for the SIP parsers (RFC 3261 25.1). */
#include "sip_lex.h"

#define ALNUM (SR_C_TOKEN | SR_C_HOST | SR_C_UNRES | SR_C_WORD)
#define MARK (SR_C_TOKEN | SR_C_UNRES | SR_C_WORD)

const uint8_t sr_sip_ctype[256] = {
	['\t'] = SR_C_LWS, ['\n'] = SR_C_LWS, ['\r'] = SR_C_LWS, [' '] = SR_C_LWS,
	['0' ... '9'] = ALNUM | SR_C_DIGIT | SR_C_HEX,
	['A' ... 'F'] = ALNUM | SR_C_ALPHA | SR_C_HEX,
	['G' ... 'Z'] = ALNUM | SR_C_ALPHA,
	['a' ... 'f'] = ALNUM | SR_C_ALPHA | SR_C_HEX,
	['g' ... 'z'] = ALNUM | SR_C_ALPHA,
	['-'] = ALNUM & ~SR_C_ALPHA, ['.'] = ALNUM & ~SR_C_ALPHA,
	['!'] = MARK, ['*'] = MARK, ['_'] = MARK, ['\''] = MARK, ['~'] = MARK,
	['%'] = SR_C_TOKEN | SR_C_WORD, ['+'] = SR_C_TOKEN | SR_C_WORD, ['`'] = SR_C_TOKEN | SR_C_WORD,
	['('] = SR_C_UNRES | SR_C_WORD, [')'] = SR_C_UNRES | SR_C_WORD,
	['<'] = SR_C_WORD, ['>'] = SR_C_WORD, [':'] = SR_C_WORD, ['\\'] = SR_C_WORD,
	['"'] = SR_C_WORD, ['/'] = SR_C_WORD, ['['] = SR_C_WORD, [']'] = SR_C_WORD,
	['?'] = SR_C_WORD, ['{'] = SR_C_WORD, ['}'] = SR_C_WORD,
};

struct sr_slice sr_slice_trim(struct sr_slice s)
{
	const char *b = s.p, *e = s.p + s.len;
	while (b < e && sr_is(*b, SR_C_LWS))
		b++;
	while (e > b && sr_is(e[-1], SR_C_LWS))
		e--;
	return sr_slice_make(b, (size_t)(e - b));
}

bool sr_take_quoted(struct sr_cur *c, struct sr_slice *out)
{
	const char *s = c->p;
	if (s >= c->end || *s != '"')
		return false;
	for (const char *p = s + 1; p < c->end; p++) {
		if (*p == '\\') {
			/* quoted-pair: any octet but CR and LF may be escaped */
			if (p + 1 >= c->end || p[1] == '\r' || p[1] == '\n')
				return false;
			p++;
		} else if (*p == '"') {
			c->p = p + 1;
			*out = sr_slice_make(s, (size_t)(c->p - s));
			return true;
		}
	}
	return false;
}

bool sr_take_uint(struct sr_cur *c, uint32_t max, uint32_t *v)
{
	uint64_t acc = 0;
	const char *s = c->p;
	while (c->p < c->end && sr_is(*c->p, SR_C_DIGIT)) {
		acc = acc * 10 + (uint64_t)(*c->p - '0');
		if (acc > max)
			return false;
		c->p++;
	}
	if (c->p == s)
		return false;
	*v = (uint32_t)acc;
	return true;
}

/* gen-value = token / host / quoted-string (RFC 3261 25.1). */
static bool take_gen_value(struct sr_cur *c, struct sr_slice *val)
{
	if (sr_cur_peek(c) == '"')
		return sr_take_quoted(c, val);
	const char *s = c->p;
	if (sr_cur_peek(c) == '[') {
		while (c->p < c->end && *c->p != ']')
			c->p++;
		if (c->p >= c->end)
			return false;
		c->p++;
	} else {
		/* token covers hostnames and IPv4 addresses; ':' lets IPv6 without brackets
		 * (as some received= values are written) through. */
		while (c->p < c->end && (sr_is(*c->p, SR_C_TOKEN) || *c->p == ':'))
			c->p++;
	}
	*val = sr_slice_make(s, (size_t)(c->p - s));
	return val->len > 0;
}

int sr_param_body(struct sr_cur *c, struct sr_slice *name, struct sr_slice *val)
{
	sr_skip_lws(c);
	*name = sr_take_class(c, SR_C_TOKEN);
	if (name->len == 0)
		return -1;
	*val = SR_SLICE_NULL;
	if (sr_take_sep(c, '=')) {
		if (!take_gen_value(c, val))
			return -1;
	}
	const char *after = c->p;
	sr_skip_lws(c);
	if (!sr_cur_eof(c) && *c->p != ';')
		return -1;
	c->p = after;
	return 1;
}

int sr_param_next(struct sr_cur *c, struct sr_slice *name, struct sr_slice *val)
{
	sr_skip_lws(c);
	if (sr_cur_eof(c))
		return 0;
	if (*c->p != ';')
		return -1;
	c->p++;
	return sr_param_body(c, name, val);
}

int sr_take_hostport(struct sr_cur *c, struct sr_slice *host, uint16_t *port, bool *ipv6)
{
	const char *s = c->p;
	*ipv6 = false;
	if (sr_cur_peek(c) == '[') {
		c->p++;
		while (c->p < c->end && (sr_is(*c->p, SR_C_HEX) || *c->p == ':' || *c->p == '.'))
			c->p++;
		if (sr_cur_peek(c) != ']' || c->p - s < 3)
			return -1;
		c->p++;
		*ipv6 = true;
	} else {
		while (c->p < c->end && sr_is(*c->p, SR_C_HOST))
			c->p++;
		if (c->p == s)
			return -1;
		/* a hostname never starts with '-' or '.', nor has an empty label */
		if (*s == '-' || *s == '.')
			return -1;
		for (const char *p = s + 1; p < c->p; p++)
			if (*p == '.' && p[-1] == '.')
				return -1;
	}
	*host = sr_slice_make(s, (size_t)(c->p - s));
	*port = 0;
	if (sr_cur_peek(c) == ':') {
		uint32_t v;
		c->p++;
		if (!sr_take_uint(c, 65535, &v) || v == 0)
			return -1;
		*port = (uint16_t)v;
	}
	return 0;
}
