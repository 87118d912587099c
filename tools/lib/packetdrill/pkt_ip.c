/* The IP layer of inbound script frames: an IPv4 header (RFC 791) or an
 * IPv6 header (RFC 8200 3) after Ethernet, and the pseudo-header sums of
 * the checksums above it (RFC 793 3.1, RFC 8200 8.1). */
#include <errno.h>
#include <string.h>

#include "pkt_build_priv.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/udp.h"

size_t tk_pkt_ip_hlen(const tk_pkt_conn *c) {
    return tk_pkt_conn_v6(c) ? TK_IPV6_HLEN : TK_IPV4_HLEN;
}

uint32_t tk_pkt_pseudo_in(const tk_pkt_conn *c, uint8_t proto, size_t len) {
    if (tk_pkt_conn_v6(c))
        return tk_csum_pseudo6(c->raddr6, c->laddr6, proto, (uint32_t)len);
    return tk_csum_pseudo(c->raddr, c->laddr, proto, (uint16_t)len);
}

/* The ECN field a [mark] sets (RFC 3168 5): ect0 10, ect1 01, ce 11. */
static uint8_t ecn_field(const char *mark) {
    return !strcmp(mark, "ect0") ? 2 : !strcmp(mark, "ect1") ? 1 : !strcmp(mark, "ce") ? 3 : 0;
}

int tk_pkt_wrap_ip(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t proto, size_t plen,
                   uint8_t *buf, size_t cap) {
    bool v6 = tk_pkt_conn_v6(c);
    tk_eth_hdr eth = {.type = v6 ? TK_ETHERTYPE_IPV6 : TK_ETHERTYPE_IPV4};
    memcpy(eth.dst, c->lmac, 6);
    memcpy(eth.src, c->rmac, 6);
    uint8_t tos = (uint8_t)((p->tos >= 0 ? p->tos : 0) | ecn_field(p->ecn));
    uint8_t ttl = (uint8_t)(p->ttl >= 0 ? p->ttl : TK_PKT_DEFAULT_TTL);
    if (tk_wire_eth_emit(&eth, buf, cap) < 0)
        return -ENOSPC;
    uint8_t *ip = buf + TK_ETH_HLEN;
    size_t ipcap = cap - TK_ETH_HLEN;
    if (v6) {
        if (plen > 65535)
            return -ENOSPC;
        tk_ipv6_hdr h = {.tclass = tos,
                         .flow = p->flow >= 0 ? (uint32_t)p->flow : 0,
                         .payload_len = (uint16_t)plen,
                         .next = proto,
                         .hop_limit = ttl};
        memcpy(h.src, c->raddr6, 16);
        memcpy(h.dst, c->laddr6, 16);
        if (tk_wire_ipv6_emit(&h, ip, ipcap) < 0)
            return -ENOSPC;
        return (int)(TK_ETH_HLEN + TK_IPV6_HLEN + plen);
    }
    tk_ipv4_hdr h = {.tos = tos,
                     .total_len = (uint16_t)(TK_IPV4_HLEN + plen),
                     .frag = TK_IPV4_DF,
                     .ttl = ttl,
                     .proto = proto,
                     .src = c->raddr,
                     .dst = c->laddr};
    if (tk_wire_ipv4_emit(&h, ip, ipcap) < 0)
        return -ENOSPC;
    return (int)(TK_ETH_HLEN + TK_IPV4_HLEN + plen);
}

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int tk_pkt_udp_wrap(const tk_pkt_conn *c, uint16_t sport, uint16_t dport, uint8_t *data,
                    size_t len) {
    size_t n = TK_UDP_HLEN + len;
    if (n > 65535)
        return -ENOSPC;
    uint8_t *u = data - TK_UDP_HLEN;
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint32_t)n);
    put16(u + 6, 0);
    uint16_t sum = tk_csum_finish(tk_csum_add(tk_pkt_pseudo_in(c, TK_IPPROTO_UDP, n), u, n));
    put16(u + 6, sum ? sum : 0xffff); /* RFC 768: 0 means none, sent as all ones */
    return (int)n;
}
