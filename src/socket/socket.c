/* The BSD-like socket calls (SPEC API-1). A descriptor is the index of its
 * TCB. Calls never send: they change state and mark the TCB for the next
 * tk_stack_poll(). */
#include <errno.h>
#include <string.h>

#include "socket/fd.h"
#include "tcp/state.h"
#include "tcp/timewait.h"
#include "tcpkit/socket.h"

tk_tcb *tk_fd_tcb(tk_stack *s, int sd) {
    if (s == NULL || sd < 0)
        return NULL;
    tk_tcb *tp = tk_tcb_at(s, (uint32_t)sd);
    if (tp == NULL || !(tp->flags & TK_TF_FD))
        return NULL;
    return tp;
}

int tk_socket(tk_stack *s) {
    if (s == NULL)
        return -EINVAL;
    tk_tcb *tp = tk_tcb_alloc(s);
    if (tp == NULL)
        return -ENOBUFS;
    tp->flags |= TK_TF_FD;
    return (int)tp->index;
}

static int do_bind(tk_stack *s, tk_tcb *tp, uint32_t addr, uint16_t port) {
    if (addr != 0 && addr != s->cfg.addr)
        return -EADDRNOTAVAIL;
    if (port == 0) {
        int p = tk_port_pick(s, tp, addr, 0, 0);
        if (p < 0)
            return p;
        port = (uint16_t)p;
    } else {
        int rc = tk_bind_check(s, tp, addr, port);
        if (rc < 0)
            return rc;
    }
    tp->laddr = addr;
    tp->lport = port;
    tp->flags |= TK_TF_BOUND;
    tk_bind_insert(s, tp);
    return 0;
}

int tk_bind(tk_stack *s, int sd, const tk_sockaddr *addr) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (addr == NULL || (tp->flags & TK_TF_BOUND) || tp->state != TK_TCP_CLOSED)
        return -EINVAL;
    uint32_t a4;
    int rc = tk_sock_addr4(addr, &a4);
    if (rc < 0)
        return rc;
    return do_bind(s, tp, a4, addr->port);
}

int tk_listen(tk_stack *s, int sd, int backlog) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (tp->state == TK_TCP_LISTEN) {
        tk_cold(tp)->backlog = backlog > 0 ? (uint32_t)backlog : 1u;
        return 0;
    }
    if (tp->state != TK_TCP_CLOSED || (tp->flags & TK_TF_CONNECTED))
        return -EINVAL;
    if (!(tp->flags & TK_TF_BOUND)) {
        int rc = do_bind(s, tp, 0, 0);
        if (rc < 0)
            return rc;
    }
    /* The listener's fields share their place with a connection's
     * (tk_tcb_cold), which a failed connect() may have used. */
    tk_tcb_cold *c = tk_cold(tp);
    c->acq_head = c->acq_tail = TK_NIL;
    c->acq_len = 0;
    c->cookie_sent = 0;
    c->cookie_any = false;
    c->backlog = backlog > 0 ? (uint32_t)backlog : 1u;
    tk_tcb_set_state(s, tp, TK_TCP_LISTEN, "listen()");
    tk_listen_insert(s, tp);
    return 0;
}

int tk_accept(tk_stack *s, int sd, tk_sockaddr *peer) {
    tk_tcb *lp = tk_fd_tcb(s, sd);
    if (lp == NULL)
        return -EBADF;
    if (lp->state != TK_TCP_LISTEN)
        return -EINVAL;
    if (tk_cold(lp)->acq_head == TK_NIL)
        return -EAGAIN;
    tk_tcb *tp = tk_tcb_at(s, tk_cold(lp)->acq_head);
    tk_cold(lp)->acq_head = tk_cold(tp)->list_next;
    if (tk_cold(lp)->acq_head == TK_NIL)
        tk_cold(lp)->acq_tail = TK_NIL;
    tk_cold(lp)->acq_len--;
    tk_cold(tp)->list_next = TK_NIL;
    tk_cold(tp)->parent = TK_NIL;
    tp->flags &= ~TK_TF_IN_ACCEPTQ;
    tp->flags |= TK_TF_FD;
    if (peer != NULL)
        *peer = tk_sockaddr_in4(tp->raddr, tp->rport);
    return (int)tp->index;
}

