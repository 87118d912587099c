/* The options whose values do more than store a number (sockopts.c's
 * table names these): timers rearmed, buffers resized, flags set, values
 * checked against the connection's state. Each returns 0 or a negative
 * errno, as the socket call does. */
#include <errno.h>

#include "base/seq.h"
#include "tcp/sockopts.h"
#include "tcp/sockopts_rules.h"
#include "tcp/state.h"

#if TK_WITH_KEEPALIVE
/* TM-1: (re)arms the keepalive timer from the current settings, so that
 * SO_KEEPALIVE and the TCP_KEEP* options work in any order and at any time:
 * idle counts from the last arrival; while probing, the next probe follows
 * the (possibly new) interval from now. */
int tk_so_keep_rearm(tk_stack *s, tk_tcb *tp, int v) {
    (void)v;
    if (!tk_tcb_keepalive_on(s, tp)) {
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPALIVE);
        return 0;
    }
    if (!tk_tcb_synchronized(tp) || tp->state == TK_TCP_SYN_RCVD)
        return 0;
    tk_time due = tp->last_rcv + TK_MS(tk_cold(tp)->opts.keep_idle_ms);
    if (tk_cold(tp)->keep_count > 0)
        due = s->now + TK_MS(tk_cold(tp)->opts.keep_intvl_ms);
    if (due < s->now)
        due = s->now;
    tk_time cur = tk_tcb_timer_at(tp, TK_TIMER_KEEPALIVE);
    if (tk_cold(tp)->keep_count > 0 && cur != TK_TIME_NEVER && cur < due)
        return 0;
    tk_tcb_timer_set(s, tp, TK_TIMER_KEEPALIVE, due);
    return 0;
}

/* TCP_KEEPIDLE / TCP_KEEPINTVL rearm a running keepalive; switched off,
 * they leave the timer alone. */
int tk_so_keep_time_set(tk_stack *s, tk_tcb *tp, int v) {
    return tk_tcb_keepalive_on(s, tp) ? tk_so_keep_rearm(s, tp, v) : 0;
}
#endif

/* As FreeBSD does, a new value during the handshake restarts the limit. */
int tk_so_keepinit_set(tk_stack *s, tk_tcb *tp, int v) {
    if (tp->state != TK_TCP_SYN_SENT && tp->state != TK_TCP_SYN_RCVD)
        return 0;
    if (v == 0)
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPINIT);
    else
        tk_tcb_timer_set(s, tp, TK_TIMER_KEEPINIT, s->now + TK_MS(tk_cold(tp)->opts.keepinit_ms));
    return 0;
}

int tk_so_nodelay_set(tk_stack *s, tk_tcb *tp, int v) {
    if (v)
        tk_tcb_mark_pending(s, tp); /* DT-4: Nagle no longer holds data */
    return 0;
}

/* API-6: clearing the cork pushes what it held at once, even past Nagle
 * (Linux's TCP_NAGLE_PUSH). */
int tk_so_cork_set(tk_stack *s, tk_tcb *tp, int v) {
    if (v || !tk_tcb_synchronized(tp))
        return 0;
    tp->flags |= TK_TF_UNCORK;
    tk_tcb_mark_pending(s, tp);
    return 0;
}

/* Buffer sizes up to the configured per-socket size, at any time (API-6):
 * on a connection a send buffer never drops below the bytes queued, and a
 * receive buffer never below the window already offered (RFC 9293
 * 3.8.6.2.2: the window does not shrink); a larger one may open the window. */
static int buf_set(tk_stack *s, tk_tcb *tp, bool rcv, int v) {
    uint32_t max = rcv ? s->cfg.rcvbuf : s->cfg.sndbuf;
    uint32_t n = (uint32_t)v > max ? max : (uint32_t)v;
    *(rcv ? &tk_cold(tp)->opts.rcv_cap : &tk_cold(tp)->opts.snd_cap) = n;
    uint32_t cap = n;
    if (rcv && tk_seq_gt(tp->rcv_adv, tp->rcv_nxt)) {
        uint32_t promised = tk_chunkq_len(&tp->rcvq) + (tp->rcv_adv - tp->rcv_nxt);
        cap = cap < promised ? promised : cap;
    }
    tk_chunkq_set_cap(rcv ? &tp->rcvq : &tp->sndq, cap);
    if (tp->state == TK_TCP_CLOSED || tp->state == TK_TCP_LISTEN)
        return 0;
    if (!rcv || tk_tcp_window_update_due(s, tp))
        tk_tcb_mark_pending(s, tp); /* more may be sent, or the window opens */
    return 0;
}
int tk_so_rcvbuf_set(tk_stack *s, tk_tcb *tp, int v) {
    return buf_set(s, tp, true, v);
}
int tk_so_sndbuf_set(tk_stack *s, tk_tcb *tp, int v) {
    return buf_set(s, tp, false, v);
}

