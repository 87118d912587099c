/* TCP input for the synchronized states (RFC 9293 3.10.7.4): PAWS,
 * acceptability, RST and SYN per RFC 5961, ACK processing (RTT, congestion
 * control, window); data and the FIN are in input_data.c. */
#include <errno.h>
#include <string.h>

#include "base/seq.h"
#include "tcp/dsack.h"
#include "tcp/input_sync.h"
#include "tcp/pace.h"
#include "tcp/rack.h"
#include "tcp/state.h"
#include "tcp/timewait.h"

#define PAWS_IDLE TK_SEC(24u * 24u * 3600u) /* RFC 7323 5.5: 24 days */

/* RFC 9293 3.10.7.4 first check: the segment acceptability table. */
bool tk_tcp_seq_acceptable(uint32_t seq, uint32_t seglen, uint32_t rcv_nxt, uint32_t wnd) {
    if (seglen == 0) {
        if (wnd == 0)
            return seq == rcv_nxt;
        return tk_seq_in(seq, rcv_nxt, rcv_nxt + wnd);
    }
    if (wnd == 0)
        return false;
    return tk_seq_in(seq, rcv_nxt, rcv_nxt + wnd) ||
           tk_seq_in(seq + seglen - 1, rcv_nxt, rcv_nxt + wnd);
}

/* The receive window for acceptance: what we offered, or, once
 * established, the free buffer space when that is larger (the offer is
 * capped at 65535 without window scaling; bytes that fit are worth keeping,
 * as BSD does). A half-open passive connection keeps to its SYN-ACK's offer
 * (BSD's syncache does the same). */
static uint32_t offered_window(const tk_tcb *tp) {
    uint32_t offered = tk_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
    bool half_open = tp->state == TK_TCP_SYN_RCVD && (tp->flags & TK_TF_PASSIVE);
    uint32_t room = half_open ? 0 : tk_chunkq_free(&tp->rcvq);
    return room > offered ? room : offered;
}

/* RS-5: a RST with exactly RCV.NXT resets; callers checked the sequence. */
static void accept_rst(tk_stack *s, tk_tcb *tp) {
    s->stats.rsts_rcvd++;
    switch (tp->state) {
    case TK_TCP_SYN_RCVD:
        if (tp->flags & TK_TF_PASSIVE) {
            /* Back to LISTEN: only the half-open child goes away. */
            tk_tcb_drop(s, tp, 0, "rcv RST");
        } else {
            s->stats.attempt_fails++;
            tk_tcb_drop(s, tp, -ECONNREFUSED, "rcv RST");
        }
        return;
    case TK_TCP_ESTABLISHED:
    case TK_TCP_FIN_WAIT_1:
    case TK_TCP_FIN_WAIT_2:
    case TK_TCP_CLOSE_WAIT:
        s->stats.estab_resets++;
        tk_tcb_drop(s, tp, -ECONNRESET, "rcv RST");
        return;
    default:
        /* CLOSING, LAST_ACK: a descriptor still open learns of it too. */
        tk_tcb_drop(s, tp, -ECONNRESET, "rcv RST");
    }
}

/* Returns the sample taken (microseconds), 0 when none. */
static tk_time rtt_update(tk_tcb *tp, const tk_tcp_hdr *h, uint32_t ack, tk_time now) {
    tk_time rtt = 0;
    if ((tp->flags & TK_TF_TS) && (h->opts.present & TK_OPT_TS) && h->opts.ts_ecr != 0) {
        uint32_t ms = tk_tcp_ts_now(now) - h->opts.ts_ecr;
        if (ms < 0x7fffffffu) {
            rtt = (tk_time)ms * 1000u;
            tk_rtt_sample(&tk_cold(tp)->rtt, rtt);
        }
        return rtt;
    }
    if ((tp->flags & TK_TF_RTT_TIMING) && tk_seq_gt(ack, tp->rtt_seq)) {
        rtt = now - tp->rtt_start;
        tk_rtt_sample(&tk_cold(tp)->rtt, rtt);
        tp->flags &= ~TK_TF_RTT_TIMING;
    }
    return rtt;
}

