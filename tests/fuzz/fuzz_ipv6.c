/* Fuzz target: the IPv6 header, its extension-header chain, fragment
 * headers (with RFC 7112's check of a first fragment), ICMPv6 and NDP
 * (SPEC NET-4, NET-6, SEC-4). Every parser either accepts with consistent
 * results or returns its own error codes; what parses emits back to the
 * same bytes. Reassembly itself is fuzz_frag6's. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"

static void check_nd(const tk_ipv6_hdr *ih, const tk_icmp_hdr *h) {
    tk_nd_msg m;
    int rc = tk_wire_nd_parse(ih, h, &m);
    if (rc < 0) {
        FUZZ_CHECK(rc == TK_WIRE_INVAL || (rc <= TK_WIRE_ND_HOPLIMIT && rc >= TK_WIRE_ND_DEST));
        return;
    }
    FUZZ_CHECK(ih->hop_limit == 255 && h->code == 0 && m.type == h->type);
    FUZZ_CHECK(m.nprefix <= TK_ND_PREFIX_MAX);
    /* What was understood emits and parses back the same. */
    uint8_t buf[256];
    int n = tk_wire_nd_emit(&m, ih->src, ih->dst, buf, sizeof buf);
    FUZZ_CHECK(n >= 8);
    tk_icmp_hdr h2;
    FUZZ_CHECK(tk_wire_icmp6_parse(buf, (size_t)n, ih->src, ih->dst, true, &h2) == 8);
    tk_nd_msg m2;
    FUZZ_CHECK(tk_wire_nd_parse(ih, &h2, &m2) == 0);
    FUZZ_CHECK(memcmp(m2.target, m.target, 16) == 0 && m2.flags == m.flags);
    FUZZ_CHECK(m2.has_slla == m.has_slla && m2.has_tlla == m.has_tlla && m2.nprefix == m.nprefix);
}

static void check_icmp6(const tk_ipv6_hdr *ih, const uint8_t *msg, size_t len) {
    tk_icmp_hdr h;
    int rc = tk_wire_icmp6_parse(msg, len, ih->src, ih->dst, false, &h);
    if (rc < 0) {
        FUZZ_CHECK(rc == TK_WIRE_ICMP6_SHORT && len < TK_ICMP6_HLEN);
        return;
    }
    FUZZ_CHECK(h.data == msg + 8 && h.data_len == len - 8);
    if (h.type < 128) {
        tk_icmp6_quote q;
        rc = tk_wire_icmp6_quote_parse(&h, &q);
        FUZZ_CHECK(rc == 0 || rc == TK_WIRE_ICMP6_SHORT ||
                   (rc <= TK_WIRE_IP6_SHORT && rc >= TK_WIRE_IP6_FRAG_LEN));
    }
    if (h.type >= TK_ICMP6_ND_RS && h.type <= TK_ICMP6_ND_NA)
        check_nd(ih, &h);
    uint8_t buf[1600];
    if (len > sizeof buf)
        return;
    FUZZ_CHECK(tk_wire_icmp6_emit(&h, ih->src, ih->dst, buf, sizeof buf) == (int)len);
    FUZZ_CHECK(tk_wire_icmp6_parse(buf, len, ih->src, ih->dst, true, &h) == 8);
    FUZZ_CHECK(memcmp(buf + 4, msg + 4, len - 4) == 0 && memcmp(buf, msg, 2) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tk_ipv6_hdr h;
    int rc = tk_wire_ipv6_parse(data, size, &h);
    if (rc < 0) {
        FUZZ_CHECK(rc <= TK_WIRE_IP6_SHORT && rc >= TK_WIRE_IP6_PLEN);
        return 0;
    }
    FUZZ_CHECK(rc == TK_IPV6_HLEN && (size_t)h.payload_len + 40 <= size);
    uint8_t back[40];
    FUZZ_CHECK(tk_wire_ipv6_emit(&h, back, sizeof back) == 40);
    FUZZ_CHECK(memcmp(back + 1, data + 1, 39) == 0 && back[0] >> 4 == 6);
    tk_ipv6_chain c;
    rc = tk_wire_ipv6_chain(data, &h, &c);
    if (rc < 0) {
        FUZZ_CHECK(rc <= TK_WIRE_IP6_EXT_SHORT && rc >= TK_WIRE_IP6_FRAG_LEN);
        FUZZ_CHECK(!c.param_problem || c.pp_pointer < 40u + h.payload_len);
        return 0;
    }
    FUZZ_CHECK(c.off >= 40 && c.off <= 40u + h.payload_len && c.count <= TK_IPV6_CHAIN_MAX);
    if (c.fragment) {
        /* Stopped right behind a fragment header that is no atomic one;
         * all but the last carry a multiple of 8 bytes. */
        FUZZ_CHECK(c.off >= 48 && data[c.off - 8] == c.proto);
        FUZZ_CHECK(c.frag_off % 8 == 0 && (c.frag_off != 0 || c.frag_more));
        FUZZ_CHECK(!c.frag_more || (40u + h.payload_len - c.off) % 8 == 0);
        if (c.frag_off == 0)
            (void)tk_wire_ipv6_first_frag_whole(data, &h, &c);
        return 0;
    }
    if (c.proto == TK_IPPROTO_ICMPV6 && !c.fragment)
        check_icmp6(&h, data + c.off, 40u + h.payload_len - c.off);
    return 0;
}
