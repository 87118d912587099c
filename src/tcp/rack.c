/* RACK-TLP (RFC 8985, SPEC DT-12): time-based loss detection over the
 * transmit log kept in the SACK board (tcp/sack.h), the reordering window
 * and its timer, and the tail loss probe. The retransmission timer slot
 * serves all three timers (RTO, probe, reordering), as in Linux; rack.timer
 * says which one it holds.
 *
 * The log (rack_log.c): records of contiguous bytes sent at one time, from
 * SND.UNA to SND.MAX. A "segment" of RFC 8985 is the part of a record in
 * one hole between SACKed ranges; its end_seq is the hole's end. */
#include "tcp/rack.h"
#include "tcp/pace.h"

#include <string.h>

#include "base/seq.h"
#include "tcp/rack_log.h"
#include "tcp/state.h"

#define DUPTHRESH    3u
#define REO_PERSIST  16u /* RFC 8985 6.2 step 4: rounds a widened window lasts */
#define REO_MULT_MAX 32u
#define PIECES_MAX   (TK_RACK_SEGS + TK_SACK_BOARD + 1)

/* RFC 8985 6.2 RACK_sent_after(): sent later, or at once and higher. */
static bool sent_after(uint32_t ax, uint32_t aend, uint32_t bx, uint32_t bend) {
    return tk_rack_after32(ax, bx) || (ax == bx && tk_seq_gt(aend, bend));
}

bool tk_rack_active(const tk_tcb *tp) {
    return tk_rack_log_on(tp);
}

void tk_rack_start(tk_stack *s, tk_tcb *tp) {
    if (!TK_WITH_RACK || !s->cfg.rack || !(tp->flags & TK_TF_SACK) || tk_rack_active(tp))
        return;
    tk_sack_board *b = tk_sack_board_take(s, tp);
    if (b == NULL)
        return;
    memset(&b->rack, 0, sizeof b->rack);
    b->rack.on = true;
    b->rack.min_rtt = UINT32_MAX;
    b->rack.reo_mult = 1;
    b->rack.fack = tp->snd_una;
}

/* An echo older than the retransmission: the ACK answers the original. */
static bool echo_before(const tk_tcb *tp, const tk_tcp_hdr *h, uint32_t age_us, tk_time now) {
    if (!(tp->flags & TK_TF_TS) || !(h->opts.present & TK_OPT_TS) || h->opts.ts_ecr == 0)
        return false;
    uint32_t echo_age_ms = tk_tcp_ts_now(now) - h->opts.ts_ecr;
    return (uint64_t)echo_age_ms * 1000u > (uint64_t)age_us + 1000u;
}

/* RFC 8985 6.2 steps 1-3 for a delivered segment of record i ending at end. */
static void deliver(tk_tcb *tp, const tk_tcp_hdr *h, uint32_t i, uint32_t end, uint32_t fack0,
                    tk_time now) {
    tk_rack *r = tk_rack_of(tp);
    const tk_rack_seg *g = &r->seg[i];
    uint32_t rtt = tk_rack_us32(now) - tk_rack_xmit_of(g);
    if (tk_rack_flags_of(g) & TK_RACK_RETRANS) {
        /* Step 2: which transmission was delivered is ambiguous. */
        if (echo_before(tp, h, rtt, now) || (r->min_rtt != UINT32_MAX && rtt < r->min_rtt))
            return;
    } else if (tk_seq_lt(end, fack0)) {
        r->reo_seen = true; /* step 3: delivered below a higher one, never resent */
    }
    r->rtt = rtt;
    if (rtt < r->min_rtt)
        r->min_rtt = rtt;
    if (tk_seq_gt(end, r->fack))
        r->fack = end;
    if (!r->valid || sent_after(tk_rack_xmit_of(g), end, r->xmit, r->end_seq)) {
        r->xmit = tk_rack_xmit_of(g);
        r->end_seq = end;
        r->valid = true;
    }
}

/* Every newly delivered part of [l, r): not SACKed before. */
static void deliver_range(tk_tcb *tp, const tk_tcp_hdr *h, uint32_t l, uint32_t e, uint32_t fack0,
                          tk_time now) {
    tk_rack *r = tk_rack_of(tp);
    for (uint32_t i = 0; i < r->n; i++) {
        uint32_t a = tk_seq_max(tk_rack_rec_start(tp, i), l), b = tk_seq_min(r->seg[i].end, e);
        if (tk_seq_lt(a, b) && tk_rack_sacked_in(tp->sack, a, b) < b - a)
            deliver(tp, h, i, b, fack0, now);
    }
}

