/* Ending connections from the application side: shutdown(), close() and
 * readiness (tk_poll_events). */
#include <errno.h>

#include "socket/events.h"
#include "socket/fd.h"
#include "tcp/state.h"
#include "tcp/timewait.h"
#include "tcpkit/socket.h"

/* Queues our FIN behind the data (CM-8): ESTABLISHED -> FIN_WAIT_1,
 * CLOSE_WAIT -> LAST_ACK. Returns false when there is no FIN to send. */
static bool queue_fin(tk_stack *s, tk_tcb *tp, const char *cause) {
    if (tp->flags & TK_TF_FIN_QUEUED)
        return true;
    if (tp->state == TK_TCP_ESTABLISHED)
        tk_tcb_set_state(s, tp, TK_TCP_FIN_WAIT_1, cause);
    else if (tp->state == TK_TCP_CLOSE_WAIT)
        tk_tcb_set_state(s, tp, TK_TCP_LAST_ACK, cause);
    else if (tp->state != TK_TCP_SYN_RCVD) /* RFC 9293 3.10.4: SYN_RCVD sends it once ESTABLISHED */
        return false;
    tp->flags |= TK_TF_FIN_QUEUED;
    tk_tcb_mark_pending(s, tp);
    return true;
}

int tk_shutdown(tk_stack *s, int sd, int how) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (how != TK_SHUT_RD && how != TK_SHUT_WR && how != TK_SHUT_RDWR)
        return -EINVAL;
    if (!tk_tcb_synchronized(tp) || tp->state == TK_TCP_SYN_RCVD)
        return -ENOTCONN;
    if (how != TK_SHUT_WR)
        tp->flags |= TK_TF_SHUT_RD;
    if (how != TK_SHUT_RD)
        (void)queue_fin(s, tp, "shutdown()");
    return 0;
}

/* Connections waiting in the accept queue get a RST; half-open ones go
 * quietly (as in BSD's syncache and Linux's request queue). The scan of the
 * pool happens only when a listener closes. */
static void close_listener(tk_stack *s, tk_tcb *lp) {
    for (uint32_t i = 0; i < s->tcbs.cap; i++) {
        tk_tcb *tp = tk_tcb_at(s, i);
        if (tp == NULL || tk_cold(tp)->parent != lp->index || (tp->flags & TK_TF_FD))
            continue;
        tk_cold(tp)->parent = TK_NIL;
        tp->flags &= ~TK_TF_IN_ACCEPTQ;
        if (tp->state == TK_TCP_SYN_RCVD) {
            tk_tcb_drop(s, tp, 0, "listener closed");
            continue;
        }
        tp->flags |= TK_TF_ABORT;
        tk_tcb_mark_pending(s, tp);
    }
    tk_tcb_set_state(s, lp, TK_TCP_CLOSED, "close()");
    tk_tcb_free(s, lp);
}

int tk_close(tk_stack *s, int sd) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    tk_sock_events_forget(s, sd);
    if (tp->state == TK_TCP_LISTEN) {
        close_listener(s, tp);
        return 0;
    }
    tp->flags &= ~TK_TF_FD;
    tp->flags |= TK_TF_ORPHAN;
    switch (tp->state) {
    case TK_TCP_CLOSED:
        tk_tcb_free(s, tp);
        return 0;
    case TK_TCP_SYN_SENT:
        tk_tcb_drop(s, tp, 0, "close()");
        return 0;
    case TK_TCP_TIME_WAIT:
        if (!tk_tw_from_tcb(s, tp, tk_tcb_timer_at(tp, TK_TIMER_TIME_WAIT)))
            tk_tcb_drop(s, tp, 0, "TIME_WAIT pool full");
        return 0;
    default:
        break;
    }
    /* RS-2 SO_LINGER {1, 0} and RS-3 unread data: abort with RST. */
    if ((tk_cold(tp)->opts.flags & TK_SOF_LINGER0) || tk_chunkq_len(&tp->rcvq) > 0) {
        tp->flags |= TK_TF_ABORT;
        tk_tcb_mark_pending(s, tp);
        return 0;
    }
    (void)queue_fin(s, tp, "close()");
    if ((tk_cold(tp)->opts.flags & TK_SOF_LINGER) && !(tp->flags & TK_TF_FIN_ACKED))
        tk_tcb_timer_set(s, tp, TK_TIMER_LINGER, s->now + TK_MS(tk_cold(tp)->opts.linger_ms));
    if (tp->state == TK_TCP_FIN_WAIT_2)
        tk_tcb_timer_set(s, tp, TK_TIMER_FIN_WAIT_2, s->now + s->cfg.fin_wait2_timeout);
    return 0;
}

int tk_poll_events(tk_stack *s, int sd) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    int ev = 0;
    if (tp->state == TK_TCP_LISTEN)
        return tk_cold(tp)->acq_len > 0 ? TK_POLLIN : 0;
    /* SO_RCVLOWAT, TCP_NOTSENT_LOWAT (API-6). */
    if ((tk_chunkq_len(&tp->rcvq) > 0 && !tk_sock_rcv_short(tp, UINT32_MAX)) ||
        (tp->flags & (TK_TF_FIN_RCVD | TK_TF_SHUT_RD)))
        ev |= TK_POLLIN;
    if ((tp->state == TK_TCP_ESTABLISHED || tp->state == TK_TCP_CLOSE_WAIT) &&
        !(tp->flags & TK_TF_FIN_QUEUED) && tk_chunkq_free(&tp->sndq) > 0 &&
        tk_sockopt_notsent_ok(tp))
        ev |= TK_POLLOUT;
    if (tk_cold(tp)->so_error != 0)
        ev |= TK_POLLERR | TK_POLLIN;
    if (tp->state == TK_TCP_CLOSED && ((tp->flags & TK_TF_CONNECTED) || tk_cold(tp)->so_error != 0))
        ev |= TK_POLLHUP;
    if (tp->state == TK_TCP_TIME_WAIT)
        ev |= TK_POLLHUP;
    return ev;
}
