/* TCB life cycle: allocation with its buffers, state changes (traced),
 * per-connection timers on the stack's timer queue, drop and TIME_WAIT. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "base/seq.h"
#include "tcp/demux.h"
#include "tcp/isn.h"
#include "tcp/state.h"
#include "tcp/timewait.h"

/* The functions themselves, not tcb.h's call-site macros. */
#undef tk_tcb_set_state
#undef tk_tcb_drop
#undef tk_tcb_time_wait

tk_tcb *tk_tcb_at(const tk_stack *s, uint32_t index) {
    if (index >= s->tcbs.cap)
        return NULL;
    tk_tcb *tp = tk_pool_at(&s->tcbs, index);
    return tp != NULL && (tp->flags & TK_TF_ALLOC) ? tp : NULL;
}

tk_tcb *tk_tcb_alloc(tk_stack *s) {
    tk_tcb *tp = tk_pool_alloc(&s->tcbs);
    if (tp == NULL)
        return NULL;
    memset(tp, 0, sizeof(tk_tcb_slot));
    tp->index = tk_pool_index(&s->tcbs, tp);
    tp->flags = TK_TF_ALLOC;
    tp->state = TK_TCP_CLOSED;
    s->state_count[TK_TCP_CLOSED]++;
    tp->hash_next = tk_cold(tp)->bind_next = tk_cold(tp)->bind_prev = TK_NIL;
    tk_cold(tp)->list_next = tk_cold(tp)->pend_next = tk_cold(tp)->pend_prev = tk_cold(tp)->parent =
        TK_NIL;
    for (int i = 0; i < TK_TIMER_SLOTS; i++)
        tk_cold(tp)->t[i] = TK_TIME_NEVER;
    tk_sockopts_init(&tk_cold(tp)->opts, &s->cfg);
    tk_chunkq_init(&tp->rcvq, s->cfg.rcvbuf, false);
    tk_chunkq_init(&tp->sndq, s->cfg.sndbuf, true);
    tp->mss = s->cfg.default_mss;
    tk_rtt_init(&tk_cold(tp)->rtt, s->cfg.rto_initial, s->cfg.rto_min, s->cfg.rto_max);
    return tp;
}

void tk_tcb_unlink_pending(tk_stack *s, tk_tcb *tp) {
    if (!(tp->flags & TK_TF_PENDING))
        return;
    if (tk_cold(tp)->pend_prev != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->pend_prev))->pend_next = tk_cold(tp)->pend_next;
    else
        s->pending_head = tk_cold(tp)->pend_next;
    if (tk_cold(tp)->pend_next != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->pend_next))->pend_prev = tk_cold(tp)->pend_prev;
    tp->flags &= ~TK_TF_PENDING;
    tk_cold(tp)->pend_next = tk_cold(tp)->pend_prev = TK_NIL;
}

/* A child leaves its listener's accept queue (reset or timed out before
 * accept()); the walk is bounded by the backlog. */
static void unlink_acceptq(tk_stack *s, tk_tcb *tp) {
    tk_tcb *lp = tk_tcb_at(s, tk_cold(tp)->parent);
    tp->flags &= ~TK_TF_IN_ACCEPTQ;
    if (lp == NULL)
        return;
    uint32_t prev = TK_NIL;
    for (uint32_t i = tk_cold(lp)->acq_head; i != TK_NIL; i = tk_cold(tk_tcb_at(s, i))->list_next) {
        if (i != tp->index) {
            prev = i;
            continue;
        }
        if (prev == TK_NIL)
            tk_cold(lp)->acq_head = tk_cold(tp)->list_next;
        else
            tk_cold(tk_tcb_at(s, prev))->list_next = tk_cold(tp)->list_next;
        if (tk_cold(lp)->acq_tail == tp->index)
            tk_cold(lp)->acq_tail = prev;
        tk_cold(lp)->acq_len--;
        break;
    }
    tk_cold(tp)->list_next = TK_NIL;
}

void tk_tcb_free(tk_stack *s, tk_tcb *tp) {
    if (tp->flags & TK_TF_FO_CHILD)
        tk_fastopen_child_done(s, tp);
    if (tp->flags & TK_TF_IN_ACCEPTQ)
        unlink_acceptq(s, tp);
    if (tp->flags & TK_TF_IN_HASH)
        tk_demux_remove(s, tp);
    if (tp->flags & TK_TF_IN_LISTEN)
        tk_listen_remove(s, tp);
    if (tp->flags & TK_TF_IN_BIND)
        tk_bind_remove(s, tp);
    tk_tcb_unlink_pending(s, tp);
    tk_sack_release(s, tp);
    tk_tcb_reass_release(s, tp);
    tk_chunkq_release(&s->chunks, &tp->rcvq);
    tk_chunkq_release(&s->chunks, &tp->sndq);
    tk_timerq_cancel(&s->timers, tp->index);
    s->state_count[tp->state]--;
    tp->flags = 0;
    tk_pool_free(&s->tcbs, tp);
}

