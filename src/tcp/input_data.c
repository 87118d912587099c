/* TCP input of data and FIN in the synchronized states (RFC 9293
 * 3.10.7.4 seventh and eighth steps): in-order data to the receive queue,
 * out-of-order data kept for reassembly (DT-8), the ACK policy (DT-5), a
 * FIN in order or kept beyond a hole (DT-11). */
#include "base/seq.h"
#include "tcp/dsack.h"
#include "tcp/input_sync.h"

/* DT-5. Data after a pause longer than the RTO is acknowledged at once, as
 * Linux does: the sender restarted from its restart window (RFC 5681 4.1)
 * and, with Nagle, may wait for this ACK before it sends more. */
static bool after_idle(const tk_tcb *tp, tk_time prev_rcv, tk_time now) {
    return now - prev_rcv > tk_rtt_rto(&tk_cold(tp)->rtt, 0);
}

/* The RTO is read only when nothing else already calls for an ACK. */
static void ack_policy(tk_stack *s, tk_tcb *tp, bool hole_filled, tk_time prev_rcv, tk_time now) {
    bool second = s->cfg.ack_second_segment && tk_tcb_timer_armed(tp, TK_TIMER_DELACK);
    bool quick = tk_cold(tp)->opts.flags & TK_SOF_QUICKACK; /* API-6 */
    if (hole_filled || second || quick ||
        tp->rcv_nxt - tp->last_ack_sent >= 2u * tk_tcp_seg_max(tp) ||
        after_idle(tp, prev_rcv, now)) {
        tp->flags |= TK_TF_ACKNOW;
        return;
    }
    if (!tk_tcb_timer_armed(tp, TK_TIMER_DELACK)) {
        s->stats.delayed_acks++;
        tk_tcb_timer_set(s, tp, TK_TIMER_DELACK, now + s->cfg.delack);
    }
}

static void data_in_order(tk_stack *s, tk_tcb *tp, const seg_view *v, tk_time now) {
    bool had_ooo = tk_tcb_ooo_ranges(tp) > 0;
    if (had_ooo)
        tk_dsack_overlap(tp, v->seq, v->len); /* OP-7 */
    uint32_t n = tk_chunkq_write(&s->chunks, &tp->rcvq, v->data, v->len);
    if (n < v->len) /* the rest waits for the peer's retransmission */
        TK_DROP(s, drop_rcv_pool_empty, now);
    uint32_t total = had_ooo ? tk_reass_advance(tp->reass, n) : n;
    if (total > n)
        tk_chunkq_commit(&s->chunks, &tp->rcvq, total - n);
    if (tk_tcb_ooo_ranges(tp) == 0)
        tk_tcb_reass_release(s, tp); /* the holes are filled */
    tp->rcv_nxt += total;
    ack_policy(s, tp, had_ooo, v->prev_rcv, now);
}

/* DT-8: kept past the committed end of the receive ring; the duplicate ACK
 * goes out at once with SACK blocks (DT-5, OP-3). */
static void data_out_of_order(tk_stack *s, tk_tcb *tp, const seg_view *v, tk_time now) {
    tp->flags |= TK_TF_ACKNOW;
    s->stats.ooo_segs_in++;
    if (tk_dsack_held(tp, v->seq, v->len)) {
        tk_dsack_note(tp, v->seq, v->seq + v->len); /* OP-7: held already */
        return;
    }
    tk_dsack_overlap(tp, v->seq, v->len);
    uint32_t off = v->seq - tp->rcv_nxt;
    uint32_t held = tp->reass != NULL ? tk_reass_bytes(tp->reass) : 0;
    if (held + v->len > s->cfg.ooo_budget_bytes) {
        TK_DROP(s, drop_ooo_no_room, now);
        return;
    }
    uint32_t w = tk_chunkq_write_at(&s->chunks, &tp->rcvq, off, v->data, v->len);
    if (w == 0) {
        if (off < tk_chunkq_free(&tp->rcvq))
            TK_DROP(s, drop_rcv_pool_empty, now);
        else
            TK_DROP(s, drop_ooo_no_room, now);
        return;
    }
    tk_reass *a = tk_tcb_reass_take(s, tp, now);
    if (a != NULL && tk_reass_add(a, off, w) < 0)
        TK_DROP(s, drop_ooo_no_room, now);
    if (tk_tcb_ooo_ranges(tp) == 0)
        tk_tcb_reass_release(s, tp);
}

