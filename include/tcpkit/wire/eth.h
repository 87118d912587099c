/* Ethernet II header: parse and emit. */
#ifndef TCPKIT_WIRE_ETH_H
#define TCPKIT_WIRE_ETH_H

#include <stddef.h>
#include <stdint.h>

#define TK_ETH_HLEN       14
#define TK_ETH_ALEN       6
#define TK_ETHERTYPE_IPV4 0x0800
#define TK_ETHERTYPE_ARP  0x0806
#define TK_ETHERTYPE_IPV6 0x86dd

typedef struct tk_eth_hdr {
    uint8_t dst[TK_ETH_ALEN];
    uint8_t src[TK_ETH_ALEN];
    uint16_t type; /* host order */
} tk_eth_hdr;

/* Returns TK_ETH_HLEN, or TK_WIRE_ETH_SHORT. */
int tk_wire_eth_parse(const uint8_t *buf, size_t len, tk_eth_hdr *out);

/* Writes 14 bytes; returns TK_ETH_HLEN or TK_WIRE_NOSPACE. */
int tk_wire_eth_emit(const tk_eth_hdr *h, uint8_t *buf, size_t cap);

#endif
