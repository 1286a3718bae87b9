/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * siprelay-dpclient: a small test client for dataplane.sock (until siprelay-control
 * speaks it). One command per run; replies and events print as key=value lines.
 *
 *   siprelay-dpclient [-s SOCKET] hello
 *   siprelay-dpclient [-s SOCKET] create IFACE_A REMOTE_A:PORT IFACE_B REMOTE_B:PORT
 *                     [--session ID] [--strict] [--mux] [--call-id ID]
 *   siprelay-dpclient [-s SOCKET] query HANDLE GEN
 *   siprelay-dpclient [-s SOCKET] delete HANDLE GEN
 *   siprelay-dpclient [-s SOCKET] list | stats
 *   siprelay-dpclient [-s SOCKET] events SECONDS    (print events for a while)
 *   siprelay-dpclient [-s SOCKET] script            (commands from stdin, one a line)
 *
 * REMOTE "-" means unknown (latch on the first packet). IPv6 remotes: [addr]:port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <siprelay/dp_proto.h>

static uint32_t next_seq = 1;

static void
hdr(struct dp_hdr *h, uint16_t type, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->magic = DP_PROTO_MAGIC;
	h->version = DP_PROTO_VERSION;
	h->type = type;
	h->seq = next_seq++;
	h->len = len;
}

static void
print_addr(const char *key, const struct dp_addr *a)
{
	char buf[INET6_ADDRSTRLEN] = "-";

	if (a->family == DP_FAMILY_IPV4)
		inet_ntop(AF_INET, a->addr, buf, sizeof(buf));
	else if (a->family == DP_FAMILY_IPV6)
		inet_ntop(AF_INET6, a->addr, buf, sizeof(buf));
	printf(" %s=%s%s%s:%u", key, a->family == DP_FAMILY_IPV6 ? "[" : "", buf,
	       a->family == DP_FAMILY_IPV6 ? "]" : "", a->port);
}

static int
parse_remote(const char *s, struct dp_leg *l)
{
	char buf[128], *colon;

	l->remote.family = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (colon == NULL)
		return -EINVAL;
	*colon = '\0';
	l->remote.port = (uint16_t)atoi(colon + 1);
	if (buf[0] == '[') {
		buf[strlen(buf) - 1] = '\0';
		l->remote.family = l->local.family = DP_FAMILY_IPV6;
		return inet_pton(AF_INET6, buf + 1, l->remote.addr) == 1 ? 0 : -EINVAL;
	}
	l->remote.family = l->local.family = DP_FAMILY_IPV4;
	return inet_pton(AF_INET, buf, l->remote.addr) == 1 ? 0 : -EINVAL;
}

