/* RACK-TLP loss detection (SPEC DT-12, RFC 8985), PRR (DT-14, RFC 6937)
 * and the undo of spurious reductions (DT-15: D-SACK, F-RTO RFC 5682,
 * Eifel RFC 3522 / RFC 4015). The stack opens actively to a scripted peer
 * with MSS 1000 and SACK; the handshake takes 100 ms, and every data round
 * is acknowledged 100 ms after it left, so SRTT is 100 ms, RTTVAR 37.5 ms
 * (RTO 250 ms) and RACK's min_RTT 100 ms: the reordering window is 25 ms
 * and the probe timeout 2 SRTT = 200 ms. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "socket/fd.h"
#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcp/rack.h"
#include "tcpkit/tcp_info.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)
#define RTT TK_MS(100)

static uint8_t zeros[70000];

typedef struct conn {
    tkh h;
    int sd;
    bool ts;
    uint32_t una; /* SND.UNA as the peer acknowledged it */
} conn;

static tk_tcp_opts peer_opts(const conn *c, const tkh_seg *ours) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    if (c->ts && ours != NULL) {
        o.present = TK_OPT_TS;
        o.ts_val = 1000;
        o.ts_ecr = ours->opts.ts_val;
    }
    return o;
}

/* Active open, the SYN-ACK 100 ms after the SYN. */
static void open_conn(conn *c, bool ts) {
    memset(c, 0, sizeof *c);
    c->ts = ts;
    tk_config cfg;
    tkh_config(&cfg);
    tkh_init_fixed(&c->h, &cfg, ISS);
    c->sd = tk_socket(c->h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, c->h.lport),
                r = tk_sockaddr_in4(TKH_REMOTE_ADDR, c->h.rport);
    assert_int_equal(tk_bind(c->h.s, c->sd, &a), 0);
    assert_int_equal(tk_connect(c->h.s, c->sd, &r), -EINPROGRESS);
    tkh_poll(&c->h);
    tkh_seg syn;
    assert_true(tkh_next(&c->h, &syn));
    tkh_run_until(&c->h, c->h.now + RTT);
    /* 1000 bytes of payload per segment, with or without timestamps */
    tk_tcp_opts o =
        tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM | (ts ? TK_OPT_TS : 0), ts ? 1012 : 1000);
    o.ts_val = 1000;
    o.ts_ecr = syn.opts.ts_val;
    tkh_inject(&c->h, TK_TCP_SYN | TK_TCP_ACK, IRS, S1, 65535, &o, NULL, 0);
    tkh_clear(&c->h);
    c->una = S1;
}

/* The peer acknowledges up to `ack`, with SACK blocks edges[0..2n). */
static void ack(conn *c, uint32_t to, uint16_t win, uint32_t n, const uint32_t *edges) {
    tk_tcp_opts o = peer_opts(c, NULL);
    if (c->ts) {
        o.present = TK_OPT_TS;
        o.ts_val = 1000;
        o.ts_ecr = (uint32_t)(c->h.now / 1000u) - 100u; /* what left one RTT ago */
    }
    if (n > 0) {
        o.present |= TK_OPT_SACK;
        o.sack_count = (uint8_t)n;
        for (uint32_t i = 0; i < n; i++) {
            o.sack[i].left = edges[2 * i];
            o.sack[i].right = edges[2 * i + 1];
        }
    }
    tkh_inject(&c->h, TK_TCP_ACK, R1, to, win, &o, NULL, 0);
    c->una = to;
}

/* One round: `bytes` sent now, each segment acknowledged on its own one
 * RTT later (slow start: +1 SMSS per ACK). */
static void warm(conn *c, uint32_t bytes) {
    tk_send(c->h.s, c->sd, zeros, bytes);
    tkh_poll(&c->h);
    tkh_clear(&c->h);
    tkh_run_until(&c->h, c->h.now + RTT);
    uint32_t start = c->una;
    for (uint32_t off = 1000; off <= bytes; off += 1000)
        ack(c, start + off, 65535, 0, NULL);
    tkh_clear(&c->h);
}

static tk_conn_info info(conn *c) {
    tk_conn_info ci[4];
    int n = (int)tk_stack_conn_table(c->h.s, ci, 4);
    for (int i = 0; i < n; i++)
        if (ci[i].sd == c->sd)
            return ci[i];
    fail();
    return ci[0];
}

