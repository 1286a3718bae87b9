/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control.sock: SOCK_STREAM, one JSON object per line each way.
 *   {"cmd":"stats"}     -> {"sip":{...},"rtp":{...},"sessions":{...},"prefilter":{...},...}
 *   {"cmd":"sessions"}  -> {"sessions":[{handle, gen, session_id, media_index, legs:[...]}]}
 *   anything else       -> {"error":"..."}
 */
#ifndef SIPRELAY_CONTROL_CONTROL_SERVER_H
#define SIPRELAY_CONTROL_CONTROL_SERVER_H

#include <stddef.h>

struct ctl_daemon;

/* line_handler for line_server: arg is the struct ctl_daemon */
char *control_answer(void *arg, const char *line, size_t len);

#endif
