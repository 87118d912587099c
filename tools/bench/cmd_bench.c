/* `tcpkit bench sim`: figures for docs/performance.md. Two stacks in this
 * process on an ideal simulated link: goodput and CPU time of a bulk
 * transfer with checksums computed and verified, object sizes, and the
 * memory of many established connections and TIME_WAIT entries (reserved by
 * tk_stack_mem_size and resident as measured). Prints figures; asserts
 * nothing about time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_util.h"
#include "cli.h"
#include "commands.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/zerocopy.h"

#define PAIRS_PER_WAVE 1000u

typedef struct bench_opts {
    uint64_t bytes;
    uint32_t conns;      /* established connection endpoints (two per pair) */
    uint32_t time_wait;  /* TIME_WAIT entries on A */
    uint32_t cc_algo;    /* --cc: TK_CC_ALGO_* of both stacks */
    bool pacing;         /* --pacing 0|1 */
    bool copy, zerocopy; /* --api: which transfers run */
    bool loopback;       /* --loopback: the link as a host's lo (simnet.h) */
} bench_opts;

/* The zero-copy API (API-4): the sender writes its payload straight into
 * the send buffer (the memset stands for producing it, so this side still
 * touches every byte once), the receiver consumes it in place. */
static long zc_send(tk_stack *s, int sd, size_t len) {
    tk_iov iov[8];
    int n = tk_send_reserve(s, sd, len, iov, 8);
    if (n <= 0)
        return n;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        memset(iov[i].base, 0x5a, iov[i].len);
        total += iov[i].len;
    }
    return tk_send_commit(s, sd, total);
}

static long zc_recv(tk_stack *s, int sd) {
    tk_iov iov[8];
    int n = tk_recv_peek(s, sd, iov, 8);
    if (n <= 0)
        return n;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].len;
    return tk_recv_consume(s, sd, total);
}

/* Bulk transfer A -> B of opts->bytes, through the copy calls or the
 * zero-copy ones. */
static int bench_transfer(const bench_opts *bo, bool zerocopy) {
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 1);
    o.link.delay = 50;
    o.loopback = bo->loopback;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].rcvbuf = o.cfg[i].sndbuf = 256 * 1024;
        o.cfg[i].cc_algorithm = bo->cc_algo;
        o.cfg[i].pacing = bo->pacing;
    }
    tk_simnet *n = tk_bench_net(&o);
    if (!n)
        return 2;
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l, c, d = -1;
    (void)tk_bench_connect(n, &l, &c); /* a failure shows as no data moved */
    static uint8_t buf[65536];
    memset(buf, 0x5a, sizeof buf);
    uint64_t sent = 0, got = 0;
    double w0 = tk_bench_wall(), c0 = tk_bench_cpu();
    while (got < bo->bytes) {
        if (d < 0)
            d = tk_accept(b, l, NULL);
        for (long rc = 1; d >= 0 && sent < bo->bytes && rc > 0;) {
            uint64_t left = bo->bytes - sent;
            size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
            rc = zerocopy ? zc_send(a, c, want) : tk_send(a, c, buf, want);
            sent += rc > 0 ? (uint64_t)rc : 0;
        }
        for (long rc = 1; d >= 0 && rc > 0;) {
            rc = zerocopy ? zc_recv(b, d) : tk_recv(b, d, buf, sizeof buf);
            got += rc > 0 ? (uint64_t)rc : 0;
        }
        tk_simnet_poll(n);
        if (!tk_simnet_step(n, TK_TIME_NEVER - 1))
            break;
    }
    double wall = tk_bench_wall() - w0, cpu = tk_bench_cpu() - c0;
    const tk_stats *st = tk_stack_stats(a);
    printf("transfer (%s API, %s, pacing %s%s): %llu bytes A -> B in %.3f s wall, %.3f s CPU\n",
           zerocopy ? "zero-copy" : "copy", bo->cc_algo == TK_CC_ALGO_NEWRENO ? "newreno" : "cubic",
           bo->pacing ? "on" : "off", bo->loopback ? ", loopback link" : "",
           (unsigned long long)got, wall, cpu);
    printf("  goodput %.2f Gbit/s (wall), %.2f Gbit/s per CPU second\n",
           (double)got * 8 / wall / 1e9, (double)got * 8 / cpu / 1e9);
    printf("  %llu segments out of A, %llu retransmitted; virtual time %.3f s\n",
           (unsigned long long)st->segs_out, (unsigned long long)st->retransmits,
           (double)tk_simnet_now(n) / 1e6);
    tk_simnet_destroy(n);
    return got == bo->bytes ? 0 : 1;
}

