/* NewReno congestion control (SPEC DT-9): RFC 5681 and RFC 6582, exact
 * cwnd/ssthresh through every phase. Sequence numbers start just below 2^32
 * (SPEC DT-10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS 1000u
#define U   0xfffff000u /* SND.UNA at the start; 4096 bytes below the wrap */

static tk_cc fresh(uint32_t mss, uint32_t snd_una) {
    tk_cc cc;
    memset(&cc, 0x5a, sizeof cc); /* init must set every field it uses */
    tk_cc_newreno.init(&cc, mss, snd_una, 0);
    return cc;
}

static int ack(tk_cc *cc, uint32_t a, uint32_t acked, uint32_t flight, uint32_t nxt) {
    return cc->ops->on_ack(cc, a, acked, flight, nxt);
}

static int dup(tk_cc *cc, uint32_t flight, uint32_t una, uint32_t nxt) {
    return cc->ops->on_dupack(cc, flight, una, nxt);
}

static void test_DT_09_initial_window_rfc5681(void **state) {
    (void)state;
    struct {
        uint32_t mss, iw;
    } cases[] = {{536, 2144},  {1000, 4000}, {1095, 4380}, {1096, 3288},
                 {1460, 4380}, {2190, 6570}, {2191, 4382}, {9000, 18000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_cc cc = fresh(cases[i].mss, U);
        assert_int_equal(cc.cwnd, cases[i].iw);
        assert_int_equal(cc.ssthresh, UINT32_MAX);
        assert_int_equal(cc.mss, cases[i].mss);
        assert_ptr_equal(cc.ops, &tk_cc_newreno);
        assert_false(cc.in_recovery);
        assert_int_equal(cc.dupacks, 0);
        assert_int_equal(cc.bytes_acked, 0);
        assert_int_equal(cc.recover, U - 1); /* RFC 6582: the ISS */
    }
    assert_string_equal(tk_cc_newreno.name, "newreno");
}

/* tk_config.initial_window = N: min(N * SMSS, max(2 * SMSS, N * 1460))
 * (RFC 6928 2 with N = 10), which also caps the restart window (RFC 5681
 * 4.1). */
static void test_DT_09_initial_window_rfc6928(void **state) {
    (void)state;
    struct {
        uint32_t mss, segs, iw;
    } cases[] = {{536, 10, 5360},   {1000, 10, 10000}, {1460, 10, 14600}, {1500, 10, 14600},
                 {8000, 10, 16000}, {9000, 10, 18000}, {1000, 1, 1000},   {1460, 64, 93440}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_cc cc;
        memset(&cc, 0x5a, sizeof cc);
        tk_cc_newreno.init(&cc, cases[i].mss, U, cases[i].segs);
        assert_int_equal(cc.cwnd, cases[i].iw);
        assert_int_equal(cc.iw, cases[i].iw);
        cc.cwnd = 3 * cases[i].iw;
        cc.ops->on_idle(&cc);
        assert_int_equal(cc.cwnd, cases[i].iw);
    }
}

static void test_DT_09_slow_start_min_acked_smss(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    assert_int_equal(ack(&cc, U + 1000, 1000, 4000, U + 4000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 5000);
    assert_int_equal(ack(&cc, U + 2500, 1500, 4000, U + 5000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6000); /* min(1500, SMSS) */
    assert_int_equal(ack(&cc, U + 3000, 500, 3500, U + 6000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6500); /* crosses 2^32: U + 4096 wraps */
    assert_int_equal(ack(&cc, U + 3000, 0, 3000, U + 6000), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6500);
}

/* Slow start, fast retransmit, inflation, partial ACKs, full ACK, then
 * slow start up to ssthresh and byte-counted avoidance. */
static void test_DT_09_fast_retransmit_and_recovery(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    ack(&cc, U + 1000, 1000, 4000, U + 4000);
    ack(&cc, U + 2500, 1500, 4000, U + 5000);
    ack(&cc, U + 3000, 500, 3500, U + 6000);
    assert_int_equal(cc.cwnd, 6500);
    uint32_t una = U + 3000, nxt = una + 6500;

    assert_int_equal(dup(&cc, 6500, una, nxt), TK_CC_NOTHING);
    assert_int_equal(dup(&cc, 6500, una, nxt), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 6500); /* first two duplicates change nothing */
    assert_int_equal(dup(&cc, 6500, una, nxt), TK_CC_RETRANSMIT);
    assert_true(cc.in_recovery);
    assert_int_equal(cc.ssthresh, 3250);   /* max(6500/2, 2*SMSS) */
    assert_int_equal(cc.cwnd, 6250);       /* ssthresh + 3*SMSS */
    assert_int_equal(cc.recover, nxt - 1); /* the highest sequence number sent */
    assert_int_equal(dup(&cc, 6500, una, nxt), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 7250); /* inflation */
    nxt += 1000;                     /* one new segment allowed by inflation */

    /* An ACK that acknowledges nothing new changes nothing. */
    assert_int_equal(ack(&cc, una, 0, 7500, nxt), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 7250);
    assert_true(cc.in_recovery);
    /* Partial ACK of 2000: deflate by 2000, add back SMSS, retransmit. */
    assert_int_equal(ack(&cc, una + 2000, 2000, 7500, nxt), TK_CC_RETRANSMIT);
    assert_true(cc.in_recovery);
    assert_int_equal(cc.cwnd, 6250);
    assert_int_equal(cc.dupacks, 0);
    /* Partial ACK of less than SMSS: deflate only. */
    assert_int_equal(ack(&cc, una + 2500, 500, 5500, nxt), TK_CC_RETRANSMIT);
    assert_int_equal(cc.cwnd, 5750);
    assert_int_equal(cc.ssthresh, 3250);

    /* Full ACK (covers recover): option 1, min(ssthresh, max(1000, SMSS) + SMSS). */
    assert_int_equal(ack(&cc, una + 6500, 4000, 5000, nxt), TK_CC_NOTHING);
    assert_false(cc.in_recovery);
    assert_int_equal(cc.cwnd, 2000);
    assert_int_equal(cc.ssthresh, 3250);
    una += 6500;

    /* Slow start again below ssthresh. */
    ack(&cc, una + 1000, 1000, 1000, una + 2000);
    assert_int_equal(cc.cwnd, 3000);
    ack(&cc, una + 2000, 1000, 2000, una + 4000);
    assert_int_equal(cc.cwnd, 4000);
    una += 2000;
    /* Avoidance: one SMSS per cwnd of acknowledged bytes. */
    for (uint32_t i = 1; i <= 3; i++) {
        ack(&cc, una + i * 1000, 1000, 4000, una + 8000);
        assert_int_equal(cc.cwnd, 4000);
        assert_int_equal(cc.bytes_acked, i * 1000);
    }
    ack(&cc, una + 4000, 1000, 4000, una + 8000);
    assert_int_equal(cc.cwnd, 5000);
    assert_int_equal(cc.bytes_acked, 0);
    /* One big ACK carries its excess over into the counter. */
    ack(&cc, una + 10500, 6500, 6500, una + 12000);
    assert_int_equal(cc.cwnd, 6000);
    assert_int_equal(cc.bytes_acked, 1500);
}

static void test_DT_09_full_ack_capped_by_ssthresh(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    uint32_t una = U + 1, nxt = una + 4000;
    dup(&cc, 4000, una, nxt);
    dup(&cc, 4000, una, nxt);
    assert_int_equal(dup(&cc, 4000, una, nxt), TK_CC_RETRANSMIT);
    assert_int_equal(cc.ssthresh, 2000); /* max(2000, 2*SMSS) */
    assert_int_equal(cc.cwnd, 5000);
    for (int i = 0; i < 4; i++)
        dup(&cc, 4000, una, nxt);
    assert_int_equal(cc.cwnd, 9000);
    uint32_t sent = nxt + 5000; /* five more segments went out */
    /* ACK up to nxt: 5000 still outstanding, so the result is ssthresh. */
    assert_int_equal(ack(&cc, nxt, 4000, 9000, sent), TK_CC_NOTHING);
    assert_int_equal(cc.cwnd, 2000);
    assert_false(cc.in_recovery);
}

static void test_DT_09_new_ack_resets_dupack_count(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    uint32_t una = U + 1, nxt = una + 4000;
    dup(&cc, 4000, una, nxt);
    dup(&cc, 4000, una, nxt);
    assert_int_equal(cc.dupacks, 2);
    ack(&cc, una + 1000, 1000, 4000, nxt);
    assert_int_equal(cc.dupacks, 0);
    una += 1000;
    assert_int_equal(dup(&cc, 3000, una, nxt), TK_CC_NOTHING);
    assert_int_equal(dup(&cc, 3000, una, nxt), TK_CC_NOTHING);
    assert_false(cc.in_recovery);
    assert_int_equal(dup(&cc, 3000, una, nxt), TK_CC_RETRANSMIT);
    assert_int_equal(cc.ssthresh, 2000);
}

static void test_DT_09_rto_loss_window_and_held_ssthresh(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    uint32_t una = U + 1;
    for (uint32_t i = 1; i <= 4; i++)
        ack(&cc, una + i * 1000, 1000, 8000, una + 12000);
    assert_int_equal(cc.cwnd, 8000);
    una += 4000;
    cc.ops->on_rto(&cc, 8000, una + 8000);
    assert_int_equal(cc.ssthresh, 4000);
    assert_int_equal(cc.cwnd, 1000);
    assert_int_equal(cc.recover, una + 8000 - 1);
    assert_false(cc.in_recovery);
    /* The same segment times out again: ssthresh is held (RFC 5681 3.1). */
    cc.ops->on_rto(&cc, 2000, una + 8000);
    assert_int_equal(cc.ssthresh, 4000);
    assert_int_equal(cc.cwnd, 1000);
    /* New data acknowledged; a later timeout computes ssthresh again. */
    ack(&cc, una + 1000, 1000, 8000, una + 8000);
    assert_int_equal(cc.cwnd, 2000);
    /* FlightSize 7000 (sent before the first timeout) counts no more than
     * cwnd: max(2000 / 2, 2 SMSS). */
    cc.ops->on_rto(&cc, 7000, una + 8000);
    assert_int_equal(cc.ssthresh, 2000);
    assert_int_equal(cc.cwnd, 1000);
}

/* RFC 6582 4.2: duplicate ACKs for data sent before the RTO do not start a
 * fast retransmit; once the ACK passes recover, they do again. */
static void test_DT_09_no_false_fast_retransmit_after_rto(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    uint32_t una = U + 1, nxt = una + 4000;
    cc.ops->on_rto(&cc, 4000, nxt);
    ack(&cc, una + 1000, 1000, 4000, nxt);
    una += 1000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(dup(&cc, 3000, una, nxt), TK_CC_NOTHING);
    assert_false(cc.in_recovery);
    assert_int_equal(cc.cwnd, 2000);
    ack(&cc, nxt + 1000, 4000, 4000, nxt + 2000); /* passes recover */
    una = nxt + 1000;
    dup(&cc, 1000, una, nxt + 2000);
    dup(&cc, 1000, una, nxt + 2000);
    assert_int_equal(dup(&cc, 1000, una, nxt + 2000), TK_CC_RETRANSMIT);
    assert_int_equal(cc.recover, nxt + 2000 - 1);
}

/* After more than 2^31 bytes without loss, fast retransmit still works
 * (recover must not fall half the sequence space behind). */
static void test_DT_09_fast_retransmit_after_long_transfer(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    uint32_t una = U + 1;
    for (int i = 0; i < 3; i++) {
        ack(&cc, una + 1000000000u, 1000000000u, 1000000000u, una + 1000000000u);
        una += 1000000000u;
    }
    dup(&cc, 8000, una, una + 8000);
    dup(&cc, 8000, una, una + 8000);
    assert_int_equal(dup(&cc, 8000, una, una + 8000), TK_CC_RETRANSMIT);
    assert_int_equal(cc.ssthresh, 3500); /* half of cwnd 7000 (4000 + 3 SMSS of slow start) */
}

static void test_DT_09_idle_restart_window(void **state) {
    (void)state;
    tk_cc cc = fresh(MSS, U);
    for (uint32_t i = 1; i <= 3; i++)
        ack(&cc, U + i * 1000, 1000, 4000, U + 8000);
    assert_int_equal(cc.cwnd, 7000);
    cc.ops->on_idle(&cc);
    assert_int_equal(cc.cwnd, 4000); /* min(IW, cwnd) */
    cc.ops->on_rto(&cc, 4000, U + 8000);
    assert_int_equal(cc.cwnd, 1000);
    cc.ops->on_idle(&cc);
    assert_int_equal(cc.cwnd, 1000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_09_initial_window_rfc5681),
        cmocka_unit_test(test_DT_09_initial_window_rfc6928),
        cmocka_unit_test(test_DT_09_slow_start_min_acked_smss),
        cmocka_unit_test(test_DT_09_fast_retransmit_and_recovery),
        cmocka_unit_test(test_DT_09_full_ack_capped_by_ssthresh),
        cmocka_unit_test(test_DT_09_new_ack_resets_dupack_count),
        cmocka_unit_test(test_DT_09_rto_loss_window_and_held_ssthresh),
        cmocka_unit_test(test_DT_09_no_false_fast_retransmit_after_rto),
        cmocka_unit_test(test_DT_09_fast_retransmit_after_long_transfer),
        cmocka_unit_test(test_DT_09_idle_restart_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
