/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registrations through the relay (RFC 3261 10, RFC 3327's idea without Path).
 *
 * A REGISTER from an access phone goes to the upstream registrar with its Contact URI
 * replaced by the relay's own, sip:sr-<token>@<relay address on the egress side>, where
 * the token hashes the AOR and the phone's Contact URI: the same phone re-registering
 * keeps one Contact at the registrar, and a request the registrar's side sends to that
 * Contact comes to the relay, which finds the binding and sends the request to the
 * source address and port the phone's REGISTER came from (its NAT binding), with the
 * phone's own Contact as the Request-URI. Only the first Contact of a REGISTER is
 * anchored; others pass as they are.
 *
 * The table is filled from the registrar's final answers, matched to the REGISTER by
 * Call-ID and CSeq: a 2xx that lists the relay's Contact sets its expiry (the contact's
 * expires parameter, else the Expires header, else one hour); expires 0, or a 2xx to a
 * de-registration (Expires: 0 or Contact: *) that no longer lists it, removes it. A
 * binding expires on its own; a REGISTER that never got a 2xx is forgotten after 32 s
 * (Timer F).
 */
#include <errno.h>
#include <stdio.h>

#include "sp_internal.h"

#define SP_REG_PENDING_US (32ULL * 1000000)
#define SP_REG_SCAN_US 250000ULL
#define SP_REG_EXPIRES_MAX 0x7fffffffu

/* Decimal delta-seconds; -1 when malformed. */
static int64_t delta_seconds(struct sr_slice v)
{
	uint64_t n = 0;

	while (v.len && (v.p[0] == ' ' || v.p[0] == '\t')) {
		v.p++;
		v.len--;
	}
	while (v.len && (v.p[v.len - 1] == ' ' || v.p[v.len - 1] == '\t'))
		v.len--;
	if (v.len == 0)
		return -1;
	for (uint32_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		if (n <= SP_REG_EXPIRES_MAX)
			n = n * 10 + (uint64_t)(v.p[i] - '0');
	}
	return n > SP_REG_EXPIRES_MAX ? SP_REG_EXPIRES_MAX : (int64_t)n;
}

uint32_t sp_reg_expiry(const struct sr_sip_msg *m, struct sr_slice contact_params, uint32_t dflt)
{
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_EXPIRES);
	struct sr_slice v;
	int64_t n;

	if (contact_params.len && sr_sip_param_get(contact_params, "expires", &v) == 1 &&
	    (n = delta_seconds(v)) >= 0)
		return (uint32_t)n;
	if (h != NULL && (n = delta_seconds(h->value)) >= 0)
		return (uint32_t)n;
	return dflt;
}

uint64_t sp_reg_token(struct sr_slice aor, struct sr_slice contact_uri)
{
	uint64_t h = sp_hash_slice(SP_HASH_SEED, aor);

	h = sp_hash(h, "\n", 1);
	h = sp_hash_slice(h, contact_uri);
	return h ? h : 1; /* 0 marks a free slot */
}

static void copy_text(char *dst, size_t n, struct sr_slice s)
{
	size_t k = s.len < n - 1 ? s.len : n - 1;

	memcpy(dst, s.p, k);
	dst[k] = '\0';
}

/* The To URI, the address of record. */
static int aor_of(const struct sr_sip_msg *m, struct sr_slice *aor)
{
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_TO);
	struct sr_sip_nameaddr na;

	if (h == NULL || sr_sip_nameaddr_parse(h->value, &na) < 0)
		return -EINVAL;
	*aor = na.uri;
	return 0;
}

static bool aor_eq(const struct sp_binding *b, struct sr_slice aor)
{
	size_t n = strlen(b->aor);

	return n == (aor.len < SR_PROXY_AOR_MAX - 1 ? aor.len : SR_PROXY_AOR_MAX - 1) &&
	       memcmp(b->aor, aor.p, n) == 0;
}

static void mark_txn(struct sp_binding *b, const struct sr_sip_msg *m, uint32_t expires)
{
	b->txn_hash = sp_hash_slice(SP_HASH_SEED, m->call_id) | 1;
	b->txn_cseq = m->cseq;
	b->req_expires = expires;
}

