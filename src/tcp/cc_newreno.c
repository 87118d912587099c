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
 *   keeps it; RENO_RTO marks that no new data was acknowledged since the
 *   last RTO.
 * - ECN (RFC 3168 6.1.2): an ECN-Echo halves the window as a loss does
 *   (ssthresh = max(FlightSize / 2, 2 SMSS), cwnd = min(cwnd, ssthresh)),
 *   without a retransmission, once per window of data: every reduction
 *   (ECN, fast retransmit, timeout) opens a "reduction window" that ends
 *   when an ACK covers what was sent before it (priv[RENO_CWR_END]).
 *   ECN-Echoes inside it change nothing, and a fast retransmit of a segment
 *   sent before an ECN reduction keeps ssthresh (it was lowered within the
 *   last round trip; loss reductions set `recover` to the same end, so
 *   without ECN nothing changes). An ACK that carries ECN-Echo never grows
 *   cwnd.
 *
 * CUBIC (cc_cubic.c) runs on the same machinery: tcp/cc_reno.h. Only the
 * ssthresh of a congestion event and the growth outside recovery differ. */
#include "tcp/cc_reno.h"

#include "base/seq.h"

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

/* RFC 5681 eqn. (4): ssthresh = max(FlightSize / 2, 2 * SMSS); another
 * algorithm's rule when it has one. FlightSize (SND.MAX - SND.UNA) counts
 * SACKed data above a hole, and with SACK new data keeps going out while
 * the hole waits, so it can grow to several windows: a loss would then
 * raise the window. It is bounded by cwnd, as Linux (tcp_reno_ssthresh,
 * cubic) and FreeBSD (tcp_cong_signal) bound theirs; an application-limited
 * flight below cwnd still counts as RFC 5681 asks. */
static uint32_t loss_ssthresh(tk_cc *cc, uint32_t flight, bool rto) {
    if (flight > cc->cwnd)
        flight = cc->cwnd;
    if (cc->ops->ssthresh != NULL)
        return cc->ops->ssthresh(cc, flight, rto);
    return max_u32(flight / 2, 2 * cc->mss);
}

/* Opens the reduction window of a cwnd reduction made now. */
static void reduction_window(tk_cc *cc, uint32_t snd_max) {
    cc->priv8[0] |= RENO_CWR_ON;
    cc->priv[RENO_CWR_END] = snd_max;
}

/* True while the last reduction's window is open. */
static bool in_reduction_window(const tk_cc *cc, uint32_t ack) {
    return (cc->priv8[0] & RENO_CWR_ON) && !tk_seq_gt(ack, cc->priv[RENO_CWR_END]);
}

