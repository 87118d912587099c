/* The socket calls for options and names (SPEC API-1); what each option
 * means, its range and its storage are the table in tcp/sockopts.c. */
#include <errno.h>
#include <string.h>

#include "socket/fd.h"
#include "tcp/state.h"
#include "tcpkit/socket.h"

/* TCP_CONGESTION (DT-13) carries a name; the table keeps its number. */
static int congestion_set(tk_stack *s, tk_tcb *tp, const void *val, size_t len) {
    int algo = tk_cc_find(val, len);
    if (algo < 0)
        return algo;
    return tk_sockopt_set_int(s, tp, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, algo);
}

static int congestion_get(tk_tcb *tp, void *val, size_t *len) {
    int algo = 0;
    int rc = tk_sockopt_get_int(tp, TK_IPPROTO_TCP_LEVEL, TK_TCP_CONGESTION, &algo);
    if (rc < 0)
        return rc;
    const tk_cc_ops *ops = tk_cc_ops_at((uint32_t)algo);
    size_t n = strlen(ops->name) + 1;
    if (n > *len)
        n = *len;
    memcpy(val, ops->name, n);
    *len = n;
    return 0;
}

int tk_setsockopt(tk_stack *s, int sd, int level, int name, const void *val, size_t len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (val == NULL)
        return -EINVAL;
    if (level == TK_IPPROTO_TCP_LEVEL && name == TK_TCP_CONGESTION)
        return congestion_set(s, tp, val, len);
    if (name == TK_SO_LINGER) {
        if (level != TK_SOL_SOCKET || len < sizeof(tk_linger))
            return -EINVAL;
        tk_linger l;
        memcpy(&l, val, sizeof(l));
        return tk_sockopt_set_linger(tp, &l);
    }
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    memcpy(&v, val, sizeof(v));
    return tk_sockopt_set_int(s, tp, level, name, v);
}

int tk_getsockopt(tk_stack *s, int sd, int level, int name, void *val, size_t *len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (val == NULL || len == NULL)
        return -EINVAL;
    if (level == TK_IPPROTO_TCP_LEVEL && name == TK_TCP_CONGESTION)
        return congestion_get(tp, val, len);
    if (level == TK_SOL_SOCKET && name == TK_SO_LINGER) {
        if (*len < sizeof(tk_linger))
            return -EINVAL;
        tk_linger l = tk_sockopt_get_linger(tp);
        memcpy(val, &l, sizeof(l));
        *len = sizeof(l);
        return 0;
    }
    if (*len < sizeof(int))
        return -EINVAL;
    int v = 0;
    int rc = tk_sockopt_get_int(tp, level, name, &v);
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
    *out = tk_sock_name(s, tp, false);
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
    *out = tk_sock_name(s, tp, true);
    return 0;
}
