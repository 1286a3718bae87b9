/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * siprelay-control: owns the public Unix sockets (control.sock, rtpproxy.sock),
 * mirrors the data plane's streams from dataplane.sock and serves statistics. One
 * poll() loop; the data plane keeps the media, so this process can restart at any
 * time and resynchronise.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control_server.h"
#include "daemon.h"
#include "dp_client.h"
#include "line_server.h"
#include "registry.h"
#include "rtpproxy_server.h"

#define DEFAULT_DP_SOCKET "/run/siprelay/dataplane.sock"
#define DEFAULT_CONTROL_SOCKET "/run/siprelay/control.sock"
#define DEFAULT_RTPPROXY_SOCKET "/run/siprelay/rtpproxy.sock"
#define RECONNECT_MS 1000

struct options {
	const char *dp_socket;
	const char *control_socket;
	const char *rtpproxy_socket;
	const char *config;
	const char *access_iface;
	const char *core_iface;
	int rtpproxy_dgram;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: siprelay-control [OPTIONS]\n\n"
		"  --dataplane-socket PATH  data plane channel (default " DEFAULT_DP_SOCKET ")\n"
		"  --control-socket PATH    JSON-lines control socket (default "
		DEFAULT_CONTROL_SOCKET ")\n"
		"  --rtpproxy-socket PATH   rtpproxy protocol socket (default "
		DEFAULT_RTPPROXY_SOCKET ")\n"
		"  --rtpproxy-dgram         rtpproxy.sock as SOCK_DGRAM with cookies (default:\n"
		"                           SOCK_STREAM without, like Kamailio's \"unix:\")\n"
		"  --config FILE            the data plane's config: names of the access (caller)\n"
		"                           and core (callee) interfaces for rtpproxy sessions\n"
		"  --access-iface NAME      caller-side interface (default: first in --config,\n"
		"                           else \"access\")\n"
		"  --core-iface NAME        callee-side interface (default: second in --config,\n"
		"                           else \"core\")\n"
		"  -h, --help               this text\n");
}

/* 0 ok, 1 exit 0 (help), -1 exit 2 (usage error) */
static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "dataplane-socket", required_argument, NULL, 'd' },
		{ "control-socket", required_argument, NULL, 'c' },
		{ "rtpproxy-socket", required_argument, NULL, 'r' },
		{ "rtpproxy-dgram", no_argument, NULL, 'g' },
		{ "config", required_argument, NULL, 'f' },
		{ "access-iface", required_argument, NULL, 'a' },
		{ "core-iface", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dp_socket = optarg; break;
		case 'c': o->control_socket = optarg; break;
		case 'r': o->rtpproxy_socket = optarg; break;
		case 'g': o->rtpproxy_dgram = 1; break;
		case 'f': o->config = optarg; break;
		case 'a': o->access_iface = optarg; break;
		case 'k': o->core_iface = optarg; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "siprelay-control: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->dp_socket[0] || !o->control_socket[0] || !o->rtpproxy_socket[0]) {
		fprintf(stderr, "siprelay-control: socket paths must not be empty\n");
		return -1;
	}
	return 0;
}