/* RFC 2883 4: a first block below the cumulative ACK, or inside the second. */
static bool is_dsack(const tk_tcp_hdr *h) {
    if (!(h->opts.present & TK_OPT_SACK) || h->opts.sack_count == 0)
        return false;
    const tk_sack_block *b = h->opts.sack;
    if (tk_seq_leq(b[0].right, h->ack))
        return true;
    return h->opts.sack_count > 1 && tk_seq_geq(b[0].left, b[1].left) &&
           tk_seq_leq(b[0].right, b[1].right);
}

void tk_rack_ack_begin(tk_tcb *tp, const tk_tcp_hdr *h, tk_rack_ack *a, tk_time now) {
    memset(a, 0, sizeof *a);
    a->una = tp->snd_una;
    a->in_recovery = tp->cc.in_recovery;
    if (!tk_rack_active(tp))
        return;
    a->sacked = tk_rack_sacked_in(tp->sack, tp->snd_una, tp->snd_max);
    a->dsack = is_dsack(h);
    if (a->dsack) {
        a->dsack_left = h->opts.sack[0].left;
        a->dsack_right = h->opts.sack[0].right;
    }
    uint32_t fack0 = tk_rack_of(tp)->fack;
    if (tk_seq_gt(h->ack, tp->snd_una))
        deliver_range(tp, h, tp->snd_una, h->ack, fack0, now);
    for (uint32_t k = a->dsack ? 1u : 0u; k < h->opts.sack_count && k < TK_TCP_MAX_SACK; k++) {
        uint32_t l = tk_seq_max(h->opts.sack[k].left, tp->snd_una);
        uint32_t e = tk_seq_min(h->opts.sack[k].right, tp->snd_max);
        if ((h->opts.present & TK_OPT_SACK) && tk_seq_lt(l, e))
            deliver_range(tp, h, l, e, fack0, now);
    }
}

uint32_t tk_rack_reo_wnd(const tk_tcb *tp) {
    if (!tk_rack_active(tp))
        return 0;
    const tk_rack *r = &tp->sack->rack;
    if (!r->reo_seen) {
        if (tp->cc.in_recovery || tp->rexmt_count > 0)
            return 0;
        if (tk_rack_sacked_in(tp->sack, tp->snd_una, tp->snd_max) >
            (DUPTHRESH - 1u) * tk_tcp_seg_max(tp))
            return 0;
    }
    if (r->min_rtt == UINT32_MAX)
        return 0;
    uint64_t w = (uint64_t)r->reo_mult * (r->min_rtt / 4u);
    tk_time srtt = tk_cold(tp)->rtt.srtt;
    if (w > srtt)
        w = srtt;
    return (uint32_t)w;
}

/* RFC 8985 6.2 step 5: marks lost every segment sent before the RACK
 * segment for longer than RACK.rtt + reo_wnd; returns the segments marked,
 * and in *timeout the longest wait of the others (0: none waits). */
static uint32_t detect(tk_stack *s, tk_tcb *tp, tk_time now, uint32_t *timeout) {
    tk_rack *r = tk_rack_of(tp);
    *timeout = 0;
    /* Nothing SACKed, nothing resent: every record was sent after the
     * segments cumulatively acknowledged, so none is lost (6.2 step 5). */
    if (!r->valid || (tp->sack->n == 0 && !r->marked))
        return 0;
    uint32_t reo = tk_rack_reo_wnd(tp), t = tk_rack_us32(now), mss = tk_tcp_seg_max(tp);
    uint32_t lo[PIECES_MAX], hi[PIECES_MAX], np = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        const tk_rack_seg *g = &r->seg[i];
        if (tk_rack_flags_of(g) & TK_RACK_LOST)
            continue;
        uint32_t a = tk_rack_rec_start(tp, i), ha, hb;
        while (np < PIECES_MAX && tk_rack_next_hole(tp->sack, a, g->end, &ha, &hb)) {
            a = hb;
            if (!sent_after(r->xmit, r->end_seq, tk_rack_xmit_of(g), hb))
                continue;
            int32_t remaining = (int32_t)(tk_rack_xmit_of(g) + r->rtt + reo - t);
            if (remaining > 0) {
                if ((uint32_t)remaining > *timeout)
                    *timeout = (uint32_t)remaining;
                continue;
            }
            lo[np] = ha;
            hi[np++] = hb;
        }
    }
    uint32_t segs = 0;
    for (uint32_t k = 0; k < np; k++) {
        tk_rack_flag_range(tp, lo[k], hi[k], TK_RACK_LOST);
        segs += (hi[k] - lo[k] + mss - 1u) / mss;
    }
    s->stats.rack_losses += segs;
    return segs;
}

/* Enters fast recovery on a RACK-detected loss: the cc reduces (through
 * on_dupack at the duplicate threshold) and PRR starts. */
