/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIP tracing in the service loop: a small table of filters (by Call-ID or by address)
 * that every SIP frame the relay receives or sends is matched against; matches go up
 * to the control process as DP_EVENT_TRACE_FRAME events (dp_proto.h), which writes the
 * pcapng file. sip_trace.c is the table (no DPDK: unit-tested as is), sip_trace_ops.c
 * ties it to the runtime, the channel and the dataplane.sock requests.
 */
#ifndef RELAY_SIP_TRACE_H
#define RELAY_SIP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <siprelay/dp_proto.h>
#include <siprelay/relay_types.h>
#include <siprelay/sip.h>

#ifdef __cplusplus
extern "C" {
#endif

struct relay_trace_filter {
	uint32_t id;            /* 0 = free slot */
	uint32_t kind;          /* DP_TRACE_CALL_ID or DP_TRACE_ADDR */
	struct relay_ep addr;   /* ADDR: port 0 = any */
	uint32_t call_id_len;
	char call_id[128];
	uint64_t packets;       /* frames matched */
	uint64_t max_packets;   /* 0 = no limit */
	uint64_t expires_us;    /* 0 = never */
};

/* The UDP datagram of an Ethernet frame: what filters look at. */
struct relay_trace_pkt {
	struct relay_ep src;
	struct relay_ep dst;
	const char *payload;
	uint32_t len;
};

/* Where and when a frame was seen, for the event. */
struct relay_trace_where {
	uint8_t iface;
	uint8_t dir;            /* DP_TRACE_IN or DP_TRACE_OUT */
	const char *iface_name;
	uint64_t ts_ns;         /* wall clock */
};

struct relay_trace {
	unsigned int n;         /* filters in use: 0 keeps the SIP path at one compare */
	unsigned int n_call_id; /* of them by Call-ID: only then is the message parsed */
	uint64_t next_expiry_us;
	struct relay_trace_filter f[DP_TRACE_MAX];
	struct sr_sip_msg msg;  /* scratch for finding the Call-ID */
};

/* Gets one event (a frame piece or an end) to the clients; never blocks. */
typedef void (*relay_trace_emit)(void *arg, const void *msg, size_t len);

/* 0 and p filled for an Ethernet frame holding a whole UDP datagram, else -EINVAL. */
int relay_trace_pkt_parse(const uint8_t *frame, uint32_t len, struct relay_trace_pkt *p);

/* Whether f selects p; call_id is the message's Call-ID (empty when none or unknown). */
bool relay_trace_match(const struct relay_trace_filter *f, const struct relay_trace_pkt *p,
		       struct sr_slice call_id);

/* A filter from a DP_TRACE_ADD request: 0, -EINVAL, -EEXIST (id in use), -ENOSPC. */
int relay_trace_add(struct relay_trace *t, const struct dp_trace_add *req, uint64_t now_us);
/* Removes filter id (0: all) and fills removed (h untouched); -ENOENT when none. */
int relay_trace_del(struct relay_trace *t, uint32_t id, struct dp_trace_list *removed);
void relay_trace_list(const struct relay_trace *t, struct dp_trace_list *out);

/*
 * Matches one frame against every filter and emits it once for each that selects it,
 * in pieces of at most DP_TRACE_CHUNK_MAX bytes; a filter at its packet limit ends
 * with DP_EVENT_TRACE_END. Returns the number of filters that matched.
 */
unsigned int relay_trace_input(struct relay_trace *t, const struct relay_trace_where *w,
			       const uint8_t *frame, uint32_t len, relay_trace_emit emit,
			       void *arg);
/* Ends the filters whose time is up (DP_EVENT_TRACE_END). */
void relay_trace_expire(struct relay_trace *t, uint64_t now_us, relay_trace_emit emit,
			void *arg);

/* ---- the service loop's side (sip_trace_ops.c) ---- */

struct relay_runtime;
struct relay_iface;
struct relay_ops_io;

/* A SIP frame the relay received on ifc (DP_TRACE_IN) or sends on it (DP_TRACE_OUT). */
void relay_trace_sip(struct relay_runtime *rt, const struct relay_iface *ifc, uint8_t dir,
		     const void *frame, uint32_t len);
void relay_trace_tick(struct relay_runtime *rt, uint64_t now_us);
/* DP_TRACE_ADD, DP_TRACE_DEL, DP_TRACE_LIST (header already checked by dp_ops.c). */
void relay_trace_request(struct relay_runtime *rt, const void *msg, size_t len,
			 const struct relay_ops_io *io);

#ifdef __cplusplus
}
#endif

#endif
