/* Addresses at the socket calls (SPEC NET-4): the calls take a tk_sockaddr
 * of either family and reduce it to what the connection is addressed by. */
#include <errno.h>

#include <string.h>

#include "socket/fd.h"

static bool all_zero(const uint8_t *p, int n) {
    for (int i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

int tk_sock_addr4(const tk_sockaddr *a, uint32_t *addr) {
    if (a == NULL)
        return -EINVAL;
    if (a->family == TK_AF_INET) {
        *addr = a->addr;
        return 0;
    }
    if (a->family != TK_AF_INET6)
        return -EAFNOSUPPORT;
    if (all_zero(a->addr6, 16)) {
        *addr = 0; /* in6addr_any: every address of the dual stack */
        return 0;
    }
    if (!tk_addr6_is_v4mapped(a->addr6))
        return -EAFNOSUPPORT; /* a native IPv6 address: tk_sock_addr() */
    *addr = (uint32_t)a->addr6[12] << 24 | (uint32_t)a->addr6[13] << 16 |
            (uint32_t)a->addr6[14] << 8 | a->addr6[15];
    return 0;
}

int tk_sock_addr(const tk_stack *s, const tk_sockaddr *a, tk_sock_ip *out) {
    memset(out, 0, sizeof(*out));
    int rc = tk_sock_addr4(a, &out->a4);
    if (rc != -EAFNOSUPPORT || a->family != TK_AF_INET6)
        return rc;
#if TK_WITH_IPV6
    if (s->tcb6 == NULL)
        return -EAFNOSUPPORT; /* cfg.ipv6 off: no IPv6 connection possible */
    out->v6 = true;
    memcpy(out->a6, a->addr6, 16);
    out->a4 = tk_addr6_fold(s, a->addr6);
    return 0;
#else
    (void)s;
    return -EAFNOSUPPORT;
#endif
}

tk_sockaddr tk_sock_name(const tk_stack *s, const tk_tcb *tp, bool remote) {
    uint16_t port = remote ? tp->rport : tp->lport;
#if TK_WITH_IPV6
    if (tp->flags & TK_TF_V6) {
        const tk_a6pair *a = tk_tcb_a6(s, tp);
        return tk_sockaddr_in6(remote ? a->r : a->l, port, 0);
    }
#else
    (void)s;
#endif
    return tk_sockaddr_in4(remote ? tp->raddr : tp->laddr, port);
}
