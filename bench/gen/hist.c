/* SPDX-License-Identifier: BSD-3-Clause */
/* Histogram percentiles (hist.h). */
#include <math.h>

#include "hist.h"
#include "sink.h"

uint64_t
hist_total(const uint64_t *buckets, uint32_t n)
{
	uint64_t t = 0;

	for (uint32_t i = 0; i < n; i++)
		t += buckets[i];
	return t;
}

uint64_t
hist_quantile(const uint64_t *buckets, uint32_t n, double q, uint64_t max)
{
	uint64_t total = hist_total(buckets, n), rank, seen = 0;

	if (total == 0)
		return 0;
	if (q > 1)
		q = 1;
	rank = (uint64_t)ceil(q * (double)total);
	if (rank == 0)
		rank = 1;
	if (rank == total)
		return max; /* the largest sample is known exactly */
	for (uint32_t b = 0; b < n; b++) {
		seen += buckets[b];
		if (seen >= rank) {
			uint64_t v = sink_hist_lower(b) + sink_hist_width(b) / 2;

			return v > max ? max : v;
		}
	}
	return max;
}
