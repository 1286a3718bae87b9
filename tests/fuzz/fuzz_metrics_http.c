/* The metrics endpoint's request parser and its listen-address parser fuzz target. The
 * input is what a client sends (any bytes). Beyond "no crash, no read outside the input"
 * it checks: the answer is one of the statuses the server knows, HEAD only for HEAD; a complete head stays
 * complete (and keeps its answer) when more bytes follow it, as pipelined junk would;
 * a buffer of len_max bytes never waits for more. The same bytes as a NUL-terminated
 * string go to metrics_http_addr(), whose accepted addresses are loopback unless
 * allowed. */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_check.h"
#include "metrics_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sockaddr_storage sa;
	socklen_t salen;
	char err[256], *s;
	bool head, head2;
	int r, r2;

	r = metrics_http_parse(buf, size, METRICS_HTTP_REQ_MAX, &head);
	CHECK(r == 0 || r == 200 || r == 400 || r == 404 || r == 405 || r == 431);
	CHECK(!head || (size >= 5 && memcmp(buf, "HEAD ", 5) == 0));
	if (size >= METRICS_HTTP_REQ_MAX)
		CHECK(r != 0);
	if (r != 0 && r != 431 && size > 1) {
		/* the answer does not depend on bytes after the head */
		char *more = malloc(size + 7);

		CHECK(more != NULL);
		memcpy(more, buf, size);
		memcpy(more + size, "GARBAGE", 7);
		r2 = metrics_http_parse(more, size + 7, METRICS_HTTP_REQ_MAX + 7, &head2);
		CHECK(r2 == r && head2 == head);
		free(more);
	}

	s = malloc(size + 1);
	CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	if (metrics_http_addr(s, false, &sa, &salen, err, sizeof(err)) == 0) {
		CHECK(sa.ss_family == AF_INET || sa.ss_family == AF_INET6);
		if (sa.ss_family == AF_INET)
			CHECK((ntohl(((struct sockaddr_in *)&sa)->sin_addr.s_addr) >> 24) == 127);
		else
			CHECK(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&sa)->sin6_addr));
	} else {
		CHECK(strlen(err) > 0 && strlen(err) < sizeof(err));
	}
	free(s);
	return 0;
}
