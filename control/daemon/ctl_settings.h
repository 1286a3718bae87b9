/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * siprelay-control's own settings: the [control] section of the config file it shares
 * with the data plane (--config), overridden by command-line options.
 *
 *   [control]
 *   idle_timeout = 60      ; s without media in either direction, 0 = off
 *   final_timeout = 0      ; s, maximum call length, 0 = off
 *   offer_timeout = 120    ; s for an offer to get its answer, 0 = off
 *   socket_group = siprelay ; group of control.sock and rtpproxy.sock (mode 0660)
 *
 * Keys of [control] that are not these belong to other parts and are left alone.
 */
#ifndef SIPRELAY_CONTROL_CTL_SETTINGS_H
#define SIPRELAY_CONTROL_CTL_SETTINGS_H

#include <stddef.h>

#include "timeouts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CTL_GROUP_MAX 64

struct ctl_settings {
	struct tmo_config tmo;
	char socket_group[CTL_GROUP_MAX]; /* "" = the daemon's own group */
};

void ctl_settings_default(struct ctl_settings *s);
/* 0, or -errno with err "FILE:LINE: reason" (a missing file, a bad value). */
int ctl_settings_load(struct ctl_settings *s, const char *path, char *err, size_t len);

#ifdef __cplusplus
}
#endif

#endif