static void new_ack(tk_stack *s, tk_tcb *tp, const tk_tcp_hdr *h, tk_time now) {
    uint32_t ack = h->ack;
    uint32_t acked = ack - tp->snd_una;
    uint32_t data_acked = acked;
    if ((tp->flags & TK_TF_FIN_SENT) && tk_seq_gt(ack, tk_cold(tp)->fin_seq)) {
        data_acked--;
        tp->flags |= TK_TF_FIN_ACKED;
    }
    tk_time rtt = rtt_update(tp, h, ack, now);
    tp->rexmt_count = 0;
    tk_cold(tp)->soft_error = 0; /* progress: an earlier soft ICMP error is stale */
    uint32_t flight = tp->snd_max - tp->snd_una;
    tk_tcp_cc_sample(tp, ack, rtt, now); /* DT-13: HyStart++ and CUBIC's clock */
    int act = tp->cc.ops ? tp->cc.ops->on_ack(&tp->cc, ack, acked, flight, tp->snd_nxt) : 0;
    tk_chunkq_drop(&s->chunks, &tp->sndq, data_acked);
    tp->snd_una = ack;
    if (tk_seq_lt(tp->snd_nxt, tp->snd_una))
        tp->snd_nxt = tp->snd_una;
    if (tp->ecn & TK_ECN_HOLD) {
        /* The timer keeps its deadline: it releases the data an
         * ECN-Echo holds back (ecn.c). */
    } else if (tp->snd_una == tp->snd_max)
        tk_tcb_timer_stop(s, tp, TK_TIMER_RETRANSMIT);
    else
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, now + tk_rtt_rto(&tk_cold(tp)->rtt, 0));
    if (tp->flags & TK_TF_SACK) {
        const tk_tcp_opts none = {0};
        (void)tk_sack_update(s, tp, &none); /* prune below the new SND.UNA */
    }
    /* A partial ACK (RFC 6582): resend the head. With SACK, RFC 6675's
     * NextSeg (in output) decides instead: the head may still be in flight,
     * and the blocks show what is missing. */
    if (act == TK_CC_RETRANSMIT && !tk_sack_recovery(tp)) {
        tk_tcp_retransmit_head(s, tp, now);
        tk_cold(tp)->rexmit_next = tp->snd_una + tk_tcp_seg_max(tp);
    }
    if (tp->cc.ops != NULL && !tp->cc.in_recovery)
        tk_cold(tp)->rexmit_next = tp->snd_una; /* the scoreboard stays, pruned by updates */
}

static void dup_ack(tk_stack *s, tk_tcb *tp, tk_time now) {
    s->stats.dupacks_in++;
    if (tp->cc.ops == NULL)
        return;
    if (tk_rack_active(tp)) {
        /* DT-12: RACK decides on loss (tk_rack_ack_end); the count only
         * shows (tcpi_ca_state Disorder). */
        if (!tp->cc.in_recovery && tp->cc.dupacks < 2)
            tp->cc.dupacks++;
        return;
    }
    bool sack = tk_sack_recovery(tp);
    /* RFC 6675 5 (b): with lost ACKs fewer than three duplicates may
     * arrive; the SACK blocks showing the first segment lost suffice. */
    if (sack && !tp->cc.in_recovery && tp->cc.dupacks < 2 &&
        tk_sack_is_lost(tp, tp->snd_una, tk_tcp_seg_max(tp)))
        tp->cc.dupacks = 2;
    uint32_t flight = tk_pace_loss_flight(tp);
    if (tp->cc.ops->on_dupack(&tp->cc, flight, tp->snd_una, tp->snd_nxt) == TK_CC_RETRANSMIT) {
        s->stats.fast_retransmits++;
        tk_ecn_cwnd_reduced(tp);
        tk_tcp_retransmit_head(s, tp, now);
        tk_cold(tp)->rexmit_next = tp->snd_una + tk_tcp_seg_max(tp);
        tk_cold(tp)->rxt_mark = tp->snd_max;
        return;
    }
    /* Later duplicates in recovery: without SACK, NewReno's inflated cwnd
     * lets new data out; with SACK, output runs RFC 6675 NextSeg(). */
}

static void window_update(tk_stack *s, tk_tcb *tp, const tk_tcp_hdr *h) {
    uint32_t win = (uint32_t)h->win << tp->snd_shift;
    if (!(tk_seq_lt(tp->snd_wl1, h->seq) ||
          (tp->snd_wl1 == h->seq && tk_seq_leq(tp->snd_wl2, h->ack))))
        return;
    tp->snd_wnd = win;
    tp->snd_wl1 = h->seq;
    tp->snd_wl2 = h->ack;
    if (win > tk_cold(tp)->max_snd_wnd)
        tk_cold(tp)->max_snd_wnd = win;
    if (win > 0 && tk_tcb_timer_armed(tp, TK_TIMER_PERSIST)) {
        tk_tcb_timer_stop(s, tp, TK_TIMER_PERSIST);
        tk_cold(tp)->persist_count = 0;
        tp->snd_nxt = tp->snd_una;
    }
}

