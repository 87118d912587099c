/* `tcpkit serve`: the stack on a TAP device, serving one app on one port. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "commands.h"
#include "net_setup.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"

#define MAX_CONNS   TK_NET_SOCKETS_MAX
#define SPARE_CONNS 64
#define MAX_THREADS 8

/* SIGUSR1 counts table requests: each thread prints its stack's table once
 * per request it has not seen. Atomics: the threads share them with the
 * handler and each other (lock-free, so the handler may touch them). */
static atomic_int got_stop, table_requests;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs lock-free atomics");

static void on_signal(int sig) {
    if (sig == SIGUSR1)
        table_requests++;
    else
        got_stop = 1;
}

static void usage(FILE *f) {
    fprintf(
        f, "usage: tcpkit serve {--tap IF | --xdp IF[:Q] | --dpdk 'EAL ARGS'} --addr A/N\n"
           "                    [--gw G] [--mac M] [--pcap F]\n"
           "                    [--offload|--no-offload] [--no-tso] [--impair SPEC]\n"
           "                    [--buffers BYTES] [--sockets N] [--time-wait N]\n"
           "                    [--busy-poll US] [--threads N]\n"
           "                    {echo|discard|chargen|close|http DIR} [--port P]\n"
           "  Creates the TAP interface IF and serves the app on A:P (default port: echo 7,\n"
           "  discard 9, chargen 19, close 7, http 80; close accepts and closes at once).\n"
           "  SIGUSR1 prints the connection table and the counters to stdout;\n"
           "  SIGINT/SIGTERM close every connection and exit.\n"
           "  --addr x:x::x/N or --addr slaac (alone or beside an IPv4 --addr) turns IPv6 on:\n"
           "  the link-local address, that one and one formed from a router's prefix answer\n"
           "  ping -6 (TCP runs over IPv4 only for now).\n"
           "  --impair loss=5%%,delay=20ms,reorder=10%%,dup=1%%,corrupt=0.5%%[,jitter=T][,seed=N]\n"
           "  --buffers BYTES: each connection's send and receive buffers and out-of-order\n"
           "  budget (default 256 KiB, 64 KiB out of order; 4 KiB to 16 MiB).\n"
           "  --sockets N: the socket pool of each stack, listener included (default 64,\n"
           "  2 to 1024); when it is nearly full, new connections get SYN cookies.\n"
           "  --time-wait N: TIME_WAIT entries (default 1024, 0 to 1048576; when all are\n"
           "  taken, a connection ends without one, counted in time_wait_pool_full).\n"
           "  --busy-poll US: read the device without sleeping for up to US microseconds\n"
           "  before waiting (as SO_BUSY_POLL: no wake-up per frame, one core spins).\n"
           "  --threads N: N stacks in N threads, each on its own queue of a multiqueue\n"
           "  TAP interface (1-8; --tap only, without --pcap and --impair).\n"
           "  --offload: TAP offloads both ways (checksums, TSO super-segments; --no-tso:\n"
           "  checksums only); TK_OFFLOAD=1 in the environment is the same by default.\n"
           "  --xdp IF[:Q]: queue Q (0) of interface IF through AF_XDP (generic mode);\n"
           "  --dpdk ARGS: the first port of DPDK's EAL started with ARGS (both when built).\n"
           "  Exit status: 0 after a clean stop, 2 usage, 1 the device or stack failed.\n");
}

typedef struct serve {
    tk_net net;
    const tk_app *app;
    const char *arg;
    uint16_t port;
    int lsd;
    uint32_t shard, threads;
    int tables_printed;
    tk_app_conn *conns[MAX_CONNS];
    tk_app_conn *spare[SPARE_CONNS]; /* ended connections' objects, reused */
    int spares;
} serve;

static uint16_t default_port(const char *app) {
    if (!strcmp(app, "echo") || !strcmp(app, "close"))
        return 7;
    if (!strcmp(app, "discard"))
        return 9;
    if (!strcmp(app, "chargen"))
        return 19;
    return 80;
}

