/* 64-bit division with 32-bit divides (base/div.h), the arithmetic that
 * keeps libgcc's 64-bit division out of a Cortex-M3 build (SPEC EMB-1):
 * the algorithms a 32-bit core runs, checked here on the host against its
 * native division. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/div.h"

/* xorshift64: a fixed stream of dividends of every magnitude. */
static uint64_t next(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_EMB_01_div64_digits_exact(void **state) {
    (void)state;
    static const uint32_t ds[] = {1, 2, 3, 7, 125, 1000, 15625, 65521, 65535};
    static const uint64_t edges[] = {
        0, 1, 999, 1000, 0xffffffffu, 0x100000000u, UINT64_MAX, UINT64_MAX - 1};
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++)
            assert_true(tk_div64_digits(edges[e], ds[k]) == edges[e] / ds[k]);
        uint64_t x = 0x9e3779b97f4a7c15u;
        for (int i = 0; i < 20000; i++) {
            uint64_t n = next(&x) >> (i % 64);
            assert_true(tk_div64_digits(n, ds[k]) == n / ds[k]);
        }
    }
}

static void test_EMB_01_div64_shift_exact(void **state) {
    (void)state;
    static const uint32_t ds[] = {1,        3,           65536,       1000000,
                                  64000000, 0x80000000u, 0xfffffffbu, 0xffffffffu};
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        assert_true(tk_div64_shift(UINT64_MAX, ds[k]) == UINT64_MAX / ds[k]);
        assert_true(tk_div64_shift(0, ds[k]) == 0);
        uint64_t x = 0x2545f4914f6cdd1du;
        for (int i = 0; i < 20000; i++) {
            uint64_t n = next(&x) >> (i % 64);
            assert_true(tk_div64_shift(n, ds[k]) == n / ds[k]);
        }
    }
    assert_int_equal(tk_mod64(UINT64_MAX, 1000), UINT64_MAX % 1000);
}

/* 64-bit divisors (pacing divides by the smoothed RTT and by ratio x cwnd):
 * the 32-bit core's shift path against the host's division. */
static void test_EMB_01_div64_wide_exact(void **state) {
    (void)state;
    static const uint64_t ds[] = {0x100000000u,        0x100000001u,        0xc800000000u,
                                  0x7fffffffffffffffu, 0x8000000000000000u, UINT64_MAX};
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        assert_true(tk_div64_wide(UINT64_MAX, ds[k]) == UINT64_MAX / ds[k]);
        assert_true(tk_div64_wide(ds[k] - 1u, ds[k]) == 0);
        assert_true(tk_div64_wide(ds[k], ds[k]) == 1);
    }
    uint64_t x = 0x853c49e6748fea9bu;
    for (int i = 0; i < 20000; i++) {
        uint64_t n = next(&x);
        uint64_t d = (next(&x) >> (i % 32)) | 0x100000000u;
        assert_true(tk_div64_wide(n, d) == n / d);
        uint64_t small = (next(&x) >> (32 + i % 32)) | 1u;
        assert_true(tk_div64_u64(n, small) == n / small);
        assert_true(tk_div64_u64(n, d) == n / d);
    }
}

/* Milliseconds and seconds of a microsecond time, as the timestamps
 * (RFC 7323 TSval), socket options and TCP_INFO read them. */
static void test_EMB_01_time_ms_sec(void **state) {
    (void)state;
    assert_int_equal(tk_time_ms(TK_MS(1) - 1), 0);
    assert_int_equal(tk_time_ms(TK_MS(1)), 1);
    assert_int_equal(tk_time_sec(TK_SEC(1) - 1), 0);
    assert_int_equal(tk_time_sec(TK_SEC(7200)), 7200);
    uint64_t x = 0x853c49e6748fea9bu;
    for (int i = 0; i < 20000; i++) {
        tk_time t = next(&x) >> (i % 64);
        assert_true(tk_time_ms(t) == t / 1000u);
        assert_true(tk_time_sec(t) == t / 1000000u);
        /* The 16-bit digit path a 32-bit core takes gives the same. */
        assert_true(tk_div64_digits(t >> 3, 125u) == t / 1000u);
        assert_true(tk_div64_digits(t >> 6, 15625u) == t / 1000000u);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_EMB_01_div64_digits_exact),
        cmocka_unit_test(test_EMB_01_div64_shift_exact),
        cmocka_unit_test(test_EMB_01_div64_wide_exact),
        cmocka_unit_test(test_EMB_01_time_ms_sec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
