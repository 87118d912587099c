/* `tcpkit sim random`: one seeded whole-connection run through a faulty link
 * (SPEC DT-1, DT-7, DT-10). Every parameter derives from the seed unless an
 * option sets it, so `tcpkit sim random --seed N` replays a run exactly:
 * loss 0-20 %, duplication, reordering, corruption, outages, transfer sizes
 * both ways (0 included), ISNs just below 2^32, and the order of closing.
 * The run passes when each stream's SHA-256 is the same at both ends, both
 * ends reach CLOSED and neither stack holds a connection afterwards. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/sha256.h"
#include "sim_random.h"
#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/zerocopy.h"

/* Per stack: a listener and one connection need no more. */
#define TK_SIM_RANDOM_MAX_SOCKETS 4

static uint64_t mix(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *x, uint64_t n) {
    return n ? mix(x) % n : 0;
}

static uint64_t pick_size(uint64_t *x) {
    static const uint64_t cap[4] = {0, 1500, 20000, 150000};
    uint64_t kind = below(x, 4);
    return kind == 0 ? 0 : 1 + below(x, cap[kind]);
}

void tk_sim_random_derive(tk_sim_random_params *p, const tk_sim_opts *o) {
    uint64_t x = o->seed ^ 0x6a09e667f3bcc909u;
    memset(p, 0, sizeof *p);
    p->seed = o->seed;
    p->loss_ppm = (uint32_t)below(&x, 200001);
    p->dup_ppm = (uint32_t)below(&x, 50001);
    p->reorder_ppm = (uint32_t)below(&x, 50001);
    p->corrupt_ppm = (uint32_t)below(&x, 20001);
    p->outages = (uint32_t)(below(&x, 3) == 0 ? 1 + below(&x, 2) : 0);
    p->bytes_ab = pick_size(&x);
    p->bytes_ba = pick_size(&x);
    p->close_order = (int)below(&x, 3);
    p->isn_high = below(&x, 2) == 1;
    p->isn_a = 0xffffffffu - (uint32_t)below(&x, 100000);
    p->isn_b = 0xffffffffu - (uint32_t)below(&x, 100000);
    /* From a stream of its own, so the other choices of a seed stay. */
    uint64_t y = o->seed ^ 0xbb67ae8584caa73bu;
    p->pool_chunks = below(&y, 4) == 0 ? 48 + (uint32_t)below(&y, 97) : 0;
    p->zerocopy = below(&y, 2) == 1;
    for (uint32_t i = 0; i < TK_SIM_RANDOM_MAX_OUTAGES; i++) {
        p->outage_from[i] = TK_MS(200) + below(&x, TK_SEC(8)) + i * TK_SEC(10);
        p->outage_len[i] = TK_MS(500) + below(&x, TK_MS(4500));
    }
    if (o->loss_ppm >= 0)
        p->loss_ppm = (uint32_t)o->loss_ppm;
    if (o->dup_ppm >= 0)
        p->dup_ppm = (uint32_t)o->dup_ppm;
    if (o->reorder_ppm >= 0)
        p->reorder_ppm = (uint32_t)o->reorder_ppm;
    if (o->corrupt_ppm >= 0)
        p->corrupt_ppm = (uint32_t)o->corrupt_ppm;
    if (o->outages >= 0)
        p->outages = (uint32_t)o->outages;
    if (p->outages > TK_SIM_RANDOM_MAX_OUTAGES)
        p->outages = TK_SIM_RANDOM_MAX_OUTAGES;
    if (o->bytes >= 0)
        p->bytes_ab = (uint64_t)o->bytes;
    if (o->bytes_back >= 0)
        p->bytes_ba = (uint64_t)o->bytes_back;
    if (o->close_order >= 0)
        p->close_order = o->close_order;
    if (o->isn_high >= 0)
        p->isn_high = o->isn_high == 1;
    if (o->pool_chunks >= 0)
        p->pool_chunks = (uint32_t)o->pool_chunks;
    if (o->zerocopy >= 0)
        p->zerocopy = o->zerocopy == 1;
}

