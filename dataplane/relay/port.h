/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RELAY_PORT_H
#define RELAY_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iface.h"

struct rte_mempool;

/*
 * Find ifc->dev, configure n_rxq RX queues (RSS when more than one) and n_txq TX
 * queues, start it; fills port_id, mac and tx_udp_csum. When the port offers fewer TX
 * queues than asked but at least n_rxq, it gets n_rxq and *shared_txq is set: the
 * caller then routes the extra queue's traffic through a worker. Returns 0 or -errno.
 */
int relay_port_setup(struct relay_iface *ifc, uint16_t n_rxq, uint16_t n_txq,
		     struct rte_mempool *mp, bool *shared_txq, char *err, size_t errlen);
void relay_port_close(const struct relay_iface *ifc);

#endif