static tk_tcp_info tcpinfo(conn *c) {
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(c->h.s, c->sd, &ti), 0);
    return ti;
}

/* DT-12 (RFC 8985 6.2): one segment SACKed above a hole is not enough for a
 * loss: the hole waits for the reordering window, min_RTT / 4 = 25 ms, and
 * the reordering timer resends it exactly RACK.rtt + 25 ms after it was sent
 * (the duplicate-ACK threshold would wait for two more ACKs). */
static void test_DT_12_reordering_window_timer(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    assert_int_equal(tcpinfo(&c).tcpi_rtt, 100000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 5000); /* A..E */
    tkh_poll(&c.h);
    assert_int_equal(tkh_pending(&c.h), 5);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + RTT);
    uint32_t e[] = {b + 1000, b + 2000}; /* B arrived, A did not (yet) */
    ack(&c, b, 65535, 1, e);
    TKH_NOTHING(&c.h);
    assert_int_equal(tcpinfo(&c).tcpi_rack_reo_wnd, 25000);
    tk_conn_info ci = info(&c);
    assert_int_equal(ci.timer_kind, TK_TIMER_RETRANSMIT);
    assert_int_equal(ci.timer_deadline, t1 + RTT + TK_MS(25));
    tkh_run_until(&c.h, t1 + RTT + TK_MS(25) - 1);
    TKH_NOTHING(&c.h);
    tkh_run_until(&c.h, t1 + RTT + TK_MS(25));
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(g.at, t1 + RTT + TK_MS(25));
    TKH_NOTHING(&c.h);
    const tk_stats *st = tk_stack_stats(c.h.s);
    assert_int_equal(st->rack_losses, 1);
    assert_int_equal(st->fast_retransmits, 1);
    assert_int_equal(st->rto_timeouts, 0);
    assert_int_equal(info(&c).ssthresh, 2500); /* FlightSize 5000 / 2 */
    tkh_fini(&c.h);
}

/* DT-12: with three segments SACKed above it (RACK.segs_sacked >=
 * DupThresh) and no reordering seen, the window is 0: the hole is lost at
 * once, as with the duplicate-ACK threshold. */
static void test_DT_12_three_sacked_no_wait(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + RTT);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(&c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(g.at, t1 + RTT);
    assert_int_equal(tcpinfo(&c).tcpi_rack_reo_wnd, 0);
    tkh_fini(&c.h);
}

/* DT-12 (RFC 8985 7): nothing comes back for a flight of three segments:
 * two SRTT after it left, the probe resends the last segment (no new data
 * is queued); the ACK of everything shows it repaired a loss, and the
 * window is reduced as for one. */
static void test_DT_12_tlp_resends_last_segment(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 3000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tk_conn_info ci = info(&c);
    assert_int_equal(ci.timer_deadline, t1 + 2 * RTT);
    tkh_run_until(&c.h, t1 + 2 * RTT);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK | TK_TCP_PSH, b + 2000, R1, 1000);
    assert_int_equal(g.at, t1 + 2 * RTT);
    TKH_NOTHING(&c.h);
    assert_int_equal(tk_stack_stats(c.h.s)->tlp_probes, 1);
    /* After the probe the RTO (250 ms) runs. */
    assert_int_equal(info(&c).timer_deadline, t1 + 2 * RTT + TK_MS(250));
    tkh_run_until(&c.h, t1 + 3 * RTT);
    ack(&c, b + 3000, 65535, 0, NULL);
    const tk_stats *st = tk_stack_stats(c.h.s);
    assert_int_equal(st->tlp_recoveries, 1);
    assert_int_equal(st->rto_timeouts, 0);
    assert_int_equal(info(&c).ssthresh, 2000); /* max(3000 / 2, 2 SMSS) */
    assert_int_equal(info(&c).cwnd, 2000);
    tkh_fini(&c.h);
}

/* DT-12 (RFC 8985 7.3): with new data queued beyond cwnd, the probe is a
 * new segment; its ACK shows no loss and the window stays. */
static void test_DT_12_tlp_sends_new_data(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 9000); /* cwnd 8000: 8 segments go */
    tkh_poll(&c.h);
    assert_int_equal(tkh_pending(&c.h), 8);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + 2 * RTT);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK | TK_TCP_PSH, b + 8000, R1, 1000);
    assert_int_equal(g.at, t1 + 2 * RTT);
    assert_int_equal(tk_stack_stats(c.h.s)->retransmits, 0);
    uint32_t cwnd = info(&c).cwnd;
    ack(&c, b + 9000, 65535, 0, NULL);
    assert_int_equal(tk_stack_stats(c.h.s)->tlp_recoveries, 0);
    assert_true(info(&c).cwnd >= cwnd);
    tkh_fini(&c.h);
}

