/* The one decoder of a whole captured frame carrying TCP: Ethernet, IPv4
 * (or IPv6 when asked: TK_FRAME_TCP_IPV6) and a TCP segment, plain or inside UDP (TCP over UDP, RFC
 * 8260 style tunnelling as in docs/udp-encapsulation.md), checksums verified unless asked not to.
 * The script runner (tools/run), the packetdrill matcher, the simulator's segment log and the test
 * harnesses (tests/support) all read the stack's output through it; the partial-frame decoding of
 * `tcpkit decode` is decode_frame.h. Pure: no I/O, no allocation. */
#ifndef TK_TOOLS_FRAME_TCP_H
#define TK_TOOLS_FRAME_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

typedef struct tk_frame_tcp {
    tk_ipv4_hdr ip; /* an IPv4 frame's header (zero for IPv6) */
    bool v6;        /* an IPv6 frame: ip6 holds its header */
    tk_ipv6_hdr ip6;
    bool udp;                      /* the segment came inside UDP */
    uint16_t udp_sport, udp_dport; /* its ports when udp */
    tk_tcp_hdr tcp;                /* with the options parsed */
    size_t tcp_hlen;               /* header bytes: options are seg[20 .. tcp_hlen) */
    const uint8_t *seg;            /* the TCP segment (header and payload) in the frame */
    size_t seglen;
    const uint8_t *payload; /* seg + tcp_hlen */
    uint32_t payload_len;
} tk_frame_tcp;

/* tk_frame_tcp_decode flags. */
#define TK_FRAME_TCP_IN_UDP  1u /* take a segment inside UDP (whose checksum must be present) */
#define TK_FRAME_TCP_NO_CSUM 2u /* do not verify the IPv4, UDP and TCP checksums */
/* Take IPv6 frames too (RFC 8200): extension headers are walked to the
 * upper layer; a fragment is -ENOENT (never reassembled here). */
#define TK_FRAME_TCP_IPV6 4u

/* Decodes `frame`. Returns 0; -ENOENT when the frame carries no TCP (not
 * IPv4 nor, with TK_FRAME_TCP_IPV6, IPv6; another protocol, too short for Ethernet, or UDP without
 * TK_FRAME_TCP_IN_UDP); -EINVAL when the IP, UDP or TCP header is
 * malformed or a checksum fails. */
int tk_frame_tcp_decode(const uint8_t *frame, size_t len, unsigned flags, tk_frame_tcp *out);

#endif
