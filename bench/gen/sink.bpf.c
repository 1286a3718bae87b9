/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * srsink's XDP program: consumes the benchmark's UDP frames where they arrive, so that
 * counting them costs the relay nothing. For IPv4 UDP to a port in [port_lo, port_hi]:
 * verify the IPv4 and UDP checksums, read srgen's stamp (wire.h), update the flow's
 * sequence state and the one-way latency histogram, then drop. Everything else goes
 * to the kernel untouched. Counters and layouts: sink.h.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sink.h"
#include "wire.h"

/* Set by the loader before the program is loaded. */
const volatile __u16 port_lo = 1;
const volatile __u16 port_hi = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_HIST_BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} sink_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SINK_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct sink_flow);
} sink_flows SEC(".maps");

struct ip4 {
	__u8 vihl, tos;
	__be16 tot_len, id, frag_off;
	__u8 ttl, protocol;
	__be16 check;
	__be32 saddr, daddr;
};

struct udp {
	__be16 source, dest, len, check;
};

static __always_inline __u64 *
counter(__u32 idx)
{
	return bpf_map_lookup_elem(&sink_stats, &idx);
}

static __always_inline void
count(__u32 idx, __u64 v)
{
	__u64 *c = counter(idx);

	if (c != NULL)
		*c += v;
}

static __always_inline __u16
fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * The next n bytes at *p, or NULL past the frame. barrier_var keeps clang from folding
 * the bound into arithmetic on the end pointer, which the verifier refuses.
 */
static __always_inline void *
take(void **p, void *end, __u32 n)
{
	void *q = *p, *next = q + n;

	barrier_var(next);
	if (next > end)
		return NULL;
	*p = next;
	return q;
}

/*
 * One's complement sum of len bytes at p, in memory order (the caller compares the
 * folded result with 0xffff, which is byte-order neutral). 32-bit words first, then
 * the 0..3 tail bytes; an odd last byte counts as the high byte of a zero-padded word.
 * *ok turns 0 when the bytes run past the frame; the loop bound is for the verifier
 * (the caller keeps len <= SINK_MAX_UDP_LEN).
 */
static __always_inline __u64
sum_bytes(void *p, void *end, __u32 len, int *ok)
{
	__u64 sum = 0;
	__u32 i, *w;
	__u16 *h;
	__u8 *b;

	*ok = 0;
	for (i = 0; i < SINK_MAX_UDP_LEN / 4 && len >= 4; i++, len -= 4) {
		w = take(&p, end, 4);
		if (w == NULL)
			return 0;
		sum += *w;
	}
	if (len >= 4)
		return 0;
	if (len >= 2) {
		h = take(&p, end, 2);
		if (h == NULL)
			return 0;
		sum += *h;
		len -= 2;
	}
	if (len == 1) {
		__u16 pad = 0;

		b = take(&p, end, 1);
		if (b == NULL)
			return 0;
		*(__u8 *)&pad = *b;
		sum += pad;
	}
	*ok = 1;
	return sum;
}

static __always_inline int
ip_csum_ok(struct ip4 *ip, void *end, __u32 hlen)
{
	int ok;
	__u64 sum = sum_bytes(ip, end, hlen, &ok);

	return ok && fold(sum) == 0xffff;
}

static __always_inline void
record_latency(__u64 now, __u64 tx_ns)
{
	__u64 lat, *c;
	__u32 b;

	if (tx_ns > now) {
		count(SINK_C_CLOCK_BACK, 1);
		return;
	}
	lat = now - tx_ns;
	b = sink_hist_bucket(lat);
	c = bpf_map_lookup_elem(&sink_hist, &b);
	if (c != NULL)
		*c += 1;
	count(SINK_C_LAT_SUM, lat);
	c = counter(SINK_C_LAT_MAX);
	if (c != NULL && lat > *c)
		*c = lat;
}

