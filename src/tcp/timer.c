/* Connection timers (SPEC DT-3, DT-5, DT-6, CM-12, CM-13, CM-16, SEC-10, TM-1, and
 * the TCP_KEEPINIT establishment limit): each
 * TCB keeps one deadline per kind and sits on the stack's timer queue at the
 * earliest of them. */
#include <errno.h>

#include "tcp/pace.h"
#include "tcp/rack.h"
#include "tcp/state.h"

static bool orphan_limited(const tk_stack *s, const tk_tcb *tp) {
    return (tp->flags & TK_TF_ORPHAN) && s->cfg.orphan_retries < s->cfg.retries2;
}

/* SEC-10: an orphan retransmitting into silence gives up after
 * orphan_retries (Linux's tcp_orphan_retries). */
static uint32_t retry_limit(const tk_stack *s, const tk_tcb *tp) {
    if (tp->state == TK_TCP_SYN_SENT)
        return s->cfg.syn_retries;
    if (tp->state == TK_TCP_SYN_RCVD)
        return s->cfg.synack_retries;
    return orphan_limited(s, tp) ? s->cfg.orphan_retries : s->cfg.retries2;
}

/* TCP_USER_TIMEOUT (RFC 5482, API-6) of a connection past its handshake,
 * 0 when not set: the handshake keeps its own limits. */
static tk_time user_timeout(const tk_tcb *tp) {
    if (!tk_tcb_synchronized(tp) || tp->state == TK_TCP_SYN_RCVD)
        return 0;
    return TK_MS(tk_cold(tp)->opts.user_timeout);
}

/* Linux's rule: with a user timeout the time without progress decides,
 * not the count of retransmissions (orphans keep their own limit). */
static bool rexmit_exhausted(const tk_stack *s, const tk_tcb *tp, tk_time now) {
    tk_time ut = user_timeout(tp);
    if (ut == 0)
        return tp->rexmt_count >= retry_limit(s, tp);
    if (orphan_limited(s, tp) && tp->rexmt_count >= s->cfg.orphan_retries)
        return true;
    return now - tk_cold(tp)->stall_since >= ut;
}

/* The next timeout, cut to end when the user timeout does (as Linux), so
 * that the connection fails at that time and not one backoff later. */
static tk_time user_clamp(const tk_tcb *tp, tk_time due) {
    tk_time ut = user_timeout(tp);
    if (ut != 0 && due > tk_cold(tp)->stall_since + ut)
        due = tk_cold(tp)->stall_since + ut;
    return due;
}

/* RFC 6298 5.4-5.6: retransmit the earliest unacknowledged segment, back
 * off the timer; Karn's rule: no RTT sample from a retransmission. */
/* RFC 4821 black-hole detection (SPEC NET-5, cfg.pmtu_blackhole): a
 * full-sized segment that timed out twice in a row may be too big for a
 * path whose "fragmentation needed" errors are lost. Halve the MSS (down
 * to pmtu_min - 40) for the retransmission and what follows. */
static void pmtu_blackhole(tk_stack *s, tk_tcb *tp) {
    uint32_t floor = s->cfg.pmtu_min - 40u;
    if (!s->cfg.pmtu_blackhole || tp->rexmt_count < 2 || tp->mss <= floor ||
        !tk_tcb_synchronized(tp) || tp->state == TK_TCP_SYN_RCVD ||
        tp->snd_max - tp->snd_una < tk_tcp_seg_max(tp))
        return;
    tp->mss = (uint16_t)(tp->mss / 2u > floor ? tp->mss / 2u : floor);
    s->stats.pmtu_blackhole++;
}