static void bench_sizes(void) {
    tk_config c;
    tk_config_default(&c);
    tk_sizes z;
    tk_stack_sizes(&c, &z);
    printf("sizes: TCB %zu bytes, TIME_WAIT entry %zu bytes, socket %zu bytes + %zu buffer bytes, "
           "half-open entry %zu bytes\n",
           z.tcb, z.time_wait, z.socket, z.conn_buffers, z.half_open);
    printf("  TCB parts: hot %zu bytes, cold %zu bytes (socket options %zu inside); own pools: "
           "SACK scoreboard %zu bytes, reassembly tracker %zu bytes\n",
           z.tcb_hot, z.tcb_cold, z.sockopts, z.sack_board, z.reass);
    /* The same per entry from the documented function: the growth of the
     * block between two powers of two (hash heads included). */
    tk_config d = c;
    d.max_time_wait = 1u << 19;
    size_t tw1 = tk_stack_mem_size(&d);
    d.max_time_wait = 1u << 20;
    size_t tw2 = tk_stack_mem_size(&d);
    d = c;
    d.rcvbuf = d.sndbuf = 4096;
    d.max_sockets = 1u << 16;
    size_t so1 = tk_stack_mem_size(&d);
    d.max_sockets = 1u << 17;
    size_t so2 = tk_stack_mem_size(&d);
    tk_sizes small;
    tk_stack_sizes(&d, &small);
    printf("  per entry by tk_stack_mem_size: TIME_WAIT %.1f bytes, socket %.1f bytes + its share "
           "of the buffer pool (%zu bytes with 4 KiB buffers; virtual, touched only as used)\n",
           (double)(tw2 - tw1) / (double)(1u << 19),
           (double)(so2 - so1) / (double)(1u << 16) - (double)small.conn_buffers,
           small.conn_buffers);
    size_t base = tk_stack_mem_size(&c);
    printf("  tk_stack_mem_size(defaults: %u sockets, 64 KiB buffers, %u TIME_WAIT) = %zu bytes\n",
           c.max_sockets, c.max_time_wait, base);
    c.max_sockets = 100000;
    printf("  with 100,000 sockets and 64 KiB + 64 KiB buffers: %.1f MiB\n",
           tk_bench_mib(tk_stack_mem_size(&c)));
    c.rcvbuf = c.sndbuf = 4096;
    printf("  with 100,000 sockets and 4 KiB + 4 KiB buffers: %.1f MiB\n",
           tk_bench_mib(tk_stack_mem_size(&c)));
    tk_config_default(&c);
    c.max_time_wait = 1000000;
    printf("  with 1,000,000 TIME_WAIT entries (defaults otherwise): %.1f MiB\n",
           tk_bench_mib(tk_stack_mem_size(&c)));
}

/* Runs until nothing is due before `dt` from now. */
static void settle(tk_simnet *n, tk_time dt) {
    tk_simnet_run_for(n, dt);
}

/* conns/2 pairs A -> B, all left ESTABLISHED (a single client address has
 * at most 64,512 ports, so the endpoints are split over both stacks). */
static int bench_established(const bench_opts *bo) {
    uint32_t pairs = bo->conns / 2;
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 2);
    o.link.delay = 50;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].max_sockets = pairs + 16;
        o.cfg[i].rcvbuf = o.cfg[i].sndbuf = 4096;
        o.cfg[i].max_syn_backlog = 2 * PAIRS_PER_WAVE;
        o.cfg[i].ephemeral_lo = 1024;
    }
    uint64_t rss0 = tk_bench_rss();
    tk_simnet *n = tk_bench_net(&o);
    if (!n)
        return 2;
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l = tk_bench_listen(b, 80, (int)(2 * PAIRS_PER_WAVE));
    uint64_t rss1 = tk_bench_rss();
    tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
    uint32_t made = 0;
    while (made < pairs) {
        for (uint32_t i = 0; i < PAIRS_PER_WAVE && made + i < pairs; i++) {
            int c = tk_socket(a);
            if (c < 0 || tk_connect(a, c, &to) != -EINPROGRESS)
                break;
        }
        tk_simnet_poll(n);
        settle(n, TK_MS(100));
        uint32_t before = made;
        while (tk_accept(b, l, NULL) >= 0)
            made++;
        if (made == before)
            break;
    }
    uint64_t rss2 = tk_bench_rss();
    uint32_t est =
        tk_stack_state_count(a, TK_TCP_ESTABLISHED) + tk_stack_state_count(b, TK_TCP_ESTABLISHED);
    size_t reserved = tk_stack_mem_size(&o.cfg[0]) + tk_stack_mem_size(&o.cfg[1]);
    printf("established: %u connection endpoints ESTABLISHED (%u pairs), 4 KiB + 4 KiB buffers\n",
           est, made);
    printf("  reserved by tk_stack_mem_size: %.1f MiB for both stacks (%.0f bytes per endpoint)\n",
           tk_bench_mib(reserved), (double)reserved / (double)(est ? est : 1));
    printf("  resident (measured RSS growth): %.1f MiB for both stacks with the connections "
           "(%.1f MiB of it at creation)\n",
           tk_bench_mib(rss2 - rss0), tk_bench_mib(rss1 - rss0));
    tk_simnet_destroy(n);
    return est == 2 * made ? 0 : 1;
}

