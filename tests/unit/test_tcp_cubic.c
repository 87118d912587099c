/* CUBIC (RFC 9438) and HyStart++ (RFC 9406), SPEC DT-13: the integer
 * window function against the RFC's formulas worked by hand, the reduction
 * by beta_cubic with fast convergence, concave and convex growth, the
 * Reno-friendly region, timeouts, ECN, and HyStart++'s exit to Conservative
 * Slow Start and to congestion avoidance. Sequence numbers start just below
 * 2^32 (DT-10). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/seq.h"
#include "tcp/cc_cubic.h"
#include "tcpkit/config.h"

#define MSS 1000u
#define U   0xfffff000u

#if TK_WITH_CUBIC
static tk_cc fresh(void) {
    tk_cc cc;
    memset(&cc, 0x5a, sizeof cc); /* init must set every field it uses */
    tk_cc_cubic.init(&cc, MSS, U, 0);
    return cc;
}

/* One ACK of `acked` new bytes at `now_ms`, with an RTT sample. */
static int ack_at(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight, uint32_t nxt,
                  uint32_t rtt_us, uint32_t now_ms) {
    cc->ops->on_sample(cc, ack, nxt, rtt_us, TK_MS(now_ms));
    return cc->ops->on_ack(cc, ack, acked, flight, nxt);
}
#endif

static void test_DT_13_cube_root(void **state) {
    (void)state;
    assert_int_equal(tk_cubic_cbrt(0), 0);
    assert_int_equal(tk_cubic_cbrt(7), 1);
    assert_int_equal(tk_cubic_cbrt(8), 2);
    assert_int_equal(tk_cubic_cbrt(26), 2);
    assert_int_equal(tk_cubic_cbrt(27), 3);
    assert_int_equal(tk_cubic_cbrt(999999999999ull), 9999);
    assert_int_equal(tk_cubic_cbrt(1000000000000ull), 10000);
    assert_int_equal(tk_cubic_cbrt(UINT64_MAX), 2642245); /* 2642245^3 < 2^64 < 2642246^3 */
    /* Every n^3 and n^3 - 1 around the whole range. */
    for (uint64_t n = 1; n < 2642245; n += 997) {
        assert_int_equal(tk_cubic_cbrt(n * n * n), n);
        assert_int_equal(tk_cubic_cbrt(n * n * n - 1), n - 1);
    }
}

/* RFC 9438 eqn. (2): W_max = 100 segments, cwnd_epoch = 70 (beta 0.7),
 * C = 0.4: K = cbrt(30 / 0.4) s = cbrt(75) = 4.2172 s, so 4217 ms. */
static void test_DT_13_cubic_k(void **state) {
    (void)state;
    assert_int_equal(tk_cubic_k_ms(100000, 70000, 1000), 4217);
    /* The same in segments of 1460 bytes: cbrt(75) s again. */
    assert_int_equal(tk_cubic_k_ms(146000, 102200, 1460), 4217);
    /* W_max = 10, cwnd 7: cbrt(7.5) = 1.9574 s. */
    assert_int_equal(tk_cubic_k_ms(10000, 7000, 1000), 1957);
    assert_int_equal(tk_cubic_k_ms(10000, 10000, 1000), 0);
    assert_int_equal(tk_cubic_k_ms(10000, 12000, 1000), 0);
    /* The largest difference does not overflow: cbrt(2^32 * 2.5e9 / 1). */
    assert_int_equal(tk_cubic_k_ms(UINT32_MAX, 0, 1), tk_cubic_cbrt(UINT32_MAX * 2500000000ull));
}

/* RFC 9438 eqn. (1) by hand, W_max = 100 segments of 1000 bytes, K = 4.217
 * s: W(t) = 0.4 (t - 4.217)^3 + 100 segments.
 *   t = 0:  0.4 x (-4.217)^3 + 100 = 70.0035 -> 70004 bytes
 *   t = 1:  0.4 x (-3.217)^3 + 100 = 86.683  -> 86683
 *   t = 2:  0.4 x (-2.217)^3 + 100 = 95.641  -> 95642 (truncated towards W_max)
 *   t = K:  100                              -> 100000
 *   t = 5:  0.4 x 0.783^3 + 100   = 100.192  -> 100192
 *   t = 10: 0.4 x 5.783^3 + 100   = 177.360  -> 177360 */
