/* rtpproxy command protocol fuzz target. The input is one datagram as rtpproxy.sock
 * receives it ("COOKIE command"); it is also parsed whole as a stream command, and each
 * line of it as a notify target name. Beyond "no crash, no read outside the input", it
 * checks the parser's promises: every slice lies inside the input, a parse either
 * succeeds or names one of rtpproxy's error codes, counts stay within their arrays,
 * the decoded notify tag is a terminated string no longer than what it came from, a
 * successful parse formats every reply without overflowing, and the retransmission
 * cache answers the same datagram with what was stored. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "rtpp_cache.h"
#include "rtpp_cmd.h"
#include "rtpp_notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void
check_slice(struct sr_slice s)
{
	if (s.p == NULL)
		return;
	CHECK(s.p >= lo && s.p + s.len <= hi);
}

static int
known_ecode(int e)
{
	static const int codes[] = { 0, 1, 2, 5, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 35, 37, 62 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == e)
			return 1;
	return 0;
}

static void
check_replies(const struct rtpp_cmd *c)
{
	struct rtpp_query_vals v = { -1, UINT64_MAX, 1, 2, 3, 4, 5 };
	struct rtpp_info_vals iv = { UINT64_MAX, UINT32_MAX, UINT32_MAX, 1, 2 };
	char out[512];
	int n;

	n = rtpp_fmt_port(out, sizeof(out), c->addr.port, &c->addr);
	CHECK(n > 0 && out[n - 1] == '\n' && strlen(out) == (size_t)n);
	n = rtpp_fmt_query(out, sizeof(out), c, &v);
	CHECK(n > 0 && out[n - 1] == '\n' && strlen(out) == (size_t)n);
	CHECK(rtpp_fmt_query(out, 2, c, &v) == -ENOSPC); /* a digit and a newline need 3 */
	n = rtpp_fmt_info(out, sizeof(out), &iv);
	CHECK(n > 0 && out[n - 1] == '\n');
	CHECK(rtpp_feature_supported(c->feature, 1) == 0 || rtpp_feature_supported(c->feature, 1) == 1);
}

static void
check_command(const char *p, size_t len)
{
	struct rtpp_cmd c;
	int ret = rtpp_cmd_parse(p, len, &c);

	if (ret != 0) {
		CHECK(ret == -1 && known_ecode(c.error));
		return;
	}
	CHECK(c.op <= RTPP_OP_DELETE_ALL);
	check_slice(c.call_id);
	check_slice(c.from.tag);
	check_slice(c.to.tag);
	check_slice(c.addr_str);
	check_slice(c.port_str);
	check_slice(c.notify_sock);
	check_slice(c.feature);
	check_slice(c.mods.codecs);
	check_slice(c.mods.local_addr);
	check_slice(c.mods.remote_addr);
	CHECK(c.n_counters <= RTPP_QUERY_MAX);
	for (unsigned int i = 0; i < c.n_counters; i++)
		CHECK(c.counters[i] < RTPP_CTR_MAX);
	CHECK(c.mods.ndir >= 0 && c.mods.ndir <= 2);
	CHECK(c.mods.ptime < 1000);
	CHECK(c.addr.family == 0 || c.addr.family == RTPP_FAMILY_IPV4 ||
	      c.addr.family == RTPP_FAMILY_IPV6);
	CHECK(memchr(c.notify_tag, '\0', sizeof(c.notify_tag)) != NULL);
	if (c.has_notify)
		CHECK(strlen(c.notify_tag) <= len);
	CHECK(!c.has_to || c.op == RTPP_OP_UPDATE || c.op == RTPP_OP_LOOKUP ||
	      c.op == RTPP_OP_DELETE || c.op == RTPP_OP_QUERY);
	check_replies(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct sr_slice cookie, rest;
	struct rtpp_cache *cache;
	static const char peer[] = "peer";

	lo = p;
	hi = p + size;
	check_command(p, size);
	if (rtpp_split_cookie(p, size, &cookie, &rest) == 0) {
		check_slice(cookie);
		check_slice(rest);
		CHECK(cookie.len > 0);
		check_command(rest.p, rest.len);
	}

	cache = rtpp_cache_new(2, 1000);
	CHECK(cache != NULL);
	CHECK(rtpp_cache_put(cache, peer, 4, p, size, "reply", 0) == 0);
	CHECK(rtpp_cache_get(cache, peer, 4, p, size, 1) != NULL);
	CHECK(rtpp_cache_get(cache, peer, 3, p, size, 1) == NULL);
	rtpp_cache_free(cache);

	/* notify target names: the input's first line, as a NUL-terminated option */
	{
		char name[256];
		struct rtpp_notify_addr a;
		size_t n = 0;

		while (n < size && n + 1 < sizeof(name) && p[n] != '\n' && p[n] != '\0') {
			name[n] = p[n];
			n++;
		}
		name[n] = '\0';
		if (rtpp_notify_parse(name, &a) == 0)
			CHECK(a.len > 0 && a.len <= sizeof(a.sa));
	}
	return 0;
}
