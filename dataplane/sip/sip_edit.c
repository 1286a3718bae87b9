/* Stateless-proxy edits as splices over the original message, applied in one pass into
 * one output buffer (RFC 3261 16.6 and 16.11, RFC 3581). The original is never touched,
 * so a retransmission edited the same way gives the same bytes. */
#include <errno.h>

#include <siprelay/sip_edit.h>

#include "sip_lex.h"

void sr_sip_edit_init(struct sr_sip_editor *ed, const struct sr_sip_msg *m)
{
	ed->m = m;
	ed->n = 0;
	ed->body_set = false;
	ed->body = NULL;
	ed->body_len = 0;
	ed->arena_used = 0;
}

static uint32_t offset_of(const struct sr_sip_editor *ed, const char *p)
{
	return (uint32_t)(p - ed->m->buf);
}

/* Decimal text of v (snprintf costs more than the whole edit on the fast path). */
static const char *fmt_u32(char buf[12], uint32_t v)
{
	char *p = buf + 11;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* Adds a splice whose inserted text is the concatenation of up to four strings. */
static int splice4(struct sr_sip_editor *ed, uint32_t off, uint32_t del, const char *a, const char *b,
		   const char *c, const char *d)
{
	const char *parts[4] = { a, b, c, d };
	if (ed->n == SR_SIP_EDIT_MAX)
		return -ENOSPC;
	uint32_t start = ed->arena_used;
	for (int i = 0; i < 4; i++) {
		if (parts[i] == NULL)
			continue;
		size_t n = strlen(parts[i]);
		if (n > SR_SIP_EDIT_ARENA - ed->arena_used) {
			ed->arena_used = start;
			return -ENOSPC;
		}
		memcpy(ed->arena + ed->arena_used, parts[i], n);
		ed->arena_used += (uint32_t)n;
	}
	ed->s[ed->n++] = (struct sr_sip_splice){ off, del, start, ed->arena_used - start };
	return 0;
}

static int splice(struct sr_sip_editor *ed, uint32_t off, uint32_t del, const char *a, const char *b,
		  const char *c)
{
	return splice4(ed, off, del, a, b, c, NULL);
}

static const struct sr_sip_hdr *first_of(const struct sr_sip_editor *ed, enum sr_sip_hdr_type t)
{
	return sr_sip_first(ed->m, t);
}

/* Where a new Route/Record-Route goes when the message has none: after the top Via
 * field, so that the order reads naturally. */
static uint32_t after_top_via(const struct sr_sip_editor *ed)
{
	const struct sr_sip_hdr *via = first_of(ed, SR_H_VIA);
	return via ? via->off + via->len : (ed->m->n_hdrs ? ed->m->hdrs[0].off : ed->m->hdr_end);
}

static int push_field(struct sr_sip_editor *ed, enum sr_sip_hdr_type t, const char *name,
		      const char *value, bool angle)
{
	const struct sr_sip_hdr *h = first_of(ed, t);
	uint32_t off = h ? h->off : after_top_via(ed);
	return splice4(ed, off, 0, name, angle ? ": <" : ": ", value, angle ? ">\r\n" : "\r\n");
}

/* Removes the first value of the first field of type t: the element and its comma when
 * more follow, the whole field otherwise. */
static int pop_value(struct sr_sip_editor *ed, enum sr_sip_hdr_type t)
{
	const struct sr_sip_hdr *h = first_of(ed, t);
	if (h == NULL)
		return -ENOENT;
	struct sr_slice rest = h->value, elem;
	if (sr_sip_list_next(&rest, &elem) <= 0)
		return -EINVAL;
	struct sr_cur c = sr_cur_of(rest);
	sr_skip_lws(&c);
	if (sr_cur_eof(&c))
		return splice(ed, h->off, h->len, NULL, NULL, NULL);
	return splice(ed, offset_of(ed, elem.p), (uint32_t)(c.p - elem.p), NULL, NULL, NULL);
}

int sr_sip_edit_push_via(struct sr_sip_editor *ed, const char *via_value)
{
	const struct sr_sip_hdr *h = first_of(ed, SR_H_VIA);
	uint32_t off = h ? h->off : (ed->m->n_hdrs ? ed->m->hdrs[0].off : ed->m->hdr_end);
	return splice(ed, off, 0, "Via: ", via_value, "\r\n");
}

int sr_sip_edit_pop_via(struct sr_sip_editor *ed)
{
	return pop_value(ed, SR_H_VIA);
}

int sr_sip_edit_via_received(struct sr_sip_editor *ed, const char *ip, uint16_t port, bool force_rport)
{
	const struct sr_sip_via *v = &ed->m->top_via;
	if (ed->m->via_count == 0)
		return -ENOENT;
	char buf[12];
	const char *num = fmt_u32(buf, port);
	const char *via_end = v->raw.p + v->raw.len;
	bool rport = v->has_rport || force_rport;
	int rc = 0;

	/* rport first: when it is the last parameter its "=port" and a new received share
	 * one offset, and splices at one offset keep the order they were made in */
	if (v->has_rport && v->rport.len == 0)
		rc = splice(ed, offset_of(ed, v->rport.p), 0, "=", num, NULL);
	else if (!v->has_rport && force_rport) {
		rc = splice(ed, offset_of(ed, via_end), 0, ";rport=", num, NULL);
	}
	if (rc < 0)
		return rc;

	/* RFC 3581 4: with rport, received is added even when it equals sent-by */
	if (v->received.len > 0)
		return splice(ed, offset_of(ed, v->received.p), v->received.len, ip, NULL, NULL);
	if (rport || !sr_slice_caseeq(v->host, ip))
		return splice(ed, offset_of(ed, via_end), 0, ";received=", ip, NULL);
	return 0;
}

int sr_sip_edit_push_record_route(struct sr_sip_editor *ed, const char *uri)
{
	return push_field(ed, SR_H_RECORD_ROUTE, "Record-Route", uri, true);
}

int sr_sip_edit_pop_record_route(struct sr_sip_editor *ed)
{
	return pop_value(ed, SR_H_RECORD_ROUTE);
}

int sr_sip_edit_push_route(struct sr_sip_editor *ed, const char *uri)
{
	return push_field(ed, SR_H_ROUTE, "Route", uri, true);
}

int sr_sip_edit_pop_route(struct sr_sip_editor *ed)
{
	return pop_value(ed, SR_H_ROUTE);
}

int sr_sip_edit_cut(struct sr_sip_editor *ed, uint32_t off, uint32_t len)
{
	if (off > ed->m->len || len > ed->m->len - off)
		return -EINVAL;
	return splice(ed, off, len, NULL, NULL, NULL);
}

int sr_sip_edit_dec_max_forwards(struct sr_sip_editor *ed)
{
	const struct sr_sip_hdr *h = first_of(ed, SR_H_MAX_FORWARDS);
	/* RFC 3261 16.6 step 3: a proxy adds one (70) when the request has none */
	if (h == NULL || ed->m->max_forwards < 0)
		return push_field(ed, SR_H_MAX_FORWARDS, "Max-Forwards", "70", false);
	if (ed->m->max_forwards == 0)
		return -ERANGE;
	char buf[12];
	const char *num = fmt_u32(buf, (uint32_t)ed->m->max_forwards - 1);
	return splice(ed, offset_of(ed, h->value.p), h->value.len, num, NULL, NULL);
}

int sr_sip_edit_set_contact_uri(struct sr_sip_editor *ed, const char *uri)
{
	const struct sr_sip_hdr *h = first_of(ed, SR_H_CONTACT);
	if (h == NULL)
		return -ENOENT;
	struct sr_slice rest = h->value, elem;
	struct sr_sip_nameaddr na;
	if (sr_sip_list_next(&rest, &elem) <= 0 || sr_sip_nameaddr_parse(elem, &na) < 0 || na.star)
		return -EINVAL;
	/* an addr-spec gains <> so that parameters of the new URI stay URI parameters */
	if (na.angle)
		return splice(ed, offset_of(ed, na.uri.p), na.uri.len, uri, NULL, NULL);
	return splice(ed, offset_of(ed, na.uri.p), na.uri.len, "<", uri, ">");
}

int sr_sip_edit_set_ruri(struct sr_sip_editor *ed, const char *uri)
{
	if (ed->m->kind != SR_SIP_REQUEST || ed->m->ruri.p == NULL)
		return -EINVAL;
	return splice(ed, offset_of(ed, ed->m->ruri.p), ed->m->ruri.len, uri, NULL, NULL);
}

int sr_sip_edit_set_body(struct sr_sip_editor *ed, const char *body, size_t len)
{
	if (len > UINT32_MAX / 2)
		return -EINVAL;
	ed->body_set = true;
	ed->body = body;
	ed->body_len = (uint32_t)len;
	return 0;
}

/* A splice with its text resolved, for sorting and copying. */
struct out_splice {
	uint32_t off;
	uint32_t del;
	const char *ins;
	uint32_t ins_len;
	uint16_t seq; /* keeps insertions at one offset in the order they were made */
};

static bool before(const struct out_splice *a, const struct out_splice *b)
{
	return a->off < b->off || (a->off == b->off && a->seq < b->seq);
}

ssize_t sr_sip_edit_apply(const struct sr_sip_editor *ed, char *out, size_t cap)
{
	const struct sr_sip_msg *m = ed->m;
	struct out_splice sp[SR_SIP_EDIT_MAX + 2];
	unsigned n = 0;
	for (unsigned i = 0; i < ed->n; i++, n++)
		sp[n] = (struct out_splice){ ed->s[i].off, ed->s[i].del, ed->arena + ed->s[i].ins_off,
					     ed->s[i].ins_len, (uint16_t)n };

	/* Content-Length always states the body that goes out; the body replaces
	 * everything after the empty line (bytes beyond a stated length are dropped). */
	const char *body = ed->body_set ? ed->body : m->body.p;
	uint32_t body_len = ed->body_set ? ed->body_len : m->body.len;
	char num[12], cl[40];
	const char *len = fmt_u32(num, body_len);
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTENT_LENGTH);
	if (h != NULL) {
		sp[n] = (struct out_splice){ offset_of(ed, h->value.p), h->value.len, len,
					     (uint32_t)strlen(len), (uint16_t)n };
	} else {
		size_t k = strlen(len);
		memcpy(cl, "Content-Length: ", 16);
		memcpy(cl + 16, len, k);
		memcpy(cl + 16 + k, "\r\n", 2);
		sp[n] = (struct out_splice){ m->hdr_end, 0, cl, (uint32_t)(k + 18), (uint16_t)n };
	}
	n++;
	uint32_t body_off = offset_of(ed, m->body.p);
	sp[n] = (struct out_splice){ body_off, m->len - body_off, body, body_len, (uint16_t)n };
	n++;

	/* insertion sort: a handful of splices */
	for (unsigned i = 1; i < n; i++) {
		struct out_splice x = sp[i];
		unsigned j = i;
		while (j > 0 && before(&x, &sp[j - 1])) {
			sp[j] = sp[j - 1];
			j--;
		}
		sp[j] = x;
	}

	size_t o = 0;
	uint32_t pos = 0;
	for (unsigned i = 0; i < n; i++) {
		if (sp[i].off < pos || sp[i].off + sp[i].del > m->len)
			return -EINVAL; /* overlaps an earlier deletion */
		uint32_t keep = sp[i].off - pos;
		if (o + keep + sp[i].ins_len > cap)
			return -ENOSPC;
		memcpy(out + o, m->buf + pos, keep);
		o += keep;
		if (sp[i].ins_len)
			memcpy(out + o, sp[i].ins, sp[i].ins_len);
		o += sp[i].ins_len;
		pos = sp[i].off + sp[i].del;
	}
	/* the body splice always ends at m->len */
	return (ssize_t)o;
}
