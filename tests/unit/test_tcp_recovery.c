/* Loss recovery and congestion control (DT-9, with OP-3 SACK): fast
 * retransmit, NewReno partial ACKs, SACK-driven hole repair, restart after
 * idle. The stack is the server; the scripted peer offers MSS 1000. The
 * SACK cases select the classic detection (cfg.rack = false): RACK-TLP,
 * the default, has its own tests (test_tcp_rack.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/opts.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t zeros[70000];

static int open_conn(tkh *h, uint32_t rcvbuf, uint32_t retries2) {
    return tkh_open_mss(h, ISS, IRS, 1000, rcvbuf, retries2);
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
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rack = false; /* the duplicate-ACK threshold and RFC 6675 (DT-12 has RACK) */
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
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
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rack = false; /* the duplicate-ACK threshold and RFC 6675 (DT-12 has RACK) */
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
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

/* A SACK connection whose cwnd is 6000 after two rounds; returns the
 * sequence number the next data starts at. */
static uint32_t open_sack_warm(tkh *h, int *sd) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rack = false; /* the duplicate-ACK threshold and RFC 6675 (DT-12 has RACK) */
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    *sd = tkh_open_fixed(h, &cfg, ISS, IRS, &o);
    tk_send(h->s, *sd, zeros, 4000);
    tkh_poll(h);
    tkh_inject(h, TK_TCP_ACK, R1, S1 + 4000, 65535, NULL, NULL, 0);
    tk_send(h->s, *sd, zeros, 5000);
    tkh_poll(h);
    tkh_inject(h, TK_TCP_ACK, R1, S1 + 9000, 65535, NULL, NULL, 0);
    tkh_clear(h);
    return S1 + 9000;
}

static void sack_dup(tkh *h, uint32_t una, uint32_t l, uint32_t r) {
    uint32_t e[] = {l, r};
    tk_tcp_opts d = sack_opts(1, e);
    tkh_inject(h, TK_TCP_ACK, R1, una, 65535, &d, NULL, 0);
}

/* DT-9 RFC 3042 limited transmit and RFC 6675 recovery: the first two
 * duplicates each let one new segment out; the third starts recovery with
 * the fast retransmit (ssthresh = 3000: half of the 6000 in flight before
 * limited transmit, whose data "MUST NOT be included", RFC 5681 3.2);
 * after that the pipe estimate, not the duplicate count, decides what
 * goes. */
static void test_DT_09_OP_03_limited_transmit_and_pipe(void **state) {
    (void)state;
    tkh h;
    int sd;
    uint32_t b = open_sack_warm(&h, &sd);
    tk_send(h.s, sd, zeros, 20000);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 6); /* A..F, cwnd 6000 */
    tkh_clear(&h);
    tkh_seg g;
    /* A is lost. */
    sack_dup(&h, b, b + 1000, b + 2000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 6000, R1, 1000); /* G: limited transmit */
    TKH_NOTHING(&h);
    sack_dup(&h, b, b + 1000, b + 3000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 7000, R1, 1000); /* H */
    TKH_NOTHING(&h);
    sack_dup(&h, b, b + 1000, b + 4000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, R1, 1000); /* fast retransmit of A */
    TKH_NOTHING(&h);
    tk_conn_info ci[4];
    tk_stack_conn_table(h.s, ci, 4);
    const tk_conn_info *c = ci[0].sd == sd ? &ci[0] : &ci[1];
    assert_int_equal(c->ssthresh, 3000);
    /* pipe = A resent 1000 + E..H 4000: nothing more. */
    sack_dup(&h, b, b + 1000, b + 5000);
    TKH_NOTHING(&h); /* pipe 4000 */
    sack_dup(&h, b, b + 1000, b + 6000);
    TKH_NOTHING(&h); /* pipe 3000 */
    sack_dup(&h, b, b + 1000, b + 7000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 8000, R1, 1000); /* pipe 2000: new data I */
    TKH_NOTHING(&h);
    /* The ACK of everything up to I ends recovery. */
    tkh_inject(&h, TK_TCP_ACK, R1, b + 9000, 65535, NULL, NULL, 0);
    tk_stack_conn_table(h.s, ci, 4);
    assert_int_equal(c->cwnd, 2000); /* min(ssthresh, max(FlightSize, SMSS) + SMSS) */
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 0);
    tkh_fini(&h);
}

/* DT-9 RFC 6675 4 IsLost: when ACKs are lost and fewer than three
 * duplicates arrive, SACK blocks covering more than 2 SMSS above SND.UNA
 * start recovery on the first duplicate. */
static void test_DT_09_OP_03_islost_starts_recovery(void **state) {
    (void)state;
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tkh h;
    int sd;
    uint32_t b = open_sack_warm(&h, &sd);
    tk_send(h.s, sd, zeros, 6000);
    tkh_poll(&h);
    tkh_clear(&h);
    sack_dup(&h, b, b + 1000, b + 4000); /* one duplicate, 3000 SACKed */
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, R1, 1000);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->dupacks_in, 1);
    tkh_fini(&h);
}

