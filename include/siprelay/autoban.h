/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Automatic bans: what the SIP path saw of one source, and when that is enough to ban
 * it. Two signs, each counted in a fixed window that starts at the source's first
 * event and restarts once it has passed:
 *
 *   - password guessing: 401/403/407 answers from upstream that the relay forwards
 *     back to the source, auth_fail_count of them within auth_fail_window_s. A
 *     phone's normal digest exchange (401, then 200 to the retry with credentials)
 *     must not add up over a day of re-registrations, so a 2xx to a REGISTER or an
 *     INVITE clears the source's count: a guesser never gets one;
 *   - flooding: more than flood_rate requests a second, averaged over flood_window_s.
 *
 * The caller applies the ban (ban table, XDP trie); this module only decides and says
 * why, in words an operator reads in "siprelayctl ban list". Plain C, no DPDK, no
 * allocation after create, time passed in (tests drive a fake clock).
 */
#ifndef SIPRELAY_AUTOBAN_H
#define SIPRELAY_AUTOBAN_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sr_autoban_config {
	uint32_t auth_fail_count;     /* 0: password guessing is not watched */
	uint32_t auth_fail_window_s;  /* > 0 when auth_fail_count is */
	uint32_t auth_fail_ban_s;     /* ban time, 0: permanent */
	uint32_t flood_rate;          /* requests a second, 0: flooding is not watched */
	uint32_t flood_window_s;      /* > 0 when flood_rate is */
	uint32_t flood_ban_s;         /* ban time, 0: permanent */
};

#define SR_AUTOBAN_REASON_MAX 64 /* = SR_BAN_REASON_MAX, with the NUL */

/* A ban to apply: ttl_s (0: permanent) and the reason to show. */
struct sr_autoban_hit {
	uint32_t ttl_s;
	char reason[SR_AUTOBAN_REASON_MAX];
};

struct sr_autoban_stats {
	uint64_t auth_fails;   /* answers counted */
	uint64_t auth_bans;
	uint64_t flood_bans;
	uint64_t evictions;    /* sources forgotten for a newer one */
};

struct sr_autoban;

/* Room for about capacity sources (> 0). NULL when out of memory. */
struct sr_autoban *sr_autoban_create(uint32_t capacity);
void sr_autoban_free(struct sr_autoban *a);
/* 0, or -EINVAL (a count without a window); the counts so far stay. */
int sr_autoban_set(struct sr_autoban *a, const struct sr_autoban_config *c);
const struct sr_autoban_config *sr_autoban_config_get(const struct sr_autoban *a);

/* One 401/403/407 answer forwarded to addr (16-byte form). True: ban it now (hit
 * filled in, the source's counts restart). */
bool sr_autoban_auth_fail(struct sr_autoban *a, const uint8_t addr[16], uint16_t status,
			  uint64_t now_us, struct sr_autoban_hit *hit);
/* True when addr has failures counted (then a 2xx answer is worth a look). */
bool sr_autoban_auth_pending(const struct sr_autoban *a, const uint8_t addr[16]);
/* A 2xx to a REGISTER or INVITE of addr: its failures are forgotten. */
void sr_autoban_auth_ok(struct sr_autoban *a, const uint8_t addr[16]);
/* One request from addr. True: ban it now. */
bool sr_autoban_request(struct sr_autoban *a, const uint8_t addr[16], uint64_t now_us,
			struct sr_autoban_hit *hit);

uint32_t sr_autoban_sources(const struct sr_autoban *a);
const struct sr_autoban_stats *sr_autoban_stats_get(const struct sr_autoban *a);

#ifdef __cplusplus
}
#endif

#endif