void tk_sim_random_cmdline(const tk_sim_random_params *p, char *buf, size_t cap) {
    static const char *const order[] = {"a", "b", "both"};
    snprintf(buf, cap,
             "tcpkit sim random --seed %llu --loss %u.%04u --dup %u.%04u --reorder %u.%04u "
             "--corrupt %u.%04u --outages %u --bytes %llu --bytes-back %llu --close-order %s "
             "--isn-high %d --pool-chunks %u --zerocopy %d",
             (unsigned long long)p->seed, p->loss_ppm / 10000, p->loss_ppm % 10000,
             p->dup_ppm / 10000, p->dup_ppm % 10000, p->reorder_ppm / 10000, p->reorder_ppm % 10000,
             p->corrupt_ppm / 10000, p->corrupt_ppm % 10000, p->outages,
             (unsigned long long)p->bytes_ab, (unsigned long long)p->bytes_ba,
             order[p->close_order % 3], p->isn_high ? 1 : 0, p->pool_chunks, p->zerocopy ? 1 : 0);
}

void tk_sim_cf_random(tk_simnet_opts *no, const tk_sim_opts *o) {
    tk_sim_random_params p;
    tk_sim_random_derive(&p, o);
    no->link.loss_ppm = p.loss_ppm;
    no->link.dup_ppm = p.dup_ppm;
    no->link.reorder_ppm = p.reorder_ppm;
    no->link.corrupt_ppm = p.corrupt_ppm;
    no->link.jitter = TK_MS(2);
    no->link.reorder_delay = TK_MS(15);
    no->link_capacity = 256;
    for (int i = 0; i < 2; i++) {
        /* Enough SYN retries that 20 % loss cannot make connect() time out
         * by bad luck: that would be a correct outcome, not a bug. */
        no->cfg[i].syn_retries = 12;
        no->cfg[i].synack_retries = 12;
        no->cfg[i].isn_fixed = p.isn_high;
        /* A listener and one connection: small pools keep a seed cheap. */
        no->cfg[i].max_sockets = TK_SIM_RANDOM_MAX_SOCKETS;
        no->cfg[i].max_time_wait = 4;
        no->cfg[i].max_syn_backlog = 4;
        if (p.pool_chunks > 0) {
            no->cfg[i].buf_chunk_size = 128;
            no->cfg[i].buf_pool_bytes = 128u * (uint64_t)p.pool_chunks;
        }
    }
    no->cfg[TK_SIM_A].isn_value = p.isn_a;
    no->cfg[TK_SIM_B].isn_value = p.isn_b;
}

typedef struct endpoint {
    int side, sd;
    uint64_t to_send, sent, rcvd;
    uint64_t key; /* of the stream this side sends */
    tk_sha256 tx, rx;
    bool connected, shut, eof, closed;
    long err;
} endpoint;

typedef struct run {
    tk_sim *s;
    const tk_sim_random_params *p;
    endpoint ep[2];
    int lsd;
} run;

/* Byte i of a stream: 8 bytes per mixed 64-bit word, addressable anywhere. */
static void stream_fill(uint64_t key, uint64_t off, uint8_t *buf, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = off + i, x = key + (pos >> 3);
        buf[i] = (uint8_t)(mix(&x) >> ((pos & 7) * 8));
    }
}

static bool may_shut(const run *r, const endpoint *e) {
    int first = r->p->close_order;
    return e->sent == e->to_send && (first == 2 || first == e->side || e->eof);
}

/* Queues up to 4 KiB of the stream through the copy call or, zero copy,
 * written straight into reserved send-buffer spans; bytes or an error. */
