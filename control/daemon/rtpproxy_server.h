/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpproxy.sock: the rtpproxy control protocol (as Kamailio's and OpenSIPS's rtpproxy
 * modules speak it), mapped onto dataplane.sock streams.
 *
 * Transport: by default SOCK_STREAM without cookies, which is what those modules
 * use for "rtpproxy_sock=unix:/run/siprelay/rtpproxy.sock" (connect, write one
 * command, read the answer); --rtpproxy-dgram makes it a SOCK_DGRAM socket where
 * every command and answer starts with a cookie ("cookie command" -> "cookie result"),
 * as rtpproxy does on its UDP sockets.
 *
 * Commands:
 *   V                       -> 20040107
 *   VF YYYYMMDD             -> 1 for 20040107, 20050322, 20060704, 20080403; else 0
 *   U[mods] cid addr port ftag[;N] [ttag[;N]]   offer: create or update -> "port addr"
 *   L[mods] cid addr port ftag[;N] ttag[;N]     answer: update -> "port addr"
 *   D cid ftag [ttag]       delete every media of the call -> 0
 *   Q cid ftag[;N] [ttag]   -> "ttl packets_a packets_b relayed dropped"
 *   I                       -> "sessions created: N\nactive sessions: M"
 * Errors: E1 syntax (missing arguments), E3 unknown command, E5 bad address or port,
 * E7 the data plane refused or is not connected, E8 unknown session.
 *
 * Sides: a session is created by the offer (U) of the party whose tag comes first;
 * its leg A lives on the access interface (facing the caller), leg B on the core
 * interface (facing the callee). The answer to an offer is the address the *other*
 * party must send to: the offer's SDP goes to the callee, so U answers leg B's local
 * address (198.18.2.1 in the lab) and L answers leg A's (198.18.1.1) — media is
 * addressed to the interface facing the party that sends it (DESIGN.md).
 *
 * Session ids are a hash of call-id and the creator's tag (bit 63 set), so that a
 * restarted control process finds the streams of a call again from DP_STREAM_LIST.
 */
#ifndef SIPRELAY_CONTROL_RTPPROXY_SERVER_H
#define SIPRELAY_CONTROL_RTPPROXY_SERVER_H

#include <poll.h>
#include <stddef.h>

struct ctl_daemon;
struct rtpproxy_server;

/* line_handler for the stream transport (no cookie); arg is the struct ctl_daemon */
char *rtpproxy_answer(void *arg, const char *line, size_t len);

/* The datagram transport: its own socket. NULL with *err set. */
struct rtpproxy_server *rtpproxy_dgram_new(const char *path, struct ctl_daemon *d, int *err);
void rtpproxy_dgram_free(struct rtpproxy_server *rs);
int rtpproxy_dgram_fd(const struct rtpproxy_server *rs);
void rtpproxy_dgram_on_readable(struct rtpproxy_server *rs);

#endif
