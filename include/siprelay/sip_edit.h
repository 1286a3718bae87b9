/* Edits a stateless proxy makes to a parsed SIP message (RFC 3261 16.6, 16.11; RFC 3581),
 * collected as a list of splices over the original bytes and applied once into a single
 * output buffer, with Content-Length made right for the body that goes out.
 *
 * Inserted text is copied into the editor's arena, so callers may pass temporaries.
 * Each edit function returns 0 or a negative errno: -ENOENT when the header it works on
 * is absent, -ENOSPC when the editor is full, -EINVAL on malformed input. */
#ifndef SIPRELAY_SIP_EDIT_H
#define SIPRELAY_SIP_EDIT_H

#include <sys/types.h>

#include <siprelay/sip.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_SIP_EDIT_MAX 24
#define SR_SIP_EDIT_ARENA 1536

struct sr_sip_splice {
	uint32_t off;     /* where in the original message */
	uint32_t del;     /* bytes of the original to drop there */
	uint32_t ins_off; /* text to insert: arena offset */
	uint32_t ins_len;
};

struct sr_sip_editor {
	const struct sr_sip_msg *m;
	uint16_t n;
	bool body_set;
	const char *body;
	uint32_t body_len;
	uint32_t arena_used;
	struct sr_sip_splice s[SR_SIP_EDIT_MAX];
	char arena[SR_SIP_EDIT_ARENA];
};

void sr_sip_edit_init(struct sr_sip_editor *ed, const struct sr_sip_msg *m);

/* Adds "Via: <via_value>" above the first Via field. */
int sr_sip_edit_push_via(struct sr_sip_editor *ed, const char *via_value);
/* Removes the top via-parm (the whole field when it holds only one). */
int sr_sip_edit_pop_via(struct sr_sip_editor *ed);
/* RFC 3581 / RFC 3261 18.2.1 on the top Via: add received=ip when ip differs from the
 * sent-by host, and fill rport=port when the sender asked for it with an empty rport.
 * force_rport adds rport=port even when the sender did not ask (NAT-hostile clients). */
int sr_sip_edit_via_received(struct sr_sip_editor *ed, const char *ip, uint16_t port, bool force_rport);

/* Adds "Record-Route: <uri>" above the first Record-Route (uri given without <>). */
int sr_sip_edit_push_record_route(struct sr_sip_editor *ed, const char *uri);
/* Removes the first Record-Route value. */
int sr_sip_edit_pop_record_route(struct sr_sip_editor *ed);
/* Adds "Route: <uri>" above the first Route. */
int sr_sip_edit_push_route(struct sr_sip_editor *ed, const char *uri);
/* Removes the first Route value (loose routing: the proxy strips its own entry). */
int sr_sip_edit_pop_route(struct sr_sip_editor *ed);

/* Deletes len bytes of the original message at offset off: for cuts the other edits do
 * not name, such as several leading Route values (loose routing after a double
 * Record-Route). */
int sr_sip_edit_cut(struct sr_sip_editor *ed, uint32_t off, uint32_t len);

/* Writes Max-Forwards as one less than received; -ERANGE when it is already 0. */
int sr_sip_edit_dec_max_forwards(struct sr_sip_editor *ed);
/* Replaces the URI of the first Contact (keeps display name and parameters). */
int sr_sip_edit_set_contact_uri(struct sr_sip_editor *ed, const char *uri);
/* Replaces the Request-URI of a request (a registered contact's target). */
int sr_sip_edit_set_ruri(struct sr_sip_editor *ed, const char *uri);
/* Replaces the body; the buffer must live until sr_sip_edit_apply(). */
int sr_sip_edit_set_body(struct sr_sip_editor *ed, const char *body, size_t len);

/* Writes the edited message into out. Returns its length, or -ENOSPC when cap is too
 * small, or -EINVAL when two edits overlap. */
ssize_t sr_sip_edit_apply(const struct sr_sip_editor *ed, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
