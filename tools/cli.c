/* The subcommands' argument parser (cli.h). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tk_cli_init(tk_cli *c, const char *prog, int argc, char **argv) {
    *c = (tk_cli){prog, argc, argv, 0, NULL, NULL};
}

const char *tk_cli_next(tk_cli *c) {
    if (c->i + 1 >= c->argc)
        return NULL;
    return c->argv[++c->i];
}

bool tk_cli_is_help(const char *a) {
    return !strcmp(a, "-h") || !strcmp(a, "--help");
}

bool tk_cli_is(tk_cli *c, const char *a, const char *name) {
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return false;
    c->opt = name;
    c->val = a[n] == '=' ? a + n + 1 : NULL;
    return true;
}

int tk_cli_fail(const tk_cli *c, const char *what, const char *arg) {
    fprintf(stderr, "%s: %s '%s'\nTry '%s --help'.\n", c->prog, what, arg, c->prog);
    return TK_CLI_USAGE;
}

int tk_cli_unknown(const tk_cli *c, const char *a) {
    return tk_cli_fail(c, "unexpected argument", a);
}

int tk_cli_str(tk_cli *c, const char **out) {
    if (c->val != NULL) {
        *out = c->val;
        return 0;
    }
    if (c->i + 1 >= c->argc)
        return tk_cli_fail(c, "missing value for", c->opt);
    *out = c->argv[++c->i];
    return 0;
}

/* "bad value for --bytes: 'abc'" */
static int bad_value(const tk_cli *c, const char *v, const char *why) {
    char what[96];
    snprintf(what, sizeof what, "%s for %s:", why, c->opt);
    return tk_cli_fail(c, what, v);
}

int tk_cli_range(tk_cli *c, uint64_t min, uint64_t max, uint64_t *out) {
    const char *v;
    int rc = tk_cli_str(c, &v);
    if (rc)
        return rc;
    if (!isdigit((unsigned char)v[0]))
        return bad_value(c, v, v[0] == '-' ? "negative number" : "not a number");
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (*end != '\0')
        return bad_value(c, v, "not a number");
    if (errno == ERANGE || n < min || n > max) {
        char why[64];
        snprintf(why, sizeof why, "out of range %llu..%llu", (unsigned long long)min,
                 (unsigned long long)max);
        return bad_value(c, v, why);
    }
    *out = n;
    return 0;
}

int tk_cli_u64(tk_cli *c, uint64_t max, uint64_t *out) {
    return tk_cli_range(c, 0, max, out);
}

int tk_cli_double(tk_cli *c, double min, double max, double *out) {
    const char *v;
    int rc = tk_cli_str(c, &v);
    if (rc)
        return rc;
    char *end = NULL;
    double d = strtod(v, &end);
    if (end == v || *end != '\0' || isspace((unsigned char)v[0]))
        return bad_value(c, v, "not a number");
    if (!(d >= min && d <= max)) {
        char why[64];
        snprintf(why, sizeof why, "out of range %g..%g", min, max);
        return bad_value(c, v, why);
    }
    *out = d;
    return 0;
}
