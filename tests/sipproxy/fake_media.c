/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "fake_media.h"

void fake_media_init(struct fake_media *f)
{
	memset(f, 0, sizeof(*f));
	f->next_port = 20000;
}

static int port_alloc(void *ctx, uint8_t iface, uint8_t family, uint16_t *port)
{
	struct fake_media *f = ctx;
	unsigned limit = f->port_limit ? f->port_limit : FAKE_MAX_PORTS;

	if (family != RELAY_FAMILY_IPV4 && family != RELAY_FAMILY_IPV6)
		f->errors++;
	if (f->ports_held >= limit)
		return -ENOSPC;
	for (unsigned i = 0; i < FAKE_MAX_PORTS; i++) {
		if (f->ports[i].used)
			continue;
		f->ports[i] = (struct fake_port){ true, iface, family, f->next_port };
		*port = f->next_port;
		f->next_port = f->next_port >= 60000 ? 20000 : (uint16_t)(f->next_port + 2);
		f->ports_held++;
		f->allocs++;
		return 0;
	}
	return -ENOSPC;
}

static void port_release(void *ctx, uint8_t iface, uint8_t family, uint16_t port)
{
	struct fake_media *f = ctx;

	for (unsigned i = 0; i < FAKE_MAX_PORTS; i++) {
		struct fake_port *p = &f->ports[i];

		if (p->used && p->iface == iface && p->family == family && p->port == port) {
			p->used = false;
			f->ports_held--;
			f->releases++;
			return;
		}
	}
	f->errors++; /* released a port it does not hold */
}

static struct fake_stream *find(struct fake_media *f, uint64_t sid, uint32_t idx)
{
	for (unsigned i = 0; i < FAKE_MAX_STREAMS; i++)
		if (f->streams[i].used && f->streams[i].session_id == sid && f->streams[i].media_index == idx)
			return &f->streams[i];
	return NULL;
}

static bool holds(const struct fake_media *f, uint8_t iface, uint16_t port)
{
	for (unsigned i = 0; i < FAKE_MAX_PORTS; i++)
		if (f->ports[i].used && f->ports[i].iface == iface && f->ports[i].port == port)
			return true;
	return false;
}

static int stream_set(void *ctx, uint64_t sid, uint32_t idx, const struct sr_proxy_leg leg[2])
{
	struct fake_media *f = ctx;
	struct fake_stream *s = find(f, sid, idx);

	/* a stream may only use ports the proxy holds */
	if (!holds(f, leg[0].iface, leg[0].local.port) || !holds(f, leg[1].iface, leg[1].local.port))
		f->errors++;
	if (s == NULL) {
		for (unsigned i = 0; i < FAKE_MAX_STREAMS && s == NULL; i++)
			if (!f->streams[i].used)
				s = &f->streams[i];
		if (s == NULL)
			return -ENOSPC;
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->session_id = sid;
		s->media_index = idx;
		f->streams_held++;
	}
	s->sets++;
	memcpy(s->leg, leg, sizeof(s->leg));
	f->stream_sets++;
	return 0;
}

static void stream_del(void *ctx, uint64_t sid, uint32_t idx)
{
	struct fake_media *f = ctx;
	struct fake_stream *s = find(f, sid, idx);

	if (s == NULL) {
		f->errors++;
		return;
	}
	s->used = false;
	f->streams_held--;
	f->stream_dels++;
}

const struct sr_proxy_media_ops fake_media_ops = {
	.port_alloc = port_alloc,
	.port_release = port_release,
	.stream_set = stream_set,
	.stream_del = stream_del,
	.route_iface = NULL,
};

const struct fake_stream *fake_media_stream(const struct fake_media *f, uint64_t sid, uint32_t idx)
{
	return find((struct fake_media *)f, sid, idx);
}

const struct fake_stream *fake_media_any(const struct fake_media *f, uint32_t idx)
{
	const struct fake_stream *r = NULL;

	for (unsigned i = 0; i < FAKE_MAX_STREAMS; i++) {
		if (!f->streams[i].used || f->streams[i].media_index != idx)
			continue;
		if (r != NULL)
			return NULL;
		r = &f->streams[i];
	}
	return r;
}
