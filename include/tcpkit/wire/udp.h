/* UDP header (RFC 768) over IPv4: parse and emit. Ports and lengths are host
 * order. tcpkit carries TCP inside UDP (docs/udp-encapsulation.md); it has
 * no UDP sockets. */
#ifndef TCPKIT_WIRE_UDP_H
#define TCPKIT_WIRE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_UDP_HLEN 8

typedef struct tk_udp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint16_t len;  /* header + payload */
    uint16_t csum; /* as found on the wire (parse) / ignored by emit; 0 = none sent */
} tk_udp_hdr;

/* Validates a datagram of `len` bytes (an IPv4 payload): the length field
 * must be at least 8 and at most len (bytes after the datagram are ignored);
 * when verify_csum and the checksum field is not 0 (0 means the sender
 * computed none, RFC 768), the checksum with the pseudo-header for src/dst
 * (host order). Returns TK_UDP_HLEN, TK_WIRE_UDP_SHORT, TK_WIRE_UDP_LEN or
 * TK_WIRE_UDP_CSUM; the payload is buf[8 .. out->len). */
int tk_wire_udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_csum,
                      tk_udp_hdr *out);

/* Writes the header in front of `plen` payload bytes already at buf + 8,
 * with the checksum over the pseudo-header, the header and the payload.
 * `payload_sum` is the payload's one's-complement sum: tk_csum_add(0,
 * buf + 8, plen), or anything congruent to it (a caller that knows the sum
 * need not read the payload again). A computed 0 is sent as 0xffff (RFC 768).
 * h->len and h->csum are ignored. Returns 8 + plen, TK_WIRE_NOSPACE, or
 * TK_WIRE_INVAL when the datagram would exceed 65535 bytes. */
int tk_wire_udp_emit(const tk_udp_hdr *h, size_t plen, uint32_t payload_sum, uint32_t src,
                     uint32_t dst, uint8_t *buf, size_t cap);

#endif
