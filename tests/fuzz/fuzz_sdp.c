/* SDP parse + rewrite fuzz target. The whole input is the body (so the seed corpus is
 * plain SDP); rewrite options come from a hash of it. Beyond "no crash, no read outside
 * the input", it checks the engine's promises: slices stay inside the body, sections tile
 * it, a rewrite never runs out of a generously sized buffer, fails with -ENOSPC one byte
 * short, and reparses with every stream where the relay said (or untouched where asked). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/sdp.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char *const relay_addrs[] = {
	"198.18.1.1",
	"198.18.2.1",
	"2001:db8::1",
	"0000:0000:0000:0000:0000:ffff:192.168.100.200",
};

static void check_slice(const struct sr_sdp *s, struct sr_slice sl)
{
	if (sl.p == NULL)
		return;
	CHECK(sl.p >= s->buf && sl.p + sl.len <= s->buf + s->len);
}

static void check_conn(const struct sr_sdp *s, const struct sr_sdp_conn *c)
{
	if (c->af == SR_SDP_AF_NONE)
		return;
	CHECK(c->af == SR_SDP_IP4 || c->af == SR_SDP_IP6);
	CHECK(c->addr.len > 0);
	check_slice(s, c->value);
	check_slice(s, c->addr);
}

static void check_parsed(const struct sr_sdp *s)
{
	CHECK(s->n_media <= SR_SDP_MAX_MEDIA);
	check_slice(s, s->origin.value);
	check_slice(s, s->origin.sess_version);
	CHECK(s->origin.sess_version.len > 0);
	check_conn(s, &s->conn);
	CHECK(s->sess_end <= s->len);

	uint32_t at = s->sess_end;
	for (unsigned i = 0; i < s->n_media; i++) {
		const struct sr_sdp_media *m = &s->media[i];
		struct sr_sdp_rtcp r;

		CHECK(m->off == at && m->end > m->off && m->end <= s->len);
		CHECK(s->buf[m->off] == 'm');
		at = m->end;
		check_slice(s, m->type);
		check_slice(s, m->port_str);
		check_slice(s, m->proto);
		check_slice(s, m->fmts);
		check_conn(s, &m->conn);
		check_conn(s, &m->rtcp_conn);
		CHECK(m->port_count >= 1);
		CHECK(m->dir <= SR_SDP_INACTIVE);
		CHECK(sr_sdp_media_disabled(s, i) || sr_sdp_media_conn(s, i) != NULL);
		sr_sdp_media_rtcp(s, i, &r);
		CHECK(r.port == (r.mux ? m->port : r.demux_port));
		CHECK(sr_sdp_dir_name(sr_sdp_media_dir(s, i)) != NULL);
		(void)sr_sdp_media_on_hold(s, i);
	}
	CHECK(at == (s->n_media ? s->len : s->sess_end));
}

static bool version_is_bumped(struct sr_slice a, struct sr_slice b)
{
	/* b == a + 1: same length unless a is all nines. */
	uint32_t k = a.len;

	while (k > 0 && a.p[k - 1] == '9')
		k--;
	if (k == 0) {
		if (b.len != a.len + 1 || b.p[0] != '1')
			return false;
		for (uint32_t i = 1; i < b.len; i++)
			if (b.p[i] != '0')
				return false;
		return true;
	}
	if (b.len != a.len || memcmp(a.p, b.p, k - 1) != 0 || b.p[k - 1] != a.p[k - 1] + 1)
		return false;
	for (uint32_t i = k; i < b.len; i++)
		if (b.p[i] != '0')
			return false;
	return true;
}

static bool slice_eq(struct sr_slice a, struct sr_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void check_rewritten(const struct sr_sdp *s, const struct sr_sdp *o, const struct sr_sdp_relay *relay,
			    unsigned n_relay, unsigned flags)
{
	CHECK(o->n_media == s->n_media);
	CHECK(version_is_bumped(s->origin.sess_version, o->origin.sess_version));
	if (flags & SR_SDP_RW_STRIP_ICE)
		CHECK(!o->ice_ufrag && !o->ice_pwd && !o->ice_lite);

	for (unsigned i = 0; i < s->n_media; i++) {
		const struct sr_sdp_media *a = &s->media[i], *b = &o->media[i];
		const struct sr_sdp_conn *ca = sr_sdp_media_conn(s, i), *cb = sr_sdp_media_conn(o, i);
		bool rewritten = i < n_relay && !relay[i].keep && a->port != 0;

		CHECK(slice_eq(a->type, b->type) && slice_eq(a->proto, b->proto) && slice_eq(a->fmts, b->fmts));
		CHECK(a->port_count == b->port_count);
		CHECK(sr_sdp_media_dir(s, i) == sr_sdp_media_dir(o, i));
		CHECK(a->rtcp_mux == b->rtcp_mux);
		if (!rewritten) {
			CHECK(a->port == b->port);
			CHECK(a->n_candidates == b->n_candidates);
			if (a->port != 0) /* disabled streams may lose a session address */
				CHECK(ca != NULL && cb != NULL && slice_eq(ca->addr, cb->addr));
			continue;
		}
		const struct sr_sdp_relay *r = &relay[i];
		struct sr_sdp_rtcp rt;

		CHECK(b->port == r->rtp_port);
		CHECK(cb != NULL);
		if (ca->unspec) {
			CHECK(cb->unspec);
		} else {
			CHECK(cb->af == r->af && sr_slice_eq(cb->addr, r->addr));
		}
		sr_sdp_media_rtcp(o, i, &rt);
		if (r->rtcp_mux)
			CHECK(!a->has_rtcp || b->rtcp_port == r->rtp_port);
		else
			CHECK(rt.demux_port == r->rtcp_port);
		if (flags & SR_SDP_RW_STRIP_ICE)
			CHECK(b->n_candidates == 0 && !b->ice_ufrag && !b->ice_pwd);
		else
			CHECK(a->n_candidates == b->n_candidates);
	}
}

/* The ICE attribute names, spelled out again here rather than shared with the engine,
 * so that a mistake in one place shows up as a mismatch. */
static bool is_ice_line(const char *p, size_t n, const char *end)
{
	static const char *const names[] = {
		"candidate", "remote-candidates", "end-of-candidates", "ice-ufrag", "ice-pwd",
		"ice-options", "ice-lite", "ice-mismatch", "ice-pacing",
	};
	const char *e = p + n;

	/* The line ending is LF, CRLF, or a CR that ends the body; then blanks. */
	if (e > p && e[-1] == '\n') {
		e--;
		if (e > p && e[-1] == '\r')
			e--;
	} else if (e == end && e > p && e[-1] == '\r') {
		e--;
	}
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e - p < 2 || p[0] != 'a' || p[1] != '=')
		return false;
	p += 2;
	n = (size_t)(e - p);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t k = strlen(names[i]);
		if (n >= k && memcmp(p, names[i], k) == 0 && (n == k || p[k] == ':'))
			return true;
	}
	return false;
}

