/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control process's mirror of the data plane's streams, fed by DP_EVENT_* and
 * rebuilt from DP_STREAM_LIST after every (re)connect. Indexed by handle (the data
 * plane's slot) and by session_id, so that rtpproxy.sock finds the streams of a call
 * without asking the data plane.
 */
#ifndef SIPRELAY_CONTROL_REGISTRY_H
#define SIPRELAY_CONTROL_REGISTRY_H

#include <stdint.h>

/* Session ids that rtpproxy.sock derives from call-id and tag have this bit set, so
 * that they never collide with the data plane's own (small, counted) SIP sessions. */
#define REG_SID_RTPPROXY (1ull << 63)

struct registry;

struct registry_stream {
	uint32_t handle;
	uint32_t gen;
	uint64_t session_id;
	uint32_t media_index;
};

struct registry *registry_new(void);
void registry_free(struct registry *reg);

/* Forget every stream (before a resync); counters stay. */
void registry_clear(struct registry *reg);

/* Add or replace; counted as created only when counted is set (events, not resync). */
int registry_add(struct registry *reg, const struct registry_stream *s, const char *call_id,
		 int counted);
/* Remove when handle and gen match; returns 0 or -ENOENT. */
int registry_del(struct registry *reg, uint32_t handle, uint32_t gen);

/* First stream with this session id and media index; 0 or -ENOENT. */
int registry_find(const struct registry *reg, uint64_t session_id, uint32_t media_index,
		  struct registry_stream *out);
/* Up to max streams of a session id into out; returns how many. */
unsigned int registry_find_all(const struct registry *reg, uint64_t session_id,
			       struct registry_stream *out, unsigned int max);
/* call-id seen in the CREATED event, NULL when unknown (e.g. after a restart) */
const char *registry_call_id(const struct registry *reg, uint32_t handle, uint32_t gen);

uint32_t registry_count(const struct registry *reg);
uint32_t registry_count_rtpproxy(const struct registry *reg);
uint64_t registry_created(const struct registry *reg);
uint64_t registry_deleted(const struct registry *reg);

#endif
