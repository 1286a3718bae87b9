/* Header-name and method-name tables: long and compact header names (RFC 3261 7.3.3,
 * RFC 3265, RFC 3515), matched case-insensitively; methods case-sensitively (7.1). */
#include <siprelay/sip.h>

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

/* name must be lower case. Folding with a table that lowers only A-Z keeps the compare
 * exact (no other octet can pass for a letter or '-'), so a match is also a valid token. */
static bool name_is(const char *s, const char *name, size_t len)
{
	static const uint8_t fold[256] = {
#define F(c) [c] = c
		F('-'),
		F('a'), F('b'), F('c'), F('d'), F('e'), F('f'), F('g'), F('h'), F('i'), F('j'), F('k'), F('l'), F('m'),
		F('n'), F('o'), F('p'), F('q'), F('r'), F('s'), F('t'), F('u'), F('v'), F('w'), F('x'), F('y'), F('z'),
#undef F
#define U(c) [c - 32] = c
		U('a'), U('b'), U('c'), U('d'), U('e'), U('f'), U('g'), U('h'), U('i'), U('j'), U('k'), U('l'), U('m'),
		U('n'), U('o'), U('p'), U('q'), U('r'), U('s'), U('t'), U('u'), U('v'), U('w'), U('x'), U('y'), U('z'),
#undef U
	};
	for (size_t i = 0; i < len; i++)
		if (fold[(uint8_t)s[i]] != (uint8_t)name[i])
			return false;
	return true;
}

#define IS(lit, t) (name_is(name, lit, sizeof(lit) - 1) ? (t) : SR_H_OTHER)

/* Called for every header field of every message: dispatch on length and first letter,
 * then compare one candidate. */
enum sr_sip_hdr_type sr_sip_hdr_type_of(const char *name, size_t len)
{
	char first = lower(name[0]);
	if (len == 1)
		return (first >= 'a' && first <= 'z') ? (enum sr_sip_hdr_type)compact[first - 'a'] : SR_H_OTHER;
	switch (len) {
	case 2:
		return IS("to", SR_H_TO);
	case 3:
		return IS("via", SR_H_VIA);
	case 4:
		return first == 'f' ? IS("from", SR_H_FROM) : IS("cseq", SR_H_CSEQ);
	case 5:
		return first == 'r' ? IS("route", SR_H_ROUTE) : IS("event", SR_H_EVENT);
	case 7:
		switch (first) {
		case 'c':
			return name_is(name, "call-id", 7) ? SR_H_CALL_ID : IS("contact", SR_H_CONTACT);
		case 's':
			return IS("subject", SR_H_SUBJECT);
		case 'r':
			return IS("require", SR_H_REQUIRE);
		case 'e':
			return IS("expires", SR_H_EXPIRES);
		}
		return SR_H_OTHER;
	case 8:
		return IS("refer-to", SR_H_REFER_TO);
	case 9:
		return IS("supported", SR_H_SUPPORTED);
	case 11:
		return IS("retry-after", SR_H_RETRY_AFTER);
	case 12:
		switch (first) {
		case 'm':
			return IS("max-forwards", SR_H_MAX_FORWARDS);
		case 'c':
			return IS("content-type", SR_H_CONTENT_TYPE);
		case 'r':
			return IS("record-route", SR_H_RECORD_ROUTE);
		case 'a':
			return IS("allow-events", SR_H_ALLOW_EVENTS);
		}
		return SR_H_OTHER;
	case 13:
		return IS("proxy-require", SR_H_PROXY_REQUIRE);
	case 14:
		return IS("content-length", SR_H_CONTENT_LENGTH);
	case 16:
		return IS("content-encoding", SR_H_CONTENT_ENCODING);
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
