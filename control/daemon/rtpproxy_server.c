/* SPDX-License-Identifier: BSD-3-Clause */
/* rtpproxy.sock: commands executed against the data plane (see rtpproxy_server.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/dp_proto.h>

#include "daemon.h"
#include "dp_client.h"
#include "registry.h"
#include "rtpp_cmd.h"
#include "rtpp_notify.h"
#include "rtpp_state.h"
#include "rtpproxy_server.h"
#include "timeouts.h"

#define RTPP_REPLY_MAX 1024
#define RTPP_MAX_MEDIA 64
#define SWEEP_SLACK 256 /* state entries beyond the live streams before a sweep */

struct rtpproxy {
	struct rtpp_notify_set *notify;
	struct rtpp_state *state;
	const struct timeouts *tmo;
};

/* A session of the registry found from a command's tags. */
struct found {
	struct registry_stream s;
	int creator_sent; /* the command's from_tag is the creator's: its sender is leg A */
};

struct rtpproxy *
rtpproxy_new(void)
{
	struct rtpproxy *rp = calloc(1, sizeof(*rp));

	if (rp == NULL)
		return NULL;
	rp->notify = rtpp_notify_set_new();
	rp->state = rtpp_state_new();
	if (rp->notify == NULL || rp->state == NULL) {
		rtpproxy_free(rp);
		return NULL;
	}
	return rp;
}

void
rtpproxy_free(struct rtpproxy *rp)
{
	if (rp == NULL)
		return;
	rtpp_notify_set_free(rp->notify);
	rtpp_state_free(rp->state);
	free(rp);
}

int
rtpproxy_add_notify(struct rtpproxy *rp, const char *name)
{
	return rtpp_notify_set_add(rp->notify, name);
}

void
rtpproxy_set_timeouts(struct rtpproxy *rp, const struct timeouts *t)
{
	rp->tmo = t;
}

static uint64_t
session_id(struct sr_slice call_id, struct sr_slice tag)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (uint32_t i = 0; i < call_id.len; i++)
		h = (h ^ (uint8_t)call_id.p[i]) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull; /* separator no call-id byte can fake */
	for (uint32_t i = 0; i < tag.len; i++)
		h = (h ^ (uint8_t)tag.p[i]) * 0x100000001b3ull;
	return h | REG_SID_RTPPROXY;
}

/* The media number of a command: the from tag's, else the to tag's, else the first. */
static uint32_t
media_of(const struct rtpp_cmd *c)
{
	if (c->from.has_media)
		return c->from.media;
	if (c->has_to && c->to.has_media)
		return c->to.media;
	return 1;
}

/*
 * The stream a U, L or Q is about. The creator's tag is the first tag of its offers
 * and of the answers to them (the SIP proxy swaps the tags for the other direction), so
 * finding the session under from_tag means the creator is the from party.
 */
static int
find_session(const struct ctl_daemon *d, const struct rtpp_cmd *c, struct found *f)
{
	uint32_t media = media_of(c);

	if (registry_find(d->reg, session_id(c->call_id, c->from.tag), media, &f->s) == 0) {
		f->creator_sent = 1;
		return 0;
	}
	if (c->has_to && registry_find(d->reg, session_id(c->call_id, c->to.tag), media, &f->s) == 0) {
		f->creator_sent = 0;
		return 0;
	}
	return -ENOENT;
}

static size_t
error(struct ctl_daemon *d, int ecode, char *out, size_t size)
{
	int n = rtpp_fmt_error(out, size, ecode);

	d->rtpp_errors++;
	return n > 0 ? (size_t)n : 0;
}

/* A data plane failure as rtpproxy would name it. */
static int
dp_ecode(int err, int creating)
{
	switch (err) {
	case -ENOTCONN:
	case -ECONNRESET:
	case -EPIPE:
		return RTPP_E_SLOWSHTDN;
	case -ENOENT:
		return RTPP_E_SESUNKN;
	case -EADDRINUSE:
		return creating ? RTPP_E_LSTFAIL_NEW : RTPP_E_LSTFAIL_UPD;
	case -EADDRNOTAVAIL:
	case -EAFNOSUPPORT:
		return RTPP_E_AF;
	case -ENOMEM:
		return RTPP_E_NOMEM;
	default: /* -ENOSPC (table full), -ETIMEDOUT (no answer) and the rest */
		return RTPP_E_OVERLOAD;
	}
}