static void
print_msg(const void *buf, ssize_t len)
{
	const struct dp_hdr *h = buf;
	const struct dp_reply *r = buf;
	const struct dp_event *e = buf;
	const struct dp_stream_info *i = buf;
	const struct dp_stats *st = buf;
	const struct dp_hello *hello = buf;
	static const char *const vn[] = DP_VERDICT_NAMES;
	unsigned int k;

	if (len < (ssize_t)sizeof(*h) || h->len != (uint32_t)len) {
		printf("bad message len=%zd\n", len);
		return;
	}
	switch (h->type) {
	case DP_HELLO:
		printf("hello version=%u capacity=%u interfaces=%u name=%s\n", hello->version,
		       hello->capacity, hello->n_ifaces, hello->name);
		break;
	case DP_REPLY:
		printf("reply seq=%u status=%d handle=%u gen=%u session=%llu count=%u", h->seq,
		       h->status, r->handle, r->gen, (unsigned long long)r->session_id, r->count);
		if (r->local[0].family)
			print_addr("local_a", &r->local[0]), print_addr("local_b", &r->local[1]);
		printf("\n");
		break;
	case DP_STREAM_INFO:
		printf("stream handle=%u gen=%u session=%llu\n", i->handle, i->gen,
		       (unsigned long long)i->session_id);
		for (k = 0; k < 2; k++) {
			const struct dp_leg_state *l = &i->leg[k];

			printf("  leg=%c iface=%s", 'a' + k, l->iface);
			print_addr("local", &l->local);
			print_addr("remote", &l->remote[0]);
			print_addr("remote_rtcp", &l->remote[1]);
			printf(" flags=0x%x packets=%llu bytes=%llu rtcp=%llu drops=%u/%u/%u/%u"
			       " ssrc=0x%x expected=%u received=%u lost=%d jitter=%u\n", l->flags,
			       (unsigned long long)l->packets, (unsigned long long)l->bytes,
			       (unsigned long long)l->rtcp_packets, l->drops[0], l->drops[1],
			       l->drops[2], l->drops[3], l->ssrc, l->expected, l->received, l->lost,
			       l->jitter);
		}
		break;
	case DP_STATS:
		printf("stats workers=%u streams=%u capacity=%u bytes_per_stream=%u events_lost=%llu",
		       st->n_workers, st->streams, st->capacity, st->bytes_per_stream,
		       (unsigned long long)st->events_lost);
		for (k = 0; k < sizeof(vn) / sizeof(vn[0]); k++)
			printf(" %s=%llu", vn[k], (unsigned long long)st->verdicts[k]);
		printf(" sip_sessions=%u sip_ports_in_use=%u sip_requests_in=%llu sip_responses_in=%llu"
		       " sip_requests_fwd=%llu sip_responses_fwd=%llu sip_replies=%llu"
		       " sip_cps_refused=%llu sip_dropped=%llu sip_sessions_created=%llu"
		       " sip_sessions_deleted=%llu\n", st->sip_sessions, st->sip_ports_in_use,
		       (unsigned long long)st->sip_requests_in, (unsigned long long)st->sip_responses_in,
		       (unsigned long long)st->sip_requests_fwd, (unsigned long long)st->sip_responses_fwd,
		       (unsigned long long)st->sip_replies, (unsigned long long)st->sip_cps_refused,
		       (unsigned long long)st->sip_dropped, (unsigned long long)st->sip_sessions_created,
		       (unsigned long long)st->sip_sessions_deleted);
		printf("guard sip_banned=%llu sip_rate_limited=%llu bans=%u sources=%u\n",
		       (unsigned long long)st->sip_banned, (unsigned long long)st->sip_rate_limited,
		       st->bans, st->sources);
		break;
	case DP_EVENT_CREATED:
	case DP_EVENT_LATCHED:
	case DP_EVENT_DELETED:
		printf("event=%s handle=%u gen=%u session=%llu",
		       h->type == DP_EVENT_CREATED ? "created" :
		       h->type == DP_EVENT_LATCHED ? "latched" : "deleted",
		       e->handle, e->gen, (unsigned long long)e->session_id);
		if (h->type == DP_EVENT_LATCHED) {
			printf(" leg=%c comp=%s", 'a' + e->leg, e->comp ? "rtcp" : "rtp");
			print_addr("addr", &e->addr);
		}
		if (h->type == DP_EVENT_CREATED)
			printf(" call_id=%.*s", (int)sizeof(e->call_id), e->call_id);
		printf("\n");
		break;
	default:
		printf("message type=%u len=%zd\n", h->type, len);
	}
	fflush(stdout);
}

