/* Addresses at the socket calls (SPEC NET-4): the calls take a tk_sockaddr
 * of either family and reduce it to what the connection is addressed by. */
#include <errno.h>

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
        return -EAFNOSUPPORT; /* TCP over IPv6 is not there yet (docs/ipv6.md) */
    *addr = (uint32_t)a->addr6[12] << 24 | (uint32_t)a->addr6[13] << 16 |
            (uint32_t)a->addr6[14] << 8 | a->addr6[15];
    return 0;
}