/* DT-9: a lost retransmission is repaired without the timer once data
 * sent after it is SACKed (more than 2 SMSS), as RFC 8985 would. */
static void test_DT_09_OP_03_lost_retransmission(void **state) {
    (void)state;
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tkh h;
    int sd;
    uint32_t b = open_sack_warm(&h, &sd);
    tk_send(h.s, sd, zeros, 20000);
    tkh_poll(&h);
    tkh_clear(&h);
    sack_dup(&h, b, b + 1000, b + 2000); /* G */
    sack_dup(&h, b, b + 1000, b + 3000); /* H */
    sack_dup(&h, b, b + 1000, b + 4000); /* A again */
    sack_dup(&h, b, b + 1000, b + 5000);
    sack_dup(&h, b, b + 1000, b + 6000); /* I */
    sack_dup(&h, b, b + 1000, b + 7000); /* J */
    sack_dup(&h, b, b + 1000, b + 8000); /* K */
    tkh_clear(&h);
    /* The resent A was lost too: I, J and K (sent after it) arrive. */
    sack_dup(&h, b, b + 1000, b + 9000);
    sack_dup(&h, b, b + 1000, b + 10000);
    tkh_clear(&h);
    sack_dup(&h, b, b + 1000, b + 11000);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, R1, 1000);         /* A, a third time */
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 12000, R1, 1000); /* then new data (ssthresh 3000) */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 0);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    tkh_fini(&h);
}

/* DT-9 RFC 6675 5.1: after a timeout the resend from SND.UNA skips what
 * the peer's SACK blocks hold. */
static void test_DT_09_OP_03_rto_skips_sacked(void **state) {
    (void)state;
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tkh h;
    int sd;
    uint32_t b = open_sack_warm(&h, &sd);
    tk_send(h.s, sd, zeros, 4000);
    tkh_poll(&h);
    assert_int_equal(tkh_pending(&h), 4); /* A..D */
    tkh_clear(&h);
    sack_dup(&h, b, b + 2000, b + 3000); /* C arrived, A and B lost */
    TKH_NOTHING(&h);
    tkh_run_until(&h, tk_stack_next_deadline(h.s));
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b, R1, 1000); /* timeout: A */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 1);
    sack_dup(&h, b + 1000, b + 2000, b + 3000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, b + 1000, R1, 1000);              /* B */
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, b + 3000, R1, 1000); /* D; C skipped */
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* Sends four segments on sd and has the peer (from h->rport) report the
 * first lost with three duplicate ACKs, each SACKing one more segment;
 * expects the fast retransmission, then ACKs everything. */
static void lose_first(tkh *h, int sd, uint32_t s1, uint32_t r1) {
    tk_send(h->s, sd, zeros, 4000);
    tkh_poll(h);
    tkh_clear(h);
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t e[] = {s1 + 1000, s1 + 2000 + 1000 * i};
        tk_tcp_opts d = sack_opts(1, e);
        tkh_inject(h, TK_TCP_ACK, r1, s1, 65535, &d, NULL, 0);
    }
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_ACK, s1, r1, 1000);
    TKH_NOTHING(h);
    tkh_inject(h, TK_TCP_ACK, r1, s1 + 4000, 65535, NULL, NULL, 0);
    TKH_NOTHING(h);
}

/* OP-3 with a pool of one SACK scoreboard: the first connection SACKed
 * takes it; the second finds none, counts it and recovers as without SACK
 * (three duplicates, fast retransmit), losing nothing. */
static void test_DT_09_OP_03_sack_pool_empty(void **state) {
    (void)state;
    if (!TK_WITH_SACK_SENDER)
        skip(); /* RFC 6675 recovery needs the scoreboard, compiled out */
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rack = false; /* the duplicate-ACK threshold and RFC 6675 (DT-12 has RACK) */
    cfg.sack_boards = 1;
    tkh h;
    uint32_t iss[2];
    int sd[2];
    tkh_open_sack_pair(&h, &cfg, IRS, sd, iss);
    for (int k = 0; k < 2; k++) {
        h.rport = (uint16_t)(40000 + k);
        lose_first(&h, sd[k], iss[k] + 1, R1);
    }
    assert_int_equal(tk_stack_stats(h.s)->sack_board_full, 1);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 2);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_09_fast_retransmit),
        cmocka_unit_test(test_DT_09_newreno_partial_ack),
        cmocka_unit_test(test_DT_09_restart_after_idle),
        cmocka_unit_test(test_DT_09_OP_03_sack_recovery),
        cmocka_unit_test(test_DT_09_OP_03_sack_dupack_window_changes),
        cmocka_unit_test(test_DT_09_OP_03_limited_transmit_and_pipe),
        cmocka_unit_test(test_DT_09_OP_03_islost_starts_recovery),
        cmocka_unit_test(test_DT_09_OP_03_lost_retransmission),
        cmocka_unit_test(test_DT_09_OP_03_rto_skips_sacked),
        cmocka_unit_test(test_DT_09_OP_03_sack_pool_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
