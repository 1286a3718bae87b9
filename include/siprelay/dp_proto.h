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
	/* replies */
	DP_REPLY = 64,
	DP_STREAM_INFO = 65,
	/* events, data plane to every client */
	DP_EVENT_CREATED = 128, /* struct dp_event */
	DP_EVENT_LATCHED = 129, /* struct dp_event: leg, comp, addr = new remote */
	DP_EVENT_DELETED = 130, /* struct dp_event */
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
};

/* Names of dp_stats.verdicts[i], in order; "" past the last. */
#define DP_VERDICT_NAMES { "fwd_rtp", "fwd_rtcp", "service", "sip", "drop_no_session", \
	"drop_malformed", "drop_not_local", "drop_strict_source", "drop_no_remote", \
	"drop_no_neighbour", "drop_mux_port", "drop_service_full", "drop_tx" }

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

#endif
