/* Fuzz target: the stateless SIP proxy with media anchoring, fed a sequence of datagrams
 * through one instance with the fake data plane (tests/sipproxy/fake_media.c).
 *
 * The input is records separated by "\n%%\n". The first byte of a record says what it is:
 *   'A' a datagram from the caller side (198.18.1.2:5060, access interface),
 *   'N' the same from behind a NAT (198.18.1.2:40000),
 *   'C' a datagram from the core side (198.18.2.2:5060),
 *   'R' a response to the last request the relay forwarded: the record gives its status
 *       line and any further header lines and body; Via, From, To (tagged), Call-ID, CSeq
 *       and Record-Route are copied from that request, as a UAS would,
 *   'T' a minute passes and the timers run (sessions, bindings, keepalives).
 * Every record also moves the clock 50 ms. The configuration (CPS limit, table size,
 * port limit, exhaustion policy) comes from a hash of the input.
 * Beyond "no crash": the fake data plane never sees a port released twice or a stream
 * on a port the proxy does not hold, every forwarded message parses again, and once
 * the proxy is destroyed no port or stream is left. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/sip.h>
#include <siprelay/sip_proxy.h>

#include "../sipproxy/fake_media.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static struct fake_media fm;
static struct sr_sip_msg msg;
static char out_buf[SR_PROXY_DGRAM_MAX];
static char last_req[SR_PROXY_DGRAM_MAX];
static size_t last_req_len;
static char resp[2 * SR_PROXY_DGRAM_MAX];

static struct relay_ep ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct relay_ep e;

	memset(&e, 0, sizeof(e));
	e.family = RELAY_FAMILY_IPV4;
	e.port = port;
	e.addr[0] = a;
	e.addr[1] = b;
	e.addr[2] = c;
	e.addr[3] = d;
	return e;
}

static void config(struct sr_proxy_config *c, uint64_t h)
{
	sr_proxy_config_init(c);
	c->n_ifaces = 2;
	c->iface[0].index = 0;
	c->iface[0].role = SR_PROXY_ACCESS;
	c->iface[0].sip = ep4(198, 18, 1, 1, 5060);
	strcpy(c->iface[0].media_addr, "198.18.1.1");
	c->iface[1].index = 1;
	c->iface[1].role = SR_PROXY_CORE;
	c->iface[1].sip = ep4(198, 18, 2, 1, 5060);
	strcpy(c->iface[1].media_addr, (h & 1) ? "2001:db8::1" : "198.18.2.1");
	c->upstream = ep4(198, 18, 2, 2, 5060);
	c->cps_limit = (h & 2) ? 3 : 0;
	c->max_sessions = (h & 4) ? 2 : 64;
	c->on_exhaustion = (h & 8) ? SR_PROXY_EXHAUST_BYPASS : SR_PROXY_EXHAUST_REFUSE;
	c->record_route = !(h & 16);
	c->force_rport = (h & 32) != 0;
	c->half_open_us = 30ULL * 1000000;
	strcpy(c->server, "siprelay-fuzz");
	/* registrations: a table of 1 (always full soon) or 8, each keepalive kind */
	c->max_bindings = (h & 128) ? 1 : 8;
	c->keepalive = (uint8_t)((h >> 8) % 3);
	c->keepalive_interval_s = 20;
	c->keepalive_max_missed = 2;
}

static void put(size_t *n, const char *p, size_t len)
{
	if (*n + len <= sizeof(resp)) {
		memcpy(resp + *n, p, len);
		*n += len;
	}
}

/* A response to the last forwarded request: status line from the record, the dialog
 * fields of the request, then the record's remaining lines. */
static size_t build_response(const char *rec, size_t len)
{
	const char *nl = memchr(rec, '\n', len);
	size_t n = 0, first = nl ? (size_t)(nl - rec) + 1 : len;

	if (last_req_len == 0 || sr_sip_parse(&msg, last_req, last_req_len, NULL) < 0)
		return 0;
	put(&n, rec, first);
	for (unsigned i = 0; i < msg.n_hdrs; i++) {
		const struct sr_sip_hdr *h = &msg.hdrs[i];

		switch (h->type) {
		case SR_H_VIA:
		case SR_H_FROM:
		case SR_H_CALL_ID:
		case SR_H_CSEQ:
		case SR_H_RECORD_ROUTE:
			put(&n, msg.buf + h->off, h->len);
			break;
		case SR_H_TO:
			put(&n, "To: ", 4);
			put(&n, h->value.p, h->value.len);
			if (msg.to_tag.len == 0)
				put(&n, ";tag=fz1", 8);
			put(&n, "\r\n", 2);
			break;
		default:
			break;
		}
	}
	put(&n, rec + first, len - first);
	return n;
}

