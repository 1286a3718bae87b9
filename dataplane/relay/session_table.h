/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stream table. Workers look legs up lock-free in a direct-indexed leg index:
 * a small directory maps a local address (interface, family, address) to a page of
 * 32,768 entries indexed by port >> 1, each holding (handle << 1 | leg) + 1, 0 for a
 * closed port. One dependent load per packet instead of a hash bucket and a key
 * compare: at 1,000,000 randomly hit streams those were a third of the worker.
 *
 * One writer (the service loop) adds and deletes: it fills a stream, then publishes
 * its index entries with release stores; workers load them with acquire. Stream slots
 * are recycled only after every registered reader has passed a quiescent state (QSBR
 * defer queue), so a worker that loaded an entry just before a delete still reads the
 * stream it found; index entries themselves can be reused at once.
 */
#ifndef RELAY_SESSION_TABLE_H
#define RELAY_SESSION_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <siprelay/relay_types.h>

struct relay_table;
struct rte_rcu_qsbr;

struct relay_table_params {
	const char *name;
	uint32_t capacity;    /* streams */
	int socket_id;
	uint32_t max_readers; /* worker threads that will register with the QSBR */
	uint32_t max_addrs;   /* distinct local addresses (0: RELAY_TABLE_ADDRS; 128 KiB of
			       * index each, allocated when a leg first uses it) */
};

/* Local addresses (pages of the index) a table holds unless told otherwise, and at most. */
#define RELAY_TABLE_ADDRS 1024
#define RELAY_TABLE_MAX_ADDRS 65536
/* Entries of an index page: one per even port. */
#define RELAY_PAGE_ENTRIES 32768

/* Index value of a leg: stream handle << 1 | leg index. */
#define RELAY_VAL_HANDLE(v) ((uint32_t)((v) >> 1))
#define RELAY_VAL_LEG(v) ((unsigned int)((v) & 1))
#define RELAY_LOOKUP_MAX 64

struct relay_table *relay_table_create(const struct relay_table_params *p);
void relay_table_free(struct relay_table *t);

struct rte_rcu_qsbr *relay_table_qsbr(struct relay_table *t);

/*
 * Copy s into a free slot and publish both legs. Returns the handle or -errno
 * (-ENOSPC also when a leg's address would exceed max_addrs).
 */
int relay_table_add(struct relay_table *t, const struct relay_stream *s);
/* Unpublish; the slot is recycled after a grace period. */
int relay_table_del(struct relay_table *t, uint32_t handle);
/* Handle of the leg keyed by k, or -ENOENT (writer side). */
int relay_table_find(struct relay_table *t, const struct relay_key *k, unsigned int *leg);
/* A published stream, or NULL. */
struct relay_stream *relay_table_get(struct relay_table *t, uint32_t handle);
/* Next published handle at or after *iter, or -ENOENT; advances *iter. */
int relay_table_next(struct relay_table *t, uint32_t *iter);
/* Recycle what the grace period allows (service loop, every tick). */
void relay_table_reclaim(struct relay_table *t);

uint32_t relay_table_count(const struct relay_table *t);
uint32_t relay_table_capacity(const struct relay_table *t);
/* Bytes of memory the table holds, measured on the DPDK heap (index pages included). */
size_t relay_table_bytes(const struct relay_table *t);

/* n <= RELAY_LOOKUP_MAX keys; vals[i] valid where bit i of the result is set. */
uint64_t relay_table_lookup(const struct relay_table *t, const struct relay_key **keys,
			    unsigned int n, uint64_t *vals);
struct relay_stream *relay_table_streams(const struct relay_table *t);

static inline void
relay_key_of_leg(struct relay_key *k, const struct relay_leg *l)
{
	k->addr = l->local_addr;
	k->port = l->local_port;
	k->iface = l->iface;
	k->family = l->family;
}

/*
 * The leg index as workers read it. A directory entry: one local address and its page.
 * Written once by the writer (key first, page last with release), never removed while
 * the table lives, so probe chains stay valid for readers without any lock.
 */
struct relay_index_addr {
	uint32_t addr;
	uint8_t iface;
	uint8_t family;
	uint16_t pad;
	uint32_t *page;
};

struct relay_index {
	struct relay_index_addr *dir;
	uint32_t mask;
};

const struct relay_index *relay_table_index(const struct relay_table *t);

/*
 * Consecutive addresses of a pool land in consecutive entries: the few lines of the
 * directory that a burst touches stay in L1 (a scrambling hash spread them over it).
 */
static inline uint32_t
relay_index_hash(const struct relay_key *k)
{
	uint32_t a;

	memcpy(&a, &k->addr, 4);
	return __builtin_bswap32(a) ^ ((uint32_t)k->iface * 0x9e3779b1u + k->family * 0x85ebca6bu);
}

/* The directory entry of k's address, or the empty entry that ends its probe chain. */
static inline struct relay_index_addr *
relay_index_find(const struct relay_index *x, const struct relay_key *k, uint32_t **page)
{
	struct relay_index_addr *e;
	uint32_t i;

	for (i = relay_index_hash(k) & x->mask;; i = (i + 1) & x->mask) {
		e = &x->dir[i];
		*page = __atomic_load_n(&e->page, __ATOMIC_ACQUIRE);
		if (*page == NULL || (e->addr == k->addr && e->iface == k->iface &&
				      e->family == k->family))
			return e;
	}
}

/*
 * Fast path in two steps, so that a burst prefetches every entry before loading any:
 * the index entry of k (NULL when no leg ever used k's address; k->port even, as
 * RTCP on port+1 shares the entry)...
 */
static inline const uint32_t *
relay_index_entry(const struct relay_index *x, const struct relay_key *k)
{
	uint32_t *page;

	relay_index_find(x, k, &page);
	return page != NULL ? &page[k->port >> 1] : NULL;
}

/* ...and its value: false for a closed port. Pairs with the writer's release store. */
static inline bool
relay_index_val(const uint32_t *e, uint64_t *val)
{
	uint32_t v = __atomic_load_n(e, __ATOMIC_ACQUIRE);

	*val = (uint64_t)v - 1;
	return v != 0;
}

#endif
