/* SPDX-License-Identifier: BSD-3-Clause */
/* Timeout policy: streams by handle, judged per session at the end of each scan. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "timeouts.h"

#define NEVER INT64_MIN
/* leg idle times beyond this (a week of ms many times over) are "long ago" */
#define IDLE_CAP ((uint64_t)1 << 50)
#define MAX_HANDLE (1u << 28)

struct tmo_entry {
	uint64_t session_id;
	uint64_t epoch;        /* the scan that saw it last */
	int64_t first_ms;      /* first seen */
	int64_t answered_ms;   /* leg B got an address or a packet; NEVER = before first seen */
	int64_t last_pkt_ms;   /* NEVER = no packet yet */
	uint32_t gen;
	uint32_t media_index;
	uint8_t used;
	uint8_t answered;
};

/* a seen stream, sorted by session for the judgement */
struct tmo_seen {
	uint64_t session_id;
	uint32_t handle;
};

struct timeouts {
	struct tmo_config cfg;
	struct tmo_entry *e;
	uint32_t size;
	uint32_t count;
	struct tmo_seen *seen;
	struct tmo_stream_ref *refs;
	uint32_t scratch; /* entries of seen and refs */
	uint64_t epoch;
	int64_t now_ms;
	int resync;       /* this scan is the first since a reset */
	uint64_t ended[TMO_KINDS];
};

/* What a session (or a stream alone) looks like to the rules. */
struct tmo_view {
	int64_t first_ms;
	int64_t answered_ms;
	int64_t last_pkt_ms;
	int answered;
};

struct timeouts *
timeouts_new(const struct tmo_config *cfg)
{
	struct timeouts *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cfg = *cfg;
	t->resync = 1;
	return t;
}

void
timeouts_free(struct timeouts *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t->seen);
	free(t->refs);
	free(t);
}

void timeouts_set_config(struct timeouts *t, const struct tmo_config *cfg) { t->cfg = *cfg; }
const struct tmo_config *timeouts_config(const struct timeouts *t) { return &t->cfg; }
uint64_t timeouts_count(const struct timeouts *t, enum tmo_kind k) { return t->ended[k]; }
uint32_t timeouts_tracked(const struct timeouts *t) { return t->count; }

const char *
timeouts_kind_name(enum tmo_kind kind)
{
	static const char *const names[TMO_KINDS] = { "idle", "final", "offer" };

	return (unsigned int)kind < TMO_KINDS ? names[kind] : "?";
}

void
timeouts_reset(struct timeouts *t)
{
	if (t->e != NULL)
		memset(t->e, 0, (size_t)t->size * sizeof(*t->e));
	t->count = 0;
	t->resync = 1;
}

void
timeouts_scan_begin(struct timeouts *t, int64_t now_ms)
{
	t->epoch++;
	t->now_ms = now_ms;
}

