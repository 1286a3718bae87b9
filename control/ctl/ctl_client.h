/* siprelayctl's side of control.sock: one request line out, one answer line back. */
#ifndef SIPRELAY_CTL_CLIENT_H
#define SIPRELAY_CTL_CLIENT_H

#include <jansson.h>

#include "ctl.h"

/* Exit codes of every subcommand. */
#define CTL_EXIT_OK 0
#define CTL_EXIT_FAIL 1   /* daemon down, or it answered an error */
#define CTL_EXIT_USAGE 2  /* the command line is wrong */

/*
 * Sends req (consumed) and returns the answer (NULL after printing why: cannot
 * connect, no answer, or the daemon's {"error"}: "siprelayctl: WHAT: message"). With
 * raw set, *raw gets the answer line as the daemon sent it (free it).
 */
json_t *ctl_ask(const struct ctl_opts *opts, const char *what, json_t *req, char **raw);

/* An option of a subcommand that takes a value: "--ttl 60" or "--ttl=60". */
struct ctl_optval {
	const char *name;   /* "--ttl" */
	const char **val;   /* set when given */
};

/*
 * A subcommand's arguments (argv[0..argc), after its name): the options of opt, --json
 * (-j, sets *json) and --help (-h), and up to max_pos positional words into pos
 * (*n_pos of them). 0 ok; 1 help printed (exit 0); -1 error printed (exit 2).
 */
int ctl_args(const char *cmd, const char *usage, int argc, char **argv,
	     const struct ctl_optval *opt, unsigned int n_opt, bool *json, char **pos,
	     int max_pos, int *n_pos);

/* Strict numbers for options: decimal digits only; 0 or -1 after printing why. A
 * duration takes an optional s, m, h or d suffix. */
int ctl_parse_u64(const char *cmd, const char *opt, const char *s, unsigned long long *out);
int ctl_parse_duration(const char *cmd, const char *opt, const char *s, unsigned long long *out);

/* req[key] = v; -1 after printing why (text that is not UTF-8). */
int ctl_put_str(json_t *req, const char *cmd, const char *key, const char *v);

/* Prints the answer line for --json, or hands the object to the table printer. */
int ctl_print(const struct ctl_opts *opts, bool json, json_t *ans, char *raw,
	      void (*table)(json_t *ans));

#endif
