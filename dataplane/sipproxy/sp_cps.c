/* SPDX-License-Identifier: BSD-3-Clause */
/* Calls-per-second limit: a token bucket over new INVITE dialogs. Tokens are counted in
 * millionths so that a refill is one multiplication of elapsed microseconds. */
#include "sp_internal.h"

#define SP_TOKEN 1000000ULL

void sp_cps_init(struct sp_cps *c, uint32_t rate, uint32_t burst, uint64_t now_us)
{
	c->rate = rate;
	c->max = (uint64_t)(burst ? burst : rate) * SP_TOKEN;
	c->tokens = c->max;
	c->last_us = now_us;
}

bool sp_cps_take(struct sp_cps *c, uint64_t now_us)
{
	if (c->rate == 0)
		return true;
	if (now_us > c->last_us) {
		uint64_t dt = now_us - c->last_us;
		/* a long idle fills the bucket; cap dt so that dt * rate cannot overflow */
		uint64_t add = dt >= c->max / c->rate ? c->max : dt * c->rate;

		c->tokens = c->tokens + add > c->max ? c->max : c->tokens + add;
		c->last_us = now_us;
	}
	if (c->tokens < SP_TOKEN)
		return false;
	c->tokens -= SP_TOKEN;
	return true;
}
