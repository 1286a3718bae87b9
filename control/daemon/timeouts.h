/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The timeout policy of siprelay-control, free of sockets and clocks so that tests drive
 * it with a fake clock. The caller lists the data plane's streams every second or so
 * (begin, observe each, end); the end of a scan names the sessions to delete.
 *
 * Decisions are per session (all streams with the same session_id: the m= lines of a
 * call, which the inline SIP path can only end together), in this order:
 *   final  the session is older than final_s: maximum call length (off by default)
 *   offer  its callee leg (leg B, index 1) has neither a remote address nor a packet on
 *          any stream after offer_s: the offer never got an answer. Calls may ring for
 *          a while, so the default (120 s) is the usual INVITE timeout of a SIP proxy
 *          (Kamailio's fr_inv_timer) and longer than the inline proxy's own half-open
 *          limit, which ends unanswered SIP calls first.
 *   idle   answered, and no packet in either direction of any stream for idle_s
 *          (rtpproxy's unified TTL), counted from the answer when nothing flowed yet.
 *
 * Ages come from when this process first saw a stream. Streams found by the first scan
 * after timeouts_reset() (a restart or a reconnect) were made at an unknown time: they
 * are taken as made at that scan, so a restart extends their final and offer limits by
 * at most their age then. The idle rule uses the data plane's own per-leg idle times and
 * stays exact across restarts, except for an answered stream that never carried a
 * packet, which is idle from that scan on.
 */
#ifndef SIPRELAY_CONTROL_TIMEOUTS_H
#define SIPRELAY_CONTROL_TIMEOUTS_H

#include <stdint.h>

#define TMO_DEFAULT_IDLE_S 60
#define TMO_DEFAULT_FINAL_S 0
#define TMO_DEFAULT_OFFER_S 120
#define TMO_MAX_S (7u * 24 * 3600) /* a week: larger values are refused as typos */

enum tmo_kind {
	TMO_IDLE,
	TMO_FINAL,
	TMO_OFFER,
	TMO_KINDS
};

struct tmo_config {
	uint32_t idle_s;  /* 0 = off */
	uint32_t final_s; /* 0 = off */
	uint32_t offer_s; /* 0 = off */
};

/* One stream of a DP_STREAM_LIST, reduced to what the policy needs. */
struct tmo_obs {
	uint32_t handle;
	uint32_t gen;
	uint64_t session_id;
	uint32_t media_index;
	uint64_t idle_ms[2];    /* per leg since its last packet; UINT64_MAX = never */
	uint8_t has_remote[2];  /* the leg has a destination (signalled or latched) */
};

struct tmo_stream_ref {
	uint32_t handle;
	uint32_t gen;
	uint32_t media_index;
};

/* A session to end, with every stream of it the scan saw. */
struct tmo_expired {
	enum tmo_kind kind;
	uint64_t session_id;
	uint64_t age_ms;        /* since first seen */
	uint64_t idle_ms;       /* idle time judged (TMO_IDLE), else 0 */
	unsigned int n_streams;
	const struct tmo_stream_ref *streams;
};

/* Ends the session; 0 when it did (counted), <0 when not (retried next scan). */
typedef int (*tmo_expire_cb)(void *arg, const struct tmo_expired *e);

struct timeouts;

struct timeouts *timeouts_new(const struct tmo_config *cfg);
void timeouts_free(struct timeouts *t);
void timeouts_set_config(struct timeouts *t, const struct tmo_config *cfg);
const struct tmo_config *timeouts_config(const struct timeouts *t);

/* Forget every stream (the data plane may have restarted): the next scan resyncs. */
void timeouts_reset(struct timeouts *t);

void timeouts_scan_begin(struct timeouts *t, int64_t now_ms);
/* 0, or -ENOMEM / -EINVAL (handle too large) */
int timeouts_observe(struct timeouts *t, const struct tmo_obs *o);
/* Streams not observed since begin are forgotten; returns the sessions ended. */
unsigned int timeouts_scan_end(struct timeouts *t, tmo_expire_cb cb, void *arg);

/*
 * Milliseconds the stream has left as of the last scan (rtpproxy's Q ttl), judged on
 * the stream alone; -1 when no rule applies or the stream is unknown.
 */
int64_t timeouts_ttl_ms(const struct timeouts *t, uint32_t handle, uint32_t gen);

/* Sessions ended per enum tmo_kind, and streams tracked now. */
uint64_t timeouts_count(const struct timeouts *t, enum tmo_kind kind);
uint32_t timeouts_tracked(const struct timeouts *t);
const char *timeouts_kind_name(enum tmo_kind kind);

/* Parses seconds ("0".."TMO_MAX_S"); 0 or -EINVAL. */
int timeouts_parse_s(const char *s, uint32_t *out);

#endif
