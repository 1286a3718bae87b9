/* Zero-copy views into a packet buffer: every parser in siprelay hands out {ptr,len}
 * slices that point into the bytes it was given instead of copying them. */
#ifndef SIPRELAY_SLICE_H
#define SIPRELAY_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sr_slice {
	const char *p;
	uint32_t len;
};

#define SR_SLICE_NULL ((struct sr_slice){ NULL, 0 })

static inline struct sr_slice sr_slice_make(const char *p, size_t len)
{
	struct sr_slice s = { p, (uint32_t)len };
	return s;
}

static inline bool sr_slice_empty(struct sr_slice s)
{
	return s.len == 0;
}

/* Exact byte comparison with a NUL-terminated string. */
static inline bool sr_slice_eq(struct sr_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

/* ASCII case-insensitive comparison: SIP header names, methods are not (RFC 3261 7.1),
 * but tokens such as transport and scheme names are. */
static inline bool sr_slice_caseeq(struct sr_slice s, const char *lit)
{
	/* inline ASCII folding: strncasecmp's locale handling costs more than the compare */
	uint32_t i = 0;
	for (; i < s.len && lit[i] != '\0'; i++) {
		char a = s.p[i], b = lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + 32);
		if (a != b)
			return false;
	}
	return i == s.len && lit[i] == '\0';
}

#ifdef __cplusplus
}
#endif

#endif