static __always_inline void
record_flow(__u32 id, __u64 seq, __u64 bytes, __u64 now)
{
	struct sink_flow *f = bpf_map_lookup_elem(&sink_flows, &id);

	if (f == NULL) {
		struct sink_flow init = {};

		/* another CPU may win the insert: NOEXIST, then look it up either way */
		bpf_map_update_elem(&sink_flows, &id, &init, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&sink_flows, &id);
		if (f == NULL) {
			count(SINK_C_FLOWS_FULL, 1);
			return;
		}
	}
	bpf_spin_lock(&f->lock);
	if (f->pkts == 0) {
		f->first_seq = seq;
		f->max_seq = seq;
		f->first_ns = now;
	} else if (seq > f->max_seq) {
		if (seq != f->max_seq + 1)
			f->gaps++;
		f->max_seq = seq;
	} else {
		f->reordered++;
	}
	f->pkts++;
	f->bytes += bytes;
	f->last_ns = now;
	bpf_spin_unlock(&f->lock);
}

/* The stamp after an RTP header without CSRCs or extension; 0 when there is none. */
static __always_inline int
read_stamp(__u8 *pl, void *end, __u32 plen, struct srgen_stamp *st)
{
	if (plen < SRGEN_MIN_RTP_PAYLOAD || (void *)(pl + SRGEN_MIN_RTP_PAYLOAD) > end)
		return 0;
	if ((pl[0] & 0xdf) != 0x80) /* V=2, X=0, CC=0; padding allowed */
		return 0;
	__builtin_memcpy(st, pl + SRGEN_STAMP_OFF, sizeof(*st));
	return st->magic == bpf_htonl(SRGEN_MAGIC);
}

SEC("xdp")
int srsink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct srgen_stamp st;
	struct ip4 *ip;
	struct udp *u;
	__u32 hlen, tot, ulen, dport;
	__u64 now, sum;
	int ok;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || (ip->vihl >> 4) != 4 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	if (ip->frag_off & bpf_htons(0x3fff)) /* fragments are not the benchmark's */
		return XDP_PASS;
	hlen = (ip->vihl & 0x0f) * 4;
	if (hlen < sizeof(*ip))
		return XDP_PASS;
	u = (void *)ip + hlen;
	if ((void *)(u + 1) > end)
		return XDP_PASS;
	dport = bpf_ntohs(u->dest);
	if (dport < port_lo || dport > port_hi)
		return XDP_PASS;

	/* ours from here on: counted and consumed whatever state it is in */
	now = bpf_ktime_get_ns();
	count(SINK_C_PKTS, 1);
	count(SINK_C_BYTES, end - data);
	tot = bpf_ntohs(ip->tot_len);
	ulen = bpf_ntohs(u->len);
	if (tot < hlen + sizeof(*u) || (void *)ip + tot > end || ulen < sizeof(*u) ||
	    ulen > tot - hlen) {
		count(SINK_C_MALFORMED, 1);
		return XDP_DROP;
	}
	if (!ip_csum_ok(ip, end, hlen))
		count(SINK_C_BAD_IP_CSUM, 1);
	if (u->check == 0) {
		count(SINK_C_ZERO_UDP_CSUM, 1);
		return XDP_DROP;
	}
	if (ulen > SINK_MAX_UDP_LEN) {
		count(SINK_C_TOO_LONG, 1);
		return XDP_DROP;
	}
	/* pseudo header (addresses, protocol, UDP length), then the datagram itself */
	sum = (__u64)ip->saddr + ip->daddr + bpf_htons(IPPROTO_UDP) + u->len;
	sum += sum_bytes(u, end, ulen, &ok);
	if (!ok || fold(sum) != 0xffff) {
		count(SINK_C_BAD_UDP_CSUM, 1);
		return XDP_DROP;
	}
	if (!read_stamp((__u8 *)(u + 1), end, ulen - sizeof(*u), &st)) {
		count(SINK_C_UNSTAMPED, 1);
		return XDP_DROP;
	}
	count(SINK_C_STAMPED, 1);
	record_flow(bpf_ntohl(st.flow), bpf_be64_to_cpu(st.seq), end - data, now);
	record_latency(now, bpf_be64_to_cpu(st.tx_ns));
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