/* Our FIN was acknowledged: FIN_WAIT_1 -> FIN_WAIT_2 (unless this segment
 * also carries the peer's FIN, CM-5), CLOSING -> TIME_WAIT, LAST_ACK ->
 * CLOSED. */
static int fin_acked(tk_stack *s, tk_tcb *tp, bool seg_fin, tk_time now) {
    switch (tp->state) {
    case TK_TCP_FIN_WAIT_1:
        if (seg_fin)
            return GO_ON;
        tk_tcb_set_state(s, tp, TK_TCP_FIN_WAIT_2, "rcv ACK of FIN");
        if (tp->flags & TK_TF_ORPHAN)
            tk_tcb_timer_set(s, tp, TK_TIMER_FIN_WAIT_2, now + s->cfg.fin_wait2_timeout);
        return GO_ON;
    case TK_TCP_CLOSING:
        tk_tcb_time_wait(s, tp, "rcv ACK of FIN", now);
        return STOP;
    case TK_TCP_LAST_ACK:
        tk_tcb_drop(s, tp, 0, "rcv ACK of FIN");
        return STOP;
    default:
        return GO_ON;
    }
}

static int process_ack(tk_stack *s, tk_tcb *tp, const tk_tcp_hdr *h, const seg_view *v,
                       tk_time now) {
    uint32_t ack = h->ack;
    if (tk_seq_gt(ack, tp->snd_max)) {
        tk_tcp_invalid_ack(s, tp, now); /* SEC-8 */
        TK_DROP(s, drop_ack_unsent, now);
        return STOP;
    }
    /* RFC 5961 5.2 (SEC-3): older than SND.UNA - MAX.SND.WND. */
    if (tk_seq_lt(ack, tp->snd_una - tk_cold(tp)->max_snd_wnd)) {
        tk_tcp_invalid_ack(s, tp, now);
        TK_DROP(s, drop_ack_too_old, now);
        return STOP;
    }
    bool was_fin_acked = (tp->flags & TK_TF_FIN_ACKED) != 0;
    uint32_t win = (uint32_t)h->win << tp->snd_shift;
    tk_rack_ack ra;
    bool rack = tk_rack_active(tp) && tk_seq_geq(ack, tp->snd_una);
    if (rack)
        tk_rack_ack_begin(tp, h, &ra, now); /* DT-12, before the board changes */
    bool new_sack = (tp->flags & TK_TF_SACK) && tk_sack_update(s, tp, &h->opts);
    /* RFC 5681 2 counts an ACK as a duplicate only if the window is the
     * same; RFC 6675 2 also counts one that SACKs new data, whatever its
     * window (receivers that grow their window would hide losses). */
    bool dup = ack == tp->snd_una && v->len == 0 && !v->fin && tp->snd_max != tp->snd_una &&
               !tk_tcb_timer_armed(tp, TK_TIMER_PERSIST) && (win == tp->snd_wnd || new_sack);
    bool newer = tk_seq_gt(ack, tp->snd_una);
    bool hold = false;
    if ((newer || dup) && (h->flags & TK_TCP_ECE))
        hold = tk_ecn_echo(s, tp, ack); /* RFC 3168 6.1.2, before the cc sees the ACK */
    if (newer)
        new_ack(s, tp, h, now);
    else if (dup)
        dup_ack(s, tp, now);
    if (hold)
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, now + tk_rtt_rto(&tk_cold(tp)->rtt, 0));
    window_update(s, tp, h);
    if (rack)
        tk_rack_ack_end(s, tp, h, &ra, now);
    if (!was_fin_acked && (tp->flags & TK_TF_FIN_ACKED)) {
        tk_tcb_timer_stop(s, tp, TK_TIMER_LINGER); /* graceful close done */
        return fin_acked(s, tp, v->fin, now);
    }
    return GO_ON;
}

/* A TIME_WAIT TCB still held by a descriptor (compact entries have their
 * own path in timewait.c). */
