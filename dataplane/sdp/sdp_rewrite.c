/* SDP rewrite as a list of splices over the parsed body: the parse recorded where the
 * o= version, each c= value, m= port and a=rtcp sit and where added lines go, so the
 * common case copies the body in a handful of memcpy calls without reading it again.
 * A section is walked line by line only to drop ICE lines or to reach several a=rtcp
 * lines; the walk's splices are merged, in offset order, with the recorded ones. */
#include <errno.h>

#include "sdp_lines.h"

enum splice_kind {
	SP_VERSION,   /* o= sess-version + 1 */
	SP_PORT,      /* m= port */
	SP_CONN,      /* c= value */
	SP_RTCP,      /* a=rtcp port */
	SP_RTCP_ADDR, /* a=rtcp port and address */
	SP_ADD_CONN,  /* new c= line */
	SP_ADD_RTCP,  /* new a=rtcp line */
	SP_DROP,      /* remove (an ICE line) */
};

/* Replace input [off, off + del) with what kind says. */
struct splice {
	uint32_t off;
	uint32_t del;
	uint8_t kind;
};

/* Per-stream decisions. */
struct plan {
	const struct sr_sdp_relay *r;         /* NULL: copy the stream as received */
	uint8_t addr_len;
	const struct sr_sdp_relay *add_relay; /* add "c=IN IPx <relay>" */
	bool add_orig;                        /* add the original session c= value */
	bool add_rtcp;                        /* add "a=rtcp:<port>" */
};

struct rw {
	const struct sr_sdp *s;
	unsigned flags;
	const char *eol;
	uint8_t eol_len;
	uint8_t sess_addr_len;
	const struct sr_sdp_relay *sess_r; /* new session c=, NULL to keep it */
	uint32_t pos;                      /* input before pos has been dealt with */
	char *out;
	size_t cap;
	size_t len;
	bool full;
	struct plan plan[SR_SDP_MAX_MEDIA];
};

/* ---- output ---- */

static void put(struct rw *w, const void *src, size_t n)
{
	if (n == 0) /* out may be NULL when cap is 0 */
		return;
	if (w->full || n > w->cap - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->out + w->len, src, n);
	w->len += n;
}

static void put_u16(struct rw *w, uint16_t v)
{
	char d[5];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(w, d + i, sizeof(d) - i);
}

/* sess-version + 1 as a decimal string of any length: "41" -> "42", "999" -> "1000".
 * RFC 8866 5.2 only asks for a larger number; some stacks send 20+ digits, so no
 * integer type is wide enough. */
static void put_incremented(struct rw *w, struct sr_slice v)
{
	static const char zeros[16] = "0000000000000000";
	uint32_t k = v.len;

	while (k > 0 && v.p[k - 1] == '9')
		k--;
	if (k == 0) {
		put(w, "1", 1);
	} else {
		char d = (char)(v.p[k - 1] + 1);
		put(w, v.p, k - 1);
		put(w, &d, 1);
	}
	for (uint32_t n = v.len - k; n > 0;) {
		uint32_t c = n < sizeof(zeros) ? n : (uint32_t)sizeof(zeros);
		put(w, zeros, c);
		n -= c;
	}
}

static void put_conn_value(struct rw *w, const struct sr_sdp_relay *r, size_t addr_len)
{
	put(w, r->af == SR_SDP_IP6 ? "IN IP6 " : "IN IP4 ", 7);
	put(w, r->addr, addr_len);
}

/* Added lines start on a fresh line: only the body's last line can lack its ending, or
 * have only the CR of it. */
static void start_line(struct rw *w)
{
	if (w->full || w->len == 0 || w->out[w->len - 1] == '\n')
		return;
	if (w->out[w->len - 1] == '\r')
		put(w, "\n", 1);
	else
		put(w, w->eol, w->eol_len);
}

static void apply(struct rw *w, const struct plan *p, const struct splice *sp)
{
	const struct sr_sdp *s = w->s;

	put(w, s->buf + w->pos, sp->off - w->pos);
	w->pos = sp->off + sp->del;

	switch ((enum splice_kind)sp->kind) {
	case SP_VERSION:
		put_incremented(w, s->origin.sess_version);
		break;
	case SP_PORT:
		put_u16(w, p->r->rtp_port);
		break;
	case SP_CONN:
		if (p == NULL)
			put_conn_value(w, w->sess_r, w->sess_addr_len);
		else
			put_conn_value(w, p->r, p->addr_len);
		break;
	case SP_RTCP:
	case SP_RTCP_ADDR:
		put_u16(w, p->r->rtcp_mux ? p->r->rtp_port : p->r->rtcp_port);
		if (sp->kind == SP_RTCP_ADDR) {
			put(w, " ", 1);
			put_conn_value(w, p->r, p->addr_len);
		}
		break;
	case SP_ADD_CONN:
		start_line(w);
		put(w, "c=", 2);
		if (p->add_relay != NULL)
			put_conn_value(w, p->add_relay, p->addr_len);
		else
			put(w, s->conn.value.p, s->conn.value.len);
		put(w, w->eol, w->eol_len);
		break;
	case SP_ADD_RTCP:
		start_line(w);
		put(w, "a=rtcp:", 7);
		put_u16(w, p->r->rtcp_port);
		put(w, w->eol, w->eol_len);
		break;
	case SP_DROP:
		break;
	}
}