static void test_DT_13_cubic_window_function(void **state) {
    (void)state;
    assert_int_equal(tk_cubic_window(100000, 4217, 0, 1000), 70004);
    assert_int_equal(tk_cubic_window(100000, 4217, 1000, 1000), 86683);
    assert_int_equal(tk_cubic_window(100000, 4217, 2000, 1000), 95642);
    assert_int_equal(tk_cubic_window(100000, 4217, 4217, 1000), 100000);
    assert_int_equal(tk_cubic_window(100000, 4217, 5000, 1000), 100192);
    assert_int_equal(tk_cubic_window(100000, 4217, 10000, 1000), 177360);
    /* Far below: never under 0; far above: capped at 2^32 - 1. */
    assert_int_equal(tk_cubic_window(1000, 200000, 0, 1460), 0);
    assert_int_equal(tk_cubic_window(1000, 0, 4000000, 65535), UINT32_MAX);
}

#if TK_WITH_CUBIC
static void test_DT_13_cubic_init(void **state) {
    (void)state;
    tk_cc cc = fresh();
    assert_ptr_equal(cc.ops, &tk_cc_cubic);
    assert_string_equal(tk_cc_cubic.name, "cubic");
    assert_int_equal(cc.cwnd, 4000); /* RFC 5681 IW for SMSS 1000 */
    assert_int_equal(cc.ssthresh, UINT32_MAX);
    assert_int_equal(cc.bytes_acked, 0);
    assert_false(cc.in_recovery);
    assert_int_equal(cc.recover, U - 1);
    assert_int_equal(cc.priv[HS_CUR_MIN], UINT32_MAX);
    assert_int_equal(cc.priv[HS_LAST_MIN], UINT32_MAX);
    assert_int_equal(cc.priv8[0] & (HS_CSS | CUBIC_EPOCH_ON | HS_ROUND_ON), 0);
}

/* cwnd 100000 and three duplicates with 100000 bytes in flight. */
static tk_cc after_fast_retransmit(void) {
    tk_cc cc = fresh();
    cc.cwnd = 100000;
    for (int i = 0; i < 2; i++)
        assert_int_equal(cc.ops->on_dupack(&cc, 100000, U, U + 100000u), TK_CC_NOTHING);
    assert_int_equal(cc.ops->on_dupack(&cc, 100000, U, U + 100000u), TK_CC_RETRANSMIT);
    return cc;
}

/* RFC 9438 4.6: ssthresh = flight x 0.7, W_max = cwnd; 4.7: a second
 * loss below W_max remembers cwnd (1 + 0.7) / 2. */
static void test_DT_13_cubic_multiplicative_decrease(void **state) {
    (void)state;
    tk_cc cc = after_fast_retransmit();
    assert_int_equal(cc.ssthresh, 70000);
    assert_int_equal(cc.cwnd, 73000); /* ssthresh + 3 SMSS (RFC 6582) */
    assert_int_equal(cc.priv[CUBIC_W_MAX], 100000);
    assert_true(cc.in_recovery);
    /* A full ACK with 70000 bytes still out (new data sent in recovery). */
    assert_int_equal(cc.ops->on_ack(&cc, U + 100000u, 100000, 170000, U + 170000u), TK_CC_NOTHING);
    assert_false(cc.in_recovery);
    assert_int_equal(cc.cwnd, 70000);
    /* Another loss at cwnd 80000 < W_max: fast convergence. */
    cc.cwnd = 80000;
    for (int i = 0; i < 3; i++)
        (void)cc.ops->on_dupack(&cc, 80000, U + 100000u, U + 180000u);
    assert_int_equal(cc.priv[CUBIC_W_MAX], 68000); /* 80000 x 1.7 / 2 */
    assert_int_equal(cc.ssthresh, 56000);
    /* Never below 2 SMSS. */
    tk_cc small = fresh();
    for (int i = 0; i < 3; i++)
        (void)small.ops->on_dupack(&small, 2000, U, U + 2000u);
    assert_int_equal(small.ssthresh, 2000);
}

