/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * relay-pcap-gen: write the pcap that scripts/bench/relay-pps replays. Each packet is
 * RTP to leg A of one preloaded stream (same mapping as the data plane's preload, from
 * the same config file); D distinct streams drawn at random from N, in random order.
 *
 *   relay-pcap-gen -c CONFIG -n STREAMS -d DISTINCT -o OUT.pcap [-s SEED]
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/relay_types.h>

#include "config.h"
#include "preload.h"

#define PAYLOAD 172 /* 20 ms of G.711 plus the RTP header */

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major;
	uint16_t minor;
	int32_t zone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t sec;
	uint32_t usec;
	uint32_t caplen;
	uint32_t len;
};

/* xorshift64*: reproducible with a seed, good enough to shuffle */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static uint16_t
csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
frame(uint8_t *f, const struct relay_leg *a, uint32_t k)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *rtp = udp + 8;
	uint16_t ulen = 8 + PAYLOAD, c;
	uint8_t pseudo[12 + 8 + PAYLOAD] = {0};
	uint32_t src = 0xc6134000 + (k & 0x3fff); /* 198.19.64.0/18: callers */
	int i;

	memset(f, 0, 14 + 20 + ulen);
	memcpy(f, "\x02\x00\x00\x00\x01\x01\x02\x00\x00\x00\x01\x02\x08\x00", 14);
	ip[0] = 0x45;
	ip[1] = 0xb8;
	ip[2] = (uint8_t)((20 + ulen) >> 8);
	ip[3] = (uint8_t)(20 + ulen);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	for (i = 0; i < 4; i++)
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
	memcpy(ip + 16, &a->local_addr, 4);
	c = csum16(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)((16384 + 2 * (k % 20000)) >> 8);
	udp[1] = (uint8_t)(16384 + 2 * (k % 20000));
	udp[2] = (uint8_t)(a->local_port >> 8);
	udp[3] = (uint8_t)a->local_port;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	rtp[0] = 0x80;
	rtp[2] = (uint8_t)(k >> 8);
	rtp[3] = (uint8_t)k;
	for (i = 0; i < 4; i++)
		rtp[8 + i] = (uint8_t)(k >> (24 - 8 * i));
	memset(rtp + 12, 0xd5, PAYLOAD - 12); /* A-law silence */
	/* a complete UDP checksum, as RTP senders on a wire send it (PAYLOAD is even) */
	memcpy(pseudo, ip + 12, 8);
	pseudo[9] = 17;
	pseudo[10] = udp[4];
	pseudo[11] = udp[5];
	memcpy(pseudo + 12, udp, ulen);
	c = csum16(pseudo, 12 + (size_t)ulen);
	if (c == 0)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

int
main(int argc, char **argv)
{
	struct relay_config cfg;
	struct pcap_file_hdr fh = {0xa1b2c3d4, 2, 4, 0, 0, 65535, 1};
	struct pcap_rec_hdr rh = {0, 0, 14 + 20 + 8 + PAYLOAD, 14 + 20 + 8 + PAYLOAD};
	const char *conf = NULL, *out = NULL;
	uint32_t n = 0, d = 0, i, j, *idx, t;
	uint64_t seed = 0x5eed5eedull;
	struct relay_stream s;
	uint8_t f[256];
	char err[256];
	FILE *fp;
	int c;

	while ((c = getopt(argc, argv, "c:n:d:o:s:")) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'd': d = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'o': out = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0) | 1; break;
		default: return 2;
		}
	}
	if (conf == NULL || out == NULL || n == 0 || d == 0 || d > n) {
		fprintf(stderr, "usage: %s -c CONFIG -n STREAMS -d DISTINCT -o OUT.pcap\n", argv[0]);
		return 2;
	}
	relay_config_defaults(&cfg);
	if (relay_config_load(&cfg, conf, err, sizeof(err)) < 0 || cfg.n_ifaces < 2) {
		fprintf(stderr, "%s: %s\n", conf, err);
		return 1;
	}
	if (n > relay_preload_max(&cfg.iface[0], &cfg.iface[1])) {
		fprintf(stderr, "%u streams do not fit the address pools\n", n);
		return 1;
	}
	idx = malloc(sizeof(*idx) * n);
	fp = fopen(out, "wb");
	if (idx == NULL || fp == NULL) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		return 1;
	}
	/* partial Fisher-Yates: the first d entries are a random sample in random order */
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < d; i++) {
		j = i + (uint32_t)(rnd(&seed) % (n - i));
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	fwrite(&fh, sizeof(fh), 1, fp);
	for (i = 0; i < d; i++) {
		relay_preload_stream(idx[i], &cfg.iface[0], &cfg.iface[1], 0, &s);
		frame(f, &s.leg[0], idx[i]);
		rh.usec = i % 1000000;
		fwrite(&rh, sizeof(rh), 1, fp);
		fwrite(f, rh.caplen, 1, fp);
	}
	free(idx);
	return fclose(fp) == 0 ? 0 : 1;
}
