/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control.sock requests: one JSON object per line, {"cmd":"NAME", field: value...}.
 * This module only parses and validates (no sockets, no daemon state), against the
 * command table of ctl_specs.c, so that it is unit-tested and fuzzed on its own. Every
 * refusal names the problem: unknown command, unknown or missing field, wrong type,
 * bad address, number out of range.
 *
 * Adding a command: an id below, its spec in ctl_specs.c (name and fields), its
 * handler in control_server.c's table. Handlers read fields with ctl_arg().
 */
#ifndef SIPRELAY_CONTROL_CTL_REQUEST_H
#define SIPRELAY_CONTROL_CTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <siprelay/guard.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ctl_cmd_id {
	CTL_STATUS,
	CTL_SESSIONS,
	CTL_SESSION_SHOW,
	CTL_SESSION_DELETE,
	CTL_STATS,
	CTL_BAN_ADD,
	CTL_BAN_DEL,
	CTL_BAN_LIST,
	CTL_LIMITS_GET,
	CTL_LIMITS_SET,
	CTL_RELOAD,
	CTL_TRACE_START,
	CTL_TRACE_STOP,
	CTL_TRACE_LIST,
	CTL_REGISTRATIONS,
	CTL_RULES,
	CTL_CMD_MAX,
};

enum ctl_type {
	CTL_T_STR,       /* printable text of min..max bytes */
	CTL_T_UINT,      /* JSON integer in min..max */
	CTL_T_BOOL,
	CTL_T_PREFIX,    /* "192.0.2.1", "192.0.2.0/24", "2001:db8::/32" */
	CTL_T_ENDPOINT,  /* "192.0.2.1", "192.0.2.1:5060", "2001:db8::1", "[2001:db8::1]:5060" */
};

/* Field flags. */
#define CTL_F_REQUIRED 0x1
#define CTL_F_ONE_OF 0x2   /* exactly one of the fields so flagged must be given */
#define CTL_F_ANY_OF 0x4   /* at least one of the fields so flagged must be given */

#define CTL_MAX_FIELDS 8

struct ctl_field {
	const char *name;
	enum ctl_type type;
	uint32_t flags;
	uint64_t min;    /* UINT: smallest value; STR: shortest length */
	uint64_t max;    /* UINT: largest value; STR: longest length in bytes */
};

struct ctl_spec {
	enum ctl_cmd_id id;
	const char *name;                       /* what "cmd" holds: "ban add" */
	struct ctl_field field[CTL_MAX_FIELDS]; /* ends at the first without a name */
};

/* The command table (ctl_specs.c): n entries, one per id, in id order. */
const struct ctl_spec *ctl_specs(unsigned int *n);

struct ctl_value {
	bool set;
	const char *str;          /* STR: NUL-terminated, lives as long as the request */
	size_t len;
	uint64_t u;               /* UINT */
	bool b;                   /* BOOL */
	struct sr_prefix pfx;     /* PREFIX; ENDPOINT: the address (len 128) */
	uint16_t port;            /* ENDPOINT: 0 = any */
};

struct ctl_request {
	const struct ctl_spec *spec;
	json_t *root;
	struct ctl_value v[CTL_MAX_FIELDS];
};

/* Parses one line (without its newline). 0, or -EINVAL with the reason in err; free
 * the request either way. */
int ctl_request_parse(struct ctl_request *r, const char *line, size_t len, char *err,
		      size_t errlen);
void ctl_request_free(struct ctl_request *r);

/* The value of a field the request gave, NULL when it did not (or no such field). */
const struct ctl_value *ctl_arg(const struct ctl_request *r, const char *name);

/* "192.0.2.1:5060" and the other forms of CTL_T_ENDPOINT; 0 or -EINVAL. */
int ctl_endpoint_parse(const char *s, struct sr_prefix *addr, uint16_t *port);

#ifdef __cplusplus
}
#endif

#endif
