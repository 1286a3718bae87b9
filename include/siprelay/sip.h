/* SIP message engine (RFC 3261): zero-copy parse of one message into slices.
 *
 * sr_sip_parse() reads the start line and splits the header section into header
 * fields (compact and long names, any case, folded lines), decoding at once only what a
 * stateless proxy needs on every message: Call-ID, CSeq, From/To tags, Max-Forwards,
 * Content-Length and the top Via (every other Via value is validated too: responses
 * are routed by them). Everything else (URIs, name-addr, the other Via
 * values, parameters) is parsed on demand with the helpers below, from the slices the
 * message holds. Nothing is allocated; the message keeps pointers into the caller's
 * buffer, which must outlive it.
 *
 * sr_sip_check() then makes the semantic checks a proxy must make and names the SIP
 * response the relay answers a bad request with. */
#ifndef SIPRELAY_SIP_H
#define SIPRELAY_SIP_H

#include <siprelay/slice.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sr_sip_kind {
	SR_SIP_REQUEST = 1,
	SR_SIP_RESPONSE = 2,
};

enum sr_sip_method {
	SR_M_UNKNOWN = 0,
	SR_M_INVITE,
	SR_M_ACK,
	SR_M_BYE,
	SR_M_CANCEL,
	SR_M_OPTIONS,
	SR_M_REGISTER,
	SR_M_PRACK,
	SR_M_UPDATE,
	SR_M_INFO,
	SR_M_SUBSCRIBE,
	SR_M_NOTIFY,
	SR_M_REFER,
	SR_M_MESSAGE,
	SR_M_PUBLISH,
};

/* Header fields the engine knows by name (long or compact form). */
enum sr_sip_hdr_type {
	SR_H_OTHER = 0,
	SR_H_VIA,              /* v */
	SR_H_FROM,             /* f */
	SR_H_TO,               /* t */
	SR_H_CALL_ID,          /* i */
	SR_H_CSEQ,
	SR_H_MAX_FORWARDS,
	SR_H_CONTACT,          /* m */
	SR_H_CONTENT_LENGTH,   /* l */
	SR_H_CONTENT_TYPE,     /* c */
	SR_H_CONTENT_ENCODING, /* e */
	SR_H_SUBJECT,          /* s */
	SR_H_SUPPORTED,        /* k */
	SR_H_EVENT,            /* o */
	SR_H_ALLOW_EVENTS,     /* u */
	SR_H_REFER_TO,         /* r */
	SR_H_ROUTE,
	SR_H_RECORD_ROUTE,
	SR_H_REQUIRE,
	SR_H_PROXY_REQUIRE,
	SR_H_EXPIRES,
	SR_H_RETRY_AFTER,
	SR_H__COUNT
};

#define SR_SIP_MAX_HEADERS 96

struct sr_sip_hdr {
	struct sr_slice name;  /* as written, e.g. "v" or "VIA" */
	struct sr_slice value; /* trimmed of LWS at both ends; may hold folded line breaks */
	uint32_t off;          /* offset of the field's first byte in the message */
	uint32_t len;          /* whole field including its folded lines and final CRLF */
	uint8_t type;          /* enum sr_sip_hdr_type */
	int16_t next;          /* index of the next field of the same type, or -1 */
};

/* One via-parm (RFC 3261 20.42): "SIP/2.0/UDP host:port;params". */
struct sr_sip_via {
	struct sr_slice protocol;  /* "SIP/2.0" */
	struct sr_slice transport; /* "UDP", "TCP", ... */
	struct sr_slice host;      /* IPv6 references keep their brackets */
	uint16_t port;             /* 0 when absent */
	struct sr_slice branch;
	struct sr_slice received;
	struct sr_slice rport;     /* value; when "rport" has none: empty, p just past the name */
	struct sr_slice maddr;
	bool has_rport;
	struct sr_slice params;    /* everything after host[:port], starting at ';' */
	struct sr_slice raw;       /* the whole via-parm */
};

/* Why a message was refused: the response code the relay would send and a reason phrase
 * that names the defect (a static string). */
struct sr_sip_err {
	uint16_t status;
	const char *reason;
};

struct sr_sip_msg {
	const char *buf;
	uint32_t len;
	uint8_t kind;      /* enum sr_sip_kind */
	uint8_t method;    /* enum sr_sip_method: request method, or CSeq method of a response */

	/* start line */
	struct sr_slice method_name; /* requests */
	struct sr_slice ruri;        /* requests */
	struct sr_slice version;     /* "SIP/2.0" */
	uint16_t status;             /* responses */
	struct sr_slice reason;      /* responses */

	/* header section */
	uint16_t n_hdrs;
	int16_t first[SR_H__COUNT]; /* first field of each type, -1 if none */
	uint8_t count[SR_H__COUNT]; /* number of fields (lines) of each type */
	uint32_t hdr_end;           /* offset of the empty line that ends the headers */
	struct sr_slice body;

	/* decoded at parse time */
	struct sr_slice call_id;
	uint32_t cseq;
	uint8_t cseq_method;            /* enum sr_sip_method */
	struct sr_slice cseq_method_name;
	int16_t max_forwards;           /* -1 when absent */
	int32_t content_length;         /* -1 when absent */
	struct sr_slice from_tag;
	struct sr_slice to_tag;
	bool from_malformed;            /* From/To name-addr structure is wrong (found by parse, */
	bool to_malformed;              /* refused with 400 by sr_sip_check()) */
	uint16_t via_count;             /* via-parms across all Via fields */
	struct sr_sip_via top_via;