static void
to_dp_addr(const struct rtpp_addr *a, struct dp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == 0 || a->on_hold || a->port == 0)
		return; /* not known yet, on hold or a disabled stream: latch or wait */
	out->family = a->family == RTPP_FAMILY_IPV6 ? DP_FAMILY_IPV6 : DP_FAMILY_IPV4;
	out->port = a->port;
	memcpy(out->addr, a->addr, sizeof(out->addr));
}

static size_t
reply_local(struct ctl_daemon *d, const struct dp_addr *local, char *out, size_t size)
{
	struct rtpp_addr a = { 0 };
	int n;

	if (local->family == DP_FAMILY_IPV4 || local->family == DP_FAMILY_IPV6) {
		a.family = local->family == DP_FAMILY_IPV6 ? RTPP_FAMILY_IPV6 : RTPP_FAMILY_IPV4;
		memcpy(a.addr, local->addr, sizeof(a.addr));
	}
	n = rtpp_fmt_port(out, size, local->port, &a);
	return n > 0 ? (size_t)n : error(d, RTPP_E_NOMEM, out, size);
}

/* The interface of a bridging modifier: i = internal = core, e = external = access. */
static const char *
dir_iface(const struct ctl_daemon *d, char dir)
{
	return dir == RTPP_DIR_INTERNAL ? d->ifs.core : d->ifs.access;
}

static int
state_alive(void *arg, uint64_t sid, uint32_t media)
{
	struct registry_stream s;

	return registry_find(arg, sid, media, &s) == 0;
}

/* Weak/strong references and the notification of U (rtpproxy drops the notification
 * on a U that does not repeat it). */
static void
note_update(struct ctl_daemon *d, const struct rtpp_cmd *c, uint64_t sid, uint32_t media,
	    int party)
{
	struct rtpp_sess *s = rtpp_state_get(d->rtpp->state, sid, media);
	const char *target = NULL;

	if (s == NULL)
		return;
	if (c->mods.weak)
		s->weak[party] = 1;
	else
		s->strong = 1;
	if (c->has_notify) {
		target = rtpp_notify_set_find(d->rtpp->notify, c->notify_sock);
		if (target == NULL)
			fprintf(stderr, "siprelay-control: rtpproxy U %.*s: notify socket %.*s is "
				"not one of --rtpproxy-notify, no timeout notification\n",
				(int)c->call_id.len, c->call_id.p, (int)c->notify_sock.len,
				c->notify_sock.p);
	}
	rtpp_state_set_notify(s, target, target ? c->notify_tag : NULL);
}

/* U with no session yet: leg A faces the creator (the sender of this offer). */
static size_t
create(struct ctl_daemon *d, const struct rtpp_cmd *c, char *out, size_t size)
{
	uint64_t sid = session_id(c->call_id, c->from.tag);
	uint32_t media = media_of(c);
	const char *a_if = c->mods.ndir >= 1 ? dir_iface(d, c->mods.dir[0]) : d->ifs.access;
	const char *b_if = c->mods.ndir >= 2 ? dir_iface(d, c->mods.dir[1]) :
			   (a_if == d->ifs.access ? d->ifs.core : d->ifs.access);
	uint8_t fam = c->mods.ipv6 ? DP_FAMILY_IPV6 : DP_FAMILY_IPV4;
	struct dp_stream_create req;
	struct registry_stream s;
	struct dp_reply rep;
	char call_id[sizeof(req.call_id)];
	int ret;

	memset(&req, 0, sizeof(req));
	req.session_id = sid;
	req.media_index = media;
	snprintf(call_id, sizeof(call_id), "%.*s", (int)c->call_id.len, c->call_id.p);
	memcpy(req.call_id, call_id, sizeof(req.call_id));
	snprintf(req.leg[0].iface, sizeof(req.leg[0].iface), "%s", a_if);
	snprintf(req.leg[1].iface, sizeof(req.leg[1].iface), "%s", b_if);
	for (int k = 0; k < 2; k++) {
		req.leg[k].local.family = fam;
		req.leg[k].flags = DP_LEG_DEFAULTS;
	}
	to_dp_addr(&c->addr, &req.leg[0].remote);
	if (c->mods.asymmetric)
		req.leg[0].flags = DP_LEG_NO_LATCH;
	ret = dp_client_request(d->dp, &req, sizeof(req), DP_STREAM_CREATE, &rep, sizeof(rep),
				NULL, NULL);
	if (ret < 0) {
		fprintf(stderr, "siprelay-control: rtpproxy U %s: data plane: %s\n", call_id,
			strerror(-ret));
		return error(d, dp_ecode(ret, 1), out, size);
	}
	s = (struct registry_stream){ rep.handle, rep.gen, sid, media };
	registry_add(d->reg, &s, call_id, 0);
	d->rtpp_created++;
	if (rtpp_state_count(d->rtpp->state) > registry_count_rtpproxy(d->reg) + SWEEP_SLACK)
		rtpp_state_sweep(d->rtpp->state, state_alive, d->reg);
	note_update(d, c, sid, media, 0);
	return reply_local(d, &rep.local[1], out, size);
}

