/* SPDX-License-Identifier: BSD-3-Clause */
/* srgen's frames: headers, checksums, RTP and SIP payloads (frame.h). */
#include <string.h>

#include "frame.h"

uint64_t
frame_csum_add(uint64_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t w;

	/* 32-bit words in memory order: the folded sum is the same as over 16-bit words */
	for (; len >= 4; b += 4, len -= 4) {
		memcpy(&w, b, 4);
		sum += w;
	}
	if (len > 0) {
		uint8_t tail[4] = {0};

		memcpy(tail, b, len); /* an odd last byte is the high byte of a padded word */
		memcpy(&w, tail, 4);
		sum += w;
	}
	return sum;
}

uint16_t
frame_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

size_t
frame_udp4(uint8_t *buf, const uint8_t src_mac[6], const struct gen_flow *f, size_t payload_len,
	   uint16_t ip_id)
{
	uint8_t *ip = buf + SRGEN_ETH_LEN, *udp = ip + SRGEN_IP4_LEN, pseudo[12];
	uint16_t ulen = (uint16_t)(SRGEN_UDP_LEN + payload_len), csum;
	uint64_t sum;

	memcpy(buf, f->dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	put16(buf + 12, 0x0800);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(SRGEN_IP4_LEN + ulen));
	put16(ip + 4, ip_id);
	put16(ip + 6, 0x4000); /* DF, as the kernel sends UDP */
	ip[8] = 64;
	ip[9] = 17;
	put16(ip + 10, 0);
	memcpy(ip + 12, &f->src, 4);
	memcpy(ip + 16, &f->dst, 4);
	csum = frame_csum_fold(frame_csum_add(0, ip, SRGEN_IP4_LEN));
	memcpy(ip + 10, &csum, 2);

	put16(udp, f->sport);
	put16(udp + 2, f->dport);
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	memcpy(pseudo, &f->src, 4);
	memcpy(pseudo + 4, &f->dst, 4);
	pseudo[8] = 0;
	pseudo[9] = 17;
	put16(pseudo + 10, ulen);
	sum = frame_csum_add(0, pseudo, sizeof(pseudo));
	sum = frame_csum_add(sum, udp, ulen); /* header and payload: the header is 8 bytes */
	csum = frame_csum_fold(sum);
	if (csum == 0)
		csum = 0xffff; /* 0 would mean "no checksum" */
	memcpy(udp + 6, &csum, 2);
	return SRGEN_HDRS_LEN + payload_len;
}

/* A 32-bit mix (murmur3's finaliser): distinct, stable SSRCs and offsets per flow id. */
static uint32_t
mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

void
frame_rtp_init(struct gen_rtp *r, uint32_t id, uint8_t pt, uint32_t ts_step)
{
	r->ssrc = mix32(id ^ 0x5352u);
	r->seq0 = (uint16_t)mix32(id + 1);
	r->ts0 = mix32(id + 2);
	r->ts_step = ts_step;
	r->pt = pt & 0x7f;
	r->flow_id = id;
}

void
frame_rtp_payload(uint8_t *p, const struct gen_rtp *r, uint64_t seq, uint64_t tx_ns)
{
	p[0] = 0x80; /* V=2, no padding, no extension, no CSRC */
	p[1] = r->pt;
	put16(p + 2, (uint16_t)(r->seq0 + seq));
	put32(p + 4, (uint32_t)(r->ts0 + seq * r->ts_step));
	put32(p + 8, r->ssrc);
	p += SRGEN_STAMP_OFF;
	put32(p, SRGEN_MAGIC);
	put32(p + 4, r->flow_id);
	put64(p + 8, seq);
	put64(p + 16, tx_ns);
}

/* A bounded writer: a NULL pos means it ran out of room. */
struct sbuf {
	char *pos;
	char *end;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->pos == NULL || (size_t)(b->end - b->pos) < n) {
		b->pos = NULL;
		return;
	}
	memcpy(b->pos, s, n);
	b->pos += n;
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void
sb_uint(struct sbuf *b, uint64_t v)
{
	char t[24], *p = t + sizeof(t);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_put(b, p, (size_t)(t + sizeof(t) - p));
}

/* Dotted quad by hand: glibc's inet_ntop formats through sprintf, per request too slow. */
static void
sb_ip4(struct sbuf *b, uint32_t a)
{
	const uint8_t *o = (const uint8_t *)&a;

	for (int i = 0; i < 4; i++) {
		if (i > 0)
			sb_put(b, ".", 1);
		sb_uint(b, o[i]);
	}
}

/* Fixed width, so that every request of a run has the same shape. */
static void
sb_hex16(struct sbuf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char t[16];

	for (int i = 15; i >= 0; i--, v >>= 4)
		t[i] = digits[v & 15];
	sb_put(b, t, sizeof(t));
}

static void
sb_hostport(struct sbuf *b, uint32_t a, uint16_t port)
{
	sb_ip4(b, a);
	sb_str(b, ":");
	sb_uint(b, port);
}

size_t
frame_sip_options(char *p, size_t cap, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		  uint64_t n)
{
	struct sbuf b = {p, p + cap};

	sb_str(&b, "OPTIONS sip:");
	sb_hostport(&b, dst, dport);
	sb_str(&b, " SIP/2.0\r\nVia: SIP/2.0/UDP ");
	sb_hostport(&b, src, sport);
	sb_str(&b, ";branch=z9hG4bK");
	sb_hex16(&b, n);
	sb_str(&b, "\r\nMax-Forwards: 70\r\nFrom: <sip:srgen@");
	sb_ip4(&b, src);
	sb_str(&b, ">;tag=");
	sb_hex16(&b, n);
	sb_str(&b, "\r\nTo: <sip:");
	sb_hostport(&b, dst, dport);
	sb_str(&b, ">\r\nCall-ID: ");
	sb_hex16(&b, n);
	sb_str(&b, "@");
	sb_ip4(&b, src);
	sb_str(&b, "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	return b.pos == NULL ? 0 : (size_t)(b.pos - p);
}
