/* Character classes and scanners for the SIP parsers (RFC 3261 25.1). */
#include "sip_lex.h"

/* Generated from the RFC 3261 25.1 character sets; one entry per character that
 * belongs to any class. */
const uint16_t sr_sip_ctype[256] = {
	['\t'] = SR_C_LWS,
	['\n'] = SR_C_LWS,
	['\r'] = SR_C_LWS,
	[' '] = SR_C_LWS,
	['!'] = SR_C_TOKEN | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['"'] = SR_C_WORD,
	['$'] = SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['%'] = SR_C_TOKEN | SR_C_WORD,
	['&'] = SR_C_USER | SR_C_PASS | SR_C_PARAM,
	['\''] = SR_C_TOKEN | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['('] = SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	[')'] = SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['*'] = SR_C_TOKEN | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['+'] = SR_C_TOKEN | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	[','] = SR_C_USER | SR_C_PASS,
	['-'] = SR_C_TOKEN | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['.'] = SR_C_TOKEN | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['/'] = SR_C_WORD | SR_C_USER | SR_C_PARAM | SR_C_HNV,
	['0'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['1'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['2'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['3'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['4'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['5'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['6'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['7'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['8'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['9'] = SR_C_TOKEN | SR_C_DIGIT | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	[':'] = SR_C_WORD | SR_C_PARAM | SR_C_HNV,
	[';'] = SR_C_USER,
	['<'] = SR_C_WORD,
	['='] = SR_C_USER | SR_C_PASS,
	['>'] = SR_C_WORD,
	['?'] = SR_C_WORD | SR_C_USER | SR_C_HNV,
	['A'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['B'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['C'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['D'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['E'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['F'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['G'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['H'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['I'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['J'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['K'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['L'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['M'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['N'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['O'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['P'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['Q'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['R'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['S'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['T'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['U'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['V'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['W'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['X'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['Y'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['Z'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['['] = SR_C_WORD | SR_C_PARAM | SR_C_HNV,
	['\\'] = SR_C_WORD,
	[']'] = SR_C_WORD | SR_C_PARAM | SR_C_HNV,
	['_'] = SR_C_TOKEN | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['`'] = SR_C_TOKEN | SR_C_WORD,
	['a'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['b'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['c'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['d'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['e'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['f'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_HEX | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['g'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['h'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['i'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['j'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['k'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['l'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['m'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['n'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['o'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['p'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['q'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['r'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['s'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['t'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['u'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['v'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['w'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['x'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['y'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['z'] = SR_C_TOKEN | SR_C_ALPHA | SR_C_HOST | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
	['{'] = SR_C_WORD,
	['}'] = SR_C_WORD,
	['~'] = SR_C_TOKEN | SR_C_UNRES | SR_C_WORD | SR_C_USER | SR_C_PASS | SR_C_PARAM | SR_C_HNV,
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

/* Eight bytes at a time: the URI between <> runs to tens of bytes and seldom holds an
 * octet below '!', so the exact per-byte test runs only from a word that has one. */
bool sr_has_lws(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	while (end - p >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		/* non-zero iff some byte is below 0x21 (bytes >= 0x80 never count) */
		if (((x - ones * 0x21) & ~x & highs) != 0)
			break;
		p += 8;
	}
	for (; p < end; p++)
		if (sr_is(*p, SR_C_LWS))
			return true;
	return false;
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
	const char *s = c->p, *p = s, *end = c->end;
	while (p < end && sr_is(*p, SR_C_DIGIT)) {
		acc = acc * 10 + (uint64_t)(*p - '0');
		if (acc > max) {
			c->p = p;
			return false;
		}
		p++;
	}
	c->p = p;
	if (p == s)
		return false;
	*v = (uint32_t)acc;
	return true;
}

/* gen-value = token / host / quoted-string (RFC 3261 25.1). */
static bool take_gen_value(struct sr_cur *c, struct sr_slice *val)
{
	if (sr_cur_peek(c) == '"')
		return sr_take_quoted(c, val);
	const char *s = c->p, *p = s, *end = c->end;
	if (p < end && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (rb == NULL) {
			c->p = end;
			return false;
		}
		p = rb + 1;
	} else {
		/* token covers hostnames and IPv4 addresses; ':' lets IPv6 without brackets
		 * (as some received= values are written) through. */
		while (p < end && (sr_is(*p, SR_C_TOKEN) || *p == ':'))
			p++;
	}
	c->p = p;
	*val = sr_slice_make(s, (size_t)(p - s));
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
	const char *s = c->p, *p = s, *end = c->end;
	*ipv6 = false;
	if (p < end && *p == '[') {
		p++;
		while (p < end && (sr_is(*p, SR_C_HEX) || *p == ':' || *p == '.'))
			p++;
		if (p >= end || *p != ']' || p - s < 3)
			return -1;
		p++;
		*ipv6 = true;
	} else {
		/* a hostname never starts with '-' or '.', nor has an empty label */
		if (p >= end || !sr_is(*s, SR_C_HOST) || *s == '-' || *s == '.')
			return -1;
		char prev = *p;
		for (p++; p < end && sr_is(*p, SR_C_HOST); p++) {
			if (*p == '.' && prev == '.')
				return -1;
			prev = *p;
		}
	}
	c->p = p;
	*host = sr_slice_make(s, (size_t)(p - s));
	*port = 0;
	if (p < end && *p == ':') {
		uint32_t v;
		c->p++;
		if (!sr_take_uint(c, 65535, &v) || v == 0)
			return -1;
		*port = (uint16_t)v;
	}
	return 0;
}
