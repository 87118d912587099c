/* `tcpkit bench shards`: one stack per core (SPEC NET-8). N threads, each
 * owning shard k of N on both ends of its own simulated link, carry 64
 * connections between them (over IPv6 with --ipv6); every frame is checked
 * against the RSS steering a NIC with the symmetric key would do (a frame
 * steered to another shard is counted: there must be none). Aggregate
 * goodput with 1 and with N shards, interleaved repetitions, and their
 * ratio. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "cli.h"
#include "commands.h"
#include "rss_table.h"
#include "tcpkit/shard.h"
#include "tcpkit/socket.h"

#define MAX_CONNS 1024u

typedef struct shard_run {
    uint32_t index, count, conns;
    bool ipv6;
    uint64_t bytes_each;
    const tk_rss_table *rss;
    pthread_barrier_t *start;
    uint64_t misplaced, frames, got;
    int failed;
} shard_run;

/* The dispatcher's check: a TCP frame leaving a stack must be one the
 * interface's queues would steer to this shard. */
static void on_frame(void *ctx, int side, int where, const uint8_t *frame, size_t len, tk_time now,
                     int outcome) {
    (void)side;
    (void)now;
    (void)outcome;
    shard_run *r = ctx;
    if (where != TK_SIM_TX)
        return;
    int q = tk_rss_frame_shard(r->rss, frame, len, r->count);
    r->frames++;
    if (q >= 0 && (uint32_t)q != r->index)
        r->misplaced++;
}

/* The two ends' IPv6 addresses with --ipv6 (A, B). */
static const uint8_t addr6[2][16] = {{0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                                     {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};

static int listen_on(tk_stack *b, const shard_run *r) {
    if (!r->ipv6)
        return tk_bench_listen(b, 80, (int)r->conns);
    int sd = tk_socket(b);
    tk_sockaddr a = tk_sockaddr_in6(addr6[1], 80, 0);
    if (sd < 0 || tk_bind(b, sd, &a) < 0 || tk_listen(b, sd, (int)r->conns) < 0)
        return -1;
    return sd;
}

static bool open_all(tk_simnet *n, shard_run *r, int *c, int *d, int l) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    for (uint32_t i = 0; i < r->conns; i++) {
        c[i] = tk_socket(a);
        tk_sockaddr to =
            r->ipv6 ? tk_sockaddr_in6(addr6[1], 80, 0) : tk_sockaddr_in4(TK_SIM_ADDR_B, 80);
        if (c[i] < 0 || tk_connect(a, c[i], &to) != -EINPROGRESS)
            return false;
    }
    /* A SYN that found its neighbour unresolved (IPv6 queues one frame per
     * neighbour) comes again after the SYN timeout: up to 10 s. */
    uint32_t got = 0;
    for (int step = 0; step < 200 && got < r->conns; step++) {
        tk_simnet_run_for(n, TK_MS(50));
        while (got < r->conns && (d[got] = tk_accept(b, l, NULL)) >= 0)
            got++;
    }
    return got == r->conns;
}

/* One pass of the applications: every connection sends what fits and B
 * reads what arrived. True when a byte moved. */
static bool apps_pass(tk_stack *a, tk_stack *b, shard_run *r, const int *c, const int *d,
                      uint64_t *sent) {
    static _Thread_local uint8_t buf[16384];
    bool moved = false;
    for (uint32_t i = 0; i < r->conns; i++) {
        for (long rc = 1; sent[i] < r->bytes_each && rc > 0;) {
            uint64_t left = r->bytes_each - sent[i];
            rc = tk_send(a, c[i], buf, left < sizeof buf ? (size_t)left : sizeof buf);
            sent[i] += rc > 0 ? (uint64_t)rc : 0;
            moved |= rc > 0;
        }
        for (long rc = 1; rc > 0;) {
            rc = tk_recv(b, d[i], buf, sizeof buf);
            r->got += rc > 0 ? (uint64_t)rc : 0;
            moved |= rc > 0;
        }
    }
    return moved;
}

/* Every connection sends bytes_each A -> B; B reads it all. */
static void transfer(tk_simnet *n, shard_run *r, const int *c, const int *d) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    uint64_t sent[MAX_CONNS] = {0}, want = r->bytes_each * r->conns;
    while (r->got < want) {
        bool moved = apps_pass(a, b, r, c, d, sent);
        tk_simnet_poll(n);
        /* About one event per connection before the applications' next pass. */
        bool stepped = false;
        for (uint32_t k = 0; k < r->conns && tk_simnet_next_event(n) != TK_TIME_NEVER; k++)
            stepped |= tk_simnet_step(n, TK_TIME_NEVER - 1);
        if (!stepped && !moved)
            break;
    }
}

static void *shard_main(void *arg) {
    shard_run *r = arg;
    tk_simnet_opts o;
    tk_simnet_opts_default(&o, 1 + r->index);
    o.link.delay = 50;
    o.on_frame = on_frame;
    o.ctx = r;
    for (int i = 0; i < 2; i++) {
        o.cfg[i].rcvbuf = o.cfg[i].sndbuf = 64 * 1024;
        o.cfg[i].max_sockets = 2 * r->conns + 8;
        o.cfg[i].max_syn_backlog = r->conns;
        o.cfg[i].shard_count = (uint8_t)r->count;
        o.cfg[i].shard_index = (uint8_t)r->index;
        if (r->ipv6) {
            o.cfg[i].ipv6 = true;
            o.cfg[i].dad_transmits = 0; /* usable at once */
            memcpy(o.cfg[i].addr6, addr6[i], 16);
        }
    }
    tk_simnet *n = tk_bench_net(&o);
    int c[MAX_CONNS], d[MAX_CONNS];
    int l = n ? listen_on(tk_simnet_stack(n, TK_SIM_B), r) : -1;
    bool ok = l >= 0 && open_all(n, r, c, d, l);
    pthread_barrier_wait(r->start);
    if (ok)
        transfer(n, r, c, d);
    r->failed = !ok || r->got != r->bytes_each * r->conns;
    if (n)
        tk_simnet_destroy(n);
    return NULL;
}

