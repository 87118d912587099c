/* CUBIC congestion control (RFC 9438, SPEC DT-13) on the recovery machinery
 * NewReno uses (tcp/cc_reno.h), with HyStart++ (RFC 9406) in the initial
 * slow start.
 *
 * Choices where the RFC leaves room:
 * - 4.6: ssthresh = max(FlightSize * beta_cubic, 2 SMSS), FlightSize as in
 *   RFC 5681 (the RFC's flight_size), so an application-limited cwnd does
 *   not set it. Fast convergence (4.7) is on: W_max = cwnd (1 + beta) / 2
 *   when cwnd is below the previous W_max.
 * - 4.8: after a timeout W_max is forgotten, so the next epoch starts with
 *   K = 0 and W_max = cwnd at the start of congestion avoidance.
 * - An epoch starts at the first ACK in congestion avoidance after a
 *   reduction (or the end of slow start, or an idle restart); if cwnd is at
 *   or above W_max then, W_max becomes cwnd and K = 0 (as Linux's origin
 *   point).
 * - 4.2: the target is W_cubic(t + RTT), RTT being the smallest sample of
 *   the last round (HyStart++'s bookkeeping, kept in every phase), clamped
 *   to [cwnd, 1.5 cwnd]; cwnd grows by (target - cwnd) / cwnd per SMSS
 *   acknowledged, in bytes (truncated).
 * - 4.3: W_est grows by alpha_cubic SMSS per cwnd of bytes acknowledged
 *   (RFC 3465 byte counting in bytes_acked), alpha = 1 once W_est reaches
 *   W_max; cwnd is never below W_est (the Reno-friendly region).
 * - Slow start after the initial one (ssthresh already set) is RFC 5681's,
 *   min(acked, SMSS) per ACK, as RFC 9406 4.2 recommends: a timeout's
 *   stretch ACKs do not make a burst. */
#include "tcpkit/opts.h"

#if TK_WITH_CUBIC /* compiled out: NewReno is the only controller */
#include "base/div.h"
#include "tcp/cc_cubic.h"
#include "tcp/cc_reno.h"

static uint32_t cubic_min(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

static void cubic_init(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments) {
    tk_cc_reno_init(cc, mss, snd_una, iw_segments);
    cc->ops = &tk_cc_cubic;
    tk_hystart_init(cc);
}

static void cubic_sample(tk_cc *cc, uint32_t ack, uint32_t snd_nxt, uint32_t rtt_us, tk_time now) {
    cc->priv[CUBIC_NOW] = (uint32_t)tk_time_ms(now);
    tk_hystart_sample(cc, ack, snd_nxt, rtt_us);
}

static uint32_t cubic_ssthresh(tk_cc *cc, uint32_t flight, bool rto) {
    uint32_t cwnd = cc->cwnd;
    cc->priv8[0] &= (uint8_t) ~(CUBIC_EPOCH_ON | HS_CSS);
    if (rto)
        cc->priv[CUBIC_W_MAX] = 0;         /* 4.8 */
    else if (cwnd < cc->priv[CUBIC_W_MAX]) /* 4.7 fast convergence */
        cc->priv[CUBIC_W_MAX] = (uint32_t)tk_div64_small(
            (uint64_t)cwnd * (TK_CUBIC_BETA_DEN + TK_CUBIC_BETA_NUM), 2u * TK_CUBIC_BETA_DEN);
    else
        cc->priv[CUBIC_W_MAX] = cwnd;
    uint64_t ss = tk_div64_small((uint64_t)flight * TK_CUBIC_BETA_NUM, TK_CUBIC_BETA_DEN);
    return ss > 2u * cc->mss ? (uint32_t)ss : 2u * cc->mss;
}

static void epoch_start(tk_cc *cc) {
    cc->priv8[0] |= CUBIC_EPOCH_ON;
    cc->priv[CUBIC_EPOCH] = cc->priv[CUBIC_NOW];
    cc->priv[CUBIC_W_EST] = cc->cwnd;
    cc->bytes_acked = 0;
    if (cc->cwnd < cc->priv[CUBIC_W_MAX]) {
        cc->priv[CUBIC_K] = tk_cubic_k_ms(cc->priv[CUBIC_W_MAX], cc->cwnd, cc->mss);
    } else {
        cc->priv[CUBIC_K] = 0;
        cc->priv[CUBIC_W_MAX] = cc->cwnd;
    }
}

/* 4.3: W_est += alpha * SMSS per cwnd bytes acknowledged. */
static void reno_friendly(tk_cc *cc, uint32_t acked) {
    uint32_t alpha = cc->priv[CUBIC_W_EST] >= cc->priv[CUBIC_W_MAX] ? 1024u : TK_CUBIC_ALPHA_1024;
    cc->bytes_acked += acked;
    while (cc->bytes_acked >= cc->cwnd) {
        cc->bytes_acked -= cc->cwnd;
        cc->priv[CUBIC_W_EST] += (alpha * cc->mss) >> 10;
    }
}

/* 4.2 and 4.3: growth in congestion avoidance. */
static void cubic_avoid(tk_cc *cc, uint32_t acked) {
    if (!(cc->priv8[0] & CUBIC_EPOCH_ON))
        epoch_start(cc);
    uint32_t t = cc->priv[CUBIC_NOW] - cc->priv[CUBIC_EPOCH] + tk_hystart_min_rtt(cc) / 1000u;
    uint32_t target = tk_cubic_window(cc->priv[CUBIC_W_MAX], cc->priv[CUBIC_K], t, cc->mss);
    uint32_t cwnd = cc->cwnd;
    uint32_t most = cwnd + cwnd / 2u < cwnd ? UINT32_MAX : cwnd + cwnd / 2u;
    target = target < cwnd ? cwnd : target > most ? most : target;
    uint64_t inc = tk_div64((uint64_t)(target - cwnd) * acked, cwnd);
    reno_friendly(cc, acked);
    uint64_t next = cwnd + inc;
    if (next < cc->priv[CUBIC_W_EST])
        next = cc->priv[CUBIC_W_EST];
    cc->cwnd = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
}

static void cubic_grow(tk_cc *cc, uint32_t acked) {
    if (cc->cwnd >= cc->ssthresh) {
        cubic_avoid(cc, acked);
        return;
    }
    if (cc->ssthresh == UINT32_MAX) {
        tk_hystart_grow(cc, acked);
        return;
    }
    uint32_t inc = cubic_min(acked, cc->mss);
    cc->cwnd = cc->cwnd > UINT32_MAX - inc ? UINT32_MAX : cc->cwnd + inc;
}

static void cubic_on_idle(tk_cc *cc) {
    tk_cc_reno_on_idle(cc);
    cc->priv8[0] &= (uint8_t)~CUBIC_EPOCH_ON; /* a new epoch from the restart window */
}

const tk_cc_ops tk_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .on_ack = tk_cc_reno_on_ack,
    .on_dupack = tk_cc_reno_on_dupack,
    .on_rto = tk_cc_reno_on_rto,
    .on_idle = cubic_on_idle,
    .on_ecn = tk_cc_reno_on_ecn,
    .undo = tk_cc_reno_undo,
    .on_sample = cubic_sample,
    .ssthresh = cubic_ssthresh,
    .grow = cubic_grow,
};

#else
typedef int tk_cc_cubic_compiled_out;
#endif