static int
query_stream(struct ctl_daemon *d, const struct registry_stream *s, struct dp_stream_info *info)
{
	struct dp_stream_ref ref = { .handle = s->handle, .gen = s->gen };

	return dp_client_request(d->dp, &ref, sizeof(ref), DP_STREAM_QUERY, info, sizeof(*info),
				 NULL, NULL);
}

/* U and L: the sender's leg learns its address; the reply is the other leg's. */
static size_t
update_lookup(struct ctl_daemon *d, const struct rtpp_cmd *c, char *out, size_t size)
{
	int offer = c->op == RTPP_OP_UPDATE;
	struct dp_stream_update u;
	struct dp_stream_info info;
	struct found f;
	int leg, ret;

	if (offer && c->has_notify && rtpp_notify_set_count(d->rtpp->notify) == 0)
		return error(d, RTPP_E_NSOFF, out, size);
	if (dp_client_fd(d->dp) < 0)
		return error(d, RTPP_E_SLOWSHTDN, out, size);
	if (find_session(d, c, &f) < 0) {
		if (offer)
			return create(d, c, out, size);
		ret = rtpp_fmt_port(out, size, 0, NULL); /* rtpproxy's "0": no such session */
		return ret > 0 ? (size_t)ret : 0;
	}
	/* U from the creator, or L answering the other party's offer: the sender is leg A */
	leg = f.creator_sent == offer ? 0 : 1;
	memset(&u, 0, sizeof(u));
	u.handle = f.s.handle;
	u.gen = f.s.gen;
	u.what = DP_UPDATE_REMOTE(leg) | DP_UPDATE_FLAGS(leg);
	u.leg[leg].local.family = c->mods.ipv6 ? DP_FAMILY_IPV6 : DP_FAMILY_IPV4;
	to_dp_addr(&c->addr, &u.leg[leg].remote);
	u.leg[leg].flags = c->mods.asymmetric ? DP_LEG_NO_LATCH : DP_LEG_DEFAULTS;
	ret = dp_client_request(d->dp, &u, sizeof(u), DP_STREAM_UPDATE, NULL, 0, NULL, NULL);
	if (ret == 0)
		ret = query_stream(d, &f.s, &info);
	if (ret < 0)
		return error(d, dp_ecode(ret, 0), out, size);
	if (offer)
		note_update(d, c, f.s.session_id, f.s.media_index, leg);
	return reply_local(d, &info.leg[!leg].local, out, size);
}

/* Drops the command's reference; 1 when the session has none left and must go. */
static int
release(struct ctl_daemon *d, const struct rtpp_cmd *c, const struct registry_stream *s,
	int party)
{
	struct rtpp_sess *st = rtpp_state_find(d->rtpp->state, s->session_id, s->media_index);

	if (st == NULL)
		return 1; /* made before a restart of this process: a plain session */
	if (c->weak)
		st->weak[party] = 0;
	else
		st->strong = 0;
	return !st->strong && !st->weak[0] && !st->weak[1];
}

static int
delete_stream(struct ctl_daemon *d, const struct registry_stream *s)
{
	struct dp_stream_ref ref = { .handle = s->handle, .gen = s->gen };
	int ret = dp_client_request(d->dp, &ref, sizeof(ref), DP_STREAM_DELETE, NULL, 0, NULL,
				    NULL);

	if (ret == 0 || ret == -ENOENT) {
		registry_del(d->reg, s->handle, s->gen);
		rtpp_state_del(d->rtpp->state, s->session_id, s->media_index);
		return 0;
	}
	return ret;
}

/* D: every stream of the call whose creator is named by a tag (all media, or the one
 * the tag's ;N names). */