/* A opens and actively closes connections in waves until it holds
 * opts->time_wait TIME_WAIT entries (MSL raised so none expires meanwhile). */
static int bench_time_wait(const bench_opts *bo) {
    uint32_t want = bo->time_wait, nports = want / 60000 + 1;
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 3);
    o.link.delay = 50;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].max_sockets = 2 * PAIRS_PER_WAVE + 64;
        o.cfg[i].rcvbuf = o.cfg[i].sndbuf = 4096;
        o.cfg[i].max_syn_backlog = 2 * PAIRS_PER_WAVE;
        o.cfg[i].ephemeral_lo = 1024;
        o.cfg[i].msl = TK_SEC(3600 * 12);
    }
    o.cfg[TK_SIM_A].max_time_wait = want;
    uint64_t rss0 = tk_bench_rss();
    tk_simnet *n = tk_bench_net(&o);
    if (!n)
        return 2;
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int lsd[64];
    for (uint32_t p = 0; p < nports && p < 64; p++)
        lsd[p] = tk_bench_listen(b, (uint16_t)(80 + p), (int)(2 * PAIRS_PER_WAVE));
    uint64_t rss1 = tk_bench_rss();
    double w0 = tk_bench_wall();
    static int asd[PAIRS_PER_WAVE];
    uint32_t tw = 0;
    for (uint32_t wave = 0; tw < want; wave++) {
        uint32_t k = want - tw < PAIRS_PER_WAVE ? want - tw : PAIRS_PER_WAVE, m = 0;
        tk_sockaddr to = tk_sockaddr_in4(TK_SIM_ADDR_B, (uint16_t)(80 + wave % nports));
        for (; m < k; m++) {
            asd[m] = tk_socket(a);
            if (asd[m] < 0 || tk_connect(a, asd[m], &to) != -EINPROGRESS)
                break;
        }
        tk_simnet_poll(n);
        settle(n, TK_MS(100));
        int bsd;
        while ((bsd = tk_accept(b, lsd[wave % nports], NULL)) >= 0)
            tk_close(b, bsd);
        for (uint32_t i = 0; i < m; i++)
            tk_close(a, asd[i]);
        tk_simnet_poll(n);
        settle(n, TK_MS(500));
        uint32_t now_tw = tk_stack_state_count(a, TK_TCP_TIME_WAIT);
        if (now_tw == tw)
            break;
        tw = now_tw;
    }
    uint64_t rss2 = tk_bench_rss();
    size_t reserved = tk_stack_mem_size(&o.cfg[TK_SIM_A]);
    printf("time_wait: %u TIME_WAIT entries on A (%.1f s wall to build)\n", tw,
           tk_bench_wall() - w0);
    printf("  reserved by tk_stack_mem_size for A: %.1f MiB (%.0f bytes per entry overall)\n",
           tk_bench_mib(reserved), (double)reserved / (double)(tw ? tw : 1));
    printf("  resident (measured RSS growth): %.1f MiB for both stacks with the entries "
           "(%.1f MiB of it at creation)\n",
           tk_bench_mib(rss2 - rss0), tk_bench_mib(rss1 - rss0));
    tk_simnet_destroy(n);
    return tw == want ? 0 : 1;
}