int sp_reg_request(struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in, unsigned pos_out,
		   struct sr_sip_editor *ed, uint64_t now_us)
{
	const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTACT);
	struct sr_slice aor, rest, elem;
	struct sr_sip_nameaddr na;
	struct sr_sip_uri u;
	struct sp_binding *b;
	char uri[SP_HOST_MAX + SP_REG_USER_LEN + 16];
	bool added;

	if (p->reg.cap == 0 || h == NULL || aor_of(m, &aor) < 0)
		return 0; /* no table, or a query of the bindings: passes as it is */
	rest = h->value;
	if (sr_sip_list_next(&rest, &elem) <= 0 || sr_sip_nameaddr_parse(elem, &na) < 0)
		return 0; /* the registrar answers a malformed Contact itself */
	if (na.star) {
		/* every binding of the AOR goes once the registrar confirms */
		for (uint32_t i = 0; i < p->reg.cap; i++)
			if (p->reg.b[i].token != 0 && aor_eq(&p->reg.b[i], aor))
				mark_txn(&p->reg.b[i], m, 0);
		return 0;
	}
	/* the relay sends the phone's own Contact back as a Request-URI (calls, keepalives):
	 * only a SIP URI kept whole qualifies; anything else passes as it is */
	if (sr_sip_uri_parse(na.uri, &u) < 0 || (u.scheme != SR_URI_SIP && u.scheme != SR_URI_SIPS) ||
	    na.uri.len >= SR_PROXY_CONTACT_MAX)
		return 0;
	b = sp_reg_upsert(&p->reg, sp_reg_token(aor, na.uri), &added);
	if (b == NULL) {
		p->st.bindings_full++;
		return 0;
	}
	if (added) {
		b->created_us = now_us;
		b->state = SR_PROXY_BINDING_PENDING;
		copy_text(b->aor, sizeof(b->aor), aor);
		copy_text(b->contact, sizeof(b->contact), na.uri);
	}
	b->source = p->msg_src;
	b->pos = (uint8_t)pos_in;
	b->reg_pos = (uint8_t)pos_out;
	b->nat = p->msg_nat;
	mark_txn(b, m, sp_reg_expiry(m, na.params, SP_REG_DEFAULT_EXPIRES));
	snprintf(uri, sizeof(uri), "sip:" SP_REG_USER_PREFIX "%016llx@%s:%u", (unsigned long long)b->token,
		 p->ifx[pos_out].sip_host, p->cfg.iface[pos_out].sip.port);
	p->st.registers++;
	return sr_sip_edit_set_contact_uri(ed, uri);
}

/* The token of a URI whose user part is one of the relay's ("sr-" + 16 hex), else 0. */
static uint64_t uri_token(struct sr_slice user)
{
	uint64_t t = 0;

	if (user.len != SP_REG_USER_LEN || memcmp(user.p, SP_REG_USER_PREFIX, 3) != 0)
		return 0;
	for (uint32_t i = 3; i < user.len; i++) {
		char c = user.p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;

		if (d == 16)
			return 0;
		t = t << 4 | d;
	}
	return t;
}

/* The relay's Contact of binding b in the 2xx, with its parameters. */
static bool listed(const struct sr_sip_msg *m, const struct sp_binding *b, struct sr_slice *params)
{
	for (const struct sr_sip_hdr *h = sr_sip_first(m, SR_H_CONTACT); h; h = sr_sip_next(m, h)) {
		struct sr_slice rest = h->value, elem;

		while (sr_sip_list_next(&rest, &elem) > 0) {
			struct sr_sip_nameaddr na;
			struct sr_sip_uri u;

			if (sr_sip_nameaddr_parse(elem, &na) == 0 && !na.star && sr_sip_uri_parse(na.uri, &u) == 0 &&
			    uri_token(u.user) == b->token) {
				*params = na.params;
				return true;
			}
		}
	}
	return false;
}

