/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The prefilter in software, for ports without XDP (net_pcap, net_ring, a NIC bound to
 * vfio-pci): the same decision as bpf/prefilter.bpf.c, from the same code
 * (include/siprelay/prefilter_logic.h), run by the workers before classification.
 * Only its tables differ:
 *   - bans: a read-only snapshot of the data plane's ban table, republished by the
 *     service loop on every change and reclaimed after a QSBR grace period;
 *   - SIP buckets: per worker (a source's frames reach one queue, so one worker);
 *   - pinholes: the stream table itself. A port is open when a leg owns it, which the
 *     RTP path finds out with its own lookup: closed ports are dropped there (counted
 *     as drop_no_session) and strict sources by latching (drop_strict_source), the
 *     same outcome as XDP's media_closed and media_wrong_source, without a second
 *     lookup per packet.
 * "To the kernel" means the data plane's own handling (ARP, ICMP, not-local drops).
 */
#ifndef RELAY_PREFILTER_SW_H
#define RELAY_PREFILTER_SW_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/prefilter.h>

struct relay_runtime;
struct relay_iface;
struct sr_ban_table;
struct sr_rate_table;

/* A worker's share. */
struct relay_pf_worker {
	struct sr_rate_table *rates;        /* SIP request buckets of this worker's sources */
	uint64_t verdicts[PF_V_MAX];
};

int relay_pf_worker_init(struct relay_pf_worker *pw, uint32_t max_sources);
void relay_pf_worker_fini(struct relay_pf_worker *pw);

/*
 * Judges a frame received on in (in->pf_soft set) and counts the verdict: false when
 * the frame must be dropped, true to go on as usual. bans may be NULL.
 */
bool relay_pf_soft_pass(struct relay_pf_worker *pw, const struct relay_iface *in,
			const struct sr_ban_table *bans, const uint8_t *frame, uint32_t len,
			uint64_t now_us);

/* Service loop: a new snapshot of the runtime's bans for the workers (after a change),
 * and reclaim of the snapshots no worker can still read. */
int relay_pf_soft_publish_bans(struct relay_runtime *rt);
void relay_pf_soft_reclaim(struct relay_runtime *rt, bool all);

#endif