int tk_tcp_receive_data(tk_stack *s, tk_tcb *tp, const seg_view *v, tk_time now) {
    if (tp->state != TK_TCP_ESTABLISHED && tp->state != TK_TCP_FIN_WAIT_1 &&
        tp->state != TK_TCP_FIN_WAIT_2)
        return GO_ON;
    if (tp->flags & TK_TF_ORPHAN) {
        /* Nobody will read it: the application closed (RFC 9293 3.10.4). */
        tk_tcp_send_rst_tcb(s, tp, now);
        TK_DROP(s, drop_after_close, now);
        tk_tcb_drop(s, tp, 0, "data after close()");
        return STOP;
    }
    s->stats.data_segs_in++;
    s->stats.bytes_in += v->len;
    if (v->seq == tp->rcv_nxt)
        data_in_order(s, tp, v, now);
    else
        data_out_of_order(s, tp, v, now);
    return GO_ON;
}

/* DT-11: a FIN beyond a hole is kept with the reassembly queue (RFC 9293
 * 3.10.7.4 and SHLD-31: only a FIN at RCV.NXT takes effect, so its place
 * must outlive the segment). One place is kept: a FIN at another place
 * later is ignored and counted. The duplicate ACK goes out at once, as for
 * out-of-order data (DT-5). */
static void fin_out_of_order(tk_stack *s, tk_tcb *tp, uint32_t at) {
    tp->flags |= TK_TF_ACKNOW;
    if (tk_cold(tp)->fin_ooo && tk_cold(tp)->fin_ooo_seq != at) {
        s->stats.ooo_fins_ignored++;
        return;
    }
    if (!tk_cold(tp)->fin_ooo)
        s->stats.ooo_fins_in++;
    tk_cold(tp)->fin_ooo = true;
    tk_cold(tp)->fin_ooo_seq = at;
}

/* True when the peer's FIN takes effect now: this segment's, in order, or
 * a kept one that RCV.NXT has reached (the hole filled). */
bool tk_tcp_fin_due(tk_stack *s, tk_tcb *tp, const seg_view *v) {
    if (v->fin) {
        uint32_t at = v->seq + v->len;
        if (at == tp->rcv_nxt)
            return true;
        bool receiving = tp->state == TK_TCP_ESTABLISHED || tp->state == TK_TCP_FIN_WAIT_1 ||
                         tp->state == TK_TCP_FIN_WAIT_2;
        if (receiving && tk_seq_gt(at, tp->rcv_nxt))
            fin_out_of_order(s, tp, at);
    }
    if (tk_cold(tp)->fin_ooo && tk_cold(tp)->fin_ooo_seq == tp->rcv_nxt) {
        tk_cold(tp)->fin_ooo = false;
        return !(tp->flags & TK_TF_FIN_RCVD);
    }
    return false;
}

int tk_tcp_receive_fin(tk_stack *s, tk_tcb *tp, tk_time now) {
    tp->rcv_nxt++;
    tp->flags |= TK_TF_FIN_RCVD;
    switch (tp->state) {
    case TK_TCP_ESTABLISHED:
        tk_tcb_set_state(s, tp, TK_TCP_CLOSE_WAIT, "rcv FIN");
        /* CM-4: the ACK waits for the delayed-ACK timer so a close() in
         * the meantime sends FIN and ACK together (unless cfg.fin_ack_now). */
        if (s->cfg.fin_ack_now)
            tp->flags |= TK_TF_ACKNOW;
        else if (!tk_tcb_timer_armed(tp, TK_TIMER_DELACK)) {
            s->stats.delayed_acks++;
            tk_tcb_timer_set(s, tp, TK_TIMER_DELACK, now + s->cfg.delack);
        }
        return GO_ON;
    case TK_TCP_FIN_WAIT_1:
        tp->flags |= TK_TF_ACKNOW;
        if (tp->flags & TK_TF_FIN_ACKED) {
            tk_tcp_send_ack(s, tp, now);
            tk_tcb_time_wait(s, tp, "rcv FIN+ACK", now);
            return STOP;
        }
        tk_tcb_set_state(s, tp, TK_TCP_CLOSING, "rcv FIN");
        return GO_ON;
    case TK_TCP_FIN_WAIT_2:
        tk_tcp_send_ack(s, tp, now);
        tk_tcb_time_wait(s, tp, "rcv FIN", now);
        return STOP;
    default:
        tp->flags |= TK_TF_ACKNOW;
        return GO_ON;
    }
}
