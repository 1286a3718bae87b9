/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "session_table.h"

enum slot_state {
	SLOT_FREE,
	SLOT_USED,
	SLOT_DELETING, /* unpublished, waiting for the grace period */
};

struct relay_table {
	struct relay_index index; /* what workers read */
	uint32_t n_addrs;
	uint32_t max_addrs;
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
	struct relay_stream *streams;
	uint8_t *state;      /* enum slot_state per slot, writer only */
	uint32_t *free_list; /* stack of free handles, writer only */
	uint32_t n_free;
	uint32_t capacity;
	uint32_t count;
	int socket_id;
	size_t bytes;
};

/* What waits in the defer queue: a deleted stream (4 bytes: the ring's minimum). */
struct deferred {
	uint32_t handle;
};

static size_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;
	size_t total = 0;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			total += st.heap_allocsz_bytes;
	return total;
}

static void
reclaim_cb(void *p, void *e, unsigned int n)
{
	struct relay_table *t = p;
	struct deferred *d = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		t->state[d[i].handle] = SLOT_FREE;
		t->free_list[t->n_free++] = d[i].handle;
	}
}

/* Writer: the index entry of k, creating its address's page if needed. */
static int
entry_get(struct relay_table *t, const struct relay_key *k, bool create, uint32_t **entry)
{
	struct relay_index_addr *e;
	uint32_t *page;
	size_t before;

	e = relay_index_find(&t->index, k, &page);
	if (page == NULL) {
		if (!create)
			return -ENOENT;
		if (t->n_addrs == t->max_addrs)
			return -ENOSPC;
		before = heap_bytes();
		page = rte_zmalloc_socket("relay_index", RELAY_PAGE_ENTRIES * sizeof(*page),
					  RTE_CACHE_LINE_SIZE, t->socket_id);
		if (page == NULL)
			return -ENOMEM;
		t->bytes += heap_bytes() - before;
		e->addr = k->addr;
		e->iface = k->iface;
		e->family = k->family;
		__atomic_store_n(&e->page, page, __ATOMIC_RELEASE);
		t->n_addrs++;
	}
	*entry = &page[k->port >> 1];
	return 0;
}

struct relay_table *
relay_table_create(const struct relay_table_params *p)
{
	char name[RTE_MEMZONE_NAMESIZE];
	struct rte_rcu_qsbr_dq_parameters dqp = {0};
	struct relay_table *t;
	size_t before = heap_bytes();
	uint32_t i, max_addrs = p->max_addrs ? p->max_addrs : RELAY_TABLE_ADDRS;

	if (p->capacity == 0 || p->capacity > (1u << 30) || max_addrs > RELAY_TABLE_MAX_ADDRS) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("relay_table", sizeof(*t), 0, p->socket_id);
	if (t == NULL)
		goto nomem;
	t->capacity = p->capacity;
	t->socket_id = p->socket_id;
	t->max_addrs = max_addrs;
	/* at most half full: probe chains stay short */
	t->index.mask = rte_align32pow2(2 * max_addrs) - 1;
	t->index.dir = rte_zmalloc_socket("relay_dir",
					  (size_t)(t->index.mask + 1) * sizeof(*t->index.dir),
					  RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t->index.dir == NULL)
		goto nomem;
	t->qsbr = rte_zmalloc_socket("relay_qsbr",
				     rte_rcu_qsbr_get_memsize(p->max_readers ? p->max_readers : 1),
				     RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t->qsbr == NULL || rte_rcu_qsbr_init(t->qsbr, p->max_readers ? p->max_readers : 1))
		goto nomem;
	t->streams = rte_zmalloc_socket("relay_streams",
					(size_t)p->capacity * sizeof(*t->streams),
					RTE_CACHE_LINE_SIZE, p->socket_id);
	t->state = rte_zmalloc_socket("relay_state", p->capacity, 0, p->socket_id);
	t->free_list = rte_malloc_socket("relay_free", (size_t)p->capacity * 4, 0,
					 p->socket_id);
	if (t->streams == NULL || t->state == NULL || t->free_list == NULL)
		goto nomem;
	/* hand out low handles first: tests and operators read them more easily */
	for (i = 0; i < p->capacity; i++)
		t->free_list[i] = p->capacity - 1 - i;
	t->n_free = p->capacity;
	snprintf(name, sizeof(name), "%s_dq", p->name);
	dqp.name = name;
	dqp.size = p->capacity;
	dqp.esize = sizeof(struct deferred);
	dqp.trigger_reclaim_limit = 64;
	dqp.max_reclaim_size = 256;
	dqp.free_fn = reclaim_cb;
	dqp.p = t;
	dqp.v = t->qsbr;
	t->dq = rte_rcu_qsbr_dq_create(&dqp);
	if (t->dq == NULL)
		goto fail;
	t->bytes = heap_bytes() - before;
	return t;
nomem:
	rte_errno = ENOMEM;
fail:
	relay_table_free(t);
	return NULL;
}

void
relay_table_free(struct relay_table *t)
{
	int err = rte_errno;
	uint32_t i;

	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	for (i = 0; t->index.dir != NULL && i <= t->index.mask; i++)
		rte_free(t->index.dir[i].page);
	rte_free(t->index.dir);
	rte_free(t->qsbr);
	rte_free(t->streams);
	rte_free(t->state);
	rte_free(t->free_list);
	rte_free(t);
	rte_errno = err;
}