static int usage(FILE *f, int rc) {
    fprintf(f, "usage: tcpkit bench sim [--bytes N] [--conns N] [--time-wait N] [--quick]\n"
               "                        [--cc cubic|newreno] [--pacing 0|1]\n"
               "                        [--api copy|zero-copy|both] [--loopback]\n"
               "       tcpkit bench attack [--quick]   SYN-flood figures (docs/security.md)\n"
               "       tcpkit bench memory [--quick]   buffer-pool memory and CPU per segment\n"
               "       tcpkit bench shards [--shards N] one stack per core: 1 vs N threads\n"
               "       tcpkit bench loss [--quick]     RTOs per MiB through random loss (DT-12)\n"
               "       tcpkit bench cc [--help]        CUBIC vs NewReno on a long fat lossy path\n"
               "  --bytes N      bulk transfer size (default 1 GiB)\n"
               "  --conns N      established connection endpoints (default 100000)\n"
               "  --time-wait N  TIME_WAIT entries (default 1000000)\n"
               "  --quick        64 MiB, 10000 endpoints, 100000 TIME_WAIT entries\n"
               "  --cc NAME      congestion controller of the transfer (default cubic)\n"
               "  --pacing 0|1   pacing of the transfer (default 1, the stack default)\n"
               "  --api NAME     the transfers to run: copy, zero-copy or both (default)\n"
               "  --loopback     the link as a host's loopback (Linux's lo): 64 KiB segments\n"
               "                 pass whole, no checksum is computed or verified\n");
    return rc;
}

/* One option of `bench sim`; returns 0, 2 (usage), or 1 when not one of them. */
static int parse_opt(tk_cli *c, bench_opts *bo, const char *a) {
    uint64_t v = 0;
    int rc;
    if (!strcmp(a, "--loopback")) {
        bo->loopback = true;
        return 0;
    }
    if (!strcmp(a, "--quick")) {
        bo->bytes = 64ull << 20;
        bo->conns = 10000;
        bo->time_wait = 100000;
        return 0;
    }
    if (tk_cli_is(c, a, "--cc")) {
        const char *name;
        rc = tk_cli_str(c, &name);
        if (!rc && strcmp(name, "cubic") && strcmp(name, "newreno"))
            return tk_cli_fail(c, "bad value for --cc (cubic or newreno):", name);
        bo->cc_algo = !rc && !strcmp(name, "newreno") ? TK_CC_ALGO_NEWRENO : TK_CC_ALGO_CUBIC;
    } else if (tk_cli_is(c, a, "--api")) {
        const char *name;
        rc = tk_cli_str(c, &name);
        if (!rc && strcmp(name, "copy") && strcmp(name, "zero-copy") && strcmp(name, "both"))
            return tk_cli_fail(c, "bad value for --api (copy, zero-copy or both):", name);
        bo->copy = !rc && strcmp(name, "zero-copy");
        bo->zerocopy = !rc && strcmp(name, "copy");
    } else if (tk_cli_is(c, a, "--pacing")) {
        rc = tk_cli_u64(c, 1, &v);
        bo->pacing = v != 0;
    } else if (tk_cli_is(c, a, "--bytes")) {
        rc = tk_cli_range(c, 1, UINT64_MAX, &bo->bytes);
    } else if (tk_cli_is(c, a, "--conns")) {
        rc = tk_cli_range(c, 1, UINT32_MAX, &v);
        bo->conns = (uint32_t)v;
    } else if (tk_cli_is(c, a, "--time-wait")) {
        rc = tk_cli_range(c, 1, UINT32_MAX, &v);
        bo->time_wait = (uint32_t)v;
    } else {
        return 1;
    }
    return rc;
}

static int bench_sim(int argc, char **argv) {
    bench_opts bo = {1ull << 30, 100000, 1000000, TK_CC_ALGO_CUBIC, true, true, true, false};
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench sim", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        if (tk_cli_is_help(a))
            return usage(stdout, 0);
        int rc = parse_opt(&c, &bo, a);
        if (rc == 1)
            return tk_cli_unknown(&c, a);
        if (rc)
            return rc;
    }
    int rc =
        (bo.copy ? bench_transfer(&bo, false) : 0) | (bo.zerocopy ? bench_transfer(&bo, true) : 0);
    bench_sizes();
    int rc2 = bench_established(&bo);
    int rc3 = bench_time_wait(&bo);
    return rc || rc2 || rc3 ? 1 : 0;
}

int tk_cmd_bench(int argc, char **argv) {
    if (argc >= 2 && tk_cli_is_help(argv[1]))
        return usage(stdout, 0);
    if (argc >= 2 && strcmp(argv[1], "attack") == 0)
        return tk_bench_attack(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "memory") == 0)
        return tk_bench_memory(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "shards") == 0)
        return tk_bench_shards(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "cc") == 0)
        return tk_bench_cc(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "sim") == 0)
        return bench_sim(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "loss") == 0)
        return tk_bench_loss(argc - 1, argv + 1);
    if (argc < 2) {
        fprintf(stderr,
                "tcpkit bench: which benchmark? (sim, memory, shards, loss, cc or attack)\n");
        usage(stderr, 2);
        return TK_CLI_USAGE;
    }
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench", argc, argv);
    return tk_cli_fail(&c, "unknown benchmark (sim, memory, shards, loss, cc or attack)", argv[1]);
}
