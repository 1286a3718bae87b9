/* Private to the SDP engine: the line cursor and token helpers that the parser and the
 * rewriter share, so that both see exactly the same lines. Inline because they run once
 * per line on the SIP fast path. */
#ifndef SIPRELAY_SDP_LINES_H
#define SIPRELAY_SDP_LINES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <siprelay/sdp.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Lines are found with one 16-byte SSE2 compare per block and a bit per newline, so a
 * typical 20-byte SDP line costs a count-trailing-zeros instead of a memchr call (whose
 * set-up dominates on lines that short). memchr takes over for the last partial block,
 * so no load ever reaches past the end of the buffer. */
struct sdp_cursor {
	const char *p;    /* where the next line starts */
	const char *end;
	const char *blk;  /* block whose newlines are in mask */
	const char *next; /* first byte not yet scanned for newlines */
	uint32_t mask;    /* newlines in [blk, blk + 16) at or after p, one bit each */
};

static inline void sdp_cursor_init(struct sdp_cursor *c, const char *p, const char *end)
{
	c->p = c->blk = c->next = p;
	c->end = end;
	c->mask = 0;
}

/* The next newline at or after c->p, or NULL. Newlines are consumed in order: every one
 * ends exactly one line. */
static inline const char *sdp_next_nl(struct sdp_cursor *c)
{
	const char *nl;

#if defined(__SSE2__)
	for (;;) {
		if (c->mask != 0) {
			nl = c->blk + __builtin_ctz(c->mask);
			c->mask &= c->mask - 1;
			return nl;
		}
		if (c->end - c->next < 16)
			break;
		c->blk = c->next;
		c->mask = (uint32_t)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)c->blk), _mm_set1_epi8('\n')));
		c->next += 16;
	}
#endif
	nl = memchr(c->next, '\n', (size_t)(c->end - c->next));
	c->next = nl != NULL ? nl + 1 : c->end;
	return nl;
}

struct sdp_line {
	const char *p;    /* first byte of the line */
	const char *next; /* first byte after its line ending */
	uint32_t len;     /* without the line ending */
	uint8_t eol;      /* 0 (last line, unterminated), 1 (LF) or 2 (CRLF) */
	char type;        /* the letter of "x=value", or 0 when the line has another shape */
	const char *v;    /* value: after "x=" */
	const char *vend; /* end of value, trailing SP/HTAB trimmed */
};

static inline bool sdp_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Next line of [c->p, c->end): lines end at LF, a CR before the LF belongs to the line
 * ending. A lone CR elsewhere is an ordinary byte (RFC 8866 allows CRLF and, leniently,
 * LF). */
static inline bool sdp_line_next(struct sdp_cursor *c, struct sdp_line *l)
{
	if (c->p >= c->end)
		return false;
	const char *p = c->p;
	const char *nl = sdp_next_nl(c);
	const char *e;

	if (nl != NULL) {
		l->next = nl + 1;
		if (nl > p && nl[-1] == '\r') {
			e = nl - 1;
			l->eol = 2;
		} else {
			e = nl;
			l->eol = 1;
		}
	} else {
		/* A body cut after the CR of its last CRLF: that CR ends the line too, so that
		 * the line means the same once the rewrite completes its line ending. */
		e = c->end;
		if (e > p && e[-1] == '\r')
			e--;
		l->next = c->end;
		l->eol = 0;
	}
	c->p = l->next;
	l->p = p;
	l->len = (uint32_t)(e - p);
	if (l->len >= 2 && p[1] == '=' && p[0] >= 'a' && p[0] <= 'z') {
		l->type = p[0];
		l->v = p + 2;
		while (e > l->v && sdp_is_ws(e[-1]))
			e--;
		l->vend = e;
	} else {
		l->type = 0;
		l->v = p;
		l->vend = e;
	}
	return true;
}

/* Bit 7 of each byte of the result is set where x holds SP or HTAB (SWAR, exact: no
 * false positives, so the first set bit is the first blank). */
static inline uint64_t sdp_ws_bits(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = 0x7f7f7f7f7f7f7f7full;
	uint64_t sp = x ^ (ones * ' '), tab = x ^ (ones * '\t');
	uint64_t sp0 = ~(((sp & low7) + low7) | sp | low7);
	uint64_t tab0 = ~(((tab & low7) + low7) | tab | low7);

	return sp0 | tab0;
}

/* Next whitespace-separated token of [*p, end), advancing *p past it. Tokens such as
 * an o= session id or an IPv6 address run to tens of bytes: they are scanned eight
 * bytes at a time. */
static inline bool sdp_token(const char **p, const char *end, struct sr_slice *tok)
{
	const char *q = *p;

	while (q < end && sdp_is_ws(*q))
		q++;
	const char *t = q;
	while (end - q >= 8) {
		uint64_t x, ws;
		memcpy(&x, q, 8);
		ws = sdp_ws_bits(x);
		if (ws != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			q += __builtin_ctzll(ws) / 8;
#else
			q += __builtin_clzll(ws) / 8;
#endif
			goto done;
		}
		q += 8;
	}
	while (q < end && !sdp_is_ws(*q))
		q++;
done:
	*p = q;
	*tok = sr_slice_make(t, (size_t)(q - t));
	return q > t;
}

/* A decimal number 0..65535 with nothing else in [p, end). */
static inline bool sdp_u16(const char *p, const char *end, uint16_t *out)
{
	uint32_t v = 0;

	if (p >= end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint32_t)(*p - '0');
		if (v > 65535)
			return false;
	}
	*out = (uint16_t)v;
	return true;
}

static inline bool sdp_all_digits(struct sr_slice s)
{
	if (s.len == 0)
		return false;
	for (uint32_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

/* Is the a= line's attribute `name` (followed by ':' or nothing)? Called with literal
 * names, so the compiler turns the memcmp into a couple of loads and compares. */
static inline bool sdp_attr_is(const struct sdp_line *l, const char *name, size_t n)
{
	size_t vlen = (size_t)(l->vend - l->v);

	return vlen >= n && memcmp(l->v, name, n) == 0 && (vlen == n || l->v[n] == ':');
}

#define SDP_ATTR_IS(l, lit) sdp_attr_is((l), (lit), sizeof(lit) - 1)

/* Parses "<nettype> <addrtype> <address>[/ttl[/count]]" (c= value, a=rtcp tail).
 * Returns NULL or a static reason, prefixed by what (e.g. "c=" or "a=rtcp"). */
const char *sdp_parse_conn(const char *p, const char *end, struct sr_sdp_conn *c, bool is_rtcp);

/* Records one a= line at session level (m == NULL) or in media section m. Returns NULL
 * or a static reason. */
const char *sdp_parse_attr(struct sr_sdp *s, struct sr_sdp_media *m, const struct sdp_line *l);

/* ICE attributes that SR_SDP_RW_STRIP_ICE removes. */
bool sdp_attr_is_ice(const struct sdp_line *l);

#endif
