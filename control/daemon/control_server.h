/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control.sock: SOCK_STREAM, one JSON object per line each way. A request is
 * {"cmd":"NAME", field: value...}; ctl_specs.c lists each command's fields, and any
 * refusal is {"error":"..."} naming the problem. Answers:
 *   status          {version, uptime_s, dataplane:{connected, capacity, workers}, streams,
 *                    sip_sessions, rtpproxy_streams, bans, control_requests} (null: unknown)
 *   stats           {sip:{..., banned, rate_limited, bans, sources_tracked}, rtp, sessions,
 *                    prefilter, dataplane, control, ...}
 *   sessions        [call_id] [address "IP[:PORT]"] -> {sessions:[stream...]}
 *   session show    handle | session_id | call_id -> {session_id, source, call_id, streams}
 *   session delete  handle | session_id | call_id -> {session_id, source, streams_deleted}
 *   ban add         address, [ttl s, 0 = permanent], [reason] ->
 *                   {added, address, reason, ttl, expires_at}
 *   ban del         address -> {deleted}
 *   ban list        {bans:[{address, reason, permanent, remaining_s, expires_at, age_s,
 *                    hits}], count, capacity}
 *   limits get|set  [cps_limit] [cps_burst] [source_rate] [source_burst] ->
 *                   {cps_limit, cps_burst, source_rate, source_burst, sources_tracked,
 *                    source_capacity, sip_proxy}
 *   reload          {reloaded, applied:[setting], restart_required:[setting]}
 * A stream: {handle, gen, session_id, media_index, call_id, source, legs:[{iface, local,
 * remote, remote_rtcp, latched, latched_rtcp, strict, packets, bytes, rtcp_packets,
 * expected, lost, jitter, ssrc, idle_ms, drops, drops_by_reason:{...}}]}.
 */
#ifndef SIPRELAY_CONTROL_CONTROL_SERVER_H
#define SIPRELAY_CONTROL_CONTROL_SERVER_H

#include <stddef.h>

struct ctl_daemon;

/* line_handler for line_server: arg is the struct ctl_daemon */
char *control_answer(void *arg, const char *line, size_t len);

#endif
