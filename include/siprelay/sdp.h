/* SDP engine (RFC 8866, formerly RFC 4566): zero-copy parse of a session description
 * and a rewrite that points its media at the relay.
 *
 * sr_sdp_parse() walks the body once (LF or CRLF line ends) and records, as slices into
 * the caller's buffer, what a media relay needs: o=, c= at session and media level, each
 * m= line, a=rtcp (RFC 3605), a=rtcp-mux (RFC 5761), direction attributes (RFC 3264)
 * and ICE presence (RFC 8839). It is strict about the lines it relies on and liberal
 * about everything else: unknown line types and attributes are accepted and kept.
 * Nothing is allocated; the description keeps pointers into the buffer, which must
 * outlive it.
 *
 * sr_sdp_rewrite() writes a new body into one caller-provided buffer, with c=, m= and
 * a=rtcp pointing at per-stream relay addresses and ports, o= sess-version bumped, and
 * ICE attributes optionally stripped. Every other byte is copied as received. */
#ifndef SIPRELAY_SDP_H
#define SIPRELAY_SDP_H

#include <sys/types.h>

#include <siprelay/slice.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Enough for audio + video + a few extra streams (BFCP, T.38, screen share); bodies
 * with more m= lines are refused with -E2BIG rather than partly understood. */
#define SR_SDP_MAX_MEDIA 16

/* Longest textual address the rewrite writes (an IPv6 address with an IPv4 tail). */
#define SR_SDP_ADDR_MAX 45

enum sr_sdp_af {
	SR_SDP_AF_NONE = 0, /* no c= at this level */
	SR_SDP_IP4 = 4,
	SR_SDP_IP6 = 6,
};

enum sr_sdp_dir {
	SR_SDP_DIR_NONE = 0, /* no direction attribute at this level */
	SR_SDP_SENDRECV,
	SR_SDP_SENDONLY,
	SR_SDP_RECVONLY,
	SR_SDP_INACTIVE,
};

/* A connection address: c= line, or the address part of a=rtcp. */
struct sr_sdp_conn {
	struct sr_slice value; /* whole value, e.g. "IN IP4 224.2.1.1/127/3" */
	struct sr_slice addr;  /* address without the /ttl or /count suffixes */
	uint8_t af;            /* enum sr_sdp_af; SR_SDP_AF_NONE when absent */
	bool unspec;           /* 0.0.0.0 or "::": RFC 2543-style hold */
};

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
struct sr_sdp_origin {
	struct sr_slice value;
	struct sr_slice username;
	struct sr_slice sess_id;
	struct sr_slice sess_version; /* digits only (checked) */
	struct sr_slice nettype;
	struct sr_slice addrtype;
	struct sr_slice addr;
};

/* One media description: the m= line and the section up to the next m= line. */
struct sr_sdp_media {
	struct sr_slice type;     /* "audio", "video", "application", ... */
	struct sr_slice port_str; /* the port digits as written */
	uint16_t port;            /* 0: stream disabled or rejected (RFC 3264 6) */
	uint16_t port_count;      /* from "port/count"; 1 when absent */
	struct sr_slice proto;    /* "RTP/AVP", "UDP/TLS/RTP/SAVPF", ... */
	struct sr_slice fmts;     /* format list, may be empty */

	struct sr_sdp_conn conn;  /* media-level c=; af == SR_SDP_AF_NONE when absent */

	bool has_rtcp;            /* a=rtcp present */
	uint16_t rtcp_port;       /* a=rtcp port */
	struct sr_sdp_conn rtcp_conn; /* a=rtcp address; af == SR_SDP_AF_NONE when absent */
	bool rtcp_mux;            /* a=rtcp-mux */

	uint8_t dir;              /* enum sr_sdp_dir at media level */

	bool ice_ufrag;           /* a=ice-ufrag at media level */
	bool ice_pwd;             /* a=ice-pwd at media level */
	uint16_t n_candidates;    /* a=candidate lines (saturates at UINT16_MAX) */

	uint32_t off;             /* offset of the m= line in the body */
	uint32_t end;             /* offset just past the section's last line */

	/* Recorded for the rewrite, which then splices without reading the lines again. */
	struct sr_slice rtcp_port_str; /* port digits of the (last) a=rtcp */
	uint16_t n_rtcp;          /* a=rtcp lines (RFC 3605 allows one; several are kept) */
	uint16_t n_ice;           /* lines SR_SDP_RW_STRIP_ICE removes */
	uint32_t conn_at;         /* offset where a media-level c= goes: after m= and i= */
};

struct sr_sdp {
	const char *buf;
	uint32_t len;
	bool crlf;                /* the first line ends in CRLF; inserted lines follow it */

	struct sr_sdp_origin origin;
	struct sr_sdp_conn conn;  /* session-level c=; af == SR_SDP_AF_NONE when absent */
	uint8_t dir;              /* enum sr_sdp_dir at session level */
	bool ice_ufrag;           /* session-level ICE attributes */
	bool ice_pwd;
	bool ice_lite;
	uint16_t n_ice;           /* session-level lines SR_SDP_RW_STRIP_ICE removes */

