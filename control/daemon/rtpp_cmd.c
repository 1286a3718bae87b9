/* SPDX-License-Identifier: BSD-3-Clause */
/* The rtpproxy command protocol: parser and reply formatting (see rtpp_cmd.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rtpp_cmd.h"

#define IPV4_STR_MIN 7  /* "1.1.1.1" */
#define IPV4_STR_MAX 15 /* "255.255.255.255" */
#define IPV6_STR_MIN 2  /* "::" */
#define IPV6_STR_MAX 45

struct words {
	struct sr_slice w[RTPP_MAX_WORDS];
	unsigned int n;
};

/* What each command takes, as rtpproxy's command table has it. */
struct cmd_props {
	unsigned int min_words, max_words;
	int takes_mods;
	int from_at, to_at; /* word index of the tags, 0 = none */
};

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* 0, or RTPP_E_SYNTAX when there are more words than rtpproxy takes */
static int
split(const char *buf, size_t len, struct words *w)
{
	size_t i = 0;

	w->n = 0;
	while (i < len) {
		size_t start;

		while (i < len && is_sep(buf[i]))
			i++;
		if (i == len)
			break;
		if (w->n == RTPP_MAX_WORDS)
			return RTPP_E_SYNTAX;
		start = i;
		while (i < len && !is_sep(buf[i]))
			i++;
		w->w[w->n++] = sr_slice_make(buf + start, i - start);
	}
	return 0;
}

/* "tag;N": N counts media from 1; a tag without a number names every media. */
static void
parse_tag(struct sr_slice s, struct rtpp_tag *t)
{
	uint32_t i = s.len, media = 0;

	t->tag = s;
	t->media = 0;
	t->has_media = 0;
	while (i > 0 && is_digit(s.p[i - 1]))
		i--;
	if (i == 0 || i == s.len || s.p[i - 1] != ';' || s.len - i > 9)
		return;
	for (uint32_t k = i; k < s.len; k++)
		media = media * 10 + (uint32_t)(s.p[k] - '0');
	t->tag = sr_slice_make(s.p, i - 1);
	t->media = media;
	t->has_media = 1;
}

