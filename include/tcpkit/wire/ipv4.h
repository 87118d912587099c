/* IPv4 header (RFC 791): parse and emit. Addresses are host order. */
#ifndef TCPKIT_WIRE_IPV4_H
#define TCPKIT_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_IPV4_HLEN    20
#define TK_IPPROTO_ICMP 1
#define TK_IPPROTO_TCP  6
#define TK_IPPROTO_UDP  17
#define TK_IPV4_DF      0x4000
#define TK_IPV4_MF      0x2000
#define TK_IPV4_OFFMASK 0x1fff

/* The ECN field: the low two bits of the TOS byte (RFC 3168 5). */
#define TK_IP_ECN_MASK    0x03
#define TK_IP_ECN_NOT_ECT 0x00
#define TK_IP_ECN_ECT1    0x01
#define TK_IP_ECN_ECT0    0x02
#define TK_IP_ECN_CE      0x03

typedef struct tk_ipv4_hdr {
    uint8_t hlen; /* header length in bytes (IHL * 4) */
    uint8_t tos;
    uint16_t total_len; /* header + payload */
    uint16_t id;
    uint16_t frag; /* flags (DF, MF) and fragment offset in 8-byte units */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum; /* as found on the wire (parse) / ignored by emit */
    uint32_t src;
    uint32_t dst;
} tk_ipv4_hdr;

/* Validates version, IHL, total length against `len` (trailing bytes such as
 * Ethernet padding are allowed and ignored) and, when verify_csum, the header
 * checksum; options are skipped. Returns the header length in bytes; the
 * payload is buf[ret .. total_len). */
int tk_wire_ipv4_parse(const uint8_t *buf, size_t len, bool verify_csum, tk_ipv4_hdr *out);

/* True when the header describes a fragment (MF set or offset non-zero). */
bool tk_wire_ipv4_is_fragment(const tk_ipv4_hdr *h);

/* Writes a 20-byte header (no options, hlen ignored) with its checksum. The
 * caller sets total_len. Returns TK_IPV4_HLEN or TK_WIRE_NOSPACE. */
int tk_wire_ipv4_emit(const tk_ipv4_hdr *h, uint8_t *buf, size_t cap);

#endif
