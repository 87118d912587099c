/* SEC-2: a SYN flood of spoofed sources against a listener, while a real
 * client stack connects again and again. Half-open connections live in the
 * syncache, SYN cookies answer when it is full, and legitimate connects
 * complete within 3 virtual seconds; the core allocates nothing (malloc is
 * wrapped and counted), and the application can still open a socket. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_attack.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

/* Allocations made while the flood runs (the core must make none). */
static int g_counting;
static unsigned long g_allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) {
    g_allocs += (unsigned long)g_counting;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m) {
    g_allocs += (unsigned long)g_counting;
    return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n) {
    g_allocs += (unsigned long)g_counting;
    return __real_realloc(p, n);
}

#define LEGIT_MAX 1000
#define WITHIN    TK_SEC(3)

typedef struct plan {
    uint32_t max_sockets, syn_backlog; /* 0: the defaults */
    int backlog;                       /* listen() */
    uint32_t spoof_per_s;
    tk_time duration;
    int legit;
} plan;

typedef struct legit_conn {
    int sd;
    uint16_t port;
    tk_time start, accepted;
} legit_conn;

typedef struct run {
    tka_net net;
    int ls;
    legit_conn c[LEGIT_MAX];
    int started, established, accepted, within;
    tk_time worst;
    uint64_t spoofed;
    bool app_socket_ok;
} run;

static void spoof_syn(run *r) {
    tka_net *net = &r->net;
    uint32_t src = 0xc6130000u | (tka_random(net) & 0xffffu); /* 198.19.0.0/16 */
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE;
    o.mss = 1460;
    o.wscale = 7;
    o.ts_val = tka_random(net);
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = (uint16_t)(1024u + tka_random(net) % 60000u);
    h.dport = 80;
    h.seq = tka_random(net);
    h.flags = TK_TCP_SYN;
    h.win = 65535;
    h.opts = o;
    (void)tka_inject_tcp(net, 0, src, &h, NULL, 0);
    r->spoofed++;
}

static void legit_connect(run *r) {
    tk_stack *c = r->net.st[1];
    legit_conn *lc = &r->c[r->started++];
    lc->sd = tk_socket(c);
    assert_true(lc->sd >= 0);
    tk_sockaddr to = {r->net.cfg[0].addr, 80};
    assert_int_equal(tk_connect(c, lc->sd, &to), -EINPROGRESS);
    tk_sockaddr me;
    assert_int_equal(tk_getsockname(c, lc->sd, &me), 0);
    lc->port = me.port;
    lc->start = r->net.now;
    lc->accepted = TK_TIME_NEVER;
    tk_stack_poll(c, r->net.now);
}

/* The server accepts and closes; the client closes what is established. */
static void apps(run *r) {
    tk_stack *s = r->net.st[0], *c = r->net.st[1];
    tk_sockaddr peer;
    int sd;
    while ((sd = tk_accept(s, r->ls, &peer)) >= 0) {
        for (int i = 0; i < r->started; i++) {
            legit_conn *lc = &r->c[i];
            if (lc->port != peer.port || lc->accepted != TK_TIME_NEVER)
                continue;
            lc->accepted = r->net.now;
            tk_time took = lc->accepted - lc->start;
            r->accepted++;
            r->within += took <= WITHIN;
            r->worst = took > r->worst ? took : r->worst;
        }
        assert_int_equal(tk_close(s, sd), 0);
    }
    for (int i = 0; i < r->started; i++) {
        legit_conn *lc = &r->c[i];
        if (lc->sd >= 0 && (tk_poll_events(c, lc->sd) & TK_POLLOUT)) {
            r->established++;
            assert_int_equal(tk_close(c, lc->sd), 0);
            lc->sd = -1;
        }
    }
    tk_stack_poll(s, r->net.now);
    tk_stack_poll(c, r->net.now);
}

static void setup(run *r, const plan *p) {
    memset(r, 0, sizeof(*r));
    tka_init(&r->net, TK_MS(1), 0x5ec02u);
    tk_config sc, cc;
    tka_config(&sc, 1);
    if (p->max_sockets)
        sc.max_sockets = p->max_sockets;
    if (p->syn_backlog)
        sc.max_syn_backlog = p->syn_backlog;
    tka_config(&cc, 2);
    cc.max_sockets = 256;
    cc.max_time_wait = 2048;
    tka_add(&r->net, &sc);
    tka_add(&r->net, &cc);
    tk_stack *s = r->net.st[0];
    r->ls = tk_socket(s);
    tk_sockaddr a = {0, 80};
    assert_int_equal(tk_bind(s, r->ls, &a), 0);
    assert_int_equal(tk_listen(s, r->ls, p->backlog), 0);
}

