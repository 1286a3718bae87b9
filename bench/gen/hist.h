/* SPDX-License-Identifier: BSD-3-Clause */
/* Percentiles of srsink's latency histogram (layout: sink.h). */
#ifndef SRGEN_HIST_H
#define SRGEN_HIST_H

#include <stdint.h>

/* Samples in the histogram. */
uint64_t hist_total(const uint64_t *buckets, uint32_t n);

/*
 * The value below which a fraction q (0 < q <= 1) of the samples lie: the middle of the
 * bucket holding the ceil(q * total)-th smallest sample, never above max (the largest
 * sample, known exactly; it is the answer when the rank is the last). 0 for an empty
 * histogram.
 */
uint64_t hist_quantile(const uint64_t *buckets, uint32_t n, double q, uint64_t max);

#endif
