/* Responses the relay sends itself (RFC 3261 8.2.6.1, 8.2.6.2, 16.3). */
#include <errno.h>
#include <stdio.h>

#include <siprelay/sip_reply.h>

struct reason {
	uint16_t code;
	const char *phrase;
};

static const struct reason reasons[] = {
	{ 100, "Trying" }, { 180, "Ringing" }, { 181, "Call Is Being Forwarded" },
	{ 182, "Queued" }, { 183, "Session Progress" }, { 200, "OK" }, { 202, "Accepted" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Moved Temporarily" },
	{ 305, "Use Proxy" }, { 380, "Alternative Service" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" }, { 408, "Request Timeout" }, { 410, "Gone" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" }, { 421, "Extension Required" }, { 423, "Interval Too Brief" },
	{ 429, "Provide Referrer Identity" }, { 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" }, { 482, "Loop Detected" },
	{ 483, "Too Many Hops" }, { 484, "Address Incomplete" }, { 485, "Ambiguous" },
	{ 486, "Busy Here" }, { 487, "Request Terminated" }, { 488, "Not Acceptable Here" },
	{ 491, "Request Pending" }, { 493, "Undecipherable" }, { 500, "Server Internal Error" },
	{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Server Time-out" }, { 505, "Version Not Supported" },
	{ 513, "Message Too Large" }, { 580, "Precondition Failure" }, { 600, "Busy Everywhere" },
	{ 603, "Decline" }, { 604, "Does Not Exist Anywhere" }, { 606, "Not Acceptable" },
};

const char *sr_sip_reason_phrase(uint16_t status)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].phrase;
	return "Unknown";
}

/* Output cursor: appends until full, then remembers that it overflowed. */
struct out {
	char *p;
	size_t len;
	size_t cap;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_field(struct out *o, const struct sr_sip_msg *m, const struct sr_sip_hdr *h)
{
	put(o, m->buf + h->off, h->len);
	/* a field read from an LF-only message goes out with CRLF like the rest */
	if (h->len < 2 || m->buf[h->off + h->len - 2] != '\r') {
		o->len -= o->full ? 0 : 1;
		puts_(o, "\r\n");
	}
}

/* FNV-1a over Call-ID and From tag: the same request (and its retransmissions) always
 * gets the same To tag, without keeping state (RFC 3261 8.2.6.2). */
static void derive_tag(const struct sr_sip_msg *m, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const struct sr_slice parts[2] = { m->call_id, m->from_tag };
	for (int i = 0; i < 2; i++)
		for (uint32_t k = 0; k < parts[i].len; k++)
			h = (h ^ (uint8_t)parts[i].p[k]) * 0x100000001b3ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void put_to(struct out *o, const struct sr_sip_msg *m, uint16_t status, const char *to_tag)
{
	const struct sr_sip_hdr *to = sr_sip_first(m, SR_H_TO);
	if (to == NULL)
		return;
	struct sr_sip_nameaddr na;
	/* a To that does not parse is copied as it was: no tag can be placed safely */
	if (m->to_tag.len > 0 || status == 100 || sr_sip_nameaddr_parse(to->value, &na) < 0) {
		put_field(o, m, to);
		return;
	}
	char tag[17];
	if (to_tag == NULL) {
		derive_tag(m, tag);
		to_tag = tag;
	}
	puts_(o, "To: ");
	put(o, to->value.p, to->value.len);
	puts_(o, ";tag=");
	puts_(o, to_tag);
	puts_(o, "\r\n");
}

ssize_t sr_sip_reply_build(const struct sr_sip_msg *req, uint16_t status,
			   const struct sr_sip_reply_opts *opts, char *buf, size_t cap)
{
	static const struct sr_sip_reply_opts none;
	if (opts == NULL)
		opts = &none;
	if (req->kind != SR_SIP_REQUEST || sr_sip_first(req, SR_H_VIA) == NULL || status < 100 || status > 699)
		return -EINVAL;

	struct out o = { buf, 0, cap, false };
	char line[64];
	snprintf(line, sizeof(line), "SIP/2.0 %u ", status);
	puts_(&o, line);
	puts_(&o, opts->reason ? opts->reason : sr_sip_reason_phrase(status));
	puts_(&o, "\r\n");
	for (const struct sr_sip_hdr *h = sr_sip_first(req, SR_H_VIA); h; h = sr_sip_next(req, h))
		put_field(&o, req, h);
	if (sr_sip_first(req, SR_H_FROM))
		put_field(&o, req, sr_sip_first(req, SR_H_FROM));
	put_to(&o, req, status, opts->to_tag);
	if (sr_sip_first(req, SR_H_CALL_ID))
		put_field(&o, req, sr_sip_first(req, SR_H_CALL_ID));
	if (sr_sip_first(req, SR_H_CSEQ))
		put_field(&o, req, sr_sip_first(req, SR_H_CSEQ));
	if (opts->retry_after) {
		snprintf(line, sizeof(line), "Retry-After: %u\r\n", opts->retry_after);
		puts_(&o, line);
	}
	if (opts->warning) {
		puts_(&o, "Warning: ");
		puts_(&o, opts->warning);
		puts_(&o, "\r\n");
	}
	if (opts->server) {
		puts_(&o, "Server: ");
		puts_(&o, opts->server);
		puts_(&o, "\r\n");
	}
	puts_(&o, "Content-Length: 0\r\n\r\n");
	return o.full ? -ENOSPC : (ssize_t)o.len;
}
