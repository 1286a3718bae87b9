/* SPDX-License-Identifier: BSD-3-Clause */
/* siprelay-dataplane settings, from an INI file (see config/siprelay.conf.example). */
#ifndef RELAY_CONFIG_H
#define RELAY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config_security.h"
#include "config_sip.h"
#include "iface.h"

struct relay_config {
	char path[256];          /* the file it was loaded from ("" = built in code) */
	char socket_path[108];
	uint32_t socket_mode;
	char socket_group[64];   /* "" = the process's group; checked when the socket opens */
	uint32_t capacity;       /* streams */
	uint32_t mbufs;
	bool adaptive_poll;      /* workers sleep when idle */
	uint32_t idle_sleep_us;  /* longest worker sleep when idle */
	uint8_t leg_flags;       /* defaults for new legs: RELAY_LEG_STRICT, RELAY_LEG_NO_LATCH */
	uint8_t relatch_after;   /* 0 = never re-latch */
	uint32_t neigh_timeout_s;
	uint32_t neigh_size;
	uint32_t preload;        /* benchmark: synthetic streams created at start */
	unsigned int n_ifaces;
	struct relay_iface iface[RELAY_MAX_IFACES];
	struct relay_sip_settings sip;
	struct relay_security_settings security; /* [security]: rules, automatic bans */
};

void relay_config_defaults(struct relay_config *c);
/* Returns 0 or -errno; err gets a one-line reason. */
int relay_config_load(struct relay_config *c, const char *path, char *err, size_t errlen);
/* Interface by its configured name, or NULL. */
const struct relay_iface *relay_config_iface(const struct relay_config *c, const char *name);

#endif
