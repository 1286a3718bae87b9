/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sets each interface's software prefilter config (iface.h: pf, pf_soft) and tells
 * the XDP prefilter (bpf/prefilter.bpf.c, loaded by the net_af_xdp PMD through
 * xdp_prog=) what this data plane expects on each of its kernel interfaces: SIP port,
 * media range, the per-source SIP rate on access interfaces. Written into the pinned
 * config map at start and on reload; without a pinned map there is no prefilter and
 * nothing to do.
 */
#ifndef RELAY_PREFILTER_CFG_H
#define RELAY_PREFILTER_CFG_H

#include <stddef.h>

struct relay_config;
struct relay_runtime;

/*
 * 0 with *configured set to the number of interfaces written (0 when no prefilter is
 * loaded or no port is a kernel interface), or -errno with a reason in err.
 */
int relay_prefilter_configure(struct relay_config *cfg, unsigned int *configured,
			      char *err, size_t errlen);

/* Again after a change of limits or a reload; failures are counted, not fatal. */
void relay_prefilter_refresh(struct relay_runtime *rt);

#endif