static int
setup_ifaces(const struct options *o, struct ifaces *ifs)
{
	char err[256];

	ifaces_default(ifs);
	if (o->config != NULL && ifaces_from_config(ifs, o->config, err, sizeof(err)) < 0) {
		fprintf(stderr, "siprelay-control: %s\n", err);
		return -1;
	}
	if (o->access_iface != NULL)
		snprintf(ifs->access, sizeof(ifs->access), "%s", o->access_iface);
	if (o->core_iface != NULL)
		snprintf(ifs->core, sizeof(ifs->core), "%s", o->core_iface);
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The loop: data plane events, both servers, a reconnect attempt every second. */
static int
run(struct ctl_daemon *d, struct line_server *ctl, struct line_server *rtpp_stream,
    struct rtpproxy_server *rtpp_dgram)
{
	struct pollfd p[2 + 2 * LINE_SERVER_POLLFDS];
	int64_t next_try = 0;
	int warned = 0, ret;

	while (!stop_signal) {
		unsigned int n = 0, ctl_at, rtpp_at;

		if (dp_client_fd(d->dp) < 0 && now_ms() >= next_try) {
			ret = dp_client_connect(d->dp);
			if (ret == -EPROTONOSUPPORT) {
				fprintf(stderr, "siprelay-control: the data plane speaks another "
					"dataplane.sock version (this is version %d)\n",
					DP_PROTO_VERSION);
				return -1;
			}
			if (ret < 0 && !warned) {
				fprintf(stderr, "siprelay-control: data plane not answering (%s), "
					"retrying every second\n", strerror(-ret));
				warned = 1;
			}
			if (ret == 0)
				warned = 0;
			next_try = now_ms() + RECONNECT_MS;
		}
		p[n++] = (struct pollfd){ .fd = dp_client_fd(d->dp), .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = rtpp_dgram ? rtpproxy_dgram_fd(rtpp_dgram) : -1,
					  .events = POLLIN };
		ctl_at = n;
		line_server_pollfds(ctl, p + n);
		n += LINE_SERVER_POLLFDS;
		rtpp_at = n;
		if (rtpp_stream != NULL) {
			line_server_pollfds(rtpp_stream, p + n);
			n += LINE_SERVER_POLLFDS;
		}
		ret = poll(p, n, dp_client_fd(d->dp) < 0 ? RECONNECT_MS : -1);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			perror("siprelay-control: poll");
			return -1;
		}
		if (p[0].revents)
			dp_client_on_readable(d->dp);
		if (p[1].revents & POLLIN)
			rtpproxy_dgram_on_readable(rtpp_dgram);
		line_server_dispatch(ctl, p + ctl_at);
		if (rtpp_stream != NULL)
			line_server_dispatch(rtpp_stream, p + rtpp_at);
	}
	fprintf(stderr, "siprelay-control: %s, exiting\n", strsignal(stop_signal));
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { DEFAULT_DP_SOCKET, DEFAULT_CONTROL_SOCKET, DEFAULT_RTPPROXY_SOCKET,
			     NULL, NULL, NULL, 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct line_server *ctl = NULL, *rtpp_stream = NULL;
	struct rtpproxy_server *rtpp_dgram = NULL;
	struct ctl_daemon d;
	int ret, err = 0;

	ret = parse_args(argc, argv, &o);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	memset(&d, 0, sizeof(d));
	if (setup_ifaces(&o, &d.ifs) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &d.started);
	/* no SA_RESTART: poll() must return so that the loop sees the flag */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	d.reg = registry_new();
	d.dp = d.reg ? dp_client_new(o.dp_socket, d.reg) : NULL;
	if (d.dp == NULL) {
		fprintf(stderr, "siprelay-control: %s: %s\n", o.dp_socket,
			d.reg ? "path too long" : "out of memory");
		ret = 1;
		goto out;
	}
	ctl = line_server_new(o.control_socket, control_answer, &d, 0, &err);
	if (ctl == NULL) {
		fprintf(stderr, "siprelay-control: control socket %s: %s\n", o.control_socket,
			strerror(-err));
		ret = 1;
		goto out;
	}
	if (o.rtpproxy_dgram)
		rtpp_dgram = rtpproxy_dgram_new(o.rtpproxy_socket, &d, &err);
	else
		rtpp_stream = line_server_new(o.rtpproxy_socket, rtpproxy_answer, &d, 1, &err);
	if (rtpp_dgram == NULL && rtpp_stream == NULL) {
		fprintf(stderr, "siprelay-control: rtpproxy socket %s: %s\n", o.rtpproxy_socket,
			strerror(-err));
		ret = 1;
		goto out;
	}
	fprintf(stderr, "siprelay-control: control %s, rtpproxy %s (%s), data plane %s, "
		"rtpproxy sessions on %s (caller) / %s (callee)\n", o.control_socket,
		o.rtpproxy_socket, o.rtpproxy_dgram ? "dgram" : "stream", o.dp_socket,
		d.ifs.access, d.ifs.core);
	ret = run(&d, ctl, rtpp_stream, rtpp_dgram) < 0 ? 1 : 0;
out:
	line_server_free(ctl);
	line_server_free(rtpp_stream);
	rtpproxy_dgram_free(rtpp_dgram);
	dp_client_free(d.dp);
	registry_free(d.reg);
	return ret;
}
