/* NewReno congestion control: RFC 5681 (slow start, congestion avoidance,
 * fast retransmit / fast recovery) with the RFC 6582 modification for
 * partial acknowledgments, and RFC 3465 byte counting in avoidance.
 *
 * Choices where the RFCs leave room:
 * - IW follows the table of RFC 5681 3.1 (2, 3 or 4 segments by SMSS), or
 *   RFC 6928's formula when tk_config.initial_window names a segment count.
 * - A full ACK ends recovery with RFC 6582 3.2 step 3 option 1:
 *   cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), FlightSize being the
 *   data still outstanding after the ACK, so no burst follows recovery.
 * - A partial ACK deflates cwnd by the newly acknowledged bytes and adds back
 *   one SMSS when it acknowledged at least one SMSS (RFC 6582 3.2 step 5);
 *   cwnd never drops below one SMSS.
 * - Outside recovery `recover` trails the cumulative ACK (ack - 1 once the
 *   ACK passes it). This keeps the "ACK covers more than recover" test of
 *   step 2 meaningful after more than 2^31 bytes without loss.
 * - RFC 5681 3.1 lowers ssthresh on a timeout only when the segment was not
 *   already retransmitted by the timer, so a second RTO for the same loss
 *   keeps it; priv[CC_PRIV_RTO] marks that no new data was acknowledged
 *   since the last RTO. */
#include "tcp/cc.h"

#include "base/seq.h"

#define CC_PRIV_RTO  0
#define CC_DUPTHRESH 3u

static uint32_t sat_add(uint32_t a, uint32_t b) {
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}
static uint32_t max_u32(uint32_t a, uint32_t b) {
    return a > b ? a : b;
}
static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

static uint32_t newreno_iw(uint32_t mss, uint32_t segs) {
    if (segs > 0) /* RFC 6928 2, with N in place of 10 */
        return min_u32(segs * mss, max_u32(2 * mss, segs * 1460u));
    if (mss > 2190)
        return 2 * mss;
    if (mss > 1095)
        return 3 * mss;
    return 4 * mss;
}

/* RFC 5681 eqn. (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
static uint32_t loss_ssthresh(const tk_cc *cc, uint32_t flight) {
    return max_u32(flight / 2, 2 * cc->mss);
}

static void newreno_init(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments) {
    cc->ops = &tk_cc_newreno;
    cc->mss = mss;
    cc->iw = newreno_iw(mss, iw_segments);
    cc->cwnd = cc->iw;
    cc->ssthresh = UINT32_MAX;
    cc->dupacks = 0;
    /* RFC 6582 3.2 step 1: recover starts at the ISS, one below the
     * first byte that can be acknowledged. */
    cc->recover = snd_una - 1;
    cc->in_recovery = false;
    cc->bytes_acked = 0;
    for (unsigned i = 0; i < sizeof cc->priv / sizeof cc->priv[0]; i++)
        cc->priv[i] = 0;
}

static int recovery_ack(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight) {
    if (tk_seq_gt(ack, cc->recover)) {
        /* Full ACK: RFC 6582 3.2 step 3, option 1. */
        uint32_t left = flight > acked ? flight - acked : 0;
        cc->cwnd = min_u32(cc->ssthresh, sat_add(max_u32(left, cc->mss), cc->mss));
        cc->in_recovery = false;
        cc->bytes_acked = 0;
        return TK_CC_NOTHING;
    }
    /* Partial ACK: RFC 6582 3.2 step 5. */
    uint32_t cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
    if (acked >= cc->mss)
        cwnd = sat_add(cwnd, cc->mss);
    cc->cwnd = max_u32(cwnd, cc->mss);
    return TK_CC_RETRANSMIT;
}

static int newreno_on_ack(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight,
                          uint32_t snd_nxt) {
    (void)snd_nxt;
    cc->dupacks = 0;
    if (acked > 0)
        cc->priv[CC_PRIV_RTO] = 0;
    if (cc->in_recovery)
        return acked > 0 ? recovery_ack(cc, ack, acked, flight) : TK_CC_NOTHING;
    if (tk_seq_gt(ack - 1, cc->recover))
        cc->recover = ack - 1;
    if (cc->cwnd < cc->ssthresh) {
        /* Slow start, RFC 5681 eqn. (2). */
        cc->cwnd = sat_add(cc->cwnd, min_u32(acked, cc->mss));
        return TK_CC_NOTHING;
    }
    /* Congestion avoidance with byte counting (RFC 5681 3.1, RFC 3465). */
    cc->bytes_acked = sat_add(cc->bytes_acked, acked);
    if (cc->bytes_acked >= cc->cwnd) {
        cc->bytes_acked -= cc->cwnd;
        cc->cwnd = sat_add(cc->cwnd, cc->mss);
    }
    return TK_CC_NOTHING;
}

static int newreno_on_dupack(tk_cc *cc, uint32_t flight, uint32_t snd_una, uint32_t snd_nxt) {
    if (cc->in_recovery) {
        /* RFC 6582 3.2 step 4: each further duplicate inflates cwnd. */
        cc->cwnd = sat_add(cc->cwnd, cc->mss);
        return TK_CC_NOTHING;
    }
    cc->dupacks++;
    /* RFC 6582 3.2 step 2: only the third duplicate, and only when the
     * cumulative ACK covers more than recover. */
    if (cc->dupacks != CC_DUPTHRESH || !tk_seq_gt(snd_una, cc->recover))
        return TK_CC_NOTHING;
    cc->ssthresh = loss_ssthresh(cc, flight);
    cc->recover = snd_nxt - 1u; /* the highest sequence number sent */
    cc->cwnd = sat_add(cc->ssthresh, CC_DUPTHRESH * cc->mss);
    cc->in_recovery = true;
    cc->bytes_acked = 0;
    return TK_CC_RETRANSMIT;
}

static void newreno_on_rto(tk_cc *cc, uint32_t flight, uint32_t snd_nxt) {
    if (!cc->priv[CC_PRIV_RTO])
        cc->ssthresh = loss_ssthresh(cc, flight);
    cc->priv[CC_PRIV_RTO] = 1;
    cc->cwnd = cc->mss; /* loss window, RFC 5681 eqn. (4) note */
    cc->in_recovery = false;
    cc->dupacks = 0;
    cc->bytes_acked = 0;
    /* RFC 6582 4.2: duplicate ACKs for data sent before the timeout must not
     * start a fast retransmit. */
    cc->recover = snd_nxt - 1u;
}

static void newreno_on_idle(tk_cc *cc) {
    /* RFC 5681 4.1: restart window RW = min(IW, cwnd). */
    cc->cwnd = min_u32(cc->cwnd, cc->iw);
}

const tk_cc_ops tk_cc_newreno = {
    .name = "newreno",
    .init = newreno_init,
    .on_ack = newreno_on_ack,
    .on_dupack = newreno_on_dupack,
    .on_rto = newreno_on_rto,
    .on_idle = newreno_on_idle,
};
