/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rtpproxy command protocol (what Kamailio's and OpenSIPS's rtpproxy modules
 * speak), as a pure parser and reply formatter: text in, a parsed command out, and
 * replies formatted the way rtpproxy formats them. No sockets, no daemon state, so
 * that every command, modifier and error is unit-tested and fuzzed on its own.
 *
 *   V                                 -> 20040107
 *   VF YYYYMMDD                       -> 1 or 0 (capability by its date)
 *   U[mods] callid addr port ftag[;N] [ttag[;N]] [notify_sock notify_tag]
 *   L[mods] callid addr port ftag[;N] [ttag[;N]]
 *                                     -> "port [addr [6]]" (L: "0" for an unknown session)
 *   D[w] callid ftag [ttag]           -> 0 or E50
 *   Q[v] callid ftag [ttag [counter...]] -> "ttl npkts_ina npkts_ino nrelayed ndropped"
 *   I[b]                              -> sessions created, active sessions, active
 *                                        streams, packets received / transmitted
 *   X                                 -> 0 (every session deleted)
 *
 * U/L modifiers (case-insensitive, rtpproxy's): a asymmetric, s symmetric, w weak,
 * i/e the networks the SDP comes from and goes to, 6 IPv6, zN packetization (ms),
 * cN,N codecs, n new port, lADDR / rADDR local / remote address hints.
 *
 * Error codes are rtpproxy's (rtpp_command_ecodes.h); the parser only produces those
 * of syntax, the executor those of sessions and resources.
 */
#ifndef SIPRELAY_CONTROL_RTPP_CMD_H
#define SIPRELAY_CONTROL_RTPP_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <siprelay/slice.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTPP_PROTO_VERSION "20040107"

/* rtpproxy's error codes (the reply is "E<code>") */
enum rtpp_ecode {
	RTPP_E_CMDUNKN = 0,      /* unknown command */
	RTPP_E_NARGS = 1,        /* wrong number of arguments */
	RTPP_E_MODS = 2,         /* modifiers on a command that takes none */
	RTPP_E_SYNTAX = 5,       /* empty command, too many words, no command after cookie */
	RTPP_E_DMOD = 8,         /* D: unknown modifier */
	RTPP_E_NOTIFY_TAG = 10,  /* U: notify tag with a broken %XX escape */
	RTPP_E_EMOD = 11,        /* U/L: a third i/e */
	RTPP_E_IMOD_UL = 12,
	RTPP_E_PTIME = 13,       /* U/L: z not followed by 1..999 */
	RTPP_E_CODECS = 14,      /* U/L: c not followed by a list of payload types */
	RTPP_E_LADDR = 15,       /* U/L: l not followed by an address */
	RTPP_E_RADDR = 16,       /* U/L: r not followed by an address */
	RTPP_E_IMOD = 18,        /* I: unknown modifier */
	RTPP_E_QMOD = 19,        /* Q: unknown modifier */
	RTPP_E_AF = 36,          /* no local address of the stream's family */
	RTPP_E_UMOD = 35,        /* U/L: unknown modifier */
	RTPP_E_ADDR = 37,        /* U/L: the address or port does not parse */
	RTPP_E_SESUNKN = 50,     /* no such session */
	RTPP_E_QRYFAIL = 62,     /* Q: unknown counter name */
	RTPP_E_LSTFAIL_UPD = 71, /* no media port for an existing session */
	RTPP_E_LSTFAIL_NEW = 72, /* no media port for a new session */
	RTPP_E_NSOFF = 75,       /* U with a notify socket, but notifications are off */
	RTPP_E_NOMEM = 81,
	RTPP_E_OVERLOAD = 98,    /* cannot take the session now (table full, busy) */
	RTPP_E_SLOWSHTDN = 99,   /* new sessions refused: the media plane is not reachable */
};

enum rtpp_op {
	RTPP_OP_VERSION,
	RTPP_OP_VERSION_FEATURE,
	RTPP_OP_UPDATE,
	RTPP_OP_LOOKUP,
	RTPP_OP_DELETE,
	RTPP_OP_QUERY,
	RTPP_OP_INFO,
	RTPP_OP_DELETE_ALL,
};

/* A party's tag with its media number: "tag;2" -> tag, media 2; "tag" -> all media. */
struct rtpp_tag {
	struct sr_slice tag;
	uint32_t media;   /* 1.. when given */
	int has_media;
};

#define RTPP_FAMILY_IPV4 4
#define RTPP_FAMILY_IPV6 6

struct rtpp_addr {
	uint8_t family;   /* RTPP_FAMILY_*; 0 = no usable address in the command */
	uint8_t on_hold;  /* 0.0.0.0 / :: : the party holds the call, address unknown */
	uint16_t port;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

#define RTPP_DIR_INTERNAL 'i'
#define RTPP_DIR_EXTERNAL 'e'

struct rtpp_mods {
	int asymmetric;        /* a (s clears it) */
	int weak;              /* w */
	int ipv6;              /* 6 */
	int new_port;          /* n */
	char dir[2];           /* i/e in order: dir[0] the SDP's sender, dir[1] its receiver */
	int ndir;
	unsigned int ptime;    /* z, 0 = none */
	struct sr_slice codecs;      /* c: "0,8,101" */
	struct sr_slice local_addr;  /* l */
	struct sr_slice remote_addr; /* r */
};

enum rtpp_counter {
	RTPP_CTR_TTL,
	RTPP_CTR_NPKTS_INA,
	RTPP_CTR_NPKTS_INO,
	RTPP_CTR_NRELAYED,
	RTPP_CTR_NDROPPED,
	RTPP_CTR_RTPA_NRCVD,
	RTPP_CTR_RTPA_NLOST,
	RTPP_CTR_MAX,
};

#define RTPP_MAX_WORDS 20 /* rtpproxy's RTPC_MAX_ARGC */
#define RTPP_QUERY_MAX (RTPP_MAX_WORDS - 4)
#define RTPP_NOTIFY_TAG_MAX 256

struct rtpp_cmd {
	enum rtpp_op op;
	int error;                          /* enum rtpp_ecode when the parse failed */
	struct sr_slice call_id;
	struct rtpp_tag from, to;
	int has_to;
	struct sr_slice addr_str, port_str; /* as written */
	struct rtpp_addr addr;              /* U/L */
	struct rtpp_mods mods;              /* U/L */
	struct sr_slice notify_sock;        /* U, empty when absent */
	char notify_tag[RTPP_NOTIFY_TAG_MAX]; /* U: %XX-decoded, NUL-terminated */
	int has_notify;
	struct sr_slice feature;            /* VF */
	int verbose;                        /* Qv */
	int brief;                          /* Ib */
	int weak;                           /* Dw */
	enum rtpp_counter counters[RTPP_QUERY_MAX]; /* Q with counter names */
	unsigned int n_counters;
};

/*
 * Parses one command (no cookie) of len bytes; the slices point into buf. Words are
 * separated by spaces, tabs, CR or LF, as rtpproxy splits them. Returns 0, or -1 with
 * cmd->error set to the rtpproxy error code to answer with (E0 included).
 */
int rtpp_cmd_parse(const char *buf, size_t len, struct rtpp_cmd *cmd);

/*
 * The datagram form "COOKIE SP command": the cookie (first word) and the rest. Returns 0,
 * or -1 when there is no cookie at all (an empty or all-blank datagram: nothing to
 * answer to). A cookie without a command leaves *rest empty.
 */
int rtpp_split_cookie(const char *buf, size_t len, struct sr_slice *cookie,
		      struct sr_slice *rest);

/* VF: 1 when the capability dated date is supported (20081224, timeout notifications,
 * only when notify is set, as rtpproxy answers it only with -n). */
int rtpp_feature_supported(struct sr_slice date, int notify);

/* Is this U's notify socket name one of the allowed targets? rtpproxy's rule: equal,
 * or a bare path equal to an allowed "unix:" target. */
int rtpp_notify_name_matches(struct sr_slice name, const char *allowed);

/* Reply formatting: each writes a NUL-terminated reply ending with '\n' and returns its
 * length, or -ENOSPC when size is too small. */
int rtpp_fmt_error(char *out, size_t size, int ecode);
int rtpp_fmt_number(char *out, size_t size, long long n);
/* U/L: "port\n" when a is NULL or its family 0, else "port addr\n" / "port addr 6\n" */
int rtpp_fmt_port(char *out, size_t size, uint16_t port, const struct rtpp_addr *a);

struct rtpp_query_vals {
	int ttl;               /* seconds left before the idle timeout; -1 none */
	uint64_t npkts_ina;    /* packets from the party named by from_tag */
	uint64_t npkts_ino;    /* packets from the other party */
	uint64_t nrelayed;
	uint64_t ndropped;
	uint64_t rtpa_nrcvd;   /* RTP received (RFC 3550 A.3), both parties */
	uint64_t rtpa_nlost;
};
int rtpp_fmt_query(char *out, size_t size, const struct rtpp_cmd *cmd,
		   const struct rtpp_query_vals *v);

struct rtpp_info_vals {
	uint64_t sessions_created;
	uint32_t active_sessions;
	uint32_t active_streams;
	uint64_t packets_received;
	uint64_t packets_transmitted;
};
int rtpp_fmt_info(char *out, size_t size, const struct rtpp_info_vals *v);

/* Names of enum rtpp_counter, as Q takes them. */
const char *rtpp_counter_name(enum rtpp_counter c);

#ifdef __cplusplus
}
#endif

#endif
