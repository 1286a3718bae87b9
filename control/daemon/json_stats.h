/* SPDX-License-Identifier: BSD-3-Clause */
/* The JSON answer of control.sock's stats, built from the data plane. */
#ifndef SIPRELAY_CONTROL_JSON_STATS_H
#define SIPRELAY_CONTROL_JSON_STATS_H

#include <jansson.h>

struct ctl_daemon;

/* New reference, or {"error": ...} when the data plane does not answer. */
json_t *json_stats(struct ctl_daemon *d);

#endif
