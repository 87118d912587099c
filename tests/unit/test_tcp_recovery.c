/* Loss recovery and congestion control (DT-9, with OP-3 SACK): fast
 * retransmit, NewReno partial ACKs, SACK-driven hole repair, restart after
 * idle. The stack is the server; the scripted peer offers MSS 1000. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t zeros[70000];

static int open_opts(tkh *h, tk_config *cfg, const tk_tcp_opts *o) {
    cfg->isn_fixed = true;
    cfg->isn_value = ISS;
    tkh_init(h, cfg);
    uint32_t iss;
    return tkh_open_passive(h, IRS, o, &iss);
}

static int open_conn(tkh *h, uint32_t rcvbuf, uint32_t retries2) {
    tk_config cfg;
    tkh_config(&cfg);
    if (rcvbuf)
        cfg.rcvbuf = rcvbuf;
    if (retries2)
        cfg.retries2 = retries2;
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS;
    o.mss = 1000;
    return open_opts(h, &cfg, &o);
}

/* DT-9: three duplicate ACKs trigger a fast retransmission of the first
 * unacknowledged segment, before any timer. */
static void test_DT_09_fast_retransmit(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    tkh_seg g;
    for (uint32_t i = 0; i < 4; i++)
        TKH_EXPECT(&h, &g, TK_TCP_ACK | (i == 3 ? TK_TCP_PSH : 0), S1 + 1000 * i, R1, 1000);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    for (int i = 0; i < 2; i++)
        tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1000, R1, 1000);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->dupacks_in, 3);
    tkh_fini(&h);
}

/* DT-9 NewReno (RFC 6582): a partial ACK during fast recovery resends the
 * next hole at once; the full ACK ends recovery with cwnd <= ssthresh. */
static void test_DT_09_newreno_partial_ack(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    tkh_clear(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h); /* all 4000 bytes are out already */
    for (int i = 0; i < 3; i++)
        tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1000, R1, 1000);
    tkh_clear(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 2000, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 2000, R1, 1000);
    tk_conn_info ci[4];
    tk_stack_conn_table(h.s, ci, 4);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    uint32_t ssthresh = c->ssthresh;
    assert_int_equal(ssthresh, 2000); /* max(FlightSize / 2, 2 * SMSS) */
    tkh_clear(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 4000, 65535, NULL, NULL, 0);
    tk_stack_conn_table(h.s, ci, 4);
    /* RFC 6582 3.2 step 3: min(ssthresh, max(FlightSize, SMSS) + SMSS). */
    assert_int_equal(c->cwnd, 2000);
    assert_int_equal(c->send_q, 0);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 0);
    tkh_fini(&h);
}

/* DT-9 / RFC 5681 4.1: after an idle period longer than the RTO the sender
 * restarts from the initial window instead of bursting its old cwnd. */
static void test_DT_09_restart_after_idle(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0, 0);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 4000, 65535, NULL, NULL, 0);
    tkh_clear(&h);
    tk_send(h.s, sd, zeros, 6000); /* cwnd is 5000 now: five segments */
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 5);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 9000, 65535, NULL, NULL, 0);
    assert_int_equal(tkh_pending(&h), 6); /* the last 1000 bytes */
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 10000, 65535, NULL, NULL, 0);
    tkh_clear(&h);
    tkh_run_until(&h, h.now + TK_SEC(10));
    tk_send(h.s, sd, zeros, 8000);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 4); /* IW = 4 x 1000 */
    tkh_fini(&h);
}

static tk_tcp_opts sack_opts(uint32_t n, const uint32_t *edges) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_SACK;
    o.sack_count = (uint8_t)n;
    for (uint32_t i = 0; i < n; i++) {
        o.sack[i].left = edges[2 * i];
        o.sack[i].right = edges[2 * i + 1];
    }
    return o;
}

/* DT-9 with OP-3: two losses in one window. After the fast retransmit of
 * the first hole, the next duplicate ACK's SACK blocks show the second
 * hole, which is resent at once instead of after a partial ACK. */
static void test_DT_09_OP_03_sack_recovery(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | TK_OPT_SACK_PERM;
    o.mss = 1000;
    int sd = open_opts(&h, &cfg, &o);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 4000, 65535, NULL, NULL, 0);
    tk_send(h.s, sd, zeros, 5000);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 9000, 65535, NULL, NULL, 0);
    tkh_clear(&h);
    const uint32_t b = S1 + 9000; /* segments A..F at b, b+1000, ... */
    tk_send(h.s, sd, zeros, 6000);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 6);
    tkh_clear(&h);
    /* A and C are lost; B, D, E, F arrive. */
    uint32_t e1[] = {b + 1000, b + 2000};
    uint32_t e2[] = {b + 3000, b + 4000, b + 1000, b + 2000};
    uint32_t e3[] = {b + 3000, b + 5000, b + 1000, b + 2000};
    uint32_t e4[] = {b + 3000, b + 6000, b + 1000, b + 2000};
    tk_tcp_opts d1 = sack_opts(1, e1), d2 = sack_opts(2, e2), d3 = sack_opts(2, e3),
                d4 = sack_opts(2, e4);
    tkh_inject(&h, TK_TCP_ACK, R1, b, 65535, &d1, NULL, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, b, 65535, &d2, NULL, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, b, 65535, &d3, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, R1, 1000); /* fast retransmit of A */
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, b, 65535, &d4, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 2000, R1, 1000); /* C, from the SACK blocks */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 2);
    /* Both holes filled: the ACK covers everything, recovery ends. */
    tkh_inject(&h, TK_TCP_ACK, R1, b + 6000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    tk_conn_info ci[4];
    tk_stack_conn_table(h.s, ci, 4);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    assert_int_equal(c->send_q, 0);
    assert_int_equal(c->timer_kind, TK_TIMER_NONE);
    tkh_fini(&h);
}

/* RFC 6675 2: with SACK, an ACK that SACKs new data counts as a duplicate
 * even when the receiver's window grew (as autotuning receivers do). */
static void test_DT_09_OP_03_sack_dupack_window_changes(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | TK_OPT_SACK_PERM;
    o.mss = 1000;
    int sd = open_opts(&h, &cfg, &o);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    tkh_clear(&h);
    uint32_t e1[] = {S1 + 1000, S1 + 2000};
    uint32_t e2[] = {S1 + 1000, S1 + 3000};
    uint32_t e3[] = {S1 + 1000, S1 + 4000};
    tk_tcp_opts d1 = sack_opts(1, e1), d2 = sack_opts(1, e2), d3 = sack_opts(1, e3);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 20000, &d1, NULL, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 30000, &d2, NULL, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 40000, &d3, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 1000);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    /* The same SACK again with yet another window is a window update only. */
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 50000, &d3, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->dupacks_in, 3);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_09_fast_retransmit),
        cmocka_unit_test(test_DT_09_newreno_partial_ack),
        cmocka_unit_test(test_DT_09_restart_after_idle),
        cmocka_unit_test(test_DT_09_OP_03_sack_recovery),
        cmocka_unit_test(test_DT_09_OP_03_sack_dupack_window_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