struct rte_rcu_qsbr *
relay_table_qsbr(struct relay_table *t)
{
	return t->qsbr;
}

int
relay_table_add(struct relay_table *t, const struct relay_stream *s)
{
	struct relay_key k[2];
	struct relay_stream *dst;
	uint32_t handle, gen, *e[2];
	int ret, l;

	relay_key_of_leg(&k[0], &s->leg[0]);
	relay_key_of_leg(&k[1], &s->leg[1]);
	if (memcmp(&k[0], &k[1], sizeof(k[0])) == 0 || (s->leg[0].local_port & 1) ||
	    (s->leg[1].local_port & 1))
		return -EINVAL;
	for (l = 0; l < 2; l++) {
		ret = entry_get(t, &k[l], true, &e[l]);
		if (ret < 0)
			return ret;
		if (*e[l] != 0)
			return -EADDRINUSE;
	}
	if (t->n_free == 0) {
		relay_table_reclaim(t);
		if (t->n_free == 0)
			return -ENOSPC;
	}
	handle = t->free_list[--t->n_free];
	dst = &t->streams[handle];
	gen = dst->gen + 1;
	*dst = *s;
	dst->gen = gen;
	dst->leg[0].flags |= RELAY_LEG_ACTIVE;
	dst->leg[1].flags |= RELAY_LEG_ACTIVE;
	/* release: a worker that sees an entry sees the stream written above */
	for (l = 0; l < 2; l++)
		__atomic_store_n(e[l], (handle << 1 | (uint32_t)l) + 1, __ATOMIC_RELEASE);
	t->state[handle] = SLOT_USED;
	t->count++;
	return (int)handle;
}

int
relay_table_del(struct relay_table *t, uint32_t handle)
{
	struct relay_stream *s;
	struct deferred d = {handle};
	struct relay_key k;
	uint32_t *e[2];
	int l;

	if (handle >= t->capacity || t->state[handle] != SLOT_USED)
		return -ENOENT;
	s = &t->streams[handle];
	for (l = 0; l < 2; l++) {
		relay_key_of_leg(&k, &s->leg[l]);
		if (entry_get(t, &k, false, &e[l]) < 0 ||
		    *e[l] != (handle << 1 | (uint32_t)l) + 1)
			return -EIO; /* index corrupt: leave the slot in use */
	}
	/* the entries can take a new leg at once; the stream slot waits for the readers */
	for (l = 0; l < 2; l++)
		__atomic_store_n(e[l], 0, __ATOMIC_RELEASE);
	t->state[handle] = SLOT_DELETING;
	t->count--;
	if (rte_rcu_qsbr_dq_enqueue(t->dq, &d) != 0) {
		/* queue full even after reclaiming: wait for the readers once */
		rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
		reclaim_cb(t, &d, 1);
	}
	return 0;
}

int
relay_table_find(struct relay_table *t, const struct relay_key *k, unsigned int *leg)
{
	uint32_t *e;
	uint64_t v;

	if ((k->port & 1) || entry_get(t, k, false, &e) < 0 || !relay_index_val(e, &v))
		return -ENOENT;
	if (leg != NULL)
		*leg = RELAY_VAL_LEG(v);
	return (int)RELAY_VAL_HANDLE(v);
}

struct relay_stream *
relay_table_get(struct relay_table *t, uint32_t handle)
{
	if (handle >= t->capacity || t->state[handle] != SLOT_USED)
		return NULL;
	return &t->streams[handle];
}

int
relay_table_next(struct relay_table *t, uint32_t *iter)
{
	uint32_t i;

	for (i = *iter; i < t->capacity; i++) {
		if (t->state[i] == SLOT_USED) {
			*iter = i + 1;
			return (int)i;
		}
	}
	*iter = t->capacity;
	return -ENOENT;
}

void
relay_table_reclaim(struct relay_table *t)
{
	rte_rcu_qsbr_dq_reclaim(t->dq, t->capacity, NULL, NULL, NULL);
}

uint32_t
relay_table_count(const struct relay_table *t)
{
	return t->count;
}

uint32_t
relay_table_capacity(const struct relay_table *t)
{
	return t->capacity;
}

size_t
relay_table_bytes(const struct relay_table *t)
{
	return t->bytes;
}

const struct relay_index *
relay_table_index(const struct relay_table *t)
{
	return &t->index;
}

uint64_t
relay_table_lookup(const struct relay_table *t, const struct relay_key **keys,
		   unsigned int n, uint64_t *vals)
{
	const uint32_t *e[RELAY_LOOKUP_MAX];
	uint64_t hits = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* keys carry the RTP (even) port: port+1 shares its entry but is no key */
		e[i] = (keys[i]->port & 1) ? NULL : relay_index_entry(&t->index, keys[i]);
		if (e[i] != NULL)
			rte_prefetch0(e[i]);
	}
	for (i = 0; i < n; i++)
		if (e[i] != NULL && relay_index_val(e[i], &vals[i]))
			hits |= 1ull << i;
	return hits;
}

struct relay_stream *
relay_table_streams(const struct relay_table *t)
{
	return t->streams;
}

_Static_assert(sizeof(struct relay_leg) == 64, "a leg's configuration is one cache line");
_Static_assert(sizeof(struct relay_leg_stats) == 64, "a leg's counters are one cache line");
_Static_assert(sizeof(struct relay_stream) == 320, "stream layout changed: update docs");
