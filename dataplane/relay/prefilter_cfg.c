/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <rte_ethdev.h>

#include <siprelay/prefilter.h>

#include "config.h"
#include "prefilter_cfg.h"
#include "runtime.h"

/*
 * The data plane owns its addresses on these ports (it answers ARP and ND itself and
 * the kernel holds none), so neighbour traffic comes here rather than to the kernel.
 */
static void
iface_config(const struct relay_config *cfg, unsigned int i, struct pf_config *pc)
{
	const struct relay_iface *f = &cfg->iface[i];

	memset(pc, 0, sizeof(*pc));
	pc->flags = PF_F_ARP_TO_RELAY;
	if (cfg->sip.enabled && cfg->sip.role[i] != RELAY_ROLE_NONE)
		pc->sip_port[0] = f->sip_port;
	if (cfg->sip.enabled && cfg->sip.role[i] == RELAY_ROLE_ACCESS &&
	    cfg->sip.source_rate != 0) {
		/* the phones' side; the upstream the relay forwards to is not limited */
		pc->flags |= PF_F_RATE_REQUESTS;
		pc->sip_rate = cfg->sip.source_rate;
		pc->sip_burst = cfg->sip.source_burst;
	}
	pc->media_lo = f->media_lo;
	pc->media_hi = f->media_hi;
}

int
relay_prefilter_configure(struct relay_config *cfg, unsigned int *configured, char *err,
			  size_t errlen)
{
	struct rte_eth_dev_info info;
	struct pf_config pc;
	unsigned int i;
	uint32_t ifindex;
	int fd, ret = 0;

	*configured = 0;
	/* every port starts in software; those XDP takes over are switched off below */
	for (i = 0; i < cfg->n_ifaces; i++) {
		iface_config(cfg, i, &cfg->iface[i].pf);
		cfg->iface[i].pf_soft = true;
	}
	fd = bpf_obj_get(PF_PIN_ROOT "/" PF_MAP_CONFIG);
	if (fd < 0)
		return 0; /* no prefilter loaded: the PMD's own program redirects everything */
	for (i = 0; i < cfg->n_ifaces && ret == 0; i++) {
		/* kernel interfaces (net_af_xdp) have an ifindex; others run no XDP */
		if (rte_eth_dev_info_get(cfg->iface[i].port_id, &info) != 0 || info.if_index == 0)
			continue;
		ifindex = info.if_index;
		iface_config(cfg, i, &pc);
		if (bpf_map_update_elem(fd, &ifindex, &pc, BPF_ANY) != 0) {
			ret = -errno;
			snprintf(err, errlen, "prefilter config of interface %s: %s",
				 cfg->iface[i].name, strerror(errno));
			break;
		}
		cfg->iface[i].pf_soft = false;
		(*configured)++;
	}
	close(fd);
	return ret;
}

void
relay_prefilter_refresh(struct relay_runtime *rt)
{
	unsigned int n;
	char err[160];

	if (relay_prefilter_configure(&rt->cfg, &n, err, sizeof(err)) < 0)
		rt->pinholes.errors++;
}
