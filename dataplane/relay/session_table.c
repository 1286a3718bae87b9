/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "session_table.h"

enum slot_state {
	SLOT_FREE,
	SLOT_USED,
	SLOT_DELETING, /* unpublished, waiting for the grace period */
};

struct relay_table {
	struct rte_hash *hash;
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
	struct relay_stream *streams;
	uint8_t *state;      /* enum slot_state per slot, writer only */
	uint32_t *free_list; /* stack of free handles, writer only */
	uint32_t n_free;
	uint32_t capacity;
	uint32_t count;
	size_t bytes;
};

/* What waits in the defer queue: a deleted stream and its two key slots. */
struct deferred {
	uint32_t handle;
	int32_t pos[2];
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
	unsigned int i, l;

	for (i = 0; i < n; i++) {
		for (l = 0; l < 2; l++)
			rte_hash_free_key_with_position(t->hash, d[i].pos[l]);
		t->state[d[i].handle] = SLOT_FREE;
		t->free_list[t->n_free++] = d[i].handle;
	}
}

struct relay_table *
relay_table_create(const struct relay_table_params *p)
{
	char name[RTE_MEMZONE_NAMESIZE];
	struct rte_rcu_qsbr_dq_parameters dqp = {0};
	struct rte_hash_parameters hp = {0};
	struct relay_table *t;
	size_t before = heap_bytes();
	uint32_t i;

	if (p->capacity == 0 || p->capacity > (1u << 30)) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("relay_table", sizeof(*t), 0, p->socket_id);
	if (t == NULL)
		goto nomem;
	t->capacity = p->capacity;
	snprintf(name, sizeof(name), "%s_h", p->name);
	hp.name = name;
	/* one key per leg; rte_hash wants at least one full bucket */
	hp.entries = RTE_MAX(p->capacity * 2, 16u);
	hp.key_len = sizeof(struct relay_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = p->socket_id;
	/* lock-free readers; the extendable table guarantees capacity is reachable */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL)
		goto fail;
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

	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	rte_hash_free(t->hash);
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
	uint32_t handle, gen;
	int ret, l;

	relay_key_of_leg(&k[0], &s->leg[0]);
	relay_key_of_leg(&k[1], &s->leg[1]);
	if (memcmp(&k[0], &k[1], sizeof(k[0])) == 0 || (s->leg[0].local_port & 1) ||
	    (s->leg[1].local_port & 1))
		return -EINVAL;
	for (l = 0; l < 2; l++)
		if (rte_hash_lookup(t->hash, &k[l]) >= 0)
			return -EADDRINUSE;
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
	/* rte_hash publishes with release semantics: the stream is visible first */
	for (l = 0; l < 2; l++) {
		ret = rte_hash_add_key_data(t->hash, &k[l],
					    (void *)(uintptr_t)((uint64_t)handle << 1 | l));
		if (ret < 0) {
			if (l == 1)
				rte_hash_del_key(t->hash, &k[0]); /* never read yet */
			t->free_list[t->n_free++] = handle;
			return ret;
		}
	}
	t->state[handle] = SLOT_USED;
	t->count++;
	return (int)handle;
}

int
relay_table_del(struct relay_table *t, uint32_t handle)
{
	struct relay_stream *s;
	struct deferred d;
	struct relay_key k;
	int l;

	if (handle >= t->capacity || t->state[handle] != SLOT_USED)
		return -ENOENT;
	s = &t->streams[handle];
	d.handle = handle;
	for (l = 0; l < 2; l++) {
		relay_key_of_leg(&k, &s->leg[l]);
		d.pos[l] = rte_hash_del_key(t->hash, &k);
		if (d.pos[l] < 0)
			return d.pos[l]; /* table corrupt: leave the slot in use */
	}
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
	void *data;

	if (rte_hash_lookup_data(t->hash, k, &data) < 0)
		return -ENOENT;
	if (leg != NULL)
		*leg = RELAY_VAL_LEG((uintptr_t)data);
	return (int)RELAY_VAL_HANDLE((uintptr_t)data);
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

uint64_t
relay_table_lookup(const struct relay_table *t, const struct relay_key **keys,
		   unsigned int n, uint64_t *vals)
{
	void *data[RELAY_LOOKUP_MAX];
	uint64_t hits = 0;
	unsigned int i;

	if (n == 0)
		return 0;
	rte_hash_lookup_bulk_data(t->hash, (const void **)keys, n, &hits, data);
	for (i = 0; i < n; i++)
		vals[i] = (uintptr_t)data[i];
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
