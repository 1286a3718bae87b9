/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_ethdev.h>

#include "port.h"

/* Ring sizes unless the driver prefers larger ones (net_af_xdp: 2048): a deeper RX ring
 * absorbs the moments a worker on a shared core is preempted. */
#define RX_DESC 1024
#define TX_DESC 1024

static uint16_t
ring_size(uint16_t preferred, uint16_t ours, const struct rte_eth_desc_lim *lim)
{
	uint16_t n = preferred > ours ? preferred : ours;

	if (lim->nb_max != 0 && n > lim->nb_max)
		n = lim->nb_max;
	return n < lim->nb_min ? lim->nb_min : n;
}

int
relay_port_setup(struct relay_iface *ifc, uint16_t n_rxq, uint16_t n_txq,
		 struct rte_mempool *mp, bool *shared_txq, char *err, size_t errlen)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t port, q;
	int ret;

	*shared_txq = false;
	ret = rte_eth_dev_get_port_by_name(ifc->dev, &port);
	if (ret < 0) {
		snprintf(err, errlen, "interface %s: no DPDK port '%s'", ifc->name, ifc->dev);
		return -ENODEV;
	}
	ret = rte_eth_dev_info_get(port, &info);
	if (ret < 0)
		goto fail;
	if (n_txq > info.max_tx_queues && n_rxq <= info.max_tx_queues) {
		/* no queue for the service loop: it hands its frames to worker 0 */
		n_txq = n_rxq;
		*shared_txq = true;
	}
	if (n_rxq > 1) {
		/* flows of one leg must land on one worker: stats are single-writer */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	}
	ifc->rx_csum_complete = relay_iface_rx_csum_complete(ifc->udp_checksum, info.driver_name);
	ifc->tx_udp_csum = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
	if (ifc->tx_udp_csum)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	ret = rte_eth_dev_configure(port, n_rxq, n_txq, &conf);
	if (ret < 0)
		goto fail;
	for (q = 0; q < n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(port, q,
					     ring_size(info.default_rxportconf.ring_size, RX_DESC,
						       &info.rx_desc_lim),
					     rte_eth_dev_socket_id(port),
					     NULL, mp);
		if (ret < 0)
			goto fail;
	}
	for (q = 0; q < n_txq; q++) {
		ret = rte_eth_tx_queue_setup(port, q,
					     ring_size(info.default_txportconf.ring_size, TX_DESC,
						       &info.tx_desc_lim),
					     rte_eth_dev_socket_id(port),
					     NULL);
		if (ret < 0)
			goto fail;
	}
	ret = rte_eth_dev_start(port);
	if (ret < 0)
		goto fail;
	rte_eth_macaddr_get(port, &mac);
	memcpy(ifc->mac, mac.addr_bytes, 6);
	ifc->port_id = port;
	return 0;
fail:
	snprintf(err, errlen, "interface %s (%s): %s", ifc->name, ifc->dev, rte_strerror(-ret));
	return ret;
}

void
relay_port_close(const struct relay_iface *ifc)
{
	rte_eth_dev_stop(ifc->port_id);
	rte_eth_dev_close(ifc->port_id);
}
