/* The undo of spurious reductions (SPEC DT-15): D-SACK, F-RTO (RFC 5682),
 * Eifel (RFC 3522 / RFC 4015). Fixture: rack_fixture.h. */
#include "rack_fixture.h"

/* Sends n bytes of new data and lets one RTT pass: nothing acknowledged. */
static void send_round(conn *c, uint32_t n) {
    tk_send(c->h.s, c->sd, zeros, n);
    tkh_poll(&c->h);
    tkh_clear(&c->h);
    tkh_run_until(&c->h, c->h.now + RTT);
}

/* A warmed-up connection sends A..E (5000 bytes from the SND.UNA it
 * returns); one RTT later B, C and D are SACKed, and RACK resends A at
 * once (no reordering seen yet). *before (may be NULL): the window before. */
static uint32_t resend_a(conn *c, tk_conn_info *before) {
    open_conn(c, false);
    warm(c, 4000);
    const uint32_t b = c->una;
    if (before != NULL)
        *before = info(c);
    send_round(c, 5000);
    uint32_t e[] = {b + 1000, b + 4000};
    ack(c, b, 65535, 1, e);
    tkh_seg g;
    TKH_EXPECT(&c->h, &g, TK_TCP_ACK, b, R1, 1000);
    return b;
}

/* DT-15 (RFC 2883) and DT-12 (RFC 8985 6.2 step 4): A was only reordered:
 * after its retransmission the peer reports the copy as a duplicate. The
 * reduction is undone (cwnd and ssthresh as before) and the reordering
 * window doubles (reo_wnd_mult 2: 50 ms). */
static void test_DT_15_dsack_undo(void **state) {
    (void)state;
    conn c;
    tk_conn_info before;
    const uint32_t b = resend_a(&c, &before);
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

/* DT-12 / DT-15 (RFC 8985 6.2 step 3): an episode undone by its D-SACK
 * showed an original delivered after later data, which is reordering.
 * Before, nothing marked it seen (the late original had been resent, so
 * step 3 never counted it), the reordering window stayed 0 in every later
 * recovery, and each late segment was resent as soon as three later ones
 * were SACKed (2 % reordering, no loss: 117 of 5,800 segments resent). Now
 * the next hole with three segments SACKed above it waits for the
 * reordering window (2 x 25 ms after the D-SACK) before it is resent. */
static void test_DT_12_DT_15_dsack_undo_marks_reordering(void **state) {
    (void)state;
    conn c;
    const uint32_t b = resend_a(&c, NULL);
    ack(&c, b + 5000, 65535, 0, NULL);
    uint32_t d[] = {b, b + 1000};
    ack(&c, b + 5000, 65535, 1, d); /* A's copy was a duplicate: undone */
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 1);
    tkh_clear(&c.h);
    const uint32_t p = b + 5000;
    send_round(&c, 5000);
    uint32_t e2[] = {p + 1000, p + 4000};
    tkh_seg g;
    ack(&c, p, 65535, 1, e2);
    TKH_NOTHING(&c.h); /* P may only be late */
    tkh_run_until(&c.h, c.h.now + TK_MS(49));
    TKH_NOTHING(&c.h);
    tkh_run_until(&c.h, c.h.now + TK_MS(2));
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, p, R1, 1000); /* the window passed: lost */
    tkh_fini(&c.h);
}

/* DT-12 / DT-15: reordering is known at the first D-SACK of a copy this
 * episode resent, not only when the last one undoes the episode: until
 * then every late segment of the episode was resent at once (15 in one
 * episode through 2 % reordering), and when a second episode began before
 * the first was undone, the first one's reduction stayed. A and C are
 * resent; A's copy comes back as a duplicate: reordering is seen while C's
 * copy is still out, and the episode is not undone yet. */
static void test_DT_12_DT_15_first_dsack_marks_reordering(void **state) {
    (void)state;
    conn c;
    open_conn(&c, false);
    warm(&c, 4000);
    const uint32_t b = c.una;
    const tk_tcb *tp = tk_tcb_at(c.h.s, (uint32_t)c.sd);
    send_round(&c, 5000);
    uint32_t e[] = {b + 1000, b + 2000, b + 3000, b + 5000};
    ack(&c, b, 65535, 2, e); /* B, D and E arrived */
    tkh_seg g;
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b, R1, 1000);        /* A */
    TKH_EXPECT(&c.h, &g, TK_TCP_ACK, b + 2000, R1, 1000); /* C */
    assert_false(tp->sack->rack.reo_seen);
    uint32_t e2[] = {b + 3000, b + 5000};
    ack(&c, b + 2000, 65535, 1, e2); /* the originals of A and C were late */
    uint32_t d[] = {b, b + 1000, b + 3000, b + 5000};
    ack(&c, b + 2000, 65535, 2, d); /* A's copy is a duplicate */
    assert_true(tp->sack->rack.reo_seen);
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 0);
    uint32_t d2[] = {b + 2000, b + 3000};
    ack(&c, b + 5000, 65535, 1, d2); /* and C's: the episode is undone */
    assert_int_equal(tk_stack_stats(c.h.s)->spurious_undos, 1);
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
    const uint32_t b = resend_a(&c, NULL); /* episode 1: A */
    ack(&c, b + 5000, 65535, 0, NULL);     /* the original A arrived */
    tkh_clear(&c.h);
    send_round(&c, 2000); /* P and Q */
    tkh_seg g;
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
    /* FlightSize 9000 (the probe went beyond cwnd) counts as cwnd 8000. */
    assert_int_equal(info(&c).ssthresh, 4000);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_15_dsack_undo),
        cmocka_unit_test(test_DT_12_DT_15_dsack_undo_marks_reordering),
        cmocka_unit_test(test_DT_12_DT_15_first_dsack_marks_reordering),
        cmocka_unit_test(test_DT_15_dsack_of_earlier_episode_keeps_reduction),
        cmocka_unit_test(test_DT_15_frto_spurious_rto_undo),
        cmocka_unit_test(test_DT_15_eifel_undo),
        cmocka_unit_test(test_DT_15_eifel_waits_for_whole_episode),
        cmocka_unit_test(test_DT_15_eifel_real_loss_keeps_reduction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
