/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <siprelay/relay_types.h>

#include "neigh.h"

#define MAC_VALID (1ull << 63)

struct neigh_key {
	uint8_t iface;
	uint8_t family;
	uint8_t pad[2];
	uint8_t addr[16];
} __attribute__((aligned(8))); /* rte_hash_crc() reads 64-bit words */

struct neigh_entry {
	uint64_t mac;        /* 6 bytes of MAC | MAC_VALID; one store, so readers never tear */
	uint64_t confirmed_us;
	uint64_t probe_us;
	bool permanent;
	struct neigh_key key;
};

struct relay_neigh_table {
	struct rte_hash *hash;
	struct neigh_entry *e;
	uint32_t size;
};

static void
mkkey(struct neigh_key *k, uint8_t iface, uint8_t family, const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->iface = iface;
	k->family = family;
	memcpy(k->addr, addr, family == RELAY_FAMILY_IPV6 ? 16 : 4);
}

struct relay_neigh_table *
relay_neigh_create(const char *name, uint32_t size, int socket)
{
	struct rte_hash_parameters hp = {0};
	struct relay_neigh_table *n;
	char hname[64];

	n = rte_zmalloc_socket("relay_neigh", sizeof(*n), 0, socket);
	if (n == NULL)
		return NULL;
	snprintf(hname, sizeof(hname), "%s_neigh", name);
	hp.name = hname;
	hp.entries = size < 16 ? 16 : size;
	hp.key_len = sizeof(struct neigh_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	n->hash = rte_hash_create(&hp);
	n->size = hp.entries;
	n->e = rte_zmalloc_socket("relay_neigh_e", sizeof(*n->e) * n->size, 64, socket);
	if (n->hash == NULL || n->e == NULL) {
		relay_neigh_free(n);
		return NULL;
	}
	return n;
}

void
relay_neigh_free(struct relay_neigh_table *n)
{
	if (n == NULL)
		return;
	rte_hash_free(n->hash);
	rte_free(n->e);
	rte_free(n);
}

bool
relay_neigh_lookup(const struct relay_neigh_table *n, uint8_t iface, uint8_t family,
		   const uint8_t *addr, uint8_t mac[6])
{
	struct neigh_key k;
	int pos;
	uint64_t m;

	mkkey(&k, iface, family, addr);
	pos = rte_hash_lookup(n->hash, &k);
	if (pos < 0)
		return false;
	m = __atomic_load_n(&n->e[pos].mac, __ATOMIC_RELAXED);
	if (!(m & MAC_VALID))
		return false;
	memcpy(mac, &m, 6);
	return true;
}

static struct neigh_entry *
get(struct relay_neigh_table *n, uint8_t iface, uint8_t family, const uint8_t *addr,
    bool create)
{
	struct neigh_key k;
	int pos;

	mkkey(&k, iface, family, addr);
	pos = rte_hash_lookup(n->hash, &k);
	if (pos < 0 && create) {
		pos = rte_hash_add_key(n->hash, &k);
		if (pos >= 0) {
			memset(&n->e[pos], 0, sizeof(n->e[pos]));
			n->e[pos].key = k;
		}
	}
	return pos < 0 ? NULL : &n->e[pos];
}

int
relay_neigh_update(struct relay_neigh_table *n, uint8_t iface, uint8_t family,
		   const uint8_t *addr, const uint8_t mac[6], uint64_t now_us, bool create,
		   bool permanent)
{
	struct neigh_entry *e = get(n, iface, family, addr, create);
	uint64_t m = 0;

	if (e == NULL)
		return create ? -ENOSPC : -ENOENT;
	memcpy(&m, mac, 6);
	__atomic_store_n(&e->mac, m | MAC_VALID, __ATOMIC_RELEASE);
	e->confirmed_us = now_us;
	e->permanent = e->permanent || permanent;
	return 0;
}

bool
relay_neigh_want_probe(struct relay_neigh_table *n, uint8_t iface, uint8_t family,
		       const uint8_t *addr, uint64_t now_us)
{
	struct neigh_entry *e = get(n, iface, family, addr, true);

	if (e == NULL || e->permanent)
		return false;
	if (e->probe_us != 0 && now_us - e->probe_us < 1000000)
		return false;
	e->probe_us = now_us;
	return true;
}

void
relay_neigh_age(struct relay_neigh_table *n, uint64_t now_us, uint64_t timeout_us,
		void (*probe)(void *arg, uint8_t iface, uint8_t family, const uint8_t *addr),
		void *arg)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;
	struct neigh_entry *e;

	while ((pos = rte_hash_iterate(n->hash, &key, &data, &iter)) >= 0) {
		e = &n->e[pos];
		if (e->permanent || !(e->mac & MAC_VALID) || now_us - e->confirmed_us < timeout_us)
			continue;
		/* stale: stop using it and ask again; a reply makes it valid again */
		__atomic_store_n(&e->mac, 0, __ATOMIC_RELEASE);
		if (probe != NULL && relay_neigh_want_probe(n, e->key.iface, e->key.family,
							    e->key.addr, now_us))
			probe(arg, e->key.iface, e->key.family, e->key.addr);
	}
}
