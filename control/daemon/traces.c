/* SPDX-License-Identifier: BSD-3-Clause */
/* SIP traces: filters in the data plane, frames reassembled into pcapng files. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dp_client.h"
#include "trace_writer.h"
#include "traces.h"

#define N_SLOTS (DP_TRACE_MAX + TRACES_KEEP_FINISHED)

struct trace {
	struct trace_info info;     /* id 0 = free slot */
	struct trace_spec spec;
	struct trace_writer *w;
	uint32_t last_frame;        /* highest frame number seen */
	/* the frame being put together from its pieces */
	bool assembling;
	uint32_t frame;
	uint32_t have;
	uint32_t orig_len;
	uint64_t ts_ns;
	uint8_t dir;
	char ifname[33];
	uint8_t *buf;               /* TRACE_FRAME_MAX bytes, while running */
	dev_t dev;                  /* of the file: another trace may not overwrite it */
	ino_t ino;
};

struct traces {
	char dir[PATH_MAX];
	uint32_t next_id;
	uint64_t seq;               /* order of starts, to evict the oldest finished */
	struct trace slot[N_SLOTS];
	uint64_t started_at[N_SLOTS];
};

const char *
trace_end_name(enum trace_end e)
{
	static const char *const names[] = {
		[TRACE_RUNNING] = "running",
		[TRACE_END_STOPPED] = "stopped",
		[TRACE_END_PACKETS] = "max_packets",
		[TRACE_END_TIME] = "max_seconds",
		[TRACE_END_GONE] = "dataplane_restarted",
		[TRACE_END_WRITE_ERROR] = "write_error",
		[TRACE_END_SHUTDOWN] = "shutdown",
	};

	return (unsigned int)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

struct traces *
traces_new(const char *default_dir)
{
	struct traces *t = calloc(1, sizeof(*t));
	struct stat st;

	if (t == NULL)
		return NULL;
	if (default_dir == NULL)
		default_dir = stat("/var/lib/siprelay", &st) == 0 && S_ISDIR(st.st_mode) ?
			      "/var/lib/siprelay" : "/tmp";
	snprintf(t->dir, sizeof(t->dir), "%s", default_dir);
	t->next_id = 1;
	return t;
}

static int64_t
wall_s(void)
{
	return (int64_t)time(NULL);
}

/* Writes what arrived of the frame being assembled (whole or cut short). */
static void
flush_frame(struct trace *tr)
{
	int ifidx, ret;

	if (!tr->assembling)
		return;
	tr->assembling = false;
	if (tr->w == NULL)
		return;
	ifidx = trace_writer_iface(tr->w, tr->ifname[0] ? tr->ifname : "siprelay");
	ret = ifidx < 0 ? ifidx :
	      trace_writer_packet(tr->w, (unsigned int)ifidx, tr->ts_ns, tr->buf, tr->have,
				  tr->orig_len, tr->dir == DP_TRACE_OUT ? TRACE_DIR_OUT :
				  TRACE_DIR_IN);
	if (ret < 0) {
		tr->info.end = TRACE_END_WRITE_ERROR;
		tr->info.error = ret;
		return;
	}
	tr->info.packets++;
	if (tr->have < tr->orig_len)
		tr->info.truncated++;
	tr->info.bytes = trace_writer_bytes(tr->w);
}

/* Running -> finished: the file is closed, the slot keeps the counts. */
static void
finish(struct trace *tr, enum trace_end why)
{
	int ret;

	if (tr->w == NULL)
		return;
	flush_frame(tr);
	if (tr->info.end == TRACE_RUNNING)
		tr->info.end = why;
	tr->info.bytes = trace_writer_bytes(tr->w);
	ret = trace_writer_close(tr->w);
	if (ret < 0 && tr->info.error == 0) {
		tr->info.end = TRACE_END_WRITE_ERROR;
		tr->info.error = ret;
	}
	tr->w = NULL;
	free(tr->buf);
	tr->buf = NULL;
	tr->info.ended = wall_s();
}

void
traces_free(struct traces *t)
{
	unsigned int i;

	if (t == NULL)
		return;
	for (i = 0; i < N_SLOTS; i++)
		finish(&t->slot[i], TRACE_END_SHUTDOWN);
	free(t);
}

static bool
running(const struct trace *tr)
{
	return tr->info.id != 0 && tr->w != NULL;
}

unsigned int
traces_running(const struct traces *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < N_SLOTS; i++)
		n += running(&t->slot[i]);
	return n;
}

static struct trace *
find(struct traces *t, uint32_t id)
{
	unsigned int i;

	for (i = 0; id != 0 && i < N_SLOTS; i++)
		if (t->slot[i].info.id == id)
			return &t->slot[i];
	return NULL;
}

