/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP prefilter's maps as user space sees them (bpf/prefilter.bpf.c): names, keys,
 * values and verdicts. No kernel headers, so that the BPF program, the data plane,
 * siprelay-control and the tests share one definition.
 *
 * The program runs on each interface the data plane drives through net_af_xdp
 * (devarg xdp_prog=) and decides, in this order:
 *   1. not IPv4/IPv6 (ARP, ...)       -> the kernel (or the data plane: PF_F_ARP_TO_RELAY)
 *   2. truncated or malformed headers -> drop (PF_F_PASS_MALFORMED: the kernel)
 *      IP fragments                   -> drop (PF_F_PASS_FRAGMENTS: the kernel)
 *   3. source in the ban trie         -> drop, unless the ban has expired
 *   4. UDP to a SIP port              -> per-source token bucket (requests only, where
 *                                        PF_F_RATE_REQUESTS): over -> drop; else the
 *                                        data plane
 *   5. UDP to the media port range    -> an open pinhole (and, if strict, from the latched
 *                                        address): the data plane; else drop
 *   6. anything else                  -> the kernel (management traffic keeps working)
 * Every decision is counted in the per-CPU array PF_MAP_STATS, indexed by pf_verdict.
 *
 * Maps other than the XSKMAP are pinned by name under the bpffs root (/sys/fs/bpf),
 * so that both interfaces' programs share them and siprelay-control programs them.
 */
#ifndef SIPRELAY_PREFILTER_H
#define SIPRELAY_PREFILTER_H

#include <stdint.h>

#include <siprelay/guard.h> /* struct sr_prefix (ban key), struct sr_bucket */

#define PF_PIN_ROOT "/sys/fs/bpf"
#define PF_MAP_CONFIG "sr_pf_config"
#define PF_MAP_BANS "sr_pf_bans"
#define PF_MAP_BUCKETS "sr_pf_buckets"
#define PF_MAP_PINHOLES "sr_pf_pinholes"
#define PF_MAP_STATS "sr_pf_stats"

#define PF_MAX_BANS 65536
#define PF_MAX_BUCKETS 65536
#define PF_MAX_PINHOLES 1048576
#define PF_MAX_IFACES 64
#define PF_SIP_PORTS 4

/* What the program decided; the index of PF_MAP_STATS. */
enum pf_verdict {
	PF_V_UNCONFIGURED,    /* no config for this interface yet: to the data plane */
	PF_V_NON_IP,          /* ARP and other EtherTypes */
	PF_V_MALFORMED,       /* truncated or inconsistent Ethernet/IP/UDP headers */
	PF_V_FRAGMENT,        /* IPv4 fragment or IPv6 fragment header */
	PF_V_BANNED,          /* source matches an unexpired ban */
	PF_V_SIP_RATE,        /* SIP request over its source's token bucket */
	PF_V_SIP,             /* SIP to the data plane */
	PF_V_MEDIA_CLOSED,    /* media range, no pinhole */
	PF_V_MEDIA_SOURCE,    /* pinhole is strict and the source is not the latched one */
	PF_V_MEDIA,           /* media to the data plane */
	PF_V_OTHER,           /* everything else: to the kernel */
	PF_V_MAX,
};

/* Names of the verdicts in statistics (siprelayctl stats, Prometheus), by index. */
#define PF_VERDICT_NAMES { "unconfigured", "non_ip", "malformed", "fragment", "banned", \
	"sip_rate_limited", "sip", "media_closed", "media_wrong_source", "media", "other" }

/* pf_config.flags */
#define PF_F_PASS_MALFORMED 0x01 /* hand malformed frames to the kernel instead of dropping */
#define PF_F_PASS_FRAGMENTS 0x02 /* same for fragments */
#define PF_F_ARP_TO_RELAY   0x04 /* ARP and IPv6 ND to the data plane, which owns the
				  * addresses (the lab: the kernel holds none) */
#define PF_F_RATE_REQUESTS  0x08 /* apply the per-source SIP rate on this interface */

/*
 * Per interface (key: ifindex, host order; 0 = any interface without its own entry).
 * Ports in host order; a zero SIP port is unused; media_lo > media_hi: no media range.
 */
struct pf_config {
	uint32_t flags;
	uint16_t sip_port[PF_SIP_PORTS];
	uint16_t media_lo;
	uint16_t media_hi;
	uint32_t sip_rate;   /* requests a second per source; 0: unlimited */
	uint32_t sip_burst;  /* 0: the rate */
};

/* Ban value (key: struct sr_prefix, addresses in the 16-byte form of guard.h). */
struct pf_ban {
	uint64_t expires_ns; /* CLOCK_MONOTONIC; 0: never */
};

/*
 * Pinhole: a media port of a live stream. Key: the local address in the 16-byte form
 * and the RTP (even) port, host order; RTCP on port+1 uses the same pinhole.
 */
struct pf_pinhole_key {
	uint8_t addr[16];
	uint16_t port;
	uint16_t pad;        /* zero */
};

#define PF_PIN_STRICT 0x01   /* only from remote, once remote is known (non-zero) */

struct pf_pinhole {
	uint32_t flags;
	uint8_t remote[16];  /* latched source, 16-byte form; all zero: not yet known */
};

/* The bucket key: a source in the 16-byte form. Value: struct sr_bucket. */
struct pf_bucket_key {
	uint8_t addr[16];
};

#endif