int tk_connect(tk_stack *s, int sd, const tk_sockaddr *addr) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    uint32_t raddr = 0;
    int rc = tk_sock_addr4(addr, &raddr);
    if (rc < 0)
        return rc;
    if (addr->port == 0 || raddr == 0)
        return -EINVAL;
    if (tp->state == TK_TCP_SYN_SENT || tp->state == TK_TCP_SYN_RCVD)
        return -EALREADY;
    if (tp->state == TK_TCP_LISTEN)
        return -EINVAL;
    if (tp->state != TK_TCP_CLOSED || (tp->flags & TK_TF_CONNECTED))
        return -EISCONN; /* CM-17: never resets a live connection */
    uint32_t laddr = s->cfg.addr;
    if (tp->flags & TK_TF_BOUND) {
        if (tk_demux_lookup(s, laddr, tp->lport, raddr, addr->port) != NULL ||
            tk_tw_lookup(s, laddr, tp->lport, raddr, addr->port) != NULL)
            return -EADDRINUSE; /* CM-10 */
    } else {
        int p = tk_port_pick(s, tp, laddr, raddr, addr->port);
        if (p < 0)
            return p;
        tp->lport = (uint16_t)p;
    }
    tp->laddr = laddr;
    tp->raddr = raddr;
    tp->rport = addr->port;
    tk_cold(tp)->so_error = 0;
    tk_tcb_init_conn(s, tp, s->now);
    tp->rcv_shift =
        s->cfg.opt_wscale ? tk_tcp_wscale_for(tk_cold(tp)->opts.rcv_cap, s->cfg.wscale_min) : 0;
    tk_demux_insert(s, tp);
    tk_tcb_set_state(s, tp, TK_TCP_SYN_SENT, "connect()");
    s->stats.active_opens++;
    tk_tcb_mark_pending(s, tp);
    return -EINPROGRESS;
}

int tk_sock_send_begin(tk_stack *s, int sd, tk_tcb **out) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    *out = tp;
    if (tk_cold(tp)->so_error != 0) {
        int err = tk_cold(tp)->so_error;
        tk_cold(tp)->so_error = 0;
        return err;
    }
    if (tp->flags & TK_TF_FIN_QUEUED)
        return -EPIPE;
    if (tp->state != TK_TCP_ESTABLISHED && tp->state != TK_TCP_CLOSE_WAIT)
        return (tp->flags & TK_TF_CONNECTED) ? -EPIPE : -ENOTCONN;
    return 0;
}

long tk_send(tk_stack *s, int sd, const void *buf, size_t len) {
    tk_tcb *tp;
    int err = tk_sock_send_begin(s, sd, &tp);
    if (err != 0)
        return err;
    if (len == 0)
        return 0;
    uint32_t want = len > 0x7fffffffu ? 0x7fffffffu : (uint32_t)len;
    uint32_t n = tk_chunkq_write(&s->chunks, &tp->sndq, buf, want);
    if (n < want && tk_chunkq_free(&tp->sndq) > 0)
        s->stats.snd_pool_empty++; /* the buffer pool, not SO_SNDBUF, stopped it */
    if (n == 0)
        return -EAGAIN;
    tk_tcb_mark_pending(s, tp);
    return (long)n;
}

void tk_sock_read_done(tk_stack *s, tk_tcb *tp) {
    if (tk_chunkq_len(&tp->rcvq) == 0 && tk_tcb_ooo_ranges(tp) == 0 && tk_cold(tp)->syn_data == 0)
        tk_chunkq_shrink(&s->chunks, &tp->rcvq); /* all read: no chunk stays idle */
    if (tk_tcp_window_update_due(s, tp))
        tk_tcb_mark_pending(s, tp); /* DT-2 */
}

long tk_sock_read_empty(tk_tcb *tp) {
    if (tk_cold(tp)->so_error != 0) {
        int err = tk_cold(tp)->so_error;
        tk_cold(tp)->so_error = 0;
        return err;
    }
    if (tp->flags & (TK_TF_FIN_RCVD | TK_TF_SHUT_RD))
        return 0;
    if (tk_tcb_peer_may_send(tp))
        return -EAGAIN;
    return (tp->flags & TK_TF_CONNECTED) ? 0 : -ENOTCONN;
}

long tk_recv(tk_stack *s, int sd, void *buf, size_t len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    uint32_t want = len > 0x7fffffffu ? 0x7fffffffu : (uint32_t)len;
    if (tk_chunkq_len(&tp->rcvq) > 0 && tk_sock_rcv_short(tp, want))
        return -EAGAIN; /* SO_RCVLOWAT (API-6) */
    if (tk_chunkq_len(&tp->rcvq) == 0)
        return tk_sock_read_empty(tp);
    uint32_t n = tk_chunkq_read(&s->chunks, &tp->rcvq, buf, want);
    tk_sock_read_done(s, tp);
    return (long)n;
}
