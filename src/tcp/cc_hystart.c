/* HyStart++ (RFC 9406): slow start that watches the round trip time and,
 * when it rises, continues more slowly (Conservative Slow Start) before
 * leaving for congestion avoidance, instead of overshooting until loss.
 * Rounds are ACK-delimited (4.2): one ends when an ACK passes the SND.NXT
 * of its start. Used only in the initial slow start (ssthresh still at its
 * initial "arbitrarily high" value), as 4.2 recommends. */
#include "tcpkit/opts.h"

#if TK_WITH_CUBIC /* compiled out: NewReno is the only controller */
#include "base/seq.h"
#include "tcp/cc_cubic.h"

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

void tk_hystart_init(tk_cc *cc) {
    cc->priv[HS_CUR_MIN] = UINT32_MAX;
    cc->priv[HS_LAST_MIN] = UINT32_MAX;
    cc->priv[HS_CSS_BASE] = UINT32_MAX;
    cc->priv[HS_ROUND_END] = 0;
    cc->priv8[0] &= (uint8_t) ~(HS_CSS | HS_ROUND_ON);
    cc->priv8[HS_SAMPLES] = 0;
    cc->priv8[HS_CSS_ROUNDS] = 0;
}

void tk_hystart_sample(tk_cc *cc, uint32_t ack, uint32_t snd_nxt, uint32_t rtt_us) {
    if (!(cc->priv8[0] & HS_ROUND_ON) || tk_seq_geq(ack, cc->priv[HS_ROUND_END])) {
        cc->priv[HS_LAST_MIN] = cc->priv[HS_CUR_MIN];
        cc->priv[HS_CUR_MIN] = UINT32_MAX;
        cc->priv8[HS_SAMPLES] = 0;
        cc->priv[HS_ROUND_END] = snd_nxt;
        cc->priv8[0] |= HS_ROUND_ON;
        if ((cc->priv8[0] & HS_CSS) && cc->priv8[HS_CSS_ROUNDS] < UINT8_MAX)
            cc->priv8[HS_CSS_ROUNDS]++;
    }
    if (rtt_us == 0)
        return;
    if (rtt_us < cc->priv[HS_CUR_MIN])
        cc->priv[HS_CUR_MIN] = rtt_us;
    if (cc->priv8[HS_SAMPLES] < UINT8_MAX)
        cc->priv8[HS_SAMPLES]++;
}

uint32_t tk_hystart_min_rtt(const tk_cc *cc) {
    uint32_t r = cc->priv[HS_LAST_MIN] != UINT32_MAX ? cc->priv[HS_LAST_MIN] : cc->priv[HS_CUR_MIN];
    return r == UINT32_MAX ? 0 : r;
}

/* 4.2: the RTT-increase test of slow start, and CSS's way back. */
static void hystart_check(tk_cc *cc) {
    uint32_t cur = cc->priv[HS_CUR_MIN], last = cc->priv[HS_LAST_MIN];
    if (cc->priv8[HS_SAMPLES] < TK_HS_N_RTT_SAMPLE || cur == UINT32_MAX)
        return;
    if (!(cc->priv8[0] & HS_CSS)) {
        if (last == UINT32_MAX)
            return;
        uint32_t thresh =
            clamp_u32(last / TK_HS_MIN_RTT_DIVISOR, TK_HS_MIN_RTT_THRESH, TK_HS_MAX_RTT_THRESH);
        if (cur >= last + thresh) {
            cc->priv[HS_CSS_BASE] = cur;
            cc->priv8[0] |= HS_CSS;
            cc->priv8[HS_CSS_ROUNDS] = 0;
        }
    } else if (cur < cc->priv[HS_CSS_BASE]) {
        /* The increase was spurious: back to slow start. */
        cc->priv[HS_CSS_BASE] = UINT32_MAX;
        cc->priv8[0] &= (uint8_t)~HS_CSS;
    }
}

void tk_hystart_grow(tk_cc *cc, uint32_t acked) {
    hystart_check(cc);
    if ((cc->priv8[0] & HS_CSS) && cc->priv8[HS_CSS_ROUNDS] >= TK_HS_CSS_ROUNDS) {
        /* CSS lasted CSS_ROUNDS rounds: enter congestion avoidance. */
        cc->ssthresh = cc->cwnd;
        cc->priv8[0] &= (uint8_t)~HS_CSS;
        return;
    }
    uint32_t inc = acked < TK_HS_L * cc->mss ? acked : TK_HS_L * cc->mss;
    if (cc->priv8[0] & HS_CSS)
        inc /= TK_HS_CSS_GROWTH_DIVISOR;
    cc->cwnd = cc->cwnd > UINT32_MAX - inc ? UINT32_MAX : cc->cwnd + inc;
}

#else
typedef int tk_cc_hystart_compiled_out;
#endif
