/* SPDX-License-Identifier: BSD-3-Clause */
/* The [sip] section and per-interface "role": settings of the inline SIP proxy. */
#ifndef RELAY_CONFIG_SIP_H
#define RELAY_CONFIG_SIP_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/relay_types.h>

#include "iface.h"

struct rte_cfgfile;

enum relay_sip_role {
	RELAY_ROLE_NONE = 0,  /* no SIP on this interface: packets to sip_port are dropped */
	RELAY_ROLE_ACCESS,    /* phones: requests go to the upstream */
	RELAY_ROLE_CORE,      /* upstream PBX / carrier */
};

struct relay_sip_settings {
	bool enabled;                 /* some interface has a role */
	uint8_t role[RELAY_MAX_IFACES];
	struct relay_ep upstream;     /* where access-side requests go */
	uint32_t cps_limit;           /* new calls per second, 0 = unlimited */
	uint32_t cps_burst;
	uint32_t source_rate;         /* SIP requests a second per access-side source, 0 = off */
	uint32_t source_burst;        /* 0 = source_rate */
	uint32_t max_sources;         /* sources the per-source buckets track */
	uint32_t max_bans;            /* capacity of the ban table */
	uint32_t max_sessions;
	uint32_t half_open_s;         /* an unanswered INVITE's session expires after this */
	uint32_t retry_after_s;       /* in 503 answers */
	bool bypass_on_exhaustion;    /* forward SDP untouched instead of 503 when out of ports */
	bool record_route;
	bool strip_ice;
	bool force_rport;
	char server[64];              /* Server header of the relay's own answers */
	uint32_t max_bindings;        /* registrations the relay anchors; 0 = none */
	uint8_t keepalive;            /* enum sr_proxy_keepalive: off, crlf, options */
	uint32_t keepalive_interval_s;
	uint32_t keepalive_max_missed;
};

/* Parses [sip] and "role" of each [interface NAME] (c_ifaces are already parsed, in
 * order of sections in secs). Returns 0 or -errno with a one-line reason in err. */
int relay_config_sip_load(struct relay_sip_settings *s, struct rte_cfgfile *f,
			  const struct relay_iface *ifaces, char *const *iface_sections,
			  unsigned int n_ifaces, char *err, size_t errlen);

#endif