static void enter_recovery(tk_stack *s, tk_tcb *tp) {
    tk_undo_mark(tp);
    tp->cc.dupacks = DUPTHRESH - 1u;
    uint32_t flight = tk_pace_loss_flight(tp);
    if (tp->cc.ops->on_dupack(&tp->cc, flight, tp->snd_una, tp->snd_nxt) != TK_CC_RETRANSMIT)
        return;
    s->stats.fast_retransmits++;
    tk_ecn_cwnd_reduced(tp);
    tk_prr_start(tp);
}

/* Detection, recovery entry and PRR for an ACK (or the reordering timer,
 * delivered = 0). */
static void detect_and_recover(tk_stack *s, tk_tcb *tp, uint32_t delivered, tk_time now) {
    tk_rack *r = tk_rack_of(tp);
    uint32_t timeout;
    uint32_t lost = detect(s, tp, now, &timeout);
    r->reo_on = timeout > 0;
    r->reo_until = tk_rack_us32(now) + timeout;
    bool entered = false;
    if (lost > 0 && tp->cc.ops != NULL && !tp->cc.in_recovery && r->frto == 0 &&
        tk_seq_gt(tp->snd_una, tp->cc.recover)) {
        enter_recovery(s, tp);
        entered = true;
    }
    if (tp->cc.in_recovery && (delivered > 0 || entered))
        tk_prr_on_ack(tp, delivered);
}

/* RFC 8985 7.4: the end of a probe's episode. A retransmitted probe that
 * no D-SACK showed to be a duplicate repaired a loss: the window is
 * reduced as for one (the cc's on_ecn reduction, once per window). */
static void tlp_on_ack(tk_stack *s, tk_tcb *tp, const tk_rack_ack *a) {
    tk_rack *r = tk_rack_of(tp);
    if (!r->tlp_on)
        return;
    if (a->dsack && tk_seq_leq(a->dsack_right, r->tlp_end))
        r->tlp_dsacked = true;
    if (tk_seq_lt(tp->snd_una, r->tlp_end))
        return;
    r->tlp_on = false;
    if (!r->tlp_retrans || r->tlp_dsacked || tp->cc.ops == NULL || tp->cc.in_recovery)
        return;
    s->stats.tlp_recoveries++;
    tk_undo_mark(tp);
    if (tp->cc.ops->on_ecn(&tp->cc, tp->snd_una, tk_pace_loss_flight(tp), tp->snd_max) ==
        TK_CC_REDUCED)
        tk_ecn_cwnd_reduced(tp);
}

/* RFC 8985 6.2 step 4, first half: D-SACKs widen the window for a while. */
static void reo_adapt(tk_tcb *tp, const tk_rack_ack *a) {
    tk_rack *r = tk_rack_of(tp);
    if (r->dsack_round_on && tk_seq_geq(tp->snd_una, r->dsack_end))
        r->dsack_round_on = false;
    if (a->dsack && !r->dsack_round_on) {
        r->dsack_round_on = true;
        r->dsack_end = tp->snd_max;
        if (r->reo_mult < REO_MULT_MAX)
            r->reo_mult++;
        r->reo_persist = REO_PERSIST;
    } else if (a->in_recovery && !tp->cc.in_recovery && r->reo_persist > 0) {
        if (--r->reo_persist == 0)
            r->reo_mult = 1;
    }
}

void tk_rack_ack_end(tk_stack *s, tk_tcb *tp, const tk_tcp_hdr *h, const tk_rack_ack *a,
                     tk_time now) {
    if (!tk_rack_active(tp))
        return;
    tk_rack_prune(tp);
    uint32_t sacked = tk_rack_sacked_in(tp->sack, tp->snd_una, tp->snd_max);
    int64_t delivered = (int64_t)(uint32_t)(tp->snd_una - a->una) + (int64_t)sacked - a->sacked;
    reo_adapt(tp, a);
    if (a->in_recovery && !tp->cc.in_recovery && tp->cc.ops != NULL)
        tk_prr_end(tp); /* before a possible undo, which restores the window before */
    tk_undo_on_ack(s, tp, h, a, now);
    tlp_on_ack(s, tp, a);
    detect_and_recover(s, tp, delivered > 0 ? (uint32_t)delivered : 0, now);
    tk_rack_arm(s, tp, now);
}

/* RFC 8985 7.2: the probe timeout. */
static tk_time pto(const tk_tcb *tp) {
    const tk_rtt *rt = &tk_cold(tp)->rtt;
    tk_time p = TK_SEC(1);
    if (rt->has_sample) {
        p = 2u * (tk_time)rt->srtt;
        if (tp->snd_max - tp->snd_una <= tk_tcp_seg_max(tp))
            p += TK_RACK_MAX_ACK_DELAY;
    }
    if (p < TK_RACK_PTO_MIN)
        p = TK_RACK_PTO_MIN; /* timer granularity, as Linux's TCP_TIMEOUT_MIN */
    tk_time rto = tk_rtt_rto(rt, tp->rexmt_count);
    return p < rto ? p : rto;
}