static long send_some(endpoint *e, tk_stack *st, bool zerocopy) {
    size_t n = e->to_send - e->sent < 4096u ? (size_t)(e->to_send - e->sent) : 4096u;
    if (!zerocopy) {
        uint8_t buf[4096];
        stream_fill(e->key, e->sent, buf, n);
        long rc = tk_send(st, e->sd, buf, n);
        if (rc > 0)
            tk_sha256_update(&e->tx, buf, (size_t)rc);
        return rc;
    }
    tk_iov iov[4];
    int k = tk_send_reserve(st, e->sd, n, iov, 4);
    if (k <= 0)
        return k;
    size_t at = 0;
    for (int i = 0; i < k; i++) {
        stream_fill(e->key, e->sent + at, iov[i].base, iov[i].len);
        tk_sha256_update(&e->tx, iov[i].base, iov[i].len);
        at += iov[i].len;
    }
    return tk_send_commit(st, e->sd, at);
}

static bool pump_send(endpoint *e, tk_stack *st, bool zerocopy) {
    bool moved = false;
    while (e->sent < e->to_send) {
        long rc = send_some(e, st, zerocopy);
        if (rc <= 0) {
            if (rc != -EAGAIN && !e->err)
                e->err = rc ? rc : -EIO;
            break;
        }
        e->sent += (uint64_t)rc;
        moved = true;
    }
    return moved;
}

/* Reads what is there through the copy call or, zero copy, in place; the
 * bytes, 0 at the end of the stream, or an error. */
static long recv_some(endpoint *e, tk_stack *st, bool zerocopy) {
    if (!zerocopy) {
        uint8_t buf[4096];
        long rc = tk_recv(st, e->sd, buf, sizeof buf);
        if (rc > 0)
            tk_sha256_update(&e->rx, buf, (size_t)rc);
        return rc;
    }
    tk_iov iov[4];
    int k = tk_recv_peek(st, e->sd, iov, 4);
    if (k <= 0)
        return k;
    size_t at = 0;
    for (int i = 0; i < k; i++) {
        tk_sha256_update(&e->rx, iov[i].base, iov[i].len);
        at += iov[i].len;
    }
    return tk_recv_consume(st, e->sd, at);
}

static bool pump_recv(endpoint *e, tk_stack *st, bool zerocopy) {
    bool moved = false;
    while (!e->eof) {
        long rc = recv_some(e, st, zerocopy);
        if (rc == -EAGAIN)
            break;
        moved = true;
        if (rc < 0) {
            if (!e->err)
                e->err = rc;
            break;
        }
        if (rc == 0)
            e->eof = true;
        e->rcvd += (uint64_t)rc;
    }
    return moved;
}

/* One endpoint's application: send, read, shut down, close. */
static bool pump_endpoint(run *r, endpoint *e) {
    tk_stack *st = tk_sim_stack(r->s, e->side);
    if (e->sd < 0 || e->closed)
        return false;
    if (!e->connected) {
        int ev = tk_poll_events(st, e->sd);
        if (ev < 0 || (ev & TK_POLLERR)) {
            e->err = ev < 0 ? ev : -ECONNABORTED;
            return false;
        }
        if (!(ev & TK_POLLOUT))
            return false;
        e->connected = true;
    }
    bool moved = pump_send(e, st, r->p->zerocopy);
    moved |= pump_recv(e, st, r->p->zerocopy);
    if (e->err) {
        tk_close(st, e->sd);
        e->closed = true;
        return true;
    }
    if (!e->shut && may_shut(r, e)) {
        tk_shutdown(st, e->sd, TK_SHUT_WR);
        e->shut = moved = true;
    }
    if (e->shut && e->eof) {
        tk_close(st, e->sd);
        e->closed = moved = true;
    }
    return moved;
}

static bool run_done(void *ctx) {
    run *r = ctx;
    bool moved = false;
    if (r->ep[TK_SIM_B].sd < 0 && r->lsd >= 0) {
        tk_sockaddr peer;
        int sd = tk_accept(tk_sim_stack(r->s, TK_SIM_B), r->lsd, &peer);
        if (sd >= 0) {
            r->ep[TK_SIM_B].sd = sd;
            r->ep[TK_SIM_B].connected = true;
            tk_close(tk_sim_stack(r->s, TK_SIM_B), r->lsd);
            r->lsd = -1;
            moved = true;
        }
    }
    moved |= pump_endpoint(r, &r->ep[TK_SIM_A]);
    moved |= pump_endpoint(r, &r->ep[TK_SIM_B]);
    if (moved)
        tk_simnet_poll(r->s->net);
    if (r->ep[TK_SIM_A].err || r->ep[TK_SIM_B].err || tk_simnet_stalled(r->s->net))
        return true;
    return r->ep[0].closed && r->ep[1].closed &&
           tk_stack_conn_table(tk_sim_stack(r->s, TK_SIM_A), NULL, 0) == 0 &&
           tk_stack_conn_table(tk_sim_stack(r->s, TK_SIM_B), NULL, 0) == 0;
}