/* A hole that lingers while SACKed data above it grows: SND.MAX - SND.UNA
 * (300000) is three times cwnd. The reduction is from cwnd, as Linux's and
 * FreeBSD's: from that FlightSize, ssthresh (210000) would have been above
 * cwnd and the end of recovery would have doubled the window of a sender
 * that had just lost data (seen against Linux at 1 % loss and 2 %
 * reordering: 54 Mbit/s where Linux's CUBIC got 3.4). */
static void test_DT_13_cubic_flight_above_cwnd(void **state) {
    (void)state;
    tk_cc cc = fresh();
    cc.cwnd = 100000;
    for (int i = 0; i < 3; i++)
        (void)cc.ops->on_dupack(&cc, 300000, U, U + 300000u);
    assert_true(cc.in_recovery);
    assert_int_equal(cc.ssthresh, 70000);
    assert_int_equal(cc.priv[CUBIC_W_MAX], 100000);
    assert_int_equal(cc.ops->on_ack(&cc, U + 300000u, 300000, 10000, U + 310000u), TK_CC_NOTHING);
    assert_false(cc.in_recovery);
    assert_true(cc.cwnd <= 70000);
}

/* Concave then convex growth after the reduction above, one RTT (100 ms)
 * of ACKs per step: cwnd follows W_cubic(t + RTT) (4.2), reaching W_max
 * about K = 4.2 s after the loss and passing it after. */
static void test_DT_13_cubic_concave_convex_growth(void **state) {
    (void)state;
    tk_cc cc = after_fast_retransmit();
    (void)cc.ops->on_ack(&cc, U + 100000u, 100000, 170000, U + 170000u);
    uint32_t una = U + 100000u;
    /* First ACK at 5 s: the epoch starts, K = 4217 ms, target W(100 ms) =
     * 72090, so cwnd grows by (72090 - 70000) x 1000 / 70000 = 29. */
    una += 1000;
    assert_int_equal(ack_at(&cc, una, 1000, 70000, una + 69000u, 100000, 5000), TK_CC_NOTHING);
    assert_int_equal(cc.priv[CUBIC_K], 4217);
    assert_int_equal(cc.priv[CUBIC_EPOCH], 5000);
    assert_int_equal(cc.priv[CUBIC_W_EST], 70000);
    assert_int_equal(cc.cwnd, 70029);
    for (int i = 0; i < 69; i++) {
        una += 1000;
        (void)ack_at(&cc, una, 1000, cc.cwnd, una + cc.cwnd, 100000, 5000);
    }
    assert_int_equal(cc.cwnd, 71296);
    /* Then a window of ACKs every second: concave below W_max ... */
    static const uint32_t want[10] = {81305,  90373,  95966,  98456,  99571,
                                      101485, 106488, 116819, 134640, 162258};
    for (uint32_t r = 1; r <= 10; r++) {
        uint32_t n = cc.cwnd / 1000u;
        for (uint32_t i = 0; i < n; i++) {
            una += 1000;
            (void)ack_at(&cc, una, 1000, cc.cwnd, una + cc.cwnd, 100000, 5000 + r * 1000);
        }
        assert_int_equal(cc.cwnd, want[r - 1]);
    }
    /* ... the plateau at W_max near t = K, convex beyond. The estimate
     * W_est grew by 0.529 SMSS per window (4.3): 70000 + 10 x 529. */
    assert_int_equal(cc.priv[CUBIC_W_EST], 75290);
}

/* 4.3: with a small W_max and a short RTT, Reno's growth (W_est) is faster
 * than the cubic curve: cwnd follows W_est, alpha = 0.529 SMSS per RTT
 * until W_est reaches W_max, then 1 SMSS. W_max 10000, cwnd 7000, K =
 * 1957 ms, RTT 10 ms: after 20 RTTs W_est = 7000 + 6 x 529 + 13 x 1000 +
 * ... = 23174, while W_cubic(210 ms) is only 7868. */
