/* RFC 6298 retransmission timer computation in integer microseconds.
 *
 * The smoothing uses exact integer forms of the RFC's equations, truncating
 * once per update:
 *   RTTVAR <- (3 * RTTVAR + |SRTT - R'|) / 4          (beta = 1/4)
 *   SRTT   <- (7 * SRTT + R') / 8                       (alpha = 1/8)
 *   RTO    <- SRTT + max(G, K * RTTVAR), K = 4, G = 1 ms
 * then RTO is clamped to [rto_min, rto_max] (2.4, 2.5; the minimum is a
 * setting instead of the RFC's 1 s, as in Linux). Samples are capped at
 * rto_max (at most TK_RTO_LIMIT, below 2^32), so SRTT and RTTVAR, averages
 * of samples, fit the estimator's 32 bits; the sums are taken in 64. */
#include "tcp/rtt.h"

#include "tcpkit/config.h"

#define RTT_K 4u
#define RTT_G TK_MS(1)

static uint32_t cap(tk_time t) {
    return (uint32_t)(t < TK_RTO_LIMIT ? t : TK_RTO_LIMIT);
}

static uint32_t clamp_rto(const tk_rtt *r, tk_time rto) {
    if (rto < r->rto_min)
        rto = r->rto_min;
    if (rto > r->rto_max)
        rto = r->rto_max;
    return (uint32_t)rto;
}

static void rtt_update_rto(tk_rtt *r) {
    tk_time var = (tk_time)RTT_K * r->rttvar;
    r->rto = clamp_rto(r, (tk_time)r->srtt + (var > RTT_G ? var : RTT_G));
}

void tk_rtt_init(tk_rtt *r, tk_time rto_initial, tk_time rto_min, tk_time rto_max) {
    r->srtt = 0;
    r->rttvar = 0;
    r->rto_min = cap(rto_min);
    r->rto_max = rto_max < rto_min ? r->rto_min : cap(rto_max);
    r->rto = clamp_rto(r, rto_initial);
    r->has_sample = false;
}

void tk_rtt_sample(tk_rtt *r, tk_time sample) {
    uint32_t rtt = (uint32_t)(sample < r->rto_max ? sample : r->rto_max);
    if (!r->has_sample) {
        /* 2.2: first measurement */
        r->srtt = rtt;
        r->rttvar = rtt / 2;
        r->has_sample = true;
    } else {
        /* 2.3: RTTVAR is updated before SRTT, with the old SRTT */
        uint32_t delta = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
        r->rttvar = (uint32_t)((3ull * r->rttvar + delta) / 4);
        r->srtt = (uint32_t)((7ull * r->srtt + rtt) / 8);
    }
    rtt_update_rto(r);
}

tk_time tk_rtt_rto(const tk_rtt *r, uint32_t backoff) {
    uint32_t rto = r->rto;
    /* 5.5: double per expiry; stop as soon as the cap is reached. */
    for (uint32_t i = 0; i < backoff && rto > 0 && rto < r->rto_max; i++)
        rto = rto > r->rto_max / 2 ? r->rto_max : rto * 2;
    return rto > r->rto_max ? r->rto_max : rto;
}
