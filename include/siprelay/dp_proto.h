/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane.sock: the internal channel between siprelay-dataplane and its control
 * process (or siprelay-dpclient). SOCK_SEQPACKET, one message per packet, host byte
 * order (both ends run on the same machine), fixed-size structs with explicit widths.
 *
 * Every message starts with struct dp_hdr. A client sends DP_HELLO first; the data
 * plane answers with its version and refuses other versions. Requests carry a seq
 * echoed in the reply. Events (DP_EVENT_*) are sent to every connected client with
 * seq 0 and may arrive between a request and its reply.
 *
 * Bump DP_PROTO_VERSION on any incompatible change of these structs.
 */
#ifndef SIPRELAY_DP_PROTO_H
#define SIPRELAY_DP_PROTO_H

#include <stdint.h>

#include <siprelay/prefilter.h>

#define DP_PROTO_MAGIC 0x50445253u /* "SRDP" */
#define DP_PROTO_VERSION 3
#define DP_MSG_MAX 1024            /* largest message either side sends */

enum dp_type {
	/* requests */
	DP_HELLO = 1,          /* struct dp_hello; reply struct dp_hello */
	DP_STREAM_CREATE = 2,  /* struct dp_stream_create; reply struct dp_reply */
	DP_STREAM_UPDATE = 3,  /* struct dp_stream_update; reply struct dp_reply */
	DP_STREAM_DELETE = 4,  /* struct dp_stream_ref; reply struct dp_reply */
	DP_STREAM_QUERY = 5,   /* struct dp_stream_ref; reply struct dp_stream_info */
	DP_STREAM_LIST = 6,    /* struct dp_hdr; DP_STREAM_INFO each, then struct dp_reply */
	DP_STATS = 7,          /* struct dp_hdr; reply struct dp_stats */
	/* the source guard, limits, reload, operator session delete (version 3) */
	DP_BAN_ADD = 8,        /* struct dp_ban; reply struct dp_reply, count 1 added, 0 replaced */
	DP_BAN_DEL = 9,        /* struct dp_ban (prefix only); reply struct dp_reply */
	DP_BAN_LIST = 10,      /* struct dp_ban_list (cursor); reply struct dp_ban_list */
	DP_LIMITS = 11,        /* struct dp_limits (what: fields to set, 0 reads); same back */
	DP_RELOAD = 12,        /* struct dp_reload; reply struct dp_reload */
	DP_SESSION_DELETE = 13, /* struct dp_session; reply struct dp_session */
	DP_SESSION_FIND = 14,  /* struct dp_session; reply struct dp_session */
	/* SIP tracing for "trace start|stop" (version 3) */
	DP_TRACE_ADD = 16,     /* struct dp_trace_add; reply struct dp_reply */
	DP_TRACE_DEL = 17,     /* struct dp_trace_ref (id 0: all); reply struct dp_trace_list, removed */
	DP_TRACE_LIST = 18,    /* struct dp_hdr; reply struct dp_trace_list */
	/* signature rules and automatic bans (version 3) */
	DP_RULES_LIST = 20,    /* struct dp_rules_list (cursor); reply struct dp_rules_list */
	/* registrations through the inline SIP proxy (version 3) */
	DP_REG_LIST = 24,      /* struct dp_reg_list (cursor); reply struct dp_reg_list */
	/* replies */
	DP_REPLY = 64,
	DP_STREAM_INFO = 65,
	/* events, data plane to every client */
	DP_EVENT_CREATED = 128, /* struct dp_event */
	DP_EVENT_LATCHED = 129, /* struct dp_event: leg, comp, addr = new remote */
	DP_EVENT_DELETED = 130, /* struct dp_event */
	DP_EVENT_TRACE_FRAME = 140, /* struct dp_trace_frame, then the frame's bytes */
	DP_EVENT_TRACE_END = 141,   /* struct dp_trace_end: a trace reached its limit */
};

struct dp_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;    /* enum dp_type */
	uint32_t seq;     /* request number, echoed; 0 in events */
	int32_t status;   /* replies: 0 or -errno */
	uint32_t len;     /* length of the whole message */
	uint32_t pad;
};

#define DP_FAMILY_IPV4 4
#define DP_FAMILY_IPV6 6

struct dp_addr {
	uint8_t family;   /* DP_FAMILY_*, 0 = none */
	uint8_t pad;
	uint16_t port;    /* host order */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes, network order */
};

