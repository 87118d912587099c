/* Wire-format error codes: one per way a frame can be malformed.
 *
 * Parse functions return a byte count (>= 0) on success or one of these
 * negative codes. They are distinct from errno values so that each malformed
 * case can be counted and tested on its own (SPEC SEC-4, OP-5). */
#ifndef TCPKIT_WIRE_ERR_H
#define TCPKIT_WIRE_ERR_H

enum tk_wire_err {
    TK_WIRE_OK = 0,
    TK_WIRE_ETH_SHORT = -1000,       /* frame shorter than the 14-byte Ethernet header */
    TK_WIRE_ARP_SHORT = -1001,       /* ARP payload shorter than 28 bytes */
    TK_WIRE_ARP_FORMAT = -1002,      /* not Ethernet/IPv4 ARP (htype, ptype, hlen, plen) */
    TK_WIRE_IP_SHORT = -1010,        /* fewer than 20 bytes for the IPv4 header */
    TK_WIRE_IP_VERSION = -1011,      /* version field is not 4 */
    TK_WIRE_IP_IHL = -1012,          /* IHL < 5, or IHL*4 beyond the buffer */
    TK_WIRE_IP_TOTLEN = -1013,       /* total length < IHL*4, or beyond the buffer */
    TK_WIRE_IP_CSUM = -1014,         /* header checksum does not verify */
    TK_WIRE_ICMP_SHORT = -1020,      /* ICMP message shorter than 8 bytes */
    TK_WIRE_ICMP_CSUM = -1021,       /* ICMP checksum does not verify */
    TK_WIRE_UDP_SHORT = -1060,       /* fewer than 8 bytes for the UDP header */
    TK_WIRE_UDP_LEN = -1061,         /* UDP length field < 8, or beyond the IP payload */
    TK_WIRE_UDP_CSUM = -1062,        /* non-zero UDP checksum does not verify */
    TK_WIRE_TCP_SHORT = -1030,       /* fewer than 20 bytes for the TCP header */
    TK_WIRE_TCP_DOFF = -1031,        /* data offset < 5 */
    TK_WIRE_TCP_DOFF_BIG = -1032,    /* data offset beyond the segment */
    TK_WIRE_TCP_CSUM = -1033,        /* checksum with pseudo-header does not verify */
    TK_WIRE_OPT_LEN0 = -1040,        /* an option with length byte 0 */
    TK_WIRE_OPT_LEN1 = -1041,        /* an option with length byte 1 */
    TK_WIRE_OPT_OVERRUN = -1042,     /* option length runs past the header, or no length byte */
    TK_WIRE_OPT_BADLEN = -1043,      /* known option with the wrong length (e.g. MSS not 4) */
    TK_WIRE_IP6_SHORT = -1070,       /* fewer than 40 bytes for the IPv6 header */
    TK_WIRE_IP6_VERSION = -1071,     /* version field is not 6 */
    TK_WIRE_IP6_PLEN = -1072,        /* payload length beyond the buffer */
    TK_WIRE_IP6_EXT_SHORT = -1073,   /* an extension header runs past the payload */
    TK_WIRE_IP6_HBH_PLACE = -1074,   /* hop-by-hop options not right after the header */
    TK_WIRE_IP6_OPT_UNKNOWN = -1075, /* an unknown option whose type says discard */
    TK_WIRE_IP6_OPT_OVERRUN = -1076, /* an option runs past its extension header */
    TK_WIRE_IP6_ROUTING = -1077,     /* a routing header left to process (RFC 5095, 8200 4.4) */
    TK_WIRE_IP6_CHAIN_LONG = -1078,  /* more extension headers than the walk accepts */
    TK_WIRE_IP6_FRAG_LEN = -1079,    /* a non-last fragment not a multiple of 8 bytes */
    TK_WIRE_ICMP6_SHORT = -1080,     /* ICMPv6 message shorter than 8 bytes */
    TK_WIRE_ICMP6_CSUM = -1081,      /* ICMPv6 checksum (with pseudo-header) does not verify */
    TK_WIRE_ND_HOPLIMIT = -1090,     /* NDP message with a hop limit other than 255 */
    TK_WIRE_ND_CODE = -1091,         /* NDP message with an ICMP code other than 0 */
    TK_WIRE_ND_SHORT = -1092,        /* NDP message shorter than its type's fixed part */
    TK_WIRE_ND_OPT_LEN0 = -1093,     /* NDP option with length 0 */
    TK_WIRE_ND_OPT_OVERRUN = -1094,  /* NDP option runs past the message */
    TK_WIRE_ND_OPT_BADLEN = -1095,   /* known NDP option with the wrong length */
    TK_WIRE_ND_TARGET = -1096,       /* NS/NA target is a multicast address */
    TK_WIRE_ND_SOURCE = -1097,       /* source address not allowed for the message */
    TK_WIRE_ND_DEST = -1098,         /* destination not allowed (DAD NS not to solicited-node,
                                      * solicited NA to multicast) */
    TK_WIRE_NOSPACE = -1050,         /* emit: output buffer too small */
    TK_WIRE_INVAL = -1051,           /* emit: invalid field (e.g. > 4 SACK blocks, wscale > 14) */
};

/* A short constant description of a tk_wire_err code ("tcp checksum bad"). */
const char *tk_wire_strerror(int err);

#endif
