/* 64-bit division by a 32-bit divisor (base/div.h). */
#include "base/div.h"

/* Restoring division, one quotient bit per step: the remainder stays below
 * d < 2^32 and needs a 33rd bit only between the shift and the subtraction
 * (kept in `carry`). */
uint64_t tk_div64_shift(uint64_t n, uint32_t d) {
    uint64_t q = 0;
    uint32_t r = 0;
    for (int i = 63; i >= 0; i--) {
        uint32_t carry = r >> 31;
        r = r << 1 | (uint32_t)(n >> i & 1u);
        q <<= 1;
        if (carry || r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    return q;
}

/* The quotient is below 2^32 (d >= 2^32): one bit per step from bit 31,
 * subtracting d * 2^i where it does not exceed the remainder (a shift that
 * overflows is larger than any remainder). */
uint64_t tk_div64_wide(uint64_t n, uint64_t d) {
    uint64_t q = 0;
    for (int i = 31; i >= 0; i--) {
        uint64_t di = d << i;
        if (di >> i == d && n >= di) {
            n -= di;
            q |= (uint64_t)1u << i;
        }
    }
    return q;
}
