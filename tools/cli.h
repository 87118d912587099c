/* The argument parser every `tcpkit` subcommand uses, so that all of them
 * keep one contract (docs/cli.md):
 *   - `--help` / `-h` prints the usage on stdout and exits 0;
 *   - a usage error names the argument at fault on stderr and exits 2:
 *     an unknown option, a missing value, a value that is not a number or
 *     is negative or out of range where a number is expected;
 *   - options take their value as `--name VALUE` or `--name=VALUE`.
 *
 *   tk_cli c;
 *   tk_cli_init(&c, "tcpkit sim", argc, argv);
 *   for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
 *       if (tk_cli_is(&c, a, "--seed")) rc = tk_cli_u64(&c, UINT64_MAX, &seed);
 *       else ... else rc = tk_cli_unknown(&c, a);
 *   }
 */
#ifndef TK_TOOLS_CLI_H
#define TK_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit status of a usage error. */
#define TK_CLI_USAGE 2

typedef struct tk_cli {
    const char *prog; /* "tcpkit bench sim": the prefix of every message */
    int argc;
    char **argv;
    int i;           /* index of the argument tk_cli_next returned last */
    const char *opt; /* the option tk_cli_is matched last */
    const char *val; /* its value after '=' (--name=VALUE), or NULL */
} tk_cli;

/* argv[0] is the subcommand's own name; reading starts at argv[1]. */
void tk_cli_init(tk_cli *c, const char *prog, int argc, char **argv);

/* The next argument, or NULL after the last. */
const char *tk_cli_next(tk_cli *c);

/* `-h` or `--help`. */
bool tk_cli_is_help(const char *a);

/* `a` is the option `name`, alone or as `name=VALUE`; remembers it for the
 * value readers below. */
bool tk_cli_is(tk_cli *c, const char *a, const char *name);

/* The value of the option tk_cli_is matched: after '=' or the next
 * argument. Each returns 0, or TK_CLI_USAGE after naming the problem. */
int tk_cli_str(tk_cli *c, const char **out);
/* A count: decimal or 0x hex digits only (no sign), at most `max`. */
int tk_cli_u64(tk_cli *c, uint64_t max, uint64_t *out);
/* A count in [min, max]. */
int tk_cli_range(tk_cli *c, uint64_t min, uint64_t max, uint64_t *out);
/* A decimal number in [min, max] (a percentage, for instance). */
int tk_cli_double(tk_cli *c, double min, double max, double *out);

/* "unexpected argument 'x'": an unknown option, or an operand too many.
 * Returns TK_CLI_USAGE. */
int tk_cli_unknown(const tk_cli *c, const char *a);

/* "PROG: WHAT 'ARG'" and a pointer to --help. Returns TK_CLI_USAGE. */
int tk_cli_fail(const tk_cli *c, const char *what, const char *arg);

#endif