/* DT-14: RFC 6937's arithmetic with its example of 5: RecoverFS 20
 * segments, ssthresh 10, one segment delivered per ACK. While the pipe is
 * above ssthresh one segment goes on every other ACK (the proportional
 * part, ceil(prr_delivered * ssthresh / RecoverFS) - prr_out); at or below
 * it, PRR-SSRB sends what brings the pipe back to ssthresh. */
static void test_DT_14_prr_arithmetic(void **state) {
    (void)state;
    const uint32_t mss = 1000, fs = 20000, ssthresh = 10000;
    uint32_t delivered = 0, out = 0;
    /* pipe: 20 sent, one lost, one delivered per ACK, plus what PRR sent */
    uint32_t pipe = 19000;
    const uint32_t want[] = {1000, 0, 1000, 0, 1000, 0, 1000, 0, 1000, 0, 1000, 0, 1000, 0, 1000};
    for (uint32_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        delivered += mss;
        pipe -= mss;
        uint32_t n = tk_prr_sndcnt(delivered, out, fs, ssthresh, pipe, mss, mss);
        assert_int_equal(n, want[k]);
        out += n;
        pipe += n;
    }
    /* Below ssthresh (SSRB): up to ssthresh - pipe, at most what was
     * delivered and not sent plus one segment. */
    assert_int_equal(tk_prr_sndcnt(16000, 8000, fs, ssthresh, 7000, mss, mss), 3000);
    assert_int_equal(tk_prr_sndcnt(16000, 15500, fs, ssthresh, 7000, mss, mss), 2000);
    /* The first ACK of recovery always lets the retransmission go. */
    assert_int_equal(tk_prr_sndcnt(0, 0, fs, ssthresh, 19000, 0, mss), 1000);
}

/* DT-14 on the wire: 20 segments in flight, the first lost, each later
 * duplicate ACK SACKs one more. The third starts recovery (ssthresh 10000,
 * RecoverFS 20000): the retransmission, then a new segment on every other
 * ACK while the pipe exceeds ssthresh, then one per ACK (PRR-SSRB) once it
 * is down to ssthresh, ending with 10 segments in flight. */
static void test_DT_14_prr_send_pattern(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    warm(&c, 8000);
    warm(&c, 4000);
    assert_int_equal(info(&c).cwnd, 20000);
    const uint32_t b = c.una;
    tk_send(c.h.s, c.sd, zeros, 40000);
    tkh_poll(&c.h);
    assert_int_equal(tkh_pending(&c.h), 20);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    /* The first two: the window shows no room for new data. */
    uint32_t next = b + 20000; /* new data */
    tkh_seg g;
    for (uint32_t k = 1; k <= 19; k++) {
        uint32_t e[] = {b + 1000, b + 1000 + 1000 * k};
        uint16_t win = k <= 2 ? 20000 : 65535;
        ack(&c, b, win, 1, e);
        bool sends = k == 3 || (k >= 5 && k <= 13 && k % 2 == 1) || k >= 16;
        if (k == 3) {
            TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000); /* the retransmission */
            assert_int_equal(info(&c).ssthresh, 10000);
        } else if (sends) {
            TKH_EXPECT(&c.h, &g, TK_TCP_ACK, next, R1, 1000);
            next += 1000;
        }
        TKH_NOTHING(&c.h);
    }
    assert_int_equal(next - b, 29000); /* 9 new segments */
    assert_int_equal(tk_rack_pipe(tk_fd_tcb(c.h.s, c.sd)), 10000);
    assert_int_equal(tk_stack_stats(c.h.s)->retransmits, 1);
    tkh_fini(&c.h);
}

/* DT-14 (RFC 6937 / RFC 9937, as Linux's tcp_end_cwnd_reduction): PRR
 * recovery ends with cwnd = ssthresh, whatever is in flight then. Here the
 * application wrote only the 20 segments that were in flight, so nothing
 * new went out in recovery and the full ACK leaves nothing outstanding:
 * RFC 6582's min(ssthresh, FlightSize + SMSS) would leave a window of two
 * segments (a sender held back by its send buffer lost most of its window
 * on every recovery this way). The next 10 segments leave at once. */