/* ---- events ---- */

static void
on_frame(struct traces *t, const struct dp_trace_frame *ev, const uint8_t *data, uint32_t n)
{
	struct trace *tr = find(t, ev->id);
	bool new_frame;

	if (tr == NULL || !running(tr) || tr->info.end != TRACE_RUNNING)
		return; /* a filter of an earlier control process, or a trace that failed */
	new_frame = ev->frame > tr->last_frame;
	if (tr->assembling && ev->frame != tr->frame)
		flush_frame(tr); /* its last pieces never came */
	if (new_frame) {
		tr->info.lost += ev->frame - tr->last_frame - 1;
		tr->last_frame = ev->frame;
		if (ev->offset != 0) {
			tr->info.lost++; /* its first piece never came */
			return;
		}
		tr->assembling = true;
		tr->frame = ev->frame;
		tr->have = 0;
		tr->orig_len = ev->orig_len;
		tr->ts_ns = ev->ts_ns;
		tr->dir = ev->dir;
		memcpy(tr->ifname, ev->iface_name, sizeof(ev->iface_name));
		tr->ifname[sizeof(ev->iface_name)] = '\0';
	} else if (!tr->assembling || ev->frame != tr->frame || ev->offset != tr->have) {
		if (tr->assembling)
			flush_frame(tr); /* a piece in between is missing: keep what is whole */
		return;
	}
	if (tr->have < TRACE_FRAME_MAX) {
		uint32_t room = TRACE_FRAME_MAX - tr->have;

		memcpy(tr->buf + tr->have, data, n < room ? n : room);
		tr->have += n < room ? n : room;
	}
	if (ev->offset + n >= tr->orig_len || tr->have == TRACE_FRAME_MAX)
		flush_frame(tr);
	if (tr->info.end != TRACE_RUNNING)
		finish(tr, tr->info.end);
}

void
traces_on_event(void *arg, const void *msg, size_t len)
{
	struct traces *t = arg;
	const struct dp_hdr *h = msg;

	if (h->type == DP_EVENT_TRACE_FRAME && len >= sizeof(struct dp_trace_frame)) {
		const struct dp_trace_frame *ev = msg;

		on_frame(t, ev, (const uint8_t *)msg + sizeof(*ev),
			 (uint32_t)(len - sizeof(*ev)));
	} else if (h->type == DP_EVENT_TRACE_END && len >= sizeof(struct dp_trace_end)) {
		const struct dp_trace_end *e = msg;
		struct trace *tr = find(t, e->id);

		if (tr != NULL && running(tr))
			finish(tr, e->reason == DP_TRACE_END_PACKETS ? TRACE_END_PACKETS :
				   TRACE_END_TIME);
	}
}

/* ---- requests ---- */

/*
 * The data plane's filters against ours: a running trace whose filter is gone ends
 * (the data plane restarted); a filter no trace of ours owns is removed (left by an
 * earlier control process, or by a trace that failed to write).
 */
static void
sync_dataplane(struct traces *t, struct dp_client *dp)
{
	struct dp_trace_list list;
	struct dp_trace_ref ref;
	unsigned int i, k;

	memset(&list, 0, sizeof(list));
	if (dp_client_request(dp, &list, sizeof(list.h), DP_TRACE_LIST, &list, sizeof(list),
			      NULL, NULL) < 0)
		return;
	for (i = 0; i < N_SLOTS; i++) {
		struct trace *tr = &t->slot[i];
		bool there = false;

		if (!running(tr))
			continue;
		for (k = 0; k < list.count && k < DP_TRACE_MAX; k++)
			there |= list.trace[k].id == tr->info.id;
		if (!there)
			finish(tr, TRACE_END_GONE);
	}
	for (k = 0; k < list.count && k < DP_TRACE_MAX; k++) {
		struct trace *tr = find(t, list.trace[k].id);

		if (tr != NULL && running(tr))
			continue;
		memset(&ref, 0, sizeof(ref));
		ref.id = list.trace[k].id;
		dp_client_request(dp, &ref, sizeof(ref), DP_TRACE_DEL, NULL, 0, NULL, NULL);
	}
}

static void
describe(const struct trace_spec *s, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (s->kind == DP_TRACE_CALL_ID) {
		snprintf(buf, len, "Call-ID %s", s->call_id);
		return;
	}
	inet_ntop(s->addr.family == DP_FAMILY_IPV6 ? AF_INET6 : AF_INET, s->addr.addr, ip,
		  sizeof(ip));
	if (s->addr.port == 0)
		snprintf(buf, len, "address %s", ip);
	else
		snprintf(buf, len, s->addr.family == DP_FAMILY_IPV6 ? "address [%s]:%u" :
			 "address %s:%u", ip, s->addr.port);
}