/* The app and its argument (`http DIR`). Returns 0 or TK_CLI_USAGE. */
static int take_app(serve *sv, tk_cli *c, const char *a, const char **app) {
    if (*app != NULL || a[0] == '-')
        return tk_cli_unknown(c, a);
    *app = a;
    if ((sv->app = tk_app_find(a)) == NULL)
        return tk_cli_fail(c, "unknown app (echo, discard, chargen, close or http DIR)", a);
    if (strcmp(a, "http") != 0)
        return 0;
    if ((sv->arg = tk_cli_next(c)) == NULL)
        return tk_cli_fail(c, "missing directory for", "http");
    return 0;
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 usage). */
static int parse_args(serve *sv, tk_netopts *o, int argc, char **argv) {
    const char *app = NULL;
    uint64_t port = 0;
    tk_cli c;
    tk_cli_init(&c, "tcpkit serve", argc, argv);
    for (const char *a; (a = tk_cli_next(&c)) != NULL;) {
        int rc = tk_netopts_take(o, &c, a);
        if (rc == 1 && tk_cli_is_help(a)) {
            usage(stdout);
            return 0;
        }
        if (rc == 1 && tk_cli_is(&c, a, "--threads")) {
            uint64_t v = 1;
            rc = tk_cli_range(&c, 1, MAX_THREADS, &v);
            o->threads = (uint32_t)v;
        } else if (rc == 1) {
            rc = tk_cli_is(&c, a, "--port") ? tk_cli_range(&c, 1, 65535, &port)
                                            : take_app(sv, &c, a, &app);
        }
        if (rc)
            return rc;
    }
    int rc = tk_netopts_check(o, &c);
    if (!rc && o->threads > 1 && (o->tap == NULL || o->pcap != NULL || o->impair != NULL))
        rc = tk_cli_fail(&c, "--threads needs --tap, without --pcap and --impair:", "--threads");
    if (!rc && app == NULL)
        rc = tk_cli_fail(&c, "missing app", "echo|discard|chargen|http DIR");
    if (rc)
        return rc;
    sv->port = port ? (uint16_t)port : default_port(app);
    return -1;
}

static int listen_on(serve *sv) {
    tk_stack *s = sv->net.stack;
    /* With IPv6 on, the wildcard: one listener for both families (NET-4). */
    static const uint8_t any6[16];
    tk_sockaddr a = sv->net.cfg.ipv6 ? tk_sockaddr_in6(any6, sv->port, 0)
                                     : tk_sockaddr_in4(sv->net.cfg.addr, sv->port);
    int one = 1;
    int sd = tk_socket(s);
    if (sd < 0)
        return sd;
    (void)tk_setsockopt(s, sd, TK_SOL_SOCKET, TK_SO_REUSEADDR, &one, sizeof one);
    int rc = tk_bind(s, sd, &a);
    if (rc == 0)
        rc = tk_listen(s, sd, 128);
    sv->lsd = sd;
    return rc;
}

static void report(const serve *sv, const tk_app_conn *c, const char *what) {
    tk_sockaddr peer = tk_sockaddr_in4(0, 0);
    char ep[64];
    (void)tk_getpeername(sv->net.stack, c->sd, &peer);
    fprintf(stderr, "serve: %s %s rx=%llu tx=%llu%s%s\n", tk_fmt_sockaddr(ep, sizeof ep, &peer),
            what, (unsigned long long)c->rx_bytes, (unsigned long long)c->tx_bytes,
            c->err ? " error=" : "", c->err ? strerror(-c->err) : "");
}

/* A connection object, header zeroed: a spare one when there is one (a
 * fresh 64 KiB allocation per connection costs page faults when the heap
 * top is trimmed and grown again at every connection). */
static tk_app_conn *conn_get(serve *sv) {
    tk_app_conn *c = sv->spares > 0 ? sv->spare[--sv->spares] : malloc(sizeof(*c));
    if (c != NULL)
        memset(c, 0, offsetof(tk_app_conn, out));
    return c;
}

static void conn_put(serve *sv, tk_app_conn *c) {
    if (c != NULL && sv->spares < SPARE_CONNS)
        sv->spare[sv->spares++] = c;
    else
        free(c);
}

static void accept_all(serve *sv) {
    tk_sockaddr peer;
    int sd;
    while ((sd = tk_accept(sv->net.stack, sv->lsd, &peer)) >= 0) {
        tk_app_conn *c = sd < MAX_CONNS ? conn_get(sv) : NULL;
        if (c == NULL || sv->app->start(c, sv->arg) < 0) {
            conn_put(sv, c);
            (void)tk_close(sv->net.stack, sd);
            continue;
        }
        c->sd = sd;
        sv->conns[sd] = c;
    }
}

static void end_conn(serve *sv, tk_app_conn *c, tk_app_status st) {
    if (st == TK_APP_ERROR)
        report(sv, c, c->err == -ECONNRESET ? "reset (ECONNRESET)" : "failed");
    (void)tk_close(sv->net.stack, c->sd);
    sv->app->finish(c);
    sv->conns[c->sd] = NULL;
    conn_put(sv, c);
}

