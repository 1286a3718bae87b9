/* Responses the relay sends on its own behalf to a received request (RFC 3261 8.2.6):
 * the request's Via fields in order, From, To (with a tag added for non-100 codes when
 * the request had none), Call-ID, CSeq, optional Retry-After/Warning/Server and
 * Content-Length: 0. Works on a request whose parse failed part-way, as long as a Via
 * was read: that is how malformed requests get their 400. */
#ifndef SIPRELAY_SIP_REPLY_H
#define SIPRELAY_SIP_REPLY_H

#include <sys/types.h>

#include <siprelay/sip.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Phrases operators know from the field, for the codes where the relay has its own. */
#define SR_SIP_REASON_QUOTA "Call placing quota exceeded" /* 500 on a CPS limit */
#define SR_SIP_REASON_TOO_BIG "Message Too Large"         /* 513 */

struct sr_sip_reply_opts {
	const char *reason;     /* NULL: the standard phrase for the code */
	const char *to_tag;     /* NULL: derived from Call-ID and From tag (stable across retransmissions) */
	uint32_t retry_after;   /* seconds; 0: no Retry-After */
	const char *warning;    /* full Warning value ("399 host \"text\""); NULL: none */
	const char *server;     /* Server value; NULL: none */
};

/* Builds the response into out. Returns its length, -EINVAL when the request has no
 * usable Via (nothing to answer to), -ENOSPC when cap is too small. opts may be NULL. */
ssize_t sr_sip_reply_build(const struct sr_sip_msg *req, uint16_t status,
			   const struct sr_sip_reply_opts *opts, char *out, size_t cap);

/* Standard reason phrase of a code (RFC 3261 21 and extensions), "Unknown" otherwise. */
const char *sr_sip_reason_phrase(uint16_t status);

#ifdef __cplusplus
}
#endif

#endif