static void test_DT_13_cubic_reno_friendly_region(void **state) {
    (void)state;
    tk_cc cc = fresh();
    cc.cwnd = 10000;
    for (int i = 0; i < 3; i++)
        (void)cc.ops->on_dupack(&cc, 10000, U, U + 10000u);
    (void)cc.ops->on_ack(&cc, U + 10000u, 10000, 17000, U + 17000u);
    assert_int_equal(cc.cwnd, 7000);
    uint32_t una = U + 10000u, t = 0;
    for (int r = 0; r < 20; r++) {
        uint32_t n = cc.cwnd / 1000u;
        for (uint32_t i = 0; i < n; i++) {
            una += 1000;
            (void)ack_at(&cc, una, 1000, cc.cwnd, una + cc.cwnd, 10000, t);
        }
        t += 10;
    }
    assert_int_equal(cc.priv[CUBIC_K], 1957);
    assert_int_equal(cc.priv[CUBIC_W_EST], 23174);
    assert_int_equal(cc.cwnd, 23174);
    assert_int_equal(tk_cubic_window(10000, 1957, t + 10, 1000), 7868);
}

/* 4.8: a timeout lowers ssthresh by beta_cubic once, cwnd to 1 SMSS, and
 * forgets W_max: the next epoch starts with K = 0 at the cwnd it has. */
static void test_DT_13_cubic_timeout(void **state) {
    (void)state;
    tk_cc cc = fresh();
    cc.cwnd = 50000;
    cc.ops->on_rto(&cc, 50000, U + 50000u);
    assert_int_equal(cc.ssthresh, 35000);
    assert_int_equal(cc.cwnd, 1000);
    assert_int_equal(cc.priv[CUBIC_W_MAX], 0);
    cc.ops->on_rto(&cc, 50000, U + 50000u); /* the second timeout keeps ssthresh */
    assert_int_equal(cc.ssthresh, 35000);
    /* Slow start (not HyStart++: ssthresh is set) up to 35000 ... */
    uint32_t una = U;
    while (cc.cwnd < cc.ssthresh) {
        una += 1000;
        (void)ack_at(&cc, una, 1000, cc.cwnd, una + cc.cwnd, 50000, 100);
    }
    assert_int_equal(cc.cwnd, 35000);
    /* ... then the epoch: W_max = cwnd, K = 0. */
    una += 1000;
    (void)ack_at(&cc, una, 1000, cc.cwnd, una + cc.cwnd, 50000, 200);
    assert_int_equal(cc.priv[CUBIC_K], 0);
    assert_int_equal(cc.priv[CUBIC_W_MAX], 35000);
}

/* RFC 9438 4.6 applies to ECN-Echo too (RFC 3168 6.1.2: once per window). */
static void test_DT_13_cubic_ecn(void **state) {
    (void)state;
    tk_cc cc = fresh();
    cc.cwnd = 20000;
    assert_int_equal(cc.ops->on_ecn(&cc, U + 1000u, 20000, U + 20000u), TK_CC_REDUCED);
    assert_int_equal(cc.ssthresh, 14000);
    assert_int_equal(cc.cwnd, 14000);
    assert_int_equal(cc.priv[CUBIC_W_MAX], 20000);
    assert_int_equal(cc.ops->on_ecn(&cc, U + 2000u, 19000, U + 20000u), TK_CC_NOTHING);
    assert_int_equal(cc.ssthresh, 14000);
}

/* A sender filling cwnd every round: ACKs of one SMSS, RTT samples. */
typedef struct ss_run {
    tk_cc cc;
    uint32_t una;
    uint32_t now_ms;
} ss_run;

/* One round: every segment of the window is acknowledged with rtt_us. */
static void ss_round(ss_run *r, uint32_t rtt_us, uint32_t growth[2]) {
    uint32_t end = r->una + r->cc.cwnd; /* sent at the round's start */
    growth[0] = growth[1] = 0;
    for (uint32_t i = 0; tk_seq_lt(r->una, end); i++) {
        r->una += MSS;
        uint32_t before = r->cc.cwnd;
        (void)ack_at(&r->cc, r->una, MSS, before, r->una + before, rtt_us, r->now_ms);
        growth[i < TK_HS_N_RTT_SAMPLE ? 0 : 1] = r->cc.cwnd - before;
    }
    r->now_ms += rtt_us / 1000u;
}

static ss_run ss_start(void) {
    ss_run r = {fresh(), U, 1000};
    r.cc.cwnd = 10000;
    return r;
}