struct dp_hello {
	struct dp_hdr h;
	uint32_t version;   /* DP_PROTO_VERSION of the sender */
	uint32_t capacity;  /* reply: streams the table holds */
	uint32_t n_ifaces;  /* reply */
	uint32_t pad;
	char name[32];      /* sender's name, informative */
};

/* Leg flags. */
#define DP_LEG_RTCP_MUX 0x01   /* RTCP on the RTP port (RFC 5761) */
#define DP_LEG_STRICT 0x02     /* after latching drop other sources */
#define DP_LEG_NO_LATCH 0x04   /* always send to the signalled address */
#define DP_LEG_DEFAULTS 0x80   /* take STRICT/NO_LATCH from the data plane's config */
#define DP_LEG_LATCHED_RTP 0x10  /* in dp_leg_state only */
#define DP_LEG_LATCHED_RTCP 0x20 /* in dp_leg_state only */
#define DP_LEG_NAT 0x40          /* in dp_leg_state only: party behind NAT, always latched */

struct dp_leg {
	char iface[32];          /* interface name of the data plane's config */
	struct dp_addr local;    /* family required; zero addr = interface's primary
				  * address; port 0 = allocate an even port */
	struct dp_addr remote;   /* address and RTP port from SDP (family 0: unknown yet) */
	uint16_t remote_rtcp_port; /* 0 = remote.port + 1 */
	uint16_t flags;          /* DP_LEG_* */
	uint32_t clock_rate;     /* RTP clock for jitter; 0 = 8000 */
};

struct dp_stream_create {
	struct dp_hdr h;
	uint64_t session_id;     /* caller's id of the call */
	uint32_t media_index;    /* m= line */
	uint32_t pad;
	char call_id[128];       /* echoed in DP_EVENT_CREATED, not stored */
	struct dp_leg leg[2];
};

/* Which parts of an update apply (bit per leg). */
#define DP_UPDATE_REMOTE(leg) (0x1u << (leg))
#define DP_UPDATE_FLAGS(leg) (0x4u << (leg))

struct dp_stream_update {
	struct dp_hdr h;
	uint32_t handle;
	uint32_t gen;
	uint32_t what;           /* DP_UPDATE_* */
	uint32_t pad;
	struct dp_leg leg[2];    /* remote and flags of the legs selected in what */
};

struct dp_stream_ref {
	struct dp_hdr h;
	uint32_t handle;
	uint32_t gen;            /* from the create reply: a reused slot is refused */
};

struct dp_reply {
	struct dp_hdr h;
	uint32_t handle;
	uint32_t gen;
	uint64_t session_id;
	uint32_t count;          /* DP_STREAM_LIST: streams sent */
	uint32_t pad;
	struct dp_addr local[2]; /* create: the local address and port of each leg */
};

#define DP_DROP_STRICT 0
#define DP_DROP_NO_REMOTE 1
#define DP_DROP_NO_NEIGH 2
#define DP_DROP_MUX_PORT 3
#define DP_DROP_MAX 4

struct dp_leg_state {
	char iface[32];
	struct dp_addr local;
	struct dp_addr remote[2]; /* RTP, RTCP: signalled or latched */
	uint16_t flags;           /* DP_LEG_* including LATCHED_* */
	uint16_t pad;
	uint32_t clock_rate;
	uint64_t packets;         /* RTP received and accepted */
	uint64_t bytes;           /* UDP payload bytes, RTP + RTCP */
	uint64_t rtcp_packets;
	uint64_t idle_ms;         /* since the last accepted packet; UINT64_MAX = never */
	uint32_t drops[DP_DROP_MAX];
	uint32_t ssrc;
	uint32_t expected;        /* RFC 3550 A.3 */
	uint32_t received;
	int32_t lost;
	uint32_t jitter;          /* RFC 3550 A.8, RTP timestamp units */
	uint32_t pad2;
};

struct dp_stream_info {
	struct dp_hdr h;
	uint32_t handle;
	uint32_t gen;
	uint64_t session_id;
	uint32_t media_index;
	uint32_t pad;
	struct dp_leg_state leg[2];
};

#define DP_VERDICT_MAX 16

