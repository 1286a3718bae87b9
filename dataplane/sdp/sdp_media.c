/* Per-stream views that combine session and media level (RFC 8866 5.7, RFC 3264, RFC 3605,
 * RFC 5761): what the relay needs to know about where a stream's packets go. */
#include "sdp_lines.h"

const struct sr_sdp_conn *sr_sdp_media_conn(const struct sr_sdp *s, unsigned i)
{
	if (s->media[i].conn.af != SR_SDP_AF_NONE)
		return &s->media[i].conn;
	if (s->conn.af != SR_SDP_AF_NONE)
		return &s->conn;
	return NULL;
}

void sr_sdp_media_rtcp(const struct sr_sdp *s, unsigned i, struct sr_sdp_rtcp *r)
{
	const struct sr_sdp_media *m = &s->media[i];

	if (m->has_rtcp)
		r->demux_port = m->rtcp_port;
	else
		r->demux_port = m->port < UINT16_MAX ? (uint16_t)(m->port + 1) : 0;
	r->mux = m->rtcp_mux;
	r->port = r->mux ? m->port : r->demux_port;
	r->conn = m->rtcp_conn.af != SR_SDP_AF_NONE ? &m->rtcp_conn : sr_sdp_media_conn(s, i);
}

enum sr_sdp_dir sr_sdp_media_dir(const struct sr_sdp *s, unsigned i)
{
	if (s->media[i].dir != SR_SDP_DIR_NONE)
		return (enum sr_sdp_dir)s->media[i].dir;
	if (s->dir != SR_SDP_DIR_NONE)
		return (enum sr_sdp_dir)s->dir;
	return SR_SDP_SENDRECV;
}

bool sr_sdp_media_on_hold(const struct sr_sdp *s, unsigned i)
{
	const struct sr_sdp_conn *c = sr_sdp_media_conn(s, i);
	enum sr_sdp_dir d = sr_sdp_media_dir(s, i);

	return (c != NULL && c->unspec) || d == SR_SDP_SENDONLY || d == SR_SDP_INACTIVE;
}

const char *sr_sdp_dir_name(enum sr_sdp_dir d)
{
	switch (d) {
	case SR_SDP_SENDRECV:
		return "sendrecv";
	case SR_SDP_SENDONLY:
		return "sendonly";
	case SR_SDP_RECVONLY:
		return "recvonly";
	case SR_SDP_INACTIVE:
		return "inactive";
	case SR_SDP_DIR_NONE:
		break;
	}
	return "none";
}