/* Send req, print messages until the reply with its seq (events print on the way). */
static int
transact(int fd, const void *req, size_t len)
{
	const struct dp_hdr *rh = req;
	char buf[DP_MSG_MAX];
	const struct dp_hdr *h = (const void *)buf;
	ssize_t n;

	if (send(fd, req, len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		print_msg(buf, n);
		if (h->seq == rh->seq && h->type != DP_STREAM_INFO)
			return h->status;
		if (h->seq == rh->seq && rh->type == DP_STREAM_QUERY)
			return 0;
	}
}

static int
run(int fd, int argc, char **argv)
{
	union {
		struct dp_hdr h;
		struct dp_hello hello;
		struct dp_stream_create c;
		struct dp_stream_ref ref;
	} m;
	const char *cmd = argv[0];
	int i;

	memset(&m, 0, sizeof(m));
	if (!strcmp(cmd, "hello")) {
		hdr(&m.h, DP_HELLO, sizeof(m.hello));
		m.hello.version = DP_PROTO_VERSION;
		snprintf(m.hello.name, sizeof(m.hello.name), "siprelay-dpclient");
		return transact(fd, &m, sizeof(m.hello));
	}
	if (!strcmp(cmd, "create") && argc >= 5) {
		hdr(&m.h, DP_STREAM_CREATE, sizeof(m.c));
		for (i = 0; i < 2; i++) {
			snprintf(m.c.leg[i].iface, sizeof(m.c.leg[i].iface), "%s", argv[1 + 2 * i]);
			m.c.leg[i].local.family = DP_FAMILY_IPV4;
			m.c.leg[i].flags = DP_LEG_DEFAULTS;
			if (parse_remote(argv[2 + 2 * i], &m.c.leg[i]) < 0) {
				fprintf(stderr, "bad remote %s\n", argv[2 + 2 * i]);
				return -EINVAL;
			}
		}
		for (i = 5; i < argc; i++) {
			if (!strcmp(argv[i], "--strict"))
				m.c.leg[0].flags |= DP_LEG_STRICT, m.c.leg[1].flags |= DP_LEG_STRICT;
			else if (!strcmp(argv[i], "--mux"))
				m.c.leg[0].flags |= DP_LEG_RTCP_MUX, m.c.leg[1].flags |= DP_LEG_RTCP_MUX;
			else if (!strcmp(argv[i], "--session") && i + 1 < argc)
				m.c.session_id = strtoull(argv[++i], NULL, 0);
			else if (!strcmp(argv[i], "--call-id") && i + 1 < argc)
				snprintf(m.c.call_id, sizeof(m.c.call_id), "%s", argv[++i]);
		}
		return transact(fd, &m, sizeof(m.c));
	}
	if ((!strcmp(cmd, "query") || !strcmp(cmd, "delete")) && argc >= 3) {
		hdr(&m.h, !strcmp(cmd, "query") ? DP_STREAM_QUERY : DP_STREAM_DELETE, sizeof(m.ref));
		m.ref.handle = (uint32_t)strtoul(argv[1], NULL, 0);
		m.ref.gen = (uint32_t)strtoul(argv[2], NULL, 0);
		return transact(fd, &m, sizeof(m.ref));
	}
	if (!strcmp(cmd, "list") || !strcmp(cmd, "stats")) {
		hdr(&m.h, !strcmp(cmd, "list") ? DP_STREAM_LIST : DP_STATS, sizeof(m.h));
		return transact(fd, &m, sizeof(m.h));
	}
	if (!strcmp(cmd, "events") && argc >= 2) {
		char buf[DP_MSG_MAX];
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ms = (int)(atof(argv[1]) * 1000);
		struct timespec t0, t;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			int left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0 || poll(&p, 1, left) <= 0)
				return 0;
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				return -ECONNRESET;
			print_msg(buf, n);
		}
	}
	fprintf(stderr, "unknown or incomplete command: %s\n", cmd);
	return -EINVAL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = "/run/siprelay/dataplane.sock";
	char line[1024], *av[16];
	int fd, ret = 0, ac;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: siprelay-dpclient [-s SOCKET] hello|create|query|delete|"
			"list|stats|events|script ...\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (strcmp(argv[1], "script") != 0) {
		ret = run(fd, argc - 1, argv + 1);
	} else {
		while (ret >= 0 && fgets(line, sizeof(line), stdin) != NULL) {
			ac = 0;
			for (char *tok = strtok(line, " \t\n"); tok && ac < 16; tok = strtok(NULL, " \t\n"))
				av[ac++] = tok;
			if (ac > 0 && av[0][0] != '#')
				ret = run(fd, ac, av);
			if (ret > 0)
				ret = 0;
		}
	}
	close(fd);
	if (ret < 0)
		fprintf(stderr, "error: %s\n", strerror(-ret));
	return ret < 0 ? 1 : 0;
}
