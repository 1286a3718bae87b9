/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <siprelay/prefilter.h>

#include "config.h"
#include "pinholes.h"

void
relay_pinholes_init(struct relay_pinholes *p)
{
	p->pin_fd = bpf_obj_get(PF_PIN_ROOT "/" PF_MAP_PINHOLES);
	p->ban_fd = bpf_obj_get(PF_PIN_ROOT "/" PF_MAP_BANS);
	p->errors = 0;
}

void
relay_pinholes_fini(struct relay_pinholes *p)
{
	if (p->pin_fd >= 0)
		close(p->pin_fd);
	if (p->ban_fd >= 0)
		close(p->ban_fd);
	p->pin_fd = p->ban_fd = -1;
}

bool
relay_pinholes_active(const struct relay_pinholes *p)
{
	return p->pin_fd >= 0;
}

/* The pinhole key of leg l: its local address in the 16-byte form, its RTP port. */
static bool
leg_key(const struct relay_config *cfg, const struct relay_leg *l, struct pf_pinhole_key *k)
{
	const struct relay_iface *f;

	if (l->iface >= cfg->n_ifaces || l->local_port == 0)
		return false;
	f = &cfg->iface[l->iface];
	memset(k, 0, sizeof(*k));
	if (l->family == RELAY_FAMILY_IPV4) {
		sr_addr_map4((const uint8_t *)&l->local_addr, k->addr);
	} else {
		if (l->local_addr >= f->n_ip6)
			return false;
		memcpy(k->addr, f->ip6[l->local_addr], 16);
	}
	k->port = l->local_port;
	return true;
}

static void
remote16(const struct relay_ep *ep, uint8_t out[16])
{
	if (ep->family == RELAY_FAMILY_IPV4)
		sr_addr_map4(ep->addr, out);
	else if (ep->family == RELAY_FAMILY_IPV6)
		memcpy(out, ep->addr, 16);
	else
		memset(out, 0, 16);
}

static void
write_leg(struct relay_pinholes *p, const struct relay_config *cfg, const struct relay_leg *l)
{
	struct pf_pinhole_key k;
	struct pf_pinhole v;

	if (!leg_key(cfg, l, &k))
		return;
	memset(&v, 0, sizeof(v));
	if (l->flags & RELAY_LEG_STRICT) {
		v.flags = PF_PIN_STRICT;
		/* the remote is known once latched; the signalled one may be a NAT's inside */
		if (l->flags & RELAY_LEG_LATCHED_RTP)
			remote16(&l->remote[RELAY_COMP_RTP], v.remote);
	}
	if (bpf_map_update_elem(p->pin_fd, &k, &v, BPF_ANY) != 0)
		p->errors++;
}

void
relay_pinholes_open(struct relay_pinholes *p, const struct relay_config *cfg,
		    const struct relay_stream *s)
{
	if (p->pin_fd < 0)
		return;
	write_leg(p, cfg, &s->leg[0]);
	write_leg(p, cfg, &s->leg[1]);
}

void
relay_pinholes_close(struct relay_pinholes *p, const struct relay_config *cfg,
		     const struct relay_stream *s)
{
	struct pf_pinhole_key k;
	unsigned int l;

	if (p->pin_fd < 0)
		return;
	for (l = 0; l < 2; l++)
		if (leg_key(cfg, &s->leg[l], &k))
			bpf_map_delete_elem(p->pin_fd, &k); /* ENOENT: never opened, fine */
}

void
relay_pinholes_latched(struct relay_pinholes *p, const struct relay_config *cfg,
		       const struct relay_stream *s, unsigned int l)
{
	if (p->pin_fd >= 0 && l < 2 && (s->leg[l].flags & RELAY_LEG_STRICT))
		write_leg(p, cfg, &s->leg[l]);
}

static uint64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t); /* the clock of bpf_ktime_get_ns() */
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void
relay_pinholes_ban(struct relay_pinholes *p, const struct sr_prefix *pfx, uint32_t ttl_s)
{
	struct pf_ban b = { .expires_ns = ttl_s ? mono_ns() + (uint64_t)ttl_s * 1000000000ull : 0 };

	if (p->ban_fd >= 0 && bpf_map_update_elem(p->ban_fd, pfx, &b, BPF_ANY) != 0)
		p->errors++;
}

void
relay_pinholes_unban(struct relay_pinholes *p, const struct sr_prefix *pfx)
{
	if (p->ban_fd >= 0)
		bpf_map_delete_elem(p->ban_fd, pfx);
}
