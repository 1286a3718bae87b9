/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP prefilter's pinholes and bans, kept by the data plane's service loop: a
 * stream's local ports open when it is added to the table and close when it is
 * deleted (by a BYE, the channel or a timeout), and a strict leg's latched source is
 * written once known. The data plane does this rather than siprelay-control because
 * inline SIP creates streams without a round trip: media that follows a 200 OK at once
 * must find its pinhole open, also while the control process restarts.
 * Every function is a no-op when no prefilter is loaded.
 */
#ifndef RELAY_PINHOLES_H
#define RELAY_PINHOLES_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/guard.h>
#include <siprelay/relay_types.h>

struct relay_config;

struct relay_pinholes {
	int pin_fd;      /* pinned pinhole map, -1: no prefilter */
	int ban_fd;      /* pinned ban trie, -1: no prefilter */
	uint64_t errors; /* map updates the kernel refused (full map, ...) */
};

/* Opens the pinned maps if the prefilter is loaded. */
void relay_pinholes_init(struct relay_pinholes *p);
void relay_pinholes_fini(struct relay_pinholes *p);
bool relay_pinholes_active(const struct relay_pinholes *p);

void relay_pinholes_open(struct relay_pinholes *p, const struct relay_config *cfg,
			 const struct relay_stream *s);
void relay_pinholes_close(struct relay_pinholes *p, const struct relay_config *cfg,
			  const struct relay_stream *s);
/* Leg l of s latched its RTP source: a strict pinhole admits only that address. */
void relay_pinholes_latched(struct relay_pinholes *p, const struct relay_config *cfg,
			    const struct relay_stream *s, unsigned int l);

/* Bans: ttl_s 0 is permanent. */
void relay_pinholes_ban(struct relay_pinholes *p, const struct sr_prefix *pfx, uint32_t ttl_s);
void relay_pinholes_unban(struct relay_pinholes *p, const struct sr_prefix *pfx);

#endif