	const char *err;          /* why parse failed (a static string), NULL on success */

	uint32_t sess_end;        /* offset of the first m= line (len when none) */
	uint16_t n_media;
	struct sr_sdp_media media[SR_SDP_MAX_MEDIA]; /* only [0, n_media) is set */
};

/* Parses buf[0..len) as one session description. Returns 0, or a negative errno with
 * s->err naming the defect: -EINVAL for a malformed body, -E2BIG for more than
 * SR_SDP_MAX_MEDIA m= lines, -EMSGSIZE for a body over 4 GiB. */
int sr_sdp_parse(struct sr_sdp *s, const char *buf, size_t len);

/* ---- per-stream views (i < s->n_media) ---- */

static inline bool sr_sdp_media_disabled(const struct sr_sdp *s, unsigned i)
{
	return s->media[i].port == 0;
}

/* The stream's connection address: its own c=, else the session's. NULL when neither
 * exists (only possible for a disabled stream: parse refuses it for the others). */
const struct sr_sdp_conn *sr_sdp_media_conn(const struct sr_sdp *s, unsigned i);

/* Where the stream's RTCP goes (RFC 3605, RFC 5761). */
struct sr_sdp_rtcp {
	uint16_t port;          /* effective: the RTP port when mux, else demux_port */
	uint16_t demux_port;    /* a=rtcp port, else RTP port + 1 (0 when that overflows) */
	bool mux;               /* a=rtcp-mux offered or accepted */
	const struct sr_sdp_conn *conn; /* a=rtcp address, else the stream's address */
};

void sr_sdp_media_rtcp(const struct sr_sdp *s, unsigned i, struct sr_sdp_rtcp *r);

/* Media-level direction, else session-level, else sendrecv (RFC 3264 5.1). */
enum sr_sdp_dir sr_sdp_media_dir(const struct sr_sdp *s, unsigned i);

/* A stream put on hold: its address is 0.0.0.0 / "::" (RFC 2543 style) or its
 * effective direction is sendonly or inactive (RFC 3264 8.4). */
bool sr_sdp_media_on_hold(const struct sr_sdp *s, unsigned i);

const char *sr_sdp_dir_name(enum sr_sdp_dir d);

/* ---- rewrite ---- */

/* Where the relay wants one stream's media. */
struct sr_sdp_relay {
	const char *addr;   /* NUL-terminated IPv4 or IPv6 text, at most SR_SDP_ADDR_MAX */
	uint8_t af;         /* SR_SDP_IP4 or SR_SDP_IP6 */
	uint16_t rtp_port;
	uint16_t rtcp_port; /* ignored when rtcp_mux */
	bool rtcp_mux;      /* the relay takes RTCP on rtp_port */
	bool keep;          /* leave this stream exactly as received */
};

/* Strip a=candidate, a=remote-candidates, a=end-of-candidates, a=ice-ufrag, a=ice-pwd,
 * a=ice-options, a=ice-lite, a=ice-mismatch, a=ice-pacing: the relay terminates the
 * path, so the peer's candidates would only leak addresses and lure the far end into
 * checks that bypass the relay. */
#define SR_SDP_RW_STRIP_ICE 0x1u

/* Writes the rewritten body into out[0..cap) (out must not overlap the parsed buffer).
 * relay[i] applies to m= line i; streams at i >= n_relay, streams with keep set and
 * disabled streams (port 0) are copied untouched. For the other streams:
 *  - m= port becomes rtp_port (a port count is kept);
 *  - their c= (media level, or the session level one they use) becomes "IN IP4|IP6
 *    addr", dropping any /ttl; when streams sharing the session c= need different
 *    addresses, the session c= takes the first one's and a media-level c= is inserted
 *    for each stream that differs (including a kept stream, which keeps its old one);
 *  - a=rtcp gets the relay RTCP port (the RTP port when rtcp_mux) and, when it named an
 *    address, the relay address; without a=rtcp, one is added when the relay's RTCP port
 *    is not rtp_port + 1, so the peer does not guess wrong;
 *  - hold is kept: a c= (or a=rtcp address) of 0.0.0.0 or "::" stays as it is, so the
 *    peer keeps seeing the hold, while the port still moves to the relay, which is then
 *    ready when the stream is resumed. Direction attributes are never touched.
 * The o= sess-version is incremented by one as a decimal string of any length.
 * Inserted lines use the body's line ending; rewritten lines keep their own.
 * flags: SR_SDP_RW_*. ICE lines are stripped from the session level and the rewritten
 * streams only.
 * Returns the length written, -ENOSPC when cap is too small, or -EINVAL for a bad
 * relay entry (unknown af, empty, too long, or non-address characters). */
ssize_t sr_sdp_rewrite(const struct sr_sdp *s, const struct sr_sdp_relay *relay, unsigned n_relay,
		       unsigned flags, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
