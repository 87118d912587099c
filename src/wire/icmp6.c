/* ICMPv6 (RFC 4443 2): messages and the packet quoted in error messages. */
#include "tcpkit/wire/icmp6.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv6.h"

#define ICMP6_MAX_LEN 65535u
#define QUOTE_L4_LEN  8

int tk_wire_icmp6_parse(const uint8_t *buf, size_t len, const uint8_t src[16],
                        const uint8_t dst[16], bool verify_csum, tk_icmp_hdr *out) {
    if (len < TK_ICMP6_HLEN)
        return TK_WIRE_ICMP6_SHORT;
    if (len > ICMP6_MAX_LEN)
        return TK_WIRE_ICMP6_SHORT; /* cannot come from a 16-bit payload length */
    if (verify_csum) {
        uint32_t sum = tk_csum_pseudo6(src, dst, TK_IPPROTO_ICMPV6, (uint32_t)len);
        if (tk_csum_finish(tk_csum_add(sum, buf, len)) != 0)
            return TK_WIRE_ICMP6_CSUM;
    }
    out->type = buf[0];
    out->code = buf[1];
    out->csum = tk_be16(buf + 2);
    out->rest = tk_be32(buf + 4);
    out->data = buf + TK_ICMP6_HLEN;
    out->data_len = len - TK_ICMP6_HLEN;
    return TK_ICMP6_HLEN;
}

int tk_wire_icmp6_emit(const tk_icmp_hdr *h, const uint8_t src[16], const uint8_t dst[16],
                       uint8_t *buf, size_t cap) {
    size_t dlen = h->data ? h->data_len : 0;
    if (dlen > ICMP6_MAX_LEN - TK_ICMP6_HLEN)
        return TK_WIRE_INVAL;
    size_t len = TK_ICMP6_HLEN + dlen;
    if (cap < len)
        return TK_WIRE_NOSPACE;
    if (dlen > 0 && h->data != buf + TK_ICMP6_HLEN)
        memmove(buf + TK_ICMP6_HLEN, h->data, dlen);
    buf[0] = h->type;
    buf[1] = h->code;
    tk_put16(buf + 2, 0);
    tk_put32(buf + 4, h->rest);
    uint32_t sum = tk_csum_pseudo6(src, dst, TK_IPPROTO_ICMPV6, (uint32_t)len);
    tk_put16(buf + 2, tk_csum_finish(tk_csum_add(sum, buf, len)));
    return (int)len;
}

/* Only the start of the packet comes back (RFC 4443 2.4 (c): as much as
 * fits in the minimum MTU), so the quoted payload length is cut to what is
 * there before the chain is walked. */
int tk_wire_icmp6_quote_parse(const tk_icmp_hdr *h, tk_icmp6_quote *out) {
    const uint8_t *q = h->data;
    if (q == NULL || h->data_len < TK_IPV6_HLEN)
        return TK_WIRE_ICMP6_SHORT;
    if (q[0] >> 4 != 6)
        return TK_WIRE_IP6_VERSION;
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof(ih));
    size_t have = h->data_len - TK_IPV6_HLEN;
    size_t plen = tk_be16(q + 4);
    ih.payload_len = (uint16_t)(plen < have ? plen : have);
    ih.next = q[6];
    memcpy(ih.src, q + 8, 16);
    memcpy(ih.dst, q + 24, 16);
    tk_ipv6_chain c;
    int rc = tk_wire_ipv6_chain(q, &ih, &c);
    if (rc < 0)
        return rc;
    if (c.fragment && c.frag_off != 0)
        return TK_WIRE_ICMP6_SHORT; /* no upper-layer header in a later fragment */
    if (c.off + QUOTE_L4_LEN > TK_IPV6_HLEN + (size_t)ih.payload_len)
        return TK_WIRE_ICMP6_SHORT;
    memcpy(out->src, ih.src, 16);
    memcpy(out->dst, ih.dst, 16);
    out->proto = c.proto;
    out->sport = tk_be16(q + c.off);
    out->dport = tk_be16(q + c.off + 2);
    out->seq = tk_be32(q + c.off + 4);
    return 0;
}
