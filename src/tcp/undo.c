/* Spurious retransmissions (SPEC DT-15): the window before a reduction is
 * remembered when a loss episode starts (fast recovery, a timeout, a loss
 * repaired by a tail loss probe), and given back through the cc's undo
 * hook when the episode proves spurious:
 * - D-SACK (RFC 2883, as RFC 3708 suggests): every retransmission of the
 *   episode came back reported as a duplicate (D-SACKs of data below the
 *   episode's start, resent in an earlier one, do not count);
 * - Eifel detection (RFC 3522) with the response of RFC 4015: the ACK
 *   that covers the episode's data echoes a timestamp older than the
 *   episode's first retransmission, so it answers an original;
 * - F-RTO (RFC 5682 2): after a timeout, the first ACK advances: two new
 *   segments go out instead of retransmissions; if the next ACK advances
 *   too, the timeout was spurious. */
#include "base/seq.h"
#include "tcp/rack.h"
#include "tcp/state.h"

void tk_undo_mark(tk_tcb *tp) {
    tk_rack *r = &tp->sack->rack;
    r->prior_cwnd = tp->cc.cwnd;
    r->prior_ssthresh = tp->cc.ssthresh;
    r->undo_start = tp->snd_una;
    r->undo_end = tp->snd_max;
    r->undo_retrans = 0;
    r->undo_on = true;
    r->undo_ts = false;
    r->undo_ts_used = false;
}

void tk_undo_retransmitted(tk_tcb *tp, tk_time now) {
    tk_rack *r = &tp->sack->rack;
    if (!r->undo_on)
        return;
    if (r->undo_retrans < UINT16_MAX)
        r->undo_retrans++;
    /* RFC 3522 2: the first retransmission of the episode only. */
    if (!r->undo_ts_used && (tp->flags & TK_TF_TS)) {
        r->undo_tsval = tk_tcp_ts_now(now);
        r->undo_ts = true;
        r->undo_ts_used = true;
    }
}

/* reordered: the evidence (D-SACK, Eifel) shows an original delivered
 * after data sent later, which is reordering (RFC 8985 6.2 step 3), as
 * Linux's undo counts it (tcp_try_undo_partial). Found any other way, the
 * reordering window stays 0 during recovery, every late original is
 * resent at once, and its D-SACK only undoes the episode: with 2 %
 * reordering (5 ms) and no loss, 117 of 5,800 segments resent. */
static void undo(tk_stack *s, tk_tcb *tp, bool reordered) {
    tk_rack *r = &tp->sack->rack;
    if (reordered)
        r->reo_seen = true;
    if (tp->cc.ops != NULL && tp->cc.ops->undo != NULL)
        tp->cc.ops->undo(&tp->cc, r->prior_cwnd, r->prior_ssthresh);
    r->undo_on = false;
    r->frto = 0;
    tk_rack_unmark(tp);
    s->stats.spurious_undos++;
}

/* RFC 5682 2 b and 3 b. */
static void frto_ack(tk_stack *s, tk_tcb *tp, const tk_rack_ack *a, tk_time now) {
    tk_rack *r = &tp->sack->rack;
    bool advanced = tk_seq_gt(tp->snd_una, a->una);
    if (r->frto == 1) {
        r->frto = 0;
        if (advanced && tk_seq_lt(tp->snd_una, r->undo_end) &&
            tk_tcp_send_new_segments(s, tp, 2, now) > 0)
            r->frto = 2;
        return;
    }
    r->frto = 0;
    if (advanced)
        undo(s, tp, false); /* a delay spike, not reordering */
}

void tk_undo_on_ack(tk_stack *s, tk_tcb *tp, const tk_tcp_hdr *h, const tk_rack_ack *a,
                    tk_time now) {
    tk_rack *r = &tp->sack->rack;
    if (!r->undo_on)
        return;
    /* RFC 3522 2 on the first ACK that covers the whole episode (as Linux's
     * tcp_packet_delayed at the end of recovery): the first ACK past the
     * first resend may come from an original that was only late while
     * later segments of the episode were really lost. */
    if (r->undo_ts && tk_seq_geq(tp->snd_una, r->undo_end) && tk_seq_gt(tp->snd_una, a->una)) {
        r->undo_ts = false;
        if ((h->opts.present & TK_OPT_TS) && h->opts.ts_ecr != 0 &&
            tk_seq_lt(h->opts.ts_ecr, r->undo_tsval)) {
            undo(s, tp, true);
            return;
        }
    }
    /* Only a duplicate of this episode's data counts: one of a copy sent in
     * an earlier episode (below SND.UNA when this one began) arrives late
     * and says nothing about this one's retransmissions (as Linux checks
     * undo_marker). */
    if (a->dsack && tk_seq_gt(a->dsack_right, r->undo_start) &&
        tk_seq_leq(a->dsack_right, r->undo_end) && r->undo_retrans > 0) {
        /* One resent segment's original arrived: reordering, known at
         * once, so the rest of the episode waits for the window instead
         * of resending every late segment until the last D-SACK. */
        r->reo_seen = true;
        if (--r->undo_retrans == 0) {
            undo(s, tp, true);
            return;
        }
    }
    if (r->frto != 0)
        frto_ack(s, tp, a, now);
}
