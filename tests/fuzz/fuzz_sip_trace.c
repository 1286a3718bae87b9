/* The data plane's SIP trace table fuzz target. The input is an Ethernet frame (any
 * bytes), matched against a Call-ID filter and two address filters (the Call-ID taken
 * from the first bytes of the input so that it sometimes matches). Beyond "no crash, no
 * read outside the frame" it checks: a parsed datagram lies inside the frame; every
 * event is at most DP_MSG_MAX bytes with a consistent header; the pieces of each match
 * are in order and put together give the frame back. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_check.h"
#include "sip_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	const uint8_t *frame;
	uint32_t len;
	uint32_t next_off;     /* of the piece expected next */
	unsigned int frames;   /* whole frames seen */
	unsigned int ends;
};

static void
emit(void *arg, const void *msg, size_t len)
{
	struct sink *k = arg;
	const struct dp_hdr *h = msg;

	CHECK(len >= sizeof(*h) && len <= DP_MSG_MAX);
	CHECK(h->magic == DP_PROTO_MAGIC && h->len == len && h->seq == 0);
	if (h->type == DP_EVENT_TRACE_END) {
		CHECK(len == sizeof(struct dp_trace_end));
		k->ends++;
		return;
	}
	CHECK(h->type == DP_EVENT_TRACE_FRAME && len >= sizeof(struct dp_trace_frame));
	const struct dp_trace_frame *f = msg;
	uint32_t n = (uint32_t)(len - sizeof(*f));

	CHECK(f->orig_len == k->len && f->offset == k->next_off);
	CHECK(f->offset + n <= k->len);
	CHECK(n > 0 || k->len == 0);
	CHECK(memcmp((const uint8_t *)msg + sizeof(*f), k->frame + f->offset, n) == 0);
	k->next_off += n;
	if (k->next_off == k->len) {
		k->next_off = 0;
		k->frames++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct relay_trace t; /* big (a parsed SIP message inside): not on the stack */
	struct relay_trace_where w = { 0, DP_TRACE_IN, "access", 1 };
	struct relay_trace_pkt p;
	struct dp_trace_add a;
	struct sink k = { data, (uint32_t)size, 0, 0, 0 };
	unsigned int hits;

	if (size > 70000)
		return 0;
	if (relay_trace_pkt_parse(data, (uint32_t)size, &p) == 0) {
		CHECK(p.payload >= (const char *)data);
		CHECK(p.payload + p.len <= (const char *)data + size);
	}
	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	a.id = 1;
	a.kind = DP_TRACE_CALL_ID;
	snprintf(a.call_id, sizeof(a.call_id), "%.*s", size > 8 ? 8 : (int)size, (const char *)data);
	for (size_t i = 0; a.call_id[i]; i++)
		if ((unsigned char)a.call_id[i] <= ' ')
			a.call_id[i] = 'x';
	if (a.call_id[0] == '\0')
		a.call_id[0] = 'x';
	CHECK(relay_trace_add(&t, &a, 0) == 0);
	a.id = 2;
	a.kind = DP_TRACE_ADDR;
	a.addr.family = DP_FAMILY_IPV4;
	a.addr.addr[0] = 198;
	a.addr.addr[1] = 18;
	a.addr.addr[2] = 1;
	a.addr.addr[3] = 2;
	a.max_packets = 1;
	CHECK(relay_trace_add(&t, &a, 0) == 0);
	a.id = 3;
	a.addr.family = DP_FAMILY_IPV6;
	a.addr.port = 5060;
	a.max_packets = 0;
	CHECK(relay_trace_add(&t, &a, 0) == 0);
	hits = relay_trace_input(&t, &w, data, (uint32_t)size, emit, &k);
	CHECK(hits <= 3 && k.frames == hits && k.next_off == 0);
	CHECK(k.ends == (t.n == 2 ? 1u : 0u));
	return 0;
}
