/* SPDX-License-Identifier: BSD-3-Clause */
/* RTP/RTCP path of a worker: latch, count, rewrite, choose the output interface. */
#ifndef RELAY_RTP_PATH_H
#define RELAY_RTP_PATH_H

#include <stdint.h>

#include "classify.h"
#include "worker.h"

struct rte_mbuf;

/*
 * Relay m, received on the leg encoded in val (table value). On RELAY_V_FWD_* the
 * mbuf is rewritten and *out_iface is the interface to send it on.
 */
enum relay_verdict relay_rtp_forward(struct relay_worker *w, struct rte_mbuf *m,
				     const struct relay_pkt_meta *pm, uint64_t val,
				     uint64_t now_us, unsigned int *out_iface);

#endif
