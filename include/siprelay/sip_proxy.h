/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateless SIP proxy with media anchoring (RFC 3261 16.11, RFC 3581, RFC 3264), as the
 * data plane runs it for every UDP datagram that arrives at one of the relay's SIP ports.
 *
 * The data plane hands each datagram to sr_proxy_input() with the interface it arrived
 * on and its source; the proxy answers with zero or more datagrams to send (the forwarded
 * message, or a response of the relay's own). SDP offers and answers are rewritten so
 * that media flows through the relay; the streams are created, updated and deleted
 * through a struct of callbacks the data plane implements (struct sr_proxy_media_ops).
 *
 * Pure C: no DPDK, no allocation after sr_proxy_create(), no locking. One instance
 * serves one thread (a worker, or the service loop); it is not reentrant.
 *
 * Geometry of a call: the caller sends the initial INVITE to the relay on interface A; the
 * relay forwards it out of interface B. Each stream (m= line) gets one relay port on A
 * and one on B. leg[0] faces the caller (local = A's media address, remote = the
 * caller's SDP address), leg[1] faces the callee. SDP going out of an interface always
 * names that interface's media address and port.
 */
#ifndef SIPRELAY_SIP_PROXY_H
#define SIPRELAY_SIP_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/relay_types.h>
#include <siprelay/sdp.h>
#include <siprelay/sip.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_PROXY_MAX_IFACES 8
/* Relayed streams per session; m= lines beyond are forwarded untouched. */
#define SR_PROXY_MAX_STREAMS 8
/* The size of the output buffers the caller should provide. */
#define SR_PROXY_DGRAM_MAX 8192
#define SR_PROXY_SERVER_MAX 64

enum sr_proxy_role {
	SR_PROXY_ACCESS = 0, /* phones: requests from here go to the upstream */
	SR_PROXY_CORE = 1,   /* the PBX / carrier side: requests routed by Route or R-URI */
};

struct sr_proxy_iface {
	uint8_t index;                      /* the data plane's interface index */
	uint8_t role;                       /* enum sr_proxy_role */
	struct relay_ep sip;                /* the relay's SIP address and port here */
	char media_addr[SR_SDP_ADDR_MAX + 1]; /* the relay's media address here, as text */
};

/* What to do with an offer when the relay is out of media ports. */
enum sr_proxy_exhaust {
	SR_PROXY_EXHAUST_REFUSE = 0, /* 503 Service Unavailable with Retry-After */
	SR_PROXY_EXHAUST_BYPASS = 1, /* forward the SDP untouched: media bypasses the relay */
};

struct sr_proxy_config {
	struct sr_proxy_iface iface[SR_PROXY_MAX_IFACES];
	unsigned n_ifaces;
	struct relay_ep upstream;     /* where requests from access interfaces go */
	uint32_t cps_limit;           /* new INVITE dialogs per second; 0: unlimited */
	uint32_t cps_burst;           /* token bucket depth; 0: cps_limit */
	uint32_t max_sessions;        /* session table capacity (> 0) */
	uint8_t on_exhaustion;        /* enum sr_proxy_exhaust */
	uint32_t retry_after;         /* seconds, in 503 answers */
	uint64_t half_open_us;        /* an INVITE not answered finally within this expires */
	uint64_t session_id_base;     /* ids handed to the ops are base + 1, base + 2, ... */
	bool record_route;            /* Record-Route dialog-creating requests */
	bool strip_ice;               /* strip ICE attributes from rewritten SDP */
	bool force_rport;             /* add rport to every sender's Via (RFC 3581 client or not) */
	char server[SR_PROXY_SERVER_MAX]; /* Server header of the relay's answers; "" none */
	struct sr_sip_limits limits;  /* 0: engine defaults */
	/* registrations (sp_reg.c): REGISTER from access phones is forwarded with the
	 * relay's own Contact, bindings are kept from the registrar's 2xx answers */
	uint32_t max_bindings;        /* binding table capacity; 0: no table, REGISTER passes */
	uint8_t keepalive;            /* enum sr_proxy_keepalive, to NATed bindings */
	uint32_t keepalive_interval_s; /* between two keepalives of one binding (> 0) */
	uint32_t keepalive_max_missed; /* unanswered OPTIONS before "unreachable" (> 0) */
};

enum sr_proxy_keepalive {
	SR_PROXY_KA_OFF = 0,
	SR_PROXY_KA_CRLF = 1,    /* a CRLF CRLF datagram (RFC 5626 3.5.1 ping): never answered */
	SR_PROXY_KA_OPTIONS = 2, /* OPTIONS: an unanswered binding is reported */
};

/* Defaults: no interfaces, no CPS limit, 1024 sessions, refuse on exhaustion with
 * Retry-After 5, 60 s half-open timeout, Record-Route and ICE stripping on. */
void sr_proxy_config_init(struct sr_proxy_config *cfg);

/* One leg of a stream as the proxy knows it from signalling. */
struct sr_proxy_leg {
	uint8_t iface;             /* data plane interface index */
	struct relay_ep local;     /* relay RTP address and port; RTCP on port + 1 */
	struct relay_ep remote;    /* from SDP; family RELAY_FAMILY_NONE while unknown, an
				    * all-zero address for an RFC 2543 hold (0.0.0.0) */
	uint16_t remote_rtcp_port; /* RFC 3605 a=rtcp, else remote port + 1, or the RTP port
				    * when rtcp_mux */
	bool rtcp_mux;             /* this leg's peer offered or accepted a=rtcp-mux */
	uint8_t dir;               /* enum sr_sdp_dir the peer of this leg signalled */
	bool nat;                  /* this leg's party is behind NAT: always latch */
};

/*
 * Implemented by the data plane. Return 0 or a negative errno.
 * port_alloc: reserve an even RTP port (and port + 1) on interface iface for family;
 *   -ENOSPC (or any error) when none is left: the proxy then answers 503.
 * stream_set: create or update stream (session_id, media_index) with the two legs.
 * stream_del: delete it (ports are released separately).
 * route_iface: optional; the interface a request to dst leaves from, or a negative
 *   value for the default (the first interface of the other role).
 */
struct sr_proxy_media_ops {
	int (*port_alloc)(void *ctx, uint8_t iface, uint8_t family, uint16_t *port);
	void (*port_release)(void *ctx, uint8_t iface, uint8_t family, uint16_t port);
	int (*stream_set)(void *ctx, uint64_t session_id, uint32_t media_index,
			  const struct sr_proxy_leg leg[2]);
	void (*stream_del)(void *ctx, uint64_t session_id, uint32_t media_index);
	int (*route_iface)(void *ctx, const struct relay_ep *dst);
};

/* A received datagram. */
struct sr_proxy_pkt {
	uint8_t iface;        /* data plane interface index it arrived on */
	struct relay_ep src;  /* its source */
	const char *data;
	uint32_t len;
};

/* A datagram to send, from the interface's SIP address. The caller sets buf and cap
 * (SR_PROXY_DGRAM_MAX is always enough); the proxy sets the rest. */
struct sr_proxy_out {
	uint8_t iface;
	struct relay_ep dst;
	char *buf;
	uint32_t cap;
	uint32_t len;
};

/* Drop reasons (struct sr_proxy_stats.drop). */
enum sr_proxy_drop {
	SR_PROXY_DROP_BAD_RESPONSE,   /* response failed parse or checks */
	SR_PROXY_DROP_NOT_OURS,       /* response whose top Via is not the relay's */
	SR_PROXY_DROP_NO_VIA,         /* response with nothing below the relay's Via */
	SR_PROXY_DROP_UNROUTABLE,     /* next Via / target is not an IP literal */
	SR_PROXY_DROP_BAD_ACK,        /* invalid ACK (never answered) */
	SR_PROXY_DROP_NO_REPLY,       /* invalid request with no Via to answer to */
	SR_PROXY_DROP_EDIT,           /* edit or SDP rewrite failed, or output too small */
	SR_PROXY_DROP_IFACE,          /* unknown interface index, or no output buffer */
	SR_PROXY_DROP_TO_SELF,        /* ACK (or response) that would go to the relay itself */
	SR_PROXY_DROP_OWN_ACK,        /* ACK of a negative answer the relay sent itself */
	SR_PROXY_DROP_KIND,           /* neither request nor response (keep-alive CRLFs, junk) */
	SR_PROXY_DROP_MAX,
};

/* Codes the relay answers with itself (struct sr_proxy_stats.reply_code). */
enum sr_proxy_rc {
	SR_PROXY_RC_200, /* OPTIONS addressed to the relay */
	SR_PROXY_RC_400,
	SR_PROXY_RC_413,
	SR_PROXY_RC_416,
	SR_PROXY_RC_420,
	SR_PROXY_RC_478, /* Unresolvable destination */
	SR_PROXY_RC_482,
	SR_PROXY_RC_483,
	SR_PROXY_RC_488,
	SR_PROXY_RC_500,
	SR_PROXY_RC_503,
	SR_PROXY_RC_505,
	SR_PROXY_RC_513,
	SR_PROXY_RC_OTHER,
	SR_PROXY_RC_MAX,
};

/* Monotonic counters. */
struct sr_proxy_stats {
	uint64_t requests_in;
	uint64_t responses_in;
	uint64_t requests_fwd;
	uint64_t responses_fwd;
	uint64_t replies_class[7];   /* relay's own answers by code / 100 */
	uint64_t reply_code[SR_PROXY_RC_MAX];
	uint64_t drop[SR_PROXY_DROP_MAX];
	uint64_t sessions_created;
	uint64_t sessions_deleted;   /* all ends, expiry included */
	uint64_t sessions_expired;   /* half-open timeouts */
	uint64_t cps_refused;
	uint64_t offers;             /* SDP offers rewritten */
	uint64_t answers;            /* SDP answers rewritten */
	uint64_t sdp_untouched;      /* SDP forwarded as is (bypass, or nothing relayable) */
	uint64_t ports_exhausted;    /* port_alloc failures */
	uint64_t sessions_exhausted; /* session table full */
	uint64_t stream_set_failed;  /* stream_set returned an error */
	uint64_t registers;          /* REGISTER requests forwarded with the relay's Contact */
	uint64_t bindings_full;      /* REGISTER forwarded untouched: binding table full */
	uint64_t bindings_expired;   /* removed on their own, without a de-registration */
	uint64_t to_binding;         /* core requests sent to a registered phone's binding */
	uint64_t nat_detected;       /* messages whose sender is behind NAT */
	uint64_t keepalives_sent;
	uint64_t keepalives_answered;
};

/* One registered (or being registered) contact, as sr_proxy_bindings() lists it. */
enum sr_proxy_binding_state {
	SR_PROXY_BINDING_PENDING = 1,     /* REGISTER forwarded, no 2xx yet */
	SR_PROXY_BINDING_ACTIVE = 2,
	SR_PROXY_BINDING_UNREACHABLE = 3, /* keepalive OPTIONS unanswered */
};

#define SR_PROXY_AOR_MAX 128
#define SR_PROXY_CONTACT_MAX 160

struct sr_proxy_binding {
	uint64_t token;             /* in the relay's Contact: sip:sr-<token hex>@relay */
	uint8_t state;              /* enum sr_proxy_binding_state */
	uint8_t iface;              /* access interface the phone sends from */
	uint8_t reg_iface;          /* interface the REGISTER left from (the relay's Contact) */
	bool nat;                   /* phone behind NAT (keepalives go to it) */
	struct relay_ep source;     /* observed source address and port of the phone */
	struct relay_ep relay;      /* the relay's SIP address in its Contact */
	int64_t expires_in_ms;      /* until the registration ends (<= 0: pending) */
	uint64_t age_ms;            /* since the first REGISTER */
	uint32_t refreshes;         /* 2xx answers that renewed it */
	uint32_t ka_sent;
	uint32_t ka_answered;
	uint32_t ka_missed;         /* OPTIONS in a row without an answer */
	char aor[SR_PROXY_AOR_MAX];         /* To URI of the REGISTER */
	char contact[SR_PROXY_CONTACT_MAX]; /* the phone's own Contact URI */
};

struct sr_proxy;

/* Returns NULL with errno set: EINVAL for a bad config (no interface, a media address
 * that is not an IP literal, zero capacity), ENOMEM. ops is copied; ctx is passed back. */
struct sr_proxy *sr_proxy_create(const struct sr_proxy_config *cfg,
				 const struct sr_proxy_media_ops *ops, void *ctx);
/* Deletes every stream and releases every port through the ops, then frees. */
void sr_proxy_destroy(struct sr_proxy *p);

/* Handles one datagram. Fills out[0..n) and returns n (0: dropped or absorbed), never
 * more than n_out. now_us: a monotonic clock in microseconds (CPS bucket, timeouts). */
unsigned sr_proxy_input(struct sr_proxy *p, const struct sr_proxy_pkt *in,
			struct sr_proxy_out *out, unsigned n_out, uint64_t now_us);

/* Expires sessions whose initial INVITE got no final answer within half_open_us
 * (deleting their streams and ports). Returns how many expired. */
unsigned sr_proxy_tick(struct sr_proxy *p, uint64_t now_us);

/* Ends a session the control plane gave up on (media timeout, operator). 0 or -ENOENT. */
int sr_proxy_session_delete(struct sr_proxy *p, uint64_t session_id);

/* The settings it runs with. */
const struct sr_proxy_config *sr_proxy_config_get(const struct sr_proxy *p);
/* Applies the settings of cfg that can change while calls run: upstream, cps_limit and
 * cps_burst (a changed limit starts from a full bucket), on_exhaustion, retry_after,
 * half_open_us, record_route, strip_ice, force_rport, server, keepalive,
 * keepalive_interval_s, keepalive_max_missed. The rest of cfg is ignored.
 * -EINVAL (nothing changed) for an upstream missing while an access interface needs
 * it, or a server text with control characters. */
int sr_proxy_update(struct sr_proxy *p, const struct sr_proxy_config *cfg, uint64_t now_us);
/* The Call-ID (at most 128 bytes of it) of a session, into buf; 0 or -ENOENT. */
int sr_proxy_session_call_id(const struct sr_proxy *p, uint64_t session_id, char *buf, size_t len);
/* Up to max ids of the sessions whose Call-ID is call_id[0..len); returns how many. */
unsigned sr_proxy_sessions_of_call(const struct sr_proxy *p, const char *call_id, size_t len,
				   uint64_t *ids, unsigned max);

/* Bindings from position *cursor on, up to max of them into out; *cursor moves past
 * what was returned. Returns how many (0: no more). */
unsigned sr_proxy_bindings(const struct sr_proxy *p, uint32_t *cursor, struct sr_proxy_binding *out,
			   unsigned max, uint64_t now_us);
unsigned sr_proxy_binding_count(const struct sr_proxy *p);
/* Expires bindings and writes the keepalives that are due (CRLF or OPTIONS to the NATed
 * bindings, from the access interface's SIP address) into out[0..n_out); returns how
 * many. Call it about once a second. */
unsigned sr_proxy_reg_tick(struct sr_proxy *p, struct sr_proxy_out *out, unsigned n_out, uint64_t now_us);

unsigned sr_proxy_session_count(const struct sr_proxy *p);
const struct sr_proxy_stats *sr_proxy_stats_get(const struct sr_proxy *p);
const char *sr_proxy_drop_name(enum sr_proxy_drop d);
/* The status code of a reply_code slot (0 for SR_PROXY_RC_OTHER). */
uint16_t sr_proxy_rc_status(enum sr_proxy_rc rc);

#ifdef __cplusplus
}
#endif

#endif