static void input_time_wait(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    uint8_t fl = sg->h.flags;
    uint32_t wnd = tk_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
    if ((fl & TK_TCP_SYN) && !(fl & TK_TCP_RST) && s->cfg.insecure_syn &&
        tk_tcp_seq_acceptable(sg->h.seq, 0, tp->rcv_nxt, wnd)) {
        /* RFC 793's rule, as in the other synchronized states: the SYN's
         * own sequence number within the window we offered. */
        tk_tcp_send_rst_tcb(s, tp, now);
        tk_tcb_drop(s, tp, -ECONNRESET, "rcv SYN");
        return;
    }
    int v = tk_tw_verdict(sg, tp->rcv_nxt, tp->snd_max);
    if ((v & TK_TW_ACK) && (v & TK_TW_RESTART))
        tk_tcp_send_ack(s, tp, now); /* the peer's FIN again: our ACK was lost */
    else if (v & TK_TW_ACK)
        tk_tcp_invalid_ack(s, tp, now); /* SEC-8 */
    if (v & TK_TW_RESTART) {
        tk_tcb_timer_set(s, tp, TK_TIMER_TIME_WAIT, now + 2 * s->cfg.msl);
        return;
    }
    if (sg->h.flags & TK_TCP_RST)
        TK_DROP(s, drop_time_wait_rst, now);
    else
        TK_DROP(s, drop_time_wait, now);
}

/* A duplicate ACK that was only reordered on the way (as Linux's
 * tcp_disordered_ack): no data and no flags but ACK, at RCV.NXT, acking
 * SND.UNA, leaving the window as it is, its TSval within an RTO (in ms, as
 * most peers' clocks tick) of TS.Recent. It changes no state PAWS guards,
 * and its SACK blocks are what recovery needs when the path reorders. */
static bool disordered_dupack(const tk_tcb *tp, const tk_seg *sg) {
    const tk_tcp_hdr *h = &sg->h;
    if (sg->len != 0 || (h->flags & (TK_TCP_SYN | TK_TCP_FIN)) || !(h->flags & TK_TCP_ACK) ||
        h->seq != tp->rcv_nxt || h->ack != tp->snd_una ||
        ((uint32_t)h->win << tp->snd_shift) != tp->snd_wnd)
        return false;
    tk_time rto = tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count);
    return (uint64_t)(uint32_t)(tp->ts_recent - h->opts.ts_val) <= tk_time_ms(rto);
}

/* RFC 7323 5.3 (OP-4): drop a segment with an old timestamp. */
static bool paws_reject(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    if (!(tp->flags & TK_TF_TS) || !(h->opts.present & TK_OPT_TS) || (h->flags & TK_TCP_RST))
        return false;
    if (!tk_seq_lt(h->opts.ts_val, tp->ts_recent))
        return false;
    if (now - tk_cold(tp)->ts_recent_age > PAWS_IDLE) {
        tp->ts_recent = h->opts.ts_val;
        return false;
    }
    if (disordered_dupack(tp, sg)) {
        s->stats.paws_disordered_acks++;
        return false;
    }
    tk_tcp_invalid_ack(s, tp, now); /* SEC-8 */
    TK_DROP(s, drop_paws, now);
    return true;
}

/* RFC 7323 4.3: remember the timestamp of an in-order segment, once the
 * segment is known to be acceptable: its sequence number (check_segment)
 * and its ACK field (process_ack), as Linux does after tcp_ack(). A segment
 * dropped for its ACK must not move TS.Recent, or a blind attacker's huge
 * TSval would make PAWS reject the real peer (SEC-9). */
static void ts_recent_update(tk_tcb *tp, const tk_tcp_hdr *h, tk_time now) {
    if ((tp->flags & TK_TF_TS) && (h->opts.present & TK_OPT_TS) &&
        tk_seq_leq(h->seq, tp->last_ack_sent) && tk_seq_geq(h->opts.ts_val, tp->ts_recent)) {
        tp->ts_recent = h->opts.ts_val;
        tk_cold(tp)->ts_recent_age = now;
    }
}

/* The ACK an unacceptable segment gets (RFC 9293 3.10.7.4), rate-limited
 * per connection (SEC-8). A segment starting at RCV.NXT (a zero-window
 * probe) or just before (a keep-alive), or ending at RCV.NXT (the peer
 * resending its last segment or FIN because our ACK was lost), is always
 * answered: the peer needs that ACK, and a blind attacker cannot hit those
 * exact numbers (the same 1 in 2^32 as for a RST at RCV.NXT). */
