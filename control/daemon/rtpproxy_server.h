/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpproxy.sock: the rtpproxy control protocol (Kamailio's and OpenSIPS's rtpproxy
 * modules) executed against the data plane's streams. The text is parsed by
 * rtpp_cmd.c; this file maps commands onto dataplane.sock requests.
 *
 * Transports:
 *   - unix: SOCK_STREAM, no cookie, one command per line or per write (what Kamailio's
 *     "rtpproxy_sock=unix:/run/siprelay/rtpproxy.sock" speaks): rtpproxy_answer;
 *   - datagrams "COOKIE command" -> "COOKIE reply", on a Unix datagram socket
 *     (--rtpproxy-dgram) or UDP (--rtpproxy-udp, rtpproxy_sock=udp:HOST:PORT). A
 *     retransmission (same sender, cookie and command) is answered from a reply cache
 *     without running the command again.
 *
 * Sessions: a session is made by the first U of a call; the party whose tag it carries
 * first is the session's creator. Leg A (index 0) of the stream faces the creator, leg B
 * the other party. Without i/e modifiers the creator is on the access interface (the
 * caller) and the other party on the core interface. rtpproxy's bridging modifiers name
 * the networks: i = internal = the core interface, e = external = the access interface;
 * the first of them is where the SDP comes from (the creator), the second where it goes.
 * The address in a reply is the local address the *receiver* of the SDP must send to:
 * U (offer) answers leg B's, L (answer) leg A's, so media is addressed to the interface
 * facing the party that sends it (DESIGN.md).
 *
 * Session ids are a hash of call-id and the creator's tag (bit 63 set), so that a
 * restarted control process finds the streams of a call again from DP_STREAM_LIST.
 *
 * Errors (rtpproxy's codes): E0 unknown command, E1 argument count, E2 modifiers where
 * none are taken, E5 empty or oversized command, E8/E18/E19/E35 unknown modifiers,
 * E10-E16 bad modifier values, E36 no local address of the stream's family, E37 bad
 * address or port, E50 unknown session, E62 unknown Q counter, E71/E72 no free media
 * port, E75 a notify socket while notifications are off, E81 out of memory, E98 the data
 * plane cannot take it now (table full, no answer), E99 the data plane is not connected
 * (media of existing calls keeps flowing, but nothing can be created or changed).
 */
#ifndef SIPRELAY_CONTROL_RTPPROXY_SERVER_H
#define SIPRELAY_CONTROL_RTPPROXY_SERVER_H

#include <stddef.h>

struct ctl_daemon;
struct rtpproxy;
struct rtpproxy_dgram;
struct timeouts;
struct tmo_expired;

/* The protocol's state (notify targets, weak references); one per daemon. */
struct rtpproxy *rtpproxy_new(void);
void rtpproxy_free(struct rtpproxy *rp);
/* A timeout notification target (--rtpproxy-notify); 0 or -errno. */
int rtpproxy_add_notify(struct rtpproxy *rp, const char *name);
/* Where Q finds the session's ttl; NULL: Q answers ttl -1. */
void rtpproxy_set_timeouts(struct rtpproxy *rp, const struct timeouts *t);

/*
 * Runs one command (no cookie); writes the reply (ending with '\n') to out and returns
 * its length. d->rtpp must be set.
 */
size_t rtpproxy_execute(struct ctl_daemon *d, const char *cmd, size_t len, char *out,
			size_t size);

/* line_handler for the stream transport (no cookie); arg is the struct ctl_daemon */
char *rtpproxy_answer(void *arg, const char *line, size_t len);

/*
 * The session timed out (timeouts.c deleted its streams): sends the notification that
 * its U asked for, "tag\n" to the notify socket, once per target and tag. Matches
 * expiry_notify_fn.
 */
void rtpproxy_notify_timeout(struct ctl_daemon *d, const struct tmo_expired *e);

/* Datagram transports. NULL with *err set. */
struct rtpproxy_dgram *rtpproxy_dgram_new(const char *path, struct ctl_daemon *d, int *err);
/* "ADDR:PORT", "[ADDR6]:PORT" or "PORT" (127.0.0.1) */
struct rtpproxy_dgram *rtpproxy_udp_new(const char *where, struct ctl_daemon *d, int *err);
void rtpproxy_dgram_free(struct rtpproxy_dgram *rs);
int rtpproxy_dgram_fd(const struct rtpproxy_dgram *rs);
struct sock_perm;
/* The Unix socket gets perm's group and every datagram's sender is checked (a no-op
 * for UDP); perm must outlive rs. 0 or -errno. */
int rtpproxy_dgram_set_perm(struct rtpproxy_dgram *rs, const struct sock_perm *perm);
void rtpproxy_dgram_on_readable(struct rtpproxy_dgram *rs);

#endif
