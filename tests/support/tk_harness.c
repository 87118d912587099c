/* Packet-level test harness (see tk_harness.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/trace.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp_md5.h"

static const uint8_t mac_local[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_remote[6] = {0x02, 0, 0, 0, 0, 0x02};

static uint32_t xorshift(uint32_t *st) {
    uint32_t x = *st;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *st = x;
    return x;
}

static void record_event(tkh_event *evs, int *n, const tk_trace_event *ev) {
    if ((ev->kind != TK_TRACE_STATE && ev->kind != TK_TRACE_ERROR) || *n >= TKH_MAX_EVENTS)
        return;
    tkh_event *e = &evs[(*n)++];
    memset(e, 0, sizeof(*e));
    e->kind = (int)ev->kind;
    e->sd = ev->sd;
    e->old_state = ev->old_state;
    e->new_state = ev->new_state;
    e->err = ev->err;
    e->lport = ev->lport;
    e->rport = ev->rport;
    e->at = ev->now;
    if (ev->cause)
        strncpy(e->cause, ev->cause, sizeof(e->cause) - 1);
}

/* ---- single stack ---- */

static int h_output(void *ctx, const uint8_t *frame, size_t len) {
    tkh *h = ctx;
    assert_true(len <= TKH_FRAME_MAX);
    assert_true(h->nframes < TKH_MAX_FRAMES);
    tkh_frame *f = &h->frames[h->nframes++];
    memcpy(f->buf, frame, len);
    f->len = len;
    f->at = h->now;
    return 0;
}

static uint32_t h_random(void *ctx) {
    return xorshift(&((tkh *)ctx)->rng);
}

static void h_trace(void *ctx, const tk_trace_event *ev) {
    tkh *h = ctx;
    record_event(h->events, &h->nevents, ev);
}

void tkh_config(tk_config *cfg) {
    tk_config_default(cfg);
    cfg->addr = TKH_LOCAL_ADDR;
    cfg->netmask = 0xfffe0000u;
    memcpy(cfg->mac, mac_local, 6);
    cfg->max_sockets = 16;
    cfg->max_time_wait = 16;
    cfg->max_syn_backlog = 16;
    /* The packet-exact tests were written for NewReno's windows (DT-9);
     * CUBIC's tests (DT-13) ask for it. */
    cfg->cc_algorithm = TK_CC_ALGO_NEWRENO;
}

void tkh_init(tkh *h, const tk_config *cfg) {
    memset(h, 0, sizeof(*h));
    if (cfg)
        h->cfg = *cfg;
    else
        tkh_config(&h->cfg);
    h->rng = 0x12345678u;
    h->lport = 80;
    h->rport = 40000;
    h->now = TK_SEC(1000);
    h->ts_now = 5000;
    h->frames = calloc(TKH_MAX_FRAMES, sizeof(tkh_frame));
    assert_non_null(h->frames);
    tk_stack_io io = {.output = h_output, .random = h_random, .trace = h_trace, .ctx = h};
    assert_int_equal(tk_stack_create(&h->s, &h->cfg, &io), 0);
    assert_int_equal(tk_stack_add_neighbor(h->s, TKH_REMOTE_ADDR, mac_remote), 0);
}

void tkh_fini(tkh *h) {
    tk_stack_destroy(h->s, h->now);
    free(h->frames);
    h->frames = NULL;
}

static size_t build_frame(uint8_t *buf, size_t cap, uint32_t src, uint32_t dst, const uint8_t *smac,
                          const uint8_t *dmac, uint8_t tos, const tk_tcp_hdr *th, const void *data,
                          size_t len) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dmac, 6);
    memcpy(eh.src, smac, 6);
    eh.type = TK_ETHERTYPE_IPV4;
    assert_int_equal(tk_wire_eth_emit(&eh, buf, cap), TK_ETH_HLEN);
    int n = tk_wire_tcp_emit(th, data, len, src, dst, buf + TK_ETH_HLEN + TK_IPV4_HLEN,
                             cap - TK_ETH_HLEN - TK_IPV4_HLEN);
    assert_true(n > 0);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + (size_t)n);
    ih.tos = tos;
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = src;
    ih.dst = dst;
    assert_int_equal(tk_wire_ipv4_emit(&ih, buf + TK_ETH_HLEN, cap - TK_ETH_HLEN), TK_IPV4_HLEN);
    return TK_ETH_HLEN + TK_IPV4_HLEN + (size_t)n;
}

