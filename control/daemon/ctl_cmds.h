/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handlers of control.sock commands (one file per group: cmd_status.c,
 * cmd_sessions.c, cmd_bans.c, cmd_limits.c) and what they share. A handler gets a
 * validated request (ctl_request.h) and returns the answer object, or {"error": ...}.
 */
#ifndef SIPRELAY_CONTROL_CTL_CMDS_H
#define SIPRELAY_CONTROL_CTL_CMDS_H

#include <stdint.h>

#include <jansson.h>

#include <siprelay/dp_proto.h>

#include "ctl_request.h"

struct ctl_daemon;

typedef json_t *(*ctl_handler)(struct ctl_daemon *d, const struct ctl_request *r);

json_t *cmd_status(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_stats(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_sessions(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_session_show(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_session_delete(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_ban_add(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_ban_del(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_ban_list(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_limits_get(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_limits_set(struct ctl_daemon *d, const struct ctl_request *r);
json_t *cmd_reload(struct ctl_daemon *d, const struct ctl_request *r);
/* cmd_rules.c: the signature rules, and stats' "rules" section (NULL: no SIP path) */
json_t *cmd_rules(struct ctl_daemon *d, const struct ctl_request *r);
json_t *rules_stats_json(struct ctl_daemon *d);
json_t *cmd_registrations(struct ctl_daemon *d, const struct ctl_request *r);

/* {"error": printf text} */
json_t *ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* {"error": "WHAT: data plane ..."} for a failed dataplane.sock request (-errno). */
json_t *ctl_dp_error(const char *what, int err);
/* "198.18.1.2:5060", "[2001:db8::1]:5060", or JSON null for no address. */
json_t *ctl_addr_json(const struct dp_addr *a);
/* A JSON string of text that may not be UTF-8; null for NULL. */
json_t *ctl_text_json(const char *s);
/* CLOCK_REALTIME now plus ms, as "2025-01-31T12:00:00Z". */
json_t *ctl_time_json(int64_t ms_from_now);

#endif