/* Mid-flood: the application can still make a socket (SEC-2: half-open
 * connections do not take sockets). */
static void app_socket(run *r) {
    int sd = tk_socket(r->net.st[0]);
    r->app_socket_ok = sd >= 0;
    if (sd >= 0)
        assert_int_equal(tk_close(r->net.st[0], sd), 0);
}

static void flood(run *r, const plan *p) {
    tk_time spoof_gap = p->spoof_per_s ? TK_SEC(1) / p->spoof_per_s : TK_TIME_NEVER;
    tk_time legit_gap = p->duration / (tk_time)p->legit;
    tk_time next_spoof = 0, next_legit = legit_gap / 2, next_app = 0;
    tk_time app_gap = 100; /* microseconds */
    bool probed = false;
    g_counting = 1;
    while (r->net.now < p->duration + WITHIN) {
        tk_time t = next_app;
        if (next_spoof < t)
            t = next_spoof;
        if (next_legit < t)
            t = next_legit;
        tka_run_until(&r->net, t);
        if (t == next_spoof) {
            spoof_syn(r);
            next_spoof = t + spoof_gap < p->duration ? t + spoof_gap : TK_TIME_NEVER;
        }
        if (t == next_legit) {
            legit_connect(r);
            next_legit = r->started < p->legit ? t + legit_gap : TK_TIME_NEVER;
        }
        if (t == next_app) {
            apps(r);
            next_app = t + app_gap;
        }
        if (!probed && r->net.now >= p->duration / 2) {
            app_socket(r);
            probed = true;
        }
    }
    g_counting = 0;
}

static void report(const char *name, const run *r, const plan *p) {
    const tk_stats *st = tk_stack_stats(r->net.st[0]);
    printf("%s: %llu spoofed SYNs (%u/s for %llu s), %d/%d legitimate connects accepted within "
           "3 s (worst %llu ms), %d established at the client; syncache %u entries, cookies "
           "sent %llu accepted %llu; allocations during the flood %lu; memory block %zu bytes\n",
           name, (unsigned long long)r->spoofed, p->spoof_per_s,
           (unsigned long long)(p->duration / TK_SEC(1)), r->within, p->legit,
           (unsigned long long)(r->worst / 1000u), r->established, r->net.cfg[0].max_syn_backlog,
           (unsigned long long)st->syncookies_sent, (unsigned long long)st->syncookies_accepted,
           g_allocs, tk_stack_mem_size(&r->net.cfg[0]));
}

static void check(const plan *p, const char *name, int min_within) {
    run *r = calloc(1, sizeof(run));
    assert_non_null(r);
    g_allocs = 0;
    setup(r, p);
    flood(r, p);
    report(name, r, p);
    assert_true(r->within >= min_within);
    assert_int_equal(r->accepted, r->started);
    assert_int_equal(g_allocs, 0);
    assert_true(r->app_socket_ok);
    assert_int_equal(
        tk_stack_state_count(r->net.st[0], TK_TCP_SYN_RCVD) <= r->net.cfg[0].max_syn_backlog, 1);
    tka_fini(&r->net);
    free(r);
}

/* Acceptance: the default configuration, 100,000 spoofed SYNs per second
 * for 10 s, 1,000 legitimate connects: at least 999 within 3 s. */
static void test_SEC_02_flood_default_config(void **state) {
    (void)state;
    plan p = {0, 0, 128, 100000, TK_SEC(10), LEGIT_MAX};
    check(&p, "default config", 999);
}

/* The same with a small device: 8 sockets, a syncache of 4, backlog 4. */
static void test_SEC_02_flood_small_config(void **state) {
    (void)state;
    plan p = {8, 4, 4, 100000, TK_SEC(10), LEGIT_MAX};
    check(&p, "small config", 999);
}

/* A trickle that never fills the syncache by itself: 2 spoofed SYNs per
 * second for 120 s; at least 99.9 % of connects within 3 s. */
static void test_SEC_02_flood_low_rate(void **state) {
    (void)state;
    plan p = {0, 0, 128, 2, TK_SEC(120), LEGIT_MAX};
    check(&p, "low rate", 999);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_02_flood_default_config),
        cmocka_unit_test(test_SEC_02_flood_small_config),
        cmocka_unit_test(test_SEC_02_flood_low_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
