/* SPDX-License-Identifier: BSD-3-Clause */
/* Private state of the stateless SIP proxy: the instance, the session table and the
 * helpers the per-job files share. */
#ifndef SP_INTERNAL_H
#define SP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/sdp.h>
#include <siprelay/sip.h>
#include <siprelay/sip_edit.h>
#include <siprelay/sip_proxy.h>

/* Keys keep this much of the Call-ID and tag; longer ones are told apart by their
 * length and a 64-bit hash of the whole value, so nothing is ever refused for size. */
#define SP_CALLID_KEEP 128
#define SP_TAG_KEEP 64

/* "z9hG4bK" "sr" <iface position, 1 hex> <loop hash, 8 hex> <transaction hash, 16 hex> */
#define SP_BRANCH_PREFIX "z9hG4bKsr"
#define SP_BRANCH_PREFIX_LEN 9
#define SP_BRANCH_LEN (SP_BRANCH_PREFIX_LEN + 1 + 8 + 16)

/* Host text of an address: IPv6 in brackets for SIP, bare for SDP. */
#define SP_HOST_MAX 48

enum sp_state {
	SP_FREE = 0,
	SP_EARLY,     /* initial INVITE forwarded, no final answer yet */
	SP_CONFIRMED, /* 2xx seen */
};

enum sp_oa_state {
	SP_OA_NONE = 0,
	SP_OA_OFFERED,
	SP_OA_ANSWERED,
};

/* One relayed m= line. Sides: 0 faces the caller, 1 the callee. */
struct sp_stream {
	bool alloc;                  /* port[] reserved */
	bool set;                    /* the data plane holds the stream */
	uint16_t port[2];
	struct sr_proxy_leg leg[2];  /* what stream_set was last given */
};

struct sp_session {
	uint64_t id;
	uint64_t hash;
	uint64_t created_us;
	int32_t ho_prev, ho_next;    /* half-open FIFO; ho_next also links free slots */
	uint32_t invite_cseq;
	uint32_t oa_cseq;            /* transaction that carried the offer */
	uint32_t ans_cseq;           /* and the answer */
	uint16_t call_id_len;
	uint8_t tag_len;
	uint8_t state;               /* enum sp_state */
	uint8_t side_if[2];          /* config positions of the caller's / callee's interface */
	uint8_t oa_state;            /* enum sp_oa_state */
	uint8_t oa_side;             /* who offered */
	uint8_t oa_method;
	uint8_t ans_method;
	uint8_t oa_req_side;         /* side that sent the request of the offer's transaction */
	uint8_t ans_req_side;
	uint8_t in_ho;               /* linked in the half-open FIFO */
	char call_id[SP_CALLID_KEEP];
	char tag[SP_TAG_KEEP];       /* the caller's (From) tag */
	struct sp_stream st[SR_PROXY_MAX_STREAMS];
};

/* Fixed-capacity table: sessions in a slot array, found through an open-addressing
 * index (linear probing, backward-shift delete) of twice the capacity. */
struct sp_table {
	struct sp_session *s;
	uint32_t *idx;               /* slot + 1, 0: empty */
	uint32_t mask;
	uint32_t cap;
	uint32_t used;
	int32_t free_head;
	int32_t ho_head, ho_tail;    /* oldest half-open session first */
};

/* Token bucket in micro-tokens, so that refills need no division. */
struct sp_cps {
	uint64_t tokens;
	uint64_t max;
	uint64_t last_us;
	uint32_t rate;
};

/* Addresses of one interface, resolved once at create time. */
struct sp_ifaddr {
	char sip_host[SP_HOST_MAX];  /* "198.18.1.1" or "[2001:db8::1]" */
	uint8_t media_family;
	uint8_t media_addr[16];
};

/* A binding of the registration table (sp_reg.c). */
struct sp_binding {
	uint64_t token;              /* 0: free slot */
	uint64_t txn_hash;           /* Call-ID of the last REGISTER forwarded for it */
	uint32_t txn_cseq;           /* and its CSeq */
	uint32_t req_expires;        /* what that REGISTER asked for, seconds */
	uint64_t created_us;
	uint64_t expires_us;         /* 0 while pending */
	uint64_t next_ka_us;
	uint64_t ka_branch;          /* branch hash of the OPTIONS in flight */
	uint8_t state;               /* enum sr_proxy_binding_state */
	uint8_t pos;                 /* config position of the access interface */
	uint8_t reg_pos;             /* and of the one the REGISTER left from */
	bool nat;
	bool ka_waiting;             /* an OPTIONS is out, not answered yet */
	uint32_t refreshes, ka_sent, ka_answered, ka_missed;
	struct relay_ep source;
	char aor[SR_PROXY_AOR_MAX];
	char contact[SR_PROXY_CONTACT_MAX];
};

