/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trace filter table (see sip_trace.h). Runs on the service lcore only; with no
 * filter installed relay_trace_input() costs one compare per SIP frame. Plain C on
 * byte buffers, so that the unit tests drive it without an EAL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "sip_trace.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV6_HLEN 40
#define UDP_HLEN 8

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
relay_trace_pkt_parse(const uint8_t *f, uint32_t len, struct relay_trace_pkt *p)
{
	uint32_t off, ulen;

	memset(p, 0, sizeof(*p));
	if (len < ETH_HLEN + 1)
		return -EINVAL;
	switch (get16(f + 12)) {
	case ETHERTYPE_IPV4: {
		const uint8_t *ip = f + ETH_HLEN;
		uint32_t ihl = (ip[0] & 0xfu) * 4u;

		if ((ip[0] >> 4) != 4 || ihl < 20 || len < ETH_HLEN + ihl || ip[9] != IPPROTO_UDP ||
		    (get16(ip + 6) & 0x1fff) != 0) /* a later fragment has no UDP header */
			return -EINVAL;
		p->src.family = p->dst.family = RELAY_FAMILY_IPV4;
		memcpy(p->src.addr, ip + 12, 4);
		memcpy(p->dst.addr, ip + 16, 4);
		off = ETH_HLEN + ihl;
		break;
	}
	case ETHERTYPE_IPV6: {
		const uint8_t *ip = f + ETH_HLEN;

		if (len < ETH_HLEN + IPV6_HLEN || (ip[0] >> 4) != 6 || ip[6] != IPPROTO_UDP)
			return -EINVAL;
		p->src.family = p->dst.family = RELAY_FAMILY_IPV6;
		memcpy(p->src.addr, ip + 8, 16);
		memcpy(p->dst.addr, ip + 24, 16);
		off = ETH_HLEN + IPV6_HLEN;
		break;
	}
	default:
		return -EINVAL;
	}
	if (len < off + UDP_HLEN)
		return -EINVAL;
	p->src.port = get16(f + off);
	p->dst.port = get16(f + off + 2);
	ulen = get16(f + off + 4);
	/* a frame may carry padding after the datagram, never less than it claims */
	if (ulen < UDP_HLEN || ulen > len - off)
		return -EINVAL;
	p->payload = (const char *)f + off + UDP_HLEN;
	p->len = ulen - UDP_HLEN;
	return 0;
}

static bool
ep_match(const struct relay_ep *want, const struct relay_ep *e)
{
	size_t n = want->family == RELAY_FAMILY_IPV6 ? 16 : 4;

	return want->family == e->family && memcmp(want->addr, e->addr, n) == 0 &&
	       (want->port == 0 || want->port == e->port);
}

bool
relay_trace_match(const struct relay_trace_filter *f, const struct relay_trace_pkt *p,
		  struct sr_slice call_id)
{
	switch (f->kind) {
	case DP_TRACE_CALL_ID:
		/* RFC 3261 20.8: Call-IDs are compared byte for byte */
		return call_id.len == f->call_id_len && call_id.len > 0 &&
		       memcmp(call_id.p, f->call_id, call_id.len) == 0;
	case DP_TRACE_ADDR:
		return ep_match(&f->addr, &p->src) || ep_match(&f->addr, &p->dst);
	default:
		return false;
	}
}

static void
recount(struct relay_trace *t)
{
	unsigned int i;

	t->n = t->n_call_id = 0;
	t->next_expiry_us = UINT64_MAX;
	for (i = 0; i < DP_TRACE_MAX; i++) {
		const struct relay_trace_filter *f = &t->f[i];

		if (f->id == 0)
			continue;
		t->n++;
		if (f->kind == DP_TRACE_CALL_ID)
			t->n_call_id++;
		if (f->expires_us != 0 && f->expires_us < t->next_expiry_us)
			t->next_expiry_us = f->expires_us;
	}
}

int
relay_trace_add(struct relay_trace *t, const struct dp_trace_add *req, uint64_t now_us)
{
	struct relay_trace_filter *slot = NULL;
	size_t cid_len;
	unsigned int i;

	if (req->id == 0)
		return -EINVAL;
	for (i = 0; i < DP_TRACE_MAX; i++) {
		if (t->f[i].id == req->id)
			return -EEXIST;
		if (t->f[i].id == 0 && slot == NULL)
			slot = &t->f[i];
	}
	cid_len = strnlen(req->call_id, sizeof(req->call_id));
	if (req->kind == DP_TRACE_CALL_ID) {
		if (cid_len == 0 || cid_len == sizeof(req->call_id))
			return -EINVAL;
	} else if (req->kind == DP_TRACE_ADDR) {
		if (req->addr.family != DP_FAMILY_IPV4 && req->addr.family != DP_FAMILY_IPV6)
			return -EAFNOSUPPORT;
	} else {
		return -EINVAL;
	}
	if (slot == NULL)
		return -ENOSPC;
	memset(slot, 0, sizeof(*slot));
	slot->id = req->id;
	slot->kind = req->kind;
	if (req->kind == DP_TRACE_CALL_ID) {
		memcpy(slot->call_id, req->call_id, cid_len);
		slot->call_id_len = (uint32_t)cid_len;
	} else {
		slot->addr.family = req->addr.family;
		slot->addr.port = req->addr.port;
		memcpy(slot->addr.addr, req->addr.addr,
		       req->addr.family == DP_FAMILY_IPV6 ? 16 : 4);
	}
	slot->max_packets = req->max_packets;
	slot->expires_us = req->max_seconds ? now_us + (uint64_t)req->max_seconds * 1000000 : 0;
	recount(t);
	return 0;
}

