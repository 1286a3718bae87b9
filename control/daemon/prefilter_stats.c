/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "prefilter_stats.h"

int
prefilter_counters(uint64_t v[PF_V_MAX])
{
	int fd = bpf_obj_get(PF_PIN_ROOT "/" PF_MAP_STATS), ncpu = libbpf_num_possible_cpus();
	uint64_t *per;
	uint32_t k;
	int ret = 0;

	memset(v, 0, PF_V_MAX * sizeof(v[0]));
	if (fd < 0)
		return -errno;
	per = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*per)) : NULL;
	if (per == NULL) {
		close(fd);
		return ncpu > 0 ? -ENOMEM : ncpu;
	}
	for (k = 0; k < PF_V_MAX && ret == 0; k++) {
		if (bpf_map_lookup_elem(fd, &k, per) != 0) {
			ret = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			v[k] += per[c];
	}
	free(per);
	close(fd);
	return ret;
}

static json_t *
verdict_obj(const uint64_t v[PF_V_MAX])
{
	static const char *const names[PF_V_MAX] = PF_VERDICT_NAMES;
	json_t *o = json_object();

	for (unsigned int i = 0; i < PF_V_MAX; i++)
		json_object_set_new(o, names[i], json_integer((json_int_t)v[i]));
	return o;
}

json_t *
prefilter_json(const uint64_t sw[PF_V_MAX])
{
	uint64_t x[PF_V_MAX], v[PF_V_MAX];
	int loaded = prefilter_counters(x) == 0;

	/* totals over XDP and the software prefilter of ports without XDP */
	for (unsigned int i = 0; i < PF_V_MAX; i++)
		v[i] = x[i] + sw[i];
	/* malformed frames and fragments are dropped unless configured otherwise: they are
	 * listed under verdicts only, not guessed into passed or dropped */
	return json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}",
		"loaded", loaded,
		"redirected", (json_int_t)(v[PF_V_SIP] + v[PF_V_MEDIA] + v[PF_V_UNCONFIGURED]),
		"passed", (json_int_t)(v[PF_V_OTHER] + v[PF_V_NON_IP]),
		"dropped", (json_int_t)(v[PF_V_BANNED] + v[PF_V_SIP_RATE] + v[PF_V_MEDIA_CLOSED] +
					v[PF_V_MEDIA_SOURCE]),
		"dropped_banned", (json_int_t)v[PF_V_BANNED],
		"dropped_rate_limited", (json_int_t)v[PF_V_SIP_RATE],
		"dropped_closed_pinhole", (json_int_t)(v[PF_V_MEDIA_CLOSED] + v[PF_V_MEDIA_SOURCE]),
		"verdicts", verdict_obj(x),
		"software_verdicts", verdict_obj(sw));
}