	struct sr_sip_err err;          /* set when parse or check fails */
	struct sr_sip_hdr hdrs[SR_SIP_MAX_HEADERS];
};

/* Size limits. 513 Message Too Large for the whole message, 413 for a body. */
struct sr_sip_limits {
	uint32_t max_message; /* bytes; default 8192 */
	uint32_t max_body;    /* bytes; default 4096 */
};

#define SR_SIP_DEFAULT_MAX_MESSAGE 8192
#define SR_SIP_DEFAULT_MAX_BODY 4096

/* Parses buf[0..len) as one SIP message received over a datagram transport (the body
 * is the rest of the datagram when Content-Length is absent). limits may be NULL.
 * Returns 0, or -1 with m->err set. On failure the fields parsed before the defect
 * remain usable, so that a response can still be built from them. */
int sr_sip_parse(struct sr_sip_msg *m, const char *buf, size_t len, const struct sr_sip_limits *limits);

/* What the proxy supports for Proxy-Require (RFC 3261 16.3 item 6). */
struct sr_sip_policy {
	const char *const *supported; /* option tags; may be NULL */
	unsigned n_supported;
};

/* Semantic checks on a parsed message: mandatory headers, CSeq method = request method,
 * SIP version (505), Request-URI scheme (416), Proxy-Require (420), Content-Length.
 * policy may be NULL. Returns 0, or -1 with m->err set. */
int sr_sip_check(struct sr_sip_msg *m, const struct sr_sip_policy *policy);

/* Header access. */
static inline const struct sr_sip_hdr *sr_sip_first(const struct sr_sip_msg *m, enum sr_sip_hdr_type t)
{
	return m->first[t] < 0 ? NULL : &m->hdrs[m->first[t]];
}

static inline const struct sr_sip_hdr *sr_sip_next(const struct sr_sip_msg *m, const struct sr_sip_hdr *h)
{
	return h->next < 0 ? NULL : &m->hdrs[h->next];
}

/* First field whose name matches (case-insensitive; long name only for unknown ones). */
const struct sr_sip_hdr *sr_sip_find(const struct sr_sip_msg *m, const char *name);

enum sr_sip_hdr_type sr_sip_hdr_type_of(const char *name, size_t len);
enum sr_sip_method sr_sip_method_of(const char *name, size_t len);
const char *sr_sip_method_name(enum sr_sip_method m);

/* ---- on-demand parsers over slices ---- */

/* Splits the next element off a comma-separated header value (Via, Contact, Route, ...),
 * ignoring commas inside quoted strings and <...>. Returns 1 with *elem set, 0 when rest
 * is exhausted, -1 on an empty element or, when the value holds a comma, an unbalanced
 * quote or bracket (without one, the element's own parser finds those). */
int sr_sip_list_next(struct sr_slice *rest, struct sr_slice *elem);

/* Looks a parameter up in ";a=b;c;d=e" (leading ';' optional, names case-insensitive,
 * LWS around '=' and ';' allowed). Returns 1 and sets *val (empty for a flag parameter),
 * 0 when absent, -1 when the parameter list is malformed. */
int sr_sip_param_get(struct sr_slice params, const char *name, struct sr_slice *val);

enum sr_uri_scheme {
	SR_URI_OTHER = 0,
	SR_URI_SIP,
	SR_URI_SIPS,
	SR_URI_TEL,
};

struct sr_sip_uri {
	uint8_t scheme;          /* enum sr_uri_scheme */
	struct sr_slice scheme_name;
	struct sr_slice user;     /* sip/sips: userinfo user part; tel: the number */
	struct sr_slice password;
	struct sr_slice host;     /* IPv6 references keep their brackets */
	uint16_t port;            /* 0 when absent */
	struct sr_slice params;   /* after the first ';' (without it) */
	struct sr_slice headers;  /* after '?' (without it) */
	bool lr;
	bool host_is_ipv6;
};

/* Parses a SIP, SIPS or tel URI (other schemes: scheme only, returns 0 with
 * scheme = SR_URI_OTHER when the rest is opaque but well-formed). Returns 0 or -1. */
int sr_sip_uri_parse(struct sr_slice s, struct sr_sip_uri *u);

/* name-addr / addr-spec with header parameters: From, To, Contact, Route, ... */
struct sr_sip_nameaddr {
	struct sr_slice display; /* quoted string (with quotes) or token sequence; may be empty */
	struct sr_slice uri;     /* inside <> for name-addr, the bare addr-spec otherwise */
	struct sr_slice params;  /* header parameters after the URI, starting at ';' */
	bool angle;              /* written as name-addr (<...>) */
	bool star;               /* Contact: * */
};

/* Parses one element (as split by sr_sip_list_next). Returns 0 or -1. */
int sr_sip_nameaddr_parse(struct sr_slice s, struct sr_sip_nameaddr *na);

/* Parses one via-parm (as split by sr_sip_list_next). Returns 0 or -1. */
int sr_sip_via_parse(struct sr_slice s, struct sr_sip_via *v);

#ifdef __cplusplus
}
#endif

#endif