static void test_DT_14_recovery_ends_at_ssthresh(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    warm(&c, 8000);
    warm(&c, 4000);
    assert_int_equal(info(&c).cwnd, 20000);
    const uint32_t b = c.una;
    tk_send(c.h.s, c.sd, zeros, 20000);
    tkh_poll(&c.h);
    assert_int_equal(tkh_pending(&c.h), 20);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    tkh_seg g;
    for (uint32_t k = 1; k <= 19; k++) {
        uint32_t e[] = {b + 1000, b + 1000 + 1000 * k};
        ack(&c, b, 65535, 1, e);
        if (k == 3)
            TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000); /* the retransmission */
        TKH_NOTHING(&c.h);
    }
    assert_int_equal(info(&c).ssthresh, 10000);
    tkh_run_until(&c.h, c.h.now + RTT);
    ack(&c, b + 20000, 65535, 0, NULL);
    assert_int_equal(info(&c).cwnd, 10000);
    assert_int_equal(info(&c).ssthresh, 10000);
    tk_send(c.h.s, c.sd, zeros, 20000);
    tkh_poll(&c.h);
    for (uint32_t k = 0; k < 10; k++)
        TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 20000 + 1000 * k, R1, 1000);
    TKH_NOTHING(&c.h);
    tkh_fini(&c.h);
}

/* DT-15 (RFC 2883) and DT-12 (RFC 8985 6.2 step 4): A was only reordered:
 * after its retransmission the peer reports the copy as a duplicate. The
 * reduction is undone (cwnd and ssthresh as before) and the reordering
 * window doubles (reo_wnd_mult 2: 50 ms). */
static void test_DT_15_dsack_undo(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_conn_info before = info(&c);
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(&c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(info(&c).ssthresh, 2500);
    ack(&c, b + 5000, 65535, 0, NULL); /* the original A arrived */
    uint32_t d[] = {b, b + 1000};
    ack(&c, b + 5000, 65535, 1, d); /* ... and the copy is a duplicate */
    tk_conn_info after = info(&c);
    assert_int_equal(after.ssthresh, before.ssthresh);
    assert_true(after.cwnd >= before.cwnd);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 1);
    assert_int_equal(tcpinfo(&c).tcpi_rack_reo_wnd, 50000);
    tkh_fini(&c.h);
}

/* DT-15: a D-SACK for a copy resent in an earlier episode says nothing
 * about this one. Episode 1 resends A, which was only late (its D-SACK
 * comes later); episode 2 loses P for real and resends it. Then A's
 * duplicate report arrives: it lies below SND.UNA at episode 2's start, so
 * episode 2's reduction stays (counting it undid real losses: at 5 % loss
 * the sender kept windows of hundreds of segments). */
static void test_DT_15_dsack_of_earlier_episode_keeps_reduction(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(&c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000); /* episode 1: A */
    ack(&c, b + 5000, 65535, 0, NULL);             /* the original A arrived */
    tkh_clear(&c.h);
    tk_send(c.h.s, c.sd, zeros, 2000); /* P and Q */
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    uint32_t q[] = {b + 6000, b + 7000};
    ack(&c, b + 5000, 65535, 1, q);                       /* Q arrived, P did not */
    tkh_run_until(&c.h, c.h.now + TK_MS(30));             /* the reordering window: P is lost */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 5000, R1, 1000); /* episode 2: P */
    uint32_t ssthresh = info(&c).ssthresh;
    assert_int_equal(ssthresh, 2000);
    uint32_t d[] = {b, b + 1000, b + 6000, b + 7000};
    ack(&c, b + 5000, 65535, 2, d); /* A's copy was a duplicate */
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 0);
    assert_int_equal(info(&c).ssthresh, ssthresh);
    tkh_fini(&c.h);
}

/* DT-15 (RFC 5682 2): the ACKs were only late. After the timeout resent
 * the first segment, the first ACK advances: two new segments go instead of
 * retransmissions; the second ACK advances too (it covers data that was
 * never resent): the timeout was spurious, cwnd and ssthresh come back. */
