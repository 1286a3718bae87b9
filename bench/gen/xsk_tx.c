/* SPDX-License-Identifier: BSD-3-Clause */
/* Transmit-only AF_XDP socket (xsk_tx.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/if_xdp.h>

#include "xsk_tx.h"

int
xsk_tx_open(struct xsk_tx *t, const char *ifname, uint32_t queue, uint32_t ring)
{
	struct xsk_umem_config ucfg = {
		.fill_size = 64, /* unused: no RX ring, but the kernel wants one */
		.comp_size = ring,
		.frame_size = XSK_TX_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = 0,
		.tx_size = ring,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	int err;

	memset(t, 0, sizeof(*t));
	if (ring < 64 || (ring & (ring - 1)) != 0)
		return -EINVAL;
	t->frames = 2 * ring;
	t->area_len = (uint64_t)t->frames * XSK_TX_FRAME_SIZE;
	t->area = mmap(NULL, t->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (t->area == MAP_FAILED) {
		t->area = NULL;
		return -errno;
	}
	t->free_frames = calloc(t->frames, sizeof(*t->free_frames));
	if (t->free_frames == NULL) {
		err = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < t->frames; i++)
		t->free_frames[t->nfree++] = (uint64_t)i * XSK_TX_FRAME_SIZE;
	err = xsk_umem__create(&t->umem, t->area, t->area_len, &t->fill, &t->comp, &ucfg);
	if (err < 0) {
		t->umem = NULL;
		goto fail;
	}
	err = xsk_socket__create(&t->xsk, ifname, queue, t->umem, NULL, &t->tx, &scfg);
	if (err < 0) {
		t->xsk = NULL;
		goto fail;
	}
	return 0;
fail:
	xsk_tx_close(t);
	return err;
}

void
xsk_tx_close(struct xsk_tx *t)
{
	if (t->xsk != NULL)
		xsk_socket__delete(t->xsk);
	if (t->umem != NULL)
		xsk_umem__delete(t->umem);
	free(t->free_frames);
	if (t->area != NULL)
		munmap(t->area, t->area_len);
	memset(t, 0, sizeof(*t));
}

uint32_t
xsk_tx_reclaim(struct xsk_tx *t)
{
	uint32_t idx, n = xsk_ring_cons__peek(&t->comp, t->frames, &idx);

	for (uint32_t i = 0; i < n; i++)
		t->free_frames[t->nfree++] = *xsk_ring_cons__comp_addr(&t->comp, idx + i);
	if (n > 0)
		xsk_ring_cons__release(&t->comp, n);
	t->completed += n;
	return n;
}

uint32_t
xsk_tx_reserve(struct xsk_tx *t, uint32_t n, uint32_t *idx)
{
	if (n > t->nfree)
		n = t->nfree;
	if (n == 0)
		return 0;
	return xsk_ring_prod__reserve(&t->tx, n, idx);
}

uint8_t *
xsk_tx_frame(struct xsk_tx *t, uint32_t idx)
{
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&t->tx, idx);

	d->addr = t->free_frames[--t->nfree];
	d->options = 0;
	return xsk_umem__get_data(t->area, d->addr);
}

void
xsk_tx_set_len(struct xsk_tx *t, uint32_t idx, uint32_t len)
{
	xsk_ring_prod__tx_desc(&t->tx, idx)->len = len;
}

void
xsk_tx_submit(struct xsk_tx *t, uint32_t n)
{
	xsk_ring_prod__submit(&t->tx, n);
}

int
xsk_tx_kick(struct xsk_tx *t)
{
	if (!xsk_ring_prod__needs_wakeup(&t->tx))
		return 0;
	t->kicks++;
	if (sendto(xsk_socket__fd(t->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	switch (errno) {
	case EAGAIN: /* the kernel sends a bounded batch per call: more next time */
	case ENOBUFS:
		return 0;
	case EBUSY: /* the device refused one frame; the kernel completed it unsent */
		t->dropped++;
		return 0;
	default:
		return -errno;
	}
}

uint32_t
xsk_tx_outstanding(const struct xsk_tx *t)
{
	return t->frames - t->nfree;
}