static bool is_response(const char *d, size_t len)
{
	while (len > 0 && (*d == '\r' || *d == '\n')) {
		d++;
		len--;
	}
	return len >= 4 && memcmp(d, "SIP/", 4) == 0;
}

static void feed(struct sr_proxy *p, uint8_t iface, struct relay_ep src, const char *d, size_t len,
		 uint64_t now)
{
	bool request = !is_response(d, len);

	struct sr_proxy_pkt in = { .iface = iface, .src = src, .data = d, .len = (uint32_t)len };
	struct sr_proxy_out out = { .buf = out_buf, .cap = sizeof(out_buf) };
	unsigned n = sr_proxy_input(p, &in, &out, 1, now);

	CHECK(n <= 1);
	CHECK(fm.errors == 0);
	CHECK(sr_proxy_session_count(p) <= 64);
	if (n == 0)
		return;
	CHECK(out.len > 0 && out.len <= out.cap);
	CHECK(out.iface <= 1);
	if (request && out.len >= 8 && memcmp(out.buf, "SIP/2.0 ", 8) == 0)
		return; /* the relay's own answer: it copies the request's defects on purpose */
	/* forwarded: it passed the checks, the edits must keep it a valid message */
	CHECK(sr_sip_parse(&msg, out.buf, out.len, NULL) == 0);
	/* Max-Forwards 1 leaves as 0: legal, the next hop answers 483 */
	CHECK(sr_sip_check(&msg, NULL) == 0 || msg.err.status == 483);
	if (msg.kind == SR_SIP_REQUEST) {
		memcpy(last_req, out.buf, out.len);
		last_req_len = out.len;
	}
}

/* Binding expiry and keepalives: an OPTIONS the relay writes must be a valid request. */
static void reg_tick(struct sr_proxy *p, uint64_t now)
{
	struct sr_proxy_out out[2] = { { .buf = out_buf, .cap = sizeof(out_buf) },
				       { .buf = resp, .cap = sizeof(resp) } };
	unsigned n = sr_proxy_reg_tick(p, out, 2, now);

	CHECK(n <= 2);
	for (unsigned i = 0; i < n; i++) {
		CHECK(out[i].len > 0 && out[i].len <= out[i].cap && out[i].iface == 0);
		if (out[i].len == 4 && memcmp(out[i].buf, "\r\n\r\n", 4) == 0)
			continue;
		CHECK(sr_sip_parse(&msg, out[i].buf, out[i].len, NULL) == 0);
		CHECK(sr_sip_check(&msg, NULL) == 0 && msg.method == SR_M_OPTIONS);
	}
	CHECK(sr_proxy_binding_count(p) <= 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *end = in + size;
	struct sr_proxy_config cfg;
	struct sr_proxy *p;
	uint64_t h = 0xcbf29ce484222325ULL, now = 1000000;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	config(&cfg, h);
	fake_media_init(&fm);
	fm.port_limit = (h & 64) ? 5 : 0;
	last_req_len = 0;
	p = sr_proxy_create(&cfg, &fake_media_ops, &fm);
	CHECK(p != NULL);

	while (in < end) {
		const char *sep = NULL;

		for (const char *q = in; q + 4 <= end; q++)
			if (memcmp(q, "\n%%\n", 4) == 0) {
				sep = q;
				break;
			}
		const char *rec_end = sep ? sep + 1 : end; /* the record keeps its last LF */
		size_t len = (size_t)(rec_end - in);

		now += 50000;
		if (len > 0) {
			/* the proxy parses in place: give it an exact copy so ASan sees overreads */
			char *dgram = malloc(len);
			size_t n;

			CHECK(dgram != NULL);
			memcpy(dgram, in + 1, len - 1);
			switch (in[0]) {
			case 'A':
				feed(p, 0, ep4(198, 18, 1, 2, 5060), dgram, len - 1, now);
				break;
			case 'N':
				feed(p, 0, ep4(198, 18, 1, 2, 40000), dgram, len - 1, now);
				break;
			case 'C':
				feed(p, 1, ep4(198, 18, 2, 2, 5060), dgram, len - 1, now);
				break;
			case 'R':
				n = build_response(dgram, len - 1);
				if (n > 0) {
					char *r = malloc(n);

					CHECK(r != NULL);
					memcpy(r, resp, n);
					feed(p, 1, ep4(198, 18, 2, 2, 5060), r, n, now);
					free(r);
				}
				break;
			case 'T':
				now += 60ULL * 1000000;
				sr_proxy_tick(p, now);
				CHECK(fm.errors == 0);
				reg_tick(p, now);
				break;
			default:
				break;
			}
			free(dgram);
		}
		in = sep ? sep + 4 : end;
	}
	sr_proxy_tick(p, now + 3600ULL * 1000000);
	sr_proxy_destroy(p);
	CHECK(fm.errors == 0);
	CHECK(fm.ports_held == 0);
	CHECK(fm.streams_held == 0);
	return 0;
}