tk_reass *tk_tcb_reass_take(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (tp->reass != NULL)
        return tp->reass;
    tp->reass = tk_pool_alloc(&s->reasses);
    if (tp->reass == NULL)
        TK_DROP(s, drop_ooo_no_reass, now);
    else
        tk_reass_init(tp->reass, tk_reass_cap_for(s->cfg.rcvbuf)); /* fixed for the stack's life */
    return tp->reass;
}

void tk_tcb_reass_release(tk_stack *s, tk_tcb *tp) {
    if (tp->reass != NULL)
        tk_pool_free(&s->reasses, tp->reass);
    tp->reass = NULL;
}

bool tk_tcb_synchronized(const tk_tcb *tp) {
    return tp->state >= TK_TCP_SYN_RCVD;
}

bool tk_tcb_keepalive_on(const tk_stack *s, const tk_tcb *tp) {
    return TK_WITH_KEEPALIVE &&
           ((tk_cold(tp)->opts.flags & TK_SOF_KEEPALIVE) || s->cfg.keepalive_always);
}

/* A trace event about tp: its descriptor and endpoints filled in. */
static tk_trace_event conn_event(const tk_stack *s, const tk_tcb *tp, tk_trace_kind kind) {
    tk_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.now = s->now;
    ev.sd = (tp->flags & TK_TF_FD) ? (int)tp->index : -1;
    ev.laddr = tp->laddr;
    ev.raddr = tp->raddr;
#if TK_WITH_IPV6
    if (tp->flags & TK_TF_V6) {
        ev.laddr6 = tk_tcb_a6(s, tp)->l;
        ev.raddr6 = tk_tcb_a6(s, tp)->r;
    }
#endif
    ev.lport = tp->lport;
    ev.rport = tp->rport;
    ev.old_state = ev.new_state = tp->state;
    return ev;
}

void tk_tcb_set_state(tk_stack *s, tk_tcb *tp, int state, const char *cause) {
    int old = tp->state;
    if (old == state)
        return;
    s->state_count[old]--;
    s->state_count[state]++;
    tp->state = (uint8_t)state;
    if (state != TK_TCP_SYN_SENT && state != TK_TCP_SYN_RCVD)
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPINIT);
    if (!tk_obs_on(&s->obs))
        return;
    tk_trace_event ev = conn_event(s, tp, TK_TRACE_STATE);
    ev.old_state = old;
    ev.cause = cause;
    tk_obs_trace(&s->obs, &ev);
}

void tk_tcb_adopt_state(tk_stack *s, tk_tcb *tp, int state) {
    s->state_count[tp->state]--;
    s->state_count[state]++;
    tp->state = (uint8_t)state;
}

int tk_tcb_next_timer(const tk_tcb *tp, tk_time *deadline) {
    int kind = TK_TIMER_NONE;
    tk_time best = TK_TIME_NEVER;
    for (int k = TK_TIMER_NONE + 1; k < TK_TIMER_COUNT; k++) {
        tk_time t = tk_tcb_timer_at(tp, k);
        if (t < best) {
            best = t;
            kind = k;
        }
    }
    *deadline = best;
    return kind;
}

/* The queue is rearmed lazily: only a deadline that moves earlier (or a
 * first one) touches the heap. One that moves later or goes away — most
 * ACKs push the retransmission deadline later or stop it — leaves the queued
 * deadline early; it is corrected when it fires (tk_tcp_timer_fire finds
 * nothing due and rearms) or reaches the head (tk_tcp_timers_settle). With
 * thousands of connections this saves a sift through a cold heap per ACK. */
void tk_tcb_timer_rearm(tk_stack *s, tk_tcb *tp) {
    tk_time next;
    (void)tk_tcb_next_timer(tp, &next);
    if (next < tk_timerq_deadline(&s->timers, tp->index))
        (void)tk_timerq_arm(&s->timers, tp->index, next);
}

void tk_tcp_timers_settle(tk_stack *s) {
    uint32_t id;
    tk_time queued;
    while (tk_timerq_head(&s->timers, &id, &queued)) {
        tk_time next;
        (void)tk_tcb_next_timer(tk_tcb_at(s, id), &next);
        if (next == queued)
            return;
        if (next == TK_TIME_NEVER)
            tk_timerq_cancel(&s->timers, id);
        else
            (void)tk_timerq_arm(&s->timers, id, next);
    }
}

/* The queued deadline is never later than the earliest of t[] (lazy
 * requeueing only leaves it early), so a deadline earlier than the queued
 * one is the new earliest, and any other leaves the queue as it is. */
void tk_tcb_timer_set(tk_stack *s, tk_tcb *tp, int kind, tk_time deadline) {
    int i = tk_timer_slot(kind);
    if (i < 0)
        return;
    tk_cold(tp)->t[i] = deadline;
    if (deadline < tk_timerq_deadline(&s->timers, tp->index))
        (void)tk_timerq_arm(&s->timers, tp->index, deadline);
}

void tk_tcb_timer_stop(tk_stack *s, tk_tcb *tp, int kind) {
    (void)s; /* the queue entry is corrected when it fires or is the head */
    int i = tk_timer_slot(kind);
    if (i >= 0)
        tk_cold(tp)->t[i] = TK_TIME_NEVER;
}

