/* The scenario harness: trace bookkeeping, printed socket calls, waits. */
#include "sim_harness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/capture/frame_tcp.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"

void tk_sim_opts_init(tk_sim_opts *o) {
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->loss_ppm = o->dup_ppm = o->reorder_ppm = o->corrupt_ppm = -1;
    o->bytes = o->bytes_back = -1;
    o->outages = o->close_order = o->isn_high = o->pool_chunks = o->zerocopy = -1;
    o->rate_bps = o->queue_bytes = o->delay_us = -1;
    o->queue_pkts = o->cc_algo = -1;
    o->seconds = -1;
}

static const char *sname(int side) {
    return side == TK_SIM_A ? "A" : "B";
}

static int conn_index(const tk_sim *s, int side, uint16_t lport, uint16_t rport) {
    for (int i = s->nconns - 1; i >= 0; i--) {
        const tk_sim_conn *c = &s->conns[i];
        if (c->side == side && c->lport == lport && c->rport == rport)
            return i;
    }
    return -1;
}

static void track_state(tk_sim *s, int side, const tk_trace_event *ev) {
    int i = conn_index(s, side, ev->lport, ev->rport);
    tk_sim_conn *c = i < 0 ? NULL : &s->conns[i];
    bool fresh = !c || (c->state == TK_TCP_CLOSED && ev->new_state != TK_TCP_CLOSED);
    if (fresh) {
        if (s->nconns == TK_SIM_MAX_CONNS) {
            /* Oldest entries go first: scenarios look at recent ones. */
            memmove(&s->conns[0], &s->conns[1], sizeof s->conns[0] * (TK_SIM_MAX_CONNS - 1));
            s->nconns--;
        }
        c = &s->conns[s->nconns++];
        memset(c, 0, sizeof *c);
        c->side = side;
        c->lport = ev->lport;
        c->rport = ev->rport;
    }
    c->state = ev->new_state;
    c->visited |= 1u << (unsigned)ev->new_state;
    if (ev->new_state == TK_TCP_TIME_WAIT)
        c->tw_enter = ev->now;
    if (ev->old_state == TK_TCP_TIME_WAIT)
        c->tw_leave = ev->now;
}

static bool quiet_addr(const tk_sim *s, uint32_t addr) {
    return s->quiet_mask != 0 && (addr & s->quiet_mask) == s->quiet_net;
}

/* A frame to or from the quiet network. */
static bool quiet_frame(const tk_sim *s, const uint8_t *frame, size_t len) {
    tk_eth_hdr eth;
    tk_ipv4_hdr ip;
    if (s->quiet_mask == 0 || frame == NULL || tk_wire_eth_parse(frame, len, &eth) < 0 ||
        eth.type != TK_ETHERTYPE_IPV4 ||
        tk_wire_ipv4_parse(frame + TK_ETH_HLEN, len - TK_ETH_HLEN, false, &ip) < 0)
        return false;
    return quiet_addr(s, ip.src) || quiet_addr(s, ip.dst);
}

static void on_trace(void *ctx, int side, const tk_trace_event *ev) {
    tk_sim *s = ctx;
    if (ev->kind == TK_TRACE_STATE && ev->lport != 0)
        track_state(s, side, ev);
    bool quiet =
        ev->kind == TK_TRACE_STATE ? quiet_addr(s, ev->raddr) : quiet_frame(s, ev->frame, ev->len);
    if (!s->hush && !quiet) {
        tk_sim_render_trace(s->render, side, ev);
        tk_sim_report_trace(s->report, side, ev);
    }
}

const tk_sim_flow *tk_sim_flow_find(const tk_sim *s, int side, uint16_t port) {
    for (int i = 0; i < s->nflows; i++)
        if (s->flows[i].side == side && s->flows[i].port == port)
            return &s->flows[i];
    return NULL;
}