static void test_DT_15_frto_spurious_rto_undo(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 12000); /* 8 go (cwnd 8000) */
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tk_conn_info before = info(&c);
    assert_int_equal(before.cwnd, 8000);
    /* The probe (new data, t1 + 200 ms), then the timeout (250 ms later). */
    tkh_run_until(&c.h, t1 + 2 * RTT);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 8000, R1, 1000);
    tkh_run_until(&c.h, t1 + 2 * RTT + TK_MS(250));
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(g.at, t1 + 2 * RTT + TK_MS(250));
    TKH_NOTHING(&c.h);
    assert_int_equal(tk_stack_stats(c.h.s)->rto_timeouts, 1);
    assert_int_equal(info(&c).cwnd, 1000);
    assert_int_equal(info(&c).ssthresh, 4500); /* FlightSize 9000 / 2 */
    /* The late ACKs of the original flight. */
    ack(&c, b + 2000, 65535, 0, NULL);
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 9000, R1, 1000); /* F-RTO: new data */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 10000, R1, 1000);
    TKH_NOTHING(&c.h);
    ack(&c, b + 4000, 65535, 0, NULL);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 1);
    tk_conn_info after = info(&c);
    assert_int_equal(after.ssthresh, before.ssthresh);
    assert_int_equal(after.cwnd, 8000);
    /* Nothing was marked lost any more: no retransmission follows. */
    assert_int_equal(tk_stack_stats(c.h.s)->retransmits, 1);
    tkh_fini(&c.h);
}

/* DT-15 (RFC 3522, RFC 4015): with timestamps, the first ACK for the
 * retransmitted segment echoes the original's TSval: the retransmission was
 * spurious and the reduction is undone at once. */
static void test_DT_15_eifel_undo(void **state) {
    (void)state;
    conn c;
    open_conn(&c, true);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_conn_info before = info(&c);
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + RTT);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(&c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(info(&c).ssthresh, 2500);
    tkh_run_until(&c.h, t1 + RTT + TK_MS(10));
    /* The echo is the original A's TSval (t1), older than the resend's. */
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_TS;
    o.ts_val = 1001;
    o.ts_ecr = (uint32_t)(t1 / 1000u);
    tkh_inject(&c.h, TK_TCP_ACK, R1, b + 5000, 65535, &o, NULL, 0);
    tk_conn_info after = info(&c);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 1);
    assert_int_equal(after.ssthresh, before.ssthresh);
    assert_true(after.cwnd >= before.cwnd);
    tkh_fini(&c.h);
}

/* DT-15 (RFC 3522 with RFC 4015's response, checked as Linux's
 * tcp_packet_delayed when the episode's data is all acknowledged): A was
 * only late, C was lost. The ACK that A's late arrival triggers echoes A's
 * old TSval and passes A's resend, but C is still missing: the episode is
 * not over and its reduction stays; the ACK for C's resend echoes the
 * resend's TSval: the loss was real, nothing is undone. (Undoing at the
 * first ACK gave back the window through real losses: at 5 % loss a
 * sender kept windows of 300 segments.) */
static void test_DT_15_eifel_waits_for_whole_episode(void **state) {
    (void)state;
    conn c;
    open_conn(&c, true);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + RTT);
    uint32_t e[] = {b + 3000, b + 5000, b + 1000, b + 2000};
    ack(&c, b, 65535, 2, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);        /* A */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 2000, R1, 1000); /* C */
    uint32_t ssthresh = info(&c).ssthresh;
    assert_int_equal(ssthresh, 2500);
    tkh_run_until(&c.h, t1 + RTT + TK_MS(10));
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_TS | TK_OPT_SACK;
    o.ts_val = 1001;
    o.ts_ecr = (uint32_t)(t1 / 1000u); /* A's original */
    o.sack_count = 1;
    o.sack[0].left = b + 3000;
    o.sack[0].right = b + 5000;
    tkh_inject(&c.h, TK_TCP_ACK, R1, b + 2000, 65535, &o, NULL, 0);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 0);
    assert_int_equal(info(&c).ssthresh, ssthresh);
    tkh_run_until(&c.h, c.h.now + TK_MS(90));
    o.present = TK_OPT_TS;
    o.sack_count = 0;
    o.ts_ecr = (uint32_t)(c.h.now / 1000u) - 100u; /* C's resend */
    tkh_inject(&c.h, TK_TCP_ACK, R1, b + 5000, 65535, &o, NULL, 0);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 0);
    assert_int_equal(info(&c).ssthresh, ssthresh);
    tkh_fini(&c.h);
}

/* DT-15 (RFC 3522): the same ACK echoing the retransmission's TSval: the
 * loss was real, the reduction stays. */
