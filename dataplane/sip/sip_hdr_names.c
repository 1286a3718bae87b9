/* Header-name and method-name tables: long and compact header names (RFC 3261 7.3.3,
 * RFC 3265, RFC 3515), matched case-insensitively; methods case-sensitively (7.1). */
#include <siprelay/sip.h>

struct hdr_name {
	const char *name;
	uint8_t len;
	uint8_t type;
};

#define H(n, t) { n, sizeof(n) - 1, t }

static const struct hdr_name hdr_names[] = {
	H("via", SR_H_VIA), H("from", SR_H_FROM), H("to", SR_H_TO),
	H("call-id", SR_H_CALL_ID), H("cseq", SR_H_CSEQ), H("max-forwards", SR_H_MAX_FORWARDS),
	H("contact", SR_H_CONTACT), H("content-length", SR_H_CONTENT_LENGTH),
	H("content-type", SR_H_CONTENT_TYPE), H("content-encoding", SR_H_CONTENT_ENCODING),
	H("subject", SR_H_SUBJECT), H("supported", SR_H_SUPPORTED), H("event", SR_H_EVENT),
	H("allow-events", SR_H_ALLOW_EVENTS), H("refer-to", SR_H_REFER_TO), H("route", SR_H_ROUTE),
	H("record-route", SR_H_RECORD_ROUTE), H("require", SR_H_REQUIRE),
	H("proxy-require", SR_H_PROXY_REQUIRE), H("expires", SR_H_EXPIRES),
	H("retry-after", SR_H_RETRY_AFTER),
};

/* Compact forms, indexed by letter. */
static const uint8_t compact[26] = {
	['c' - 'a'] = SR_H_CONTENT_TYPE, ['e' - 'a'] = SR_H_CONTENT_ENCODING,
	['f' - 'a'] = SR_H_FROM, ['i' - 'a'] = SR_H_CALL_ID, ['k' - 'a'] = SR_H_SUPPORTED,
	['l' - 'a'] = SR_H_CONTENT_LENGTH, ['m' - 'a'] = SR_H_CONTACT, ['o' - 'a'] = SR_H_EVENT,
	['r' - 'a'] = SR_H_REFER_TO, ['s' - 'a'] = SR_H_SUBJECT, ['t' - 'a'] = SR_H_TO,
	['u' - 'a'] = SR_H_ALLOW_EVENTS, ['v' - 'a'] = SR_H_VIA,
};

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

enum sr_sip_hdr_type sr_sip_hdr_type_of(const char *name, size_t len)
{
	if (len == 1) {
		char c = lower(name[0]);
		return (c >= 'a' && c <= 'z') ? (enum sr_sip_hdr_type)compact[c - 'a'] : SR_H_OTHER;
	}
	char first = lower(name[0]);
	for (size_t i = 0; i < sizeof(hdr_names) / sizeof(hdr_names[0]); i++) {
		const struct hdr_name *h = &hdr_names[i];
		if (h->len == len && h->name[0] == first && strncasecmp(h->name, name, len) == 0)
			return (enum sr_sip_hdr_type)h->type;
	}
	return SR_H_OTHER;
}

static const char *const method_names[] = {
	[SR_M_UNKNOWN] = "", [SR_M_INVITE] = "INVITE", [SR_M_ACK] = "ACK", [SR_M_BYE] = "BYE",
	[SR_M_CANCEL] = "CANCEL", [SR_M_OPTIONS] = "OPTIONS", [SR_M_REGISTER] = "REGISTER",
	[SR_M_PRACK] = "PRACK", [SR_M_UPDATE] = "UPDATE", [SR_M_INFO] = "INFO",
	[SR_M_SUBSCRIBE] = "SUBSCRIBE", [SR_M_NOTIFY] = "NOTIFY", [SR_M_REFER] = "REFER",
	[SR_M_MESSAGE] = "MESSAGE", [SR_M_PUBLISH] = "PUBLISH",
};

enum sr_sip_method sr_sip_method_of(const char *name, size_t len)
{
	for (unsigned i = 1; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strlen(method_names[i]) == len && memcmp(method_names[i], name, len) == 0)
			return (enum sr_sip_method)i;
	return SR_M_UNKNOWN;
}

const char *sr_sip_method_name(enum sr_sip_method m)
{
	return (unsigned)m < sizeof(method_names) / sizeof(method_names[0]) ? method_names[m] : "";
}

const struct sr_sip_hdr *sr_sip_find(const struct sr_sip_msg *m, const char *name)
{
	size_t len = strlen(name);
	enum sr_sip_hdr_type t = sr_sip_hdr_type_of(name, len);
	if (t != SR_H_OTHER)
		return sr_sip_first(m, t);
	for (unsigned i = 0; i < m->n_hdrs; i++) {
		const struct sr_sip_hdr *h = &m->hdrs[i];
		if (h->type == SR_H_OTHER && h->name.len == len && strncasecmp(h->name.p, name, len) == 0)
			return h;
	}
	return NULL;
}
