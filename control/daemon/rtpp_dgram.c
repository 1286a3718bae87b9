/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpproxy.sock's datagram transports: "COOKIE command" in, "COOKIE reply" out, on a
 * Unix datagram socket or on UDP (what rtpproxy_sock=udp:HOST:PORT speaks). The SIP
 * proxy retransmits a command whose answer it did not get in time (Kamailio: every
 * rtpproxy_tout seconds, rtpproxy_retr times) with the same cookie: such a datagram is
 * answered from the reply cache, so that a U does not make a second session and a D
 * does not turn into E50.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <siprelay/sock_perm.h>

#include "rtpp_cache.h"
#include "rtpp_cmd.h"
#include "rtpp_notify.h"
#include "rtpproxy_server.h"
#include "unix_listen.h"

#define DGRAM_MAX 8192
#define REPLY_MAX 2048

struct rtpproxy_dgram {
	struct ctl_daemon *d;
	struct rtpp_cache *cache;
	char *path; /* Unix socket to unlink on exit, NULL for UDP */
	int fd;
	uint64_t retransmits;
	const struct sock_perm *perm; /* Unix socket: senders checked (rtpproxy_dgram_set_perm) */
	uint64_t refused;
};

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct rtpproxy_dgram *
dgram_new(struct ctl_daemon *d, int *err)
{
	struct rtpproxy_dgram *rs = calloc(1, sizeof(*rs));

	if (rs == NULL || (rs->cache = rtpp_cache_new(RTPP_CACHE_ENTRIES,
						      RTPP_CACHE_TTL_MS)) == NULL) {
		free(rs);
		*err = -ENOMEM;
		return NULL;
	}
	rs->d = d;
	rs->fd = -1;
	return rs;
}

struct rtpproxy_dgram *
rtpproxy_dgram_new(const char *path, struct ctl_daemon *d, int *err)
{
	struct rtpproxy_dgram *rs = dgram_new(d, err);

	if (rs == NULL)
		return NULL;
	rs->path = strdup(path);
	if (rs->path == NULL) {
		*err = -ENOMEM;
		rtpproxy_dgram_free(rs);
		return NULL;
	}
	rs->fd = unix_listen(path, SOCK_DGRAM);
	if (rs->fd < 0) {
		*err = rs->fd;
		free(rs->path);
		rs->path = NULL; /* not ours to unlink */
		rtpproxy_dgram_free(rs);
		return NULL;
	}
	return rs;
}

struct rtpproxy_dgram *
rtpproxy_udp_new(const char *where, struct ctl_daemon *d, int *err)
{
	struct rtpp_notify_addr a;
	struct rtpproxy_dgram *rs;
	char name[128];
	int one = 1;

	/* a bare port listens on loopback only: the protocol has no authentication */
	if (strspn(where, "0123456789") == strlen(where))
		snprintf(name, sizeof(name), "udp:127.0.0.1:%s", where);
	else
		snprintf(name, sizeof(name), "udp:%s", where);
	*err = rtpp_notify_parse(name, &a);
	if (*err < 0)
		return NULL;
	rs = dgram_new(d, err);
	if (rs == NULL)
		return NULL;
	rs->fd = socket(a.sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rs->fd < 0 || setsockopt(rs->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(rs->fd, (struct sockaddr *)&a.sa, a.len) < 0) {
		*err = -errno;
		rtpproxy_dgram_free(rs);
		return NULL;
	}
	return rs;
}

void
rtpproxy_dgram_free(struct rtpproxy_dgram *rs)
{
	if (rs == NULL)
		return;
	if (rs->fd >= 0)
		close(rs->fd);
	if (rs->path != NULL)
		unlink(rs->path);
	free(rs->path);
	rtpp_cache_free(rs->cache);
	free(rs);
}

int
rtpproxy_dgram_set_perm(struct rtpproxy_dgram *rs, const struct sock_perm *perm)
{
	int ret;

	if (rs->path == NULL)
		return 0; /* UDP: no credentials to check; it listens on loopback by default */
	ret = sock_perm_chgrp(perm, rs->path);
	if (ret == 0)
		ret = sock_perm_passcred(rs->fd);
	if (ret == 0)
		rs->perm = perm;
	return ret;
}

int
rtpproxy_dgram_fd(const struct rtpproxy_dgram *rs)
{
	return rs->fd;
}

void
rtpproxy_dgram_on_readable(struct rtpproxy_dgram *rs)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	char buf[DGRAM_MAX], reply[REPLY_MAX], out[REPLY_MAX + 256], who[64] = "";
	struct sr_slice cookie, rest;
	const char *cached;
	size_t rlen;
	ssize_t n;
	int olen, truncated;

	memset(&from, 0, sizeof(from));
	n = sock_perm_recvfrom(rs->perm, rs->fd, buf, sizeof(buf), MSG_TRUNC,
			       (struct sockaddr *)&from, &fromlen, who, sizeof(who));
	if (n == -EACCES && (++rs->refused <= 100 || rs->refused % 1000 == 0))
		fprintf(stderr, "siprelay-control: %s: refused a datagram from %s (allowed: root, "
			"uid %u, group %s; %llu refused so far)\n", rs->path, who,
			(unsigned int)rs->perm->owner, rs->perm->group,
			(unsigned long long)rs->refused);
	/* an unbound Unix sender cannot be answered */
	if (n <= 0 || fromlen <= sizeof(sa_family_t))
		return;
	truncated = (size_t)n > sizeof(buf);
	if (truncated)
		n = sizeof(buf); /* longer than any command: answered E5 */
	if (rtpp_split_cookie(buf, (size_t)n, &cookie, &rest) < 0)
		return; /* all blanks: no cookie to answer with */
	cached = rtpp_cache_get(rs->cache, &from, fromlen, buf, (size_t)n, now_ms());
	if (cached != NULL && !truncated) {
		rs->retransmits++;
		sendto(rs->fd, cached, strlen(cached), MSG_DONTWAIT, (struct sockaddr *)&from,
		       fromlen);
		return;
	}
	if (rest.len == 0 || truncated)
		rlen = (size_t)rtpp_fmt_error(reply, sizeof(reply), RTPP_E_SYNTAX);
	else
		rlen = rtpproxy_execute(rs->d, rest.p, rest.len, reply, sizeof(reply));
	olen = snprintf(out, sizeof(out), "%.*s %.*s", (int)cookie.len, cookie.p, (int)rlen, reply);
	if (olen < 0 || (size_t)olen >= sizeof(out))
		return;
	if (!truncated)
		rtpp_cache_put(rs->cache, &from, fromlen, buf, (size_t)n, out, now_ms());
	sendto(rs->fd, out, (size_t)olen, MSG_DONTWAIT, (struct sockaddr *)&from, fromlen);
}