tk_tcp_hdr tkh_hdr(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                   uint16_t win, const tk_tcp_opts *opts) {
    tk_tcp_hdr th;
    memset(&th, 0, sizeof(th));
    th.sport = sport;
    th.dport = dport;
    th.seq = seq;
    th.ack = ack;
    th.flags = flags;
    th.win = win;
    if (opts)
        th.opts = *opts;
    return th;
}

int tkh_inject_ports(tkh *h, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                     uint32_t ack, uint16_t win, const tk_tcp_opts *opts, const void *data,
                     size_t len) {
    tk_tcp_hdr th = tkh_hdr(sport, dport, flags, seq, ack, win, opts);
    static uint8_t buf[TKH_FRAME_MAX];
    size_t n = build_frame(buf, sizeof(buf), TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, mac_remote, mac_local,
                           h->in_tos, &th, data, len);
    if (h->in_bad_csum) /* the TCP checksum field, damaged */
        buf[TK_ETH_HLEN + TK_IPV4_HLEN + 16] ^= 0x5a;
    return tk_stack_input_rx(h->s, buf, n, h->in_rx_flags, h->now);
}

int tkh_inject(tkh *h, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
               const tk_tcp_opts *opts, const void *data, size_t len) {
    return tkh_inject_ports(h, h->rport, h->lport, flags, seq, ack, win, opts, data, len);
}

int tkh_inject_tcp_bytes(tkh *h, uint8_t *seg, size_t len) {
    static uint8_t buf[TKH_FRAME_MAX];
    assert_true(len + TK_ETH_HLEN + TK_IPV4_HLEN <= sizeof(buf));
    seg[16] = seg[17] = 0;
    uint32_t sum = tk_csum_pseudo(TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, TK_IPPROTO_TCP, (uint16_t)len);
    uint16_t c = tk_csum_finish(tk_csum_add(sum, seg, len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
    tk_eth_hdr eh;
    memcpy(eh.dst, mac_local, 6);
    memcpy(eh.src, mac_remote, 6);
    eh.type = TK_ETHERTYPE_IPV4;
    tk_wire_eth_emit(&eh, buf, sizeof(buf));
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + len);
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = TKH_REMOTE_ADDR;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, buf + TK_ETH_HLEN, sizeof(buf) - TK_ETH_HLEN);
    memcpy(buf + TK_ETH_HLEN + TK_IPV4_HLEN, seg, len);
    return tk_stack_input(h->s, buf, TK_ETH_HLEN + TK_IPV4_HLEN + len, h->now);
}

void tkh_poll(tkh *h) {
    tk_stack_poll(h->s, h->now);
}

void tkh_run_until(tkh *h, tk_time t) {
    for (int guard = 0; guard < 100000; guard++) {
        tk_time d = tk_stack_next_deadline(h->s);
        if (d > t)
            break;
        if (d > h->now)
            h->now = d;
        tk_stack_poll(h->s, h->now);
    }
    h->now = t;
}

int tkh_inject_signed(tkh *h, const char *key, uint8_t flags, uint32_t seq, uint32_t ack,
                      uint16_t win, const tk_tcp_opts *opts, const void *data, size_t len) {
    tk_tcp_hdr th = tkh_hdr(h->rport, h->lport, flags, seq, ack, win, opts);
    th.opts.present |= TK_OPT_MD5;
    static uint8_t seg[TKH_FRAME_MAX];
    int n = tk_wire_tcp_emit(&th, data, len, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, seg, sizeof(seg));
    assert_true(n > 0);
    assert_int_equal(tk_wire_tcp_md5_sign(seg, (size_t)n, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR,
                                          (const uint8_t *)key, strlen(key)),
                     0);
    return tkh_inject_tcp_bytes(h, seg, (size_t)n);
}

int tkh_last_md5(const tkh *h, const char *key) {
    assert_true(h->head > 0);
    const tkh_frame *f = &h->frames[h->head - 1];
    const uint8_t *ip = f->buf + TK_ETH_HLEN;
    tk_ipv4_hdr ih;
    int hl = tk_wire_ipv4_parse(ip, f->len - TK_ETH_HLEN, true, &ih);
    assert_true(hl > 0);
    return tk_wire_tcp_md5_verify(ip + hl, (size_t)ih.total_len - (size_t)hl, ih.src, ih.dst,
                                  (const uint8_t *)key, strlen(key));
}