static void on_retransmit(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (tp->ecn & TK_ECN_HOLD) {
        /* RFC 3168 6.1.2: the wait after an ECN-Echo at one segment is
         * over; with nothing outstanding it was no timeout. */
        tp->ecn &= (uint8_t)~TK_ECN_HOLD;
        if (tp->snd_una == tp->snd_max) {
            tk_tcp_output(s, tp, now);
            return;
        }
    }
    if (tk_rack_timer(s, tp, now))
        return; /* DT-12: the probe or the reordering timer */
    /* The timer was started (RFC 6298 5.1, 5.3) when the data now
     * outstanding last saw progress: the user timeout counts from there. */
    if (tp->rexmt_count == 0)
        tk_cold(tp)->stall_since = now - tk_rtt_rto(&tk_cold(tp)->rtt, 0);
    if (rexmit_exhausted(s, tp, now)) {
        s->stats.conn_timeouts++;
        if (tp->state == TK_TCP_SYN_SENT)
            s->stats.attempt_fails++;
        if (tk_tcb_synchronized(tp) && orphan_limited(s, tp))
            s->stats.orphan_rexmit_timeouts++;
        /* RFC 1122 4.2.3.9: a soft ICMP error since the last progress
         * tells the application more than ETIMEDOUT would. */
        int err = tk_cold(tp)->soft_error != 0 ? tk_cold(tp)->soft_error : -ETIMEDOUT;
        if ((tp->flags & TK_TF_PASSIVE) && tp->state == TK_TCP_SYN_RCVD)
            err = 0;
        tk_tcb_drop(s, tp, err, "retransmission timeout");
        return;
    }
    tp->rexmt_count++;
    s->stats.rto_timeouts++;
    pmtu_blackhole(s, tp);
    tp->flags &= ~TK_TF_RTT_TIMING;
    bool rack = tk_rack_active(tp) && tk_tcb_synchronized(tp) && tp->state != TK_TCP_SYN_RCVD;
    if (rack) {
        if (tp->rexmt_count > 1)
            tk_sack_reset(tp); /* as below: the peer may have reneged */
        tk_rack_on_rto(s, tp, now);
    }
    if (tp->cc.ops != NULL && tk_tcb_synchronized(tp) && tp->state != TK_TCP_SYN_RCVD) {
        tp->cc.ops->on_rto(&tp->cc, tk_pace_loss_flight(tp), tp->snd_nxt);
        tk_ecn_cwnd_reduced(tp);
    }
    if (rack) {
        /* RFC 8985 6.3: the scoreboard stays and SND.NXT does not go back;
         * the first segment goes now, the others marked lost as cwnd
         * allows (output), unless F-RTO finds the timeout spurious. */
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT,
                         user_clamp(tp, now + tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count)));
        uint32_t seq, len;
        if (!tk_rack_next_lost(tp, tk_tcp_seg_max(tp), &seq, &len) ||
            tk_tcp_resend(s, tp, seq, len, now) == 0)
            tk_tcp_retransmit_head(s, tp, now);
        return;
    }
    tp->snd_nxt = tp->snd_una;
    /* Go back to SND.UNA. RFC 6675 5.1: the scoreboard stays, so the resend
     * skips what the peer holds; a second timeout for the same data drops
     * it (the receiver may have reneged, RFC 2018 8). */
    if (tp->rexmt_count > 1)
        tk_sack_reset(tp);
    else
        tk_cold(tp)->rexmit_next = tp->snd_una;
    tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT,
                     user_clamp(tp, now + tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count)));
    if (tp->state == TK_TCP_SYN_SENT || tp->state == TK_TCP_SYN_RCVD) {
        tk_tcp_output(s, tp, now);
        return;
    }
    tk_tcp_retransmit_head(s, tp, now);
}

/* SEC-10: the peer's window stayed closed too long for this connection:
 * an orphan after orphan_retries probes (answered or not: nobody will ever
 * read what an orphan still has to send), an open connection after
 * persist_max_idle. Returns the counter to bump, NULL to go on. */
static tk_counter *persist_give_up(tk_stack *s, const tk_tcb *tp, tk_time now) {
    if ((tp->flags & TK_TF_ORPHAN) && tk_cold(tp)->persist_count >= s->cfg.orphan_retries)
        return &s->stats.orphan_persist_timeouts;
    if (s->cfg.persist_max_idle != 0 && now - tk_cold(tp)->persist_since >= s->cfg.persist_max_idle)
        return &s->stats.persist_idle_timeouts;
    return NULL;
}

/* DT-3: a probe, then the next one after a backed-off interval; the
 * connection lives while probes are answered (RFC 9293 3.8.6.1), and ends
 * after retries2 unanswered ones. With a small open window (sender SWS
 * avoidance held the data back) the timer forces a segment out instead
 * (RFC 1122 4.2.3.4). */
static void on_persist(tk_stack *s, tk_tcb *tp, tk_time now) {
    /* TCP_USER_TIMEOUT: from the first probe left unanswered (API-6). */
    tk_time ut = user_timeout(tp);
    bool expired = ut != 0
                       ? tk_cold(tp)->probes_unanswered > 0 && now - tk_cold(tp)->stall_since >= ut
                       : tk_cold(tp)->probes_unanswered >= s->cfg.retries2;
    if (expired) {
        s->stats.conn_timeouts++;
        tk_tcb_drop(s, tp, -ETIMEDOUT, "persist timeout");
        return;
    }
    tk_counter *why = tp->snd_wnd == 0 ? persist_give_up(s, tp, now) : NULL;
    if (why != NULL) {
        /* Like Linux giving up on an orphan: the peer learns with a RST. */
        (*why)++;
        s->stats.conn_timeouts++;
        tk_tcp_send_rst_tcb(s, tp, now);
        tk_tcb_drop(s, tp, -ETIMEDOUT, "zero window too long");
        return;
    }
    tp->snd_nxt = tp->snd_una;
    if (tp->snd_wnd > 0) {
        tp->flags |= TK_TF_FORCE;
        tk_tcp_output(s, tp, now);
        tp->flags &= ~TK_TF_FORCE;
        return;
    }
    tk_tcp_send_probe(s, tp, now);
    if (tk_cold(tp)->probes_unanswered == 0)
        tk_cold(tp)->stall_since = now;
    tk_cold(tp)->probes_unanswered++;
    tk_cold(tp)->persist_count++;
    tk_time d = tk_rtt_rto(&tk_cold(tp)->rtt, tk_cold(tp)->persist_count);
    if (d < s->cfg.persist_min)
        d = s->cfg.persist_min;
    tk_tcb_timer_set(s, tp, TK_TIMER_PERSIST, user_clamp(tp, now + d));
}

