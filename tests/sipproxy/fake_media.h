/* SPDX-License-Identifier: BSD-3-Clause */
/* A fake data plane for the SIP proxy's media callbacks: it hands out ports from a
 * counter, records streams, and counts every misuse (a port released twice, a stream
 * deleted that was never set) so that tests and the fuzzer can assert on them. */
#ifndef FAKE_MEDIA_H
#define FAKE_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include <siprelay/sip_proxy.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FAKE_MAX_PORTS 512
#define FAKE_MAX_STREAMS 256

struct fake_port {
	bool used;
	uint8_t iface;
	uint8_t family;
	uint16_t port;
};

struct fake_stream {
	bool used;
	uint64_t session_id;
	uint32_t media_index;
	unsigned sets;
	struct sr_proxy_leg leg[2];
};

struct fake_media {
	unsigned port_limit;    /* ports that may be held at once; 0: FAKE_MAX_PORTS */
	unsigned ports_held;
	unsigned allocs;
	unsigned releases;
	unsigned streams_held;
	unsigned stream_sets;
	unsigned stream_dels;
	unsigned errors;        /* misuse seen */
	uint16_t next_port;
	struct fake_port ports[FAKE_MAX_PORTS];
	struct fake_stream streams[FAKE_MAX_STREAMS];
};

void fake_media_init(struct fake_media *f);
/* The callbacks; ctx must be the struct fake_media. */
extern const struct sr_proxy_media_ops fake_media_ops;
const struct fake_stream *fake_media_stream(const struct fake_media *f, uint64_t session_id,
					    uint32_t media_index);
/* The only stream held, or NULL when there is not exactly one at index media_index. */
const struct fake_stream *fake_media_any(const struct fake_media *f, uint32_t media_index);

#ifdef __cplusplus
}
#endif

#endif
