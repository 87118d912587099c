/* RACK-TLP loss detection (SPEC DT-12, RFC 8985) and PRR (DT-14, RFC
 * 6937); the undo of spurious reductions is test_tcp_undo.c. Fixture:
 * rack_fixture.h. */
#include "rack_fixture.h"

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
