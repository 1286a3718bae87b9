/* SPDX-License-Identifier: BSD-3-Clause */
/* GET /metrics of siprelay-control: its counters and the data plane's, as exposition text. */
#ifndef SIPRELAY_CONTROL_METRICS_H
#define SIPRELAY_CONTROL_METRICS_H

#include <stddef.h>

/* metrics_body_fn (metrics_http.h) with arg = struct ctl_daemon. */
char *metrics_body(void *arg, size_t *len);

#endif