typedef struct shards_opts {
    uint64_t shards, conns, bytes, reps;
    bool ipv6;
} shards_opts;

/* One run with `count` shards sharing o->conns connections; the wall
 * seconds from the start barrier to the last thread's end, or < 0 on
 * failure. */
static double run_shards(uint32_t count, const shards_opts *o, const tk_rss_table *rss,
                         uint64_t *misplaced, uint64_t *frames) {
    pthread_t th[TK_MAX_SHARDS];
    shard_run r[TK_MAX_SHARDS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, count + 1);
    for (uint32_t k = 0; k < count; k++) {
        r[k] = (shard_run){.index = k,
                           .count = count,
                           .conns = (uint32_t)o->conns / count,
                           .ipv6 = o->ipv6,
                           .rss = rss,
                           .start = &start};
        r[k].bytes_each = o->bytes / o->conns;
        pthread_create(&th[k], NULL, shard_main, &r[k]);
    }
    pthread_barrier_wait(&start);
    double w0 = tk_bench_wall();
    int failed = 0;
    for (uint32_t k = 0; k < count; k++) {
        pthread_join(th[k], NULL);
        failed |= r[k].failed;
        *misplaced += r[k].misplaced;
        *frames += r[k].frames;
    }
    double wall = tk_bench_wall() - w0;
    pthread_barrier_destroy(&start);
    return failed ? -1.0 : wall;
}

static int shards_usage(FILE *f, int rc) {
    fprintf(f,
            "usage: tcpkit bench shards [--shards N] [--conns N] [--bytes N] [--reps N] [--ipv6]\n"
            "  --shards N  stacks (threads) per end in the sharded runs (default 2)\n"
            "  --conns N   connections in all, split evenly (default 64)\n"
            "  --bytes N   bytes in all per run (default 256 MiB)\n"
            "  --reps N    interleaved repetitions (default 3)\n"
            "  --ipv6      the connections over IPv6 (2001:2::1 to 2001:2::2)\n");
    return rc;
}

static int parse(tk_cli *c, shards_opts *o) {
    for (const char *a; (a = tk_cli_next(c)) != NULL;) {
        int rc = 0;
        if (tk_cli_is_help(a))
            return shards_usage(stdout, 0) - 1;
        if (tk_cli_is(c, a, "--shards"))
            rc = tk_cli_range(c, 2, 16, &o->shards);
        else if (tk_cli_is(c, a, "--conns"))
            rc = tk_cli_range(c, 1, MAX_CONNS, &o->conns);
        else if (tk_cli_is(c, a, "--bytes"))
            rc = tk_cli_range(c, 1 << 20, 1ull << 40, &o->bytes);
        else if (tk_cli_is(c, a, "--reps"))
            rc = tk_cli_range(c, 1, 20, &o->reps);
        else if (!strcmp(a, "--ipv6"))
            o->ipv6 = true;
        else
            return tk_cli_unknown(c, a);
        if (rc)
            return rc;
    }
    return 0;
}

int tk_bench_shards(int argc, char **argv) {
    shards_opts o = {.shards = 2, .conns = 64, .bytes = 256ull << 20, .reps = 3, .ipv6 = false};
    tk_cli c;
    tk_cli_init(&c, "tcpkit bench shards", argc, argv);
    int prc = parse(&c, &o);
    if (prc)
        return prc < 0 ? 0 : prc;
    if (o.conns % o.shards != 0)
        return tk_cli_fail(&c, "--conns must be a multiple of --shards:", "");
    static tk_rss_table rss;
    tk_rss_table_init(&rss, tk_rss_symmetric_key, TK_RSS_KEY_LEN);
    printf("shards: %llu connections%s, %llu MiB per run, 1 stack pair vs %llu (one thread each)\n",
           (unsigned long long)o.conns, o.ipv6 ? " over IPv6" : "",
           (unsigned long long)(o.bytes >> 20), (unsigned long long)o.shards);
    double g[2][20];
    uint64_t misplaced = 0, frames = 0;
    for (uint64_t rep = 0; rep < o.reps; rep++) {
        for (int k = 0; k < 2; k++) {
            uint32_t n = k ? (uint32_t)o.shards : 1u;
            double wall = run_shards(n, &o, &rss, &misplaced, &frames);
            if (wall <= 0) {
                fprintf(stderr, "tcpkit bench shards: a run with %u shard(s) failed\n", n);
                return 1;
            }
            g[k][rep] = (double)(o.bytes / o.conns * o.conns) * 8 / wall / 1e9;
            printf("  run %llu, %u shard(s): %.2f Gbit/s aggregate\n", (unsigned long long)rep + 1,
                   n, g[k][rep]);
        }
    }
    tk_bench_print_ratio("aggregate goodput, sharded : one", g[1], g[0], (int)o.reps);
    printf("  frames steered to another shard: %llu of %llu\n", (unsigned long long)misplaced,
           (unsigned long long)frames);
    return misplaced == 0 ? 0 : 1;
}
