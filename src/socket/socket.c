/* The BSD-like socket calls (SPEC API-1). A descriptor is the index of its
 * TCB. Calls never send: they change state and mark the TCB for the next
 * tk_stack_poll(). */
#include <errno.h>
#include <string.h>

#include "socket/fd.h"
#include "tcp/demux.h"
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

/* An address of ours to bind to: the stack's IPv4 address, or one of its
 * IPv6 addresses in any state (DAD may still be running). */
static bool addr_ours(tk_stack *s, const tk_sock_ip *ip) {
#if TK_WITH_IPV6
    if (ip->v6 && ip->a4 != 0)
        return tk_net_ip6_own(&s->net, ip->a6) != NULL;
#endif
    return ip->a4 == 0 || ip->a4 == s->cfg.addr;
}

static int do_bind(tk_stack *s, tk_tcb *tp, const tk_sock_ip *ip, uint16_t port) {
    uint32_t addr = ip->a4;
    if (!addr_ours(s, ip))
        return -EADDRNOTAVAIL;
    if (port == 0) {
        int p = tk_port_pick(s, tp, addr, 0, 0, NULL);
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
#if TK_WITH_IPV6
    if (ip->v6) {
        memcpy(tk_tcb_a6(s, tp)->l, ip->a6, 16);
        tp->flags |= TK_TF_V6;
    }
#endif
    tk_bind_insert(s, tp);
    return 0;
}

int tk_bind(tk_stack *s, int sd, const tk_sockaddr *addr) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (addr == NULL || (tp->flags & TK_TF_BOUND) || tp->state != TK_TCP_CLOSED)
        return -EINVAL;
    tk_sock_ip ip;
    int rc = tk_sock_addr(s, addr, &ip);
    if (rc < 0)
        return rc;
    /* :: is the wildcard of both families; getsockname() says "::". */
    if (addr->family == TK_AF_INET6 && !ip.v6 && ip.a4 == 0 && TK_WITH_IPV6 && s->cfg.ipv6)
        ip.v6 = true;
    return do_bind(s, tp, &ip, addr->port);
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
        static const tk_sock_ip any;
        int rc = do_bind(s, tp, &any, 0);
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
        *peer = tk_sock_name(s, tp, true);
    return (int)tp->index;
}

static int connect_start(tk_stack *s, tk_tcb *tp, uint32_t laddr, uint32_t raddr, uint16_t rport);
static int connect6(tk_stack *s, tk_tcb *tp, const tk_sock_ip *ip, uint16_t rport);

int tk_connect(tk_stack *s, int sd, const tk_sockaddr *addr) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    tk_sock_ip ip;
    int rc = tk_sock_addr(s, addr, &ip);
    if (rc < 0)
        return rc;
    if (addr->port == 0 || ip.a4 == 0)
        return -EINVAL;
    if (tp->state == TK_TCP_SYN_SENT || tp->state == TK_TCP_SYN_RCVD)
        return -EALREADY;
    if (tp->state == TK_TCP_LISTEN)
        return -EINVAL;
    if (tp->state != TK_TCP_CLOSED || (tp->flags & TK_TF_CONNECTED))
        return -EISCONN; /* CM-17: never resets a live connection */
    if (ip.v6)
        return connect6(s, tp, &ip, addr->port);
    if ((tp->flags & TK_TF_V6) && tp->laddr != 0)
        return -EINVAL; /* bound to an IPv6 address */
    uint32_t raddr = ip.a4;
    uint32_t laddr = s->cfg.addr;
    if (tp->flags & TK_TF_BOUND) {
        if (tk_demux_lookup(s, laddr, tp->lport, raddr, addr->port, NULL, NULL) != NULL ||
            tk_tw_lookup(s, laddr, tp->lport, raddr, addr->port) != NULL)
            return -EADDRINUSE; /* CM-10 */
    } else {
        int p = tk_port_pick(s, tp, laddr, raddr, addr->port, NULL);
        if (p < 0)
            return p;
        tp->lport = (uint16_t)p;
    }
    tp->flags &= ~TK_TF_V6; /* bound to :: and connecting to IPv4 */
    return connect_start(s, tp, laddr, raddr, addr->port);
}

/* The rest of connect() once the 4-tuple is chosen. */
static int connect_start(tk_stack *s, tk_tcb *tp, uint32_t laddr, uint32_t raddr, uint16_t rport) {
    tp->laddr = laddr;
    tp->raddr = raddr;
    tp->rport = rport;
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

/* connect() to an IPv6 address (SPEC NET-4): from the bound address, else
 * the one RFC 6724 picks for the destination (net/ip6.c); the 4-tuple's
 * folds choose the port and find a conflict (tcp/addr6.h). */
static int connect6(tk_stack *s, tk_tcb *tp, const tk_sock_ip *ip, uint16_t rport) {
#if TK_WITH_IPV6
    if (tk_ipv6_is_multicast(ip->a6))
        return -EINVAL; /* no TCP to a group */
    tk_a6pair *a = tk_tcb_a6(s, tp);
    bool bound6 = (tp->flags & TK_TF_V6) && tp->laddr != 0;
    if (!bound6 && tp->laddr != 0)
        return -EINVAL; /* bound to the IPv4 address */
    const uint8_t *src = bound6 ? a->l : tk_net_ip6_source(&s->net, ip->a6);
    if (src == NULL)
        return -EADDRNOTAVAIL; /* no usable address yet (DAD, SLAAC) */
    uint8_t l6[16];
    memcpy(l6, src, 16);
    uint32_t laddr = tk_addr6_fold(s, l6);
    if (tp->flags & TK_TF_BOUND) {
        if (tk_demux_lookup(s, laddr, tp->lport, ip->a4, rport, l6, ip->a6) != NULL ||
            tk_tw_lookup6(s, l6, tp->lport, ip->a4, rport) != NULL)
            return -EADDRINUSE; /* CM-10 */
    } else {
        tk_a6pair pair = {.flow = 0};
        memcpy(pair.l, l6, 16);
        memcpy(pair.r, ip->a6, 16);
        int p = tk_port_pick(s, tp, laddr, ip->a4, rport, &pair);
        if (p < 0)
            return p;
        tp->lport = (uint16_t)p;
    }
    memcpy(a->l, l6, 16);
    memcpy(a->r, ip->a6, 16);
    a->flow = 0;
    tp->flags |= TK_TF_V6;
    return connect_start(s, tp, laddr, ip->a4, rport);
#else
    (void)s, (void)tp, (void)ip, (void)rport;
    return -EAFNOSUPPORT;
#endif
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