static void confirm(struct sr_proxy *p, struct sp_binding *b, const struct sr_sip_msg *m, uint64_t now_us)
{
	struct sr_slice params = SR_SLICE_NULL;
	uint32_t exp;

	b->txn_hash = 0; /* a retransmitted 2xx changes nothing more */
	if (listed(m, b, &params))
		exp = sp_reg_expiry(m, params, SP_REG_DEFAULT_EXPIRES);
	else if (b->req_expires == 0)
		exp = 0; /* de-registered: the registrar no longer lists it */
	else
		exp = sp_reg_expiry(m, SR_SLICE_NULL, b->req_expires); /* a registrar that lists none */
	if (exp == 0) {
		sp_reg_remove(&p->reg, b);
		return;
	}
	if (b->state != SR_PROXY_BINDING_PENDING)
		b->refreshes++;
	b->state = SR_PROXY_BINDING_ACTIVE;
	b->expires_us = now_us + (uint64_t)exp * 1000000;
	b->ka_missed = 0;
	b->ka_waiting = false;
	if (b->next_ka_us == 0 || b->next_ka_us < now_us)
		b->next_ka_us = now_us + (uint64_t)p->cfg.keepalive_interval_s * 1000000;
}

void sp_reg_response(struct sr_proxy *p, const struct sr_sip_msg *m, uint64_t now_us)
{
	uint64_t txn;

	if (p->reg.cap == 0 || m->method != SR_M_REGISTER || m->status < 200 || m->status >= 300)
		return;
	txn = sp_hash_slice(SP_HASH_SEED, m->call_id) | 1;
	/* a 2xx may settle several bindings (Contact: *): REGISTERs are rare, a scan is fine */
	for (uint32_t i = 0; i < p->reg.cap; i++) {
		struct sp_binding *b = &p->reg.b[i];

		if (b->token != 0 && b->txn_hash == txn && b->txn_cseq == m->cseq)
			confirm(p, b, m, now_us);
	}
}

struct sp_binding *sp_reg_target(struct sr_proxy *p, const struct sr_sip_msg *m)
{
	struct sp_binding *b;
	struct sr_sip_uri u;
	struct relay_ep ep;
	uint64_t t;

	if (p->reg.cap == 0 || sr_sip_uri_parse(m->ruri, &u) < 0 || (t = uri_token(u.user)) == 0 ||
	    sp_ep_parse(u.host, u.port, &ep) < 0 || sp_ep_ours(p, &ep) < 0)
		return NULL;
	b = sp_reg_find(&p->reg, t);
	return b != NULL && b->state != SR_PROXY_BINDING_PENDING ? b : NULL;
}

bool sp_reg_ka_answer(struct sr_proxy *p, const struct sr_sip_msg *m, uint64_t now_us)
{
	const size_t n = sizeof(SP_KA_BRANCH_PREFIX) - 1;
	struct sr_slice br = m->top_via.branch;
	char user[SP_REG_USER_LEN];
	struct sp_binding *b;

	(void)now_us;
	if (br.len != n + 16 || memcmp(br.p, SP_KA_BRANCH_PREFIX, n) != 0)
		return false;
	/* the branch carries the token as the relay's Contact user part does */
	memcpy(user, SP_REG_USER_PREFIX, 3);
	memcpy(user + 3, br.p + n, 16);
	b = sp_reg_find(&p->reg, uri_token(sr_slice_make(user, sizeof(user))));
	if (b != NULL && b->ka_waiting) {
		b->ka_waiting = false;
		b->ka_missed = 0;
		b->ka_answered++;
		p->st.keepalives_answered++;
		if (b->state == SR_PROXY_BINDING_UNREACHABLE)
			b->state = SR_PROXY_BINDING_ACTIVE;
	}
	return true;
}