static int
grow(struct timeouts *t, uint32_t handle)
{
	uint32_t n = t->size ? t->size : 1024;
	struct tmo_entry *e;

	if (handle >= MAX_HANDLE)
		return -EINVAL;
	while (n <= handle)
		n *= 2;
	e = realloc(t->e, (size_t)n * sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	memset(e + t->size, 0, (size_t)(n - t->size) * sizeof(*e));
	t->e = e;
	t->size = n;
	return 0;
}

int
timeouts_observe(struct timeouts *t, const struct tmo_obs *o)
{
	struct tmo_entry *x;
	uint64_t idle = UINT64_MAX;
	int ret;

	if (o->handle >= t->size && (ret = grow(t, o->handle)) < 0)
		return ret;
	x = &t->e[o->handle];
	if (!x->used || x->gen != o->gen || x->session_id != o->session_id) {
		/* new, or its slot was reused by another stream since the last scan */
		if (!x->used)
			t->count++;
		memset(x, 0, sizeof(*x));
		x->used = 1;
		x->gen = o->gen;
		x->session_id = o->session_id;
		x->first_ms = t->now_ms;
		x->last_pkt_ms = NEVER;
	}
	x->media_index = o->media_index;
	x->epoch = t->epoch;
	for (int k = 0; k < 2; k++)
		if (o->idle_ms[k] < idle)
			idle = o->idle_ms[k];
	if (idle != UINT64_MAX) {
		int64_t last = t->now_ms - (int64_t)(idle < IDLE_CAP ? idle : IDLE_CAP);

		if (last > x->last_pkt_ms)
			x->last_pkt_ms = last;
	}
	if (!x->answered && (o->has_remote[1] || o->idle_ms[1] != UINT64_MAX)) {
		x->answered = 1;
		/* answered before we knew it: its packets (if any) say how idle it is */
		x->answered_ms = t->resync && x->first_ms == t->now_ms ? NEVER : t->now_ms;
	}
	return 0;
}

/*
 * Milliseconds left before the first rule fires, INT64_MAX when no rule applies. When
 * it is <= 0, *kind names the first expired rule in the documented order (final, offer,
 * idle). *idle_ms gets the idle time the idle rule judges.
 */
static int64_t
left_ms(const struct tmo_config *c, const struct tmo_view *v, int64_t now,
	enum tmo_kind *kind, int64_t *idle_ms)
{
	int64_t left[TMO_KINDS] = { INT64_MAX, INT64_MAX, INT64_MAX }, best = INT64_MAX, ref;
	static const enum tmo_kind order[] = { TMO_FINAL, TMO_OFFER, TMO_IDLE };

	*idle_ms = 0;
	if (c->final_s)
		left[TMO_FINAL] = v->first_ms + (int64_t)c->final_s * 1000 - now;
	if (!v->answered && c->offer_s)
		left[TMO_OFFER] = v->first_ms + (int64_t)c->offer_s * 1000 - now;
	if (v->answered && c->idle_s) {
		ref = v->answered_ms > v->last_pkt_ms ? v->answered_ms : v->last_pkt_ms;
		if (ref == NEVER)
			ref = v->first_ms; /* resynced, answered, silent: idle since we know it */
		*idle_ms = now - ref;
		left[TMO_IDLE] = ref + (int64_t)c->idle_s * 1000 - now;
	}
	for (unsigned int i = 0; i < TMO_KINDS; i++) {
		if (left[order[i]] <= 0 && best > 0)
			*kind = order[i];
		if (left[order[i]] < best)
			best = left[order[i]];
	}
	return best;
}

static void
view_add(struct tmo_view *v, const struct tmo_entry *x, int first)
{
	if (first) {
		v->first_ms = x->first_ms;
		v->answered_ms = x->answered ? x->answered_ms : INT64_MAX;
		v->last_pkt_ms = x->last_pkt_ms;
		v->answered = x->answered;
		return;
	}
	if (x->first_ms < v->first_ms)
		v->first_ms = x->first_ms;
	if (x->answered && x->answered_ms < v->answered_ms)
		v->answered_ms = x->answered_ms;
	if (x->last_pkt_ms > v->last_pkt_ms)
		v->last_pkt_ms = x->last_pkt_ms;
	v->answered |= x->answered;
}

int64_t
timeouts_ttl_ms(const struct timeouts *t, uint32_t handle, uint32_t gen)
{
	struct tmo_view v;
	enum tmo_kind kind;
	int64_t idle, left;

	if (handle >= t->size || !t->e[handle].used || t->e[handle].gen != gen)
		return -1;
	view_add(&v, &t->e[handle], 1);
	left = left_ms(&t->cfg, &v, t->now_ms, &kind, &idle);
	if (left == INT64_MAX)
		return -1;
	return left > 0 ? left : 0;
}

static int
by_session(const void *a, const void *b)
{
	const struct tmo_seen *x = a, *y = b;

	if (x->session_id != y->session_id)
		return x->session_id < y->session_id ? -1 : 1;
	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

static int
scratch_for(struct timeouts *t, uint32_t n)
{
	struct tmo_seen *s;
	struct tmo_stream_ref *r;

	if (n <= t->scratch)
		return 0;
	s = realloc(t->seen, (size_t)n * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	t->seen = s;
	r = realloc(t->refs, (size_t)n * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	t->refs = r;
	t->scratch = n;
	return 0;
}

/* Judges the session of seen[0..n) and ends it through cb when a rule fired. */
static unsigned int
judge(struct timeouts *t, const struct tmo_seen *seen, uint32_t n, tmo_expire_cb cb, void *arg)
{
	struct tmo_expired ex;
	struct tmo_view v;
	enum tmo_kind kind = TMO_IDLE;
	int64_t idle;

	for (uint32_t i = 0; i < n; i++)
		view_add(&v, &t->e[seen[i].handle], i == 0);
	if (left_ms(&t->cfg, &v, t->now_ms, &kind, &idle) > 0)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct tmo_entry *x = &t->e[seen[i].handle];

		t->refs[i] = (struct tmo_stream_ref){ seen[i].handle, x->gen, x->media_index };
	}
	ex = (struct tmo_expired){
		.kind = kind,
		.session_id = seen[0].session_id,
		.age_ms = (uint64_t)(t->now_ms - v.first_ms),
		.idle_ms = kind == TMO_IDLE ? (uint64_t)idle : 0,
		.n_streams = n,
		.streams = t->refs,
	};
	if (cb(arg, &ex) < 0)
		return 0;
	t->ended[kind]++;
	return 1;
}

unsigned int
timeouts_scan_end(struct timeouts *t, tmo_expire_cb cb, void *arg)
{
	uint32_t n = 0, i, j;
	unsigned int ended = 0;

	t->resync = 0;
	if (scratch_for(t, t->count) < 0)
		return 0; /* out of memory: nothing judged this time, nothing forgotten */
	for (i = 0; i < t->size; i++) {
		struct tmo_entry *x = &t->e[i];

		if (!x->used)
			continue;
		if (x->epoch != t->epoch) {
			x->used = 0; /* gone from the data plane */
			t->count--;
			continue;
		}
		t->seen[n++] = (struct tmo_seen){ x->session_id, i };
	}
	if (n > 1)
		qsort(t->seen, n, sizeof(*t->seen), by_session);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && t->seen[j].session_id == t->seen[i].session_id; j++)
			;
		ended += judge(t, t->seen + i, j - i, cb, arg);
	}
	return ended;
}

int
timeouts_parse_s(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > TMO_MAX_S)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}
