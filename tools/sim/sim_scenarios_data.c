/* Data-transfer and timer stories (SPEC DT-*, TM-1): an unplugged cable, a
 * zero window, a lossy link, keepalive against dead and live peers. */
#include <errno.h>
#include <stdio.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

static uint64_t opt_bytes(const tk_sim *s, uint64_t dflt) {
    return s->opts->bytes >= 0 ? (uint64_t)s->opts->bytes : dflt;
}

/* The cable is pulled for 5 s in the middle of a transfer: the connection
 * stays ESTABLISHED and retransmission completes the transfer. */
void tk_sim_sc_cable_unplug(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_time t = tk_sim_now(s) + TK_MS(100);
    tk_simlink_add_outage(tk_simnet_link(s->net), -1, t, t + TK_SEC(5));
    tk_sim_note(s, "the cable will be unplugged from +100 ms for 5 s");
    uint64_t n = opt_bytes(s, 300000);
    uint64_t got = tk_sim_transfer(s, A, a, B, b, n, TK_SEC(120));
    tk_sim_expect(s, got == n, "B received %llu of %llu bytes", (unsigned long long)got,
                  (unsigned long long)n);
    tk_sim_expect(s, tk_sim_now(s) > t + TK_SEC(5), "the transfer ended before the outage did");
    const tk_sim_conn *ca = tk_sim_conn_find(s, A, ap, TK_SIM_PORT);
    const tk_sim_conn *cb = tk_sim_conn_find(s, B, TK_SIM_PORT, ap);
    tk_sim_expect(s, ca && cb && ca->state == TK_TCP_ESTABLISHED && cb->state == TK_TCP_ESTABLISHED,
                  "the connection did not stay ESTABLISHED");
    uint64_t rtx = tk_stack_stats(tk_sim_stack(s, A))->retransmits;
    tk_sim_note(s, "A retransmitted %llu segments", (unsigned long long)rtx);
    tk_sim_expect(s, rtx > 0, "A never retransmitted");
}

static bool keepalive_on(tk_sim *s, int a) {
    int rc = tk_sim_setsockopt_int(s, A, a, TK_SOL_SOCKET, TK_SO_KEEPALIVE, 1);
    tk_sim_app(s, A, "setsockopt(SO_KEEPALIVE, 1) = %d", rc);
    return rc == 0;
}

/* Counts A's keepalive probes from `mark` on: empty (or one garbage byte)
 * segments whose sequence number is SND.NXT - 1. */
static uint32_t count_probes(const tk_sim *s, uint32_t mark, uint32_t snd_nxt) {
    uint32_t n = 0;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A && g->len <= 1 && g->seq == snd_nxt - 1)
            n++;
    }
    return n;
}

/* The peer vanishes (cable cut for good): after idle + probes x interval
 * of silence the connection fails with ETIMEDOUT. */
void tk_sim_sc_keepalive_dead_peer(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b) || !keepalive_on(s, a))
        return;
    tk_sim_send(s, A, a, "ping", 4);
    tk_sim_run_for(s, TK_SEC(1));
    uint32_t mark = s->nsegs;
    const tk_sim_seg *last = tk_sim_seg_at(s, mark - 1);
    uint32_t snd_nxt = 0;
    for (uint32_t i = 0; i < mark; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A)
            snd_nxt = g->seq + g->len;
    }
    /* Idle time counts from the last segment A received. */
    tk_simlink_params lp;
    tk_simlink_get_params(tk_simnet_link(s->net), TK_SIMLINK_BA, &lp);
    tk_time idle_from = last && last->side == B ? last->t + lp.delay : tk_sim_now(s);
    const tk_config *c = &s->cfg[A];
    tk_time want = c->keepalive_idle + c->keepalive_probes * c->keepalive_intvl;
    tk_sim_note(s, "the cable is cut; keepalive gives up after %llu s + %u x %llu s",
                (unsigned long long)(c->keepalive_idle / TK_SEC(1)), c->keepalive_probes,
                (unsigned long long)(c->keepalive_intvl / TK_SEC(1)));
    tk_simlink_add_outage(tk_simnet_link(s->net), -1, tk_sim_now(s), TK_TIME_NEVER - 1);
    tk_sim_wait_events(s, A, a, TK_POLLERR, want + TK_SEC(600));
    tk_time gone = tk_sim_now(s);
    int err = tk_sim_so_error(s, A, a);
    tk_sim_expect(s, err == -ETIMEDOUT, "A's error is %d, want -ETIMEDOUT", err);
    uint32_t probes = count_probes(s, mark, snd_nxt);
    tk_sim_note(s,
                "A sent %u probes with SEQ = SND.NXT - 1; it gave up %llu s after the last "
                "activity",
                probes, (unsigned long long)((gone - idle_from) / TK_SEC(1)));
    tk_sim_expect(s, probes == c->keepalive_probes, "A sent %u probes, want %u", probes,
                  c->keepalive_probes);
    tk_sim_expect(s, gone - idle_from == want,
                  "A gave up %llu us after the last activity, want %llu",
                  (unsigned long long)(gone - idle_from), (unsigned long long)want);
}