/* RFC 9406 4.2: no RTT increase, plain slow start (+1 SMSS per ACK). */
static void test_DT_13_hystart_no_exit_without_rtt_increase(void **state) {
    (void)state;
    ss_run r = ss_start();
    uint32_t g[2];
    for (int i = 0; i < 5; i++) {
        ss_round(&r, 100000, g);
        assert_int_equal(g[1], MSS);
    }
    assert_int_equal(r.cc.cwnd, 320000); /* 10000 doubled five times */
    assert_int_equal(r.cc.ssthresh, UINT32_MAX);
    assert_int_equal(r.cc.priv8[0] & HS_CSS, 0);
    /* An increase just below the threshold (100 ms / 8 = 12.5 ms) neither. */
    ss_round(&r, 112499, g);
    assert_int_equal(r.cc.priv8[0] & HS_CSS, 0);
}

/* RFC 9406 4.2: the RTT rises by at least max(4 ms, min(lastRoundMinRTT /
 * 8, 16 ms)) = 12.5 ms: after N_RTT_SAMPLE samples of the round CSS starts
 * (growth / 4); CSS_ROUNDS rounds later slow start ends with ssthresh =
 * cwnd, and the next ACK grows by CUBIC's avoidance, not slow start. */
static void test_DT_13_hystart_exit_on_rtt_increase(void **state) {
    (void)state;
    ss_run r = ss_start();
    uint32_t g[2];
    ss_round(&r, 100000, g); /* lastRoundMinRTT = 100 ms */
    ss_round(&r, 112500, g);
    assert_true(r.cc.priv8[0] & HS_CSS);
    assert_int_equal(r.cc.priv[HS_CSS_BASE], 112500);
    assert_int_equal(g[1], MSS / TK_HS_CSS_GROWTH_DIVISOR); /* CSS after the 8th sample */
    assert_int_equal(r.cc.ssthresh, UINT32_MAX);
    uint32_t cwnd_at_css = r.cc.cwnd;
    for (uint32_t i = 0; i < TK_HS_CSS_ROUNDS - 1; i++) {
        ss_round(&r, 112500, g);
        assert_true(r.cc.priv8[0] & HS_CSS);
        assert_int_equal(g[1], MSS / TK_HS_CSS_GROWTH_DIVISOR);
        assert_int_equal(r.cc.ssthresh, UINT32_MAX);
    }
    assert_true(r.cc.cwnd > cwnd_at_css);
    /* The fifth CSS round ends at its first ACK: avoidance from there. */
    uint32_t before = r.cc.cwnd;
    r.una += MSS;
    (void)ack_at(&r.cc, r.una, MSS, before, r.una + before, 112500, r.now_ms);
    assert_int_equal(r.cc.ssthresh, before);
    assert_int_equal(r.cc.cwnd, before);
    assert_int_equal(r.cc.priv8[0] & HS_CSS, 0);
    r.una += MSS;
    (void)ack_at(&r.cc, r.una, MSS, before, r.una + before, 112500, r.now_ms);
    assert_true(r.cc.priv8[0] & CUBIC_EPOCH_ON);
    assert_int_equal(r.cc.priv[CUBIC_W_MAX], before); /* K = 0 at the epoch's cwnd */
}

/* RFC 9406 4.2: in CSS, a round whose minimum RTT drops below the baseline
 * shows the increase was spurious: back to slow start. A loss in CSS ends
 * it as any loss ends slow start. */
static void test_DT_13_hystart_css_back_to_slow_start(void **state) {
    (void)state;
    ss_run r = ss_start();
    uint32_t g[2];
    ss_round(&r, 100000, g);
    ss_round(&r, 120000, g);
    assert_true(r.cc.priv8[0] & HS_CSS);
    ss_round(&r, 110000, g);
    assert_int_equal(r.cc.priv8[0] & HS_CSS, 0);
    assert_int_equal(g[1], MSS);
    ss_round(&r, 130000, g); /* 110 + 13.75 ms: CSS again */
    assert_true(r.cc.priv8[0] & HS_CSS);
    uint32_t flight = r.cc.cwnd;
    for (int i = 0; i < 3; i++)
        (void)r.cc.ops->on_dupack(&r.cc, flight, r.una, r.una + flight);
    assert_int_equal(r.cc.priv8[0] & HS_CSS, 0);
    assert_int_equal(r.cc.ssthresh, flight * 7u / 10u);
}