static void
state_of(const struct relay_trace_filter *f, struct dp_trace_state *s)
{
	s->id = f->id;
	s->kind = f->kind;
	s->packets = f->packets;
}

int
relay_trace_del(struct relay_trace *t, uint32_t id, struct dp_trace_list *removed)
{
	unsigned int i;

	removed->count = 0;
	for (i = 0; i < DP_TRACE_MAX; i++) {
		if (t->f[i].id == 0 || (id != 0 && t->f[i].id != id))
			continue;
		state_of(&t->f[i], &removed->trace[removed->count++]);
		memset(&t->f[i], 0, sizeof(t->f[i]));
	}
	recount(t);
	return removed->count ? 0 : -ENOENT;
}

void
relay_trace_list(const struct relay_trace *t, struct dp_trace_list *out)
{
	unsigned int i;

	out->count = 0;
	for (i = 0; i < DP_TRACE_MAX; i++)
		if (t->f[i].id != 0)
			state_of(&t->f[i], &out->trace[out->count++]);
}

static void
hdr_init(struct dp_hdr *h, uint16_t type, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->magic = DP_PROTO_MAGIC;
	h->version = DP_PROTO_VERSION;
	h->type = type;
	h->len = len;
}

static void
end_filter(struct relay_trace *t, struct relay_trace_filter *f, uint32_t reason,
	   relay_trace_emit emit, void *arg)
{
	struct dp_trace_end e;

	hdr_init(&e.h, DP_EVENT_TRACE_END, sizeof(e));
	e.id = f->id;
	e.reason = reason;
	e.packets = f->packets;
	emit(arg, &e, sizeof(e));
	memset(f, 0, sizeof(*f));
	recount(t);
}

/* One frame as events of at most DP_MSG_MAX bytes each. */
static void
emit_frame(const struct relay_trace_filter *f, const struct relay_trace_where *w,
	   const uint8_t *frame, uint32_t len, relay_trace_emit emit, void *arg)
{
	union {
		struct dp_trace_frame ev;
		uint8_t raw[DP_MSG_MAX];
	} u;
	uint32_t off = 0, n;

	do {
		n = len - off < DP_TRACE_CHUNK_MAX ? len - off : (uint32_t)DP_TRACE_CHUNK_MAX;
		hdr_init(&u.ev.h, DP_EVENT_TRACE_FRAME, (uint32_t)(sizeof(u.ev) + n));
		u.ev.id = f->id;
		u.ev.frame = (uint32_t)f->packets;
		u.ev.ts_ns = w->ts_ns;
		u.ev.orig_len = len;
		u.ev.offset = off;
		u.ev.iface = w->iface;
		u.ev.dir = w->dir;
		u.ev.pad = 0;
		u.ev.pad2 = 0;
		memset(u.ev.iface_name, 0, sizeof(u.ev.iface_name));
		if (w->iface_name != NULL)
			strncpy(u.ev.iface_name, w->iface_name, sizeof(u.ev.iface_name) - 1);
		memcpy(u.raw + sizeof(u.ev), frame + off, n);
		emit(arg, &u, sizeof(u.ev) + n);
		off += n;
	} while (off < len);
}

unsigned int
relay_trace_input(struct relay_trace *t, const struct relay_trace_where *w, const uint8_t *frame,
		  uint32_t len, relay_trace_emit emit, void *arg)
{
	/* a trace sees what the relay sees, messages too large for its proxy included */
	static const struct sr_sip_limits lim = { UINT16_MAX, UINT16_MAX };
	struct sr_slice call_id = SR_SLICE_NULL;
	struct relay_trace_pkt p;
	unsigned int i, hits = 0;

	if (t->n == 0 || relay_trace_pkt_parse(frame, len, &p) < 0)
		return 0;
	if (t->n_call_id > 0) {
		/* a message refused by the parser still has the fields read before its defect */
		sr_sip_parse(&t->msg, p.payload, p.len, &lim);
		call_id = t->msg.call_id;
	}
	for (i = 0; i < DP_TRACE_MAX; i++) {
		struct relay_trace_filter *f = &t->f[i];

		if (f->id == 0 || !relay_trace_match(f, &p, call_id))
			continue;
		f->packets++;
		hits++;
		emit_frame(f, w, frame, len, emit, arg);
		if (f->max_packets != 0 && f->packets >= f->max_packets)
			end_filter(t, f, DP_TRACE_END_PACKETS, emit, arg);
	}
	return hits;
}

void
relay_trace_expire(struct relay_trace *t, uint64_t now_us, relay_trace_emit emit, void *arg)
{
	unsigned int i;

	if (t->n == 0 || now_us < t->next_expiry_us)
		return;
	for (i = 0; i < DP_TRACE_MAX; i++) {
		struct relay_trace_filter *f = &t->f[i];

		if (f->id != 0 && f->expires_us != 0 && now_us >= f->expires_us)
			end_filter(t, f, DP_TRACE_END_TIME, emit, arg);
	}
}
