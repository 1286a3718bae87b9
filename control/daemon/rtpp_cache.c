/* SPDX-License-Identifier: BSD-3-Clause */
/* Retransmission cache: a ring of entries, the oldest replaced; lookups compare a
 * 64-bit hash first and the key bytes only on a hash match. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtpp_cache.h"

struct entry {
	uint64_t hash;
	int64_t expires;
	char *key;     /* peer bytes followed by the message */
	size_t key_len;
	char *reply;
};

struct rtpp_cache {
	struct entry *e;
	unsigned int n;
	unsigned int next; /* ring position to fill */
	int64_t ttl_ms;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t
key_hash(const void *peer, size_t peer_len, const char *msg, size_t msg_len)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, &peer_len, sizeof(peer_len));

	return fnv(fnv(h, peer, peer_len), msg, msg_len);
}

struct rtpp_cache *
rtpp_cache_new(unsigned int entries, int64_t ttl_ms)
{
	struct rtpp_cache *c = calloc(1, sizeof(*c));

	if (c == NULL || entries == 0)
		goto fail;
	c->e = calloc(entries, sizeof(*c->e));
	if (c->e == NULL)
		goto fail;
	c->n = entries;
	c->ttl_ms = ttl_ms;
	return c;
fail:
	free(c);
	return NULL;
}

static void
clear(struct entry *e)
{
	free(e->key);
	free(e->reply);
	memset(e, 0, sizeof(*e));
}

void
rtpp_cache_free(struct rtpp_cache *c)
{
	if (c == NULL)
		return;
	for (unsigned int i = 0; i < c->n; i++)
		clear(&c->e[i]);
	free(c->e);
	free(c);
}

static int
matches(const struct entry *e, uint64_t h, const void *peer, size_t peer_len, const char *msg,
	size_t msg_len)
{
	return e->key != NULL && e->hash == h && e->key_len == peer_len + msg_len &&
	       memcmp(e->key, peer, peer_len) == 0 &&
	       memcmp(e->key + peer_len, msg, msg_len) == 0;
}

const char *
rtpp_cache_get(struct rtpp_cache *c, const void *peer, size_t peer_len, const char *msg,
	       size_t msg_len, int64_t now_ms)
{
	uint64_t h = key_hash(peer, peer_len, msg, msg_len);

	for (unsigned int i = 0; i < c->n; i++) {
		struct entry *e = &c->e[i];

		if (!matches(e, h, peer, peer_len, msg, msg_len))
			continue;
		if (e->expires <= now_ms) {
			clear(e);
			return NULL;
		}
		return e->reply;
	}
	return NULL;
}

int
rtpp_cache_put(struct rtpp_cache *c, const void *peer, size_t peer_len, const char *msg,
	       size_t msg_len, const char *reply, int64_t now_ms)
{
	struct entry *e = &c->e[c->next];
	int reuse = 0;
	char *key = malloc(peer_len + msg_len + 1);
	char *rep = strdup(reply);

	if (key == NULL || rep == NULL) {
		free(key);
		free(rep);
		return -ENOMEM;
	}
	memcpy(key, peer, peer_len);
	memcpy(key + peer_len, msg, msg_len);
	/* one entry per key: a command run again after its entry expired takes its slot */
	for (unsigned int i = 0; i < c->n; i++)
		if (matches(&c->e[i], key_hash(peer, peer_len, msg, msg_len), peer, peer_len, msg,
			    msg_len)) {
			e = &c->e[i];
			reuse = 1;
		}
	clear(e);
	e->hash = key_hash(peer, peer_len, msg, msg_len);
	e->key = key;
	e->key_len = peer_len + msg_len;
	e->reply = rep;
	e->expires = now_ms + c->ttl_ms;
	if (!reuse)
		c->next = (c->next + 1) % c->n;
	return 0;
}

unsigned int
rtpp_cache_count(const struct rtpp_cache *c, int64_t now_ms)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->n; i++)
		n += c->e[i].key != NULL && c->e[i].expires > now_ms;
	return n;
}