/* Fixed capacity; an open-addressing index (linear probing, backward-shift delete) of
 * twice the capacity finds a binding by its token. */
struct sp_regtab {
	struct sp_binding *b;
	uint32_t *idx;               /* slot + 1, 0: empty */
	uint32_t mask;
	uint32_t cap;
	uint32_t used;
};

/* The user part of the relay's Contact: "sr-" and the token in 16 hex digits. */
#define SP_REG_USER_PREFIX "sr-"
#define SP_REG_USER_LEN (3 + 16)
/* Keepalive OPTIONS branches: "z9hG4bKsrk" and the binding's token, never a proxy branch. */
#define SP_KA_BRANCH_PREFIX "z9hG4bKsrk"
#define SP_REG_DEFAULT_EXPIRES 3600

struct sr_proxy {
	struct sr_proxy_config cfg;
	struct sr_proxy_media_ops ops;
	void *ctx;
	struct sr_proxy_stats st;
	struct sp_table tab;
	struct sp_cps cps;
	uint64_t next_id;
	struct sp_ifaddr ifx[SR_PROXY_MAX_IFACES];
	struct sr_sip_policy policy;
	/* per-message scratch, here rather than on a worker's stack */
	struct sr_sip_msg msg;
	struct sr_sip_editor ed;
	struct sr_sdp sdp;
	char body[SR_PROXY_DGRAM_MAX];
	struct sp_regtab reg;
	uint64_t reg_scan_us;        /* when the last full scan of the bindings ended */
	uint32_t reg_cursor;         /* where a scan cut short by a full output resumes */
	/* the message in hand: its source, and whether that sender is behind NAT */
	struct relay_ep msg_src;
	bool msg_nat;
};

/* What the media step decided for one message. */
struct sp_media_res {
	uint16_t status;             /* nonzero: answer the request with this */
	const char *reason;
	uint32_t retry_after;
	bool set_body;               /* rewritten SDP in p->body[0..body_len) */
	uint32_t body_len;
	struct sp_session *release;  /* end this session once the message is forwarded */
};

/* sp_hash.c */
uint64_t sp_hash(uint64_t h, const void *p, size_t n);
uint64_t sp_hash_slice(uint64_t h, struct sr_slice s);
#define SP_HASH_SEED 0xcbf29ce484222325ULL

/* sp_addr.c */
int sp_ep_parse(struct sr_slice host, uint16_t port, struct relay_ep *ep);
void sp_ep_host(const struct relay_ep *ep, bool brackets, char *buf, size_t n);
int sp_iface_pos(const struct sr_proxy *p, uint8_t index);
int sp_ep_ours(const struct sr_proxy *p, const struct relay_ep *ep);
bool sp_ep_eq(const struct relay_ep *a, const struct relay_ep *b);

/* sp_branch.c */
void sp_branch_make(const struct sr_sip_msg *m, unsigned pos, char out[SP_BRANCH_LEN + 1]);
int sp_branch_pos(struct sr_slice branch);
bool sp_loop_detected(const struct sr_proxy *p, const struct sr_sip_msg *m, const char *branch);
bool sp_via_ours(const struct sr_proxy *p, const struct sr_sip_via *v);

/* sp_route.c */
int sp_strip_routes(const struct sr_proxy *p, const struct sr_sip_msg *m, struct sr_sip_editor *ed,
		    struct sr_slice *next_route);
int sp_uri_target(struct sr_slice uri, struct relay_ep *ep);
int sp_response_target(const struct sr_sip_msg *m, struct relay_ep *dst);
int sp_egress_pos(const struct sr_proxy *p, unsigned pos_in, const struct relay_ep *dst);

/* sp_session_table.c */
int sp_table_init(struct sp_table *t, uint32_t cap);
void sp_table_fini(struct sp_table *t);
uint64_t sp_key_hash(struct sr_slice call_id, struct sr_slice tag);
struct sp_session *sp_table_find(const struct sp_table *t, struct sr_slice call_id, struct sr_slice tag,
				 uint64_t hash);
struct sp_session *sp_table_insert(struct sp_table *t, struct sr_slice call_id, struct sr_slice tag,
				   uint64_t hash);
