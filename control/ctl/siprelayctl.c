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
	{ "sip-check", "FILE...",
	  "parse each file as one SIP message (offline) and print one JSON verdict per line;\n"
	  "\t\t\texit 0 when all are valid, 1 when any is not, 2 on a usage or read error",
	  cmd_sip_check },
	{ "stats", "[--json]",
	  "counters of siprelay-control and the data plane: sip, rtp, sessions, prefilter",
	  cmd_stats },
	{ "sessions", "[--json]",
	  "the streams the data plane relays, one line per leg (packets, bytes, loss, jitter)",
	  cmd_sessions },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: siprelayctl [--socket PATH] [--json] COMMAND [ARGS...]\n\n"
		   "options:\n"
		   "  -s, --socket PATH   control socket (default " DEFAULT_CONTROL_SOCKET ")\n"
		   "  -j, --json          machine-readable output\n"
		   "  -h, --help          this text\n\n"
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