static void unacceptable_ack(tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t seglen, tk_time now) {
    uint32_t r = tp->rcv_nxt;
    if (seq == r || seq + 1u == r || seq + seglen == r)
        tk_tcp_send_ack(s, tp, now);
    else
        tk_tcp_invalid_ack(s, tp, now);
}

/* Sequence check, RST and SYN handling. Returns STOP when done. */
static int check_segment(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    uint8_t fl = h->flags;
    uint32_t seglen = sg->len + ((fl & TK_TCP_SYN) ? 1u : 0u) + ((fl & TK_TCP_FIN) ? 1u : 0u);
    if (!tk_tcp_seq_acceptable(h->seq, seglen, tp->rcv_nxt, offered_window(tp))) {
        if (fl & TK_TCP_RST) {
            TK_DROP(s, drop_rst_out_of_window, now);
        } else if (fl & TK_TCP_SYN) {
            tk_tcp_challenge_ack(s, tp, now);
            TK_DROP(s, drop_syn_challenged, now);
        } else if (tk_seq_leq(h->seq + seglen, tp->rcv_nxt) && (fl & TK_TCP_ACK) &&
                   s->cfg.bsd_old_ack) {
            tk_dsack_note(tp, h->seq, h->seq + sg->len); /* OP-7 */
            /* BSD (Stevens vol. 2 p. 960): ACK to resynchronize, drop the
             * data, but still process the ACK field. */
            tp->flags |= TK_TF_ACKNOW;
            return GO_ON;
        } else if (tk_seq_leq(h->seq + seglen, tp->rcv_nxt)) {
            /* Entirely old: an ACK to resynchronize, and the segment goes,
             * ACK field and all (RFC 9293 3.10.7.4, SEC-9): an old segment
             * neither completes a handshake nor acknowledges data. */
            tk_dsack_note(tp, h->seq, h->seq + sg->len); /* OP-7 */
            unacceptable_ack(s, tp, h->seq, seglen, now);
            TK_DROP(s, drop_old_segment, now);
        } else {
            unacceptable_ack(s, tp, h->seq, seglen, now);
            TK_DROP(s, drop_out_of_window, now);
        }
        return STOP;
    }
    if (fl & TK_TCP_RST) {
        if (h->seq != tp->rcv_nxt && !s->cfg.insecure_rst) {
            tk_tcp_challenge_ack(s, tp, now); /* RFC 5961 3.2 */
            TK_DROP(s, drop_rst_challenged, now);
            return STOP;
        }
        accept_rst(s, tp);
        return STOP;
    }
    if ((fl & TK_TCP_SYN) && s->cfg.insecure_syn) {
        /* RFC 793's rule, before RFC 5961: an in-window SYN resets. */
        tk_tcp_send_rst_tcb(s, tp, now);
        s->stats.estab_resets++;
        tk_tcb_drop(s, tp, -ECONNRESET, "rcv SYN");
        return STOP;
    }
    if (fl & TK_TCP_SYN) {
        tk_tcp_challenge_ack(s, tp, now); /* RFC 5961 4.2 (RS-6) */
        TK_DROP(s, drop_syn_challenged, now);
        return STOP;
    }
    if (!(fl & TK_TCP_ACK)) {
        TK_DROP(s, drop_no_ack, now);
        return STOP;
    }
    return GO_ON;
}

/* Cuts bytes before RCV.NXT and beyond the window. */
static void trim(tk_tcb *tp, const tk_seg *sg, seg_view *v) {
    v->seq = sg->h.seq;
    v->data = sg->data;
    v->len = sg->len;
    v->fin = (sg->h.flags & TK_TCP_FIN) != 0;
    if (tk_seq_lt(v->seq, tp->rcv_nxt)) {
        uint32_t d = tp->rcv_nxt - v->seq;
        if (d > v->len) {
            v->fin = false; /* a FIN we already have */
            d = v->len;
        }
        tk_dsack_note(tp, v->seq, v->seq + d); /* OP-7: the part we had */
        v->data += d;
        v->len -= d;
        v->seq += d;
        tp->flags |= TK_TF_ACKNOW;
    }
    uint32_t wnd = offered_window(tp);
    if (v->len > 0 && tk_seq_gt(v->seq + v->len, tp->rcv_nxt + wnd)) {
        v->len = tp->rcv_nxt + wnd - v->seq;
        v->fin = false;
        tp->flags |= TK_TF_ACKNOW;
    }
}

