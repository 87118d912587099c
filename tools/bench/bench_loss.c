/* `tcpkit bench loss`: how often a bulk transfer through random loss falls
 * back to the retransmission timer (SPEC DT-12). Two stacks on the
 * simulated link, 50 ms round trip, the same loss rate in both directions;
 * A sends to B. For each loss rate and seed, interleaved: one run with
 * RACK-TLP and pacing (the defaults), one with the classic duplicate-ACK
 * detection (cfg.rack = false) and one with RACK-TLP unpaced (cfg.pacing =
 * false); prints RTOs per MiB (min / median / max over the seeds), and the
 * probes, undos and virtual time. Asserts nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "cli.h"
#include "commands.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

#define LOSS_SEEDS_MAX 64u
#define LOSS_VTIME_MAX TK_SEC(7200)

typedef struct loss_run {
    double rto_per_mib, tlp_per_mib, undo_per_mib, vtime;
    int ok;
} loss_run;

static int transfer(tk_simnet *n, uint64_t bytes, uint64_t *got) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l, c, d = -1;
    if (tk_bench_connect(n, &l, &c) < 0)
        return -1;
    static uint8_t buf[65536];
    memset(buf, 0x5a, sizeof buf);
    uint64_t sent = 0;
    *got = 0;
    while (*got < bytes && tk_simnet_now(n) < LOSS_VTIME_MAX) {
        if (d < 0)
            d = tk_accept(b, l, NULL);
        for (long rc = 1; d >= 0 && sent < bytes && rc > 0;) {
            uint64_t left = bytes - sent;
            rc = tk_send(a, c, buf, left < sizeof buf ? (size_t)left : sizeof buf);
            sent += rc > 0 ? (uint64_t)rc : 0;
        }
        for (long rc = 1; d >= 0 && rc > 0;) {
            rc = tk_recv(b, d, buf, sizeof buf);
            *got += rc > 0 ? (uint64_t)rc : 0;
        }
        tk_simnet_poll(n);
        if (!tk_simnet_step(n, TK_TIME_NEVER - 1))
            break;
    }
    return *got == bytes ? 0 : -1;
}

/* The three senders each seed runs, in this order. */
enum { MODE_RACK, MODE_DUPTHRESH, MODE_UNPACED, MODES };

static loss_run run_one(uint32_t loss_ppm, int mode, uint64_t seed, uint64_t bytes) {
    loss_run r = {0, 0, 0, 0, 0};
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, seed);
    o.link.delay = TK_MS(25);
    o.link.loss_ppm = loss_ppm;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].rack = mode != MODE_DUPTHRESH;
        if (mode == MODE_UNPACED)
            o.cfg[i].pacing = false;
    }
    tk_simnet *n = tk_bench_net(&o);
    if (!n)
        return r;
    uint64_t got = 0;
    r.ok = transfer(n, bytes, &got) == 0;
    const tk_stats *st = tk_stack_stats(tk_simnet_stack(n, TK_SIM_A));
    double mib = tk_bench_mib(bytes);
    r.rto_per_mib = (double)st->rto_timeouts / mib;
    r.tlp_per_mib = (double)st->tlp_probes / mib;
    r.undo_per_mib = (double)st->spurious_undos / mib;
    r.vtime = (double)tk_simnet_now(n) / 1e6;
    tk_simnet_destroy(n);
    return r;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* min / median / max of v[0..k) (sorts v). */
static void print_mmm(const char *what, double *v, uint32_t k) {
    qsort(v, k, sizeof v[0], cmp_double);
    double med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    printf("  %-22s %8.3f %8.3f %8.3f\n", what, v[0], med, v[k - 1]);
}

static int bench_loss_rate(uint32_t pct, uint32_t seeds, uint64_t bytes) {
    double rto[MODES][LOSS_SEEDS_MAX], tlp[LOSS_SEEDS_MAX], undo[LOSS_SEEDS_MAX];
    double vt[MODES][LOSS_SEEDS_MAX];
    int fails = 0;
    for (uint32_t i = 0; i < seeds; i++) {
        for (int m = 0; m < MODES; m++) { /* interleaved, per seed */
            loss_run r = run_one(pct * 10000u, m, 1000u + i, bytes);
            fails += !r.ok;
            rto[m][i] = r.rto_per_mib;
            vt[m][i] = r.vtime;
            if (m == MODE_RACK) {
                tlp[i] = r.tlp_per_mib;
                undo[i] = r.undo_per_mib;
            }
        }
    }
    printf("loss %u %% each way, 50 ms RTT, %.1f MiB A -> B, %u seeds   (min / median / max)\n",
           pct, tk_bench_mib(bytes), seeds);
    print_mmm("RTOs/MiB  RACK-TLP", rto[MODE_RACK], seeds);
    print_mmm("RTOs/MiB  dupthresh", rto[MODE_DUPTHRESH], seeds);
    print_mmm("RTOs/MiB  unpaced", rto[MODE_UNPACED], seeds);
    print_mmm("TLPs/MiB  RACK-TLP", tlp, seeds);
    print_mmm("undos/MiB RACK-TLP", undo, seeds);
    print_mmm("seconds   RACK-TLP", vt[MODE_RACK], seeds);
    print_mmm("seconds   dupthresh", vt[MODE_DUPTHRESH], seeds);
    print_mmm("seconds   unpaced", vt[MODE_UNPACED], seeds);
    if (fails)
        printf("  %d runs did not complete\n", fails);
    return fails ? 1 : 0;
}

int tk_bench_loss(int argc, char **argv) {
    uint64_t bytes = 4ull << 20, seeds = 5, v;
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench loss", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = 0;
        if (tk_cli_is_help(a)) {
            printf("usage: tcpkit bench loss [--bytes N] [--seeds N] [--quick]\n"
                   "  RTOs per MiB through 1, 5 and 10 %% random loss, RACK-TLP against\n"
                   "  the duplicate-ACK threshold and against RACK-TLP unpaced\n"
                   "  (default 4 MiB, 5 seeds; --quick: 1 MiB, 3)\n");
            return 0;
        } else if (!strcmp(a, "--quick")) {
            bytes = 1ull << 20;
            seeds = 3;
        } else if (tk_cli_is(&c, a, "--bytes")) {
            rc = tk_cli_range(&c, 1, UINT64_MAX, &bytes);
        } else if (tk_cli_is(&c, a, "--seeds")) {
            rc = tk_cli_range(&c, 1, LOSS_SEEDS_MAX, &v);
            seeds = v;
        } else {
            return tk_cli_unknown(&c, a);
        }
        if (rc)
            return rc;
    }
    static const uint32_t pcts[] = {1, 5, 10};
    int rc = 0;
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++)
        rc |= bench_loss_rate(pcts[i], (uint32_t)seeds, bytes);
    return rc;
}