static void test_DT_15_eifel_real_loss_keeps_reduction(void **state) {
    (void)state;
    conn c;
    open_conn(&c, true);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 5000);
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_run_until(&c.h, t1 + RTT);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(&c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);
    tkh_run_until(&c.h, t1 + 2 * RTT);
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_TS;
    o.ts_val = 1001;
    o.ts_ecr = g.opts.ts_val;
    tkh_inject(&c.h, TK_TCP_ACK, R1, b + 5000, 65535, &o, NULL, 0);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 0);
    assert_int_equal(info(&c).ssthresh, 2500);
    tkh_fini(&c.h);
}

/* DT-12 (RFC 8985 6.3): after a timeout the scoreboard stays and SND.NXT
 * does not go back: the first segment is resent, then the segments marked
 * lost as slow start allows, skipping F, which the peer holds (the probe's
 * copy arrived). */
static void test_DT_12_rto_keeps_scoreboard(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    tk_time t1 = c.h.now;
    tk_send(c.h.s, c.sd, zeros, 6000); /* A..F, nothing more queued */
    tkh_poll(&c.h);
    tkh_clear(&c.h);
    tkh_seg g;
    tkh_run_until(&c.h, t1 + 2 * RTT);
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK | TK_TCP_PSH, b + 5000, R1, 1000); /* the probe: F */
    tkh_run_until(&c.h, t1 + 2 * RTT + TK_MS(250));
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000); /* the timeout: A */
    TKH_NOTHING(&c.h);
    assert_int_equal(info(&c).cwnd, 1000);
    tkh_run_until(&c.h, c.h.now + RTT);
    uint32_t f[] = {b + 5000, b + 6000};
    ack(&c, b + 1000, 65535, 1, f);                       /* A arrived; F (the probe) is held */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 1000, R1, 1000); /* B */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 2000, R1, 1000); /* C: cwnd 2000 */
    TKH_NOTHING(&c.h);
    tkh_run_until(&c.h, c.h.now + RTT);
    ack(&c, b + 3000, 65535, 1, f);
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 3000, R1, 1000); /* D */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 4000, R1, 1000); /* E; never F again */
    TKH_NOTHING(&c.h);
    ack(&c, b + 6000, 65535, 0, NULL);
    TKH_NOTHING(&c.h);
    const tk_stats *st = tk_stack_stats(c.h.s);
    assert_int_equal(st->rto_timeouts, 1);
    assert_int_equal(st->retransmits, 6); /* the probe, then A..E once each */
    assert_int_equal(info(&c).timer_kind, TK_TIMER_NONE);
    tkh_fini(&c.h);
}

/* DT-12: the classic detection stays selectable (cfg.rack = false): one
 * SACKed segment neither resends nor arms a reordering timer, and no probe
 * is sent before the RTO. */
static void test_DT_12_classic_selectable(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rack = false;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
    tk_send(h.s, sd, zeros, 3000);
    tkh_poll(&h);
    tkh_clear(&h);
    /* The handshake's sample was 0 ms: the RTO is rto_min (200 ms); RACK
     * would have probed after 10 ms (its shortest probe timeout). */
    tkh_run_until(&h, h.now + TK_MS(150));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->tlp_probes, 0);
    tk_tcp_info ti;
    tk_tcp_info_get(h.s, sd, &ti);
    assert_int_equal(ti.tcpi_rack_reo_wnd, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_12_reordering_window_timer),
        cmocka_unit_test(test_DT_12_three_sacked_no_wait),
        cmocka_unit_test(test_DT_12_tlp_resends_last_segment),
        cmocka_unit_test(test_DT_12_tlp_sends_new_data),
        cmocka_unit_test(test_DT_12_rto_keeps_scoreboard),
        cmocka_unit_test(test_DT_12_classic_selectable),
        cmocka_unit_test(test_DT_14_prr_arithmetic),
        cmocka_unit_test(test_DT_14_prr_send_pattern),
        cmocka_unit_test(test_DT_14_recovery_ends_at_ssthresh),
        cmocka_unit_test(test_DT_15_dsack_undo),
        cmocka_unit_test(test_DT_15_dsack_of_earlier_episode_keeps_reduction),
        cmocka_unit_test(test_DT_15_frto_spurious_rto_undo),
        cmocka_unit_test(test_DT_15_eifel_undo),
        cmocka_unit_test(test_DT_15_eifel_waits_for_whole_episode),
        cmocka_unit_test(test_DT_15_eifel_real_loss_keeps_reduction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
