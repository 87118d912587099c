/* RFC 9438's window function in integer arithmetic. Windows are bytes, times
 * milliseconds; C = 0.4 segments/s^3 becomes 4 * mss / 10^10 bytes/ms^3. */
#include "tcp/cc_cubic.h"

#include "base/div.h"

#define CUBIC_DT_MAX (1u << 18) /* ms: 262 s; (2^18)^3 fits 64 bits */

uint32_t tk_cubic_cbrt(uint64_t x) {
    /* Hacker's Delight 11-2: one result bit per 3 bits of x, from the top. */
    uint64_t y = 0;
    for (int s = 63; s >= 0; s -= 3) {
        y <<= 1;
        uint64_t b = 3u * y * (y + 1u) + 1u;
        if ((x >> s) >= b) {
            x -= b << s;
            y++;
        }
    }
    return (uint32_t)y;
}

uint32_t tk_cubic_k_ms(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss) {
    if (cwnd_epoch >= w_max || mss == 0)
        return 0;
    /* K^3 [ms^3] = (W_max - cwnd) / (C * mss) * 10^9 = diff * 2.5 * 10^9 / mss;
     * diff < 2^32 keeps the product below 2^64. */
    uint64_t diff = w_max - cwnd_epoch;
    return tk_cubic_cbrt(tk_div64(diff * (1000000000u / TK_CUBIC_C_NUM * TK_CUBIC_C_DEN), mss));
}

/* C * mss * d^3 in bytes, d in ms (<= 2^18): d^3 / 1000 first, so the
 * product with 4 * mss (< 2^18) stays below 2^64. */
static uint64_t cubic_delta(uint32_t d_ms, uint32_t mss) {
    uint64_t d = d_ms > CUBIC_DT_MAX ? CUBIC_DT_MAX : d_ms;
    uint64_t q = tk_div64_small(d * d * d, 1000u);
    return tk_div64(q * TK_CUBIC_C_NUM * mss, TK_CUBIC_C_DEN * 1000000u);
}

uint32_t tk_cubic_window(uint32_t w_max, uint32_t k_ms, uint32_t t_ms, uint32_t mss) {
    if (t_ms < k_ms) {
        uint64_t d = cubic_delta(k_ms - t_ms, mss);
        return d >= w_max ? 0 : (uint32_t)(w_max - d);
    }
    uint64_t w = w_max + cubic_delta(t_ms - k_ms, mss);
    return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}
