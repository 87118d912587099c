/* Socket options and names (SPEC API-1). */
#include <errno.h>
#include <string.h>

#include "socket/fd.h"
#include "stack_priv.h"
#include "tcpkit/socket.h"

static void set_flag(tk_tcb *tp, uint32_t flag, int on) {
    if (on)
        tp->flags |= flag;
    else
        tp->flags &= ~flag;
}

/* Buffer sizes may only shrink below the pool's per-socket block, and only
 * before the connection uses the buffer. */
static int set_buf(tk_stack *s, tk_tcb *tp, bool rcv, int v) {
    uint32_t max = rcv ? s->cfg.rcvbuf : s->cfg.sndbuf;
    if (v < 1024)
        return -EINVAL;
    if (tp->state != TK_TCP_CLOSED && tp->state != TK_TCP_LISTEN)
        return -EISCONN;
    uint32_t n = (uint32_t)v > max ? max : (uint32_t)v;
    if (rcv) {
        tp->rcv_cap = n;
        tk_ring_init(&tp->rcvq, tp->rcvq.buf, n);
    } else {
        tp->snd_cap = n;
        tk_ring_init(&tp->sndq, tp->sndq.buf, n);
    }
    return 0;
}

/* TM-1: (re)arms the keepalive timer from the current settings, so that
 * SO_KEEPALIVE and the TCP_KEEP* options work in any order and at any time:
 * idle counts from the last arrival; while probing, the next probe follows
 * the (possibly new) interval from now. */
static void keep_rearm(tk_stack *s, tk_tcb *tp) {
    if (!tk_tcb_keepalive_on(s, tp) || !tk_tcb_synchronized(tp) || tp->state == TK_TCP_SYN_RCVD)
        return;
    tk_time due = tp->last_rcv + tp->keep_idle;
    if (tp->keep_count > 0)
        due = s->now + tp->keep_intvl;
    if (due < s->now)
        due = s->now;
    tk_time cur = tp->t[TK_TIMER_KEEPALIVE];
    if (tp->keep_count > 0 && cur != TK_TIME_NEVER && cur < due)
        return;
    tk_tcb_timer_set(s, tp, TK_TIMER_KEEPALIVE, due);
}

static int set_keep(tk_stack *s, tk_tcb *tp, int on) {
    set_flag(tp, TK_TF_KEEPALIVE, on);
    if (tk_tcb_keepalive_on(s, tp))
        keep_rearm(s, tp);
    else
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPALIVE);
    return 0;
}

/* As FreeBSD does, a new value during the handshake restarts the limit. */
static int set_keepinit(tk_stack *s, tk_tcb *tp, int v) {
    if (v < 0)
        return -EINVAL;
    tp->keepinit = TK_SEC((uint32_t)v);
    if (tp->state != TK_TCP_SYN_SENT && tp->state != TK_TCP_SYN_RCVD)
        return 0;
    if (v == 0)
        tk_tcb_timer_stop(s, tp, TK_TIMER_KEEPINIT);
    else
        tk_tcb_timer_set(s, tp, TK_TIMER_KEEPINIT, s->now + tp->keepinit);
    return 0;
}

/* As FreeBSD: only before the connection exists, and only with a tunnel. */
static int set_encap(const tk_stack *s, tk_tcb *tp, int v) {
    if (v < 0 || v > 65535 || (v != 0 && s->cfg.udp_tunnel_port == 0) || tp->state != TK_TCP_CLOSED)
        return -EINVAL;
    tp->encap_port = (uint16_t)v;
    return 0;
}

/* IP_TTL 1..255, IP_TOS 0..255; later packets of the connection use them. */
static int ip_set(tk_tcb *tp, int name, int v) {
    if (name == TK_IP_TTL) {
        if (v < 1 || v > 255)
            return -EINVAL;
        tp->ip_ttl = (uint8_t)v;
        return 0;
    }
    if (name == TK_IP_TOS) {
        if (v < 0 || v > 255)
            return -EINVAL;
        tp->ip_tos = (uint8_t)v;
        return 0;
    }
    return -ENOPROTOOPT;
}

