/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replies to rtpproxy datagram commands, kept so that a retransmission (the same
 * sender, cookie and command: the SIP proxy did not get the answer in time) is answered
 * again without running the command twice. A creation must not allocate a second
 * session, a delete must not turn into E50 the second time. Bounded: a fixed number of
 * entries, each kept for a limited time, the oldest replaced first.
 */
#ifndef SIPRELAY_CONTROL_RTPP_CACHE_H
#define SIPRELAY_CONTROL_RTPP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTPP_CACHE_ENTRIES 1024
#define RTPP_CACHE_TTL_MS 30000 /* rtpproxy keeps its replies for 30 s as well */

struct rtpp_cache;

struct rtpp_cache *rtpp_cache_new(unsigned int entries, int64_t ttl_ms);
void rtpp_cache_free(struct rtpp_cache *c);

/*
 * The key is the sender's address bytes and the whole datagram (cookie and command).
 * Lookup: the cached reply (valid until the next put) or NULL.
 */
const char *rtpp_cache_get(struct rtpp_cache *c, const void *peer, size_t peer_len,
			   const char *msg, size_t msg_len, int64_t now_ms);
/* Stores a copy; 0 or -ENOMEM (the reply is then simply not cached). */
int rtpp_cache_put(struct rtpp_cache *c, const void *peer, size_t peer_len, const char *msg,
		   size_t msg_len, const char *reply, int64_t now_ms);
unsigned int rtpp_cache_count(const struct rtpp_cache *c, int64_t now_ms);

#ifdef __cplusplus
}
#endif

#endif
