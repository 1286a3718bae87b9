/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The XDP prefilter: what siprelay expects goes to the data plane's AF_XDP socket,
 * floods and strangers are dropped before they cost the data plane a cycle, and the
 * rest goes to the kernel. Verdicts, maps and their order: include/siprelay/prefilter.h.
 *
 * The decision itself is prefilter_logic.h, shared with the data plane's software
 * prefilter; this file holds the maps and hands them to it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include <siprelay/prefilter.h>

/* The data plane's queues: the net_af_xdp PMD fills this map, by this name. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PF_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct pf_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sr_pf_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PF_MAX_BANS);
	__type(key, struct sr_prefix);
	__type(value, struct pf_ban);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sr_pf_bans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PF_MAX_BUCKETS);
	__type(key, struct pf_bucket_key);
	__type(value, struct sr_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sr_pf_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PF_MAX_PINHOLES);
	__type(key, struct pf_pinhole_key);
	__type(value, struct pf_pinhole);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sr_pf_pinholes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PF_V_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sr_pf_stats SEC(".maps");

/* The tables pf_decide() asks (prefilter_logic.h): the maps above. */
struct pf_env {
	__u64 now_ns;
};

#define PF_INLINE static __always_inline

PF_INLINE bool
pf_env_banned(struct pf_env *e, const struct sr_prefix *src)
{
	struct pf_ban *ban = bpf_map_lookup_elem(&sr_pf_bans, src);

	return ban != NULL && (ban->expires_ns == 0 || ban->expires_ns > e->now_ns);
}

PF_INLINE bool
pf_env_sip_take(struct pf_env *e, const struct pf_config *c, const uint8_t src[16])
{
	struct pf_bucket_key k;
	struct sr_bucket *b, fresh;
	__u64 now_us = e->now_ns / 1000;

	__builtin_memcpy(k.addr, src, 16);
	b = bpf_map_lookup_elem(&sr_pf_buckets, &k);
	if (b == NULL) {
		/* a new source starts full, less this request */
		sr_bucket_init(&fresh, c->sip_rate, c->sip_burst, now_us);
		sr_bucket_take(&fresh, c->sip_rate, c->sip_burst, now_us);
		bpf_map_update_elem(&sr_pf_buckets, &k, &fresh, BPF_ANY);
		return true;
	}
	/* racy across CPUs by design: a lost update lets one request more through */
	return sr_bucket_take(b, c->sip_rate, c->sip_burst, now_us);
}

PF_INLINE bool
pf_env_pinhole(struct pf_env *e, const struct pf_pinhole_key *k, struct pf_pinhole *out)
{
	struct pf_pinhole *ph = bpf_map_lookup_elem(&sr_pf_pinholes, k);

	(void)e;
	if (ph == NULL)
		return false;
	*out = *ph;
	return true;
}

#include <siprelay/prefilter_logic.h>

static __always_inline void
count(enum pf_verdict v)
{
	__u32 k = v;
	__u64 *n = bpf_map_lookup_elem(&sr_pf_stats, &k);

	if (n != NULL)
		*n += 1; /* per-CPU: no atomics */
}

SEC("xdp")
int siprelay_prefilter(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data, *end = (const __u8 *)(long)ctx->data_end;
	__u32 ifindex = ctx->ingress_ifindex, any = 0;
	struct pf_config *cfg = bpf_map_lookup_elem(&sr_pf_config, &ifindex);
	struct pf_env env = { .now_ns = bpf_ktime_get_ns() };
	enum pf_verdict v;

	if (cfg == NULL)
		cfg = bpf_map_lookup_elem(&sr_pf_config, &any);
	if (cfg == NULL) {
		/* before the data plane configures us: behave like the PMD's own program */
		count(PF_V_UNCONFIGURED);
		return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	}
	if ((cfg->flags & PF_F_ARP_TO_RELAY) && pf_is_neighbour(data, end)) {
		count(PF_V_NON_IP);
		return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	}
	v = pf_decide(&env, cfg, data, end);
	count(v);
	switch (pf_action_of(v, cfg)) {
	case PF_ACT_RELAY:
		return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	case PF_ACT_DROP:
		return XDP_DROP;
	default:
		return XDP_PASS;
	}
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
