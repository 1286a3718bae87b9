/* siprelayctl: the operator's command line for siprelay.
 *
 * Human tables by default, --json for machines, --socket PATH for a non-default control
 * socket. Offline commands (sip-check) need no daemon. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

#define DEFAULT_CONTROL_SOCKET "/run/siprelay/control.sock"

static const struct ctl_cmd commands[] = {
	{ "status", "[--json]",
	  "siprelay-control's version and uptime, whether the data plane is connected,\n"
	  "\t\t\tstreams, SIP calls and bans now",
	  cmd_status },
	{ "stats", "[--json]",
	  "counters of siprelay-control and the data plane: sip, rtp, sessions, prefilter",
	  cmd_stats },
	{ "sessions", "[--call-id ID] [--address IP[:PORT]] [--json]",
	  "the streams the data plane relays, one line per leg (packets, bytes, loss,\n"
	  "\t\t\tjitter); --call-id keeps one call, --address the legs whose local or\n"
	  "\t\t\tremote address (and port, when given) it is. --json prints a list",
	  cmd_sessions },
	{ "session", "show|delete HANDLE | --session ID | --call-id CALL-ID",
	  "one session (a call, all its streams) by a stream's handle, the session id\n"
	  "\t\t\tof the sessions table or its Call-ID: show prints every counter of each\n"
	  "\t\t\tleg; delete ends it in the data plane (streams and media ports)",
	  cmd_session },
	{ "ban", "add ADDRESS[/LEN] [--ttl DURATION] [--reason TEXT] | del ADDRESS[/LEN] | list",
	  "SIP from a banned IPv4/IPv6 address or prefix is dropped by the data plane\n"
	  "\t\t\t(counted as sip banned). DURATION: seconds, or with s, m, h, d; none or\n"
	  "\t\t\t0 = permanent. Expired bans disappear on their own; the data plane keeps\n"
	  "\t\t\tthem across restarts of siprelay-control, not its own",
	  cmd_ban },
	{ "rules", "[--json]",
	  "the data plane's signature rules ([security] rules = FILE, format in\n"
	  "\t\t\tconfig/rules.default): id, where, action and hits of each; messages\n"
	  "\t\t\tdropped, rejected (403) and banned by them; automatic bans for password\n"
	  "\t\t\tguessing and flooding (their reasons show in ban list). reload swaps them",
	  cmd_rules },
	{ "limits", "get | set [--cps N] [--cps-burst N] [--source-rate N] [--source-burst N]",
	  "new calls per second (over it: 500) and SIP requests per second from one\n"
	  "\t\t\taccess-side source (over it: dropped); 0 = unlimited, a burst of 0 = the\n"
	  "\t\t\trate. In effect at once, until the next reload or restart",
	  cmd_limits },
	{ "reload", "[--json]",
	  "the data plane reads its config file again and applies what can change while\n"
	  "\t\t\tcalls run (limits, SIP answers, upstream, latching defaults) and names\n"
	  "\t\t\twhat needs a restart; a file with an error is refused (FILE:LINE: reason)\n"
	  "\t\t\tand the running settings stay",
	  cmd_reload },
	{ "trace", "start --call-id ID | --address IP[:PORT] [--file PATH] [--overwrite]\n"
	  "\t\t[--max-packets N] [--max-duration DURATION] | stop ID | stop --all | list",
	  "write the SIP messages of a call (Call-ID) or of an address (source or\n"
	  "\t\t\tdestination, port optional) that the relay receives and sends to a\n"
	  "\t\t\tpcapng file for Wireshark, tshark or sngrep. Default file: trace-ID-TIME\n"
	  "\t\t\t.pcapng in /var/lib/siprelay (else /tmp); an existing file is kept\n"
	  "\t\t\tunless --overwrite. Limits default to 100000 packets and 1 h (0 = none)",
	  cmd_trace },
	{ "registrations", "[--json]",
	  "phones registered through the relay: AOR, the address their REGISTER came\n"
	  "\t\t\tfrom (their NAT binding), state (pending, registered, unreachable when\n"
	  "\t\t\tkeepalive OPTIONS go unanswered), NAT, expiry and keepalives answered",
	  cmd_registrations },
	{ "sip-check", "FILE...",
	  "parse each file as one SIP message (offline) and print one JSON verdict per line;\n"
	  "\t\t\texit 0 when all are valid, 1 when any is not, 2 on a usage or read error",
	  cmd_sip_check },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: siprelayctl [--socket PATH] [--json] COMMAND [ARGS...]\n\n"
		   "options:\n"
		   "  -s, --socket PATH   control socket (default " DEFAULT_CONTROL_SOCKET ")\n"
		   "  -j, --json          machine-readable output\n"
		   "  -h, --help          this text (COMMAND --help: its usage)\n\n"
		   "Exit status: 0 done, 1 siprelay-control is not reachable or answered an\n"
		   "error, 2 the command line is wrong.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s %s\n\t\t\t%s\n", commands[i].name, commands[i].args, commands[i].help);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts opts = { DEFAULT_CONTROL_SOCKET, false };
	int c;
	/* '+': stop at the subcommand so that its own arguments are left alone */
	while ((c = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.socket = optarg;
			break;
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "siprelayctl: missing command\n");
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].run(&opts, argc - optind, argv + optind);
	fprintf(stderr, "siprelayctl: unknown command '%s' (see siprelayctl --help)\n", argv[optind]);
	return 2;
}