void tkh_seg_from_frame(const tk_frame_tcp *f, tkh_seg *out) {
    memset(out, 0, offsetof(tkh_seg, data));
    out->sport = f->tcp.sport;
    out->dport = f->tcp.dport;
    out->seq = f->tcp.seq;
    out->ack = f->tcp.ack;
    out->flags = f->tcp.flags;
    out->win = f->tcp.win;
    out->opts = f->tcp.opts;
    out->len = f->payload_len;
    out->tos = f->ip.tos;
    memcpy(out->data, f->payload, out->len);
}

bool tkh_next(tkh *h, tkh_seg *out) {
    while (h->head < h->nframes) {
        tkh_frame *fr = &h->frames[h->head++];
        tk_frame_tcp f;
        int rc = tk_frame_tcp_decode(fr->buf, fr->len, 0, &f);
        if (rc == -ENOENT)
            continue;
        assert_int_equal(rc, 0);
        tkh_seg_from_frame(&f, out);
        out->at = fr->at;
        return true;
    }
    return false;
}

int tkh_pending(const tkh *h) {
    return h->nframes - h->head;
}

void tkh_clear(tkh *h) {
    h->head = h->nframes = 0;
}

const tkh_event *tkh_last_state(const tkh *h) {
    for (int i = h->nevents - 1; i >= 0; i--)
        if (h->events[i].kind == TK_TRACE_STATE)
            return &h->events[i];
    return NULL;
}

int tkh_count_transitions(const tkh *h, int old_state, int new_state) {
    int n = 0;
    for (int i = 0; i < h->nevents; i++)
        if (h->events[i].kind == TK_TRACE_STATE && h->events[i].old_state == old_state &&
            h->events[i].new_state == new_state)
            n++;
    return n;
}

int tkh_listen(tkh *h) {
    int ls = tk_socket(h->s);
    assert_true(ls >= 0);
    tk_sockaddr a = tk_sockaddr_in4(0, h->lport);
    assert_int_equal(tk_bind(h->s, ls, &a), 0);
    assert_int_equal(tk_listen(h->s, ls, 8), 0);
    return ls;
}

int tkh_accept_conn(tkh *h, int ls, uint32_t irs, const tk_tcp_opts *syn_opts, uint32_t *iss) {
    assert_int_equal(tkh_inject(h, TK_TCP_SYN, irs, 0, 65535, syn_opts, NULL, 0), 0);
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
    assert_int_equal(g.ack, irs + 1);
    *iss = g.seq;
    assert_int_equal(tkh_inject(h, TK_TCP_ACK, irs + 1, g.seq + 1, 65535, NULL, NULL, 0), 0);
    int sd = tk_accept(h->s, ls, NULL);
    assert_true(sd >= 0);
    return sd;
}

int tkh_open_passive(tkh *h, uint32_t irs, const tk_tcp_opts *syn_opts, uint32_t *iss) {
    return tkh_accept_conn(h, tkh_listen(h), irs, syn_opts, iss);
}

int tkh_open_active(tkh *h, uint32_t irs, const tk_tcp_opts *synack_opts, uint32_t *iss) {
    int sd = tk_socket(h->s);
    assert_true(sd >= 0);
    tk_sockaddr a = tk_sockaddr_in4(0, h->lport);
    assert_int_equal(tk_bind(h->s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h->rport);
    assert_int_equal(tk_connect(h->s, sd, &r), -EINPROGRESS);
    tkh_poll(h);
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    *iss = g.seq;
    assert_int_equal(
        tkh_inject(h, TK_TCP_SYN | TK_TCP_ACK, irs, g.seq + 1, 65535, synack_opts, NULL, 0), 0);
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags, TK_TCP_ACK);
    assert_int_equal(g.seq, *iss + 1);
    assert_int_equal(g.ack, irs + 1);
    return sd;
}

/* ---- two stacks ---- */

#define TKP_QMAX 1024

static bool chance(tkp *p, uint32_t ppm) {
    return ppm > 0 && xorshift(&p->fault_rng) % 1000000u < ppm;
}

static void enqueue(tkp *p, int to, const uint8_t *frame, size_t len) {
    assert_true(p->nq < TKP_QMAX);
    assert_true(len <= TKH_FRAME_MAX);
    tkh_frame *f = &p->q[p->nq];
    memcpy(f->buf, frame, len);
    f->len = len;
    f->at = p->now + p->latency;
    if (p->jitter > 0)
        f->at += xorshift(&p->fault_rng) % p->jitter;
    if (chance(p, p->corrupt_ppm) && len > 40)
        f->buf[14 + 20 + xorshift(&p->fault_rng) % (len - 34)] ^= 0x5a;
    p->q_to[p->nq] = to;
    p->nq++;
}