static void check_stream(tk_sim *s, const char *name, endpoint *tx, endpoint *rx) {
    uint8_t dt[TK_SHA256_LEN], dr[TK_SHA256_LEN];
    char ht[2 * TK_SHA256_LEN + 1], hr[2 * TK_SHA256_LEN + 1];
    tk_sha256_final(&tx->tx, dt);
    tk_sha256_final(&rx->rx, dr);
    tk_sha256_hex(dt, ht);
    tk_sha256_hex(dr, hr);
    tk_sim_note(s, "%s: %llu bytes sent, %llu received, sha256 %.16s / %.16s", name,
                (unsigned long long)tx->sent, (unsigned long long)rx->rcvd, ht, hr);
    tk_sim_expect(s, tx->sent == tx->to_send, "%s: only %llu of %llu bytes were sent", name,
                  (unsigned long long)tx->sent, (unsigned long long)tx->to_send);
    tk_sim_expect(s, rx->rcvd == tx->sent && !memcmp(dt, dr, sizeof dt),
                  "%s: stream differs (%llu bytes sent, %llu received, sha256 %s vs %s)", name,
                  (unsigned long long)tx->sent, (unsigned long long)rx->rcvd, ht, hr);
}

/* A socket error is the most telling failure: it comes first. */
static void check_errors(tk_sim *s, const run *r) {
    char e[32];
    for (int i = 0; i < 2; i++)
        tk_sim_expect(s, r->ep[i].err == 0, "%s's application got %s", i ? "B" : "A",
                      tk_sim_errstr(r->ep[i].err, e, sizeof e));
}

/* The socket pool is back to empty when every one of its max_sockets
 * entries can be taken again, and no more. */
static void check_socket_pool(tk_sim *s, int side) {
    tk_stack *st = tk_sim_stack(s, side);
    uint32_t cap = s->cfg[side].max_sockets, got = 0;
    int sd[TK_SIM_RANDOM_MAX_SOCKETS + 1];
    while (got <= cap && got <= TK_SIM_RANDOM_MAX_SOCKETS && (sd[got] = tk_socket(st)) >= 0)
        got++;
    tk_sim_expect(s, got == cap, "%s could take %u of its %u sockets afterwards", side ? "B" : "A",
                  got, cap);
    while (got > 0)
        tk_close(st, sd[--got]);
}

static void check_end(tk_sim *s, uint16_t aport) {
    tk_sim_expect(s, !tk_simnet_stalled(s->net), "the simulation stalled (a deadline in the past)");
    tk_sim_expect(s, tk_sim_state(s, TK_SIM_A, aport, TK_SIM_PORT) == TK_TCP_CLOSED,
                  "A's connection ended in %s, not CLOSED",
                  tk_tcp_state_name(tk_sim_state(s, TK_SIM_A, aport, TK_SIM_PORT)));
    tk_sim_expect(s, tk_sim_state(s, TK_SIM_B, TK_SIM_PORT, aport) == TK_TCP_CLOSED,
                  "B's connection ended in %s, not CLOSED",
                  tk_tcp_state_name(tk_sim_state(s, TK_SIM_B, TK_SIM_PORT, aport)));
    for (int i = 0; i < 2; i++) {
        tk_stack *st = tk_sim_stack(s, i);
        tk_sim_expect(s, tk_stack_conn_table(st, NULL, 0) == 0, "%s still holds %d connections",
                      i ? "B" : "A", tk_stack_conn_table(st, NULL, 0));
        for (int state = TK_TCP_LISTEN; state < TK_TCP_NSTATES; state++)
            tk_sim_expect(s, tk_stack_state_count(st, state) == 0, "%s still counts %u in %s",
                          i ? "B" : "A", tk_stack_state_count(st, state), tk_tcp_state_name(state));
        check_socket_pool(s, i);
        tk_buf_usage u;
        tk_stack_buffers(st, &u);
        tk_sim_expect(s, u.used == 0 && u.reserved == 0,
                      "%s's buffer pool still has %u chunks in use and %u reserved", i ? "B" : "A",
                      u.used, u.reserved);
    }
}

