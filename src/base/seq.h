/* Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4, SPEC DT-10).
 * Every comparison of sequence numbers in tcpkit goes through these. */
#ifndef TK_BASE_SEQ_H
#define TK_BASE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline int32_t tk_seq_diff(uint32_t a, uint32_t b) {
    return (int32_t)(a - b);
}
static inline bool tk_seq_lt(uint32_t a, uint32_t b) {
    return tk_seq_diff(a, b) < 0;
}
static inline bool tk_seq_leq(uint32_t a, uint32_t b) {
    return tk_seq_diff(a, b) <= 0;
}
static inline bool tk_seq_gt(uint32_t a, uint32_t b) {
    return tk_seq_diff(a, b) > 0;
}
static inline bool tk_seq_geq(uint32_t a, uint32_t b) {
    return tk_seq_diff(a, b) >= 0;
}
/* lo <= x < hi */
static inline bool tk_seq_in(uint32_t x, uint32_t lo, uint32_t hi) {
    return tk_seq_leq(lo, x) && tk_seq_lt(x, hi);
}
static inline uint32_t tk_seq_max(uint32_t a, uint32_t b) {
    return tk_seq_gt(a, b) ? a : b;
}
static inline uint32_t tk_seq_min(uint32_t a, uint32_t b) {
    return tk_seq_lt(a, b) ? a : b;
}

#endif