struct dp_stats {
	struct dp_hdr h;
	uint32_t n_workers;
	uint32_t streams;
	uint32_t capacity;
	uint32_t bytes_per_stream;
	uint64_t events_lost;
	uint64_t verdicts[DP_VERDICT_MAX]; /* summed over workers, see dp_verdict_names */
	/* the inline SIP proxy (all 0 when off); version 2 */
	uint32_t sip_sessions;       /* live calls */
	uint32_t sip_ports_in_use;   /* media ports held, all interfaces */
	uint64_t sip_requests_in;
	uint64_t sip_responses_in;
	uint64_t sip_requests_fwd;
	uint64_t sip_responses_fwd;
	uint64_t sip_replies;        /* answers the relay sent itself (4xx/5xx, OPTIONS 200) */
	uint64_t sip_cps_refused;    /* 500 Call placing quota exceeded */
	uint64_t sip_dropped;        /* messages dropped (malformed responses, unroutable...) */
	uint64_t sip_sessions_created;
	uint64_t sip_sessions_deleted;
	/* the source guard (sip_guard.c); version 3 */
	uint64_t sip_banned;         /* SIP datagrams from banned sources, dropped */
	uint64_t sip_rate_limited;   /* SIP requests over their source's rate, dropped */
	uint32_t bans;               /* bans in the table now */
	uint32_t sources;            /* sources with a request bucket now */
	/* the software prefilter on ports without XDP, by enum pf_verdict (prefilter.h) */
	uint64_t prefilter_sw[PF_V_MAX];
};

/* Names of dp_stats.verdicts[i], in order; "" past the last. */
#define DP_VERDICT_NAMES { "fwd_rtp", "fwd_rtcp", "service", "sip", "drop_no_session", \
	"drop_malformed", "drop_not_local", "drop_strict_source", "drop_no_remote", \
	"drop_no_neighbour", "drop_mux_port", "drop_service_full", "drop_tx", "drop_prefilter" }

struct dp_event {
	struct dp_hdr h;
	uint32_t handle;
	uint32_t gen;
	uint64_t session_id;
	uint32_t media_index;
	uint8_t leg;              /* LATCHED: 0 or 1 */
	uint8_t comp;             /* LATCHED: 0 RTP, 1 RTCP */
	uint16_t pad;
	struct dp_addr addr;      /* LATCHED: the new remote */
	char call_id[128];        /* CREATED: as given in the create request */
};


/*
 * Bans. Addresses of both families travel in the 16-byte form of the guard tables
 * (include/siprelay/guard.h): IPv6 as is, IPv4 as ::ffff:a.b.c.d with the prefix length
 * plus 96. The data plane keeps the bans (a restarted control process finds them) and
 * removes each when its TTL runs out.
 */
#define DP_BAN_REASON_MAX 64

struct dp_ban_entry {
	uint32_t len;             /* prefix length 0..128 over addr */
	uint8_t addr[16];
	uint32_t ttl_s;           /* add: seconds, 0 = permanent */
	int64_t remaining_ms;     /* list: until it expires, -1 = permanent */
	uint64_t age_ms;          /* list: since it was added */
	uint64_t hits;            /* list: SIP datagrams it dropped */
	char reason[DP_BAN_REASON_MAX];
};

struct dp_ban {
	struct dp_hdr h;
	struct dp_ban_entry b;
};

#define DP_BAN_LIST_MAX 6 /* entries per message */

struct dp_ban_list {
	struct dp_hdr h;
	uint32_t cursor;          /* request: first position; reply: next one to ask for */
	uint32_t n;               /* reply: entries in e[] */
	uint32_t total;           /* reply: bans in the table */
	uint32_t capacity;        /* reply */
	uint32_t more;            /* reply: ask again from cursor */
	uint32_t pad;
	struct dp_ban_entry e[DP_BAN_LIST_MAX];
};

/* Limits (struct dp_limits.what: the fields a request sets). */
#define DP_LIMIT_CPS 0x1            /* cps_limit: new calls a second, 0 = unlimited */
#define DP_LIMIT_CPS_BURST 0x2      /* 0 = cps_limit */
#define DP_LIMIT_SOURCE_RATE 0x4    /* SIP requests a second per source, 0 = unlimited */
#define DP_LIMIT_SOURCE_BURST 0x8   /* 0 = source_rate */
#define DP_LIMIT_MAX_VALUE 1000000u /* every limit is 0..this; -ERANGE otherwise */

struct dp_limits {
	struct dp_hdr h;
	uint32_t what;
	uint32_t cps_limit;
	uint32_t cps_burst;
	uint32_t source_rate;
	uint32_t source_burst;
	uint32_t sources;          /* reply: sources tracked now */
	uint32_t source_capacity;  /* reply */
	uint32_t sip;              /* reply: 1 when the inline SIP proxy runs (cps applies) */
};