/* Decimal 0..max, the whole slice. */
static int
parse_uint(struct sr_slice s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s.len == 0 || s.len > 10)
		return -EINVAL;
	for (uint32_t i = 0; i < s.len; i++) {
		if (!is_digit(s.p[i]))
			return -EINVAL;
		v = v * 10 + (unsigned long)(s.p[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
pton(int family, struct sr_slice s, uint8_t *out)
{
	char tmp[IPV6_STR_MAX + 1];

	if (s.len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	return inet_pton(family == RTPP_FAMILY_IPV6 ? AF_INET6 : AF_INET, tmp, out) == 1 ?
		       0 : -EINVAL;
}

/*
 * The media address of U/L. As in rtpproxy, an address whose length cannot be one of
 * the stream's family is ignored (the stream goes on without one); one that has the
 * length but does not parse is an error.
 */
static int
parse_media_addr(const struct rtpp_cmd *cmd, struct rtpp_addr *a)
{
	static const uint8_t zero[16];
	int fam = cmd->mods.ipv6 ? RTPP_FAMILY_IPV6 : RTPP_FAMILY_IPV4;
	uint32_t l = cmd->addr_str.len;
	unsigned long port;

	memset(a, 0, sizeof(*a));
	if (fam == RTPP_FAMILY_IPV4 ? (l < IPV4_STR_MIN || l > IPV4_STR_MAX) :
				      (l < IPV6_STR_MIN || l > IPV6_STR_MAX))
		return 0;
	if (pton(fam, cmd->addr_str, a->addr) < 0 || parse_uint(cmd->port_str, 65535, &port) < 0) {
		memset(a, 0, sizeof(*a));
		return RTPP_E_ADDR;
	}
	a->family = (uint8_t)fam;
	a->port = (uint16_t)port;
	a->on_hold = memcmp(a->addr, zero, fam == RTPP_FAMILY_IPV6 ? 16 : 4) == 0;
	return 0;
}

/* The address of an l/r modifier: dotted IPv4, or IPv6 in brackets. Advances *i past it. */
static int
mod_addr(struct sr_slice m, uint32_t *i, struct sr_slice *out)
{
	uint32_t start = *i + 1, end;
	uint8_t tmp[16];

	if (start < m.len && m.p[start] == '[') {
		for (end = start + 1; end < m.len && (hex_val(m.p[end]) >= 0 || m.p[end] == ':');
		     end++)
			;
		if (end == m.len || m.p[end] != ']' || end == start + 1)
			return -EINVAL;
		*out = sr_slice_make(m.p + start + 1, end - start - 1);
		if (pton(RTPP_FAMILY_IPV6, *out, tmp) < 0)
			return -EINVAL;
		*i = end;
		return 0;
	}
	for (end = start; end < m.len && (is_digit(m.p[end]) || m.p[end] == '.'); end++)
		;
	if (end == start)
		return -EINVAL;
	*out = sr_slice_make(m.p + start, end - start);
	if (pton(RTPP_FAMILY_IPV4, *out, tmp) < 0)
		return -EINVAL;
	*i = end - 1;
	return 0;
}

/* U/L modifiers, rtpproxy's set and error codes. */
static int
parse_ul_mods(struct sr_slice m, struct rtpp_mods *mods)
{
	for (uint32_t i = 0; i < m.len; i++) {
		char c = lower(m.p[i]);
		unsigned long v;
		uint32_t j;

		switch (c) {
		case 'a':
			mods->asymmetric = 1;
			break;
		case 's':
			mods->asymmetric = 0;
			break;
		case 'w':
			mods->weak = 1;
			break;
		case '6':
			mods->ipv6 = 1;
			break;
		case 'n':
			mods->new_port = 1;
			break;
		case 'i':
		case 'e':
			if (mods->ndir == 2)
				return c == 'i' ? RTPP_E_IMOD_UL : RTPP_E_EMOD;
			mods->dir[mods->ndir++] = c;
			break;
		case 'z':
			for (j = i + 1; j < m.len && is_digit(m.p[j]); j++)
				;
			if (parse_uint(sr_slice_make(m.p + i + 1, j - i - 1), 999, &v) < 0 || v == 0)
				return RTPP_E_PTIME;
			mods->ptime = (unsigned int)v;
			i = j - 1;
			break;
		case 'c':
			for (j = i + 1; j < m.len && (is_digit(m.p[j]) || m.p[j] == ','); j++)
				;
			if (j == i + 1 || mods->codecs.p != NULL)
				return RTPP_E_CODECS;
			mods->codecs = sr_slice_make(m.p + i + 1, j - i - 1);
			i = j - 1;
			break;
		case 'l':
			if (mod_addr(m, &i, &mods->local_addr) < 0)
				return RTPP_E_LADDR;
			break;
		case 'r':
			if (mod_addr(m, &i, &mods->remote_addr) < 0)
				return RTPP_E_RADDR;
			break;
		default:
			return RTPP_E_UMOD;
		}
	}
	return 0;
}

/* rtpproxy's url_unquote: %XX escapes; a broken one (or %00) is an error. */
static int
unquote(struct sr_slice s, char *out, size_t size)
{
	size_t n = 0;

	for (uint32_t i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= s.len)
				return RTPP_E_NOTIFY_TAG;
			hi = hex_val(s.p[i + 1]);
			lo = hex_val(s.p[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return RTPP_E_NOTIFY_TAG;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n + 1 >= size)
			return RTPP_E_NOTIFY_TAG;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_counters(const struct words *w, struct rtpp_cmd *cmd)
{
	for (unsigned int i = 4; i < w->n; i++) {
		int c;

		for (c = 0; c < RTPP_CTR_MAX; c++)
			if (sr_slice_eq(w->w[i], rtpp_counter_name((enum rtpp_counter)c)))
				break;
		if (c == RTPP_CTR_MAX)
			return RTPP_E_QRYFAIL;
		cmd->counters[cmd->n_counters++] = (enum rtpp_counter)c;
	}
	return 0;
}

/* Command letter -> op and what it takes; -1 for a command siprelay does not know. */
static int
props_of(const struct words *w, struct rtpp_cmd *cmd, struct cmd_props *p,
	 struct sr_slice *mods)
{
	struct sr_slice verb = w->w[0];

	*mods = sr_slice_make(verb.p + 1, verb.len - 1);
	memset(p, 0, sizeof(*p));
	switch (lower(verb.p[0])) {
	case 'u':
		cmd->op = RTPP_OP_UPDATE;
		*p = (struct cmd_props){ 5, 8, 1, 4, 5 };
		break;
	case 'l':
		cmd->op = RTPP_OP_LOOKUP;
		*p = (struct cmd_props){ 5, 6, 1, 4, 5 };
		break;
	case 'd':
		cmd->op = RTPP_OP_DELETE;
		*p = (struct cmd_props){ 3, 4, 1, 2, 3 };
		break;
	case 'q':
		cmd->op = RTPP_OP_QUERY;
		*p = (struct cmd_props){ 3, 4 + RTPP_QUERY_MAX, 1, 2, 3 };
		break;
	case 'v':
		if (mods->len > 0 && lower(mods->p[0]) == 'f') {
			cmd->op = RTPP_OP_VERSION_FEATURE;
			*p = (struct cmd_props){ 2, 2, 0, 0, 0 };
			mods->p++;
			mods->len--;
		} else {
			cmd->op = RTPP_OP_VERSION;
			*p = (struct cmd_props){ 1, 1, 0, 0, 0 };
		}
		break;
	case 'i':
		cmd->op = RTPP_OP_INFO;
		*p = (struct cmd_props){ 1, 1, 1, 0, 0 };
		break;
	case 'x':
		cmd->op = RTPP_OP_DELETE_ALL;
		*p = (struct cmd_props){ 1, 1, 0, 0, 0 };
		break;
	default:
		/* P, S, R, C, N, G (play, record, copy, stats) are not siprelay's */
		return -1;
	}
	return 0;
}

static int
parse_simple_mods(struct rtpp_cmd *cmd, struct sr_slice m)
{
	for (uint32_t i = 0; i < m.len; i++) {
		char c = lower(m.p[i]);

		switch (cmd->op) {
		case RTPP_OP_DELETE:
			if (c != 'w')
				return RTPP_E_DMOD;
			cmd->weak = 1;
			break;
		case RTPP_OP_QUERY:
			if (c != 'v')
				return RTPP_E_QMOD;
			cmd->verbose = 1;
			break;
		default: /* RTPP_OP_INFO */
			if (c != 'b')
				return RTPP_E_IMOD;
			cmd->brief = 1;
			break;
		}
	}
	return 0;
}

/* U's optional words after the from tag: [to_tag] [notify_sock notify_tag] */
static int
parse_update_tail(const struct words *w, struct rtpp_cmd *cmd)
{
	unsigned int sock_at;

	if (w->n < 7)
		return 0;
	if (w->n == 7) {
		/* rtpproxy reads 7 words as a notify pair without a to tag */
		cmd->has_to = 0;
		memset(&cmd->to, 0, sizeof(cmd->to));
		sock_at = 5;
	} else {
		sock_at = 6;
	}
	cmd->notify_sock = w->w[sock_at];
	cmd->has_notify = 1;
	return unquote(w->w[sock_at + 1], cmd->notify_tag, sizeof(cmd->notify_tag));
}

#define UNKNOWN_CMD (-2) /* E0: the code 0 cannot travel as an error return */

static int
parse(const char *buf, size_t len, struct rtpp_cmd *cmd)
{
	struct cmd_props p;
	struct sr_slice mods;
	struct words w;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	ret = split(buf, len, &w);
	if (ret != 0)
		return ret;
	if (w.n == 0)
		return RTPP_E_SYNTAX;
	if (props_of(&w, cmd, &p, &mods) < 0)
		return UNKNOWN_CMD;
	if (w.n < p.min_words || w.n > p.max_words)
		return RTPP_E_NARGS;
	if (!p.takes_mods && mods.len > 0)
		return RTPP_E_MODS;
	if (p.from_at != 0) {
		cmd->call_id = w.w[1];
		parse_tag(w.w[p.from_at], &cmd->from);
		if ((unsigned int)p.to_at < w.n) {
			parse_tag(w.w[p.to_at], &cmd->to);
			cmd->has_to = 1;
		}
	}
	switch (cmd->op) {
	case RTPP_OP_UPDATE:
	case RTPP_OP_LOOKUP:
		ret = parse_ul_mods(mods, &cmd->mods);
		if (ret == 0 && cmd->op == RTPP_OP_UPDATE)
			ret = parse_update_tail(&w, cmd);
		if (ret != 0)
			return ret;
		cmd->addr_str = w.w[2];
		cmd->port_str = w.w[3];
		return parse_media_addr(cmd, &cmd->addr);
	case RTPP_OP_VERSION_FEATURE:
		cmd->feature = w.w[1];
		return 0;
	case RTPP_OP_QUERY:
		ret = parse_simple_mods(cmd, mods);
		return ret != 0 ? ret : parse_counters(&w, cmd);
	case RTPP_OP_DELETE:
	case RTPP_OP_INFO:
		return parse_simple_mods(cmd, mods);
	default:
		return 0;
	}
}

int
rtpp_cmd_parse(const char *buf, size_t len, struct rtpp_cmd *cmd)
{
	int ret = parse(buf, len, cmd);

	if (ret == 0)
		return 0;
	cmd->error = ret == UNKNOWN_CMD ? RTPP_E_CMDUNKN : ret;
	return -1;
}

int
rtpp_split_cookie(const char *buf, size_t len, struct sr_slice *cookie, struct sr_slice *rest)
{
	size_t i = 0, start;

	while (i < len && is_sep(buf[i]))
		i++;
	if (i == len)
		return -1;
	start = i;
	while (i < len && !is_sep(buf[i]))
		i++;
	*cookie = sr_slice_make(buf + start, i - start);
	while (i < len && is_sep(buf[i]))
		i++;
	*rest = sr_slice_make(buf + i, len - i);
	return 0;
}

int
rtpp_feature_supported(struct sr_slice date, int notify)
{
	/* rtpproxy's capability dates that siprelay implements: basic protocol, several
	 * streams per call, VF itself, Q statistics, codecs in U/L (accepted) */
	static const char *const supported[] = { "20040107", "20050322", "20060704",
						 "20080403", "20081102" };

	if (sr_slice_eq(date, "20081224"))
		return notify ? 1 : 0;
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (sr_slice_eq(date, supported[i]))
			return 1;
	return 0;
}

int
rtpp_notify_name_matches(struct sr_slice name, const char *allowed)
{
	if (sr_slice_eq(name, allowed))
		return 1;
	/* rtpproxy 1.x/2.0 took bare paths for unix: targets */
	return memchr(name.p, ':', name.len) == NULL && strncmp(allowed, "unix:", 5) == 0 &&
	       sr_slice_eq(name, allowed + 5);
}

static int
done(int n, size_t size)
{
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int
rtpp_fmt_error(char *out, size_t size, int ecode)
{
	return done(snprintf(out, size, "E%d\n", ecode), size);
}

int
rtpp_fmt_number(char *out, size_t size, long long n)
{
	return done(snprintf(out, size, "%lld\n", n), size);
}

int
rtpp_fmt_port(char *out, size_t size, uint16_t port, const struct rtpp_addr *a)
{
	char ip[INET6_ADDRSTRLEN];

	if (a == NULL || a->family == 0)
		return done(snprintf(out, size, "%u\n", port), size);
	if (inet_ntop(a->family == RTPP_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->addr, ip,
		      sizeof(ip)) == NULL)
		return -EINVAL;
	return done(snprintf(out, size, "%u %s%s\n", port, ip,
			     a->family == RTPP_FAMILY_IPV6 ? " 6" : ""), size);
}

static const char *const counter_names[RTPP_CTR_MAX] = {
	"ttl", "npkts_ina", "npkts_ino", "nrelayed", "ndropped", "rtpa_nrcvd", "rtpa_nlost",
};

const char *
rtpp_counter_name(enum rtpp_counter c)
{
	return (unsigned int)c < RTPP_CTR_MAX ? counter_names[c] : "";
}

static long long
counter_value(const struct rtpp_query_vals *v, enum rtpp_counter c)
{
	switch (c) {
	case RTPP_CTR_TTL: return v->ttl;
	case RTPP_CTR_NPKTS_INA: return (long long)v->npkts_ina;
	case RTPP_CTR_NPKTS_INO: return (long long)v->npkts_ino;
	case RTPP_CTR_NRELAYED: return (long long)v->nrelayed;
	case RTPP_CTR_NDROPPED: return (long long)v->ndropped;
	case RTPP_CTR_RTPA_NRCVD: return (long long)v->rtpa_nrcvd;
	default: return (long long)v->rtpa_nlost;
	}
}

int
rtpp_fmt_query(char *out, size_t size, const struct rtpp_cmd *cmd,
	       const struct rtpp_query_vals *v)
{
	static const enum rtpp_counter simple[] = { RTPP_CTR_TTL, RTPP_CTR_NPKTS_INA,
						    RTPP_CTR_NPKTS_INO, RTPP_CTR_NRELAYED,
						    RTPP_CTR_NDROPPED };
	const enum rtpp_counter *list = cmd->n_counters ? cmd->counters : simple;
	unsigned int n = cmd->n_counters ? cmd->n_counters : 5;
	size_t at = 0;

	for (unsigned int i = 0; i < n; i++) {
		int w = snprintf(out + at, size - at, "%s%s%s%lld", i ? " " : "",
				 cmd->verbose ? rtpp_counter_name(list[i]) : "",
				 cmd->verbose ? "=" : "", counter_value(v, list[i]));

		if (w < 0 || (size_t)w >= size - at)
			return -ENOSPC;
		at += (size_t)w;
	}
	if (at + 2 > size)
		return -ENOSPC;
	out[at++] = '\n';
	out[at] = '\0';
	return (int)at;
}

int
rtpp_fmt_info(char *out, size_t size, const struct rtpp_info_vals *v)
{
	return done(snprintf(out, size,
			     "sessions created: %llu\nactive sessions: %u\nactive streams: %u\n"
			     "packets received: %llu\npackets transmitted: %llu\n",
			     (unsigned long long)v->sessions_created, v->active_sessions,
			     v->active_streams, (unsigned long long)v->packets_received,
			     (unsigned long long)v->packets_transmitted),
		    size);
}
