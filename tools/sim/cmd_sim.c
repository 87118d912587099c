/* `tcpkit sim`: two stacks on a simulated link, one SPEC story at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "sim_scenarios.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: tcpkit sim [SCENARIO] [--seed N] [--loss P] [--bytes N] [--pcap FILE]\n"
            "                  [--html FILE] [--svg FILE [--picture P]] [--text-ladder] [--json]\n"
            "                  [--quiet] [--ipv6] [--list]\n"
            "  SCENARIO      a story from --list (default: lifecycle)\n"
            "  --seed N      seed of every random choice (link faults, ISNs, ports)\n"
            "  --loss P      frame loss in percent on both directions (e.g. 2.5)\n"
            "  --bytes N     bytes A sends (transfer scenarios)\n"
            "  --pcap FILE   capture of A's interface, readable by tcpdump and Wireshark\n"
            "  --html FILE   the pictures: ladder, state diagrams, time-sequence graphs\n"
            "  --svg FILE    one picture alone: the ladder diagram, or --picture\n"
            "  --picture P   ladder, states-a, states-b, tseq-a, tseq-b, cc-a, cc-b\n"
            "  --text-ladder the ladder in text instead of the event lines\n"
            "  --json        events as JSON Lines\n"
            "  --quiet       only the verdict line\n"
            "  --ipv6        the connections over IPv6 (2001:2::1 and 2001:2::2)\n"
            "  --cc NAME     congestion controller of both stacks: cubic or newreno\n"
            "                (default: the scenario's; the DT-9 stories run newreno)\n"
            "  --rate BPS    bottleneck rate in bits/s, both directions (e.g. 10000000)\n"
            "  --queue N     bottleneck buffer in frames (drop-tail)\n"
            "  --queue-bytes N  bottleneck buffer in bytes (drop-tail)\n"
            "  --delay MS    one-way propagation delay in ms\n"
            "  --seconds N   length of a timed scenario (cubic-vs-reno: 30)\n"
            "  --list        name every scenario with the SPEC IDs it shows\n"
            "random scenario only:\n"
            "  --bytes-back N  --dup P  --reorder P  --corrupt P  --outages N  --pool-chunks N\n"
            "                  --zerocopy 0|1\n"
            "  --close-order a|b|both  --isn-high 0|1\n"
            "Exit status: 0 the scenario ended as described, 1 it did not, 2 usage.\n");
}

static void list(void) {
    for (size_t i = 0; i < tk_sim_scenario_count(); i++) {
        const tk_sim_scenario *sc = tk_sim_scenario_at(i);
        printf("  %-20s %-12s %s\n", sc->name, sc->spec, sc->summary);
    }
}

/* A percentage in [0, 100] as parts per million. */
static int parse_pct(tk_cli *c, int32_t *ppm) {
    double v = 0;
    int rc = tk_cli_double(c, 0.0, 100.0, &v);
    if (rc == 0)
        *ppm = (int32_t)(v * 10000.0 + 0.5);
    return rc;
}

static int parse_close_order(tk_cli *c, int32_t *out) {
    static const char *const names[] = {"a", "b", "both"};
    const char *v;
    int rc = tk_cli_str(c, &v);
    if (rc)
        return rc;
    for (int32_t i = 0; i < 3; i++)
        if (!strcmp(v, names[i])) {
            *out = i;
            return 0;
        }
    return tk_cli_fail(c, "bad value for --close-order (a, b or both):", v);
}

/* The bottleneck: --rate, --queue, --queue-bytes, --delay. Returns 0, 2
 * for a bad value, or 1 when `a` is none of them. */
static int parse_link(tk_cli *c, tk_sim_opts *o, const char *a) {
    uint64_t u = 0;
    int rc;
    if (tk_cli_is(c, a, "--rate")) {
        rc = tk_cli_range(c, 1000, 100000000000ull, &u);
        o->rate_bps = (int64_t)u;
    } else if (tk_cli_is(c, a, "--queue")) {
        rc = tk_cli_u64(c, 1000000, &u);
        o->queue_pkts = (int32_t)u;
    } else if (tk_cli_is(c, a, "--queue-bytes")) {
        rc = tk_cli_u64(c, UINT32_MAX, &u);
        o->queue_bytes = (int64_t)u;
    } else if (tk_cli_is(c, a, "--delay")) {
        rc = tk_cli_u64(c, 100000, &u);
        o->delay_us = (int64_t)TK_MS(u);
    } else if (tk_cli_is(c, a, "--seconds")) {
        rc = tk_cli_range(c, 1, 3600, &u);
        o->seconds = (int64_t)u;
    } else {
        return 1;
    }
    return rc;
}

static int parse_cc(tk_cli *c, int32_t *out) {
    const char *v;
    int rc = tk_cli_str(c, &v);
    if (rc)
        return rc;
    if (!strcmp(v, "cubic"))
        *out = TK_CC_ALGO_CUBIC;
    else if (!strcmp(v, "newreno"))
        *out = TK_CC_ALGO_NEWRENO;
    else
        return tk_cli_fail(c, "bad value for --cc (cubic or newreno):", v);
    return 0;
}

/* The counts: --bytes, --bytes-back, --outages, --isn-high, --pool-chunks, --zerocopy. Returns 0, 2
 * for a bad value, or 1 when `a` is none of them. */
