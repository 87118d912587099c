/* Sequence arithmetic modulo 2^32 (SPEC DT-10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/seq.h"

static void test_DT_10_diff_across_wrap(void **state) {
    (void)state;
    assert_int_equal(tk_seq_diff(5, 0xfffffffbu), 10);
    assert_int_equal(tk_seq_diff(0xfffffffbu, 5), -10);
    assert_int_equal(tk_seq_diff(0, 0xffffffffu), 1);
    assert_int_equal(tk_seq_diff(0x80000000u, 0), INT32_MIN);
    assert_int_equal(tk_seq_diff(0x7fffffffu, 0), INT32_MAX);
}

static void test_DT_10_compare_across_wrap(void **state) {
    (void)state;
    uint32_t isn = 0xfffffff0u;   /* ISN just below 2^32 */
    uint32_t after = isn + 0x20u; /* wrapped to 0x10 */
    assert_int_equal(after, 0x10u);
    assert_true(tk_seq_lt(isn, after));
    assert_true(tk_seq_leq(isn, after));
    assert_false(tk_seq_gt(isn, after));
    assert_false(tk_seq_geq(isn, after));
    assert_true(tk_seq_gt(after, isn));
    assert_true(tk_seq_geq(after, isn));
    assert_false(tk_seq_lt(after, isn));
    assert_true(tk_seq_leq(after, after));
    assert_true(tk_seq_geq(after, after));
    assert_false(tk_seq_lt(after, after));
    assert_false(tk_seq_gt(after, after));
}

static void test_DT_10_half_space_boundary(void **state) {
    (void)state;
    /* 2^31 - 1 ahead is "after"; 2^31 ahead is read as "before". */
    assert_true(tk_seq_gt(0xfffffff0u + 0x7fffffffu, 0xfffffff0u));
    assert_true(tk_seq_lt(0xfffffff0u + 0x80000000u, 0xfffffff0u));
}

static void test_DT_10_in_window_across_wrap(void **state) {
    (void)state;
    uint32_t lo = 0xfffffc00u, hi = lo + 2048u; /* window [lo, 0x400) */
    assert_int_equal(hi, 0x400u);
    assert_true(tk_seq_in(lo, lo, hi));
    assert_true(tk_seq_in(0xffffffffu, lo, hi));
    assert_true(tk_seq_in(0, lo, hi));
    assert_true(tk_seq_in(0x3ffu, lo, hi));
    assert_false(tk_seq_in(0x400u, lo, hi));
    assert_false(tk_seq_in(lo - 1, lo, hi));
    assert_false(tk_seq_in(lo, lo, lo)); /* empty window */
}

static void test_DT_10_min_max_across_wrap(void **state) {
    (void)state;
    assert_int_equal(tk_seq_max(0xfffffffeu, 3), 3u);
    assert_int_equal(tk_seq_max(3, 0xfffffffeu), 3u);
    assert_int_equal(tk_seq_min(0xfffffffeu, 3), 0xfffffffeu);
    assert_int_equal(tk_seq_min(3, 0xfffffffeu), 0xfffffffeu);
    assert_int_equal(tk_seq_max(7, 7), 7u);
}

static void test_DT_10_isn_below_wrap_handshake(void **state) {
    (void)state;
    /* SYN consumes one number: ISS = 2^32 - 1, SND.NXT after SYN = 0. */
    uint32_t iss = 0xffffffffu;
    uint32_t snd_nxt = iss + 1u;
    uint32_t snd_una = iss;
    assert_int_equal(snd_nxt, 0u);
    assert_true(tk_seq_lt(snd_una, snd_nxt));
    /* An ACK of 1000 bytes of data after the SYN. */
    uint32_t ack = snd_nxt + 1000u;
    assert_true(tk_seq_in(ack, snd_una + 1u, snd_nxt + 1001u));
    assert_int_equal(tk_seq_diff(ack, iss), 1001);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_10_diff_across_wrap),
        cmocka_unit_test(test_DT_10_compare_across_wrap),
        cmocka_unit_test(test_DT_10_half_space_boundary),
        cmocka_unit_test(test_DT_10_in_window_across_wrap),
        cmocka_unit_test(test_DT_10_min_max_across_wrap),
        cmocka_unit_test(test_DT_10_isn_below_wrap_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
