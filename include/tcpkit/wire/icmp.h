/* ICMPv4 (RFC 792): echo, destination unreachable, time exceeded. */
#ifndef TCPKIT_WIRE_ICMP_H
#define TCPKIT_WIRE_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_ICMP_HLEN          8
#define TK_ICMP_ECHO_REPLY    0
#define TK_ICMP_DEST_UNREACH  3
#define TK_ICMP_ECHO_REQUEST  8
#define TK_ICMP_TIME_EXCEEDED 11
#define TK_ICMP_PARAM_PROBLEM 12
/* Destination-unreachable codes used by TCP (RFC 1122 4.2.3.9). */
#define TK_ICMP_NET_UNREACH   0
#define TK_ICMP_HOST_UNREACH  1
#define TK_ICMP_PROTO_UNREACH 2
#define TK_ICMP_PORT_UNREACH  3
#define TK_ICMP_FRAG_NEEDED   4

typedef struct tk_icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t csum;
    uint32_t rest;       /* echo: id << 16 | seq; frag-needed: next-hop MTU in low 16 */
    const uint8_t *data; /* bytes after the 8-byte header (points into the input) */
    size_t data_len;
} tk_icmp_hdr;

/* Validates length and, when verify_csum, the checksum over the whole message
 * of `len` bytes. Returns TK_ICMP_HLEN or a tk_wire_err. */
int tk_wire_icmp_parse(const uint8_t *buf, size_t len, bool verify_csum, tk_icmp_hdr *out);

/* Writes header + data with checksum; returns the length or TK_WIRE_NOSPACE. */
int tk_wire_icmp_emit(const tk_icmp_hdr *h, uint8_t *buf, size_t cap);

/* The quoted datagram of an error message (unreachable, time exceeded): the
 * original IPv4 header and the first 8 bytes of its TCP header. */
typedef struct tk_icmp_quote {
    uint32_t src, dst; /* original datagram's addresses */
    uint8_t proto;
    uint16_t sport, dport;
    uint32_t seq;
} tk_icmp_quote;

/* Parses the quote in h->data; returns 0, or TK_WIRE_ICMP_SHORT / an IPv4 error. */
int tk_wire_icmp_quote_parse(const tk_icmp_hdr *h, tk_icmp_quote *out);

#endif
