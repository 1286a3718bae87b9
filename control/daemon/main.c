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

#include <siprelay/sock_perm.h>

#include "control_server.h"
#include "ctl_settings.h"
#include "daemon.h"
#include "dp_client.h"
#include "expiry.h"
#include "line_server.h"
#include "metrics.h"
#include "metrics_http.h"
#include "registry.h"
#include "rtpp_notify.h"
#include "rtpproxy_server.h"
#include "traces.h"

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
	/* from --config's [control] section, then the options */
	struct ctl_settings set;
	const char *rtpproxy_udp;                       /* ADDR:PORT, NULL = off */
	const char *rtpproxy_notify[RTPP_NOTIFY_MAX_TARGETS];
	unsigned int n_notify;
	const char *metrics;       /* ADDR:PORT or "off"; NULL = METRICS_HTTP_DEFAULT */
	int metrics_remote;        /* --metrics-allow-remote */
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
		"  --rtpproxy-udp ADDR:PORT the rtpproxy protocol on UDP too (Kamailio's\n"
		"                           rtpproxy_sock=udp:...); a bare PORT listens on\n"
		"                           127.0.0.1 (default: off)\n"
		"  --rtpproxy-notify SOCKET allow U's timeout notifications to SOCKET: unix:PATH,\n"
		"                           tcp:ADDR:PORT or udp:ADDR:PORT (repeatable, up to 8)\n"
		"  --config FILE            the data plane's config: names of the access (caller)\n"
		"                           and core (callee) interfaces for rtpproxy sessions\n"
		"  --access-iface NAME      caller-side interface (default: first in --config,\n"
		"                           else \"access\")\n"
		"  --core-iface NAME        callee-side interface (default: second in --config,\n"
		"                           else \"core\")\n"
		"  --idle-timeout S         end a session after S seconds without media in either\n"
		"                           direction (default %u, 0 = off)\n"
		"  --final-timeout S        end every session after S seconds (default 0 = off)\n"
		"  --offer-timeout S        end a session whose offer got no answer after S\n"
		"                           seconds (default %u, 0 = off)\n"
		"  --socket-group NAME      group of control.sock and rtpproxy.sock (mode 0660;\n"
		"                           default the process's group); its members, root and\n"
		"                           this user may connect\n"
		"  --metrics ADDR:PORT|off  Prometheus text on http://ADDR:PORT/metrics (default\n"
		"                           " METRICS_HTTP_DEFAULT "; loopback only unless\n"
		"  --metrics-allow-remote   is given: the endpoint has no authentication)\n"
		"  -h, --help               this text\n\n"
		"--config's [control] section may set idle_timeout, final_timeout, offer_timeout\n"
		"and socket_group; options win.\n", TMO_DEFAULT_IDLE_S, TMO_DEFAULT_OFFER_S);
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
		{ "rtpproxy-udp", required_argument, NULL, 'u' },
		{ "rtpproxy-notify", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'f' },
		{ "access-iface", required_argument, NULL, 'a' },
		{ "core-iface", required_argument, NULL, 'k' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "final-timeout", required_argument, NULL, 'F' },
		{ "offer-timeout", required_argument, NULL, 'O' },
		{ "socket-group", required_argument, NULL, 'G' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "metrics-allow-remote", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* options win over the config file: kept here, applied after it is read */
	const char *tmo_arg[TMO_KINDS] = { NULL }, *group = NULL;
	char err[256];
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dp_socket = optarg; break;
		case 'c': o->control_socket = optarg; break;
		case 'r': o->rtpproxy_socket = optarg; break;
		case 'g': o->rtpproxy_dgram = 1; break;
		case 'u': o->rtpproxy_udp = optarg; break;
		case 'n':
			if (o->n_notify == RTPP_NOTIFY_MAX_TARGETS) {
				fprintf(stderr, "siprelay-control: more than %d --rtpproxy-notify\n",
					RTPP_NOTIFY_MAX_TARGETS);
				return -1;
			}
			o->rtpproxy_notify[o->n_notify++] = optarg;
			break;
		case 'f': o->config = optarg; break;
		case 'a': o->access_iface = optarg; break;
		case 'k': o->core_iface = optarg; break;
		case 'I': tmo_arg[TMO_IDLE] = optarg; break;
		case 'F': tmo_arg[TMO_FINAL] = optarg; break;
		case 'O': tmo_arg[TMO_OFFER] = optarg; break;
		case 'G': group = optarg; break;
		case 'M': o->metrics = optarg; break;
		case 'R': o->metrics_remote = 1; break;
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
	ctl_settings_default(&o->set);
	if (o->config != NULL && ctl_settings_load(&o->set, o->config, err, sizeof(err)) < 0) {
		fprintf(stderr, "siprelay-control: %s\n", err);
		return -1;
	}
	for (int k = 0; k < TMO_KINDS; k++) {
		static const char *const opt[TMO_KINDS] = { "--idle-timeout", "--final-timeout",
							   "--offer-timeout" };
		uint32_t *dst[TMO_KINDS] = { &o->set.tmo.idle_s, &o->set.tmo.final_s,
					     &o->set.tmo.offer_s };

		if (tmo_arg[k] != NULL && timeouts_parse_s(tmo_arg[k], dst[k]) < 0) {
			fprintf(stderr, "siprelay-control: %s '%s': seconds from 0 to %u expected\n",
				opt[k], tmo_arg[k], TMO_MAX_S);
			return -1;
		}
	}
	if (group != NULL)
		snprintf(o->set.socket_group, sizeof(o->set.socket_group), "%s", group);
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
    struct rtpproxy_dgram *rtpp_dgram, struct rtpproxy_dgram *rtpp_udp)
{
	struct pollfd p[3 + 2 * LINE_SERVER_POLLFDS + METRICS_HTTP_POLLFDS];
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
		p[n++] = (struct pollfd){ .fd = rtpp_udp ? rtpproxy_dgram_fd(rtpp_udp) : -1,
					  .events = POLLIN };
		ctl_at = n;
		line_server_pollfds(ctl, p + n);
		n += LINE_SERVER_POLLFDS;
		rtpp_at = n;
		if (rtpp_stream != NULL) {
			line_server_pollfds(rtpp_stream, p + n);
			n += LINE_SERVER_POLLFDS;
		}
		unsigned int met_at = n;

