/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adding and deleting streams on the service loop: the stream table, and with it the
 * prefilter's pinholes (pinholes.h). Every writer of the table but the benchmark's
 * preload goes through here, so that no pinhole outlives its stream.
 */
#ifndef RELAY_STREAMS_H
#define RELAY_STREAMS_H

#include <stdint.h>

#include <siprelay/relay_types.h>

struct relay_runtime;

/* relay_table_add(), then the pinholes: the handle or -errno. */
int relay_stream_add(struct relay_runtime *rt, const struct relay_stream *s);
/* The pinholes, then relay_table_del(): 0 or -errno. */
int relay_stream_del(struct relay_runtime *rt, uint32_t handle);

#endif
