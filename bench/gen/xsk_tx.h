/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A transmit-only AF_XDP socket for srgen (libxdp's xsk API). Copy mode, because veth
 * has no zero-copy support. No XDP program is loaded: the socket has no RX ring, so
 * nothing on the interface is redirected to it and the kernel keeps all received
 * traffic (sipp or the relay's own control traffic may share the interface).
 *
 * Frames come from a UMEM of `frames` buffers; a frame goes back to the free list when
 * the kernel completes it. A kick (sendto) makes the kernel transmit what is queued.
 */
#ifndef SRGEN_XSK_TX_H
#define SRGEN_XSK_TX_H

#include <stdint.h>

#include <xdp/xsk.h>

#define XSK_TX_FRAME_SIZE 2048

struct xsk_tx {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_prod tx;
	struct xsk_ring_cons comp;
	uint8_t *area;
	uint64_t area_len;
	uint64_t *free_frames; /* stack of free frame addresses */
	uint32_t nfree;
	uint32_t frames;
	uint64_t completed;    /* descriptors the kernel is done with (sent or dropped) */
	uint64_t dropped;      /* ... of which the device dropped (sendto: EBUSY) */
	uint64_t kicks;
};

/* ring: TX and completion ring size, a power of two; the UMEM holds twice as many. */
int xsk_tx_open(struct xsk_tx *t, const char *ifname, uint32_t queue, uint32_t ring);
void xsk_tx_close(struct xsk_tx *t);

/* Returns completed frames to the free list; how many. */
uint32_t xsk_tx_reclaim(struct xsk_tx *t);
/* Reserves up to n TX descriptors, each with a free frame; returns how many (idx: first). */
uint32_t xsk_tx_reserve(struct xsk_tx *t, uint32_t n, uint32_t *idx);
/* The frame of reserved descriptor idx. */
uint8_t *xsk_tx_frame(struct xsk_tx *t, uint32_t idx);
void xsk_tx_set_len(struct xsk_tx *t, uint32_t idx, uint32_t len);
void xsk_tx_submit(struct xsk_tx *t, uint32_t n);
/* Makes the kernel transmit; 0, or -errno when the socket is unusable (ENETDOWN, ...). */
int xsk_tx_kick(struct xsk_tx *t);
/* Frames handed to the kernel and not completed yet. */
uint32_t xsk_tx_outstanding(const struct xsk_tx *t);

#endif