/* TM-1: probes after keep_idle of silence, every keep_intvl, keep_cnt of
 * them unanswered end the connection. Arrivals only update last_rcv; the
 * timer checks it when it fires. */
static void on_keepalive(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!TK_WITH_KEEPALIVE || !tk_tcb_keepalive_on(s, tp) || !tk_tcb_synchronized(tp) ||
        tp->state == TK_TCP_SYN_RCVD) {
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPALIVE);
        return;
    }
    if (tk_cold(tp)->keep_count == 0 &&
        now < tp->last_rcv + TK_MS(tk_cold(tp)->opts.keep_idle_ms)) {
        tk_tcb_timer_set(s, tp, TK_TIMER_KEEPALIVE,
                         tp->last_rcv + TK_MS(tk_cold(tp)->opts.keep_idle_ms));
        return;
    }
    if (tk_cold(tp)->keep_count >= tk_cold(tp)->opts.keep_cnt) {
        s->stats.conn_timeouts++;
        tk_tcb_drop(s, tp, -ETIMEDOUT, "keepalive timeout");
        return;
    }
    tk_tcp_send_keepalive(s, tp, now);
    tk_cold(tp)->keep_count++;
    tk_tcb_timer_set(s, tp, TK_TIMER_KEEPALIVE, now + TK_MS(tk_cold(tp)->opts.keep_intvl_ms));
}

/* SO_LINGER {1, n}: the graceful close did not finish (data or FIN still
 * unacknowledged) within n seconds of close(): abort with RST. */
static void on_linger(tk_stack *s, tk_tcb *tp, tk_time now) {
    if ((tp->flags & TK_TF_FIN_ACKED) || !tk_tcb_synchronized(tp))
        return;
    tk_tcp_send_rst_tcb(s, tp, now);
    tk_tcb_drop(s, tp, 0, "linger timeout");
}

/* TCP_KEEPINIT (RFC 1122 4.2.3.5 allows an establishment limit): the
 * handshake did not complete in time. Like the retry limit, a connection
 * no application has seen yet (a listener's child) ends silently. */
static void on_keepinit(tk_stack *s, tk_tcb *tp) {
    if (tp->state != TK_TCP_SYN_SENT && tp->state != TK_TCP_SYN_RCVD)
        return;
    s->stats.conn_timeouts++;
    if (tp->state == TK_TCP_SYN_SENT)
        s->stats.attempt_fails++;
    int err = (tp->flags & TK_TF_PASSIVE) && tp->state == TK_TCP_SYN_RCVD ? 0 : -ETIMEDOUT;
    tk_tcb_drop(s, tp, err, "connection-establishment timeout");
}

void tk_tcp_timer_fire(tk_stack *s, tk_tcb *tp, tk_time now) {
    /* One kind at a time: a handler may free the TCB. */
    for (;;) {
        tk_time due;
        int kind = tk_tcb_next_timer(tp, &due);
        if (kind == TK_TIMER_NONE || due > now) {
            tk_tcb_timer_rearm(s, tp);
            return;
        }
        /* An expired establishment limit wins over a retransmission due at
         * the same instant: nothing more is sent once the limit is up. */
        if (tk_tcb_timer_at(tp, TK_TIMER_KEEPINIT) <= now)
            kind = TK_TIMER_KEEPINIT;
        tk_tcb_timer_stop(s, tp, kind);
        switch (kind) {
        case TK_TIMER_RETRANSMIT:
            on_retransmit(s, tp, now);
            break;
        case TK_TIMER_PERSIST:
            on_persist(s, tp, now);
            break;
        case TK_TIMER_DELACK:
            tp->flags |= TK_TF_ACKNOW;
            tk_tcp_output(s, tp, now);
            break;
        case TK_TIMER_KEEPALIVE:
            on_keepalive(s, tp, now);
            break;
        case TK_TIMER_FIN_WAIT_2:
            tk_tcb_drop(s, tp, 0, "FIN_WAIT_2 timeout");
            break;
        case TK_TIMER_LINGER:
            on_linger(s, tp, now);
            break;
        case TK_TIMER_KEEPINIT:
            on_keepinit(s, tp);
            break;
        case TK_TIMER_PACE: /* the next paced segment may leave */
            tk_tcp_output(s, tp, now);
            break;
        default:
            tk_tcb_drop(s, tp, 0, "2MSL timeout");
            break;
        }
        if (!(tp->flags & TK_TF_ALLOC) || tp->state == TK_TCP_CLOSED)
            return;
    }
}