/* Switching a running connection keeps its window and recovery state. */
static void test_DT_13_cc_switch_keeps_window(void **state) {
    (void)state;
    tk_cc cc = after_fast_retransmit();
    tk_cc_switch(&cc, &tk_cc_newreno);
    assert_ptr_equal(cc.ops, &tk_cc_newreno);
    assert_int_equal(cc.cwnd, 73000);
    assert_int_equal(cc.ssthresh, 70000);
    assert_true(cc.in_recovery);
    assert_int_equal(cc.recover, U + 100000u - 1u);
    tk_cc_switch(&cc, &tk_cc_cubic);
    assert_ptr_equal(cc.ops, &tk_cc_cubic);
    assert_int_equal(cc.cwnd, 73000);
    assert_int_equal(cc.priv[HS_CUR_MIN], UINT32_MAX);
}

/* The names and numbers TCP_CONGESTION and tk_config.cc_algorithm use. */
static void test_DT_13_cc_lookup(void **state) {
    (void)state;
    assert_ptr_equal(tk_cc_ops_at(TK_CC_ALGO_CUBIC), &tk_cc_cubic);
    assert_ptr_equal(tk_cc_ops_at(TK_CC_ALGO_NEWRENO), &tk_cc_newreno);
    assert_null(tk_cc_ops_at(TK_CC_ALGO_COUNT));
    assert_int_equal(tk_cc_find("cubic", 5), (int)TK_CC_ALGO_CUBIC);
    assert_int_equal(tk_cc_find("newreno", 16), (int)TK_CC_ALGO_NEWRENO);
    assert_int_equal(tk_cc_find("cubicx", 5), (int)TK_CC_ALGO_CUBIC); /* len bytes */
    assert_int_equal(tk_cc_find("cubic", 4), -ENOENT);
    assert_int_equal(tk_cc_find("reno", 4), -ENOENT);
    assert_int_equal(tk_cc_find("", 0), -ENOENT);
    assert_int_equal(tk_cc_find(NULL, 3), -ENOENT);
}
#else
/* TK_WITH_CUBIC 0 (tcpkit/opts.h): NewReno is the only controller, the
 * default, and the name "cubic" is unknown to TCP_CONGESTION. */
static void test_DT_13_cc_lookup_newreno_only(void **state) {
    (void)state;
    assert_null(tk_cc_ops_at(TK_CC_ALGO_CUBIC));
    assert_ptr_equal(tk_cc_ops_at(TK_CC_ALGO_NEWRENO), &tk_cc_newreno);
    assert_int_equal(tk_cc_find("cubic", 5), -ENOENT);
    assert_int_equal(tk_cc_find("newreno", 16), (int)TK_CC_ALGO_NEWRENO);
    tk_config cfg;
    tk_config_default(&cfg);
    assert_int_equal(cfg.cc_algorithm, TK_CC_ALGO_NEWRENO);
    assert_true(tk_config_valid(&cfg));
    cfg.cc_algorithm = TK_CC_ALGO_CUBIC;
    assert_false(tk_config_valid(&cfg));
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_13_cube_root),
        cmocka_unit_test(test_DT_13_cubic_k),
        cmocka_unit_test(test_DT_13_cubic_window_function),
#if TK_WITH_CUBIC
        cmocka_unit_test(test_DT_13_cubic_init),
        cmocka_unit_test(test_DT_13_cubic_multiplicative_decrease),
        cmocka_unit_test(test_DT_13_cubic_flight_above_cwnd),
        cmocka_unit_test(test_DT_13_cubic_concave_convex_growth),
        cmocka_unit_test(test_DT_13_cubic_reno_friendly_region),
        cmocka_unit_test(test_DT_13_cubic_timeout),
        cmocka_unit_test(test_DT_13_cubic_ecn),
        cmocka_unit_test(test_DT_13_hystart_no_exit_without_rtt_increase),
        cmocka_unit_test(test_DT_13_hystart_exit_on_rtt_increase),
        cmocka_unit_test(test_DT_13_hystart_css_back_to_slow_start),
        cmocka_unit_test(test_DT_13_cc_switch_keeps_window),
        cmocka_unit_test(test_DT_13_cc_lookup),
#else
        cmocka_unit_test(test_DT_13_cc_lookup_newreno_only),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
