/* TCP over IPv6 (SPEC NET-4): how a connection's 128-bit addresses are kept
 * without growing the IPv4 path. The hot TCB, syncache entries and
 * TIME_WAIT entries keep their 32-bit laddr/raddr: for an IPv6 connection
 * (TK_TF_V6) these hold keyed 32-bit folds of the addresses, which the
 * hashes and lookups use as they use IPv4 addresses; the full addresses sit
 * in side tables indexed like the TCB pool and the syncache (touched only by
 * IPv6 connections, so an IPv4-only stack never makes their pages
 * resident), and lookups compare them before a match is taken. */
#ifndef TK_TCP_ADDR6_H
#define TK_TCP_ADDR6_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/opts.h"

struct tk_stack;
struct tk_tcb;
struct tk_seg;

/* An IPv6 connection's addresses: local, remote. */
typedef struct tk_a6pair {
    uint8_t l[16], r[16];
    /* RFC 6437 flow label, computed at the first packet and kept, so the
     * keyed hash is not redone per segment; 0: not yet (set 0 whenever the
     * addresses are written). */
    uint32_t flow;
} tk_a6pair;

/* The keyed 32-bit fold of a (SipHash-1-3 under the stack's hash key, so
 * that an attacker cannot aim at a bucket or at another connection's
 * fold); 0 only for the unspecified address ::, which is the wildcard. */
uint32_t tk_addr6_fold(const struct tk_stack *s, const uint8_t a[16]);
/* The same for a's /64 prefix, the unit one host is handed (RFC 4291 2.5.1;
 * SEC-13 counts SYNs per /64, so rotating the interface identifier gains
 * nothing). */
uint32_t tk_addr6_fold64(const struct tk_stack *s, const uint8_t a[16]);
/* The pseudo-header of RFC 8200 8.1 as the (src, dst) pair the IPv4
 * checksum routines take: the one's-complement sum of both addresses'
 * sixteen 16-bit words in src's high half, dst 0. The upper-layer length
 * and next header are added by those routines as for IPv4 (they are the
 * same words in the sum for lengths below 65536). */
void tk_addr6_pseudo(const uint8_t src[16], const uint8_t dst[16], uint32_t *s4, uint32_t *d4);

#if TK_WITH_IPV6
/* The side-table slot of tp's IPv6 addresses (valid when TK_TF_V6). */
tk_a6pair *tk_tcb_a6(const struct tk_stack *s, const struct tk_tcb *tp);
#endif

#endif
