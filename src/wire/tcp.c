/* TCP segment header (RFC 9293 3.1): parse with validation, emit with checksum. */
#include <string.h>

#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"

#define TCP_MAX_SEGLEN 65535u

/* Pseudo-header sum for a segment length that may exceed 16 bits (the fold
 * keeps such a sum well defined; IPv4 itself cannot carry one). */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, size_t len) {
    uint32_t sum = tk_csum_pseudo(src, dst, TK_IPPROTO_TCP, (uint16_t)len);
    return sum + (uint32_t)(len >> 16);
}

int tk_wire_tcp_parse(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst, bool verify_csum,
                      tk_tcp_hdr *out) {
    if (len < TK_TCP_HLEN)
        return TK_WIRE_TCP_SHORT;
    size_t hlen = (size_t)(seg[12] >> 4) * 4;
    if (hlen < TK_TCP_HLEN)
        return TK_WIRE_TCP_DOFF;
    if (hlen > len)
        return TK_WIRE_TCP_DOFF_BIG;
    if (verify_csum && tk_csum_finish(tk_csum_add(pseudo_sum(src, dst, len), seg, len)) != 0)
        return TK_WIRE_TCP_CSUM;
    int rc = tk_wire_tcp_opts_parse(seg + TK_TCP_HLEN, hlen - TK_TCP_HLEN, &out->opts);
    if (rc < 0)
        return rc;
    out->sport = tk_be16(seg);
    out->dport = tk_be16(seg + 2);
    out->seq = tk_be32(seg + 4);
    out->ack = tk_be32(seg + 8);
    out->hlen = (uint8_t)hlen;
    out->flags = seg[13];
    out->win = tk_be16(seg + 14);
    out->csum = tk_be16(seg + 16);
    out->urg = tk_be16(seg + 18);
    return (int)hlen;
}

static int emit(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                uint32_t dst, uint8_t *buf, size_t cap, bool partial) {
    uint8_t opts[TK_TCP_MAX_OPTLEN];
    int olen = tk_wire_tcp_opts_emit(&h->opts, opts, sizeof opts);
    if (olen < 0)
        return olen;
    size_t hlen = TK_TCP_HLEN + (size_t)olen;
    if (plen > TCP_MAX_SEGLEN - hlen || (plen > 0 && payload == NULL))
        return TK_WIRE_INVAL;
    size_t len = hlen + plen;
    if (cap < len)
        return TK_WIRE_NOSPACE;
    /* The payload moves first: it may overlap where the header goes. */
    if (plen > 0 && payload != buf + hlen)
        memmove(buf + hlen, payload, plen);
    tk_put16(buf, h->sport);
    tk_put16(buf + 2, h->dport);
    tk_put32(buf + 4, h->seq);
    tk_put32(buf + 8, h->ack);
    buf[12] = (uint8_t)(hlen / 4 << 4);
    buf[13] = h->flags;
    tk_put16(buf + 14, h->win);
    tk_put16(buf + 16, 0);
    tk_put16(buf + 18, h->urg);
    memcpy(buf + TK_TCP_HLEN, opts, (size_t)olen);
    if (partial) /* the fold, not complemented: the link sums on from here */
        tk_put16(buf + 16, (uint16_t)~tk_csum_finish(pseudo_sum(src, dst, len)));
    else
        tk_put16(buf + 16, tk_csum_finish(tk_csum_add(pseudo_sum(src, dst, len), buf, len)));
    return (int)len;
}

int tk_wire_tcp_emit(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                     uint32_t dst, uint8_t *buf, size_t cap) {
    return emit(h, payload, plen, src, dst, buf, cap, false);
}

int tk_wire_tcp_emit_partial(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                             uint32_t dst, uint8_t *buf, size_t cap) {
    return emit(h, payload, plen, src, dst, buf, cap, true);
}