static int parse_count(tk_cli *c, tk_sim_opts *o, const char *a) {
    uint64_t u = 0;
    int rc;
    if (tk_cli_is(c, a, "--bytes") || tk_cli_is(c, a, "--bytes-back")) {
        rc = tk_cli_u64(c, INT64_MAX, &u);
        *(!strcmp(c->opt, "--bytes") ? &o->bytes : &o->bytes_back) = (int64_t)u;
    } else if (tk_cli_is(c, a, "--outages")) {
        rc = tk_cli_u64(c, 8, &u);
        o->outages = (int32_t)u;
    } else if (tk_cli_is(c, a, "--isn-high")) {
        rc = tk_cli_u64(c, 1, &u);
        o->isn_high = (int32_t)u;
    } else if (tk_cli_is(c, a, "--pool-chunks")) {
        rc = tk_cli_u64(c, 1000000, &u);
        o->pool_chunks = (int32_t)u;
    } else if (tk_cli_is(c, a, "--zerocopy")) {
        rc = tk_cli_u64(c, 1, &u);
        o->zerocopy = (int32_t)u;
    } else {
        return parse_link(c, o, a);
    }
    return rc;
}

/* Options taking a value. Returns 0, 2 for a bad value, or 1 when `a` is
 * not one of them. */
static int parse_valued(tk_cli *c, tk_sim_opts *o, const char *a) {
    if (tk_cli_is(c, a, "--seed"))
        return tk_cli_u64(c, UINT64_MAX, &o->seed);
    if (tk_cli_is(c, a, "--loss"))
        return parse_pct(c, &o->loss_ppm);
    if (tk_cli_is(c, a, "--dup"))
        return parse_pct(c, &o->dup_ppm);
    if (tk_cli_is(c, a, "--reorder"))
        return parse_pct(c, &o->reorder_ppm);
    if (tk_cli_is(c, a, "--corrupt"))
        return parse_pct(c, &o->corrupt_ppm);
    if (tk_cli_is(c, a, "--pcap"))
        return tk_cli_str(c, &o->pcap);
    if (tk_cli_is(c, a, "--html"))
        return tk_cli_str(c, &o->html);
    if (tk_cli_is(c, a, "--svg"))
        return tk_cli_str(c, &o->svg);
    if (tk_cli_is(c, a, "--picture")) {
        int rc = tk_cli_str(c, &o->picture);
        if (!rc && !tk_sim_picture_known(o->picture))
            return tk_cli_fail(c,
                               "unknown --picture (ladder, states-a, states-b, tseq-a, "
                               "tseq-b, cc-a, cc-b):",
                               o->picture);
        return rc;
    }
    if (tk_cli_is(c, a, "--close-order"))
        return parse_close_order(c, &o->close_order);
    if (tk_cli_is(c, a, "--cc"))
        return parse_cc(c, &o->cc_algo);
    return parse_count(c, o, a);
}

/* The command line's bottleneck and controller win over the scenario's. */
static void apply_link_opts(tk_simnet_opts *no, const tk_sim_opts *o) {
    if (o->rate_bps >= 0)
        no->link.bandwidth_bps = (uint64_t)o->rate_bps;
    if (o->queue_pkts >= 0)
        no->link.queue_limit = (uint32_t)o->queue_pkts;
    if (o->queue_bytes >= 0)
        no->link.queue_limit_bytes = (uint32_t)o->queue_bytes;
    if (o->delay_us >= 0)
        no->link.delay = (tk_time)o->delay_us;
    if (o->cc_algo >= 0)
        no->cfg[0].cc_algorithm = no->cfg[1].cc_algorithm = (uint32_t)o->cc_algo;
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 usage). */
static int parse_args(int argc, char **argv, tk_sim_opts *o, const char **name, bool *do_list) {
    tk_cli c;
    tk_cli_init(&c, "tcpkit sim", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = 0;
        if (tk_cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--list")) {
            *do_list = true;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--ipv6")) {
            o->ipv6 = true;
        } else if (!strcmp(a, "--text-ladder")) {
            o->text_ladder = true;
        } else if ((rc = parse_valued(&c, o, a)) != 1) {
            if (rc)
                return rc;
        } else if (a[0] != '-' && !*name) {
            *name = a;
        } else {
            return tk_cli_unknown(&c, a);
        }
    }
    return -1;
}

int tk_cmd_sim(int argc, char **argv) {
    tk_sim_opts o;
    tk_sim_opts_init(&o);
    const char *name = NULL;
    bool do_list = false;
    int prc = parse_args(argc, argv, &o, &name, &do_list);
    if (prc >= 0)
        return prc;
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
    char title[256];
    snprintf(title, sizeof title, "tcpkit sim %s (%s): %s", sc->name, sc->spec, sc->summary);
    o.scenario = title;
    tk_simnet_opts no;
    tk_simnet_opts_default(&no, o.seed);
    if (o.loss_ppm >= 0)
        no.link.loss_ppm = (uint32_t)o.loss_ppm;
    if (sc->configure)
        sc->configure(&no, &o);
    apply_link_opts(&no, &o);
    tk_sim s;
    int rc = tk_sim_init(&s, &o, &no);
    if (rc < 0) {
        fprintf(stderr, "tcpkit sim: cannot start the simulation: %s\n", strerror(-rc));
        return 2;
    }
    sc->run(&s);
    bool ok = !tk_sim_failed(&s);
    bool written = tk_sim_write_pictures(&s) == 0;
    /* The verdict prints even with --quiet. */
    if (o.quiet || o.text_ladder)
        printf("scenario %s: %s%s\n", sc->name, ok ? "PASS" : "FAIL: ", ok ? "" : s.failure);
    else
        tk_sim_render_result(s.render, tk_sim_now(&s), sc->name, ok, s.failure);
    tk_sim_fini(&s);
    if (!written)
        return 2;
    return ok ? 0 : 1;
}
