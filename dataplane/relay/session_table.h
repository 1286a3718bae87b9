/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stream table. Workers look legs up lock-free (rte_hash with
 * RW_CONCURRENCY_LF); one writer (the service loop) adds and deletes. Deleted key
 * slots and stream slots are recycled only after every registered reader has passed
 * a quiescent state (QSBR defer queue), so a worker never sees a reused slot.
 */
#ifndef RELAY_SESSION_TABLE_H
#define RELAY_SESSION_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <siprelay/relay_types.h>

struct relay_table;
struct rte_rcu_qsbr;

struct relay_table_params {
	const char *name;
	uint32_t capacity;    /* streams */
	int socket_id;
	uint32_t max_readers; /* worker threads that will register with the QSBR */
};

/* Hash value of a leg: stream handle << 1 | leg index. */
#define RELAY_VAL_HANDLE(v) ((uint32_t)((v) >> 1))
#define RELAY_VAL_LEG(v) ((unsigned int)((v) & 1))
#define RELAY_LOOKUP_MAX 64

struct relay_table *relay_table_create(const struct relay_table_params *p);
void relay_table_free(struct relay_table *t);

struct rte_rcu_qsbr *relay_table_qsbr(struct relay_table *t);

/* Copy s into a free slot and publish both legs. Returns the handle or -errno. */
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
/* Bytes of memory the table holds, measured on the DPDK heap at creation. */
size_t relay_table_bytes(const struct relay_table *t);

/* Fast path: n <= RELAY_LOOKUP_MAX keys; vals[i] valid where bit i of the result is set. */
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

#endif
