/* SPDX-License-Identifier: BSD-3-Clause */
/* The [security] section: the signature rules file and the automatic bans' thresholds. */
#ifndef RELAY_CONFIG_SECURITY_H
#define RELAY_CONFIG_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#include <siprelay/autoban.h>

struct rte_cfgfile;

struct relay_security_settings {
	char rules[256];              /* rules file (absolute, or as given), "" = no rules */
	struct sr_autoban_config ab;  /* password guessing and flood thresholds */
	uint32_t max_sources;         /* sources the automatic bans track (restart to change) */
};

void relay_config_security_defaults(struct relay_security_settings *s);

/* Parses [security] of f (loaded from path: a relative rules file is taken from the
 * directory of path). 0 or -errno with a one-line reason in err. */
int relay_config_security_load(struct relay_security_settings *s, struct rte_cfgfile *f,
			       const char *path, char *err, size_t errlen);

#endif