/* Only our FIN is outstanding: no data to find a loss in (the RTO resends
 * it, and an orphan's retry limit counts those). */
static bool only_fin(const tk_tcb *tp) {
    return (tp->flags & TK_TF_FIN_SENT) && tp->snd_max - tp->snd_una == 1u;
}

static bool tlp_allowed(const tk_tcb *tp) {
    const tk_rack *r = &tp->sack->rack;
    return !only_fin(tp) && !tp->cc.in_recovery && tp->rexmt_count == 0 && !r->tlp_on &&
           r->frto == 0 && !(tp->ecn & TK_ECN_HOLD) && tk_tcb_synchronized(tp) &&
           tp->state != TK_TCP_SYN_RCVD;
}

void tk_rack_arm(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!tk_rack_active(tp))
        return;
    tk_rack *r = tk_rack_of(tp);
    r->arm = false;
    tk_tcb_cold *c = tk_cold(tp);
    if (tp->snd_una == tp->snd_max || tk_tcb_timer_armed(tp, TK_TIMER_PERSIST)) {
        r->timer = TK_RACK_TIMER_RTO;
        return;
    }
    if (r->reo_on) {
        int32_t wait =
            (int32_t)(r->reo_until - tk_rack_us32(now)); /* may have passed (a later output) */
        r->timer = TK_RACK_TIMER_REO;
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, now + (wait > 0 ? (uint32_t)wait : 0u));
        return;
    }
    if (tlp_allowed(tp)) {
        r->timer = TK_RACK_TIMER_TLP;
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, now + pto(tp));
        return;
    }
    if (r->timer != TK_RACK_TIMER_RTO || !tk_tcb_timer_armed(tp, TK_TIMER_RETRANSMIT)) {
        r->timer = TK_RACK_TIMER_RTO;
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, now + tk_rtt_rto(&c->rtt, tp->rexmt_count));
    }
}

/* RFC 8985 7.3: one probe, then the RTO. */
static void send_probe(tk_stack *s, tk_tcb *tp, tk_time now) {
    tk_rack *r = tk_rack_of(tp);
    bool retrans = false;
    if (tk_tcp_send_loss_probe(s, tp, &retrans, now)) {
        s->stats.tlp_probes++;
        r->tlp_on = true;
        r->tlp_retrans = retrans;
        r->tlp_dsacked = false;
        r->tlp_end = tp->snd_max;
    }
    r->timer = TK_RACK_TIMER_RTO;
    tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT,
                     now + tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count));
}

bool tk_rack_timer(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!tk_rack_active(tp))
        return false;
    tk_rack *r = tk_rack_of(tp);
    uint8_t mode = r->timer;
    r->timer = TK_RACK_TIMER_RTO;
    if (mode == TK_RACK_TIMER_TLP) {
        send_probe(s, tp, now);
        return true;
    }
    if (mode != TK_RACK_TIMER_REO)
        return false;
    r->reo_on = false;
    detect_and_recover(s, tp, 0, now);
    tk_tcp_output(s, tp, now);
    tk_rack_arm(s, tp, now);
    return true;
}

void tk_rack_on_rto(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!tk_rack_active(tp))
        return;
    tk_rack *r = tk_rack_of(tp);
    r->reo_on = false;
    r->tlp_on = false;
    if (tp->rexmt_count == 1 && !tp->cc.in_recovery)
        tk_undo_mark(tp);
    /* F-RTO (RFC 5682 2, 1): watch the next two ACKs, when new data
     * could test the timeout. */
    uint32_t qlen = tk_chunkq_len(&tp->sndq), off = tp->snd_max - tp->snd_una;
    bool fin = (tp->flags & TK_TF_FIN_SENT) != 0;
    r->frto = tp->rexmt_count == 1 && !fin && off < qlen && !tp->cc.in_recovery ? 1 : 0;
    /* RFC 8985 6.3: the first segment, and what was sent more than
     * RACK.rtt + reo_wnd ago, are lost. */
    uint32_t t = tk_rack_us32(now), reo = tk_rack_reo_wnd(tp);
    for (uint32_t i = 0; i < r->n; i++) {
        tk_rack_seg *g = &r->seg[i];
        if (tk_rack_flags_of(g) & TK_RACK_LOST)
            continue;
        if (i == 0 || !tk_rack_after32(tk_rack_xmit_of(g) + r->rtt + reo, t)) {
            uint32_t a = tk_rack_rec_start(tp, i);
            if (tk_rack_sacked_in(tp->sack, a, g->end) < g->end - a) {
                g->xf |= TK_RACK_LOST;
                r->marked = true;
            }
        }
    }
    (void)s;
}

bool tk_rack_frto_wait(const tk_tcb *tp) {
    return tk_rack_active(tp) && tp->sack->rack.frto != 0;
}