static int
check_spec(const struct trace_spec *s, char *err, size_t errlen)
{
	size_t n;

	if (s->kind == DP_TRACE_CALL_ID) {
		n = strnlen(s->call_id, sizeof(s->call_id));
		if (n == 0 || n == sizeof(s->call_id)) {
			snprintf(err, errlen, "call_id must be 1..%zu bytes", sizeof(s->call_id) - 1);
			return -EINVAL;
		}
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)s->call_id[i] <= ' ' || s->call_id[i] == 0x7f) {
				snprintf(err, errlen, "call_id holds a space or control character");
				return -EINVAL;
			}
		}
	} else if (s->kind != DP_TRACE_ADDR ||
		   (s->addr.family != DP_FAMILY_IPV4 && s->addr.family != DP_FAMILY_IPV6)) {
		snprintf(err, errlen, "give call_id or address");
		return -EINVAL;
	}
	n = strnlen(s->path, sizeof(s->path));
	if (n == sizeof(s->path)) {
		snprintf(err, errlen, "file: path too long");
		return -ENAMETOOLONG;
	}
	if (n > 0 && s->path[0] != '/') {
		/* the daemon's working directory is not the operator's */
		snprintf(err, errlen, "file: the path must be absolute");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s->path[i] < ' ' || s->path[i] == 0x7f) {
			snprintf(err, errlen, "file: the path holds a control character");
			return -EINVAL;
		}
	}
	if (n > 0 && s->path[n - 1] == '/') {
		snprintf(err, errlen, "file: %s is a directory", s->path);
		return -EISDIR;
	}
	return 0;
}

static bool
in_use(const struct traces *t, const char *path)
{
	struct stat st;
	unsigned int i;

	if (stat(path, &st) < 0)
		return false;
	for (i = 0; i < N_SLOTS; i++)
		if (running(&t->slot[i]) && t->slot[i].dev == st.st_dev &&
		    t->slot[i].ino == st.st_ino)
			return true;
	return false;
}

/* A free slot: never used, else the oldest finished trace's. */
static struct trace *
take_slot(struct traces *t)
{
	struct trace *best = NULL;
	unsigned int i;
	uint64_t oldest = UINT64_MAX;

	for (i = 0; i < N_SLOTS; i++) {
		if (t->slot[i].info.id == 0)
			return &t->slot[i];
		if (!running(&t->slot[i]) && t->started_at[i] < oldest) {
			oldest = t->started_at[i];
			best = &t->slot[i];
		}
	}
	return best;
}

static uint32_t
new_id(struct traces *t)
{
	while (t->next_id == 0 || find(t, t->next_id) != NULL)
		t->next_id++;
	return t->next_id++;
}