int tk_setsockopt(tk_stack *s, int sd, int level, int name, const void *val, size_t len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (val == NULL)
        return -EINVAL;
    if (name == TK_SO_LINGER) {
        if (level != TK_SOL_SOCKET || len < sizeof(tk_linger))
            return -EINVAL;
        tk_linger l;
        memcpy(&l, val, sizeof(l));
        if (l.onoff && l.linger < 0)
            return -EINVAL;
        set_flag(tp, TK_TF_LINGER0, l.onoff && l.linger == 0);
        set_flag(tp, TK_TF_LINGER, l.onoff && l.linger > 0);
        tp->linger = l.onoff ? TK_SEC((uint32_t)l.linger) : 0;
        return 0;
    }
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    memcpy(&v, val, sizeof(v));
    if (level == TK_SOL_SOCKET) {
        switch (name) {
        case TK_SO_REUSEADDR:
            set_flag(tp, TK_TF_REUSEADDR, v);
            return 0;
        case TK_SO_KEEPALIVE:
            return set_keep(s, tp, v);
        case TK_SO_RCVBUF:
            return set_buf(s, tp, true, v);
        case TK_SO_SNDBUF:
            return set_buf(s, tp, false, v);
        default:
            return -ENOPROTOOPT;
        }
    }
    if (level == TK_IPPROTO_IP_LEVEL)
        return ip_set(tp, name, v);
    if (level != TK_IPPROTO_TCP_LEVEL)
        return -ENOPROTOOPT;
    if (name == TK_TCP_KEEPINIT)
        return set_keepinit(s, tp, v);
    if (name == TK_TCP_REMOTE_UDP_ENCAPS_PORT)
        return set_encap(s, tp, v);
    if (name != TK_TCP_NODELAY && name != TK_TCP_NOOPT && name != TK_TCP_MD5SIG && v <= 0)
        return -EINVAL;
    switch (name) {
    case TK_TCP_NODELAY:
        set_flag(tp, TK_TF_NODELAY, v);
        if (v)
            tk_tcb_mark_pending(s, tp);
        return 0;
    case TK_TCP_NOOPT:
        set_flag(tp, TK_TF_NOOPT, v);
        return 0;
    case TK_TCP_MD5SIG:
        tp->md5sig = v != 0;
        return 0;
    case TK_TCP_KEEPIDLE:
        tp->keep_idle = TK_SEC((uint32_t)v);
        keep_rearm(s, tp);
        return 0;
    case TK_TCP_KEEPINTVL:
        tp->keep_intvl = TK_SEC((uint32_t)v);
        keep_rearm(s, tp);
        return 0;
    case TK_TCP_KEEPCNT:
        tp->keep_cnt = (uint32_t)v;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int sol_socket_get(tk_tcb *tp, int name, int *v) {
    switch (name) {
    case TK_SO_REUSEADDR:
        *v = (tp->flags & TK_TF_REUSEADDR) != 0;
        return 0;
    case TK_SO_KEEPALIVE:
        *v = (tp->flags & TK_TF_KEEPALIVE) != 0;
        return 0;
    case TK_SO_RCVBUF:
        *v = (int)tp->rcv_cap;
        return 0;
    case TK_SO_SNDBUF:
        *v = (int)tp->snd_cap;
        return 0;
    case TK_SO_ERROR:
        *v = tp->so_error;
        tp->so_error = 0;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int tcp_get(const tk_tcb *tp, int name, int *v) {
    switch (name) {
    case TK_TCP_NODELAY:
        *v = (tp->flags & TK_TF_NODELAY) != 0;
        return 0;
    case TK_TCP_KEEPIDLE:
        *v = (int)(tp->keep_idle / TK_SEC(1));
        return 0;
    case TK_TCP_KEEPINTVL:
        *v = (int)(tp->keep_intvl / TK_SEC(1));
        return 0;
    case TK_TCP_KEEPCNT:
        *v = (int)tp->keep_cnt;
        return 0;
    case TK_TCP_NOOPT:
        *v = (tp->flags & TK_TF_NOOPT) != 0;
        return 0;
    case TK_TCP_KEEPINIT:
        *v = (int)(tp->keepinit / TK_SEC(1));
        return 0;
    case TK_TCP_MD5SIG:
        *v = tp->md5sig;
        return 0;
    case TK_TCP_REMOTE_UDP_ENCAPS_PORT:
        *v = tp->encap_port;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int ip_get(const tk_tcb *tp, int name, int *v) {
    if (name == TK_IP_TTL)
        *v = tp->ip_ttl;
    else if (name == TK_IP_TOS)
        *v = tp->ip_tos;
    else
        return -ENOPROTOOPT;
    return 0;
}

int tk_getsockopt(tk_stack *s, int sd, int level, int name, void *val, size_t *len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (val == NULL || len == NULL)
        return -EINVAL;
    if (level == TK_SOL_SOCKET && name == TK_SO_LINGER) {
        if (*len < sizeof(tk_linger))
            return -EINVAL;
        tk_linger l = {(tp->flags & (TK_TF_LINGER0 | TK_TF_LINGER)) ? 1 : 0,
                       (int)(tp->linger / TK_SEC(1))};
        memcpy(val, &l, sizeof(l));
        *len = sizeof(l);
        return 0;
    }
    if (*len < sizeof(int))
        return -EINVAL;
    int v = 0;
    int rc = -ENOPROTOOPT;
    if (level == TK_SOL_SOCKET)
        rc = sol_socket_get(tp, name, &v);
    else if (level == TK_IPPROTO_TCP_LEVEL)
        rc = tcp_get(tp, name, &v);
    else if (level == TK_IPPROTO_IP_LEVEL)
        rc = ip_get(tp, name, &v);
    if (rc < 0)
        return rc;
    memcpy(val, &v, sizeof(v));
    *len = sizeof(int);
    return 0;
}

int tk_getsockname(tk_stack *s, int sd, tk_sockaddr *out) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (out == NULL)
        return -EINVAL;
    out->addr = tp->laddr;
    out->port = tp->lport;
    return 0;
}

int tk_getpeername(tk_stack *s, int sd, tk_sockaddr *out) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (out == NULL)
        return -EINVAL;
    if (tp->raddr == 0 || tp->state == TK_TCP_LISTEN)
        return -ENOTCONN;
    out->addr = tp->raddr;
    out->port = tp->rport;
    return 0;
}