static size_t
delete(struct ctl_daemon *d, const struct rtpp_cmd *c, char *out, size_t size)
{
	const struct rtpp_tag *tags[2] = { &c->from, c->has_to ? &c->to : NULL };
	unsigned int matched = 0;

	if (dp_client_fd(d->dp) < 0)
		return error(d, RTPP_E_SLOWSHTDN, out, size);
	for (int t = 0; t < 2; t++) {
		struct registry_stream s[RTPP_MAX_MEDIA];
		unsigned int n;

		if (tags[t] == NULL)
			continue;
		n = registry_find_all(d->reg, session_id(c->call_id, tags[t]->tag), s,
				      RTPP_MAX_MEDIA);
		for (unsigned int i = 0; i < n; i++) {
			int ret;

			if (tags[t]->has_media && s[i].media_index != tags[t]->media)
				continue;
			matched++;
			/* the from party is the creator when its tag found the session */
			if (!release(d, c, &s[i], t == 0 ? 0 : 1))
				continue;
			ret = delete_stream(d, &s[i]);
			if (ret < 0)
				return error(d, dp_ecode(ret, 0), out, size);
		}
	}
	if (matched == 0)
		return error(d, RTPP_E_SESUNKN, out, size);
	return (size_t)rtpp_fmt_number(out, size, 0);
}

static size_t
query(struct ctl_daemon *d, const struct rtpp_cmd *c, char *out, size_t size)
{
	struct rtpp_query_vals v = { .ttl = -1 };
	struct dp_stream_info info;
	struct found f;
	int ret, ina;

	if (dp_client_fd(d->dp) < 0)
		return error(d, RTPP_E_SLOWSHTDN, out, size);
	if (find_session(d, c, &f) < 0)
		return error(d, RTPP_E_SESUNKN, out, size);
	ret = query_stream(d, &f.s, &info);
	if (ret < 0)
		return error(d, dp_ecode(ret, 0), out, size);
	/* npkts_ina counts what the from party sent */
	ina = f.creator_sent ? 0 : 1;
	v.npkts_ina = info.leg[ina].packets;
	v.npkts_ino = info.leg[!ina].packets;
	v.nrelayed = info.leg[0].packets + info.leg[1].packets;
	for (int k = 0; k < 2; k++) {
		for (int j = 0; j < DP_DROP_MAX; j++)
			v.ndropped += info.leg[k].drops[j];
		v.rtpa_nrcvd += info.leg[k].received;
		v.rtpa_nlost += info.leg[k].lost > 0 ? (uint64_t)info.leg[k].lost : 0;
	}
	if (d->rtpp->tmo != NULL) {
		int64_t ms = timeouts_ttl_ms(d->rtpp->tmo, f.s.handle, f.s.gen);

		v.ttl = ms < 0 ? -1 : (int)((ms + 999) / 1000);
	}
	ret = rtpp_fmt_query(out, size, c, &v);
	return ret > 0 ? (size_t)ret : error(d, RTPP_E_NOMEM, out, size);
}

static size_t
info(struct ctl_daemon *d, char *out, size_t size)
{
	static const char *const names[] = DP_VERDICT_NAMES;
	struct rtpp_info_vals v = { 0 };
	struct dp_stats st;
	int ret;

	v.sessions_created = d->rtpp_created;
	v.active_sessions = registry_count_rtpproxy(d->reg);
	v.active_streams = 2 * v.active_sessions; /* one per direction, as rtpproxy counts */
	if (dp_client_fd(d->dp) >= 0 &&
	    dp_client_request(d->dp, &st, sizeof(st.h), DP_STATS, &st, sizeof(st), NULL,
			      NULL) == 0) {
		for (unsigned int i = 0; i < DP_VERDICT_MAX && i < sizeof(names) / sizeof(names[0]);
		     i++) {
			/* media packets that reached a session; those sent on */
			if (strncmp(names[i], "fwd_", 4) == 0) {
				v.packets_received += st.verdicts[i];
				v.packets_transmitted += st.verdicts[i];
			} else if (!strcmp(names[i], "drop_strict_source") ||
				   !strcmp(names[i], "drop_no_remote") ||
				   !strcmp(names[i], "drop_no_neighbour") ||
				   !strcmp(names[i], "drop_mux_port")) {
				v.packets_received += st.verdicts[i];
			}
		}
	}
	ret = rtpp_fmt_info(out, size, &v);
	return ret > 0 ? (size_t)ret : error(d, RTPP_E_NOMEM, out, size);
}

struct stream_list {
	struct registry_stream *s;
	unsigned int n, cap;
};

