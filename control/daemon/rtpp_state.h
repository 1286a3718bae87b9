/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What rtpproxy.sock remembers about its sessions beyond the data plane's streams: the
 * strong/weak references (rtpproxy's w modifier: a session ends when its last
 * reference is deleted) and the timeout notification target and tag of U. Keyed by the
 * stream's session id and media number. Lost on a restart of the control process: the
 * streams then behave as plain (strong) sessions without notification.
 */
#ifndef SIPRELAY_CONTROL_RTPP_STATE_H
#define SIPRELAY_CONTROL_RTPP_STATE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rtpp_state;

struct rtpp_sess {
	uint64_t session_id;
	uint32_t media_index;
	uint8_t strong;
	uint8_t weak[2];         /* per party: 0 the session's creator, 1 the other */
	const char *notify;      /* a name of the notify set (owned by it), NULL = none */
	char *notify_tag;
};

struct rtpp_state *rtpp_state_new(void);
void rtpp_state_free(struct rtpp_state *st);

/* The entry, or NULL. */
struct rtpp_sess *rtpp_state_find(struct rtpp_state *st, uint64_t session_id, uint32_t media);
/* The entry, created without references or notification when missing (the caller
 * adds the reference of its command); NULL without memory. */
struct rtpp_sess *rtpp_state_get(struct rtpp_state *st, uint64_t session_id, uint32_t media);
void rtpp_state_del(struct rtpp_state *st, uint64_t session_id, uint32_t media);
/* Sets (tag != NULL) or clears the notification; -ENOMEM. */
int rtpp_state_set_notify(struct rtpp_sess *s, const char *notify, const char *tag);
unsigned int rtpp_state_count(const struct rtpp_state *st);

/* Drops every entry for which alive() says 0 (its stream is gone). */
void rtpp_state_sweep(struct rtpp_state *st, int (*alive)(void *arg, uint64_t sid, uint32_t media),
		      void *arg);
void rtpp_state_clear(struct rtpp_state *st);

#ifdef __cplusplus
}
#endif

#endif
