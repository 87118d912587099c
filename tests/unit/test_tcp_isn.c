/* Initial sequence numbers per RFC 6528 (SPEC SEC-1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/isn.h"

#define A_ADDR 0xc6120001u /* 198.18.0.1 */
#define B_ADDR 0xc6120002u /* 198.18.0.2 */

static void make_key(uint8_t key[16]) {
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
}

/* Known answer: F = low 32 bits of SipHash-2-4 (key 00..0f) over
 * c6 12 00 01 c0 00 c6 12 00 02 00 50, which is 0x894d404e (computed with an
 * independent SipHash implementation); M = 1 s / 4 us = 250000. */
static void test_SEC_01_isn_known_answer(void **state) {
    (void)state;
    uint8_t key[16];
    make_key(key);
    uint32_t isn = tk_isn_generate(key, A_ADDR, 49152, B_ADDR, 80, TK_SEC(1));
    assert_int_equal(isn, 0x894d404eu + 250000u);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 49152, B_ADDR, 80, 0), 0x894d404eu);
}

static void test_SEC_01_isn_different_tuples_differ(void **state) {
    (void)state;
    uint8_t key[16];
    make_key(key);
    tk_time now = TK_SEC(5);
    uint32_t base = tk_isn_generate(key, A_ADDR, 49152, B_ADDR, 80, now);
    assert_int_not_equal(base, tk_isn_generate(key, A_ADDR, 49153, B_ADDR, 80, now));
    assert_int_not_equal(base, tk_isn_generate(key, A_ADDR, 49152, B_ADDR, 81, now));
    assert_int_not_equal(base, tk_isn_generate(key, A_ADDR + 1, 49152, B_ADDR, 80, now));
    assert_int_not_equal(base, tk_isn_generate(key, A_ADDR, 49152, B_ADDR + 1, 80, now));
    /* The tuple is ordered: swapping the ends gives another ISN. */
    assert_int_not_equal(base, tk_isn_generate(key, B_ADDR, 80, A_ADDR, 49152, now));
}

static void test_SEC_01_isn_advances_by_dt_over_4(void **state) {
    (void)state;
    uint8_t key[16];
    make_key(key);
    tk_time t0 = TK_SEC(100) + 3; /* not a multiple of 4: M truncates */
    uint32_t i0 = tk_isn_generate(key, A_ADDR, 1234, B_ADDR, 80, t0);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1234, B_ADDR, 80, t0 + 1) - i0, 1u);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1234, B_ADDR, 80, t0 - 3) - i0, 0u);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1234, B_ADDR, 80, t0 + 4000) - i0, 1000u);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1234, B_ADDR, 80, t0 + TK_SEC(60)) - i0,
                     15000000u);
}

/* M is now/4 truncated to 32 bits: it wraps every 2^34 microseconds. */
static void test_SEC_01_isn_clock_wraps_modulo_2_32(void **state) {
    (void)state;
    uint8_t key[16];
    make_key(key);
    tk_time period = (tk_time)1 << 34;
    uint32_t a = tk_isn_generate(key, A_ADDR, 1, B_ADDR, 2, 40);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1, B_ADDR, 2, 40 + period), a);
    assert_int_equal(tk_isn_generate(key, A_ADDR, 1, B_ADDR, 2, period - 4) - a, 0xfffffff5u);
}

static void test_SEC_01_isn_different_keys_differ(void **state) {
    (void)state;
    uint8_t k1[16], k2[16];
    make_key(k1);
    make_key(k2);
    k2[7] ^= 0x40u;
    uint32_t a = tk_isn_generate(k1, A_ADDR, 49152, B_ADDR, 80, TK_SEC(1));
    uint32_t b = tk_isn_generate(k2, A_ADDR, 49152, B_ADDR, 80, TK_SEC(1));
    assert_int_not_equal(a, b);
    /* Both still advance with the same clock. */
    assert_int_equal(tk_isn_generate(k2, A_ADDR, 49152, B_ADDR, 80, TK_SEC(2)) - b, 250000u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_01_isn_known_answer),
        cmocka_unit_test(test_SEC_01_isn_different_tuples_differ),
        cmocka_unit_test(test_SEC_01_isn_advances_by_dt_over_4),
        cmocka_unit_test(test_SEC_01_isn_clock_wraps_modulo_2_32),
        cmocka_unit_test(test_SEC_01_isn_different_keys_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
