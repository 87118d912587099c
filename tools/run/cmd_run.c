/* `tcpkit run`: packetdrill-syntax scripts against an in-process stack on
 * virtual time. One line per script, then "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lib/packetdrill/pkt_parse.h"
#include "runner.h"

#define MAX_DEFINES        16
#define MAX_PRESETS        16
#define DEFAULT_REMOTE_ISN 1000000u

static void usage(FILE *out) {
    fprintf(out,
            "usage: tcpkit run [--relax-options] [--relax-win] [--remote-isn=N]\n"
            "                  [--local-isn=N] [-D NAME]... [--sysctl NAME=N]... SCRIPT.pkt...\n"
            "Runs packetdrill-syntax scripts against a tcpkit stack (198.18.0.1) on virtual\n"
            "time; the script plays the peer 198.18.0.2. Outbound packets must match exactly\n"
            "unless relaxed: --relax-options ignores their TCP options, --relax-win their\n"
            "window. -D NAME selects #ifdef NAME branches (default: STANDARD).\n"
            "--remote-isn sets the script peer's ISN (default 1000000), --local-isn fixes\n"
            "the stack's (tk_config.isn_fixed), e.g. just below 2^32 to test wrap-around.\n"
            "--sysctl NAME=N starts each script as if `sysctl -w NAME=N` had run before it\n"
            "(the host defaults a suite assumes; the names of docs/conformance.md).\n"
            "Exit status: 0 all passed, 1 some failed, 2 usage or syntax error.\n");
}

/* Runs one file; returns 0 passed, 1 failed, 2 syntax error. */
static int run_file(const char *path, const tk_run_opts *opts) {
    tk_pkt_script sc;
    tk_pkt_error err;
    int rc = tk_pkt_parse_file(path, opts->defines, opts->ndefines, &sc, &err);
    if (rc) {
        if (err.line)
            printf("FAIL %s: line %d: syntax error: %s\n", path, err.line, err.msg);
        else
            printf("FAIL %s: %s\n", path, err.msg);
        return 2;
    }
    tk_run r;
    int failed = tk_run_script(&r, &sc, opts);
    if (failed)
        printf("FAIL %s: line %d: %s\n", path, r.fail_line, r.fail_msg);
    else if (r.nmismatch)
        printf("PASS %s (--non_fatal=syscall: %d system call results differed; first: line %d: "
               "%s)\n",
               path, r.nmismatch, r.mismatch_line, r.mismatch_msg);
    else
        printf("PASS %s\n", path);
    tk_run_release(&r);
    tk_pkt_script_free(&sc);
    return failed;
}

/* --sysctl NAME=N: checked now against a scratch configuration. */
static int add_preset(tk_run_opts *o, const char **presets, const char *assign) {
    tk_config scratch;
    char msg[160];
    tk_config_default(&scratch);
    if (o->npresets == MAX_PRESETS || tk_run_sysctl_preset(&scratch, assign, msg, sizeof msg)) {
        fprintf(stderr, "tcpkit run: %s\n", o->npresets == MAX_PRESETS ? "too many --sysctl" : msg);
        return 2;
    }
    presets[o->npresets++] = assign;
    return -1;
}

static int parse_args(int argc, char **argv, tk_run_opts *o, const char **defs,
                      const char **presets, int *first) {
    size_t nd = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--relax-options"))
            o->relax_options = true;
        else if (!strcmp(a, "--relax-win"))
            o->relax_win = true;
        else if (!strncmp(a, "--remote-isn=", 13))
            o->remote_isn = (uint32_t)strtoul(a + 13, NULL, 0);
        else if (!strncmp(a, "--local-isn=", 12)) {
            o->local_isn_fixed = true;
            o->local_isn = (uint32_t)strtoul(a + 12, NULL, 0);
        } else if (!strcmp(a, "--sysctl") && i + 1 < argc) {
            int rc = add_preset(o, presets, argv[++i]);
            if (rc >= 0)
                return rc;
        } else if (!strcmp(a, "-D") && i + 1 < argc && nd < MAX_DEFINES)
            defs[nd++] = argv[++i];
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "tcpkit run: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (nd == 0)
        defs[nd++] = "STANDARD";
    o->defines = defs;
    o->ndefines = nd;
    *first = i;
    if (i == argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

int tk_cmd_run(int argc, char **argv) {
    tk_run_opts opts = {.remote_isn = DEFAULT_REMOTE_ISN};
    const char *defs[MAX_DEFINES];
    const char *presets[MAX_PRESETS];
    int first;
    int rc = parse_args(argc, argv, &opts, defs, presets, &first);
    opts.presets = presets;
    if (rc >= 0)
        return rc;
    int passed = 0, failed = 0;
    bool syntax = false;
    for (int i = first; i < argc; i++) {
        int res = run_file(argv[i], &opts);
        syntax |= res == 2;
        if (res == 0)
            passed++;
        else
            failed++;
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return syntax ? 2 : failed ? 1 : 0;
}