/* ---- planning ---- */

static bool relay_char_ok(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') ||
	       ch == '.' || ch == ':';
}

/* The address goes into the body verbatim: only IP literal characters may pass. */
static int relay_check(const struct sr_sdp_relay *r, uint8_t *len)
{
	size_t n;

	if (r->addr == NULL || (r->af != SR_SDP_IP4 && r->af != SR_SDP_IP6))
		return -EINVAL;
	for (n = 0; r->addr[n] != '\0'; n++)
		if (n == SR_SDP_ADDR_MAX || !relay_char_ok(r->addr[n]))
			return -EINVAL;
	if (n == 0)
		return -EINVAL;
	*len = (uint8_t)n;
	return 0;
}

static bool relay_same(const struct sr_sdp_relay *a, const struct sr_sdp_relay *b)
{
	return a->af == b->af && strcmp(a->addr, b->addr) == 0;
}

static int make_plan(struct rw *w, const struct sr_sdp_relay *relay, unsigned n_relay)
{
	const struct sr_sdp *s = w->s;
	const struct sr_sdp_relay *first = NULL, *first_shared = NULL;
	int rc;

	for (unsigned i = 0; i < s->n_media; i++) {
		struct plan *p = &w->plan[i];
		memset(p, 0, sizeof(*p));
		if (i >= n_relay || relay[i].keep || s->media[i].port == 0)
			continue;
		rc = relay_check(&relay[i], &p->addr_len);
		if (rc < 0)
			return rc;
		p->r = &relay[i];
		if (first == NULL)
			first = p->r;
		if (first_shared == NULL && s->media[i].conn.af == SR_SDP_AF_NONE)
			first_shared = p->r;
		/* Without a=rtcp the peer sends RTCP to port + 1 (RFC 3605 2). */
		p->add_rtcp = !s->media[i].has_rtcp && !p->r->rtcp_mux &&
			      p->r->rtcp_port != (uint32_t)p->r->rtp_port + 1;
	}

	/* The session c= takes the address of the first stream that uses it, else (so that
	 * the peer's address does not leak) of the first rewritten stream. A held session
	 * address stays. */
	if (s->conn.af == SR_SDP_AF_NONE || s->conn.unspec)
		return 0;
	w->sess_r = first_shared != NULL ? first_shared : first;
	if (w->sess_r == NULL)
		return 0;
	w->sess_addr_len = (uint8_t)strlen(w->sess_r->addr);

	for (unsigned i = 0; i < s->n_media; i++) {
		struct plan *p = &w->plan[i];
		if (s->media[i].conn.af != SR_SDP_AF_NONE || s->media[i].port == 0)
			continue;
		if (p->r == NULL)
			p->add_orig = true;
		else if (!relay_same(p->r, w->sess_r))
			p->add_relay = p->r;
	}
	return 0;
}

/* ---- sections ---- */

static uint32_t off_of(const struct rw *w, const char *p)
{
	return (uint32_t)(p - w->s->buf);
}

static void add(struct splice *v, unsigned *n, uint32_t off, uint32_t del, enum splice_kind kind)
{
	v[*n] = (struct splice){ off, del, (uint8_t)kind };
	(*n)++;
}

/* a=rtcp:<port> [IN IPx <addr>]: the port, and the address unless it is a held one. */
static void add_rtcp(const struct rw *w, struct splice *v, unsigned *n, struct sr_slice port,
		     const struct sr_sdp_conn *c)
{
	if (c->af != SR_SDP_AF_NONE && !c->unspec)
		add(v, n, off_of(w, port.p), (uint32_t)(c->value.p + c->value.len - port.p), SP_RTCP_ADDR);
	else
		add(v, n, off_of(w, port.p), port.len, SP_RTCP);
}

