/* `tcpkit sim`: two stacks on a simulated link, one SPEC story at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sim_scenarios.h"

static void usage(FILE *f) {
    fprintf(f, "usage: tcpkit sim [SCENARIO] [--seed N] [--loss P] [--bytes N] [--pcap FILE]\n"
               "                  [--json] [--quiet] [--list]\n"
               "  SCENARIO      a story from --list (default: lifecycle)\n"
               "  --seed N      seed of every random choice (link faults, ISNs, ports)\n"
               "  --loss P      frame loss in percent on both directions (e.g. 2.5)\n"
               "  --bytes N     bytes A sends (transfer scenarios)\n"
               "  --pcap FILE   capture of A's interface, readable by tcpdump and Wireshark\n"
               "  --json        events as JSON Lines\n"
               "  --quiet       only the verdict line\n"
               "  --list        name every scenario with the SPEC IDs it shows\n"
               "random scenario only:\n"
               "  --bytes-back N  --dup P  --reorder P  --corrupt P  --outages N\n"
               "  --close-order a|b|both  --isn-high 0|1\n"
               "Exit status: 0 the scenario ended as described, 1 it did not, 2 usage.\n");
}

static void list(void) {
    for (size_t i = 0; i < tk_sim_scenario_count(); i++) {
        const tk_sim_scenario *sc = tk_sim_scenario_at(i);
        printf("  %-20s %-12s %s\n", sc->name, sc->spec, sc->summary);
    }
}

static int parse_u64(const char *s, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || !end || *end || *s == '-')
        return -EINVAL;
    *out = v;
    return 0;
}

/* A percentage in [0, 100] as parts per million. */
static int parse_pct(const char *s, int32_t *ppm) {
    char *end = NULL;
    double v = strtod(s, &end);
    if (!end || *end || !(v >= 0.0 && v <= 100.0))
        return -EINVAL;
    *ppm = (int32_t)(v * 10000.0 + 0.5);
    return 0;
}

static int parse_close_order(const char *s, int32_t *out) {
    static const char *const names[] = {"a", "b", "both"};
    for (int32_t i = 0; i < 3; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 0;
        }
    return -EINVAL;
}

/* Options taking a value. Returns 0, or -EINVAL for a bad value, or 1 when
 * `name` is not one of them. */
static int parse_valued(tk_sim_opts *o, const char *name, const char *val) {
    uint64_t u = 0;
    if (!strcmp(name, "--seed")) {
        return parse_u64(val, &o->seed);
    }
    if (!strcmp(name, "--loss"))
        return parse_pct(val, &o->loss_ppm);
    if (!strcmp(name, "--dup"))
        return parse_pct(val, &o->dup_ppm);
    if (!strcmp(name, "--reorder"))
        return parse_pct(val, &o->reorder_ppm);
    if (!strcmp(name, "--corrupt"))
        return parse_pct(val, &o->corrupt_ppm);
    if (!strcmp(name, "--pcap")) {
        o->pcap = val;
        return 0;
    }
    if (!strcmp(name, "--close-order"))
        return parse_close_order(val, &o->close_order);
    int rc = parse_u64(val, &u);
    if (!strcmp(name, "--bytes"))
        o->bytes = (int64_t)u;
    else if (!strcmp(name, "--bytes-back"))
        o->bytes_back = (int64_t)u;
    else if (!strcmp(name, "--outages"))
        o->outages = u > 8 ? 8 : (int32_t)u;
    else if (!strcmp(name, "--isn-high"))
        o->isn_high = u ? 1 : 0;
    else
        return 1;
    return rc;
}

static int parse_args(int argc, char **argv, tk_sim_opts *o, const char **name, bool *do_list) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--list")) {
            *do_list = true;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) {
                fprintf(stderr, "tcpkit sim: %s needs a value\n", a);
                return -EINVAL;
            }
            int rc = parse_valued(o, a, argv[++i]);
            if (rc != 0) {
                fprintf(stderr, "tcpkit sim: %s '%s'\n", rc > 0 ? "unknown option" : "bad value",
                        rc > 0 ? a : argv[i]);
                return -EINVAL;
            }
        } else if (!*name) {
            *name = a;
        } else {
            fprintf(stderr, "tcpkit sim: unexpected argument '%s'\n", a);
            return -EINVAL;
        }
    }
    return 0;
}

int tk_cmd_sim(int argc, char **argv) {
    tk_sim_opts o;
    tk_sim_opts_init(&o);
    const char *name = NULL;
    bool do_list = false;
    if (parse_args(argc, argv, &o, &name, &do_list) < 0) {
        usage(stderr);
        return 2;
    }
    if (do_list) {
        list();
        return 0;
    }
    const tk_sim_scenario *sc = tk_sim_scenario_find(name ? name : "lifecycle");
    if (!sc) {
        fprintf(stderr, "tcpkit sim: no scenario '%s'; these exist:\n", name);
        list();
        return 2;
    }
    tk_simnet_opts no;
    tk_simnet_opts_default(&no, o.seed);
    if (o.loss_ppm >= 0)
        no.link.loss_ppm = (uint32_t)o.loss_ppm;
    if (sc->configure)
        sc->configure(&no, &o);
    tk_sim s;
    int rc = tk_sim_init(&s, &o, &no);
    if (rc < 0) {
        fprintf(stderr, "tcpkit sim: cannot start the simulation: %s\n", strerror(-rc));
        return 2;
    }
    sc->run(&s);
    bool ok = !tk_sim_failed(&s);
    /* The verdict prints even with --quiet. */
    if (o.quiet)
        printf("scenario %s: %s%s\n", sc->name, ok ? "PASS" : "FAIL: ", ok ? "" : s.failure);
    else
        tk_sim_render_result(s.render, tk_sim_now(&s), sc->name, ok, s.failure);
    tk_sim_fini(&s);
    return ok ? 0 : 1;
}
