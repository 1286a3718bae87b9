/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/dp_proto.h>

#include "daemon.h"
#include "dp_client.h"
#include "expiry.h"
#include "registry.h"

struct expiry {
	struct ctl_daemon *d;
	struct timeouts *t;
	expiry_notify_fn notify;
	int64_t next_ms;
	uint32_t connects;      /* of the data plane connection the policy knows */
	uint64_t streams_deleted;
	uint64_t scan_errors;
};

struct expiry *
expiry_new(struct ctl_daemon *d, const struct tmo_config *cfg)
{
	struct expiry *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->t = timeouts_new(cfg);
	if (x->t == NULL) {
		free(x);
		return NULL;
	}
	x->d = d;
	return x;
}

void
expiry_free(struct expiry *x)
{
	if (x == NULL)
		return;
	timeouts_free(x->t);
	free(x);
}

void expiry_set_notify(struct expiry *x, expiry_notify_fn fn) { x->notify = fn; }
struct timeouts *expiry_policy(struct expiry *x) { return x->t; }

static int
observe(const struct dp_stream_info *i, void *arg)
{
	struct tmo_obs o = {
		.handle = i->handle,
		.gen = i->gen,
		.session_id = i->session_id,
		.media_index = i->media_index,
	};

	for (int k = 0; k < 2; k++) {
		o.idle_ms[k] = i->leg[k].idle_ms;
		o.has_remote[k] = i->leg[k].remote[0].family != 0;
	}
	timeouts_observe(arg, &o);
	return 0;
}

/* The streams one at a time: for a data plane without DP_SESSION_DELETE. */
static int
delete_streams(struct expiry *x, const struct tmo_expired *e)
{
	unsigned int deleted = 0;

	for (unsigned int i = 0; i < e->n_streams; i++) {
		struct dp_stream_ref ref = { .handle = e->streams[i].handle,
					     .gen = e->streams[i].gen };
		int ret = dp_client_request(x->d->dp, &ref, sizeof(ref), DP_STREAM_DELETE, NULL, 0,
					    NULL, NULL);

		if (ret == 0)
			deleted++;
		else if (ret != -ENOENT)
			return ret;
	}
	return (int)deleted;
}

/* Ends the session in the data plane: streams deleted, or -errno. */
static int
delete_session(struct expiry *x, const struct tmo_expired *e)
{
	struct dp_session req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.session_id = e->session_id;
	ret = dp_client_request(x->d->dp, &req, sizeof(req), DP_SESSION_DELETE, &req,
				sizeof(req), NULL, NULL);
	if (ret == -EOPNOTSUPP)
		return delete_streams(x, e);
	if (ret == -ENOENT)
		return 0;
	return ret < 0 ? ret : (int)req.count;
}

static int
expire(void *arg, const struct tmo_expired *e)
{
	struct expiry *x = arg;
	const char *cid = NULL;
	int rtpproxy = (e->session_id & REG_SID_RTPPROXY) != 0;
	char what[64] = "", call_id[129] = "(unknown)";
	int n;

	for (unsigned int i = 0; i < e->n_streams && cid == NULL; i++)
		cid = registry_call_id(x->d->reg, e->streams[i].handle, e->streams[i].gen);
	/* a copy: the DELETED events that the deletion brings free the registry's */
	if (cid != NULL)
		snprintf(call_id, sizeof(call_id), "%s", cid);
	n = delete_session(x, e);
	if (n < 0) {
		fprintf(stderr, "siprelay-control: %s timeout of session %" PRIu64 ": data plane: "
			"%s (retrying)\n", timeouts_kind_name(e->kind),
			(uint64_t)(e->session_id & ~REG_SID_RTPPROXY), strerror(-n));
		return n;
	}
	if (n == 0)
		return -ENOENT; /* ended meanwhile (BYE, D): not a timeout */
	if (e->kind == TMO_IDLE)
		snprintf(what, sizeof(what), ", no media for %" PRIu64 " s",
			 (e->idle_ms + 500) / 1000);
	fprintf(stderr, "siprelay-control: %s timeout: %s session %" PRIu64 " call-id %s after "
		"%" PRIu64 " s%s, %d stream%s deleted\n", timeouts_kind_name(e->kind),
		rtpproxy ? "rtpproxy" : "dataplane", (uint64_t)(e->session_id & ~REG_SID_RTPPROXY),
		call_id, (e->age_ms + 500) / 1000, what, n,
		n == 1 ? "" : "s");
	x->streams_deleted += (uint64_t)n;
	if (rtpproxy && x->notify != NULL)
		x->notify(x->d, e);
	/* the DELETED events do this too; a data plane that lost them must not leave ghosts */
	for (unsigned int i = 0; i < e->n_streams; i++)
		registry_del(x->d->reg, e->streams[i].handle, e->streams[i].gen);
	return 0;
}

static void
scan(struct expiry *x, int64_t now_ms)
{
	struct dp_hdr list;
	int ret;

	if (dp_client_connects(x->d->dp) != x->connects) {
		/* another connection, maybe another data plane: handles mean other streams */
		timeouts_reset(x->t);
		x->connects = dp_client_connects(x->d->dp);
	}
	timeouts_scan_begin(x->t, now_ms);
	memset(&list, 0, sizeof(list));
	ret = dp_client_request(x->d->dp, &list, sizeof(list), DP_STREAM_LIST, NULL, 0, observe,
				x->t);
	if (ret < 0) {
		x->scan_errors++; /* judged next time, on a whole list */
		return;
	}
	timeouts_scan_end(x->t, expire, x);
}

int
expiry_run(struct expiry *x, int64_t now_ms)
{
	if (now_ms >= x->next_ms) {
		if (dp_client_fd(x->d->dp) >= 0)
			scan(x, now_ms);
		x->next_ms = now_ms + EXPIRY_PERIOD_MS;
	}
	return (int)(x->next_ms - now_ms);
}

json_t *
expiry_json(const struct expiry *x)
{
	const struct tmo_config *c = timeouts_config(x->t);

	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "idle", (json_int_t)timeouts_count(x->t, TMO_IDLE),
			 "final", (json_int_t)timeouts_count(x->t, TMO_FINAL),
			 "offer", (json_int_t)timeouts_count(x->t, TMO_OFFER),
			 "streams_deleted", (json_int_t)x->streams_deleted,
			 "tracked", (json_int_t)timeouts_tracked(x->t),
			 "scan_errors", (json_int_t)x->scan_errors,
			 "idle_timeout_s", (json_int_t)c->idle_s,
			 "final_timeout_s", (json_int_t)c->final_s,
			 "offer_timeout_s", (json_int_t)c->offer_s);
}
