/* ICMPv6 (RFC 4443): messages with the checksum over the IPv6
 * pseudo-header, and the packet quoted in error messages. A message is a
 * tk_icmp_hdr as for ICMPv4 (tcpkit/wire/icmp.h): type, code, the 4-byte
 * field after the checksum (rest) and the body. */
#ifndef TCPKIT_WIRE_ICMP6_H
#define TCPKIT_WIRE_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/wire/icmp.h"

#define TK_ICMP6_HLEN          8
#define TK_ICMP6_DEST_UNREACH  1
#define TK_ICMP6_PKT_TOO_BIG   2
#define TK_ICMP6_TIME_EXCEEDED 3
#define TK_ICMP6_PARAM_PROBLEM 4
#define TK_ICMP6_ECHO_REQUEST  128
#define TK_ICMP6_ECHO_REPLY    129
#define TK_ICMP6_ND_RS         133 /* router solicitation (RFC 4861 4.1) */
#define TK_ICMP6_ND_RA         134
#define TK_ICMP6_ND_NS         135
#define TK_ICMP6_ND_NA         136
#define TK_ICMP6_ND_REDIRECT   137
#define TK_ICMP6_MLD2_REPORT   143 /* RFC 3810 5.2 */
/* Destination-unreachable codes (RFC 4443 3.1). */
#define TK_ICMP6_NO_ROUTE     0
#define TK_ICMP6_ADMIN_PROHIB 1
#define TK_ICMP6_BEYOND_SCOPE 2
#define TK_ICMP6_ADDR_UNREACH 3
#define TK_ICMP6_PORT_UNREACH 4
#define TK_ICMP6_POLICY_FAIL  5
#define TK_ICMP6_REJECT_ROUTE 6
/* Parameter-problem codes (RFC 4443 3.4). */
#define TK_ICMP6_PP_FIELD     0
#define TK_ICMP6_PP_NEXT_HDR  1
#define TK_ICMP6_PP_OPTION    2
#define TK_ICMP6_PP_HDR_CHAIN 3 /* first fragment without the header chain (RFC 7112) */
/* Time-exceeded codes (RFC 4443 3.3). */
#define TK_ICMP6_TE_HOP_LIMIT  0
#define TK_ICMP6_TE_REASSEMBLY 1

/* Validates the length and, when verify_csum, the checksum over the
 * pseudo-header of src/dst and the `len` bytes of the message. Returns
 * TK_ICMP6_HLEN, TK_WIRE_ICMP6_SHORT or TK_WIRE_ICMP6_CSUM. */
int tk_wire_icmp6_parse(const uint8_t *buf, size_t len, const uint8_t src[16],
                        const uint8_t dst[16], bool verify_csum, tk_icmp_hdr *out);
/* Writes header + data with the checksum; returns the length,
 * TK_WIRE_NOSPACE or TK_WIRE_INVAL (longer than 65535). */
int tk_wire_icmp6_emit(const tk_icmp_hdr *h, const uint8_t src[16], const uint8_t dst[16],
                       uint8_t *buf, size_t cap);

/* The packet quoted by an error message: its addresses and, past any
 * extension headers that fit in the quote, the first 8 bytes of the
 * upper-layer header. */
typedef struct tk_icmp6_quote {
    uint8_t src[16], dst[16];
    uint8_t proto;
    uint16_t sport, dport;
    uint32_t seq;
} tk_icmp6_quote;

/* Returns 0, TK_WIRE_ICMP6_SHORT (the quote ends before 8 upper-layer
 * bytes), or an IPv6 error of the quoted header or chain. */
int tk_wire_icmp6_quote_parse(const tk_icmp_hdr *h, tk_icmp6_quote *out);

#endif
