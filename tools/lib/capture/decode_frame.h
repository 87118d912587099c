/* Finding and parsing the Ethernet, IPv4 or IPv6 and TCP headers of a frame
 * that may be only partly known (a hex dump of some lines of a frame), for
 * `tcpkit decode` (SPEC OBS-3) and `tcpkit analyze`. IPv6 extension headers
 * are walked (RFC 8200 4); fragments are not reassembled: a fragment is a
 * frame without TCP, with a note. Pure: no I/O, no allocation. */
#ifndef TK_TOOLS_DECODE_FRAME_H
#define TK_TOOLS_DECODE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#include "taddr.h"

#define TK_DFRAME_AUTO             (-1L)
#define TK_DFRAME_TCP_AFTER_ETH_IP 34u /* Ethernet (14) + IPv4 without options (20) */

enum tk_csum_state { TK_CSUM_UNVERIFIED, TK_CSUM_OK, TK_CSUM_BAD };

typedef struct tk_dframe_in {
    const uint8_t *data;  /* data[off] is frame byte off */
    const uint8_t *known; /* bit (off % 8) of known[off / 8]; NULL: all of [lo, hi) */
    size_t lo, hi;        /* the bytes the input covers */
    long tcp_offset;      /* where the TCP header starts, or TK_DFRAME_AUTO */
    long ip_offset;       /* where an IPv4 or IPv6 header starts (no Ethernet before
                             it), or TK_DFRAME_AUTO: Ethernet, IPv4 or IPv6 at offset 0 */
} tk_dframe_in;

typedef struct tk_dframe {
    bool has_eth;
    tk_eth_hdr eth;
    bool has_ip;
    tk_ipv4_hdr ip;
    bool has_ip6; /* an IPv6 header instead of the IPv4 one */
    tk_ipv6_hdr ip6;
    uint8_t ip6_ext;            /* extension headers walked before the upper layer */
    size_t ip6_upper;           /* where the upper layer starts, from ip_off */
    size_t ip_off;              /* where the IPv4 or IPv6 header starts */
    enum tk_csum_state ip_csum; /* IPv4 only (IPv6 has no header checksum) */
    bool ip_truncated;          /* the datagram is longer than what the input holds */
    bool is_tcp;                /* false: see note */
    const char *note;           /* what the frame is when not TCP ("ARP", "IPv6", ...) */
    size_t tcp_off;
    tk_tcp_hdr tcp;
    uint8_t tcp_opts[TK_TCP_MAX_OPTLEN]; /* the raw options, tcp.hlen - 20 bytes */
    uint32_t payload_len;
    enum tk_csum_state tcp_csum;
    char why[160]; /* what is wrong when decoding fails */
} tk_dframe;

/* Returns 0 (out->is_tcp tells whether a TCP header was found) or a negative
 * tk_wire_err code / -EINVAL with out->why describing the problem. */
int tk_dframe_decode(const tk_dframe_in *in, tk_dframe *out);

/* Whether the addresses are known (an IPv4 or IPv6 header was decoded), and
 * they, as tool addresses. */
bool tk_dframe_has_addr(const tk_dframe *f);
tk_taddr tk_dframe_src(const tk_dframe *f);
tk_taddr tk_dframe_dst(const tk_dframe *f);

/* The datagram's length by its header (IPv4 total length, or 40 + the IPv6
 * payload length) and the bytes of IP headers before TCP; 0 without IP. */
size_t tk_dframe_ip_len(const tk_dframe *f);
size_t tk_dframe_ip_hlen(const tk_dframe *f);

#endif
