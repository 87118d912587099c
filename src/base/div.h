/* 64-bit unsigned division with 32-bit divides only. On a 32-bit core a
 * plain `uint64_t / uint32_t` calls libgcc's 64-by-64 routine
 * (__aeabi_uldivmod, 756 bytes on a Cortex-M3, and slow); the stack's time
 * is 64-bit microseconds and its conversions to milliseconds and seconds
 * divide by 2^k * m with m < 2^16, which 16-bit long division does exactly
 * with the core's own divide instruction. A 64-bit host divides natively;
 * the results are the same (tests/unit/test_base_div.c compares them). */
#ifndef TK_BASE_DIV_H
#define TK_BASE_DIV_H

#include <stdint.h>

#include "tcpkit/types.h"

/* n / d for 0 < d < 65536 by 16-bit digits: every partial dividend is
 * below d * 2^16, so each step is one 32-bit divide. */
static inline uint64_t tk_div64_digits(uint64_t n, uint32_t d) {
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t q1 = hi / d;
    uint32_t t = (hi % d) << 16 | lo >> 16;
    uint32_t q2 = t / d;
    t = (t % d) << 16 | (lo & 0xffffu);
    uint32_t q3 = t / d;
    return (uint64_t)q1 << 32 | (uint64_t)(q2 << 16 | q3);
}

/* n / d for 0 < d < 65536. */
static inline uint64_t tk_div64_small(uint64_t n, uint32_t d) {
#if UINTPTR_MAX > 0xffffffffu
    return n / d;
#else
    return tk_div64_digits(n, d);
#endif
}

/* n / d for any d > 0 by shifts and subtractions (what tk_div64 does on a
 * 32-bit core when neither n nor d is small). */
uint64_t tk_div64_shift(uint64_t n, uint32_t d);

/* n / d for any d > 0 (sizes computed at setup). */
static inline uint64_t tk_div64(uint64_t n, uint32_t d) {
#if UINTPTR_MAX > 0xffffffffu
    return n / d;
#else
    if (n >> 32 == 0)
        return (uint32_t)n / d;
    return d < 65536u ? tk_div64_digits(n, d) : tk_div64_shift(n, d);
#endif
}

/* n / d for d >= 2^32 (the quotient is below 2^32), by shifts. */
uint64_t tk_div64_wide(uint64_t n, uint64_t d);

/* n / d for any 64-bit d > 0. */
static inline uint64_t tk_div64_u64(uint64_t n, uint64_t d) {
#if UINTPTR_MAX > 0xffffffffu
    return n / d;
#else
    return d >> 32 == 0 ? tk_div64(n, (uint32_t)d) : tk_div64_wide(n, d);
#endif
}

/* n % d for any d > 0. */
static inline uint32_t tk_mod64(uint64_t n, uint32_t d) {
    return (uint32_t)(n - tk_div64(n, d) * d);
}

/* Whole milliseconds and seconds of a time (1000 = 2^3 * 125,
 * 1 000 000 = 2^6 * 15625: floor(floor(t / 2^k) / m) = floor(t / (2^k m))). */
static inline uint64_t tk_time_ms(tk_time t) {
    return tk_div64_small(t >> 3, 125u);
}
static inline uint64_t tk_time_sec(tk_time t) {
    return tk_div64_small(t >> 6, 15625u);
}

#endif
