/* SPDX-License-Identifier: BSD-3-Clause */
/* rtpproxy session extras: a chained hash on (session id, media). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtpp_state.h"

#define BUCKETS 1024u /* power of two */

struct node {
	struct rtpp_sess s;
	struct node *next;
};

struct rtpp_state {
	struct node *b[BUCKETS];
	unsigned int count;
};

static unsigned int
bucket(uint64_t sid, uint32_t media)
{
	uint64_t h = (sid ^ ((uint64_t)media << 32 | media)) * 0x9e3779b97f4a7c15ull;

	return (unsigned int)(h >> 32) & (BUCKETS - 1);
}

struct rtpp_state *
rtpp_state_new(void)
{
	return calloc(1, sizeof(struct rtpp_state));
}

static void
free_node(struct node *n)
{
	free(n->s.notify_tag);
	free(n);
}

void
rtpp_state_clear(struct rtpp_state *st)
{
	for (unsigned int i = 0; i < BUCKETS; i++) {
		while (st->b[i] != NULL) {
			struct node *n = st->b[i];

			st->b[i] = n->next;
			free_node(n);
		}
	}
	st->count = 0;
}

void
rtpp_state_free(struct rtpp_state *st)
{
	if (st == NULL)
		return;
	rtpp_state_clear(st);
	free(st);
}

struct rtpp_sess *
rtpp_state_find(struct rtpp_state *st, uint64_t session_id, uint32_t media)
{
	for (struct node *n = st->b[bucket(session_id, media)]; n != NULL; n = n->next)
		if (n->s.session_id == session_id && n->s.media_index == media)
			return &n->s;
	return NULL;
}

struct rtpp_sess *
rtpp_state_get(struct rtpp_state *st, uint64_t session_id, uint32_t media)
{
	struct rtpp_sess *s = rtpp_state_find(st, session_id, media);
	struct node *n;
	unsigned int b;

	if (s != NULL)
		return s;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->s.session_id = session_id;
	n->s.media_index = media;
	b = bucket(session_id, media);
	n->next = st->b[b];
	st->b[b] = n;
	st->count++;
	return &n->s;
}

void
rtpp_state_del(struct rtpp_state *st, uint64_t session_id, uint32_t media)
{
	for (struct node **p = &st->b[bucket(session_id, media)]; *p != NULL; p = &(*p)->next) {
		struct node *n = *p;

		if (n->s.session_id == session_id && n->s.media_index == media) {
			*p = n->next;
			free_node(n);
			st->count--;
			return;
		}
	}
}

int
rtpp_state_set_notify(struct rtpp_sess *s, const char *notify, const char *tag)
{
	char *t = NULL;

	if (notify != NULL && tag != NULL && (t = strdup(tag)) == NULL)
		return -ENOMEM;
	free(s->notify_tag);
	s->notify_tag = t;
	s->notify = t != NULL ? notify : NULL;
	return 0;
}

unsigned int
rtpp_state_count(const struct rtpp_state *st)
{
	return st->count;
}

void
rtpp_state_sweep(struct rtpp_state *st, int (*alive)(void *arg, uint64_t sid, uint32_t media),
		 void *arg)
{
	for (unsigned int i = 0; i < BUCKETS; i++) {
		struct node **p = &st->b[i];

		while (*p != NULL) {
			struct node *n = *p;

			if (alive(arg, n->s.session_id, n->s.media_index)) {
				p = &n->next;
				continue;
			}
			*p = n->next;
			free_node(n);
			st->count--;
		}
	}
}