int
traces_start(struct traces *t, struct dp_client *dp, const struct trace_spec *s, uint32_t *id,
	     char *err, size_t errlen)
{
	struct dp_trace_add add;
	struct trace *tr;
	struct stat st;
	char desc[200], comment[300];
	struct tm tm;
	time_t now = time(NULL);
	int ret;

	ret = check_spec(s, err, errlen);
	if (ret < 0)
		return ret;
	if (dp_client_fd(dp) < 0) {
		snprintf(err, errlen, "data plane not connected");
		return -ENOTCONN;
	}
	sync_dataplane(t, dp);
	if (traces_running(t) >= DP_TRACE_MAX) {
		snprintf(err, errlen, "%d traces run already: stop one first", DP_TRACE_MAX);
		return -ENOSPC;
	}
	tr = take_slot(t);
	if (tr == NULL) { /* cannot happen: N_SLOTS > DP_TRACE_MAX */
		snprintf(err, errlen, "no free trace slot");
		return -ENOSPC;
	}
	finish(tr, TRACE_END_SHUTDOWN);
	memset(tr, 0, sizeof(*tr));
	tr->spec = *s;
	tr->info.id = new_id(t);
	if (tr->spec.path[0] == '\0') {
		localtime_r(&now, &tm);
		int n = snprintf(tr->spec.path, sizeof(tr->spec.path),
				 "%s/trace-%u-%04d%02d%02d-%02d%02d%02d.pcapng", t->dir,
				 tr->info.id, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);

		if (n < 0 || (size_t)n >= sizeof(tr->spec.path)) {
			snprintf(err, errlen, "trace directory %s: path too long", t->dir);
			memset(tr, 0, sizeof(*tr));
			return -ENAMETOOLONG;
		}
	}
	if (s->overwrite && in_use(t, tr->spec.path)) {
		snprintf(err, errlen, "file %s: a running trace writes it", tr->spec.path);
		memset(tr, 0, sizeof(*tr));
		return -EBUSY;
	}
	describe(&tr->spec, desc, sizeof(desc));
	snprintf(comment, sizeof(comment), "siprelay trace %u: %s", tr->info.id, desc);
	tr->buf = malloc(TRACE_FRAME_MAX);
	ret = tr->buf ? trace_writer_open(&tr->w, tr->spec.path, s->overwrite, comment) : -ENOMEM;
	if (ret < 0) {
		snprintf(err, errlen, "file %s: %s%s", tr->spec.path, strerror(-ret),
			 ret == -EEXIST ? " (give overwrite to replace it)" :
			 ret == -EINVAL ? " (not a regular file)" : "");
		goto fail;
	}
	for (unsigned int i = 0; ret >= 0 && i < 2; i++)
		if (s->ifnames[i][0] != '\0')
			ret = trace_writer_iface(tr->w, s->ifnames[i]);
	if (ret < 0) {
		snprintf(err, errlen, "file %s: %s", tr->spec.path, strerror(-ret));
		trace_writer_close(tr->w);
		tr->w = NULL;
		unlink(tr->spec.path);
		goto fail;
	}
	if (stat(tr->spec.path, &st) == 0) {
		tr->dev = st.st_dev;
		tr->ino = st.st_ino;
	}
	memset(&add, 0, sizeof(add));
	add.id = tr->info.id;
	add.kind = s->kind;
	add.addr = s->addr;
	add.max_packets = s->max_packets;
	add.max_seconds = s->max_seconds;
	memcpy(add.call_id, s->call_id, sizeof(add.call_id));
	ret = dp_client_request(dp, &add, sizeof(add), DP_TRACE_ADD, NULL, 0, NULL, NULL);
	if (ret < 0) {
		snprintf(err, errlen, "data plane: %s", ret == -EOPNOTSUPP ?
			 "its SIP path is off (no interface has a SIP role)" : strerror(-ret));
		trace_writer_close(tr->w);
		tr->w = NULL;
		unlink(tr->spec.path); /* we made it, nothing is in it */
		goto fail;
	}
	tr->info.spec = &tr->spec;
	tr->info.started = (int64_t)now;
	t->started_at[tr - t->slot] = ++t->seq;
	*id = tr->info.id;
	return 0;
fail:
	free(tr->buf);
	memset(tr, 0, sizeof(*tr));
	return ret;
}

static void
info_of(struct trace *tr, struct trace_info *out)
{
	*out = tr->info;
	out->spec = &tr->spec;
	if (tr->w != NULL)
		out->bytes = trace_writer_bytes(tr->w);
}

int
traces_stop(struct traces *t, struct dp_client *dp, uint32_t id,
	    void (*cb)(const struct trace_info *, void *), void *arg)
{
	struct dp_trace_ref ref;
	struct trace_info info;
	unsigned int i, n = 0;

	/* remove the filter first: the events already sent still arrive (and get written)
	 * while the data plane answers */
	memset(&ref, 0, sizeof(ref));
	ref.id = id;
	if (id == 0 || (find(t, id) != NULL && running(find(t, id))))
		dp_client_request(dp, &ref, sizeof(ref), DP_TRACE_DEL, NULL, 0, NULL, NULL);
	for (i = 0; i < N_SLOTS; i++) {
		struct trace *tr = &t->slot[i];

		if (tr->info.id == 0 || (id != 0 && tr->info.id != id) || (id == 0 && !running(tr)))
			continue;
		finish(tr, TRACE_END_STOPPED);
		info_of(tr, &info);
		if (cb != NULL)
			cb(&info, arg);
		n++;
	}
	return n ? 0 : -ENOENT;
}

void
traces_list(struct traces *t, struct dp_client *dp,
	    void (*cb)(const struct trace_info *, void *), void *arg)
{
	struct trace_info info;
	unsigned int i, pass;

	if (dp_client_fd(dp) >= 0 && traces_running(t) > 0)
		sync_dataplane(t, dp);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < N_SLOTS; i++) {
			struct trace *tr = &t->slot[i];

			if (tr->info.id == 0 || running(tr) != (pass == 0))
				continue;
			info_of(tr, &info);
			cb(&info, arg);
		}
	}
}

int
traces_get(struct traces *t, uint32_t id, struct trace_info *out)
{
	struct trace *tr = find(t, id);

	if (tr == NULL)
		return -ENOENT;
	info_of(tr, out);
	return 0;
}
