/* SIP message parser: start line, header fields (with folds), body (RFC 3261 7, 18.3).
 *
 * One pass over the bytes: memchr finds line ends, each field is recorded as slices, and
 * the few headers a stateless proxy needs on every message are decoded on the spot. A
 * defect inside one header value is recorded (first one wins) and the split goes on,
 * so that a 400 can still copy Via, From, To, Call-ID and CSeq; a defect in the line
 * structure stops the parse. */
#include <siprelay/sip.h>

#include "sip_lex.h"

static int fail(struct sr_sip_msg *m, uint16_t status, const char *reason)
{
	if (m->err.status == 0) {
		m->err.status = status;
		m->err.reason = reason;
	}
	return -1;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive, 7.1) */
static bool valid_version(const char *p, const char *end)
{
	struct sr_cur c = { p, end };
	uint32_t v;
	if (end - p == 7 && memcmp(p, "SIP/2.0", 7) == 0)
		return true;
	if (end - p < 7 || strncasecmp(p, "SIP/", 4) != 0)
		return false;
	c.p += 4;
	if (!sr_take_uint(&c, 999, &v) || sr_cur_peek(&c) != '.')
		return false;
	c.p++;
	return sr_take_uint(&c, 999, &v) && c.p == end;
}

/* Request-Line = Method SP Request-URI SP SIP-Version CRLF: single SPs, nothing else. */
static int parse_request_line(struct sr_sip_msg *m, const char *p, const char *eol)
{
	struct sr_cur c = { p, eol };
	m->kind = SR_SIP_REQUEST;
	m->method_name = sr_take_class(&c, SR_C_TOKEN);
	if (m->method_name.len == 0 || sr_cur_peek(&c) != ' ')
		return fail(m, 400, "Malformed Request-Line");
	m->method = (uint8_t)sr_sip_method_of(m->method_name.p, m->method_name.len);
	const char *uri = ++c.p;
	const char *sp = memchr(uri, ' ', (size_t)(eol - uri));
	if (sp == NULL || sp == uri)
		return fail(m, 400, "Malformed Request-Line");
	/* its characters are checked by the URI parse in sr_sip_check() */
	m->ruri = sr_slice_make(uri, (size_t)(sp - uri));
	m->version = sr_slice_make(sp + 1, (size_t)(eol - sp - 1));
	if (!valid_version(m->version.p, eol))
		return fail(m, 400, "Malformed Request-Line");
	return 0;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF */
static int parse_status_line(struct sr_sip_msg *m, const char *p, const char *eol)
{
	m->kind = SR_SIP_RESPONSE;
	const char *sp = memchr(p, ' ', (size_t)(eol - p));
	if (sp == NULL || !valid_version(p, sp))
		return fail(m, 400, "Malformed Status-Line");
	m->version = sr_slice_make(p, (size_t)(sp - p));
	const char *code = sp + 1;
	if (eol - code < 3 || !sr_is(code[0], SR_C_DIGIT) || !sr_is(code[1], SR_C_DIGIT) ||
	    !sr_is(code[2], SR_C_DIGIT) || (eol - code > 3 && code[3] != ' '))
		return fail(m, 400, "Malformed Status-Code");
	m->status = (uint16_t)((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
	if (m->status < 100 || m->status > 699)
		return fail(m, 400, "Status-Code out of range");
	/* An empty reason phrase is legal (RFC 4475 3.1.1.13); be liberal about its SP. */
	const char *reason = eol - code > 3 ? code + 4 : eol;
	for (const char *q = reason; q < eol; q++)
		if (*q == '\r' || *q == '\0')
			return fail(m, 400, "Malformed Reason-Phrase");
	m->reason = sr_slice_make(reason, (size_t)(eol - reason));
	return 0;
}

static int decode_cseq(struct sr_sip_msg *m, struct sr_slice v)
{
	struct sr_cur c = sr_cur_of(v);
	uint32_t seq;
	/* "MUST be expressible as a 32-bit unsigned integer and MUST be less than 2**31" */
	if (!sr_take_uint(&c, 0x7fffffff, &seq) || !sr_is(sr_cur_peek(&c), SR_C_LWS))
		return fail(m, 400, "Bad CSeq");
	sr_skip_lws(&c);
	struct sr_slice meth = sr_take_class(&c, SR_C_TOKEN);
	if (meth.len == 0 || !sr_cur_eof(&c))
		return fail(m, 400, "Bad CSeq");
	m->cseq = seq;
	m->cseq_method_name = meth;
	if (m->kind == SR_SIP_REQUEST && meth.len == m->method_name.len &&
	    memcmp(meth.p, m->method_name.p, meth.len) == 0)
		m->cseq_method = m->method;
	else
		m->cseq_method = (uint8_t)sr_sip_method_of(meth.p, meth.len);
	return 0;
}

/* Call-ID = word [ "@" word ] */
static int decode_call_id(struct sr_sip_msg *m, struct sr_slice v)
{
	const char *at = memchr(v.p, '@', v.len);
	const char *end = v.p + v.len;
	if (v.len == 0 || at == v.p || at == end - 1)
		return fail(m, 400, "Bad Call-ID");
	for (const char *q = v.p; q < end; q++)
		if (!sr_is(*q, SR_C_WORD) && q != at)
			return fail(m, 400, "Bad Call-ID");
	m->call_id = v;
	return 0;
}

static int decode_uint(struct sr_sip_msg *m, struct sr_slice v, uint32_t max, uint32_t *out,
		       const char *reason)
{
	struct sr_cur c = sr_cur_of(v);
	if (!sr_take_uint(&c, max, out) || !sr_cur_eof(&c))
		return fail(m, 400, reason);
	return 0;
}

/* Where the header parameters of a From/To value that is not a plain name-addr start:
 * after the '>' of a <...> in it, else at its first ';'. NULL for a '<' without '>'. */
static const char *loose_params(const char *p, const char *end)
{
	const char *lt = memchr(p, '<', (size_t)(end - p));
	if (lt != NULL) {
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		return gt ? gt + 1 : NULL;
	}
	const char *semi = memchr(p, ';', (size_t)(end - p));
	return semi ? semi : end;
}

/* An addr-spec's URI runs to the first ';' or LWS and must then hold no ',' or '?'
 * (RFC 3261 20: such URIs need the <> form). */
static bool addr_spec_ok(const char *p, const char *end)
{
	const char *e = p;
	while (e < end && *e != ';' && !sr_is(*e, SR_C_LWS))
		e++;
	return !memchr(p, '?', (size_t)(e - p)) && !memchr(p, ',', (size_t)(e - p));
}

/* All a proxy needs of From and To on every message is the tag; it never reads their
 * URIs (RFC 3261 16.3 item 1), so the URI is not parsed. The one pass that finds the
 * header parameters also checks the structure around the URI: display name (quoted
 * string or token run) then <> without LWS inside, or an addr-spec; not "*". A defect
 * in the parameters, or an unterminated quote or <, fails the parse; one of the
 * structure alone sets *bad, which sr_sip_check() answers with a 400 in its turn (so
 * that, say, a 505 for the version still comes first). */
static int decode_from_to(struct sr_sip_msg *m, struct sr_slice v, struct sr_slice *tag, bool *bad,
			  const char *reason)
{
	struct sr_cur c = sr_cur_of(v);
	const char *lt = NULL, *params;
	if (sr_cur_peek(&c) == '"') {
		struct sr_slice display;
		if (!sr_take_quoted(&c, &display))
			return fail(m, 400, reason);
		sr_skip_lws(&c);
		if (sr_cur_peek(&c) == '<')
			lt = c.p;
	} else {
		/* display-name = *(token LWS): a '<' must follow it, else this is an addr-spec */
		const char *t = c.p;
		while (t < c.end && sr_is(*t, SR_C_TOKEN | SR_C_LWS))
			t++;
		if (t < c.end && *t == '<')
			lt = t;
		else if (v.len == 0 || (v.len == 1 && *v.p == '*') || !addr_spec_ok(c.p, c.end))
			*bad = true;
	}
	if (lt != NULL) {
		const char *gt = memchr(lt + 1, '>', (size_t)(c.end - lt - 1));
		if (gt == NULL)
			return fail(m, 400, reason);
		if (gt == lt + 1 || sr_has_lws(lt + 1, gt))
			*bad = true;
		params = gt + 1;
	} else {
		if (v.len > 0 && *v.p == '"')
			*bad = true; /* a quoted display name without <> */
		params = loose_params(c.p, c.end);
	}
	struct sr_slice t = SR_SLICE_NULL;
	if (params == NULL || sr_sip_param_get(sr_slice_make(params, (size_t)(c.end - params)), "tag", &t) < 0)
		return fail(m, 400, reason);
	*tag = t;
	return 0;
}

static int decode_via(struct sr_sip_msg *m, struct sr_slice v)
{
	struct sr_slice elem;
	int rc;
	/* Every via-parm must parse: responses are routed by the one below the relay's. */
	while ((rc = sr_sip_list_next(&v, &elem)) > 0) {
		struct sr_sip_via other;
		if (sr_sip_via_parse(elem, m->via_count == 0 ? &m->top_via : &other) < 0)
			return fail(m, 400, "Malformed Via");
		m->via_count++;
	}
	return rc < 0 ? fail(m, 400, "Malformed Via") : 0;
}

/* These may appear once (RFC 3261 7.3.1: only list headers may be repeated). */
static const char *const dup_reason[SR_H__COUNT] = {
	[SR_H_FROM] = "Multiple From", [SR_H_TO] = "Multiple To", [SR_H_CALL_ID] = "Multiple Call-ID",
	[SR_H_CSEQ] = "Multiple CSeq", [SR_H_MAX_FORWARDS] = "Multiple Max-Forwards",
	[SR_H_CONTENT_LENGTH] = "Multiple Content-Length",
	[SR_H_CONTENT_TYPE] = "Multiple Content-Type",
};

static void decode_header(struct sr_sip_msg *m, const struct sr_sip_hdr *h)
{
	uint32_t n;
	if (dup_reason[h->type] != NULL && m->count[h->type] > 1) {
		fail(m, 400, dup_reason[h->type]);
		return;
	}
	switch (h->type) {
	case SR_H_VIA:
		decode_via(m, h->value);
		break;
	case SR_H_FROM:
		decode_from_to(m, h->value, &m->from_tag, &m->from_malformed, "Malformed From");
		break;
	case SR_H_TO:
		decode_from_to(m, h->value, &m->to_tag, &m->to_malformed, "Malformed To");
		break;
	case SR_H_CALL_ID:
		decode_call_id(m, h->value);
		break;
	case SR_H_CSEQ:
		decode_cseq(m, h->value);
		break;
	case SR_H_MAX_FORWARDS:
		if (decode_uint(m, h->value, 255, &n, "Bad Max-Forwards") == 0)
			m->max_forwards = (int16_t)n;
		break;
	case SR_H_CONTENT_LENGTH:
		if (decode_uint(m, h->value, 0x7fffffff, &n, "Bad Content-Length") == 0)
			m->content_length = (int32_t)n;
		break;
	default:
		break;
	}
}

static void add_header(struct sr_sip_msg *m, int16_t *last, const char *field, const char *name_end,
		       enum sr_sip_hdr_type type, const char *colon, const char *nl)
{
	struct sr_sip_hdr *h = &m->hdrs[m->n_hdrs];
	const char *v = colon + 1, *ve = nl;
	while (v < ve && sr_is(*v, SR_C_LWS))
		v++;
	while (ve > v && sr_is(ve[-1], SR_C_LWS))
		ve--;
	h->name = sr_slice_make(field, (size_t)(name_end - field));
	h->value = sr_slice_make(v, (size_t)(ve - v));
	h->off = (uint32_t)(field - m->buf);
	h->len = (uint32_t)(nl + 1 - field);
	h->type = (uint8_t)type;
	h->next = -1;
	int16_t idx = (int16_t)m->n_hdrs++;
	if (last[type] < 0)
		m->first[type] = idx;
	else
		m->hdrs[last[type]].next = idx;
	last[type] = idx;
	if (m->count[type] < UINT8_MAX)
		m->count[type]++;
	decode_header(m, h);
}

/* field-name = token, then optional WS before the colon. A known name matched by
 * sr_sip_hdr_type_of() is a token already; other names are checked here. */
static bool valid_name(const char *p, const char *e, enum sr_sip_hdr_type type)
{
	if (type != SR_H_OTHER)
		return true;
	for (; p < e; p++)
		if (!sr_is(*p, SR_C_TOKEN))
			return false;
	return true;
}

/* Splits the header section; returns a pointer to the body or NULL (m->err set). */
static const char *parse_headers(struct sr_sip_msg *m, const char *p, const char *end)
{
	int16_t last[SR_H__COUNT];
	memset(last, 0xff, sizeof(last));
	if (p < end && (*p == ' ' || *p == '\t')) {
		fail(m, 400, "Continuation line without a header");
		return NULL;
	}
	for (;;) {
		if (p >= end) {
			fail(m, 400, "Missing empty line after headers");
			return NULL;
		}
		if (*p == '\n' || (*p == '\r' && end - p >= 2 && p[1] == '\n')) {
			m->hdr_end = (uint32_t)(p - m->buf);
			return p + (*p == '\r' ? 2 : 1);
		}
		/* the field runs to a line end not followed by SP/HT (a fold) */
		const char *nl = p;
		for (;;) {
			nl = memchr(nl, '\n', (size_t)(end - nl));
			if (nl == NULL) {
				fail(m, 400, "Header line not terminated");
				return NULL;
			}
			if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
				nl++;
				continue;
			}
			break;
		}
		const char *colon = memchr(p, ':', (size_t)(nl - p));
		const char *name_end = colon ? colon : p;
		while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		enum sr_sip_hdr_type type = name_end > p ? sr_sip_hdr_type_of(p, (size_t)(name_end - p)) : SR_H_OTHER;
		if (name_end == p || !valid_name(p, name_end, type)) {
			fail(m, 400, "Malformed header line");
			return NULL;
		}
		if (m->n_hdrs == SR_SIP_MAX_HEADERS) {
			fail(m, 513, "Too many header fields");
			return NULL;
		}
		add_header(m, last, p, name_end, type, colon, nl);
		p = nl + 1;
	}
}

/* A raw NUL may only appear escaped in a quoted string (quoted-pair, RFC 3261 25.1;
 * RFC 4475 3.1.1.2); anywhere else it would cut C strings made from the header. The
 * quoted-string itself is checked by the parser of the header that holds it. */
static bool has_bare_nul(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		if (p == buf || p[-1] != '\\')
			return true;
		p++;
	}
	return false;
}

int sr_sip_parse(struct sr_sip_msg *m, const char *buf, size_t len, const struct sr_sip_limits *limits)
{
	memset(m, 0, offsetof(struct sr_sip_msg, hdrs));
	memset(m->first, 0xff, sizeof(m->first));
	m->buf = buf;
	m->len = (uint32_t)len;
	m->max_forwards = -1;
	m->content_length = -1;
	uint32_t max_message = limits && limits->max_message ? limits->max_message : SR_SIP_DEFAULT_MAX_MESSAGE;
	uint32_t max_body = limits && limits->max_body ? limits->max_body : SR_SIP_DEFAULT_MAX_BODY;

	if (len > max_message)
		return fail(m, 513, "Message Too Large");
	const char *p = buf, *end = buf + len;
	/* keep-alive CRLFs may precede the start line (RFC 3261 7.5, RFC 5626 4.4.1) */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return fail(m, 400, "Empty message");
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		return fail(m, 400, "Start line not terminated");
	const char *eol = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	int rc = (eol - p >= 4 && strncasecmp(p, "SIP/", 4) == 0) ? parse_status_line(m, p, eol)
								   : parse_request_line(m, p, eol);
	if (rc < 0)
		return -1;

	const char *body = parse_headers(m, nl + 1, end);
	if (body == NULL)
		return -1;
	if (has_bare_nul(buf, m->hdr_end))
		return fail(m, 400, "NUL octet in header section");
	if (m->kind == SR_SIP_RESPONSE)
		m->method = m->cseq_method;

	/* Over a datagram transport the body is the rest of the datagram; bytes beyond
	 * Content-Length are discarded (RFC 3261 18.3). A Content-Length larger than what
	 * arrived is caught by sr_sip_check(). */
	size_t avail = (size_t)(end - body);
	if (m->content_length >= 0 && (size_t)m->content_length < avail)
		avail = (size_t)m->content_length;
	m->body = sr_slice_make(body, avail);
	if (avail > max_body)
		return fail(m, 413, "Request Entity Too Large");
	return m->err.status ? -1 : 0;
}
