/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The prefilter's decision, written once for both places it runs: the XDP program
 * (bpf/prefilter.bpf.c) and the data plane's software prefilter on ports without XDP
 * (dataplane/relay/prefilter_sw.c). Plain C that the BPF verifier accepts: a cursor
 * that only advances past bounds-checked bytes, no loops without a constant bound, no
 * library calls.
 *
 * The includer supplies its tables by defining, before including this file:
 *   struct pf_env;   (whatever its lookups need)
 *   PF_INLINE        (static __always_inline in BPF, static inline elsewhere)
 *   PF_INLINE bool pf_env_banned(struct pf_env *e, const struct sr_prefix *src);
 *       an unexpired ban covers src (len 128, 16-byte form)
 *   PF_INLINE bool pf_env_sip_take(struct pf_env *e, const struct pf_config *c,
 *                                  const uint8_t src[16]);
 *       one token of src's bucket at c's rate and burst: true when there was one
 *   PF_INLINE bool pf_env_pinhole(struct pf_env *e, const struct pf_pinhole_key *k,
 *                                 struct pf_pinhole *out);
 *       the pinhole of a local address and even port: true and *out when open
 * or, instead of pf_env_pinhole(), PF_PINHOLES_ELSEWHERE: the includer checks media
 * ports itself later (the data plane's stream lookup), so every media frame that gets
 * this far is PF_V_MEDIA and no key is built for it.
 */
#ifndef SIPRELAY_PREFILTER_LOGIC_H
#define SIPRELAY_PREFILTER_LOGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/prefilter.h>

#define PF_ETH_HLEN 14
#define PF_ETH_P_IP 0x0800
#define PF_ETH_P_ARP 0x0806
#define PF_ETH_P_8021Q 0x8100
#define PF_ETH_P_IPV6 0x86dd
#define PF_IPPROTO_UDP 17
#define PF_IPPROTO_ICMPV6 58
#define PF_IPV6_NEXT_HOP 0
#define PF_IPV6_NEXT_ROUTING 43
#define PF_IPV6_NEXT_FRAGMENT 44
#define PF_IPV6_NEXT_DSTOPTS 60
#define PF_IPV6_EXT_MAX 4 /* extension headers skipped before giving up (malformed) */
#define PF_ICMPV6_ND_FIRST 133 /* router solicitation .. redirect */
#define PF_ICMPV6_ND_LAST 137

/* What a verdict asks of the caller. */
enum pf_action {
	PF_ACT_RELAY,   /* the data plane's socket (XDP: redirect) */
	PF_ACT_KERNEL,  /* the kernel's stack (software: the data plane's own handling) */
	PF_ACT_DROP,
};

struct pf_cursor {
	const uint8_t *pos;
	const uint8_t *end;
};

/* The next n bytes, or NULL when the frame is shorter. */
PF_INLINE const uint8_t *
pf_take(struct pf_cursor *c, uint32_t n)
{
	const uint8_t *p = c->pos;

	if (p + n > c->end)
		return (const uint8_t *)0;
	c->pos = p + n;
	return p;
}

PF_INLINE uint16_t
pf_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* What the verdict needs from the headers. */
struct pf_pkt {
	struct sr_prefix src;    /* len 128 */
	uint8_t dst[16];
	uint8_t l4;              /* IP protocol */
	uint16_t sport;          /* host order */
	uint16_t dport;
	uint32_t l4_room;        /* bytes the IP header says follow it */
	const uint8_t *payload;  /* UDP payload */
	uint32_t plen;
};

PF_INLINE void
pf_map4(uint8_t out[16], const uint8_t a[4])
{
	int i;

	for (i = 0; i < 10; i++)
		out[i] = 0;
	out[10] = 0xff;
	out[11] = 0xff;
	for (i = 0; i < 4; i++)
		out[12 + i] = a[i];
}

/* IPv4 up to the L4 header: a verdict, or PF_V_MAX to go on. */
PF_INLINE enum pf_verdict
pf_parse_ipv4(struct pf_cursor *c, struct pf_pkt *p)
{
	const uint8_t *ip = pf_take(c, 20);
	uint32_t hlen, tot;

	if (ip == 0 || (ip[0] >> 4) != 4)
		return PF_V_MALFORMED;
	hlen = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = pf_be16(ip + 2);
	if (hlen < 20 || tot < hlen || ip + tot > c->end)
		return PF_V_MALFORMED;
	/* options: at most 40 bytes, checked against the frame */
	if (pf_take(c, hlen - 20) == 0)
		return PF_V_MALFORMED;
	p->src.len = 128;
	pf_map4(p->src.addr, ip + 12);
	pf_map4(p->dst, ip + 16);
	p->l4 = ip[9];
	/* MF set or a non-zero offset */
	if (pf_be16(ip + 6) & 0x3fff)
		return PF_V_FRAGMENT;
	p->l4_room = tot - hlen; /* the frame may carry trailer padding beyond tot */
	return PF_V_MAX;
}

PF_INLINE enum pf_verdict
pf_parse_ipv6(struct pf_cursor *c, struct pf_pkt *p)
{
	const uint8_t *ip6 = pf_take(c, 40), *ext;
	uint32_t room, elen;
	uint8_t next;
	int i;

	if (ip6 == 0 || (ip6[0] >> 4) != 6)
		return PF_V_MALFORMED;
	room = pf_be16(ip6 + 4);
	if (ip6 + 40 + room > c->end)
		return PF_V_MALFORMED;
	p->src.len = 128;
	for (i = 0; i < 16; i++) {
		p->src.addr[i] = ip6[8 + i];
		p->dst[i] = ip6[24 + i];
	}
	next = ip6[6];
	for (i = 0; i < PF_IPV6_EXT_MAX; i++) {
		if (next == PF_IPV6_NEXT_FRAGMENT)
			return PF_V_FRAGMENT;
		if (next != PF_IPV6_NEXT_HOP && next != PF_IPV6_NEXT_ROUTING &&
		    next != PF_IPV6_NEXT_DSTOPTS)
			break;
		ext = pf_take(c, 8);
		if (ext == 0)
			return PF_V_MALFORMED;
		next = ext[0];
		elen = 8 + (uint32_t)ext[1] * 8;
		if (elen > room || pf_take(c, elen - 8) == 0)
			return PF_V_MALFORMED;
		room -= elen;
	}
	if (i == PF_IPV6_EXT_MAX)
		return PF_V_MALFORMED;
	p->l4 = next;
	p->l4_room = room;
	return PF_V_MAX;
}

PF_INLINE enum pf_verdict
pf_parse_udp(struct pf_cursor *c, struct pf_pkt *p)
{
	const uint8_t *udp = pf_take(c, 8);
	uint32_t len;

	if (udp == 0)
		return PF_V_MALFORMED;
	len = pf_be16(udp + 4);
	if (len < 8 || len > p->l4_room || udp + len > c->end)
		return PF_V_MALFORMED;
	p->sport = pf_be16(udp);
	p->dport = pf_be16(udp + 2);
	p->payload = udp + 8;
	p->plen = len - 8;
	return PF_V_MAX;
}

PF_INLINE bool
pf_is_sip_port(const struct pf_config *cfg, uint16_t port)
{
	int i;

	for (i = 0; i < PF_SIP_PORTS; i++)
		if (cfg->sip_port[i] != 0 && cfg->sip_port[i] == port)
			return true;
	return false;
}

/* A SIP response starts with "SIP/2.0 "; a request with its method. */
PF_INLINE bool
pf_is_sip_response(const struct pf_pkt *p, const uint8_t *end)
{
	const uint8_t *b = p->payload;

	if (b + 8 > end || p->plen < 8)
		return false;
	return b[0] == 'S' && b[1] == 'I' && b[2] == 'P' && b[3] == '/' && b[4] == '2' &&
	       b[5] == '.' && b[6] == '0' && b[7] == ' ';
}

PF_INLINE enum pf_verdict
pf_sip_verdict(struct pf_env *env, const struct pf_config *cfg, const struct pf_pkt *p,
	       const uint8_t *end)
{
	if (!(cfg->flags & PF_F_RATE_REQUESTS) || cfg->sip_rate == 0 || pf_is_sip_response(p, end))
		return PF_V_SIP;
	return pf_env_sip_take(env, cfg, p->src.addr) ? PF_V_SIP : PF_V_SIP_RATE;
}

#ifdef PF_PINHOLES_ELSEWHERE
PF_INLINE enum pf_verdict
pf_media_verdict(struct pf_env *env, const struct pf_pkt *p)
{
	(void)env;
	(void)p;
	return PF_V_MEDIA;
}
#else
PF_INLINE enum pf_verdict
pf_media_verdict(struct pf_env *env, const struct pf_pkt *p)
{
	struct pf_pinhole_key k;
	struct pf_pinhole ph;
	uint8_t known = 0, same = 1;
	int i;

	for (i = 0; i < 16; i++)
		k.addr[i] = p->dst[i];
	k.port = (uint16_t)(p->dport & ~1);
	k.pad = 0;
	if (!pf_env_pinhole(env, &k, &ph))
		return PF_V_MEDIA_CLOSED;
	if (!(ph.flags & PF_PIN_STRICT))
		return PF_V_MEDIA;
	for (i = 0; i < 16; i++) {
		known |= ph.remote[i];
		same &= ph.remote[i] == p->src.addr[i];
	}
	/* strict but not latched yet: the signalled address may be a NAT's inside one */
	return !known || same ? PF_V_MEDIA : PF_V_MEDIA_SOURCE;
}
#endif

/* The verdict on a frame of len bytes at data, by the order of prefilter.h. */
PF_INLINE enum pf_verdict
pf_decide(struct pf_env *env, const struct pf_config *cfg, const uint8_t *data,
	  const uint8_t *data_end)
{
	struct pf_cursor c = { data, data_end };
	struct pf_pkt p = {};
	const uint8_t *eth = pf_take(&c, PF_ETH_HLEN), *vlan;
	enum pf_verdict v;
	uint16_t proto;

	if (eth == 0)
		return PF_V_MALFORMED;
	proto = pf_be16(eth + 12);
	if (proto == PF_ETH_P_8021Q) {
		vlan = pf_take(&c, 4);
		if (vlan == 0)
			return PF_V_MALFORMED;
		proto = pf_be16(vlan + 2);
	}
	if (proto == PF_ETH_P_IP)
		v = pf_parse_ipv4(&c, &p);
	else if (proto == PF_ETH_P_IPV6)
		v = pf_parse_ipv6(&c, &p);
	else
		return PF_V_NON_IP;
	if (v == PF_V_MALFORMED)
		return v;
	/* a banned source is dropped whatever it sends, fragments included */
	if (pf_env_banned(env, &p.src))
		return PF_V_BANNED;
	if (v != PF_V_MAX)
		return v;
	if (p.l4 != PF_IPPROTO_UDP)
		return PF_V_OTHER;
	v = pf_parse_udp(&c, &p);
	if (v != PF_V_MAX)
		return v;
	if (pf_is_sip_port(cfg, p.dport))
		return pf_sip_verdict(env, cfg, &p, c.end);
	if (cfg->media_lo <= cfg->media_hi && p.dport >= cfg->media_lo && p.dport <= cfg->media_hi)
		return pf_media_verdict(env, &p);
	return PF_V_OTHER;
}

/* ARP, and IPv6 neighbour discovery: what a data plane owning its addresses answers. */
PF_INLINE bool
pf_is_neighbour(const uint8_t *data, const uint8_t *end)
{
	if (data + PF_ETH_HLEN > end)
		return false;
	if (pf_be16(data + 12) == PF_ETH_P_ARP)
		return true;
	/* ICMPv6 right after the fixed header: ND carries no extension headers */
	if (pf_be16(data + 12) != PF_ETH_P_IPV6 || data + PF_ETH_HLEN + 41 > end)
		return false;
	return data[PF_ETH_HLEN + 6] == PF_IPPROTO_ICMPV6 &&
	       data[PF_ETH_HLEN + 40] >= PF_ICMPV6_ND_FIRST &&
	       data[PF_ETH_HLEN + 40] <= PF_ICMPV6_ND_LAST;
}

/* What to do with a verdict under cfg. */
PF_INLINE enum pf_action
pf_action_of(enum pf_verdict v, const struct pf_config *cfg)
{
	switch (v) {
	case PF_V_UNCONFIGURED:
	case PF_V_SIP:
	case PF_V_MEDIA:
		return PF_ACT_RELAY;
	case PF_V_MALFORMED:
		return (cfg->flags & PF_F_PASS_MALFORMED) ? PF_ACT_KERNEL : PF_ACT_DROP;
	case PF_V_FRAGMENT:
		return (cfg->flags & PF_F_PASS_FRAGMENTS) ? PF_ACT_KERNEL : PF_ACT_DROP;
	case PF_V_BANNED:
	case PF_V_SIP_RATE:
	case PF_V_MEDIA_CLOSED:
	case PF_V_MEDIA_SOURCE:
		return PF_ACT_DROP;
	default:
		return PF_ACT_KERNEL;
	}
}

#endif
