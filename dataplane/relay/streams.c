/* SPDX-License-Identifier: BSD-3-Clause */
#include "pinholes.h"
#include "runtime.h"
#include "session_table.h"
#include "streams.h"

int
relay_stream_add(struct relay_runtime *rt, const struct relay_stream *s)
{
	int ret = relay_table_add(rt->dp.table, s);

	if (ret >= 0)
		relay_pinholes_open(&rt->pinholes, &rt->cfg, relay_table_get(rt->dp.table, (uint32_t)ret));
	return ret;
}

int
relay_stream_del(struct relay_runtime *rt, uint32_t handle)
{
	const struct relay_stream *s = relay_table_get(rt->dp.table, handle);

	if (s != NULL)
		relay_pinholes_close(&rt->pinholes, &rt->cfg, s);
	return relay_table_del(rt->dp.table, handle);
}