		if (d->metrics != NULL) {
			metrics_http_pollfds(d->metrics, p + n);
			n += METRICS_HTTP_POLLFDS;
		}
		/* the timeouts want a look at the streams every second */
		ret = poll(p, n, dp_client_fd(d->dp) < 0 ? RECONNECT_MS : expiry_run(d->expiry, now_ms()));
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
		if (p[2].revents & POLLIN)
			rtpproxy_dgram_on_readable(rtpp_udp);
		line_server_dispatch(ctl, p + ctl_at);
		if (rtpp_stream != NULL)
			line_server_dispatch(rtpp_stream, p + rtpp_at);
		if (d->metrics != NULL)
			metrics_http_dispatch(d->metrics, p + met_at);
		expiry_run(d->expiry, now_ms());
	}
	fprintf(stderr, "siprelay-control: %s, exiting\n", strsignal(stop_signal));
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { DEFAULT_DP_SOCKET, DEFAULT_CONTROL_SOCKET, DEFAULT_RTPPROXY_SOCKET,
			     NULL, NULL, NULL, 0, { { 0 } } };
	struct sock_perm perm;
	char err_text[256];
	struct sigaction sa = { .sa_handler = on_signal };
	struct line_server *ctl = NULL, *rtpp_stream = NULL;
	struct rtpproxy_dgram *rtpp_dgram = NULL, *rtpp_udp = NULL;
	struct ctl_daemon d;
	int ret, err = 0;

	ret = parse_args(argc, argv, &o);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	memset(&d, 0, sizeof(d));
	if (setup_ifaces(&o, &d.ifs) < 0)
		return 1;
	/* a group that does not exist is a configuration error: say so before anything runs */
	if (sock_perm_init(&perm, o.set.socket_group, err_text, sizeof(err_text)) < 0) {
		fprintf(stderr, "siprelay-control: %s\n", err_text);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &d.started);
	/* no SA_RESTART: poll() must return so that the loop sees the flag */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	d.reg = registry_new();
	d.dp = d.reg ? dp_client_new(o.dp_socket, d.reg) : NULL;
	d.expiry = d.dp ? expiry_new(&d, &o.set.tmo) : NULL;
	if (d.expiry == NULL) {
		fprintf(stderr, "siprelay-control: %s: %s\n", o.dp_socket,
			d.reg && !d.dp ? "path too long" : "out of memory");
		ret = 1;
		goto out;
	}
	d.rtpp = rtpproxy_new();
	d.traces = traces_new(NULL);
	if (d.rtpp == NULL || d.traces == NULL) {
		fprintf(stderr, "siprelay-control: out of memory\n");
		ret = 1;
		goto out;
	}
	for (unsigned int i = 0; i < o.n_notify; i++) {
		err = rtpproxy_add_notify(d.rtpp, o.rtpproxy_notify[i]);
		if (err < 0) {
			fprintf(stderr, "siprelay-control: --rtpproxy-notify '%s': expected "
				"unix:PATH, tcp:ADDR:PORT or udp:ADDR:PORT\n", o.rtpproxy_notify[i]);
			ret = 2;
			goto out;
		}
	}
	/* sessions that time out tell the SIP proxy; Q reports their time left */
	expiry_set_notify(d.expiry, rtpproxy_notify_timeout);
	rtpproxy_set_timeouts(d.rtpp, expiry_policy(d.expiry));
	dp_client_on_event(d.dp, traces_on_event, d.traces);
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
	if (o.rtpproxy_udp != NULL &&
	    (rtpp_udp = rtpproxy_udp_new(o.rtpproxy_udp, &d, &err)) == NULL) {
		fprintf(stderr, "siprelay-control: --rtpproxy-udp %s: %s\n", o.rtpproxy_udp,
			err == -EINVAL ? "expected ADDR:PORT, [ADDR6]:PORT or PORT" : strerror(-err));
		ret = 1;
		goto out;
	}
	err = line_server_set_perm(ctl, &perm, "{\"error\":\"permission denied: not root, "
				   "this daemon's user or in its socket group\"}\n");
	if (err == 0)
		err = rtpp_stream ? line_server_set_perm(rtpp_stream, &perm, NULL) :
			rtpproxy_dgram_set_perm(rtpp_dgram, &perm);
	if (err < 0) {
		fprintf(stderr, "siprelay-control: socket group %s: %s\n", perm.group,
			err == -EPERM ? "this process may not give files that group (run it as "
			"root or as a member)" : strerror(-err));
		ret = 1;
		goto out;
	}
	fprintf(stderr, "siprelay-control: control %s, rtpproxy %s (%s), data plane %s, "
		"rtpproxy sessions on %s (caller) / %s (callee)\n", o.control_socket,
		o.rtpproxy_socket, o.rtpproxy_dgram ? "dgram" : "stream", o.dp_socket,
		d.ifs.access, d.ifs.core);
	fprintf(stderr, "siprelay-control: timeouts idle %u s, final %u s, offer %u s (0 = off); "
		"sockets mode 0660 group %s\n", o.set.tmo.idle_s, o.set.tmo.final_s,
		o.set.tmo.offer_s, perm.group);
	if (rtpp_udp != NULL)
		fprintf(stderr, "siprelay-control: rtpproxy also on udp:%s\n", o.rtpproxy_udp);
	/* an address given is a promise (fail without it); the default one may be taken by
	 * another instance, which must not keep this one from serving calls */
	if (o.metrics == NULL || strcmp(o.metrics, "off") != 0) {
		d.metrics = metrics_http_new(o.metrics ? o.metrics : METRICS_HTTP_DEFAULT,
					     o.metrics_remote, metrics_body, &d, err_text,
					     sizeof(err_text));
		if (d.metrics == NULL && o.metrics != NULL) {
			fprintf(stderr, "siprelay-control: --metrics: %s\n", err_text);
			ret = 1;
			goto out;
		}
		if (d.metrics == NULL)
			fprintf(stderr, "siprelay-control: no metrics: %s\n", err_text);
		else
			fprintf(stderr, "siprelay-control: metrics on http://%s/metrics\n",
				o.metrics ? o.metrics : METRICS_HTTP_DEFAULT);
	}
	ret = run(&d, ctl, rtpp_stream, rtpp_dgram, rtpp_udp) < 0 ? 1 : 0;
	/* close the trace files and take their filters out of the data plane */
	traces_stop(d.traces, d.dp, 0, NULL, NULL);
out:
	line_server_free(ctl);
	line_server_free(rtpp_stream);
	rtpproxy_dgram_free(rtpp_dgram);
	rtpproxy_dgram_free(rtpp_udp);
	expiry_free(d.expiry);
	rtpproxy_free(d.rtpp);
	traces_free(d.traces);
	metrics_http_free(d.metrics);
	dp_client_free(d.dp);
	registry_free(d.reg);
	return ret;
}
