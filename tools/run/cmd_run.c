/* `tcpkit run`: packetdrill-syntax scripts against an in-process stack on
 * virtual time. One line per script, then "N passed, N failed". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "lib/packetdrill/pkt_header.h"
#include "lib/packetdrill/pkt_parse.h"
#include "lib/print/print.h"
#include "pcap_writer.h"
#include "runner.h"

#define MAX_DEFINES        16
#define MAX_PRESETS        32
#define DEFAULT_REMOTE_ISN 1000000u

static void usage(FILE *out) {
    fprintf(out, "usage: tcpkit run [--relax-options] [--relax-win] [--remote-isn=N]\n"
                 "                  [--local-isn=N] [-D NAME]... [--host freebsd|linux] [-v]\n"
                 "                  [--ip_version=ipv4|ipv6|ipv4-mapped-ipv6]\n"
                 "                  [--pcap FILE] [--sysctl NAME=N]... [--html FILE] [--svg FILE]\n"
                 "                  [--json] SCRIPT.pkt...\n"
                 "Runs packetdrill-syntax scripts against a tcpkit stack (198.18.0.1) on virtual\n"
                 "time; the script plays the peer 198.18.0.2. Outbound packets must match exactly\n"
                 "unless relaxed: --relax-options ignores their TCP options, --relax-win their\n"
                 "window. -D NAME selects #ifdef NAME branches (default: STANDARD).\n"
                 "--ip_version runs every script as that version, whatever its header says:\n"
                 "ipv6 puts the stack at fd3d:fa7b:d17d::0 and the peer at\n"
                 "fd3d:fa7b:d17d:8888:: (packetdrill's addresses, never on a real link);\n"
                 "ipv4-mapped-ipv6 gives AF_INET6 sockets IPv4 peers (::ffff:198.18.0.2).\n"
                 "--remote-isn sets the script peer's ISN (default 1000000), --local-isn fixes\n"
                 "the stack's (tk_config.isn_fixed), e.g. just below 2^32 to test wrap-around.\n"
                 "--sysctl NAME=N starts each script as if `sysctl -w NAME=N` had run before it\n"
                 "(the host defaults a suite assumes; the names of docs/conformance.md).\n"
                 "-v prints every packet in and out as tcpdump does and each state change;\n"
                 "--pcap FILE writes every packet of the run (all scripts) to FILE.\n"
                 "--host NAME presets that system's defaults where tcpkit has the setting\n"
                 "(the list is in docs/conformance.md); later --sysctl options override it.\n"
                 "--html FILE writes the pictures of every script (ladder, state diagram,\n"
                 "time-sequence graph), --svg FILE the ladder of the first script, --json one\n"
                 "JSON line per segment in or out (the script lines go to stderr).\n"
                 "Exit status: 0 all passed, 1 some failed, 2 usage or syntax error.\n");
}

/* Runs one file; returns 0 passed, 1 failed, 2 syntax error. */
static int run_file(const char *path, const tk_run_opts *opts) {
    FILE *out = opts->json ? stderr : stdout; /* stdout carries the JSON */
    tk_pkt_script sc;
    tk_pkt_error err;
    int rc = tk_pkt_parse_file(path, opts->defines, opts->ndefines, &sc, &err);
    if (rc) {
        if (err.line)
            fprintf(out, "FAIL %s: line %d: syntax error: %s\n", path, err.line, err.msg);
        else
            fprintf(out, "FAIL %s: %s\n", path, err.msg);
        return 2;
    }
    tk_run r;
    tk_run_opts o = *opts;
    o.title = path;
    int failed = tk_run_script(&r, &sc, &o);
    tk_run_release(&r); /* -v shows nothing of the teardown after the result */
    if (failed)
        fprintf(out, "FAIL %s: line %d: %s\n", path, r.fail_line, r.fail_msg);
    else if (r.nmismatch)
        fprintf(out,
                "PASS %s (--non_fatal=syscall: %d system call results differed; first: line %d: "
                "%s)\n",
                path, r.nmismatch, r.mismatch_line, r.mismatch_msg);
    else
        fprintf(out, "PASS %s\n", path);
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

/* --host NAME: that system's presets, as if given with --sysctl. */
static int add_host(tk_cli *c, tk_run_opts *o, const char **presets, const char *host) {
    const char *const *a = tk_run_host_presets(host);
    if (!a)
        return tk_cli_fail(c, "unknown host (freebsd, linux)", host);
    for (; *a; a++) {
        int rc = add_preset(o, presets, *a);
        if (rc >= 0)
            return rc;
    }
    return -1;
}

/* One option; returns -1 to go on, or the exit status (0 after --help, 2). */
static int parse_opt(tk_cli *c, const char *a, tk_run_opts *o, const char **defs, size_t *nd,
                     const char **presets) {
    uint64_t v = 0;
    const char *s = NULL;
    int rc = 0;
    if (!strcmp(a, "-v")) {
        o->verbose = true;
    } else if (!strcmp(a, "--relax-options")) {
        o->relax_options = true;
    } else if (!strcmp(a, "--relax-win")) {
        o->relax_win = true;
    } else if (tk_cli_is(c, a, "--remote-isn")) {
        rc = tk_cli_u64(c, UINT32_MAX, &v);
        o->remote_isn = (uint32_t)v;
    } else if (tk_cli_is(c, a, "--local-isn")) {
        rc = tk_cli_u64(c, UINT32_MAX, &v);
        o->local_isn_fixed = true;
        o->local_isn = (uint32_t)v;
    } else if (tk_cli_is(c, a, "--ip_version") || tk_cli_is(c, a, "--ip-version")) {
        rc = tk_cli_str(c, &s);
        o->ip_version = rc ? 0 : tk_pkt_ip_version(s);
        if (!rc && o->ip_version < 0)
            return tk_cli_fail(c, "unknown IP version (ipv4, ipv6, ipv4-mapped-ipv6)", s);
    } else if (tk_cli_is(c, a, "--sysctl")) {
        rc = tk_cli_str(c, &s);
        rc = rc ? rc : add_preset(o, presets, s);
    } else if (tk_cli_is(c, a, "--pcap")) {
        rc = tk_cli_str(c, &s);
        if (!rc)
            o->pcap_path = s;
    } else if (tk_cli_is(c, a, "--host")) {
        rc = tk_cli_str(c, &s);
        rc = rc ? rc : add_host(c, o, presets, s);
    } else if (tk_cli_is(c, a, "-D")) {
        rc = tk_cli_str(c, &s);
        if (!rc && *nd == MAX_DEFINES)
            return tk_cli_fail(c, "too many -D", s);
        if (!rc)
            defs[(*nd)++] = s;
    } else if (tk_cli_is(c, a, "--html")) {
        rc = tk_cli_str(c, &o->html);
    } else if (tk_cli_is(c, a, "--svg")) {
        rc = tk_cli_str(c, &o->svg);
    } else if (!strcmp(a, "--json")) {
        o->json = stdout;
    } else if (tk_cli_is_help(a)) {
        usage(stdout);
        return 0;
    } else {
        return tk_cli_unknown(c, a);
    }
    return rc > 0 ? rc : -1;
}

/* Options come before the scripts. Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, tk_run_opts *o, const char **defs,
                      const char **presets, int *first) {
    size_t nd = 0;
    tk_cli c;
    tk_cli_init(&c, "tcpkit run", argc, argv);
    *first = argc;
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        if (a[0] != '-') {
            *first = c.i;
            break;
        }
        int rc = parse_opt(&c, a, o, defs, &nd, presets);
        if (rc >= 0)
            return rc;
    }
    if (nd == 0)
        defs[nd++] = "STANDARD";
    o->defines = defs;
    o->ndefines = nd;
    if (*first == argc) {
        fprintf(stderr, "tcpkit run: no script given\n");
        usage(stderr);
        return TK_CLI_USAGE;
    }
    return -1;
}

/* --html and --svg. Returns 0 or -1 after naming the file at fault. */
static int write_pictures(const tk_run_opts *o) {
    const char *paths[2] = {o->html, o->svg};
    for (int i = 0; i < 2; i++) {
        if (!paths[i])
            continue;
        FILE *f = fopen(paths[i], "w");
        if (!f) {
            fprintf(stderr, "tcpkit run: %s: %s\n", paths[i], strerror(errno));
            return -1;
        }
        if (i == 0)
            tk_rp_html(f, o->report);
        else if (o->report->nconns)
            tk_rp_ladder_svg(f, &o->report->conns[0]);
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad) {
            fprintf(stderr, "tcpkit run: %s: cannot write\n", paths[i]);
            return -1;
        }
    }
    return 0;
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
    tk_printer printer;
    tk_pcap_writer pcap;
    if (opts.verbose) {
        tk_printer_init(&printer, false);
        opts.printer = &printer;
    }
    if (opts.pcap_path) {
        rc = tk_pcap_open(&pcap, opts.pcap_path, false);
        if (rc < 0) {
            fprintf(stderr, "tcpkit run: cannot write %s: error %d\n", opts.pcap_path, rc);
            return TK_CLI_USAGE;
        }
        opts.pcap = &pcap;
    }
    tk_report report;
    if (opts.html || opts.svg) {
        tk_rp_init(&report, "tcpkit run");
        opts.report = &report;
    }
    int passed = 0, failed = 0;
    bool syntax = false;
    for (int i = first; i < argc; i++) {
        if (opts.printer)
            tk_printer_reset(&printer);
        int res = run_file(argv[i], &opts);
        syntax |= res == 2;
        if (res == 0)
            passed++;
        else
            failed++;
        fflush(stdout);
    }
    fprintf(opts.json ? stderr : stdout, "%d passed, %d failed\n", passed, failed);
    if (opts.pcap && tk_pcap_close(&pcap) < 0)
        fprintf(stderr, "tcpkit run: error writing %s\n", opts.pcap_path);
    if (opts.report) {
        if (write_pictures(&opts) < 0)
            syntax = true;
        tk_rp_free(opts.report);
    }
    return syntax ? 2 : failed ? 1 : 0;
}