/*
 * Reload: the data plane reads its config file again. Settings that can change while
 * calls run are applied (bits of applied), settings that changed but need a restart are
 * named in restart and left as they were. A file that does not load is refused as a
 * whole (status -EINVAL, error "FILE:LINE: reason") and nothing changes. Bits index
 * DP_RELOAD_NAMES.
 */
struct dp_reload {
	struct dp_hdr h;
	uint32_t applied;
	uint32_t restart;
	char error[256];
};

#define DP_RELOAD_NAMES { "cps_limit", "cps_burst", "source_rate", "source_burst", \
	"upstream", "retry_after", "server", "record_route", "strip_ice", "force_rport", \
	"half_open_timeout", "on_port_exhaustion", "latching", "strict_source", \
	"neighbour_timeout", "", \
	"interfaces", "capacity", "mbufs", "socket", "max_sessions", "polling", \
	"relatch_packets", "neighbour_size", "max_bans", "max_sources", "preload_streams", \
	"rules", "security" }

/*
 * Sessions by the operator. DELETE ends a session: a call of the inline SIP proxy
 * (its streams and ports go) and every stream made over dataplane.sock with that
 * session id (DP_EVENT_DELETED each); count = streams deleted, -ENOENT when none.
 * FIND with a call_id: the proxy's sessions of that Call-ID (ids[], count); with an
 * empty call_id: the Call-ID of proxy session session_id (-ENOENT when none).
 */
#define DP_SESSION_FIND_MAX 16

struct dp_session {
	struct dp_hdr h;
	uint64_t session_id;
	uint32_t count;
	uint32_t pad;
	char call_id[128];
	uint64_t ids[DP_SESSION_FIND_MAX];
};

/*
 * SIP tracing. A filter selects the SIP datagrams the relay receives and sends (both
 * directions, every interface) by Call-ID or by address (source or destination, port 0 =
 * any); each match goes up as DP_EVENT_TRACE_FRAME with the whole Ethernet frame. A
 * frame longer than DP_TRACE_CHUNK_MAX comes in several events with the same frame
 * number and increasing offsets, so that no message exceeds DP_MSG_MAX. Events are
 * dropped when a client's socket is full: a gap in frame numbers, or a frame whose
 * pieces stop short of orig_len, shows it. The data plane ends a filter by itself at
 * max_packets or max_seconds (DP_EVENT_TRACE_END), so one that its client forgot does
 * not live on.
 */
#define DP_TRACE_MAX 16           /* filters at a time */
#define DP_TRACE_CALL_ID 1
#define DP_TRACE_ADDR 2
#define DP_TRACE_IN 0             /* received by the relay */
#define DP_TRACE_OUT 1            /* sent by the relay (forwarded or answered) */
#define DP_TRACE_END_PACKETS 1    /* max_packets reached */
#define DP_TRACE_END_TIME 2       /* max_seconds reached */

struct dp_trace_add {
	struct dp_hdr h;
	uint32_t id;              /* the client's, not 0; -EEXIST when in use, -ENOSPC when full */
	uint32_t kind;            /* DP_TRACE_CALL_ID or DP_TRACE_ADDR */
	struct dp_addr addr;      /* ADDR */
	uint32_t max_packets;     /* 0 = no limit */
	uint32_t max_seconds;     /* 0 = no limit */
	char call_id[128];        /* CALL_ID: NUL-terminated, compared byte for byte */
};

struct dp_trace_ref {
	struct dp_hdr h;
	uint32_t id;
	uint32_t pad;
};

struct dp_trace_state {
	uint32_t id;
	uint32_t kind;
	uint64_t packets;         /* frames matched (sent up as events) */
};

struct dp_trace_list {
	struct dp_hdr h;
	uint32_t count;
	uint32_t pad;
	struct dp_trace_state trace[DP_TRACE_MAX];
};

struct dp_trace_frame {
	struct dp_hdr h;          /* len = sizeof(struct dp_trace_frame) + bytes that follow */
	uint32_t id;
	uint32_t frame;           /* per filter, from 1 */
	uint64_t ts_ns;           /* CLOCK_REALTIME when the relay saw or sent it */
	uint32_t orig_len;        /* the whole Ethernet frame */
	uint32_t offset;          /* of the bytes that follow, in the frame */
	uint8_t iface;            /* the data plane's interface index */
	uint8_t dir;              /* DP_TRACE_IN or DP_TRACE_OUT */
	uint16_t pad;
	uint32_t pad2;
	char iface_name[32];
};

