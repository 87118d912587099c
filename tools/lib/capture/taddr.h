/* An IPv4 or IPv6 address as the tools keep it (decode's roles, analyze's
 * connections): 16 bytes, an IPv4 address in its IPv4-mapped form
 * ::ffff:a.b.c.d (RFC 4291 2.5.5.2), so that both families compare, hash
 * and print through one type. An IPv6 capture holding real IPv4-mapped
 * addresses therefore prints them as IPv4, as tcpdump's readers would
 * expect of a dual-stack socket's view. Pure: no I/O, no allocation. */
#ifndef TK_TOOLS_TADDR_H
#define TK_TOOLS_TADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_TADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define TK_TADDR_EPLEN  56 /* "[" address "]:" port */

typedef struct tk_taddr {
    uint8_t b[16]; /* network order */
} tk_taddr;

/* From a host-order IPv4 address / 16 network-order IPv6 bytes. */
tk_taddr tk_taddr_v4(uint32_t a);
tk_taddr tk_taddr_v6(const uint8_t b[16]);

bool tk_taddr_is_v4(const tk_taddr *a);
bool tk_taddr_eq(const tk_taddr *a, const tk_taddr *b);

/* A 64-bit fold of the address, for hash tables. */
uint64_t tk_taddr_fold(const tk_taddr *a);

/* "192.0.2.1" or "2001:2::1" (RFC 5952, as tcpdump -nn prints it). */
void tk_taddr_str(const tk_taddr *a, char out[TK_TADDR_STRLEN]);

/* "192.0.2.1:80" or "[2001:2::1]:80" (RFC 5952 6). */
void tk_taddr_endpoint(const tk_taddr *a, uint16_t port, char out[TK_TADDR_EPLEN]);

#endif