static int
collect_rtpproxy(const struct dp_stream_info *i, void *arg)
{
	struct stream_list *l = arg;

	if (!(i->session_id & REG_SID_RTPPROXY))
		return 0; /* the inline SIP proxy's calls are not rtpproxy.sock's to end */
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 64;
		struct registry_stream *s = realloc(l->s, cap * sizeof(*s));

		if (s == NULL)
			return -ENOMEM;
		l->s = s;
		l->cap = cap;
	}
	l->s[l->n++] = (struct registry_stream){ i->handle, i->gen, i->session_id,
						 i->media_index };
	return 0;
}

/* X: every session made through rtpproxy.sock, as the data plane lists them. */
static size_t
delete_all(struct ctl_daemon *d, char *out, size_t size)
{
	struct stream_list l = { 0 };
	struct dp_hdr h;
	struct dp_reply rep;
	int ret;

	if (dp_client_fd(d->dp) < 0)
		return error(d, RTPP_E_SLOWSHTDN, out, size);
	ret = dp_client_request(d->dp, &h, sizeof(h), DP_STREAM_LIST, &rep, sizeof(rep),
				collect_rtpproxy, &l);
	for (unsigned int i = 0; ret >= 0 && i < l.n; i++)
		ret = delete_stream(d, &l.s[i]);
	free(l.s);
	if (ret < 0)
		return error(d, dp_ecode(ret, 0), out, size);
	rtpp_state_clear(d->rtpp->state);
	return (size_t)rtpp_fmt_number(out, size, 0);
}

size_t
rtpproxy_execute(struct ctl_daemon *d, const char *text, size_t len, char *out, size_t size)
{
	struct rtpp_cmd c;

	d->rtpp_commands++;
	if (rtpp_cmd_parse(text, len, &c) < 0)
		return error(d, c.error, out, size);
	switch (c.op) {
	case RTPP_OP_VERSION:
		return (size_t)rtpp_fmt_number(out, size, atoll(RTPP_PROTO_VERSION));
	case RTPP_OP_VERSION_FEATURE:
		return (size_t)rtpp_fmt_number(
			out, size,
			rtpp_feature_supported(c.feature, rtpp_notify_set_count(d->rtpp->notify) > 0));
	case RTPP_OP_UPDATE:
	case RTPP_OP_LOOKUP:
		return update_lookup(d, &c, out, size);
	case RTPP_OP_DELETE:
		return delete(d, &c, out, size);
	case RTPP_OP_QUERY:
		return query(d, &c, out, size);
	case RTPP_OP_INFO:
		return info(d, out, size);
	case RTPP_OP_DELETE_ALL:
		return delete_all(d, out, size);
	}
	return error(d, RTPP_E_CMDUNKN, out, size);
}

char *
rtpproxy_answer(void *arg, const char *line, size_t len)
{
	char out[RTPP_REPLY_MAX];
	size_t n = rtpproxy_execute(arg, line, len, out, sizeof(out));

	return n > 0 ? strndup(out, n) : NULL;
}

void
rtpproxy_notify_timeout(struct ctl_daemon *d, const struct tmo_expired *e)
{
	const char *sent_to[RTPP_MAX_MEDIA];
	const char *sent_tag[RTPP_MAX_MEDIA];
	unsigned int n_sent = 0;

	for (unsigned int i = 0; i < e->n_streams; i++) {
		struct rtpp_sess *s = rtpp_state_find(d->rtpp->state, e->session_id,
						      e->streams[i].media_index);
		unsigned int k;
		int ret;

		if (s == NULL)
			continue;
		for (k = 0; k < n_sent; k++)
			if (s->notify == sent_to[k] && !strcmp(s->notify_tag, sent_tag[k]))
				break;
		if (s->notify != NULL && k == n_sent) {
			ret = rtpp_notify_send(d->rtpp->notify, s->notify, s->notify_tag);
			if (ret < 0)
				fprintf(stderr, "siprelay-control: rtpproxy timeout notification to "
					"%s: %s\n", s->notify, strerror(-ret));
			if (n_sent < RTPP_MAX_MEDIA) {
				sent_to[n_sent] = s->notify;
				sent_tag[n_sent++] = s->notify_tag;
			}
		}
	}
	/* the tags are compared above: the entries go only now */
	for (unsigned int i = 0; i < e->n_streams; i++)
		rtpp_state_del(d->rtpp->state, e->session_id, e->streams[i].media_index);
}
