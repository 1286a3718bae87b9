/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The source guard: which senders the relay refuses before it parses a byte of what
 * they send. Two tables, kept by the data plane's service loop and read by its SIP path:
 *
 *   - bans: IPv4/IPv6 addresses and prefixes, each with an expiry (or none) and a
 *     reason; the longest matching prefix decides;
 *   - per-source token buckets: SIP requests per second and burst for each source
 *     address, in a table of bounded size.
 *
 * Plain C, no DPDK, no allocation after create: the same verdicts will be given by the
 * XDP prefilter, whose LPM trie key has the layout of struct sr_prefix and whose
 * buckets refill with sr_bucket_take() below.
 *
 * Addresses of both families are held as IPv6: IPv4 as the IPv4-mapped address
 * ::ffff:a.b.c.d, its prefix lengths offset by 96. One table, one lookup.
 */
#ifndef SIPRELAY_GUARD_H
#define SIPRELAY_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- addresses ---- */

/* An address (len 128) or a prefix, host bits zero. The layout of a BPF LPM key. */
struct sr_prefix {
	uint32_t len;       /* 0..128 bits of addr */
	uint8_t addr[16];
};

/* "192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "2001:db8::1". Host bits must be zero
 * ("192.0.2.1/24" is refused: it is almost always a typo). 0 or -EINVAL. */
int sr_prefix_parse(const char *s, struct sr_prefix *p);
/* Back to text: a full-length prefix prints as a bare address. */
void sr_prefix_format(const struct sr_prefix *p, char *buf, size_t len);
/* The 16-byte form of an IPv4 address given in network order (4 bytes). */
void sr_addr_map4(const uint8_t v4[4], uint8_t out[16]);
bool sr_addr_is_v4(const uint8_t addr[16]);

/* ---- bans ---- */

#define SR_BAN_REASON_MAX 64 /* with the NUL */

struct sr_ban {
	struct sr_prefix pfx;
	uint64_t added_us;
	uint64_t expires_us;   /* 0: permanent */
	uint64_t hits;         /* datagrams refused because of this ban */
	char reason[SR_BAN_REASON_MAX];
};

struct sr_ban_table;

/* Room for capacity bans (> 0). NULL when out of memory or capacity is 0. */
struct sr_ban_table *sr_ban_table_create(uint32_t capacity);
void sr_ban_table_free(struct sr_ban_table *t);

/* Adds b, or replaces the ban of the same prefix (keeping its hits). Returns 1 added,
 * 0 replaced, -EINVAL (length > 128 or host bits set), -ENOSPC (full). */
int sr_ban_add(struct sr_ban_table *t, const struct sr_ban *b);
/* 0 or -ENOENT. */
int sr_ban_del(struct sr_ban_table *t, const struct sr_prefix *p);
/* The longest-prefix ban that holds addr and has not expired at now_us, else NULL. */
struct sr_ban *sr_ban_match(struct sr_ban_table *t, const uint8_t addr[16], uint64_t now_us);
/* Removes the bans expired at now_us; returns how many. */
uint32_t sr_ban_expire(struct sr_ban_table *t, uint64_t now_us);
uint32_t sr_ban_count(const struct sr_ban_table *t);
uint32_t sr_ban_capacity(const struct sr_ban_table *t);
/* The ban at position i (0 <= i < count), in no particular order; a removal moves
 * the last ban into the freed position. */
const struct sr_ban *sr_ban_at(const struct sr_ban_table *t, uint32_t i);

/* ---- token buckets ---- */

/* Tokens are counted in millionths, so that a refill is elapsed microseconds times
 * the rate: no division on the way, and the same arithmetic in BPF. */
#define SR_BUCKET_TOKEN 1000000ULL

struct sr_bucket {
	uint64_t tokens;   /* millionths */
	uint64_t last_us;  /* last refill */
};

/* A full bucket. */
static inline void
sr_bucket_init(struct sr_bucket *b, uint32_t rate, uint32_t burst, uint64_t now_us)
{
	b->tokens = (uint64_t)(burst ? burst : rate) * SR_BUCKET_TOKEN;
	b->last_us = now_us;
}

/* Takes one token: true when there was one. rate tokens a second, at most burst
 * (0: rate) held; rate 0 means unlimited. A bucket fuller than a lowered burst is
 * trimmed on its next take. */
static inline bool
sr_bucket_take(struct sr_bucket *b, uint32_t rate, uint32_t burst, uint64_t now_us)
{
	uint64_t max = (uint64_t)(burst ? burst : rate) * SR_BUCKET_TOKEN;

	if (rate == 0)
		return true;
	if (now_us > b->last_us) {
		uint64_t dt = now_us - b->last_us;
		/* a long idle fills the bucket; capping dt keeps dt * rate from overflowing */
		uint64_t add = dt >= max / rate ? max : dt * rate;

		b->tokens = b->tokens + add > max ? max : b->tokens + add;
		b->last_us = now_us;
	} else if (b->tokens > max) {
		b->tokens = max;
	}
	if (b->tokens < SR_BUCKET_TOKEN)
		return false;
	b->tokens -= SR_BUCKET_TOKEN;
	return true;
}

/* ---- per-source rate table ---- */

struct sr_rate_table;

/*
 * Buckets for up to capacity sources (rounded up to a whole number of sets). A new
 * source takes a free slot of its set or the one idle longest: a forgotten source
 * comes back with a full bucket, so eviction can only ever let more through, never
 * refuse a sender that is within its rate.
 */
struct sr_rate_table *sr_rate_table_create(uint32_t capacity);
void sr_rate_table_free(struct sr_rate_table *t);
/* Applies to every source at its next datagram. */
void sr_rate_set(struct sr_rate_table *t, uint32_t rate, uint32_t burst);
/* One request from addr at now_us: true when within its rate. */
bool sr_rate_take(struct sr_rate_table *t, const uint8_t addr[16], uint64_t now_us);
uint32_t sr_rate_sources(const struct sr_rate_table *t);   /* tracked now */
uint32_t sr_rate_capacity(const struct sr_rate_table *t);
uint64_t sr_rate_evictions(const struct sr_rate_table *t);

/* ---- the verdict ---- */

enum sr_guard_verdict {
	SR_GUARD_PASS = 0,
	SR_GUARD_BANNED,         /* the source matches a ban */
	SR_GUARD_RATE_LIMITED,   /* a request over its source's rate */
};

struct sr_guard {
	struct sr_ban_table *bans;
	struct sr_rate_table *rates;
	uint64_t banned;         /* datagrams refused, by verdict */
	uint64_t rate_limited;
};

/* Both tables; 0 or -ENOMEM. */
int sr_guard_init(struct sr_guard *g, uint32_t max_bans, uint32_t max_sources);
void sr_guard_fini(struct sr_guard *g);

/*
 * The verdict on one SIP datagram from addr (16-byte form). Bans apply to everything;
 * the rate to requests only (a datagram that does not start with "SIP/2.0", the start
 * of every response) and only when rate_applies (the relay limits the phones of
 * access interfaces, not the upstream it forwards to). Counts what it refuses.
 */
enum sr_guard_verdict sr_guard_check(struct sr_guard *g, const uint8_t addr[16],
				     const char *data, uint32_t len, bool rate_applies,
				     uint64_t now_us);

#ifdef __cplusplus
}
#endif

#endif
