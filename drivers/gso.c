/* Software segmentation and checksum completion (gso.h). */
#include "gso.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint16_t get16(const uint8_t *p) {
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static bool is_v6(const uint8_t *frame) {
    return get16(frame + 12) == TK_ETHERTYPE_IPV6;
}

/* The TCP checksum of the segment at l4 (len bytes), IPv4 or IPv6 header
 * at ip (RFC 8200 8.1's pseudo-header: the addresses, the length and the
 * next header, which the sum of the two 32-byte address fields plus the
 * IPv4-style length and protocol words equals). */
static void tcp_csum(uint8_t *ip, uint8_t *l4, size_t len) {
    put16(l4 + 16, 0);
    uint32_t sum;
    if ((ip[0] >> 4) == 6)
        sum = tk_csum_add(tk_csum_pseudo(0, 0, TK_IPPROTO_TCP, (uint16_t)len), ip + 8, 32);
    else
        sum = tk_csum_pseudo(get32(ip + 12), get32(ip + 16), TK_IPPROTO_TCP, (uint16_t)len);
    put16(l4 + 16, tk_csum_finish(tk_csum_add(sum, l4, len)));
}

static void ip_csum(uint8_t *ip) {
    size_t ihl = (size_t)(ip[0] & 15u) * 4u;
    put16(ip + 10, 0);
    put16(ip + 10, tk_csum_finish(tk_csum_add(0, ip, ihl)));
}

/* The IP header's length when the frame is IPv4 or IPv6 (no extension
 * headers) carrying TCP; 0 otherwise. */
static size_t ip_hlen(const uint8_t *frame, size_t len) {
    size_t l3 = TK_ETH_HLEN;
    if (is_v6(frame))
        return len >= l3 + TK_IPV6_HLEN && frame[l3 + 6] == TK_IPPROTO_TCP ? TK_IPV6_HLEN : 0;
    if (len < l3 + TK_IPV4_HLEN || get16(frame + 12) != TK_ETHERTYPE_IPV4 ||
        frame[l3 + 9] != TK_IPPROTO_TCP)
        return 0;
    return (size_t)(frame[l3] & 15u) * 4u;
}

/* The frame holds Ethernet, IP and TCP where tx says, and a TSO request
 * matches its IP version. */
static bool valid(const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    size_t l3 = TK_ETH_HLEN, ihl = ip_hlen(frame, len);
    if (ihl == 0 || tx->csum_start != l3 + ihl || tx->csum_offset != 16)
        return false;
    if ((tx->flags & TK_TX_TSO4) && is_v6(frame))
        return false;
    if ((tx->flags & TK_TX_TSO6) && !is_v6(frame))
        return false;
    size_t start = tx->csum_start;
    size_t thl = len >= start + TK_TCP_HLEN ? (size_t)(frame[start + 12] >> 4) * 4u : 0;
    if (thl < TK_TCP_HLEN || start + thl > len)
        return false;
    return !(tx->flags & (TK_TX_TSO4 | TK_TX_TSO6)) ||
           (tx->hdr_len == start + thl && tx->seg_size > 0);
}

static int one(const uint8_t *frame, size_t len, const tk_link_tx *tx, uint8_t *scratch,
               size_t scap, tk_gso_fn fn, void *ctx) {
    if (len > scap)
        return -ENOSPC;
    memcpy(scratch, frame, len);
    tcp_csum(scratch + TK_ETH_HLEN, scratch + tx->csum_start, len - tx->csum_start);
    fn(ctx, scratch, len);
    return 1;
}

int tk_gso_segment(const uint8_t *frame, size_t len, const tk_link_tx *tx, uint8_t *scratch,
                   size_t scap, tk_gso_fn fn, void *ctx) {
    if (tx == NULL || tx->flags == 0) {
        fn(ctx, frame, len);
        return 1;
    }
    if (!valid(frame, len, tx))
        return -EINVAL;
    size_t hl = tx->hdr_len, payload = len - hl;
    if (!(tx->flags & (TK_TX_TSO4 | TK_TX_TSO6)) || payload <= tx->seg_size)
        return one(frame, len, tx, scratch, scap, fn, ctx);
    if (hl + tx->seg_size > scap)
        return -ENOSPC;
    const uint8_t *ip = frame + TK_ETH_HLEN;
    uint8_t flags = frame[tx->csum_start + 13];
    uint16_t id = get16(ip + 4);
    uint32_t seq = get32(frame + tx->csum_start + 4);
    int n = 0;
    for (size_t off = 0; off < payload; off += tx->seg_size, n++) {
        size_t part = payload - off < tx->seg_size ? payload - off : tx->seg_size;
        bool last = off + part == payload;
        memcpy(scratch, frame, hl);
        memcpy(scratch + hl, frame + hl + off, part);
        uint8_t *sip = scratch + TK_ETH_HLEN, *tcp = scratch + tx->csum_start;
        if (is_v6(frame)) {
            put16(sip + 4, (uint16_t)(hl - tx->csum_start + part)); /* payload length */
        } else {
            put16(sip + 2, (uint16_t)(hl - TK_ETH_HLEN + part));
            put16(sip + 4, (uint16_t)(id + n));
            ip_csum(sip);
        }
        put32(tcp + 4, seq + (uint32_t)off);
        uint8_t f = flags;
        if (!last)
            f &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        if (off > 0)
            f &= (uint8_t)~TCP_CWR;
        tcp[13] = f;
        tcp_csum(sip, tcp, hl - tx->csum_start + part);
        fn(ctx, scratch, hl + part);
    }
    return n;
}
