/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP traces of siprelay-control ("trace start|stop|list" on control.sock): each
 * installs a filter in the data plane (DP_TRACE_ADD), turns the DP_EVENT_TRACE_FRAME
 * events of its id back into whole frames and writes them to a pcapng file
 * (trace_writer.h). A trace ends when stopped, when the data plane reports its packet or
 * time limit (DP_EVENT_TRACE_END), or when its filter is found gone (data plane
 * restarted). Finished traces stay listed, with their counts, until their slot is needed.
 */
#ifndef SIPRELAY_CONTROL_TRACES_H
#define SIPRELAY_CONTROL_TRACES_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <siprelay/dp_proto.h>

#include "ifaces.h"

struct dp_client;
struct traces;

#define TRACES_KEEP_FINISHED 16
#define TRACE_FRAME_MAX 65535u  /* longer frames are written cut, with their length */

enum trace_end {
	TRACE_RUNNING = 0,
	TRACE_END_STOPPED,      /* trace stop */
	TRACE_END_PACKETS,      /* max_packets */
	TRACE_END_TIME,         /* max_seconds */
	TRACE_END_GONE,         /* the data plane no longer has the filter (restarted) */
	TRACE_END_WRITE_ERROR,  /* the file could not be written (disk full...) */
	TRACE_END_SHUTDOWN,     /* siprelay-control exits */
};

struct trace_spec {
	uint32_t kind;          /* DP_TRACE_CALL_ID or DP_TRACE_ADDR */
	char call_id[128];
	struct dp_addr addr;    /* port 0 = any */
	char path[PATH_MAX];    /* absolute; empty = a new file in the default directory */
	int overwrite;
	uint32_t max_packets;   /* 0 = no limit */
	uint32_t max_seconds;   /* 0 = no limit */
	/* interfaces described in the file from the start (others when first seen): a
	 * file without any description is one libpcap, hence sngrep, refuses */
	char ifnames[2][IFACE_NAME_MAX];
};

struct trace_info {
	uint32_t id;
	enum trace_end end;
	int error;              /* TRACE_END_WRITE_ERROR: -errno */
	const struct trace_spec *spec;
	uint64_t packets;       /* frames written */
	uint64_t lost;          /* frames the data plane sent that never arrived whole */
	uint64_t truncated;     /* written, but shorter than on the wire */
	uint64_t bytes;         /* of the file */
	int64_t started;        /* wall clock, seconds */
	int64_t ended;          /* 0 while running */
};

/* default_dir: where files without a path go (NULL: /var/lib/siprelay when it
 * exists, else /tmp). */
struct traces *traces_new(const char *default_dir);
/* Closes every file (TRACE_END_SHUTDOWN); the filters end by their limits. */
void traces_free(struct traces *t);

/* Validates s, creates the file, installs the filter. 0 and *id, or -errno with a
 * reason in err. */
int traces_start(struct traces *t, struct dp_client *dp, const struct trace_spec *s,
		 uint32_t *id, char *err, size_t errlen);
/* Stops trace id (0: every running one); cb (may be NULL) gets each stopped.
 * -ENOENT when none. */
int traces_stop(struct traces *t, struct dp_client *dp, uint32_t id,
		void (*cb)(const struct trace_info *, void *), void *arg);
/* Every trace, running first; brings the states up to date with the data plane. */
void traces_list(struct traces *t, struct dp_client *dp,
		 void (*cb)(const struct trace_info *, void *), void *arg);
unsigned int traces_running(const struct traces *t);
/* The state of trace id: 0, or -ENOENT. */
int traces_get(struct traces *t, uint32_t id, struct trace_info *out);

/* dp_client's handler of events it does not know (DP_EVENT_TRACE_*); arg = traces. */
void traces_on_event(void *arg, const void *msg, size_t len);

const char *trace_end_name(enum trace_end e);

#endif
