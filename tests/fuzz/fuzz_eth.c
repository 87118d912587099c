/* Fuzz target: a whole Ethernet frame through every wire parser, the way
 * the input path takes it (SPEC SEC-4), TCP inside UDP included. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/udp.h"

static void check_arp(const uint8_t *p, size_t len) {
    tk_arp_pkt a;
    int rc = tk_wire_arp_parse(p, len, &a);
    if (rc < 0) {
        FUZZ_CHECK(rc == TK_WIRE_ARP_FORMAT || (rc == TK_WIRE_ARP_SHORT && len < TK_ARP_LEN));
        return;
    }
    uint8_t buf[TK_ARP_LEN];
    FUZZ_CHECK(tk_wire_arp_emit(&a, buf, sizeof buf) == TK_ARP_LEN);
    FUZZ_CHECK(memcmp(buf, p, TK_ARP_LEN) == 0);
}

static void check_ipv4(const uint8_t *p, size_t len) {
    tk_ipv4_hdr ip;
    int hl = tk_wire_ipv4_parse(p, len, true, &ip);
    if (hl < 0)
        return;
    FUZZ_CHECK(ip.total_len <= len);
    const uint8_t *l4 = p + hl;
    size_t l4len = (size_t)ip.total_len - (size_t)hl;
    if (tk_wire_ipv4_is_fragment(&ip))
        return;
    if (ip.proto == TK_IPPROTO_TCP) {
        tk_tcp_hdr t;
        int th = tk_wire_tcp_parse(l4, l4len, ip.src, ip.dst, true, &t);
        FUZZ_CHECK(th < 0 || (size_t)th <= l4len);
    } else if (ip.proto == TK_IPPROTO_UDP) {
        tk_udp_hdr u;
        int uh = tk_wire_udp_parse(l4, l4len, ip.src, ip.dst, true, &u);
        FUZZ_CHECK(uh < 0 || (uh == TK_UDP_HLEN && u.len >= TK_UDP_HLEN && u.len <= l4len));
        if (uh == TK_UDP_HLEN) { /* TCP over UDP, as tcp/encap.c reads it */
            tk_tcp_hdr t;
            int th =
                tk_wire_tcp_parse(l4 + uh, u.len - TK_UDP_HLEN, ip.src, ip.dst, u.csum == 0, &t);
            FUZZ_CHECK(th < 0 || (size_t)th <= (size_t)u.len - TK_UDP_HLEN);
        }
    } else if (ip.proto == TK_IPPROTO_ICMP) {
        tk_icmp_hdr ic;
        if (tk_wire_icmp_parse(l4, l4len, true, &ic) == TK_ICMP_HLEN) {
            tk_icmp_quote q;
            (void)tk_wire_icmp_quote_parse(&ic, &q);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tk_eth_hdr e;
    int rc = tk_wire_eth_parse(data, size, &e);
    if (rc < 0) {
        FUZZ_CHECK(rc == TK_WIRE_ETH_SHORT && size < TK_ETH_HLEN);
        return 0;
    }
    FUZZ_CHECK(rc == TK_ETH_HLEN);
    uint8_t hdr[TK_ETH_HLEN];
    FUZZ_CHECK(tk_wire_eth_emit(&e, hdr, sizeof hdr) == TK_ETH_HLEN);
    FUZZ_CHECK(memcmp(hdr, data, TK_ETH_HLEN) == 0);
    if (e.type == TK_ETHERTYPE_ARP)
        check_arp(data + rc, size - (size_t)rc);
    else if (e.type == TK_ETHERTYPE_IPV4)
        check_ipv4(data + rc, size - (size_t)rc);
    return 0;
}
