/* SPDX-License-Identifier: BSD-3-Clause */
/* dataplane.sock server (SOCK_SEQPACKET), served from the service loop. */
#ifndef RELAY_CHANNEL_H
#define RELAY_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct relay_channel;
struct relay_runtime;
struct relay_wev;

/* The socket file gets mode (never more open, not even while it is made) and group
 * ("" or NULL: the process's); only root, this user and the group's members are
 * served. */
struct relay_channel *relay_channel_open(const char *path, uint32_t mode, const char *group,
					 char *err, size_t errlen);
void relay_channel_close(struct relay_channel *ch);

/* Accept clients and serve requests, waiting up to timeout_ms; returns messages handled. */
unsigned int relay_channel_poll(struct relay_channel *ch, struct relay_runtime *rt,
				int timeout_ms);

/* Send one message to every client (events); never blocks. */
void relay_channel_broadcast(struct relay_channel *ch, const void *msg, size_t len);

void relay_channel_latched(struct relay_channel *ch, struct relay_runtime *rt,
			   const struct relay_wev *ev);

#endif