/* The peer answers every probe: the connection lives on. */
void tk_sim_sc_keepalive_alive(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b) || !keepalive_on(s, a))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    uint32_t mark = s->nsegs;
    const tk_config *c = &s->cfg[A];
    tk_time span = 3 * c->keepalive_idle + TK_SEC(60);
    tk_sim_note(s, "idle for %llu s of virtual time", (unsigned long long)(span / TK_SEC(1)));
    tk_sim_run_for(s, span);
    uint32_t probes = tk_sim_count_segs(s, mark, A, TK_TCP_ACK);
    uint32_t answers = tk_sim_count_segs(s, mark, B, TK_TCP_ACK);
    tk_sim_note(s, "A sent %u probes, B answered %u", probes, answers);
    tk_sim_expect(s, probes == 3 && answers == 3, "%u probes and %u answers, want 3 and 3", probes,
                  answers);
    tk_sim_expect(s, tk_sim_state(s, A, ap, TK_SIM_PORT) == TK_TCP_ESTABLISHED,
                  "A's connection did not stay ESTABLISHED");
    tk_sim_expect(s, tk_sim_transfer(s, A, a, B, b, 10, TK_SEC(5)) == 10,
                  "data did not flow after hours of keepalive");
}

/* B stops reading: its window closes, A probes it with a backing-off
 * persist timer, and the transfer completes once B reads again. */
void tk_sim_sc_zero_window(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint64_t n = opt_bytes(s, 3 * (uint64_t)s->cfg[B].rcvbuf);
    static uint8_t buf[65536];
    uint64_t queued = 0;
    for (int i = 0; i < 64 && queued < n; i++) {
        for (size_t k = 0; k < sizeof buf; k++)
            buf[k] = tk_sim_pattern(queued + k);
        size_t len = n - queued < sizeof buf ? (size_t)(n - queued) : sizeof buf;
        long rc = tk_send(tk_sim_stack(s, A), a, buf, len);
        if (rc <= 0)
            break;
        queued += (uint64_t)rc;
        tk_simnet_poll(s->net);
        tk_sim_run_for(s, TK_MS(100));
    }
    tk_sim_app(s, A, "queued %llu bytes; B does not read", (unsigned long long)queued);
    uint32_t mark = s->nsegs;
    tk_sim_run_for(s, TK_SEC(60));
    uint32_t zero = 0;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        zero += g && g->side == B && g->win == 0;
    }
    uint64_t probes = tk_stack_stats(tk_sim_stack(s, A))->persist_probes;
    tk_sim_note(s, "B advertised a zero window %u times; A sent %llu window probes", zero,
                (unsigned long long)probes);
    tk_sim_expect(s, probes >= 3, "A sent %llu window probes in 60 s, want at least 3",
                  (unsigned long long)probes);
    tk_sim_expect(s, tk_sim_state(s, A, tk_sim_lport(s, A, a), TK_SIM_PORT) == TK_TCP_ESTABLISHED,
                  "the connection did not survive the zero window");
    /* B reads again: everything queued must arrive intact. */
    uint64_t got = 0;
    bool bad = false;
    for (int round = 0; round < 600 && got < queued; round++) {
        long rc;
        while ((rc = tk_recv(tk_sim_stack(s, B), b, buf, sizeof buf)) > 0) {
            for (long k = 0; k < rc; k++)
                bad |= buf[k] != tk_sim_pattern(got + (uint64_t)k);
            got += (uint64_t)rc;
        }
        tk_simnet_poll(s->net);
        tk_sim_run_for(s, TK_MS(100));
    }
    tk_sim_app(s, B, "read %llu bytes", (unsigned long long)got);
    tk_sim_expect(s, got == queued && !bad, "B read %llu of %llu bytes%s", (unsigned long long)got,
                  (unsigned long long)queued, bad ? " (corrupted)" : "");
}

/* The DT-9 stories whose captures and pictures are recorded (tests/analyze,
 * tests/pictures) run NewReno; --cc changes it. */
void tk_sim_cf_newreno(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->cfg[0].cc_algorithm = no->cfg[1].cc_algorithm = TK_CC_ALGO_NEWRENO;
}

void tk_sim_cf_lossy(tk_simnet_opts *no, const tk_sim_opts *o) {
    tk_sim_cf_newreno(no, o);
    if (o->loss_ppm < 0)
        no->link.loss_ppm = 20000; /* 2 % */
    no->link.reorder_ppm = 10000;
    no->link.reorder_delay = TK_MS(5);
    no->link.bandwidth_bps = 10000000;
    no->link.queue_limit = 64;
}

/* A transfer through a 10 Mbit/s link with 2 % loss and some reordering:
 * the stream arrives intact, with fast retransmits and RTO recovery. */
void tk_sim_sc_lossy_transfer(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint64_t n = opt_bytes(s, 1000000);
    tk_time start = tk_sim_now(s);
    uint64_t got = tk_sim_transfer(s, A, a, B, b, n, TK_SEC(600));
    tk_time dt = tk_sim_now(s) - start;
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    tk_simlink_stats ls;
    tk_simlink_get_stats(tk_simnet_link(s->net), TK_SIMLINK_AB, &ls);
    tk_sim_note(s,
                "%llu bytes in %llu ms of virtual time; link lost %llu frames; A retransmitted "
                "%llu (fast %llu, timeouts %llu)",
                (unsigned long long)got, (unsigned long long)(dt / 1000u),
                (unsigned long long)ls.lost, (unsigned long long)st->retransmits,
                (unsigned long long)st->fast_retransmits, (unsigned long long)st->rto_timeouts);
    tk_sim_expect(s, got == n, "B received %llu of %llu bytes", (unsigned long long)got,
                  (unsigned long long)n);
    if (ls.lost > 0)
        tk_sim_expect(s, st->fast_retransmits > 0, "no fast retransmit despite %llu lost frames",
                      (unsigned long long)ls.lost);
}
