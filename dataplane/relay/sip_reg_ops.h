/* SPDX-License-Identifier: BSD-3-Clause */
/* dataplane.sock DP_REG_LIST: the inline SIP proxy's registrations (sip_reg_ops.c). */
#ifndef RELAY_SIP_REG_OPS_H
#define RELAY_SIP_REG_OPS_H

#include <stddef.h>

struct relay_ops_io;
struct relay_runtime;

void relay_reg_request(struct relay_runtime *rt, const void *msg, size_t len, const struct relay_ops_io *io);

#endif
