/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line values of srgen and srsink: flows, address:port, prefixes, MACs, port
 * ranges, and the flows file. Each parser returns 0 or -EINVAL and never half-fills
 * its output on error.
 */
#ifndef SRGEN_SPEC_H
#define SRGEN_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define SPEC_MAX_FLOWS 65536 /* the sink's flow table holds as many */

struct flow_list {
	struct gen_flow *v;
	size_t n;
	size_t cap;
};

/* A decimal number (fractions allowed) in [lo, hi]. */
int spec_number(const char *s, double lo, double hi, double *out);
/* A whole decimal number in [lo, hi]. */
int spec_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* "198.18.1.2:5060" -> address (network order), port (host order, 1..65535). */
int spec_hostport(const char *s, uint32_t *addr, uint16_t *port);
/* "SRC:SPORT-DST:DPORT" (dst_mac left zero). */
int spec_flow(const char *s, struct gen_flow *f);
/* "198.19.0.0/16" -> network (network order, host bits must be zero), length. */
int spec_prefix(const char *s, uint32_t *net, unsigned *len);
/* "02:00:00:00:00:01" */
int spec_mac(const char *s, uint8_t mac[6]);
/* "20000-29999" or "5060"; lo <= hi. */
int spec_port_range(const char *s, uint16_t *lo, uint16_t *hi);

/* Appends one flow; -E2BIG beyond SPEC_MAX_FLOWS, -ENOMEM. */
int flow_list_add(struct flow_list *l, const struct gen_flow *f);
void flow_list_free(struct flow_list *l);
/*
 * Reads one flow per line ("SRC:SPORT-DST:DPORT"; blank lines and '#' comments are
 * skipped). On error returns -errno and puts the failing line's number in *line
 * (0 when the error is not about a line).
 */
int flow_list_read(struct flow_list *l, FILE *in, unsigned *line);

#endif
