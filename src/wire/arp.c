/* ARP for Ethernet/IPv4 (RFC 826). */
#include "tcpkit/wire/arp.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"

#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4  0x0800

int tk_wire_arp_parse(const uint8_t *buf, size_t len, tk_arp_pkt *out) {
    if (len < TK_ARP_LEN)
        return TK_WIRE_ARP_SHORT;
    if (tk_be16(buf) != ARP_HTYPE_ETHER || tk_be16(buf + 2) != ARP_PTYPE_IPV4 || buf[4] != 6 ||
        buf[5] != 4)
        return TK_WIRE_ARP_FORMAT;
    out->op = tk_be16(buf + 6);
    memcpy(out->sha, buf + 8, 6);
    out->spa = tk_be32(buf + 14);
    memcpy(out->tha, buf + 18, 6);
    out->tpa = tk_be32(buf + 24);
    return TK_ARP_LEN;
}

int tk_wire_arp_emit(const tk_arp_pkt *p, uint8_t *buf, size_t cap) {
    if (cap < TK_ARP_LEN)
        return TK_WIRE_NOSPACE;
    tk_put16(buf, ARP_HTYPE_ETHER);
    tk_put16(buf + 2, ARP_PTYPE_IPV4);
    buf[4] = 6;
    buf[5] = 4;
    tk_put16(buf + 6, p->op);
    memcpy(buf + 8, p->sha, 6);
    tk_put32(buf + 14, p->spa);
    memcpy(buf + 18, p->tha, 6);
    tk_put32(buf + 24, p->tpa);
    return TK_ARP_LEN;
}