void tk_sim_sc_random(tk_sim *s) {
    tk_sim_random_params p;
    tk_sim_random_derive(&p, s->opts);
    char cmd[400];
    tk_sim_random_cmdline(&p, cmd, sizeof cmd);
    tk_sim_note(s, "replay: %s", cmd);
    for (uint32_t i = 0; i < p.outages; i++)
        tk_simlink_add_outage(tk_simnet_link(s->net), -1, p.outage_from[i],
                              p.outage_from[i] + p.outage_len[i]);
    run r = {.s = s, .p = &p, .lsd = -1};
    for (int i = 0; i < 2; i++) {
        r.ep[i].side = i;
        r.ep[i].sd = -1;
        r.ep[i].key = p.seed * 0x100000001b3u + (uint64_t)i + 1;
        tk_sha256_init(&r.ep[i].tx);
        tk_sha256_init(&r.ep[i].rx);
    }
    r.ep[TK_SIM_A].to_send = p.bytes_ab;
    r.ep[TK_SIM_B].to_send = p.bytes_ba;
    r.lsd = tk_sim_listen(s, TK_SIM_B, TK_SIM_PORT, 1);
    if (!tk_sim_expect(s, r.lsd >= 0, "B listen() = %d", r.lsd))
        return;
    r.ep[TK_SIM_A].sd = tk_sim_socket_bound(s, TK_SIM_A, 0);
    int rc = tk_sim_connect(s, TK_SIM_A, r.ep[TK_SIM_A].sd, TK_SIM_PORT);
    if (!tk_sim_expect(s, rc == -EINPROGRESS, "A connect() = %d", rc))
        return;
    uint16_t aport = tk_sim_lport(s, TK_SIM_A, r.ep[TK_SIM_A].sd);
    bool done = tk_sim_run_until(s, run_done, &r, TK_SEC(3600));
    tk_sim_expect(s, done, "the run did not finish within 3600 s of virtual time");
    check_errors(s, &r);
    check_stream(s, "A->B", &r.ep[TK_SIM_A], &r.ep[TK_SIM_B]);
    check_stream(s, "B->A", &r.ep[TK_SIM_B], &r.ep[TK_SIM_A]);
    check_end(s, aport);
}

bool tk_sim_random_seed(uint64_t seed, char *why, size_t cap) {
    return tk_sim_random_seed_caps(seed, 0, false, why, cap);
}

bool tk_sim_random_seed_caps(uint64_t seed, uint32_t link_caps, bool ipv6, char *why, size_t cap) {
    tk_sim_opts o;
    tk_sim_opts_init(&o);
    o.seed = seed;
    o.quiet = true;
    o.ipv6 = ipv6;
    tk_simnet_opts no;
    tk_simnet_opts_default(&no, seed);
    tk_sim_cf_random(&no, &o);
    for (int i = 0; i < 2; i++) /* NET-7: the link segments what the stacks hand it */
        no.cfg[i].link_caps = link_caps;
    tk_sim s;
    int rc = tk_sim_init(&s, &o, &no);
    if (rc < 0) {
        snprintf(why, cap, "cannot start the simulation: %d", rc);
        return false;
    }
    tk_sim_sc_random(&s);
    bool ok = !tk_sim_failed(&s);
    if (!ok)
        snprintf(why, cap, "%s", s.failure);
    tk_sim_fini(&s);
    return ok;
}
