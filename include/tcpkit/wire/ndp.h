/* Neighbor Discovery messages (RFC 4861 4): router solicitation and
 * advertisement, neighbor solicitation and advertisement, with the
 * options an Ethernet host uses (link-layer addresses, prefix information,
 * MTU). Parse validates as RFC 4861 6.1 and 7.1 ask; emit builds the whole
 * ICMPv6 message with its checksum. */
#ifndef TCPKIT_WIRE_NDP_H
#define TCPKIT_WIRE_NDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv6.h"

#define TK_ND_HOP_LIMIT     255 /* every NDP message is sent with it (RFC 4861 6.1, 7.1) */
#define TK_ND_OPT_SLLA      1
#define TK_ND_OPT_TLLA      2
#define TK_ND_OPT_PREFIX    3
#define TK_ND_OPT_MTU       5
#define TK_ND_NA_ROUTER     0x80000000u /* NA flags, in tk_nd_msg.flags */
#define TK_ND_NA_SOLICITED  0x40000000u
#define TK_ND_NA_OVERRIDE   0x20000000u
#define TK_ND_RA_MANAGED    0x80u /* RA flags, in tk_nd_msg.flags */
#define TK_ND_RA_OTHER      0x40u
#define TK_ND_PREFIX_ONLINK 0x80u
#define TK_ND_PREFIX_AUTO   0x40u
#define TK_ND_PREFIX_MAX    4

typedef struct tk_nd_prefix {
    uint8_t len;               /* prefix length in bits */
    uint8_t flags;             /* TK_ND_PREFIX_ONLINK, TK_ND_PREFIX_AUTO */
    uint32_t valid, preferred; /* lifetimes in seconds; 0xffffffff: infinite */
    uint8_t prefix[16];
} tk_nd_prefix;

typedef struct tk_nd_msg {
    uint8_t type;   /* TK_ICMP6_ND_RS .. TK_ICMP6_ND_NA */
    uint32_t flags; /* NA: TK_ND_NA_*; RA: TK_ND_RA_* */
    /* RA */
    uint8_t cur_hop_limit;
    uint16_t router_lifetime;               /* seconds */
    uint32_t reachable_time, retrans_timer; /* milliseconds */
    /* NS, NA */
    uint8_t target[16];
    /* options */
    bool has_slla, has_tlla, has_mtu;
    uint8_t slla[6], tlla[6];
    uint32_t mtu;
    uint8_t nprefix;          /* prefix options kept (the first TK_ND_PREFIX_MAX) */
    uint8_t prefixes_skipped; /* beyond them */
    tk_nd_prefix prefix[TK_ND_PREFIX_MAX];
} tk_nd_msg;

/* Validates an NDP message h (parsed, its checksum checked, by
 * tk_wire_icmp6_parse) that came in the packet with header ih: hop limit
 * 255, code 0, the type's fixed length, every option's length non-zero and
 * inside the message, link-layer options of 8 bytes, prefix options of 32,
 * MTU options of 8; NS/NA targets not multicast; an NS from the unspecified
 * address (DAD) sent to a solicited-node address without a source
 * link-layer option, an RS from it without one either; an NA to a
 * multicast address not solicited; an RA from a link-local address.
 * Unknown options are skipped (RFC 4861 4.6). Returns 0 or a tk_wire_err;
 * TK_WIRE_INVAL for a type other than RS, RA, NS, NA. */
int tk_wire_nd_parse(const tk_ipv6_hdr *ih, const tk_icmp_hdr *h, tk_nd_msg *out);

/* Writes m as a complete ICMPv6 message from src to dst: its fixed part
 * and the options it has (SLLA, TLLA, MTU, prefixes, in that order).
 * Returns the length, TK_WIRE_NOSPACE or TK_WIRE_INVAL. */
int tk_wire_nd_emit(const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16], uint8_t *buf,
                    size_t cap);

#endif