/* The keepalive datagram for b into o. */
static int keepalive(struct sr_proxy *p, struct sp_binding *b, struct sr_proxy_out *o)
{
	const char *host = p->ifx[b->pos].sip_host;
	unsigned port = p->cfg.iface[b->pos].sip.port;
	int n;

	if (p->cfg.keepalive == SR_PROXY_KA_CRLF)
		n = snprintf(o->buf, o->cap, "\r\n\r\n");
	else
		n = snprintf(o->buf, o->cap,
			     "OPTIONS %s SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP %s:%u;branch=" SP_KA_BRANCH_PREFIX "%016llx;rport\r\n"
			     "Max-Forwards: 70\r\n"
			     "From: <sip:keepalive@%s:%u>;tag=srka%08x\r\n"
			     "To: <%s>\r\n"
			     "Call-ID: srka-%016llx-%u@%s\r\n"
			     "CSeq: %u OPTIONS\r\n"
			     "Content-Length: 0\r\n\r\n",
			     b->contact, host, port, (unsigned long long)b->token, host, port,
			     (unsigned)b->token, b->contact, (unsigned long long)b->token, b->ka_sent, host,
			     b->ka_sent + 1);
	if (n < 0 || (uint32_t)n >= o->cap)
		return -ENOSPC;
	o->len = (uint32_t)n;
	o->iface = p->cfg.iface[b->pos].index;
	o->dst = b->source;
	return 0;
}

/* Expiry of one binding, then its keepalive when due; true when o was filled. */
static bool scan_one(struct sr_proxy *p, struct sp_binding *b, struct sr_proxy_out *o, uint64_t now_us)
{
	if (b->state == SR_PROXY_BINDING_PENDING) {
		if (now_us - b->created_us >= SP_REG_PENDING_US)
			sp_reg_remove(&p->reg, b);
		return false;
	}
	if (now_us >= b->expires_us) {
		sp_reg_remove(&p->reg, b);
		p->st.bindings_expired++;
		return false;
	}
	if (p->cfg.keepalive == SR_PROXY_KA_OFF || !b->nat || now_us < b->next_ka_us)
		return false;
	if (b->ka_waiting && ++b->ka_missed >= p->cfg.keepalive_max_missed)
		b->state = SR_PROXY_BINDING_UNREACHABLE;
	if (keepalive(p, b, o) < 0)
		return false;
	b->ka_sent++;
	b->ka_waiting = p->cfg.keepalive == SR_PROXY_KA_OPTIONS;
	b->next_ka_us = now_us + (uint64_t)p->cfg.keepalive_interval_s * 1000000;
	p->st.keepalives_sent++;
	return true;
}

unsigned sr_proxy_reg_tick(struct sr_proxy *p, struct sr_proxy_out *out, unsigned n_out, uint64_t now_us)
{
	unsigned n = 0;

	if (p->reg.cap == 0 || (p->reg_cursor == 0 && now_us - p->reg_scan_us < SP_REG_SCAN_US))
		return 0;
	while (p->reg_cursor < p->reg.cap && n < n_out) {
		struct sp_binding *b = &p->reg.b[p->reg_cursor++];

		if (b->token != 0 && out[n].buf != NULL && scan_one(p, b, &out[n], now_us))
			n++;
	}
	if (p->reg_cursor >= p->reg.cap) {
		p->reg_cursor = 0;
		p->reg_scan_us = now_us;
	}
	return n;
}

unsigned sr_proxy_bindings(const struct sr_proxy *p, uint32_t *cursor, struct sr_proxy_binding *out,
			   unsigned max, uint64_t now_us)
{
	unsigned n = 0;

	for (; *cursor < p->reg.cap && n < max; (*cursor)++) {
		const struct sp_binding *b = &p->reg.b[*cursor];
		struct sr_proxy_binding *o = &out[n];

		if (b->token == 0)
			continue;
		memset(o, 0, sizeof(*o));
		o->token = b->token;
		o->state = b->state;
		o->iface = p->cfg.iface[b->pos].index;
		o->reg_iface = p->cfg.iface[b->reg_pos].index;
		o->nat = b->nat;
		o->source = b->source;
		o->relay = p->cfg.iface[b->reg_pos].sip;
		o->expires_in_ms = b->expires_us ? ((int64_t)b->expires_us - (int64_t)now_us) / 1000 : 0;
		o->age_ms = (now_us - b->created_us) / 1000;
		o->refreshes = b->refreshes;
		o->ka_sent = b->ka_sent;
		o->ka_answered = b->ka_answered;
		o->ka_missed = b->ka_missed;
		memcpy(o->aor, b->aor, sizeof(o->aor));
		memcpy(o->contact, b->contact, sizeof(o->contact));
		n++;
	}
	return n;
}

unsigned sr_proxy_binding_count(const struct sr_proxy *p)
{
	return p->reg.used;
}