static void count_flow(tk_sim *s, int side, uint16_t port, uint32_t seq, uint32_t len) {
    tk_sim_flow *fl = NULL;
    for (int i = 0; i < s->nflows && fl == NULL; i++)
        if (s->flows[i].side == side && s->flows[i].port == port)
            fl = &s->flows[i];
    if (fl == NULL) {
        if (s->nflows == TK_SIM_MAX_FLOWS)
            return;
        fl = &s->flows[s->nflows++];
        *fl = (tk_sim_flow){.side = side, .port = port, .hi = seq};
    }
    fl->data_segs++;
    if ((int32_t)(seq - fl->hi) < 0)
        fl->rexmits++;
    if ((int32_t)(seq + len - fl->hi) > 0)
        fl->hi = seq + len;
}

static void log_segment(tk_sim *s, int side, const uint8_t *frame, size_t len, tk_time now) {
    tk_frame_tcp f;
    if (tk_frame_tcp_decode(frame, len, TK_FRAME_TCP_NO_CSUM | TK_FRAME_TCP_IPV6, &f) < 0)
        return;
    if (f.payload_len > 0)
        count_flow(s, side, f.tcp.sport, f.tcp.seq, (uint32_t)f.payload_len);
    tk_sim_seg *g = &s->segs[s->nsegs++ % TK_SIM_SEG_LOG];
    *g = (tk_sim_seg){.t = now,
                      .side = side,
                      .flags = f.tcp.flags,
                      .win = f.tcp.win,
                      .seq = f.tcp.seq,
                      .ack = f.tcp.ack,
                      .len = f.payload_len};
}

static void grab_frame(tk_sim *s, int side, const uint8_t *frame, size_t len, tk_time now) {
    struct tk_sim_grab *g = &s->grab;
    tk_frame_tcp f;
    if (!g->armed || side != g->side || len > sizeof g->buf ||
        tk_frame_tcp_decode(frame, len, TK_FRAME_TCP_NO_CSUM | TK_FRAME_TCP_IPV6, &f) < 0 ||
        (f.tcp.flags & g->flags) != g->flags || (g->payload && f.payload_len == 0))
        return;
    memcpy(g->buf, frame, len);
    g->len = len;
    g->at = now;
    g->armed = false;
}

void tk_sim_grab(tk_sim *s, int side, uint8_t flags, bool payload) {
    s->grab = (struct tk_sim_grab){.side = side, .flags = flags, .armed = true, .payload = payload};
}

bool tk_sim_deliver_old(tk_sim *s) {
    struct tk_sim_grab *g = &s->grab;
    if (!g->len)
        return false;
    tk_time now = tk_sim_now(s);
    tk_sim_note(s, "the network delivers an old duplicate of %s's segment sent at %llu.%06llu s",
                sname(g->side), (unsigned long long)(g->at / 1000000u),
                (unsigned long long)(g->at % 1000000u));
    tk_sim_report_old(s->report, g->side, g->buf, g->len, g->at, now);
    tk_stack_input(tk_sim_stack(s, 1 - g->side), g->buf, g->len, now);
    tk_simnet_poll(s->net);
    g->len = 0;
    return true;
}

static void on_frame(void *ctx, int side, int where, const uint8_t *frame, size_t len, tk_time now,
                     int outcome) {
    tk_sim *s = ctx;
    if (where == TK_SIM_TX)
        grab_frame(s, side, frame, len, now);
    if (where == TK_SIM_TX)
        log_segment(s, side, frame, len, now);
    if (!s->hush && !quiet_frame(s, frame, len)) {
        tk_sim_render_frame(s->render, side, where, frame, len, now, outcome);
        tk_sim_report_frame(s->report, s->net ? tk_simnet_stack(s->net, side) : NULL, side,
                            where == TK_SIM_TX, frame, len, now, outcome);
    }
}

