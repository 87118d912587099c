/* ICMPv4 (RFC 792): messages and the datagram quoted in error messages. */
#include "tcpkit/wire/icmp.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"

#define ICMP_MAX_LEN 65535u
#define QUOTE_L4_LEN 8 /* RFC 792: the first 64 bits of the original data */

int tk_wire_icmp_parse(const uint8_t *buf, size_t len, bool verify_csum, tk_icmp_hdr *out) {
    if (len < TK_ICMP_HLEN)
        return TK_WIRE_ICMP_SHORT;
    if (verify_csum && tk_csum_finish(tk_csum_add(0, buf, len)) != 0)
        return TK_WIRE_ICMP_CSUM;
    out->type = buf[0];
    out->code = buf[1];
    out->csum = tk_be16(buf + 2);
    out->rest = tk_be32(buf + 4);
    out->data = buf + TK_ICMP_HLEN;
    out->data_len = len - TK_ICMP_HLEN;
    return TK_ICMP_HLEN;
}

int tk_wire_icmp_emit(const tk_icmp_hdr *h, uint8_t *buf, size_t cap) {
    size_t dlen = h->data ? h->data_len : 0;
    if (dlen > ICMP_MAX_LEN - TK_ICMP_HLEN)
        return TK_WIRE_INVAL;
    size_t len = TK_ICMP_HLEN + dlen;
    if (cap < len)
        return TK_WIRE_NOSPACE;
    if (dlen > 0 && h->data != buf + TK_ICMP_HLEN)
        memmove(buf + TK_ICMP_HLEN, h->data, dlen);
    buf[0] = h->type;
    buf[1] = h->code;
    tk_put16(buf + 2, 0);
    tk_put32(buf + 4, h->rest);
    tk_put16(buf + 2, tk_csum_finish(tk_csum_add(0, buf, len)));
    return (int)len;
}

/* The quoted header is taken as sent: its total length and checksum are not
 * checked, since only the start of the datagram comes back. */
int tk_wire_icmp_quote_parse(const tk_icmp_hdr *h, tk_icmp_quote *out) {
    const uint8_t *q = h->data;
    if (q == NULL || h->data_len < TK_IPV4_HLEN)
        return TK_WIRE_ICMP_SHORT;
    if (q[0] >> 4 != 4)
        return TK_WIRE_IP_VERSION;
    size_t hlen = (size_t)(q[0] & 0x0f) * 4;
    if (hlen < TK_IPV4_HLEN)
        return TK_WIRE_IP_IHL;
    if (h->data_len < hlen + QUOTE_L4_LEN)
        return TK_WIRE_ICMP_SHORT;
    out->src = tk_be32(q + 12);
    out->dst = tk_be32(q + 16);
    out->proto = q[9];
    out->sport = tk_be16(q + hlen);
    out->dport = tk_be16(q + hlen + 2);
    out->seq = tk_be32(q + hlen + 4);
    return 0;
}