/* TCP_QUICKACK set while an ACK is being delayed sends it now, as Linux
 * does (RFC 1122 4.2.3.2 leaves the delay to the receiver). */
int tk_so_quickack_set(tk_stack *s, tk_tcb *tp, int v) {
    if (v && tk_tcb_timer_armed(tp, TK_TIMER_DELACK)) {
        tp->flags |= TK_TF_ACKNOW;
        tk_tcb_mark_pending(s, tp);
    }
    return 0;
}

/* Linux's TCP_MAXSEG range: 0 (the route's MSS) or 88..32767. */
int tk_so_maxseg_set(tk_stack *s, tk_tcb *tp, int v) {
    (void)s;
    if (v != 0 && (v < 88 || v > 32767))
        return -EINVAL;
    tk_cold(tp)->opts.maxseg = (uint16_t)v;
    return 0;
}
/* Linux's answer: the value asked for before the connection exists (536
 * without one), the MSS in use once it does. */
int tk_so_maxseg_get(tk_tcb *tp, int *v) {
    if (tp->state == TK_TCP_CLOSED || tp->state == TK_TCP_LISTEN)
        *v = tk_cold(tp)->opts.maxseg != 0 ? tk_cold(tp)->opts.maxseg : 536;
    else
        *v = (int)tk_tcp_seg_max(tp);
    return 0;
}

/* As Linux: 0 means 1, a negative value the largest, and a mark above half the receive buffer is
 * lowered to it, so that the window cannot close before it is reached. */
int tk_so_rcvlowat_set(tk_stack *s, tk_tcb *tp, int v) {
    (void)s;
    uint32_t cap = tk_cold(tp)->opts.rcv_cap / 2u;
    uint32_t n = v < 0 ? UINT32_MAX : v == 0 ? 1u : (uint32_t)v;
    tk_cold(tp)->opts.rcvlowat = n > cap ? cap : n;
    return 0;
}

#if TK_WITH_ENCAP
/* As FreeBSD: only before the connection exists, and only with a tunnel. */
int tk_so_encap_set(tk_stack *s, tk_tcb *tp, int v) {
    if ((v != 0 && s->cfg.udp_tunnel_port == 0) || tp->state != TK_TCP_CLOSED)
        return -EINVAL;
    tp->encap_port = (uint16_t)v;
    return 0;
}
int tk_so_encap_get(tk_tcb *tp, int *v) {
    *v = tp->encap_port;
    return 0;
}
#endif

#if TK_WITH_IPV6
/* IPV6_V6ONLY (NET-4): a TCB flag, read by the listen lookup (demux.c). */
int tk_so_v6only_set(tk_stack *s, tk_tcb *tp, int v) {
    (void)s;
    if (tp->state == TK_TCP_LISTEN)
        return -EINVAL;
    if (v)
        tp->flags |= TK_TF_V6ONLY;
    else
        tp->flags &= ~TK_TF_V6ONLY;
    return 0;
}

int tk_so_v6only_get(tk_tcb *tp, int *v) {
    *v = (tp->flags & TK_TF_V6ONLY) != 0;
    return 0;
}
#endif

/* Reading the pending error clears it. */
int tk_so_error_get(tk_tcb *tp, int *v) {
    *v = tk_cold(tp)->so_error;
    tk_cold(tp)->so_error = 0;
    return 0;
}

#if TK_WITH_FASTOPEN
/* OP-8: a listener's queue of Fast Open connections, set before or after
 * listen() (as Linux); a connection has no use for it. */
int tk_so_fastopen_set(tk_stack *s, tk_tcb *tp, int v) {
    (void)s;
    if (tp->state != TK_TCP_CLOSED && tp->state != TK_TCP_LISTEN)
        return -EINVAL;
    tk_cold(tp)->opts.fastopen_qlen = (uint16_t)v;
    return 0;
}
#endif

/* DT-13: TCP_CONGESTION by number (tk_setsockopt maps the name); a
 * connection that runs switches at once, keeping its window. */
int tk_so_cc_algo_set(tk_stack *s, tk_tcb *tp, int v) {
    (void)s;
    if (tk_cc_ops_at((uint32_t)v) == NULL)
        return -ENOENT; /* a controller compiled out (TK_WITH_CUBIC 0) */
    tk_cold(tp)->opts.cc_algo = (uint8_t)v;
    if (tp->cc.ops != NULL)
        tk_cc_switch(&tp->cc, tk_cc_ops_at((uint32_t)v));
    return 0;
}

#if TK_WITH_PACING
/* Pacing switched off releases what it holds back. */
int tk_so_pacing_after(tk_stack *s, tk_tcb *tp, int v) {
    if (v || !tk_tcb_timer_armed(tp, TK_TIMER_PACE))
        return 0;
    tk_tcb_timer_stop(s, tp, TK_TIMER_PACE);
    tk_tcb_mark_pending(s, tp);
    return 0;
}
#endif