void sp_table_remove(struct sp_table *t, struct sp_session *s);
void sp_ho_push(struct sp_table *t, struct sp_session *s);
void sp_ho_unlink(struct sp_table *t, struct sp_session *s);
struct sp_session *sp_ho_oldest(const struct sp_table *t);

/* sp_cps.c */
void sp_cps_init(struct sp_cps *c, uint32_t rate, uint32_t burst, uint64_t now_us);
bool sp_cps_take(struct sp_cps *c, uint64_t now_us);

/* sp_media.c */
void sp_media_request(struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in, unsigned pos_out,
		      uint64_t now_us, struct sp_media_res *res);
void sp_media_response(struct sr_proxy *p, const struct sr_sip_msg *m, struct sp_media_res *res);

/* sp_session.c */
struct sp_session *sp_session_lookup(struct sr_proxy *p, const struct sr_sip_msg *m, bool response,
				     unsigned *side);
/* Deletes streams, releases ports, frees the slot; callers count why it ended. */
void sp_session_end(struct sr_proxy *p, struct sp_session *s);

/* sp_reg_table.c */
int sp_reg_init(struct sp_regtab *t, uint32_t cap);
void sp_reg_fini(struct sp_regtab *t);
struct sp_binding *sp_reg_find(const struct sp_regtab *t, uint64_t token);
/* The binding of token, added (zeroed but for the token) when absent; NULL when full. */
struct sp_binding *sp_reg_upsert(struct sp_regtab *t, uint64_t token, bool *added);
void sp_reg_remove(struct sp_regtab *t, struct sp_binding *b);

/* sp_reg.c */
/* Seconds a contact is registered for: its expires parameter, else the Expires header,
 * else dflt; values above 2^31 - 1 are clamped, malformed ones count as absent. */
uint32_t sp_reg_expiry(const struct sr_sip_msg *m, struct sr_slice contact_params, uint32_t dflt);
uint64_t sp_reg_token(struct sr_slice aor, struct sr_slice contact_uri);
/* A REGISTER from an access interface: records the pending binding(s) and rewrites the
 * Contact in ed to the relay's address on pos_out. 0 or a negative errno. */
int sp_reg_request(struct sr_proxy *p, const struct sr_sip_msg *m, unsigned pos_in, unsigned pos_out,
		   struct sr_sip_editor *ed, uint64_t now_us);
/* A final answer to a REGISTER: the registrar's view of the bindings it names. */
void sp_reg_response(struct sr_proxy *p, const struct sr_sip_msg *m, uint64_t now_us);
/* A request whose Request-URI is a Contact the relay gave a registrar: its binding
 * (NULL when none, or the URI is not such a Contact). */
struct sp_binding *sp_reg_target(struct sr_proxy *p, const struct sr_sip_msg *m);
/* An answer to a keepalive OPTIONS: true when it was one (absorbed). */
bool sp_reg_ka_answer(struct sr_proxy *p, const struct sr_sip_msg *m, uint64_t now_us);

/* sp_nat.c */
bool sp_ep_private(const struct relay_ep *ep);
bool sp_host_private(struct sr_slice host);
/* The sender of request m, received from src, is behind NAT (RFC 3581 / Kamailio's
 * nat_uac_test): the top Via's sent-by is not src, or the Contact host is private. */
bool sp_nat_request(const struct sr_sip_msg *m, const struct relay_ep *src);
/* The sender of response m: its Contact names a private address that is not src. */
bool sp_nat_response(const struct sr_sip_msg *m, const struct relay_ep *src);
/* Rewrites the host and port of the first Contact's URI to src (user and URI parameters
 * stay), so that the far end's in-dialog requests reach the NAT binding. */
int sp_nat_fix_contact(const struct sr_sip_msg *m, const struct relay_ep *src, struct sr_sip_editor *ed);

/* sp_reply.c */
#define SP_TAG_LEN 18
void sp_own_tag(const struct sr_sip_msg *m, char tag[SP_TAG_LEN + 1]);
unsigned sp_reply(struct sr_proxy *p, const struct sr_sip_msg *m, const struct sr_proxy_pkt *in,
		  uint16_t status, const char *reason, uint32_t retry_after, struct sr_proxy_out *out);
void sp_drop(struct sr_proxy *p, enum sr_proxy_drop d);

/* sp_request.c, sp_response.c */
unsigned sp_request(struct sr_proxy *p, const struct sr_proxy_pkt *in, unsigned pos_in,
		    struct sr_proxy_out *out, uint64_t now_us);
unsigned sp_response(struct sr_proxy *p, const struct sr_proxy_pkt *in, struct sr_proxy_out *out, uint64_t now_us);

#endif
