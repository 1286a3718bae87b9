/* siprelayctl: command table shared by the subcommand files. */
#ifndef SIPRELAY_CTL_H
#define SIPRELAY_CTL_H

#include <stdbool.h>

struct ctl_opts {
	const char *socket; /* control.sock path */
	bool json;          /* machine output */
};

struct ctl_cmd {
	const char *name;
	const char *args;
	const char *help;
	/* argv[0] is the subcommand; returns the process exit code */
	int (*run)(const struct ctl_opts *opts, int argc, char **argv);
};

int cmd_sip_check(const struct ctl_opts *opts, int argc, char **argv);
/* over control.sock: cmd_stats.c, cmd_session.c, cmd_ban.c, cmd_limits.c */
int cmd_status(const struct ctl_opts *opts, int argc, char **argv);
int cmd_stats(const struct ctl_opts *opts, int argc, char **argv);
int cmd_sessions(const struct ctl_opts *opts, int argc, char **argv);
int cmd_session(const struct ctl_opts *opts, int argc, char **argv);
int cmd_ban(const struct ctl_opts *opts, int argc, char **argv);
int cmd_limits(const struct ctl_opts *opts, int argc, char **argv);
int cmd_reload(const struct ctl_opts *opts, int argc, char **argv);
/* cmd_registrations.c */
int cmd_registrations(const struct ctl_opts *opts, int argc, char **argv);
/* cmd_rules.c */
int cmd_rules(const struct ctl_opts *opts, int argc, char **argv);
/* cmd_trace.c */
int cmd_trace(const struct ctl_opts *opts, int argc, char **argv);

#endif
