/* IPv6 header (RFC 8200 3) and address classes (RFC 4291). */
#include "tcpkit/wire/ipv6.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"

int tk_wire_ipv6_parse(const uint8_t *buf, size_t len, tk_ipv6_hdr *out) {
    if (len < TK_IPV6_HLEN)
        return TK_WIRE_IP6_SHORT;
    if (buf[0] >> 4 != 6)
        return TK_WIRE_IP6_VERSION;
    uint16_t plen = tk_be16(buf + 4);
    if ((size_t)plen > len - TK_IPV6_HLEN)
        return TK_WIRE_IP6_PLEN;
    uint32_t w = tk_be32(buf);
    out->tclass = (uint8_t)(w >> 20);
    out->flow = w & 0xfffffu;
    out->payload_len = plen;
    out->next = buf[6];
    out->hop_limit = buf[7];
    memcpy(out->src, buf + 8, 16);
    memcpy(out->dst, buf + 24, 16);
    return TK_IPV6_HLEN;
}

int tk_wire_ipv6_emit(const tk_ipv6_hdr *h, uint8_t *buf, size_t cap) {
    if (h->flow > 0xfffffu)
        return TK_WIRE_INVAL;
    if (cap < TK_IPV6_HLEN)
        return TK_WIRE_NOSPACE;
    tk_put32(buf, 6u << 28 | (uint32_t)h->tclass << 20 | h->flow);
    tk_put16(buf + 4, h->payload_len);
    buf[6] = h->next;
    buf[7] = h->hop_limit;
    memcpy(buf + 8, h->src, 16);
    memcpy(buf + 24, h->dst, 16);
    return TK_IPV6_HLEN;
}

bool tk_ipv6_is_unspecified(const uint8_t a[16]) {
    for (int i = 0; i < 16; i++)
        if (a[i] != 0)
            return false;
    return true;
}

bool tk_ipv6_is_multicast(const uint8_t a[16]) {
    return a[0] == 0xff;
}

bool tk_ipv6_is_linklocal(const uint8_t a[16]) {
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

void tk_ipv6_solicited_node(const uint8_t a[16], uint8_t out[16]) {
    static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    memcpy(out, prefix, sizeof prefix);
    memcpy(out + 13, a + 13, 3);
}

void tk_ipv6_mcast_mac(const uint8_t a[16], uint8_t mac[6]) {
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, a + 12, 4);
}