#define DP_TRACE_CHUNK_MAX (DP_MSG_MAX - sizeof(struct dp_trace_frame))

struct dp_trace_end {
	struct dp_hdr h;
	uint32_t id;
	uint32_t reason;          /* DP_TRACE_END_* */
	uint64_t packets;
};

/*
 * Signature rules: the running set's rules with their hit counters, a page at a time
 * (cursor as in DP_BAN_LIST), and the counters of what the rules and the automatic
 * bans did, in every page. generation rises at each rule set swapped in by a reload:
 * a client that sees it change while paging starts again.
 */
#define DP_RULES_LIST_MAX 12      /* rules per message */
#define DP_RULE_WHERE_MAX 40      /* "header:User-Agent", NUL-terminated */

struct dp_rule_entry {
	uint32_t id;
	uint32_t line;            /* in the rules file */
	uint32_t ban_s;           /* action ban */
	uint8_t action;           /* 1 drop, 2 reject, 3 ban (enum sr_rule_action) */
	uint8_t pad[3];
	uint64_t hits;            /* messages it matched, kept across reloads by id */
	char where[DP_RULE_WHERE_MAX];
};

struct dp_rules_list {
	struct dp_hdr h;
	uint32_t cursor;          /* request: first rule; reply: next one to ask for */
	uint32_t n;               /* reply: entries in e[] */
	uint32_t total;           /* reply: rules in the running set */
	uint32_t more;            /* reply: ask again from cursor */
	uint64_t generation;      /* reply: rule sets loaded so far (0: none) */
	uint64_t scanned;         /* messages matched against the rules */
	uint64_t dropped;         /* by action: drop */
	uint64_t rejected;        /* by action: reject (403 sent) */
	uint64_t rule_bans;       /* by action: ban */
	uint64_t auth_fails;      /* 401/403/407 forwarded to access-side sources */
	uint64_t auth_bans;       /* automatic bans for password guessing */
	uint64_t flood_bans;      /* automatic bans for request floods */
	uint64_t errors;          /* matcher errors (messages passed unmatched) */
	char file[128];           /* the rules file, "" when none */
	struct dp_rule_entry e[DP_RULES_LIST_MAX];
};

/*
 * Registrations: the bindings the inline SIP proxy keeps from REGISTER through the relay
 * (AOR -> the phone's observed address, its Contact, expiry, keepalive state), paged
 * like the bans. -EOPNOTSUPP when the SIP proxy does not run.
 */
#define DP_REG_AOR_MAX 96
#define DP_REG_CONTACT_MAX 128
#define DP_REG_LIST_MAX 3 /* entries per message */
#define DP_REG_PENDING 1
#define DP_REG_ACTIVE 2
#define DP_REG_UNREACHABLE 3 /* keepalive OPTIONS unanswered */
#define DP_REG_NAT 0x1

struct dp_reg_entry {
	uint64_t token;           /* the relay's Contact: sip:sr-<token, 16 hex>@relay */
	struct dp_addr source;    /* observed address and port of the phone */
	struct dp_addr relay;     /* the relay's SIP address in the Contact it registered */
	uint8_t state;            /* DP_REG_* */
	uint8_t flags;            /* DP_REG_NAT */
	uint8_t iface;            /* access interface index */
	uint8_t pad;
	uint32_t refreshes;
	int64_t expires_in_ms;    /* 0 while pending */
	uint64_t age_ms;
	uint32_t ka_sent;
	uint32_t ka_answered;
	uint32_t ka_missed;       /* in a row */
	uint32_t pad2;
	char aor[DP_REG_AOR_MAX];         /* NUL-terminated, cut when longer */
	char contact[DP_REG_CONTACT_MAX]; /* the phone's own Contact URI, likewise */
};

struct dp_reg_list {
	struct dp_hdr h;
	uint32_t cursor;          /* request: first position; reply: next one to ask for */
	uint32_t n;               /* reply: entries in e[] */
	uint32_t total;           /* reply: bindings in the table */
	uint32_t capacity;        /* reply */
	uint32_t more;            /* reply: ask again from cursor */
	uint32_t pad;
	struct dp_reg_entry e[DP_REG_LIST_MAX];
};

#endif
