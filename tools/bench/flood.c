/* A SYN flood on virtual time (flood.h). */
#include "flood.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lan.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define SERVER 0
#define CLIENT 1
#define PORT   80

typedef struct legit_conn {
    int sd;
    uint16_t port;
    tk_time start, accepted;
} legit_conn;

typedef struct run {
    tk_lan net;
    int ls;
    legit_conn c[TK_FLOOD_LEGIT_MAX];
    tk_time took[TK_FLOOD_LEGIT_MAX];
    tk_flood_result *r;
} run;

static void spoof_syn(run *u) {
    tk_lan *net = &u->net;
    uint32_t src = 0xc6130000u | (tk_lan_random(net) & 0xffffu); /* 198.19.0.0/16 */
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = (uint16_t)(1024u + tk_lan_random(net) % 60000u);
    h.dport = PORT;
    h.seq = tk_lan_random(net);
    h.flags = TK_TCP_SYN;
    h.win = 65535;
    h.opts.present = TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE;
    h.opts.mss = 1460;
    h.opts.wscale = 7;
    h.opts.ts_val = tk_lan_random(net);
    (void)tk_lan_inject_tcp(net, SERVER, src, &h, NULL, 0);
    u->r->spoofed++;
}

static void legit_connect(run *u) {
    tk_stack *c = u->net.st[CLIENT];
    legit_conn *lc = &u->c[u->r->started++];
    lc->accepted = TK_TIME_NEVER;
    lc->start = u->net.now;
    lc->sd = tk_socket(c);
    tk_sockaddr to = tk_sockaddr_in4(u->net.cfg[SERVER].addr, PORT), me = tk_sockaddr_in4(0, 0);
    if (lc->sd < 0 || tk_connect(c, lc->sd, &to) != -EINPROGRESS)
        return;
    (void)tk_getsockname(c, lc->sd, &me);
    lc->port = me.port;
    tk_stack_poll(c, u->net.now);
}

static void accepted(run *u, uint16_t port) {
    for (int i = 0; i < u->r->started; i++) {
        legit_conn *lc = &u->c[i];
        if (lc->port != port || lc->accepted != TK_TIME_NEVER)
            continue;
        lc->accepted = u->net.now;
        tk_time took = lc->accepted - lc->start;
        u->took[u->r->accepted++] = took;
        u->r->within += took <= TK_FLOOD_WITHIN;
        if (took > u->r->worst)
            u->r->worst = took;
        return;
    }
}

/* The server accepts and closes; the client closes what is established. */
static void apps(run *u) {
    tk_stack *s = u->net.st[SERVER], *c = u->net.st[CLIENT];
    tk_sockaddr peer;
    int sd;
    while ((sd = tk_accept(s, u->ls, &peer)) >= 0) {
        accepted(u, peer.port);
        (void)tk_close(s, sd);
    }
    for (int i = 0; i < u->r->started; i++) {
        legit_conn *lc = &u->c[i];
        if (lc->sd >= 0 && (tk_poll_events(c, lc->sd) & TK_POLLOUT)) {
            u->r->established++;
            (void)tk_close(c, lc->sd);
            lc->sd = -1;
        }
    }
    uint32_t half = tk_stack_state_count(s, TK_TCP_SYN_RCVD);
    if (half > u->r->syn_rcvd_peak)
        u->r->syn_rcvd_peak = half;
    tk_stack_poll(s, u->net.now);
    tk_stack_poll(c, u->net.now);
}

static int setup(run *u, const tk_flood_plan *p) {
    int rc = tk_lan_init(&u->net, TK_MS(1), 0x5ec02u);
    if (rc < 0)
        return rc;
    tk_config sc, cc;
    tk_lan_config(&sc, 1);
    if (p->max_sockets)
        sc.max_sockets = p->max_sockets;
    if (p->syn_backlog)
        sc.max_syn_backlog = p->syn_backlog;
    sc.syn_cookies = !p->no_cookies;
    tk_lan_config(&cc, 2);
    cc.max_sockets = 256;
    cc.max_time_wait = 2048;
    if ((rc = tk_lan_add(&u->net, &sc)) < 0 || (rc = tk_lan_add(&u->net, &cc)) < 0)
        return rc;
    tk_stack *s = u->net.st[SERVER];
    u->ls = tk_socket(s);
    tk_sockaddr any = tk_sockaddr_in4(0, PORT);
    if (u->ls < 0 || tk_bind(s, u->ls, &any) < 0 || tk_listen(s, u->ls, p->backlog) < 0)
        return -EINVAL;
    u->r->syncache = sc.max_syn_backlog;
    u->r->mem = tk_stack_mem_size(&sc);
    return 0;
}

/* Mid-flood: can the application still make a socket? */
static void app_socket(run *u) {
    int sd = tk_socket(u->net.st[SERVER]);
    u->r->app_socket_ok = sd >= 0;
    if (sd >= 0)
        (void)tk_close(u->net.st[SERVER], sd);
}

static void flood(run *u, const tk_flood_plan *p) {
    tk_time spoof_gap = p->spoof_per_s ? TK_SEC(1) / p->spoof_per_s : TK_TIME_NEVER;
    tk_time legit_gap = p->duration / (tk_time)p->legit;
    tk_time next_spoof = p->spoof_per_s ? 0 : TK_TIME_NEVER, next_legit = legit_gap / 2;
    tk_time next_app = 0, app_gap = 100; /* the applications look every 100 us */
    bool probed = false;
    while (u->net.now < p->duration + TK_FLOOD_WITHIN) {
        tk_time t = next_app < next_spoof ? next_app : next_spoof;
        t = next_legit < t ? next_legit : t;
        tk_lan_run_until(&u->net, t);
        if (t == next_spoof) {
            spoof_syn(u);
            next_spoof = t + spoof_gap < p->duration ? t + spoof_gap : TK_TIME_NEVER;
        }
        if (t == next_legit) {
            legit_connect(u);
            next_legit = u->r->started < p->legit ? t + legit_gap : TK_TIME_NEVER;
        }
        if (t == next_app) {
            apps(u);
            next_app = t + app_gap;
        }
        if (!probed && u->net.now >= p->duration / 2) {
            app_socket(u);
            probed = true;
        }
    }
}

static int cmp_time(const void *a, const void *b) {
    tk_time x = *(const tk_time *)a, y = *(const tk_time *)b;
    return x < y ? -1 : x > y;
}

int tk_flood_run(const tk_flood_plan *p, tk_flood_result *out) {
    memset(out, 0, sizeof(*out));
    if (p->legit <= 0 || p->legit > TK_FLOOD_LEGIT_MAX || p->duration == 0)
        return -EINVAL;
    run *u = calloc(1, sizeof(run));
    if (u == NULL)
        return -ENOMEM;
    u->r = out;
    int rc = setup(u, p);
    if (rc == 0) {
        flood(u, p);
        const tk_stats *st = tk_stack_stats(u->net.st[SERVER]);
        out->cookies_sent = st->syncookies_sent;
        out->cookies_accepted = st->syncookies_accepted;
        qsort(u->took, (size_t)out->accepted, sizeof(tk_time), cmp_time);
        out->median = out->accepted > 0 ? u->took[out->accepted / 2] : 0;
    }
    tk_lan_fini(&u->net);
    free(u);
    return rc;
}