void tk_cc_reno_init(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments) {
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
    for (unsigned i = 0; i < sizeof cc->priv8; i++)
        cc->priv8[i] = 0;
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

/* NewReno's growth: slow start and byte-counted congestion avoidance. */
static void newreno_grow(tk_cc *cc, uint32_t acked) {
    if (cc->cwnd < cc->ssthresh) {
        /* Slow start, RFC 5681 eqn. (2). */
        cc->cwnd = sat_add(cc->cwnd, min_u32(acked, cc->mss));
        return;
    }
    /* Congestion avoidance with byte counting (RFC 5681 3.1, RFC 3465). */
    cc->bytes_acked = sat_add(cc->bytes_acked, acked);
    if (cc->bytes_acked >= cc->cwnd) {
        cc->bytes_acked -= cc->cwnd;
        cc->cwnd = sat_add(cc->cwnd, cc->mss);
    }
}

static void newreno_init(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments) {
    tk_cc_reno_init(cc, mss, snd_una, iw_segments);
}

int tk_cc_reno_on_ack(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight, uint32_t snd_nxt) {
    (void)snd_nxt;
    bool ece = (cc->priv8[0] & RENO_ECE) != 0;
    cc->priv8[0] &= (uint8_t)~RENO_ECE;
    cc->dupacks = 0;
    if (acked > 0)
        cc->priv8[0] &= (uint8_t)~RENO_RTO;
    /* Closed once passed, so that a stale end cannot look ahead again
     * after 2^31 more bytes. */
    if (!in_reduction_window(cc, ack))
        cc->priv8[0] &= (uint8_t)~RENO_CWR_ON;
    if (cc->in_recovery)
        return acked > 0 ? recovery_ack(cc, ack, acked, flight) : TK_CC_NOTHING;
    if (tk_seq_gt(ack - 1, cc->recover))
        cc->recover = ack - 1;
    if (ece)
        return TK_CC_NOTHING; /* RFC 3168 6.1.2: no growth on an ECN-Echo */
    if (cc->ops->grow != NULL)
        cc->ops->grow(cc, acked);
    else
        newreno_grow(cc, acked);
    return TK_CC_NOTHING;
}

int tk_cc_reno_on_dupack(tk_cc *cc, uint32_t flight, uint32_t snd_una, uint32_t snd_nxt) {
    cc->priv8[0] &= (uint8_t)~RENO_ECE;
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
    /* RFC 3168 6.1.2: ssthresh is not lowered twice within a round trip
     * (an ECN-Echo reduced it for the window the lost segment is in). */
    if (!(cc->priv8[0] & RENO_CWR_ON) || !tk_seq_lt(snd_una, cc->priv[RENO_CWR_END]))
        cc->ssthresh = loss_ssthresh(cc, flight, false);
    reduction_window(cc, snd_nxt);
    cc->recover = snd_nxt - 1u; /* the highest sequence number sent */
    cc->cwnd = sat_add(cc->ssthresh, CC_DUPTHRESH * cc->mss);
    cc->in_recovery = true;
    cc->bytes_acked = 0;
    return TK_CC_RETRANSMIT;
}

void tk_cc_reno_on_rto(tk_cc *cc, uint32_t flight, uint32_t snd_nxt) {
    if (!(cc->priv8[0] & RENO_RTO))
        cc->ssthresh = loss_ssthresh(cc, flight, true);
    cc->priv8[0] |= RENO_RTO;
    reduction_window(cc, snd_nxt);
    cc->cwnd = cc->mss; /* loss window, RFC 5681 eqn. (4) note */
    cc->in_recovery = false;
    cc->dupacks = 0;
    cc->bytes_acked = 0;
    /* RFC 6582 4.2: duplicate ACKs for data sent before the timeout must not
     * start a fast retransmit. */
    cc->recover = snd_nxt - 1u;
}

void tk_cc_reno_on_idle(tk_cc *cc) {
    /* RFC 5681 4.1: restart window RW = min(IW, cwnd). */
    cc->cwnd = min_u32(cc->cwnd, cc->iw);
}

int tk_cc_reno_on_ecn(tk_cc *cc, uint32_t ack, uint32_t flight, uint32_t snd_max) {
    cc->priv8[0] |= RENO_ECE; /* the on_ack / on_dupack that follows */
    if (cc->in_recovery || in_reduction_window(cc, ack))
        return TK_CC_NOTHING; /* once per window of data */
    cc->ssthresh = loss_ssthresh(cc, flight, false);
    cc->cwnd = min_u32(cc->cwnd, cc->ssthresh);
    cc->bytes_acked = 0;
    reduction_window(cc, snd_max);
    return TK_CC_REDUCED;
}

/* RFC 4015 3 (and Linux's undo): cwnd and ssthresh as before the
 * reduction, unless they have grown past that since; recovery and the
 * reduction window end. CUBIC keeps its own state (its W_max stays the
 * reduced one, as Linux's cubic does on undo). */
void tk_cc_reno_undo(tk_cc *cc, uint32_t prior_cwnd, uint32_t prior_ssthresh) {
    cc->cwnd = max_u32(cc->cwnd, prior_cwnd);
    cc->ssthresh = max_u32(cc->ssthresh, prior_ssthresh);
    cc->in_recovery = false;
    cc->dupacks = 0;
    cc->bytes_acked = 0;
    cc->priv8[0] &= (uint8_t) ~(RENO_RTO | RENO_CWR_ON);
}

const tk_cc_ops tk_cc_newreno = {
    .name = "newreno",
    .init = newreno_init,
    .on_ack = tk_cc_reno_on_ack,
    .on_dupack = tk_cc_reno_on_dupack,
    .on_rto = tk_cc_reno_on_rto,
    .on_idle = tk_cc_reno_on_idle,
    .on_ecn = tk_cc_reno_on_ecn,
    .undo = tk_cc_reno_undo,
};