static int p_output(void *ctx, const uint8_t *frame, size_t len) {
    tkp_side *sd = ctx;
    tkp *p = sd->p;
    if ((p->filter && !p->filter(p->filter_ctx, sd->idx, frame, len, p->now)) ||
        chance(p, p->loss_ppm)) {
        p->dropped++;
        return 0;
    }
    enqueue(p, 1 - sd->idx, frame, len);
    if (chance(p, p->dup_ppm))
        enqueue(p, 1 - sd->idx, frame, len);
    return 0;
}

static uint32_t p_random(void *ctx) {
    return xorshift(&((tkp_side *)ctx)->p->rng);
}

static void p_trace(void *ctx, const tk_trace_event *ev) {
    tkp_side *sd = ctx;
    record_event(sd->p->events[sd->idx], &sd->p->nevents[sd->idx], ev);
}

void tkp_init(tkp *p, const tk_config *a, const tk_config *b, tk_time latency) {
    memset(p, 0, sizeof(*p));
    tkp_side *sd = p->side;
    p->rng = 0xdeadbeefu;
    p->fault_rng = 0x2545f491u;
    p->latency = latency;
    p->now = TK_SEC(1000);
    p->q = calloc(TKP_QMAX, sizeof(tkh_frame));
    p->q_to = calloc(TKP_QMAX, sizeof(int));
    assert_non_null(p->q);
    for (int i = 0; i < 2; i++) {
        const tk_config *c = i == 0 ? a : b;
        if (c)
            p->cfg[i] = *c;
        else
            tkh_config(&p->cfg[i]);
        p->cfg[i].addr = i == 0 ? TKH_LOCAL_ADDR : TKH_REMOTE_ADDR;
        memcpy(p->cfg[i].mac, i == 0 ? mac_local : mac_remote, 6);
        sd[i].p = p;
        sd[i].idx = i;
        tk_stack_io io = {.output = p_output, .random = p_random, .trace = p_trace, .ctx = &sd[i]};
        assert_int_equal(tk_stack_create(&p->st[i], &p->cfg[i], &io), 0);
    }
    assert_int_equal(tk_stack_add_neighbor(p->st[0], TKH_REMOTE_ADDR, mac_remote), 0);
    assert_int_equal(tk_stack_add_neighbor(p->st[1], TKH_LOCAL_ADDR, mac_local), 0);
}

void tkp_fini(tkp *p) {
    for (int i = 0; i < 2; i++)
        tk_stack_destroy(p->st[i], p->now);
    free(p->q);
    free(p->q_to);
}

static tk_time next_event(const tkp *p, int *frame_idx) {
    tk_time t = TK_TIME_NEVER;
    *frame_idx = -1;
    for (int i = 0; i < p->nq; i++) {
        if (p->q[i].at < t) {
            t = p->q[i].at;
            *frame_idx = i;
        }
    }
    for (int i = 0; i < 2; i++) {
        tk_time d = tk_stack_next_deadline(p->st[i]);
        if (d < t) {
            t = d;
            *frame_idx = -1;
        }
    }
    return t;
}

/* Delivers frame i (keeping the others in send order). */
static void deliver(tkp *p, int i) {
    static tkh_frame f;
    f = p->q[i];
    int to = p->q_to[i];
    memmove(&p->q[i], &p->q[i + 1], sizeof(tkh_frame) * (size_t)(p->nq - i - 1));
    memmove(&p->q_to[i], &p->q_to[i + 1], sizeof(int) * (size_t)(p->nq - i - 1));
    p->nq--;
    p->delivered++;
    (void)tk_stack_input(p->st[to], f.buf, f.len, p->now);
}

void tkp_run_until(tkp *p, tk_time t) {
    for (long guard = 0; guard < 10000000; guard++) {
        int fi;
        tk_time e = next_event(p, &fi);
        if (e > t)
            break;
        if (e > p->now)
            p->now = e;
        if (fi >= 0)
            deliver(p, fi);
        for (int i = 0; i < 2; i++)
            tk_stack_poll(p->st[i], p->now);
    }
    if (t != TK_TIME_NEVER && t > p->now)
        p->now = t;
}

void tkp_settle(tkp *p, tk_time limit) {
    tkp_run_until(p, p->now + limit);
}
