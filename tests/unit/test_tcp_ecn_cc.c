/* NewReno's ECN reaction (RFC 3168 6.1.2), exact cwnd/ssthresh: one
 * reduction per window of data, no growth on an ECN-Echo, and the
 * interplay with fast recovery and timeouts. Sequence numbers start just
 * below 2^32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS 1000u
#define U   0xfffff000u

static tk_cc fresh(void) {
    tk_cc cc;
    memset(&cc, 0x5a, sizeof cc);
    tk_cc_newreno.init(&cc, MSS, U, 0);
    return cc;
}

static int ack(tk_cc *cc, uint32_t a, uint32_t acked, uint32_t flight) {
    return cc->ops->on_ack(cc, a, acked, flight, U + 100000u);
}

static int ecn(tk_cc *cc, uint32_t a, uint32_t flight, uint32_t snd_max) {
    return cc->ops->on_ecn(cc, a, flight, snd_max);
}

/* Slow start from IW 4000 to cwnd 10000 (SND.UNA = U + 6000). */
static tk_cc grown(void) {
    tk_cc cc = fresh();
    for (uint32_t i = 1; i <= 6; i++)
        assert_int_equal(ack(&cc, U + 1000u * i, 1000, 10000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 10000);
    return cc;
}

/* The first ECN-Echo halves the window as a loss does (ssthresh =
 * FlightSize / 2, cwnd = ssthresh), later ones from the same window change
 * nothing, and the ECE ACK itself does not grow cwnd. */
static void test_ecn_cc_reduce_once_per_window(void **state) {
    (void)state;
    tk_cc cc = grown();
    uint32_t snd_max = U + 16000u;
    assert_int_equal(ecn(&cc, U + 7000, 10000, snd_max), TK_CC_REDUCED);
    assert_int_equal(cc.ssthresh, 5000);
    assert_int_equal(cc.cwnd, 5000);
    assert_false(cc.in_recovery);
    assert_int_equal(ack(&cc, U + 7000, 1000, 10000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 5000); /* no growth on the ECE ACK */
    for (uint32_t a = U + 8000; a != snd_max + 1000u; a += 1000u) {
        assert_int_equal(ecn(&cc, a, 9000, snd_max), TK_CC_NOTHING);
        assert_int_equal(ack(&cc, a, 1000, 9000), TK_CC_NOTHING);
        assert_int_equal(cc.cwnd, 5000);
        assert_int_equal(cc.ssthresh, 5000);
        if (a == snd_max)
            break;
    }
    /* An ACK beyond the window with ECN-Echo: new congestion. */
    assert_int_equal(ecn(&cc, snd_max + 1000u, 5000, snd_max + 5000u), TK_CC_REDUCED);
    assert_int_equal(cc.ssthresh, 2500);
    assert_int_equal(cc.cwnd, 2500);
}

/* ACKs without ECN-Echo grow cwnd as usual after a reduction (congestion
 * avoidance with byte counting from cwnd = ssthresh). */
static void test_ecn_cc_growth_resumes(void **state) {
    (void)state;
    tk_cc cc = grown();
    assert_int_equal(ecn(&cc, U + 7000, 10000, U + 16000), TK_CC_REDUCED);
    assert_int_equal(ack(&cc, U + 7000, 1000, 10000), TK_CC_NOTHING);
    assert_int_equal(ack(&cc, U + 9000, 2000, 9000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 5000);
    assert_int_equal(cc.bytes_acked, 2000);
    assert_int_equal(ack(&cc, U + 12000, 3000, 7000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6000);
    assert_int_equal(cc.bytes_acked, 0);
}

/* ssthresh never goes below 2 SMSS, and a flight larger than cwnd counts
 * as cwnd: a reduction never leaves ssthresh above the window it reduced
 * (with 20000 in flight and ssthresh 10000, cwnd 4000 would have grown
 * again in slow start). */
static void test_ecn_cc_floor_and_no_raise(void **state) {
    (void)state;
    tk_cc cc = grown();
    assert_int_equal(ecn(&cc, U + 7000, 3000, U + 9000), TK_CC_REDUCED);
    assert_int_equal(cc.ssthresh, 2000);
    assert_int_equal(cc.cwnd, 2000);
    tk_cc c2 = fresh(); /* cwnd 4000 with 20000 in flight */
    assert_int_equal(ecn(&c2, U + 1000, 20000, U + 20000), TK_CC_REDUCED);
    assert_int_equal(c2.ssthresh, 2000);
    assert_int_equal(c2.cwnd, 2000);
}

/* In fast recovery the loss already halved the window: ECN-Echo changes
 * nothing. An ECN-Echo first and the third duplicate ACK of the same window
 * after it: the fast retransmit keeps ssthresh (not lowered twice within a
 * round trip, 6.1.2). */
static void test_ecn_cc_with_fast_recovery(void **state) {
    (void)state;
    tk_cc cc = grown();
    for (int i = 0; i < 2; i++)
        assert_int_equal(cc.ops->on_dupack(&cc, 10000, U + 6000, U + 16000), TK_CC_NOTHING);
    assert_int_equal(cc.ops->on_dupack(&cc, 10000, U + 6000, U + 16000), TK_CC_RETRANSMIT);
    assert_int_equal(cc.ssthresh, 5000);
    assert_int_equal(ecn(&cc, U + 6000, 10000, U + 16000), TK_CC_NOTHING);
    assert_int_equal(cc.ssthresh, 5000);
    assert_int_equal(cc.cwnd, 8000);

    tk_cc c2 = grown();
    assert_int_equal(ecn(&c2, U + 6000, 10000, U + 16000), TK_CC_REDUCED);
    assert_int_equal(c2.ops->on_dupack(&c2, 10000, U + 6000, U + 16000), TK_CC_NOTHING);
    assert_int_equal(c2.cwnd, 5000); /* the ECE duplicate grew nothing */
    assert_int_equal(c2.ops->on_dupack(&c2, 10000, U + 6000, U + 16000), TK_CC_NOTHING);
    assert_int_equal(c2.ops->on_dupack(&c2, 10000, U + 6000, U + 16000), TK_CC_RETRANSMIT);
    assert_int_equal(c2.ssthresh, 5000);
    assert_int_equal(c2.cwnd, 8000); /* ssthresh + 3 SMSS */
}

/* After a timeout, ECN-Echoes for data sent before it are of the same
 * congestion: cwnd stays at the loss window. Data sent after it can signal
 * anew. */
static void test_ecn_cc_after_timeout(void **state) {
    (void)state;
    tk_cc cc = grown();
    cc.ops->on_rto(&cc, 10000, U + 16000);
    assert_int_equal(cc.cwnd, 1000);
    assert_int_equal(cc.ssthresh, 5000);
    assert_int_equal(ecn(&cc, U + 7000, 10000, U + 16000), TK_CC_NOTHING);
    assert_int_equal(ack(&cc, U + 7000, 1000, 10000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 1000); /* no growth on the ECE ACK */
    assert_int_equal(ack(&cc, U + 16000, 9000, 9000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 2000);
    assert_int_equal(ecn(&cc, U + 17000, 2000, U + 18000), TK_CC_REDUCED);
    assert_int_equal(cc.ssthresh, 2000);
    assert_int_equal(cc.cwnd, 2000);
}

/* A loss of data sent after a reduction is new congestion: the window
 * ended at SND.UNA == its end, and the fast retransmit lowers ssthresh. */
static void test_ecn_cc_loss_after_window(void **state) {
    (void)state;
    tk_cc cc = grown();
    assert_int_equal(ecn(&cc, U + 7000, 10000, U + 16000), TK_CC_REDUCED);
    assert_int_equal(ack(&cc, U + 7000, 1000, 10000), TK_CC_NOTHING);
    assert_int_equal(ack(&cc, U + 16000, 9000, 9000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6000); /* avoidance: 9000 bytes >= cwnd */
    for (int i = 0; i < 2; i++)
        assert_int_equal(cc.ops->on_dupack(&cc, 5000, U + 16000, U + 21000), TK_CC_NOTHING);
    assert_int_equal(cc.ops->on_dupack(&cc, 5000, U + 16000, U + 21000), TK_CC_RETRANSMIT);
    assert_int_equal(cc.ssthresh, 2500);
    assert_int_equal(cc.cwnd, 5500);
}

/* Once passed, a reduction window is closed for good: 2^32 bytes later an
 * ACK that compares below its old end still reacts. */
static void test_ecn_cc_window_closed_across_wrap(void **state) {
    (void)state;
    tk_cc cc = grown();
    assert_int_equal(ecn(&cc, U + 7000, 10000, U + 8000), TK_CC_REDUCED);
    assert_int_equal(ack(&cc, U + 9000, 2000, 2000), TK_CC_NOTHING);
    assert_int_equal(ecn(&cc, U + 7500, 10000, U + 20000), TK_CC_REDUCED);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecn_cc_reduce_once_per_window),
        cmocka_unit_test(test_ecn_cc_growth_resumes),
        cmocka_unit_test(test_ecn_cc_floor_and_no_raise),
        cmocka_unit_test(test_ecn_cc_with_fast_recovery),
        cmocka_unit_test(test_ecn_cc_after_timeout),
        cmocka_unit_test(test_ecn_cc_loss_after_window),
        cmocka_unit_test(test_ecn_cc_window_closed_across_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
