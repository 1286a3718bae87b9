/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* accept4, vasprintf */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <siprelay/dp_proto.h>

#include "daemon.h"
#include "dp_client.h"
#include "registry.h"
#include "rtpproxy_server.h"
#include "unix_listen.h"

#define RTPP_MAX_ARGS 10
#define RTPP_MAX_MSG 4096
#define RTPP_MAX_MEDIA 64

struct rtpp_mods {
	int asymmetric; /* 'A': the UA does not do symmetric RTP: no latching */
	int ipv6;       /* '6': the address is IPv6 */
};

struct rtpp_tag {
	char base[128];
	uint32_t media; /* ";N" suffix, 1 without */
};

struct rtpp_req {
	char *argv[RTPP_MAX_ARGS];
	int argc;
	struct rtpp_mods mods;
};

static char *
reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
reply(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static uint64_t
session_id(const char *call_id, const char *tag)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (const char *p = call_id; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull; /* separator no call-id byte can fake */
	for (const char *p = tag; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	return h | REG_SID_RTPPROXY;
}

static void
parse_tag(const char *s, struct rtpp_tag *t)
{
	const char *semi = strchr(s, ';');
	size_t n = semi ? (size_t)(semi - s) : strlen(s);

	if (n >= sizeof(t->base))
		n = sizeof(t->base) - 1;
	memcpy(t->base, s, n);
	t->base[n] = '\0';
	t->media = semi && atoi(semi + 1) > 0 ? (uint32_t)atoi(semi + 1) : 1;
}

static void
parse_mods(const char *s, struct rtpp_mods *m)
{
	for (; *s; s++) {
		switch (*s) {
		case 'a': case 'A':
			m->asymmetric = 1;
			break;
		case '6':
			m->ipv6 = 1;
			break;
		case 'c': case 'C': case 'z': case 'Z': case 'r': case 'R': case 'l':
			/* codec list, repacketisation, addresses: values we do not use */
			while (s[1] && (isdigit((unsigned char)s[1]) || s[1] == ',' || s[1] == '.' ||
					s[1] == ':'))
				s++;
			break;
		default:
			/* i/e (bridge sides: we always bridge access<->core), s, w, f, n... */
			break;
		}
	}
}

/* "addr port" into a dp_addr; port 0 or an unspecified address = not known (hold) */
static int
parse_addr(const char *addr, const char *port, int ipv6, struct dp_addr *a)
{
	char *end;
	unsigned long p = strtoul(port, &end, 10);

	memset(a, 0, sizeof(*a));
	if (*port == '\0' || *end != '\0' || p > 65535)
		return -EINVAL;
	if (ipv6 || strchr(addr, ':') != NULL) {
		if (inet_pton(AF_INET6, addr, a->addr) != 1)
			return -EINVAL;
		a->family = DP_FAMILY_IPV6;
	} else {
		if (inet_pton(AF_INET, addr, a->addr) != 1)
			return -EINVAL;
		a->family = DP_FAMILY_IPV4;
	}
	a->port = (uint16_t)p;
	return 0;
}

static int
addr_unknown(const struct dp_addr *a)
{
	static const uint8_t zero[16];

	return a->port == 0 || memcmp(a->addr, zero, sizeof(zero)) == 0;
}

static char *
port_addr(const struct dp_addr *a)
{
	char ip[INET6_ADDRSTRLEN] = "";

	inet_ntop(a->family == DP_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->addr, ip, sizeof(ip));
	return reply("%u %s%s\n", a->port, ip, a->family == DP_FAMILY_IPV6 ? " 6" : "");
}

static char *
err_reply(struct ctl_daemon *d, int code)
{
	d->rtpp_errors++;
	return reply("E%d\n", code);
}

static int
query(struct ctl_daemon *d, const struct registry_stream *s, struct dp_stream_info *info)
{
	struct dp_stream_ref ref = { .handle = s->handle, .gen = s->gen };

	return dp_client_request(d->dp, &ref, sizeof(ref), DP_STREAM_QUERY, info, sizeof(*info),
				 NULL, NULL);
}

/* U with no session yet: leg A (access) to the offerer, leg B (core) unknown. */
static char *
create(struct ctl_daemon *d, const struct rtpp_req *r, uint64_t sid, uint32_t media,
       const struct dp_addr *remote)
{
	struct dp_stream_create c;
	struct dp_reply rep;
	struct registry_stream s;
	int ret;

	memset(&c, 0, sizeof(c));
	c.session_id = sid;
	c.media_index = media;
	snprintf(c.call_id, sizeof(c.call_id), "%s", r->argv[1]);
	snprintf(c.leg[0].iface, sizeof(c.leg[0].iface), "%s", d->ifs.access);
	snprintf(c.leg[1].iface, sizeof(c.leg[1].iface), "%s", d->ifs.core);
	for (int k = 0; k < 2; k++) {
		c.leg[k].local.family = remote->family;
		c.leg[k].flags = DP_LEG_DEFAULTS;
	}
	if (!addr_unknown(remote))
		c.leg[0].remote = *remote;
	if (r->mods.asymmetric)
		c.leg[0].flags = DP_LEG_NO_LATCH;
	ret = dp_client_request(d->dp, &c, sizeof(c), DP_STREAM_CREATE, &rep, sizeof(rep), NULL,
				NULL);
	if (ret < 0) {
		fprintf(stderr, "siprelay-control: rtpproxy U %s: data plane: %s\n", r->argv[1],
			strerror(-ret));
		return err_reply(d, 7);
	}
	s = (struct registry_stream){ rep.handle, rep.gen, sid, media };
	registry_add(d->reg, &s, r->argv[1], 0);
	d->rtpp_created++;
	return port_addr(&rep.local[1]);
}

/* U and L: find the session and which leg this SDP comes from. */
static char *
offer_answer(struct ctl_daemon *d, struct rtpp_req *r, int offer)
{
	struct rtpp_tag ft, tt = { "", 1 };
	struct registry_stream s;
	struct dp_stream_update u;
	struct dp_stream_info info;
	struct dp_addr remote;
	uint64_t sid_f, sid_t;
	int from_creator, leg, ret;

	if (r->argc < (offer ? 5 : 6))
		return err_reply(d, 1);
	if (parse_addr(r->argv[2], r->argv[3], r->mods.ipv6, &remote) < 0)
		return err_reply(d, 5);
	parse_tag(r->argv[4], &ft);
	if (r->argc > 5)
		parse_tag(r->argv[5], &tt);
	if (ft.base[0] == '\0')
		return err_reply(d, 1);
	sid_f = session_id(r->argv[1], ft.base);
	sid_t = tt.base[0] ? session_id(r->argv[1], tt.base) : 0;
	/*
	 * The creator's tag is the first tag of its offers and of the answers to them
	 * (Kamailio swaps the tags for the other direction): whether the sender of this
	 * SDP is the creator follows from where its tag stands.
	 */
	if (registry_find(d->reg, sid_f, ft.media, &s) == 0)
		from_creator = offer;
	else if (sid_t && registry_find(d->reg, sid_t, tt.media, &s) == 0)
		from_creator = !offer;
	else if (offer)
		return create(d, r, sid_f, ft.media, &remote);
	else
		return err_reply(d, 8);
	leg = from_creator ? 0 : 1;

	memset(&u, 0, sizeof(u));
	u.handle = s.handle;
	u.gen = s.gen;
	u.what = DP_UPDATE_REMOTE(leg);
	u.leg[leg].local.family = remote.family;
	if (!addr_unknown(&remote))
		u.leg[leg].remote = remote;
	if (r->mods.asymmetric) {
		u.what |= DP_UPDATE_FLAGS(leg);
		u.leg[leg].flags = DP_LEG_NO_LATCH;
	}
	ret = dp_client_request(d->dp, &u, sizeof(u), DP_STREAM_UPDATE, NULL, 0, NULL, NULL);
	if (ret == 0)
		ret = query(d, &s, &info);
	if (ret == -ENOENT)
		return err_reply(d, 8);
	if (ret < 0)
		return err_reply(d, 7);
	return port_addr(&info.leg[!leg].local);
}

static char *
delete(struct ctl_daemon *d, struct rtpp_req *r)
{
	struct registry_stream s[RTPP_MAX_MEDIA];
	struct rtpp_tag t;
	unsigned int n = 0, deleted = 0;

	if (r->argc < 3)
		return err_reply(d, 1);
	for (int i = 2; i < r->argc && i < 4; i++) {
		parse_tag(r->argv[i], &t);
		if (t.base[0])
			n += registry_find_all(d->reg, session_id(r->argv[1], t.base), s + n,
					       RTPP_MAX_MEDIA - n);
	}
	for (unsigned int i = 0; i < n; i++) {
		struct dp_stream_ref ref = { .handle = s[i].handle, .gen = s[i].gen };
		int ret = dp_client_request(d->dp, &ref, sizeof(ref), DP_STREAM_DELETE, NULL, 0,
					    NULL, NULL);

		if (ret == 0 || ret == -ENOENT) {
			registry_del(d->reg, s[i].handle, s[i].gen);
			deleted++;
		} else {
			return err_reply(d, 7);
		}
	}
	return deleted ? reply("0\n") : err_reply(d, 8);
}

static char *
stats_query(struct ctl_daemon *d, struct rtpp_req *r)
{
	struct rtpp_tag t;
	struct registry_stream s;
	struct dp_stream_info info;
	uint64_t dropped = 0;
	int found = 0;

	if (r->argc < 3)
		return err_reply(d, 1);
	for (int i = 2; i < r->argc && i < 4 && !found; i++) {
		parse_tag(r->argv[i], &t);
		found = t.base[0] &&
			registry_find(d->reg, session_id(r->argv[1], t.base), t.media, &s) == 0;
	}
	if (!found)
		return err_reply(d, 8);
	if (query(d, &s, &info) < 0)
		return err_reply(d, 7);
	for (int k = 0; k < 2; k++)
		for (int j = 0; j < DP_DROP_MAX; j++)
			dropped += info.leg[k].drops[j];
	/* ttl -1: no idle timeout policy yet */
	return reply("-1 %llu %llu %llu %llu\n", (unsigned long long)info.leg[0].packets,
		     (unsigned long long)info.leg[1].packets,
		     (unsigned long long)(info.leg[0].packets + info.leg[1].packets),
		     (unsigned long long)dropped);
}

static char *
version(struct ctl_daemon *d, struct rtpp_req *r)
{
	static const char *const supported[] = { "20040107", "20050322", "20060704", "20080403" };

	if (r->argv[0][1] == '\0')
		return reply("20040107\n");
	if (toupper((unsigned char)r->argv[0][1]) != 'F' || r->argv[0][2] != '\0')
		return err_reply(d, 3);
	if (r->argc < 2)
		return err_reply(d, 1);
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (strcmp(r->argv[1], supported[i]) == 0)
			return reply("1\n");
	return reply("0\n");
}

/* One command (NUL-terminated, modified in place); a malloc'ed answer with '\n'. */
static char *
execute(struct ctl_daemon *d, char *cmd)
{
	struct rtpp_req r;
	char *save = NULL;

	memset(&r, 0, sizeof(r));
	d->rtpp_commands++;
	for (char *t = strtok_r(cmd, " \t\r\n", &save); t && r.argc < RTPP_MAX_ARGS;
	     t = strtok_r(NULL, " \t\r\n", &save))
		r.argv[r.argc++] = t;
	if (r.argc == 0)
		return err_reply(d, 1);
	switch (toupper((unsigned char)r.argv[0][0])) {
	case 'V':
		return version(d, &r);
	case 'U':
	case 'L':
		parse_mods(r.argv[0] + 1, &r.mods);
		if (dp_client_fd(d->dp) < 0)
			return err_reply(d, 7);
		return offer_answer(d, &r, toupper((unsigned char)r.argv[0][0]) == 'U');
	case 'D':
		if (dp_client_fd(d->dp) < 0)
			return err_reply(d, 7);
		return delete(d, &r);
	case 'Q':
		return stats_query(d, &r);
	case 'I':
		return reply("sessions created: %llu\nactive sessions: %u\n",
			     (unsigned long long)d->rtpp_created, registry_count_rtpproxy(d->reg));
	default:
		return err_reply(d, 3);
	}
}

char *
rtpproxy_answer(void *arg, const char *line, size_t len)
{
	char buf[RTPP_MAX_MSG];

	if (len >= sizeof(buf))
		return err_reply(arg, 1);
	memcpy(buf, line, len);
	buf[len] = '\0';
	return execute(arg, buf);
}

struct rtpproxy_server {
	struct ctl_daemon *d;
	char *path;
	int fd;
};

struct rtpproxy_server *
rtpproxy_dgram_new(const char *path, struct ctl_daemon *d, int *err)
{
	struct rtpproxy_server *rs = calloc(1, sizeof(*rs));

	if (rs == NULL || (rs->path = strdup(path)) == NULL) {
		free(rs);
		*err = -ENOMEM;
		return NULL;
	}
	rs->d = d;
	rs->fd = unix_listen(path, SOCK_DGRAM);
	if (rs->fd < 0) {
		*err = rs->fd;
		free(rs->path);
		free(rs);
		return NULL;
	}
	return rs;
}

void
rtpproxy_dgram_free(struct rtpproxy_server *rs)
{
	if (rs == NULL)
		return;
	close(rs->fd);
	unlink(rs->path);
	free(rs->path);
	free(rs);
}

int rtpproxy_dgram_fd(const struct rtpproxy_server *rs) { return rs->fd; }

void
rtpproxy_dgram_on_readable(struct rtpproxy_server *rs)
{
	struct sockaddr_un from;
	socklen_t fromlen = sizeof(from);
	char buf[RTPP_MAX_MSG], *sp, *ans, *out;
	ssize_t n;

	n = recvfrom(rs->fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fromlen);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* "cookie command...": the answer echoes the cookie */
	sp = strpbrk(buf, " \t");
	if (sp == NULL) {
		ans = err_reply(rs->d, 1);
		out = ans ? reply("%s %s", buf, ans) : NULL;
	} else {
		*sp = '\0';
		ans = execute(rs->d, sp + 1);
		out = ans ? reply("%s %s", buf, ans) : NULL;
	}
	/* an unbound sender cannot be answered: nothing to do about it */
	if (out != NULL && fromlen > sizeof(sa_family_t))
		sendto(rs->fd, out, strlen(out), MSG_DONTWAIT, (struct sockaddr *)&from, fromlen);
	free(ans);
	free(out);
}
