/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpproxy's session timeout notifications: a U command may name a notify socket and a
 * tag; when the session is later deleted because its media timed out, "tag\n" is sent
 * to that socket, so that the SIP proxy can end the call (OpenSIPS' rtpproxy module,
 * Kamailio's timeout_socket). As in rtpproxy (-n), only operator-configured targets
 * are used: a command cannot make siprelay connect anywhere it likes.
 *
 * Targets: "unix:/path" (stream, kept connected, as rtpproxy), "tcp:ADDR:PORT" (the
 * same over TCP) and "udp:ADDR:PORT" (one datagram per notification); ADDR numeric,
 * IPv6 in brackets. A bare path means unix:.
 */
#ifndef SIPRELAY_CONTROL_RTPP_NOTIFY_H
#define SIPRELAY_CONTROL_RTPP_NOTIFY_H

#include <stddef.h>
#include <sys/socket.h>

#include <siprelay/slice.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTPP_NOTIFY_MAX_TARGETS 8

enum rtpp_notify_kind { RTPP_NOTIFY_UNIX, RTPP_NOTIFY_TCP, RTPP_NOTIFY_UDP };

struct rtpp_notify_addr {
	enum rtpp_notify_kind kind;
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Parses a target name; 0 or -EINVAL / -ENAMETOOLONG. */
int rtpp_notify_parse(const char *name, struct rtpp_notify_addr *out);

struct rtpp_notify_set;

struct rtpp_notify_set *rtpp_notify_set_new(void);
void rtpp_notify_set_free(struct rtpp_notify_set *set);
/* 0, -EINVAL (bad name), -ENOSPC (too many) */
int rtpp_notify_set_add(struct rtpp_notify_set *set, const char *name);
unsigned int rtpp_notify_set_count(const struct rtpp_notify_set *set);
/* The configured name that the U command's socket name stands for, or NULL. */
const char *rtpp_notify_set_find(const struct rtpp_notify_set *set, struct sr_slice name);
/*
 * Sends "tag\n" to the target called name (one of the set's names). Stream targets stay
 * connected between notifications and are reconnected once when the peer went away.
 * Never blocks for more than a few milliseconds. 0 or -errno.
 */
int rtpp_notify_send(struct rtpp_notify_set *set, const char *name, const char *tag);

#ifdef __cplusplus
}
#endif

#endif
