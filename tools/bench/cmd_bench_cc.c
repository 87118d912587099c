/* `tcpkit bench cc`: CUBIC against NewReno on a long fat lossy path (SPEC
 * DT-13; docs/performance.md). Two stacks in this process on a simulated
 * link with a bottleneck (rate, one bandwidth-delay product of drop-tail
 * buffer) and random loss in both directions; one bulk flow A -> B per run
 * for a fixed span of virtual time, NewReno and CUBIC interleaved for each
 * seed. Prints goodput per run and min/median/max per controller; asserts
 * nothing about time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "cli.h"
#include "commands.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_info.h"

#define CC_MAX_SEEDS 32

typedef struct cc_opts {
    uint64_t rate_bps;
    uint32_t rtt_ms;
    uint32_t loss_ppm;
    uint32_t seconds;
    uint32_t seeds;
} cc_opts;

typedef struct cc_result {
    double mbps;
    uint64_t retransmits, timeouts;
    uint64_t ooo_drops; /* out-of-order segments the receiver had no room for */
    uint32_t cwnd_segs; /* at the end */
} cc_result;

static void cc_link(tk_simnet_opts *o, const cc_opts *co, uint32_t algo) {
    uint64_t bdp = co->rate_bps / 8u * co->rtt_ms / 1000u; /* bytes */
    uint32_t bdp_frames = (uint32_t)(bdp / 1514u) + 1u;
    o->link.delay = TK_MS(co->rtt_ms) / 2u;
    o->link.bandwidth_bps = co->rate_bps;
    o->link.loss_ppm = co->loss_ppm;
    o->link.queue_limit = bdp_frames; /* one BDP of buffer */
    o->link_capacity = 3u * bdp_frames + 1024u;
    uint64_t buf = 4u * bdp < (256u << 10) ? (256u << 10) : 4u * bdp;
    for (int i = 0; i < 2; i++) {
        o->cfg[i].rcvbuf = o->cfg[i].sndbuf = (uint32_t)(buf > (1u << 30) ? (1u << 30) : buf);
        /* The receiver keeps a whole window out of order: with the default
         * 64 KiB a loss in a window of thousands of segments made it drop
         * almost everything after the hole, and the sender time out. */
        o->cfg[i].ooo_budget_bytes = o->cfg[i].rcvbuf;
        o->cfg[i].max_sockets = 4;
        o->cfg[i].cc_algorithm = algo;
    }
}

/* One flow for co->seconds of virtual time. Returns 0, or 1 when the
 * connection did not carry data. */
static int cc_run(const cc_opts *co, uint32_t algo, uint64_t seed, cc_result *r) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, seed);
    cc_link(&o, co, algo);
    tk_simnet *n = tk_bench_net(&o);
    if (!n)
        return 1;
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l, c, d = -1;
    (void)tk_bench_connect(n, &l, &c); /* a failure shows as no data moved */
    static uint8_t buf[65536];
    memset(buf, 0x5a, sizeof buf);
    uint64_t got = 0;
    tk_time end = tk_simnet_now(n) + TK_SEC(co->seconds);
    while (tk_simnet_now(n) < end) {
        if (d < 0)
            d = tk_accept(b, l, NULL);
        for (long rc = 1; d >= 0 && rc > 0;)
            rc = tk_send(a, c, buf, sizeof buf);
        for (long rc = 1; d >= 0 && rc > 0;) {
            rc = tk_recv(b, d, buf, sizeof buf);
            got += rc > 0 ? (uint64_t)rc : 0;
        }
        tk_simnet_poll(n);
        (void)tk_simnet_step(n, end);
    }
    const tk_stats *st = tk_stack_stats(a);
    tk_tcp_info ti;
    memset(&ti, 0, sizeof ti);
    (void)tk_tcp_info_get(a, c, &ti);
    r->mbps = (double)got * 8.0 / (double)co->seconds / 1e6;
    r->retransmits = st->retransmits;
    r->timeouts = st->rto_timeouts;
    r->ooo_drops = tk_stack_stats(b)->drop_ooo_no_room;
    r->cwnd_segs = ti.tcpi_snd_cwnd;
    tk_simnet_destroy(n);
    return got > 0 ? 0 : 1;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void summary(const char *name, const double *v, uint32_t k) {
    double s[CC_MAX_SEEDS];
    memcpy(s, v, k * sizeof *v);
    qsort(s, k, sizeof *s, cmp_double);
    double med = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2.0;
    printf("  %-8s goodput Mbit/s  min %8.2f  median %8.2f  max %8.2f\n", name, s[0], med,
           s[k - 1]);
}

