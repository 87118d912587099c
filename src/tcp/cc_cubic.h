/* CUBIC (RFC 9438) and HyStart++ (RFC 9406): the window arithmetic and the
 * slow-start state, in integers only (the core builds freestanding, without
 * libm or floating point). cc_cubic.c is the tk_cc_ops that uses them. */
#ifndef TK_TCP_CC_CUBIC_H
#define TK_TCP_CC_CUBIC_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/cc.h"

/* RFC 9438 4.6 beta_cubic = 0.7 and 4.2 C = 0.4, as fractions. */
#define TK_CUBIC_BETA_NUM 7u
#define TK_CUBIC_BETA_DEN 10u
#define TK_CUBIC_C_NUM    4u
#define TK_CUBIC_C_DEN    10u
/* RFC 9438 4.3 alpha_cubic = 3 (1 - beta) / (1 + beta) = 0.529..., in
 * 1/1024 units (542 / 1024 = 0.5293). */
#define TK_CUBIC_ALPHA_1024 542u

/* floor(cbrt(x)), by the shift-and-subtract method (no division). */
uint32_t tk_cubic_cbrt(uint64_t x);
/* RFC 9438 eqn. (2) in milliseconds: K = cbrt((W_max - cwnd_epoch) / C),
 * windows in bytes, C in segments of mss per second^3; 0 when cwnd_epoch
 * >= W_max. Truncated. */
uint32_t tk_cubic_k_ms(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss);
/* RFC 9438 eqn. (1) in bytes: W_cubic(t) = C (t - K)^3 + W_max, t and K in
 * milliseconds; |t - K| is capped at 2^18 ms, the result at [0,
 * UINT32_MAX]. Each term truncates towards W_max. */
uint32_t tk_cubic_window(uint32_t w_max, uint32_t k_ms, uint32_t t_ms, uint32_t mss);

/* The priv[] words CUBIC uses (priv[0] is the shared machinery's). */
#define CUBIC_W_MAX  1 /* bytes: the window before the last reduction */
#define CUBIC_K      2 /* ms */
#define CUBIC_EPOCH  3 /* ms: start of the current avoidance epoch */
#define CUBIC_W_EST  4 /* bytes: the Reno-friendly estimate (4.3) */
#define CUBIC_NOW    5 /* ms: the time of the ACK being processed */
#define HS_ROUND_END 6 /* HyStart++ windowEnd: a round ends when an ACK passes it */
#define HS_CUR_MIN   7 /* us: currentRoundMinRTT (UINT32_MAX: none) */
#define HS_LAST_MIN  8 /* us: lastRoundMinRTT */
#define HS_CSS_BASE  9 /* us: cssBaselineMinRtt */
/* priv8[0] bits (beside the machinery's), priv8[1] and priv8[2]. */
#define CUBIC_EPOCH_ON 0x10u
#define HS_CSS         0x20u /* in Conservative Slow Start */
#define HS_ROUND_ON    0x40u /* HS_ROUND_END holds a round's end */
#define HS_SAMPLES     1     /* priv8[1]: rttSampleCount of this round (saturates) */
#define HS_CSS_ROUNDS  2     /* priv8[2]: rounds spent in CSS */

/* RFC 9406 4.1 constants. */
#define TK_HS_MIN_RTT_THRESH     4000u  /* us */
#define TK_HS_MAX_RTT_THRESH     16000u /* us */
#define TK_HS_MIN_RTT_DIVISOR    8u
#define TK_HS_N_RTT_SAMPLE       8u
#define TK_HS_CSS_GROWTH_DIVISOR 4u
#define TK_HS_CSS_ROUNDS         5u
#define TK_HS_L                  8u /* segments per ACK at most in slow start (unpaced L) */

/* cc_hystart.c. Clears the HyStart++ state (a new connection). */
void tk_hystart_init(tk_cc *cc);
/* An ACK for new data: starts a round when `ack` passed the last round's
 * end (the new one ends at snd_nxt), and takes the RTT sample (0: none). */
void tk_hystart_sample(tk_cc *cc, uint32_t ack, uint32_t snd_nxt, uint32_t rtt_us);
/* Slow-start growth for `acked` bytes with HyStart++ (initial slow start,
 * ssthresh still "arbitrarily high"): the RTT-increase test, CSS, and the
 * exit to congestion avoidance (ssthresh = cwnd) after CSS_ROUNDS. */
void tk_hystart_grow(tk_cc *cc, uint32_t acked);
/* The smallest RTT of the last complete round, else of this one, in us;
 * 0 when there is no sample yet. */
uint32_t tk_hystart_min_rtt(const tk_cc *cc);

#endif
