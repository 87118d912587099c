/* ARP for Ethernet/IPv4 (RFC 826): parse and emit. */
#ifndef TCPKIT_WIRE_ARP_H
#define TCPKIT_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

#define TK_ARP_LEN     28
#define TK_ARP_REQUEST 1
#define TK_ARP_REPLY   2

typedef struct tk_arp_pkt {
    uint16_t op;    /* TK_ARP_REQUEST or TK_ARP_REPLY (others are parsed as-is) */
    uint8_t sha[6]; /* sender hardware address */
    uint32_t spa;   /* sender protocol address, host order */
    uint8_t tha[6];
    uint32_t tpa;
} tk_arp_pkt;

/* Returns TK_ARP_LEN, TK_WIRE_ARP_SHORT or TK_WIRE_ARP_FORMAT. */
int tk_wire_arp_parse(const uint8_t *buf, size_t len, tk_arp_pkt *out);
/* Returns TK_ARP_LEN or TK_WIRE_NOSPACE. */
int tk_wire_arp_emit(const tk_arp_pkt *p, uint8_t *buf, size_t cap);

#endif