static int syn_rcvd_ack(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    if (!tk_seq_gt(h->ack, tp->snd_una) || tk_seq_gt(h->ack, tp->snd_max)) {
        tk_tcp_reset_reply(s, sg, tk_cold(tp)->opts.ip_ttl, tk_cold(tp)->opts.ip_tos, now);
        TK_DROP(s, drop_syn_rcvd_bad_ack, now); /* RS-8 */
        return STOP;
    }
    tp->snd_una = h->ack;
    tp->snd_wnd = (uint32_t)h->win << tp->snd_shift;
    tp->snd_wl1 = h->seq;
    tp->snd_wl2 = h->ack;
    tk_tcp_established(s, tp, sg, TK_CAUSE("rcv ACK"), now);
    return GO_ON;
}

/* The peer's SYN again in SYN_RCVD. Alone, it is a retransmission: resend
 * our SYN-ACK. With an ACK of our SYN it is the peer's half of a
 * simultaneous open (CM-2): both SYNs are acknowledged, four segments in
 * all, nothing more to send. */
static void syn_rcvd_syn(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    if (!(h->flags & TK_TCP_ACK)) {
        tk_ecn_syn_in(s, tp, h->flags); /* a plain SYN again ends ECN */
        tp->snd_nxt = tk_cold(tp)->iss;
        tk_tcp_output(s, tp, now);
        return;
    }
    if ((tp->flags & TK_TF_PASSIVE) || !tk_seq_gt(h->ack, tp->snd_una) ||
        tk_seq_gt(h->ack, tp->snd_max)) {
        tk_tcp_challenge_ack(s, tp, now);
        TK_DROP(s, drop_syn_challenged, now);
        return;
    }
    tk_ecn_syn_in(s, tp, h->flags);
    tp->snd_una = h->ack;
    tp->snd_wnd = h->win; /* a SYN's window is never scaled */
    tp->snd_wl1 = h->seq;
    tp->snd_wl2 = h->ack;
    tp->last_rcv = now;
    tk_tcp_established(s, tp, sg, TK_CAUSE("rcv SYN-ACK"), now);
    tk_tcp_output(s, tp, now);
}

void tk_tcp_input_sync(tk_stack *s, tk_tcb *tp, tk_seg *sg, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    if (tp->state == TK_TCP_TIME_WAIT) {
        input_time_wait(s, tp, sg, now);
        return;
    }
    if (tp->state == TK_TCP_SYN_RCVD && (h->flags & TK_TCP_SYN) && h->seq == tk_cold(tp)->irs) {
        syn_rcvd_syn(s, tp, sg, now);
        return;
    }
    if (paws_reject(s, tp, sg, now) || check_segment(s, tp, sg, now) == STOP)
        return;
    tk_time prev_rcv = tp->last_rcv;
    tp->last_rcv = now;
    tk_cold(tp)->keep_count = 0;
    tk_cold(tp)->probes_unanswered = 0;
    seg_view v;
    trim(tp, sg, &v);
    v.prev_rcv = prev_rcv;
    tk_ecn_input(s, tp, sg, v.len > 0);
    if (tp->state == TK_TCP_SYN_RCVD && syn_rcvd_ack(s, tp, sg, now) == STOP)
        return;
    if (process_ack(s, tp, h, &v, now) == STOP)
        return;
    ts_recent_update(tp, h, now);
    if (v.len > 0 && tk_tcp_receive_data(s, tp, &v, now) == STOP)
        return;
    if (tk_tcp_fin_due(s, tp, &v) && tk_tcp_receive_fin(s, tp, now) == STOP)
        return;
    if (tp->state == TK_TCP_FIN_WAIT_1 && (tp->flags & TK_TF_FIN_ACKED)) {
        tk_tcb_set_state(s, tp, TK_TCP_FIN_WAIT_2, "rcv ACK of FIN");
        if (tp->flags & TK_TF_ORPHAN)
            tk_tcb_timer_set(s, tp, TK_TIMER_FIN_WAIT_2, now + s->cfg.fin_wait2_timeout);
    }
    tk_tcp_output(s, tp, now);
}
