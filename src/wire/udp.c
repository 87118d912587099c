/* UDP header (RFC 768): parse with validation, emit with checksum. */
#include "tcpkit/wire/udp.h"

#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"

#define UDP_MAX_LEN 65535u

int tk_wire_udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_csum,
                      tk_udp_hdr *out) {
    if (len < TK_UDP_HLEN)
        return TK_WIRE_UDP_SHORT;
    uint16_t ulen = tk_be16(buf + 4);
    if (ulen < TK_UDP_HLEN || ulen > len)
        return TK_WIRE_UDP_LEN;
    uint16_t csum = tk_be16(buf + 6);
    if (verify_csum && csum != 0) {
        uint32_t sum = tk_csum_pseudo(src, dst, TK_IPPROTO_UDP, ulen);
        if (tk_csum_finish(tk_csum_add(sum, buf, ulen)) != 0)
            return TK_WIRE_UDP_CSUM;
    }
    out->sport = tk_be16(buf);
    out->dport = tk_be16(buf + 2);
    out->len = ulen;
    out->csum = csum;
    return TK_UDP_HLEN;
}

int tk_wire_udp_emit(const tk_udp_hdr *h, size_t plen, uint32_t payload_sum, uint32_t src,
                     uint32_t dst, uint8_t *buf, size_t cap) {
    if (plen > UDP_MAX_LEN - TK_UDP_HLEN)
        return TK_WIRE_INVAL;
    size_t len = TK_UDP_HLEN + plen;
    if (cap < len)
        return TK_WIRE_NOSPACE;
    tk_put16(buf, h->sport);
    tk_put16(buf + 2, h->dport);
    tk_put16(buf + 4, (uint16_t)len);
    tk_put16(buf + 6, 0);
    /* Partial sums add: the payload's is folded in instead of reading it. */
    uint32_t sum = tk_csum_pseudo(src, dst, TK_IPPROTO_UDP, (uint16_t)len);
    sum = tk_csum_add(sum, buf, TK_UDP_HLEN);
    sum = (sum & 0xffffu) + (sum >> 16) + (payload_sum & 0xffffu) + (payload_sum >> 16);
    uint16_t csum = tk_csum_finish(sum);
    tk_put16(buf + 6, csum == 0 ? 0xffffu : csum);
    return (int)len;
}
