/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trace table of the runtime on the service loop: SIP frames in and out, expiry,
 * and the dataplane.sock requests that install and remove filters. Events go to every
 * client of the channel, like the stream events.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <siprelay/dp_proto.h>

#include "channel.h"
#include "dp_ops.h"
#include "iface.h"
#include "runtime.h"
#include "sip_trace.h"

static void
emit(void *arg, const void *msg, size_t len)
{
	struct relay_runtime *rt = arg;

	if (rt->channel != NULL)
		relay_channel_broadcast(rt->channel, msg, len);
}

void
relay_trace_sip(struct relay_runtime *rt, const struct relay_iface *ifc, uint8_t dir,
		const void *frame, uint32_t len)
{
	struct relay_trace_where w;
	struct timespec ts;

	if (rt->trace.n == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	w.iface = ifc->index;
	w.dir = dir;
	w.iface_name = ifc->name;
	w.ts_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	relay_trace_input(&rt->trace, &w, frame, len, emit, rt);
}

void
relay_trace_tick(struct relay_runtime *rt, uint64_t now_us)
{
	relay_trace_expire(&rt->trace, now_us, emit, rt);
}

static void
hdr_reply(struct dp_hdr *h, uint16_t type, uint32_t seq, int32_t status, uint32_t len)
{
	h->magic = DP_PROTO_MAGIC;
	h->version = DP_PROTO_VERSION;
	h->type = type;
	h->seq = seq;
	h->status = status;
	h->len = len;
	h->pad = 0;
}

void
relay_trace_request(struct relay_runtime *rt, const void *msg, size_t len,
		    const struct relay_ops_io *io)
{
	const struct dp_hdr *h = msg;
	struct dp_trace_list list;
	struct dp_reply r;
	int ret;

	memset(&r, 0, sizeof(r));
	memset(&list, 0, sizeof(list));
	switch (h->type) {
	case DP_TRACE_ADD:
		if (len < sizeof(struct dp_trace_add))
			ret = -EBADMSG;
		else if (rt->sip == NULL)
			ret = -EOPNOTSUPP; /* SIP frames reach no one: nothing would match */
		else
			ret = relay_trace_add(&rt->trace, msg, relay_now_us());
		break;
	case DP_TRACE_DEL:
		if (len < sizeof(struct dp_trace_ref)) {
			ret = -EBADMSG;
			break;
		}
		ret = relay_trace_del(&rt->trace, ((const struct dp_trace_ref *)msg)->id, &list);
		if (ret == 0) {
			hdr_reply(&list.h, DP_TRACE_DEL, h->seq, 0, sizeof(list));
			io->reply(io->reply_arg, &list, sizeof(list));
			return;
		}
		break;
	case DP_TRACE_LIST:
		relay_trace_list(&rt->trace, &list);
		hdr_reply(&list.h, DP_TRACE_LIST, h->seq, 0, sizeof(list));
		io->reply(io->reply_arg, &list, sizeof(list));
		return;
	default:
		ret = -EOPNOTSUPP;
	}
	hdr_reply(&r.h, DP_REPLY, h->seq, ret, sizeof(r));
	io->reply(io->reply_arg, &r, sizeof(r));
}