/* Stripping ICE must give exactly the unstripped output minus its ICE lines in the
 * session part and in the rewritten streams. The two outputs take different paths
 * through the rewrite (splices only, or a line walk), so this also checks them against
 * each other. */
static void check_strip(const char *plain, size_t plain_len, const char *stripped, size_t stripped_len,
			const struct sr_sdp *s, const struct sr_sdp_relay *relay, unsigned n_relay)
{
	const char *p = plain, *end = plain + plain_len;
	size_t at = 0;
	int sect = -1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl != NULL ? nl + 1 : end;
		size_t n = (size_t)(next - p);
		bool rewritten;

		if (n >= 2 && p[0] == 'm' && p[1] == '=')
			sect++;
		rewritten = sect < 0 || ((unsigned)sect < n_relay && !relay[sect].keep && s->media[sect].port != 0);
		if (!(rewritten && is_ice_line(p, n, end))) {
			CHECK(at + n <= stripped_len && memcmp(stripped + at, p, n) == 0);
			at += n;
		}
		p = next;
	}
	CHECK(at == stripped_len);
}

static uint32_t fnv1a(const uint8_t *d, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_sdp s, o;
	struct sr_sdp_relay relay[SR_SDP_MAX_MEDIA];
	int rc = sr_sdp_parse(&s, (const char *)data, size);

	if (rc < 0) {
		CHECK(s.err != NULL);
		CHECK(rc == -EINVAL || rc == -E2BIG || rc == -EMSGSIZE);
		return 0;
	}
	CHECK(rc == 0);
	check_parsed(&s);

	/* Options from the input itself, so that a crash reproduces from the file alone. */
	uint32_t h = fnv1a(data, size);
	unsigned flags = (h & 1) ? SR_SDP_RW_STRIP_ICE : 0;
	unsigned n_relay = (h >> 1) % (SR_SDP_MAX_MEDIA + 1);
	for (unsigned i = 0; i < n_relay; i++) {
		uint32_t r = (h >> ((i * 3) % 24)) ^ (i * 0x9e3779b9u);
		relay[i] = (struct sr_sdp_relay){
			.addr = relay_addrs[r & 3],
			.af = (r & 3) >= 2 ? SR_SDP_IP6 : SR_SDP_IP4,
			.rtp_port = (uint16_t)(10000 + 2 * i + (r & 0x100 ? 60000 : 0)),
			.rtcp_port = (r & 8) ? (uint16_t)(20001 + i) : (uint16_t)(10001 + 2 * i + (r & 0x100 ? 60000 : 0)),
			.rtcp_mux = (r & 0x10) != 0,
			.keep = (r & 0xe0) == 0xe0,
		};
	}

	/* Growth is bounded: each c= or a=rtcp line gains at most an IPv6 address and a
	 * port, each section at most two added lines, o= one digit. */
	size_t cap = size * 4 + 4096;
	char *out = malloc(cap);
	CHECK(out != NULL);
	ssize_t n = sr_sdp_rewrite(&s, relay, n_relay, flags, out, cap);
	CHECK(n > 0);

	rc = sr_sdp_parse(&o, out, (size_t)n);
	if (rc != 0)
		fprintf(stderr, "reparse failed: %s\n", o.err);
	CHECK(rc == 0);
	check_parsed(&o);
	check_rewritten(&s, &o, relay, n_relay, flags);

	/* One byte short must fail cleanly; the exact size must give the same bytes. */
	char *exact = malloc((size_t)n);
	CHECK(exact != NULL);
	CHECK(sr_sdp_rewrite(&s, relay, n_relay, flags, exact, (size_t)n - 1) == -ENOSPC);
	CHECK(sr_sdp_rewrite(&s, relay, n_relay, flags, exact, (size_t)n) == n);
	CHECK(memcmp(exact, out, (size_t)n) == 0);
	free(exact);

	/* The same rewrite with and without SR_SDP_RW_STRIP_ICE. */
	char *other = malloc(cap);
	CHECK(other != NULL);
	ssize_t m = sr_sdp_rewrite(&s, relay, n_relay, flags ^ SR_SDP_RW_STRIP_ICE, other, cap);
	CHECK(m > 0);
	if (flags & SR_SDP_RW_STRIP_ICE)
		check_strip(other, (size_t)m, out, (size_t)n, &s, relay, n_relay);
	else
		check_strip(out, (size_t)n, other, (size_t)m, &s, relay, n_relay);
	free(other);
	free(out);
	return 0;
}
