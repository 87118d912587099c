/* IPv6 header and extension headers (RFC 8200): parse and emit. Addresses
 * are 16 bytes in network order. */
#ifndef TCPKIT_WIRE_IPV6_H
#define TCPKIT_WIRE_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_IPV6_HLEN 40
/* Next-header values (IANA "Assigned Internet Protocol Numbers"). */
#define TK_IPPROTO_HOPOPTS  0
#define TK_IPPROTO_ROUTING  43
#define TK_IPPROTO_FRAGMENT 44
#define TK_IPPROTO_ICMPV6   58
#define TK_IPPROTO_NONE     59
#define TK_IPPROTO_DSTOPTS  60
#define TK_IPV6_MIN_MTU     1280 /* RFC 8200 5 */

typedef struct tk_ipv6_hdr {
    uint8_t tclass;       /* traffic class (DSCP and ECN) */
    uint32_t flow;        /* flow label, 20 bits */
    uint16_t payload_len; /* bytes after the 40-byte header */
    uint8_t next;         /* next header */
    uint8_t hop_limit;
    uint8_t src[16];
    uint8_t dst[16];
} tk_ipv6_hdr;

/* Validates version and payload length against `len` (trailing bytes such
 * as Ethernet padding are allowed and ignored). Returns TK_IPV6_HLEN; the
 * payload is buf[40 .. 40 + payload_len). A payload length of 0 with a
 * hop-by-hop header (a jumbogram, RFC 2675) is not supported: the payload
 * is then empty and the walk finds the header short. */
int tk_wire_ipv6_parse(const uint8_t *buf, size_t len, tk_ipv6_hdr *out);
/* Writes the 40-byte header. Returns TK_IPV6_HLEN or TK_WIRE_NOSPACE;
 * TK_WIRE_INVAL for a flow label above 20 bits. */
int tk_wire_ipv6_emit(const tk_ipv6_hdr *h, uint8_t *buf, size_t cap);

/* The extension-header chain (RFC 8200 4) in front of the upper layer. */
typedef struct tk_ipv6_chain {
    uint8_t proto; /* the upper-layer protocol (TK_IPPROTO_NONE: nothing follows) */
    size_t off;    /* where its header starts, from the start of the IPv6 header */
    uint8_t count; /* extension headers walked */
    /* A fragment header that is not atomic (RFC 6946: offset 0 and no M
     * flag is processed as an unfragmented packet): the walk stops at it,
     * proto is what follows it and off its first byte (the fragmentable
     * part). */
    bool fragment;
    uint16_t frag_off; /* in bytes */
    bool frag_more;
    uint32_t frag_id;
    /* On an error: whether RFC 8200 asks for an ICMPv6 Parameter Problem
     * (code 0 erroneous field, 1 unrecognized next header, 2 unrecognized
     * option), with the offset of the offending byte from the start of the
     * IPv6 header. On success pp_pointer is the byte naming proto, for an
     * "unrecognized next header" report when nothing handles it. */
    bool param_problem;
    uint8_t pp_code;
    uint32_t pp_pointer;
} tk_ipv6_chain;

#define TK_IPV6_CHAIN_MAX 8 /* extension headers walked before giving up */

/* Walks the chain of the packet pkt[0 .. 40 + h->payload_len) whose header
 * h was parsed from it. Hop-by-hop and destination options are checked
 * option by option: Pad1 and PadN skipped, an unknown option by the two
 * high bits of its type (RFC 8200 4.2: 00 skip, 01 discard, 10 discard and
 * report, 11 discard and report unless the destination is multicast). A
 * routing header with segments left is refused, whatever its type (we do
 * not forward; RFC 5095 deprecates type 0), and with none left it is
 * skipped. Returns 0 or a tk_wire_err (out->param_problem says whether to
 * report it). */
int tk_wire_ipv6_chain(const uint8_t *pkt, const tk_ipv6_hdr *h, tk_ipv6_chain *out);

/* RFC 7112 / RFC 8200 4.5: whether a first fragment (c from a walk that
 * stopped at its fragment header, offset 0) holds the whole header chain:
 * the extension headers after the fragment header and the upper-layer
 * header (TCP 20 bytes, UDP 8, ICMPv6 8, any other 1, none for next header
 * 59) end inside the packet. */
bool tk_wire_ipv6_first_frag_whole(const uint8_t *pkt, const tk_ipv6_hdr *h,
                                   const tk_ipv6_chain *c);

/* Writes an 8-byte fragment header (for tests and tools). */
int tk_wire_ipv6_frag_emit(uint8_t next, uint16_t off_bytes, bool more, uint32_t id, uint8_t *buf,
                           size_t cap);

/* Address classes (RFC 4291 2.4). */
bool tk_ipv6_is_unspecified(const uint8_t a[16]);
bool tk_ipv6_is_multicast(const uint8_t a[16]);
bool tk_ipv6_is_linklocal(const uint8_t a[16]); /* fe80::/10 */
/* The solicited-node multicast address of a (RFC 4291 2.7.1):
 * ff02::1:ff00:0/104 with a's low 24 bits. */
void tk_ipv6_solicited_node(const uint8_t a[16], uint8_t out[16]);
/* The Ethernet multicast address of an IPv6 multicast address (RFC 2464 7):
 * 33:33 and its low 32 bits. */
void tk_ipv6_mcast_mac(const uint8_t a[16], uint8_t mac[6]);

#endif