static void sort_splices(struct splice *v, unsigned n)
{
	/* At most five, and an added c= must stay ahead of an added a=rtcp at the same
	 * offset: a stable insertion sort. */
	for (unsigned i = 1; i < n; i++) {
		struct splice t = v[i];
		unsigned j = i;
		while (j > 0 && v[j - 1].off > t.off) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
}

/* Applies the recorded splices v[0..n) and, when walking [from, to), the ICE line drops
 * and a=rtcp rewrites found there, all in offset order. */
static void run_section(struct rw *w, const struct plan *p, struct splice *v, unsigned n, bool walk,
			uint32_t from, uint32_t to)
{
	unsigned j = 0;

	sort_splices(v, n);
	if (walk) {
		const struct sr_sdp *s = w->s;
		struct sdp_cursor c;
		struct sdp_line l;
		struct splice found[1];
		unsigned nf;

		sdp_cursor_init(&c, s->buf + from, s->buf + to);
		while (!w->full && sdp_line_next(&c, &l)) {
			if (l.type != 'a')
				continue;
			nf = 0;
			if ((w->flags & SR_SDP_RW_STRIP_ICE) && sdp_attr_is_ice(&l)) {
				add(found, &nf, off_of(w, l.p), (uint32_t)(l.next - l.p), SP_DROP);
			} else if (p != NULL && SDP_ATTR_IS(&l, "rtcp") && l.vend - l.v > 4) {
				const char *q = l.v + 5;
				struct sr_slice port;
				struct sr_sdp_conn conn = { .af = SR_SDP_AF_NONE };
				sdp_token(&q, l.vend, &port);
				while (q < l.vend && sdp_is_ws(*q))
					q++;
				if (q < l.vend && sdp_parse_conn(q, l.vend, &conn, true) != NULL)
					continue; /* cannot happen after a successful parse */
				add_rtcp(w, found, &nf, port, &conn);
			}
			if (nf == 0)
				continue;
			while (j < n && v[j].off <= found[0].off)
				apply(w, p, &v[j++]);
			apply(w, p, &found[0]);
		}
	}
	while (j < n)
		apply(w, p, &v[j++]);
}

static void session_section(struct rw *w)
{
	const struct sr_sdp *s = w->s;
	struct splice v[2];
	unsigned n = 0;

	add(v, &n, off_of(w, s->origin.sess_version.p), s->origin.sess_version.len, SP_VERSION);
	if (w->sess_r != NULL)
		add(v, &n, off_of(w, s->conn.value.p), s->conn.value.len, SP_CONN);
	run_section(w, NULL, v, n, (w->flags & SR_SDP_RW_STRIP_ICE) && s->n_ice > 0, 0, s->sess_end);
}

static void media_section(struct rw *w, unsigned i)
{
	const struct sr_sdp_media *m = &w->s->media[i];
	const struct plan *p = &w->plan[i];
	struct splice v[5];
	unsigned n = 0;
	bool walk = false;

	if (p->r != NULL) {
		walk = ((w->flags & SR_SDP_RW_STRIP_ICE) && m->n_ice > 0) || m->n_rtcp > 1;
		add(v, &n, off_of(w, m->port_str.p), m->port_str.len, SP_PORT);
		if (m->conn.af != SR_SDP_AF_NONE && !m->conn.unspec)
			add(v, &n, off_of(w, m->conn.value.p), m->conn.value.len, SP_CONN);
		if (m->n_rtcp == 1 && !walk)
			add_rtcp(w, v, &n, m->rtcp_port_str, &m->rtcp_conn);
	}
	if (p->add_relay != NULL || p->add_orig)
		add(v, &n, m->conn_at, 0, SP_ADD_CONN);
	if (p->add_rtcp)
		add(v, &n, m->end, 0, SP_ADD_RTCP);
	run_section(w, p, v, n, walk, m->off, m->end);
}

ssize_t sr_sdp_rewrite(const struct sr_sdp *s, const struct sr_sdp_relay *relay, unsigned n_relay,
		       unsigned flags, char *out, size_t cap)
{
	struct rw w;
	int rc;

	/* Field by field: an initializer would also clear all sixteen plans, of which
	 * make_plan() sets the n_media in use. */
	w.s = s;
	w.flags = flags;
	w.eol = s->crlf ? "\r\n" : "\n";
	w.eol_len = s->crlf ? 2 : 1;
	w.sess_addr_len = 0;
	w.sess_r = NULL;
	w.pos = 0;
	w.out = out;
	w.cap = cap;
	w.len = 0;
	w.full = false;

	rc = make_plan(&w, relay, n_relay);
	if (rc < 0)
		return rc;
	session_section(&w);
	for (unsigned i = 0; i < s->n_media && !w.full; i++)
		media_section(&w, i);
	put(&w, s->buf + w.pos, s->len - w.pos);
	return w.full ? -ENOSPC : (ssize_t)w.len;
}