const tk_sim_seg *tk_sim_seg_at(const tk_sim *s, uint32_t i) {
    if (i >= s->nsegs || s->nsegs - i > TK_SIM_SEG_LOG)
        return NULL;
    return &s->segs[i % TK_SIM_SEG_LOG];
}

uint32_t tk_sim_count_segs(const tk_sim *s, uint32_t from, int side, uint8_t flags) {
    uint32_t n = 0;
    for (uint32_t i = from; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == side && (g->flags & flags) == flags)
            n++;
    }
    return n;
}

tk_time tk_sim_last_tx(const tk_sim *s, int side, tk_time until) {
    for (uint32_t i = s->nsegs; i-- > 0;) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (!g)
            break;
        if (g->side == side && g->t <= until)
            return g->t;
    }
    return 0;
}

const uint8_t tk_sim_addr6[2][16] = {{0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                                     {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};

/* --ipv6 (SPEC NET-4): both stacks get an IPv6 address, usable at once. */
static void use_ipv6(tk_simnet_opts *no) {
    for (int i = 0; i < 2; i++) {
        no->cfg[i].ipv6 = true;
        no->cfg[i].dad_transmits = 0;
        memcpy(no->cfg[i].addr6, tk_sim_addr6[i], 16);
    }
}

tk_sockaddr tk_sim_local(const tk_sim *s, int side, uint16_t port) {
    static const uint8_t any6[16];
    if (s->opts->ipv6)
        return tk_sockaddr_in6(any6, port, 0);
    return tk_sockaddr_in4(tk_simnet_addr(side), port);
}

tk_sockaddr tk_sim_peer(const tk_sim *s, int side, uint16_t port) {
    if (s->opts->ipv6)
        return tk_sockaddr_in6(tk_sim_addr6[1 - side], port, 0);
    return tk_sockaddr_in4(tk_simnet_addr(1 - side), port);
}

int tk_sim_init(tk_sim *s, const tk_sim_opts *o, tk_simnet_opts *no) {
    memset(s, 0, sizeof *s);
    if (o->ipv6)
        use_ipv6(no);
    s->opts = o;
    int err = 0;
    bool lines = !o->quiet && !o->text_ladder;
    s->render = tk_sim_render_open(lines ? stdout : NULL, o->json, o->pcap, &err);
    if (!s->render)
        return err;
    if (o->html || o->svg || o->text_ladder) {
        s->report = tk_sim_report_new(o->scenario ? o->scenario : "tcpkit sim");
        if (!s->report) {
            tk_sim_render_close(s->render);
            return -ENOMEM;
        }
    }
    s->cfg[0] = no->cfg[0];
    s->cfg[1] = no->cfg[1];
    no->on_trace = on_trace;
    no->on_frame = on_frame;
    no->ctx = s;
    int rc = tk_simnet_create(&s->net, no);
    if (rc < 0) {
        tk_sim_render_close(s->render);
        tk_sim_report_free(s->report);
        s->render = NULL;
        s->report = NULL;
    }
    return rc;
}

void tk_sim_fini(tk_sim *s) {
    tk_simnet_destroy(s->net);
    tk_sim_render_close(s->render);
    tk_sim_report_free(s->report);
    s->net = NULL;
    s->render = NULL;
    s->report = NULL;
}

bool tk_sim_expect(tk_sim *s, bool ok, const char *fmt, ...) {
    if (!ok && !s->failure[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->failure, sizeof s->failure, fmt, ap);
        va_end(ap);
        if (!s->failure[0])
            snprintf(s->failure, sizeof s->failure, "expectation failed");
    }
    return ok;
}

bool tk_sim_failed(const tk_sim *s) {
    return s->failure[0] != 0;
}

void tk_sim_note(tk_sim *s, const char *fmt, ...) {
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    tk_sim_render_note(s->render, tk_sim_now(s), text);
    tk_sim_report_note(s->report, tk_sim_now(s), text);
}

void tk_sim_app(tk_sim *s, int side, const char *fmt, ...) {
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    tk_sim_render_app(s->render, tk_sim_now(s), side, text);
}

tk_stack *tk_sim_stack(tk_sim *s, int side) {
    return tk_simnet_stack(s->net, side);
}
tk_time tk_sim_now(const tk_sim *s) {
    return tk_simnet_now(s->net);
}
void tk_sim_run_for(tk_sim *s, tk_time dt) {
    tk_simnet_run_for(s->net, dt);
}

bool tk_sim_run_until(tk_sim *s, bool (*cond)(void *ctx), void *ctx, tk_time timeout) {
    return tk_simnet_run_until(s->net, cond, ctx, tk_sim_now(s) + timeout);
}

const tk_sim_conn *tk_sim_conn_find(const tk_sim *s, int side, uint16_t lport, uint16_t rport) {
    int i = conn_index(s, side, lport, rport);
    return i < 0 ? NULL : &s->conns[i];
}

int tk_sim_state(const tk_sim *s, int side, uint16_t lport, uint16_t rport) {
    const tk_sim_conn *c = tk_sim_conn_find(s, side, lport, rport);
    return c ? c->state : TK_TCP_CLOSED;
}

typedef struct wait_ctx {
    tk_sim *s;
    int side, sd, mask, state;
    uint16_t lport, rport;
} wait_ctx;

static bool state_reached(void *ctx) {
    wait_ctx *w = ctx;
    return tk_sim_state(w->s, w->side, w->lport, w->rport) == w->state;
}

bool tk_sim_wait_state(tk_sim *s, int side, uint16_t lport, uint16_t rport, int state,
                       tk_time timeout) {
    wait_ctx w = {.s = s, .side = side, .lport = lport, .rport = rport, .state = state};
    return tk_sim_run_until(s, state_reached, &w, timeout);
}

static bool events_ready(void *ctx) {
    wait_ctx *w = ctx;
    int ev = tk_poll_events(tk_sim_stack(w->s, w->side), w->sd);
    return ev < 0 || (ev & w->mask) != 0;
}

bool tk_sim_wait_events(tk_sim *s, int side, int sd, int mask, tk_time timeout) {
    wait_ctx w = {.s = s, .side = side, .sd = sd, .mask = mask};
    return tk_sim_run_until(s, events_ready, &w, timeout);
}

uint16_t tk_sim_lport(tk_sim *s, int side, int sd) {
    tk_sockaddr a = tk_sockaddr_in4(0, 0);
    return tk_getsockname(tk_sim_stack(s, side), sd, &a) < 0 ? 0 : a.port;
}

/* Socket calls, each printed with its result as the application saw it. */

int tk_sim_socket_bound(tk_sim *s, int side, uint16_t port) {
    tk_stack *st = tk_sim_stack(s, side);
    int sd = tk_socket(st);
    if (sd < 0 || port == 0)
        return sd;
    tk_sockaddr a = tk_sim_local(s, side, port);
    int rc = tk_bind(st, sd, &a);
    if (rc < 0) {
        char e[32];
        tk_sim_app(s, side, "bind(:%u) = %s", port, tk_sim_errstr(rc, e, sizeof e));
        tk_close(st, sd);
        return rc;
    }
    return sd;
}

int tk_sim_listen(tk_sim *s, int side, uint16_t port, int backlog) {
    int sd = tk_sim_socket_bound(s, side, port);
    if (sd < 0)
        return sd;
    int rc = tk_listen(tk_sim_stack(s, side), sd, backlog);
    char e[32];
    tk_sim_app(s, side, "listen(:%u, backlog %d) = %s", port, backlog,
               tk_sim_errstr(rc, e, sizeof e));
    if (rc < 0) {
        tk_close(tk_sim_stack(s, side), sd);
        return rc;
    }
    tk_simnet_poll(s->net);
    return sd;
}

int tk_sim_connect(tk_sim *s, int side, int sd, uint16_t rport) {
    tk_sockaddr a = tk_sim_peer(s, side, rport);
    int rc = tk_connect(tk_sim_stack(s, side), sd, &a);
    char e[32], ep[64];
    tk_sim_format_sockaddr(ep, sizeof ep, &a);
    tk_sim_app(s, side, "connect(%s) = %s", ep, tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

int tk_sim_accept(tk_sim *s, int side, int lsd, tk_time timeout) {
    tk_sim_wait_events(s, side, lsd, TK_POLLIN, timeout);
    tk_sockaddr peer = tk_sockaddr_in4(0, 0);
    int rc = tk_accept(tk_sim_stack(s, side), lsd, &peer);
    char e[32], ep[64];
    tk_sim_format_sockaddr(ep, sizeof ep, &peer);
    if (rc >= 0)
        tk_sim_app(s, side, "accept() = %d (from %s)", rc, ep);
    else
        tk_sim_app(s, side, "accept() = %s", tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

long tk_sim_send(tk_sim *s, int side, int sd, const void *buf, size_t len) {
    long rc = tk_send(tk_sim_stack(s, side), sd, buf, len);
    char e[32];
    tk_sim_app(s, side, "send(%zu bytes) = %s", len, tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

long tk_sim_recv(tk_sim *s, int side, int sd, void *buf, size_t len) {
    long rc = tk_recv(tk_sim_stack(s, side), sd, buf, len);
    char e[32];
    tk_sim_app(s, side, "recv() = %s%s", tk_sim_errstr(rc, e, sizeof e),
               rc == 0 ? " (peer closed)" : "");
    tk_simnet_poll(s->net);
    return rc;
}

int tk_sim_shutdown(tk_sim *s, int side, int sd, int how) {
    int rc = tk_shutdown(tk_sim_stack(s, side), sd, how);
    static const char *const names[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    char e[32];
    tk_sim_app(s, side, "shutdown(%s) = %s", how >= 0 && how <= 2 ? names[how] : "?",
               tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

int tk_sim_close(tk_sim *s, int side, int sd) {
    int rc = tk_close(tk_sim_stack(s, side), sd);
    char e[32];
    tk_sim_app(s, side, "close() = %s", tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

int tk_sim_setsockopt_int(tk_sim *s, int side, int sd, int level, int name, int value) {
    int rc = tk_setsockopt(tk_sim_stack(s, side), sd, level, name, &value, sizeof value);
    tk_sim_expect(s, rc == 0, "%s setsockopt(%d) = %d", sname(side), name, rc);
    return rc;
}

int tk_sim_so_error(tk_sim *s, int side, int sd) {
    int err = 0;
    size_t len = sizeof err;
    int rc = tk_getsockopt(tk_sim_stack(s, side), sd, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len);
    char e[32];
    tk_sim_app(s, side, "getsockopt(SO_ERROR) = %s", tk_sim_errstr(rc < 0 ? rc : err, e, sizeof e));
    return rc < 0 ? rc : err;
}

bool tk_sim_open_pair(tk_sim *s, uint16_t port, int *lsd, int *asd, int *bsd) {
    *lsd = tk_sim_listen(s, TK_SIM_B, port, 8);
    if (!tk_sim_expect(s, *lsd >= 0, "B listen() failed: %d", *lsd))
        return false;
    *asd = tk_sim_socket_bound(s, TK_SIM_A, 0);
    if (!tk_sim_expect(s, *asd >= 0, "A socket() failed: %d", *asd))
        return false;
    int rc = tk_sim_connect(s, TK_SIM_A, *asd, port);
    if (!tk_sim_expect(s, rc == -EINPROGRESS || rc == 0, "A connect() = %d, want -EINPROGRESS", rc))
        return false;
    bool up = tk_sim_wait_events(s, TK_SIM_A, *asd, TK_POLLOUT | TK_POLLERR, TK_SEC(200));
    if (!tk_sim_expect(s, up && (tk_poll_events(tk_sim_stack(s, TK_SIM_A), *asd) & TK_POLLOUT),
                       "A never became writable (handshake did not complete)"))
        return false;
    *bsd = tk_sim_accept(s, TK_SIM_B, *lsd, TK_SEC(60));
    return tk_sim_expect(s, *bsd >= 0, "B accept() = %d", *bsd);
}

typedef struct xfer {
    tk_sim *s;
    int tx, txsd, rx, rxsd;
    uint64_t len, sent, rcvd;
    bool corrupt, error;
} xfer;

/* Moves as much as the stacks take now; true when everything arrived. */
static bool xfer_pump(void *ctx) {
    xfer *x = ctx;
    uint8_t buf[8192];
    tk_stack *ts = tk_sim_stack(x->s, x->tx), *rs = tk_sim_stack(x->s, x->rx);
    bool moved = false;
    while (x->sent < x->len) {
        size_t n = x->len - x->sent < sizeof buf ? (size_t)(x->len - x->sent) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = tk_sim_pattern(x->sent + i);
        long rc = tk_send(ts, x->txsd, buf, n);
        if (rc <= 0) {
            x->error = rc != -EAGAIN;
            break;
        }
        x->sent += (uint64_t)rc;
        moved = true;
    }
    for (;;) {
        long rc = tk_recv(rs, x->rxsd, buf, sizeof buf);
        if (rc <= 0) {
            x->error |= rc != -EAGAIN;
            break;
        }
        for (long i = 0; i < rc; i++)
            x->corrupt |= buf[i] != tk_sim_pattern(x->rcvd + (uint64_t)i);
        x->rcvd += (uint64_t)rc;
        moved = true;
    }
    if (moved)
        tk_simnet_poll(x->s->net);
    return x->rcvd >= x->len || x->corrupt || x->error;
}

uint64_t tk_sim_transfer(tk_sim *s, int tx, int txsd, int rx, int rxsd, uint64_t len,
                         tk_time timeout) {
    xfer x = {.s = s, .tx = tx, .txsd = txsd, .rx = rx, .rxsd = rxsd, .len = len};
    tk_sim_app(s, tx, "sends %llu bytes to %s", (unsigned long long)len, sname(rx));
    tk_sim_run_until(s, xfer_pump, &x, timeout);
    tk_sim_app(s, rx, "received %llu of %llu bytes%s", (unsigned long long)x.rcvd,
               (unsigned long long)len, x.corrupt ? " (CORRUPTED)" : "");
    tk_sim_expect(s, !x.corrupt, "%s received bytes that differ from what %s sent", sname(rx),
                  sname(tx));
    return x.corrupt ? 0 : x.rcvd;
}

typedef struct drain {
    tk_sim *s;
    int side, sd;
    long last;
    uint64_t total;
} drain;

static bool drain_step(void *ctx) {
    drain *d = ctx;
    uint8_t buf[4096];
    for (;;) {
        long rc = tk_recv(tk_sim_stack(d->s, d->side), d->sd, buf, sizeof buf);
        d->last = rc;
        if (rc <= 0)
            return rc != -EAGAIN;
        d->total += (uint64_t)rc;
    }
}

long tk_sim_recv_until_end(tk_sim *s, int side, int sd, tk_time timeout, uint64_t *total) {
    drain d = {.s = s, .side = side, .sd = sd, .last = -EAGAIN};
    tk_sim_run_until(s, drain_step, &d, timeout);
    tk_simnet_poll(s->net);
    char e[32];
    tk_sim_app(s, side, "recv() = %s%s", tk_sim_errstr(d.last, e, sizeof e),
               d.last == 0 ? " (peer closed)" : "");
    if (total)
        *total = d.total;
    return d.last;
}
