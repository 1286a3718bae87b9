/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream mirror: an array indexed by handle plus a chained hash on session_id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#define SID_BUCKETS 4096u /* power of two */
#define NONE UINT32_MAX

struct reg_entry {
	struct registry_stream s;
	char *call_id;
	uint32_t next;    /* next handle in the same session_id bucket */
	uint8_t used;
};

struct registry {
	struct reg_entry *e;
	uint32_t size;
	uint32_t count;
	uint32_t count_rtpproxy;
	uint64_t created;
	uint64_t deleted;
	uint32_t bucket[SID_BUCKETS];
};

static uint32_t
sid_bucket(uint64_t sid)
{
	sid ^= sid >> 33;
	sid *= 0xff51afd7ed558ccdull;
	sid ^= sid >> 33;
	return (uint32_t)sid & (SID_BUCKETS - 1);
}

struct registry *
registry_new(void)
{
	struct registry *reg = calloc(1, sizeof(*reg));

	if (reg != NULL)
		memset(reg->bucket, 0xff, sizeof(reg->bucket));
	return reg;
}

void
registry_clear(struct registry *reg)
{
	for (uint32_t i = 0; i < reg->size; i++) {
		free(reg->e[i].call_id);
		reg->e[i].call_id = NULL;
		reg->e[i].used = 0;
	}
	memset(reg->bucket, 0xff, sizeof(reg->bucket));
	reg->count = reg->count_rtpproxy = 0;
}

void
registry_free(struct registry *reg)
{
	if (reg == NULL)
		return;
	registry_clear(reg);
	free(reg->e);
	free(reg);
}

static int
grow(struct registry *reg, uint32_t handle)
{
	uint32_t n = reg->size ? reg->size : 1024;
	struct reg_entry *e;

	while (n <= handle) {
		if (n > UINT32_MAX / 2)
			return -ENOSPC;
		n *= 2;
	}
	e = realloc(reg->e, (size_t)n * sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	memset(e + reg->size, 0, (size_t)(n - reg->size) * sizeof(*e));
	reg->e = e;
	reg->size = n;
	return 0;
}

static void
unlink_entry(struct registry *reg, uint32_t handle)
{
	struct reg_entry *x = &reg->e[handle];
	uint32_t *p = &reg->bucket[sid_bucket(x->s.session_id)];

	while (*p != NONE && *p != handle)
		p = &reg->e[*p].next;
	if (*p == handle)
		*p = x->next;
	free(x->call_id);
	x->call_id = NULL;
	x->used = 0;
	reg->count--;
	if (x->s.session_id & REG_SID_RTPPROXY)
		reg->count_rtpproxy--;
}

int
registry_add(struct registry *reg, const struct registry_stream *s, const char *call_id,
	     int counted)
{
	struct reg_entry *x;
	uint32_t b;
	int ret;

	if (s->handle >= reg->size && (ret = grow(reg, s->handle)) < 0)
		return ret;
	x = &reg->e[s->handle];
	if (x->used)
		unlink_entry(reg, s->handle);
	x->s = *s;
	x->call_id = call_id != NULL && call_id[0] ? strdup(call_id) : NULL;
	b = sid_bucket(s->session_id);
	x->next = reg->bucket[b];
	reg->bucket[b] = s->handle;
	x->used = 1;
	reg->count++;
	if (s->session_id & REG_SID_RTPPROXY)
		reg->count_rtpproxy++;
	if (counted)
		reg->created++;
	return 0;
}

int
registry_del(struct registry *reg, uint32_t handle, uint32_t gen)
{
	if (handle >= reg->size || !reg->e[handle].used || reg->e[handle].s.gen != gen)
		return -ENOENT;
	unlink_entry(reg, handle);
	reg->deleted++;
	return 0;
}

unsigned int
registry_find_all(const struct registry *reg, uint64_t session_id, struct registry_stream *out,
		  unsigned int max)
{
	unsigned int n = 0;

	for (uint32_t h = reg->bucket[sid_bucket(session_id)]; h != NONE && n < max;
	     h = reg->e[h].next)
		if (reg->e[h].s.session_id == session_id)
			out[n++] = reg->e[h].s;
	return n;
}

int
registry_find(const struct registry *reg, uint64_t session_id, uint32_t media_index,
	      struct registry_stream *out)
{
	for (uint32_t h = reg->bucket[sid_bucket(session_id)]; h != NONE; h = reg->e[h].next) {
		const struct registry_stream *s = &reg->e[h].s;

		if (s->session_id == session_id && s->media_index == media_index) {
			*out = *s;
			return 0;
		}
	}
	return -ENOENT;
}

const char *
registry_call_id(const struct registry *reg, uint32_t handle, uint32_t gen)
{
	if (handle >= reg->size || !reg->e[handle].used || reg->e[handle].s.gen != gen)
		return NULL;
	return reg->e[handle].call_id;
}

uint32_t registry_count(const struct registry *reg) { return reg->count; }
uint32_t registry_count_rtpproxy(const struct registry *reg) { return reg->count_rtpproxy; }
uint64_t registry_created(const struct registry *reg) { return reg->created; }
uint64_t registry_deleted(const struct registry *reg) { return reg->deleted; }