void tk_tcb_mark_pending(tk_stack *s, tk_tcb *tp) {
    if (tp->flags & TK_TF_PENDING)
        return;
    tp->flags |= TK_TF_PENDING;
    tk_cold(tp)->pend_prev = TK_NIL;
    tk_cold(tp)->pend_next = s->pending_head;
    if (tk_cold(tp)->pend_next != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->pend_next))->pend_prev = tp->index;
    s->pending_head = tp->index;
}

void tk_tcb_error(tk_stack *s, tk_tcb *tp, int err) {
    tk_cold(tp)->so_error = err;
    if (!tk_obs_on(&s->obs))
        return;
    tk_trace_event ev = conn_event(s, tp, TK_TRACE_ERROR);
    ev.err = err;
    tk_obs_trace(&s->obs, &ev);
}

static void stop_all_timers(tk_stack *s, tk_tcb *tp) {
    for (int i = 0; i < TK_TIMER_SLOTS; i++)
        tk_cold(tp)->t[i] = TK_TIME_NEVER;
    tk_tcb_timer_rearm(s, tp);
}

void tk_tcb_drop(tk_stack *s, tk_tcb *tp, int err, const char *cause) {
    if (err != 0 && (tp->flags & TK_TF_FD))
        tk_tcb_error(s, tp, err);
    tk_tcb_set_state(s, tp, TK_TCP_CLOSED, cause);
    stop_all_timers(s, tp);
    if (tp->flags & TK_TF_IN_HASH)
        tk_demux_remove(s, tp);
    if (tp->flags & TK_TF_FD) {
        tk_chunkq_release(&s->chunks, &tp->sndq);
        return;
    }
    tk_tcb_free(s, tp);
}

void tk_tcb_time_wait(tk_stack *s, tk_tcb *tp, const char *cause, tk_time now) {
    if (s->cfg.sim_no_time_wait) { /* what-if (tk_config): the last ACK, then gone */
        if (tp->flags & TK_TF_ACKNOW)
            tk_tcp_send_ack(s, tp, now);
        tk_tcb_drop(s, tp, 0, TK_CAUSE("no TIME_WAIT (what-if)"));
        return;
    }
    tk_tcb_set_state(s, tp, TK_TCP_TIME_WAIT, cause);
    s->stats.time_wait_entered++;
    stop_all_timers(s, tp);
    tk_time expiry = now + 2 * s->cfg.msl;
    if (tp->flags & TK_TF_FD) {
        tk_tcb_timer_set(s, tp, TK_TIMER_TIME_WAIT, expiry);
        return;
    }
    if (tp->flags & TK_TF_ACKNOW)
        tk_tcp_send_ack(s, tp, now);
    if (tk_tw_from_tcb(s, tp, expiry))
        return;
    if (tp->flags & TK_TF_V6) /* its IPv6 address is gone: the TCB waits out 2MSL */
        tk_tcb_timer_set(s, tp, TK_TIMER_TIME_WAIT, expiry);
    else
        tk_tcb_drop(s, tp, 0, TK_CAUSE("TIME_WAIT pool full"));
}

uint32_t tk_tcp_iss(tk_stack *s, const tk_tcb *tp, tk_time now) {
    return tk_tcp_iss_for(s, tp->laddr, tp->lport, tp->raddr, tp->rport, now);
}

uint32_t tk_tcp_iss_for(tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
                        tk_time now) {
    if (s->cfg.isn_fixed)
        return s->cfg.isn_value;
    uint32_t isn = tk_isn_generate(s->isn_key, laddr, lport, raddr, rport, now);
    if (s->iss_floor_set) {
        s->iss_floor_set = false;
        if (tk_seq_leq(isn, s->iss_floor))
            isn = s->iss_floor;
    }
    return isn;
}

/* Sequence state of a new connection; the peer's values come later. */
void tk_tcb_init_conn(tk_stack *s, tk_tcb *tp, tk_time now) {
    tk_cold(tp)->iss = tk_tcp_iss(s, tp, now);
    tp->snd_una = tp->snd_nxt = tp->snd_max = tk_cold(tp)->iss;
    tp->ecn = 0; /* negotiated anew for every connection (RFC 3168 6.1.1) */
    tp->last_rcv = now;
    tk_cold(tp)->last_snd = now;
    if (tk_cold(tp)->opts.keepinit_ms > 0)
        tk_tcb_timer_set(s, tp, TK_TIMER_KEEPINIT, now + TK_MS(tk_cold(tp)->opts.keepinit_ms));
    tp->mss = s->cfg.default_mss;
    tk_rtt_init(&tk_cold(tp)->rtt, s->cfg.rto_initial, s->cfg.rto_min, s->cfg.rto_max);
    tk_tcb_reass_release(s, tp);
    tk_chunkq_release(&s->chunks, &tp->rcvq);
    tk_chunkq_release(&s->chunks, &tp->sndq);
    tk_chunkq_init(&tp->rcvq, tk_cold(tp)->opts.rcv_cap, false);
    tk_chunkq_init(&tp->sndq, tk_cold(tp)->opts.snd_cap, true);
}
