/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control.sock: "trace start", "trace stop", "trace list" (traces.h does the work).
 *   {"cmd":"trace start","call_id":"a84b4c76e66710"}            or "address":"198.18.1.2[:5060]"
 *     optional "file":"/abs/path.pcapng", "overwrite":true, "max_packets":N, "max_seconds":S
 *     -> {"trace":{"id":1,"file":"...","state":"running",...}}
 *   {"cmd":"trace stop","id":1} or {"cmd":"trace stop","all":true}
 *     -> {"stopped":[{...,"packets":N,...}]}
 *   {"cmd":"trace list"} -> {"traces":[{...}]}
 */
#ifndef SIPRELAY_CONTROL_CMD_TRACE_H
#define SIPRELAY_CONTROL_CMD_TRACE_H

#include <jansson.h>

#include "ctl_request.h"

struct ctl_daemon;

/* Defaults when trace start gives none (0 in a request means no limit). */
#define TRACE_DEFAULT_MAX_SECONDS 3600u
#define TRACE_DEFAULT_MAX_PACKETS 100000u

json_t *cmd_trace_start(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_trace_stop(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_trace_list(struct ctl_daemon *d, const struct ctl_request *r);

#endif