static void step_all(serve *sv) {
    accept_all(sv);
    for (int i = 0; i < MAX_CONNS; i++) {
        tk_app_conn *c = sv->conns[i];
        if (c == NULL)
            continue;
        tk_app_status st = sv->app->step(sv->net.stack, c, sv->arg);
        if (st != TK_APP_RUNNING)
            end_conn(sv, c, st);
    }
}

static void print_counters(const tk_stack *s) {
    const tk_stats *st = tk_stack_stats(s);
    for (size_t i = 0; i < tk_stats_count(); i++) {
        uint64_t v = tk_stats_value(st, i);
        if (v != 0)
            printf("  %-28s %llu\n", tk_stats_name(i), (unsigned long long)v);
    }
    fflush(stdout);
}

/* Closes every connection gracefully and gives the FINs a moment. */
static void shut_down(serve *sv) {
    for (int i = 0; i < MAX_CONNS; i++)
        if (sv->conns[i] != NULL)
            end_conn(sv, sv->conns[i], TK_APP_CLOSE);
    (void)tk_close(sv->net.stack, sv->lsd);
    tk_time until = tk_loop_now() + TK_MS(500);
    while (tk_loop_now() < until)
        (void)tk_loop_step(&sv->net.loop, -1, 0, TK_MS(50), NULL);
    while (sv->spares > 0)
        free(sv->spare[--sv->spares]);
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void print_table(serve *sv) {
    flockfile(stdout);
    if (sv->threads > 1)
        printf("shard %u of %u\n", sv->shard, sv->threads);
    tk_net_print_addrs6(stdout, sv->net.stack);
    tk_net_print_table(stdout, sv->net.stack);
    print_counters(sv->net.stack);
    funlockfile(stdout);
}

/* One stack's loop, in its own thread when there are several. */
static void *serve_loop(void *arg) {
    serve *sv = arg;
    while (!got_stop) {
        if (tk_loop_step(&sv->net.loop, -1, 0, TK_MS(200), NULL) < 0) {
            got_stop = 1; /* a device error stops every thread */
            break;
        }
        step_all(sv);
        tk_stack_poll(sv->net.stack, tk_loop_now());
        int requests = atomic_load(&table_requests);
        if (sv->tables_printed != requests) {
            sv->tables_printed = requests;
            print_table(sv);
        }
    }
    shut_down(sv);
    return NULL;
}

/* Opens stack k of n (queue k of the TAP interface) and listens. */
static int open_shard(serve *svs, uint32_t k, uint32_t n, tk_netopts *o) {
    serve *sv = &svs[k];
    if (k > 0) {
        sv->app = svs[0].app;
        sv->arg = svs[0].arg;
        sv->port = svs[0].port;
    }
    sv->shard = k;
    sv->threads = n;
    o->shard = k;
    if (tk_net_open(&sv->net, o) < 0)
        return -1;
    int rc = listen_on(sv);
    if (rc < 0) {
        fprintf(stderr, "serve: listen on port %u: %s\n", sv->port, strerror(-rc));
        tk_net_close(&sv->net);
        return -1;
    }
    return 0;
}

int tk_cmd_serve(int argc, char **argv) {
    static serve svs[MAX_THREADS];
    tk_netopts o = {0};
    int prc = parse_args(&svs[0], &o, argc, argv);
    if (prc >= 0)
        return prc;
    uint32_t n = o.threads > 1 ? o.threads : 1, opened = 0;
    while (opened < n && open_shard(svs, opened, n, &o) == 0)
        opened++;
    if (opened < n) {
        while (opened > 0)
            tk_net_close(&svs[--opened].net);
        return 1;
    }
    install_signals();
    fprintf(stderr, "serve: %s on %s%s%s port %u", svs[0].app->name, o.addr ? o.addr : "",
            o.addr && o.addr6 ? " and " : "", o.addr6 ? o.addr6 : "", svs[0].port);
    fprintf(stderr, n > 1 ? ", %u threads on %u queues\n" : "\n", n, n);
    tk_net_print_addrs6(stderr, svs[0].net.stack);
    pthread_t th[MAX_THREADS];
    uint32_t started = 1;
    for (; started < n; started++)
        if (pthread_create(&th[started], NULL, serve_loop, &svs[started]) != 0)
            break;
    if (started < n) {
        fprintf(stderr, "serve: cannot start thread %u\n", started);
        got_stop = 1;
    }
    serve_loop(&svs[0]);
    for (uint32_t k = 1; k < started; k++)
        pthread_join(th[k], NULL);
    for (uint32_t k = 0; k < n; k++)
        tk_net_close(&svs[k].net);
    fprintf(stderr, "serve: stopped\n");
    return 0;
}