static int usage(FILE *f, int rc) {
    fprintf(f, "usage: tcpkit bench cc [--rate BPS] [--rtt MS] [--loss P] [--seconds S] "
               "[--seeds N]\n"
               "  --rate BPS   bottleneck rate in bits/s (default 1000000000)\n"
               "  --rtt MS     round-trip propagation delay (default 100)\n"
               "  --loss P     random loss in percent, each direction (default 0.01)\n"
               "  --seconds S  virtual time per run (default 60)\n"
               "  --seeds N    seeds; NewReno and CUBIC run once each per seed (default 5)\n");
    return rc;
}

static int parse_opt(tk_cli *c, cc_opts *co, const char *a) {
    uint64_t v = 0;
    double p = 0;
    int rc;
    if (tk_cli_is(c, a, "--rate")) {
        rc = tk_cli_range(c, 1000000, 100000000000ull, &co->rate_bps);
    } else if (tk_cli_is(c, a, "--rtt")) {
        rc = tk_cli_range(c, 1, 10000, &v);
        co->rtt_ms = (uint32_t)v;
    } else if (tk_cli_is(c, a, "--loss")) {
        rc = tk_cli_double(c, 0.0, 100.0, &p);
        co->loss_ppm = (uint32_t)(p * 10000.0 + 0.5);
    } else if (tk_cli_is(c, a, "--seconds")) {
        rc = tk_cli_range(c, 1, 3600, &v);
        co->seconds = (uint32_t)v;
    } else if (tk_cli_is(c, a, "--seeds")) {
        rc = tk_cli_range(c, 1, CC_MAX_SEEDS, &v);
        co->seeds = (uint32_t)v;
    } else {
        return 1;
    }
    return rc;
}

int tk_bench_cc(int argc, char **argv) {
    cc_opts co = {1000000000ull, 100, 100, 60, 5};
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench cc", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        if (tk_cli_is_help(a))
            return usage(stdout, 0);
        int rc = parse_opt(&c, &co, a);
        if (rc == 1)
            return tk_cli_unknown(&c, a);
        if (rc)
            return rc;
    }
    printf("cc: one flow for %u s of virtual time, %.3f Gbit/s bottleneck, %u ms RTT, %.4f %% "
           "loss each way, one BDP of drop-tail buffer\n",
           co.seconds, (double)co.rate_bps / 1e9, co.rtt_ms, (double)co.loss_ppm / 10000.0);
    double mb[2][CC_MAX_SEEDS];
    static const uint32_t algos[2] = {TK_CC_ALGO_NEWRENO, TK_CC_ALGO_CUBIC};
    static const char *const names[2] = {"newreno", "cubic"};
    int bad = 0;
    for (uint32_t s = 0; s < co.seeds; s++) {
        for (int k = 0; k < 2; k++) {
            cc_result r;
            memset(&r, 0, sizeof r);
            bad |= cc_run(&co, algos[k], s + 1, &r);
            mb[k][s] = r.mbps;
            printf("  seed %2u %-8s %9.2f Mbit/s  %7llu retransmits  %4llu timeouts  cwnd %u "
                   "segments at the end  %llu receiver drops\n",
                   s + 1, names[k], r.mbps, (unsigned long long)r.retransmits,
                   (unsigned long long)r.timeouts, r.cwnd_segs, (unsigned long long)r.ooo_drops);
            fflush(stdout);
        }
    }
    summary(names[0], mb[0], co.seeds);
    summary(names[1], mb[1], co.seeds);
    double ratio[CC_MAX_SEEDS];
    for (uint32_t s = 0; s < co.seeds; s++)
        ratio[s] = mb[0][s] > 0 ? mb[1][s] / mb[0][s] : 0;
    qsort(ratio, co.seeds, sizeof *ratio, cmp_double);
    printf("  cubic / newreno per seed: min %.2f  median %.2f  max %.2f\n", ratio[0],
           co.seeds % 2 ? ratio[co.seeds / 2]
                        : (ratio[co.seeds / 2 - 1] + ratio[co.seeds / 2]) / 2.0,
           ratio[co.seeds - 1]);
    return bad;
}
