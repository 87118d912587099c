/* IPv4 header (RFC 791). */
#include "tcpkit/wire/ipv4.h"

#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"

int tk_wire_ipv4_parse(const uint8_t *buf, size_t len, bool verify_csum, tk_ipv4_hdr *out) {
    if (len < TK_IPV4_HLEN)
        return TK_WIRE_IP_SHORT;
    if (buf[0] >> 4 != 4)
        return TK_WIRE_IP_VERSION;
    size_t hlen = (size_t)(buf[0] & 0x0f) * 4;
    if (hlen < TK_IPV4_HLEN || hlen > len)
        return TK_WIRE_IP_IHL;
    uint16_t total = tk_be16(buf + 2);
    if (total < hlen || total > len)
        return TK_WIRE_IP_TOTLEN;
    if (verify_csum && tk_csum_finish(tk_csum_add(0, buf, hlen)) != 0)
        return TK_WIRE_IP_CSUM;
    out->hlen = (uint8_t)hlen;
    out->tos = buf[1];
    out->total_len = total;
    out->id = tk_be16(buf + 4);
    out->frag = tk_be16(buf + 6);
    out->ttl = buf[8];
    out->proto = buf[9];
    out->csum = tk_be16(buf + 10);
    out->src = tk_be32(buf + 12);
    out->dst = tk_be32(buf + 16);
    return (int)hlen;
}

bool tk_wire_ipv4_is_fragment(const tk_ipv4_hdr *h) {
    return (h->frag & (TK_IPV4_MF | TK_IPV4_OFFMASK)) != 0;
}

int tk_wire_ipv4_emit(const tk_ipv4_hdr *h, uint8_t *buf, size_t cap) {
    if (cap < TK_IPV4_HLEN)
        return TK_WIRE_NOSPACE;
    buf[0] = 0x45;
    buf[1] = h->tos;
    tk_put16(buf + 2, h->total_len);
    tk_put16(buf + 4, h->id);
    tk_put16(buf + 6, h->frag);
    buf[8] = h->ttl;
    buf[9] = h->proto;
    tk_put16(buf + 10, 0);
    tk_put32(buf + 12, h->src);
    tk_put32(buf + 16, h->dst);
    tk_put16(buf + 10, tk_csum_finish(tk_csum_add(0, buf, TK_IPV4_HLEN)));
    return TK_IPV4_HLEN;
}
