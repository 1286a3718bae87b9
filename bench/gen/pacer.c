/* SPDX-License-Identifier: BSD-3-Clause */
/* Token pacing (pacer.h). */
#include <math.h>

#include "pacer.h"

void
pacer_init(struct pacer *p, double pps, uint64_t burst, uint64_t now_ns)
{
	p->pps = pps;
	p->burst = burst ? burst : 1;
	p->base_ns = now_ns;
	p->base_sent = 0;
}

/* Packets due by now_ns in total: the one at base_ns and every 1/pps after it. */
static uint64_t
due(const struct pacer *p, uint64_t now_ns)
{
	if (now_ns < p->base_ns)
		return p->base_sent;
	return p->base_sent + (uint64_t)floor((double)(now_ns - p->base_ns) * p->pps / 1e9) + 1;
}

uint64_t
pacer_allow(struct pacer *p, uint64_t now_ns, uint64_t sent)
{
	uint64_t d;

	if (p->pps <= 0)
		return UINT64_MAX;
	d = due(p, now_ns);
	if (d <= sent)
		return 0;
	if (d - sent > p->burst) {
		/* behind: restart the schedule so that exactly one burst is due now */
		p->base_ns = now_ns;
		p->base_sent = sent + p->burst - 1;
		return p->burst;
	}
	return d - sent;
}

uint64_t
pacer_wait_ns(const struct pacer *p, uint64_t now_ns, uint64_t sent)
{
	double at;

	if (p->pps <= 0 || due(p, now_ns) > sent)
		return 0;
	/* packet number `sent` is due at base_ns + (sent - base_sent) / pps */
	at = (double)p->base_ns + (double)(sent - p->base_sent) * 1e9 / p->pps;
	return at > (double)now_ns ? (uint64_t)ceil(at - (double)now_ns) : 0;
}
