/* Basic types shared by the public headers. */
#ifndef TCPKIT_TYPES_H
#define TCPKIT_TYPES_H

#include <stdint.h>

/* Time in microseconds on the embedder's clock. The stack never reads a clock:
 * every call that needs time takes it as a parameter (SPEC TM-2). */
typedef uint64_t tk_time;
#define TK_TIME_NEVER UINT64_MAX
#define TK_MS(x)      ((tk_time)(x)*1000u)
#define TK_SEC(x)     ((tk_time)(x)*1000000u)

/* Address families of tk_sockaddr (Linux's numbers, so that a value printed
 * or logged reads the same as AF_INET / AF_INET6). */
#define TK_AF_INET  2
#define TK_AF_INET6 10

/* An IPv4 or IPv6 endpoint, 24 bytes (SPEC NET-4). `family` says which
 * member of the union holds the address:
 *   TK_AF_INET   addr: the IPv4 address in host byte order (0: any);
 *   TK_AF_INET6  addr6: the IPv6 address in network byte order (all
 *                zeros: any); scope_id: the interface of a link-local
 *                address (0 or 1: the stack's only interface).
 * port is in host byte order. Build one with tk_sockaddr_in4() or
 * tk_sockaddr_in6(); a zeroed struct has no family and is refused
 * (-EAFNOSUPPORT) by the calls that take an address. Calls that return an
 * address return each in the family of the connection: an IPv4 peer of a
 * dual-stack listener comes back as TK_AF_INET, never as an IPv4-mapped
 * IPv6 address (which the calls taking an address accept as IPv4). */
typedef struct tk_sockaddr {
    uint16_t family;
    uint16_t port;
    uint32_t scope_id;
    union {
        uint32_t addr;
        uint8_t addr6[16];
    };
} tk_sockaddr;

static inline tk_sockaddr tk_sockaddr_in4(uint32_t addr, uint16_t port) {
    tk_sockaddr a = {TK_AF_INET, port, 0, {0}};
    a.addr = addr;
    return a;
}

static inline tk_sockaddr tk_sockaddr_in6(const uint8_t addr6[16], uint16_t port,
                                          uint32_t scope_id) {
    tk_sockaddr a = {TK_AF_INET6, port, scope_id, {0}};
    for (int i = 0; i < 16; i++)
        a.addr6[i] = addr6[i];
    return a;
}

/* True for an IPv6 address of the form ::ffff:a.b.c.d (RFC 4291 2.5.5.2). */
static inline int tk_addr6_is_v4mapped(const uint8_t a[16]) {
    for (int i = 0; i < 10; i++)
        if (a[i] != 0)
            return 0;
    return a[10] == 0xff && a[11] == 0xff;
}

#endif
