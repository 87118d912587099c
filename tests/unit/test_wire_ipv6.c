/* IPv6 header and extension-header chain (SPEC NET-4, RFC 8200): exact
 * fields and bytes, and one error code per malformation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/ipv6_vectors.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv6.h"

static const uint8_t A1[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t A2[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* A packet A1 > A2 whose payload is ext (elen bytes) then 8 TCP-ish bytes. */
static size_t build(uint8_t *pkt, uint8_t first, const uint8_t *ext, size_t elen, bool mcast) {
    tk_ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.payload_len = (uint16_t)(elen + 8);
    h.next = first;
    h.hop_limit = 64;
    memcpy(h.src, A1, 16);
    memcpy(h.dst, A2, 16);
    if (mcast)
        h.dst[0] = 0xff;
    assert_int_equal(tk_wire_ipv6_emit(&h, pkt, 40), 40);
    memcpy(pkt + 40, ext, elen);
    memset(pkt + 40 + elen, 0xab, 8);
    return 40 + elen + 8;
}

static int walk(const uint8_t *pkt, size_t len, tk_ipv6_chain *c) {
    tk_ipv6_hdr h;
    assert_int_equal(tk_wire_ipv6_parse(pkt, len, &h), TK_IPV6_HLEN);
    return tk_wire_ipv6_chain(pkt, &h, c);
}

static void test_NET_04_ipv6_parse_kernel_packet(void **state) {
    (void)state;
    tk_ipv6_hdr h;
    assert_int_equal(tk_wire_ipv6_parse(v6_echo_req, sizeof v6_echo_req, &h), TK_IPV6_HLEN);
    assert_int_equal(h.tclass, 0);
    assert_int_equal(h.flow, 0x04ce1);
    assert_int_equal(h.payload_len, 16);
    assert_int_equal(h.next, TK_IPPROTO_ICMPV6);
    assert_int_equal(h.hop_limit, 64);
    assert_memory_equal(h.src, A1, 16);
    assert_memory_equal(h.dst, A2, 16);
    /* Emit gives back the same 40 bytes. */
    uint8_t out[40];
    assert_int_equal(tk_wire_ipv6_emit(&h, out, sizeof out), TK_IPV6_HLEN);
    assert_memory_equal(out, v6_echo_req, 40);
    /* The reply's flow label 0x9b714 and traffic class 0. */
    assert_int_equal(tk_wire_ipv6_parse(v6_echo_rep, sizeof v6_echo_rep, &h), TK_IPV6_HLEN);
    assert_int_equal(h.flow, 0x9b714);
    /* Trailing bytes (Ethernet padding) are ignored. */
    uint8_t padded[64] = {0};
    memcpy(padded, v6_echo_req, sizeof v6_echo_req);
    assert_int_equal(tk_wire_ipv6_parse(padded, sizeof padded, &h), TK_IPV6_HLEN);
    assert_int_equal(h.payload_len, 16);
}

static void test_NET_04_ipv6_parse_errors(void **state) {
    (void)state;
    tk_ipv6_hdr h;
    uint8_t p[56];
    memcpy(p, v6_echo_req, sizeof p);
    assert_int_equal(tk_wire_ipv6_parse(p, 39, &h), TK_WIRE_IP6_SHORT);
    assert_int_equal(tk_wire_ipv6_parse(p, 55, &h), TK_WIRE_IP6_PLEN);
    p[0] = 0x45;
    assert_int_equal(tk_wire_ipv6_parse(p, sizeof p, &h), TK_WIRE_IP6_VERSION);
    memcpy(p, v6_echo_req, sizeof p);
    h.flow = 0x100000;
    assert_int_equal(tk_wire_ipv6_emit(&h, p, sizeof p), TK_WIRE_INVAL);
    h.flow = 0;
    assert_int_equal(tk_wire_ipv6_emit(&h, p, 39), TK_WIRE_NOSPACE);
}

static void test_NET_04_ipv6_chain_none_and_hbh(void **state) {
    (void)state;
    tk_ipv6_chain c;
    assert_int_equal(walk(v6_echo_req, sizeof v6_echo_req, &c), 0);
    assert_int_equal(c.proto, TK_IPPROTO_ICMPV6);
    assert_int_equal(c.off, 40);
    assert_int_equal(c.count, 0);
    assert_int_equal(c.pp_pointer, 6);
    /* The kernel's MLD report: hop-by-hop with a router alert (type 5,
     * high bits 00) and PadN, then ICMPv6 at 48. */
    assert_int_equal(walk(v6_mld_ll, sizeof v6_mld_ll, &c), 0);
    assert_int_equal(c.proto, TK_IPPROTO_ICMPV6);
    assert_int_equal(c.off, 48);
    assert_int_equal(c.count, 1);
    assert_false(c.fragment);
}

/* RFC 8200 4.1: hop-by-hop options only right after the header; later it
 * is an unrecognized next header (code 1) at the field naming it. */
static void test_NET_04_ipv6_hbh_not_first(void **state) {
    (void)state;
    uint8_t ext[16] = {TK_IPPROTO_HOPOPTS,
                       0,
                       1,
                       4,
                       0,
                       0,
                       0,
                       0, /* dst opts, PadN */
                       6,
                       0,
                       1,
                       4,
                       0,
                       0,
                       0,
                       0};
    uint8_t pkt[80];
    size_t n = build(pkt, TK_IPPROTO_DSTOPTS, ext, sizeof ext, false);
    tk_ipv6_chain c;
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_HBH_PLACE);
    assert_true(c.param_problem);
    assert_int_equal(c.pp_code, 1);
    assert_int_equal(c.pp_pointer, 40);
}

/* RFC 8200 4.2: the two high bits of an unknown option's type. */
static void test_NET_04_ipv6_unknown_option_actions(void **state) {
    (void)state;
    struct {
        uint8_t type;
        bool mcast;
        int rc;
        bool report;
    } cases[] = {
        {0x1e, false, 0, false},
        {0x5e, false, TK_WIRE_IP6_OPT_UNKNOWN, false},
        {0x9e, false, TK_WIRE_IP6_OPT_UNKNOWN, true},
        {0x9e, true, TK_WIRE_IP6_OPT_UNKNOWN, true},
        {0xde, false, TK_WIRE_IP6_OPT_UNKNOWN, true},
        {0xde, true, TK_WIRE_IP6_OPT_UNKNOWN, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* Pad1, then the option (2 data bytes), then PadN of 1 data byte. */
        uint8_t ext[8] = {6, 0, 0, cases[i].type, 2, 0xaa, 0xbb, 0};
        uint8_t pkt[64];
        size_t n = build(pkt, TK_IPPROTO_DSTOPTS, ext, sizeof ext, cases[i].mcast);
        tk_ipv6_chain c;
        assert_int_equal(walk(pkt, n, &c), cases[i].rc);
        assert_int_equal(c.param_problem, cases[i].report);
        if (cases[i].report) {
            assert_int_equal(c.pp_code, 2);
            assert_int_equal(c.pp_pointer, 43);
        }
        if (cases[i].rc == 0) {
            assert_int_equal(c.proto, 6);
            assert_int_equal(c.off, 48);
        }
    }
}

static void test_NET_04_ipv6_option_overrun_and_short(void **state) {
    (void)state;
    uint8_t ext[8] = {6, 0, 1, 9, 0, 0, 0, 0}; /* PadN claims 9 bytes, 4 remain */
    uint8_t pkt[64];
    size_t n = build(pkt, TK_IPPROTO_DSTOPTS, ext, sizeof ext, false);
    tk_ipv6_chain c;
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_OPT_OVERRUN);
    assert_false(c.param_problem);
    /* A header whose length runs past the payload. */
    uint8_t ext2[8] = {6, 2, 1, 4, 0, 0, 0, 0}; /* 24 bytes announced */
    n = build(pkt, TK_IPPROTO_DSTOPTS, ext2, sizeof ext2, false);
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_EXT_SHORT);
    /* Fewer than 8 bytes left for an extension header. */
    uint8_t p2[64];
    memcpy(p2, pkt, 40);
    p2[4] = 0;
    p2[5] = 4;
    assert_int_equal(walk(p2, 44, &c), TK_WIRE_IP6_EXT_SHORT);
}

/* RFC 5095 / RFC 8200 4.4: a routing header with segments left is not
 * processed (type 0 or any other: a host does not forward); with none
 * left it is skipped. */
static void test_NET_04_ipv6_routing_header(void **state) {
    (void)state;
    uint8_t rh0[24] = {6, 2, 0, 1}; /* type 0, segments left 1, one address */
    uint8_t pkt[96];
    size_t n = build(pkt, TK_IPPROTO_ROUTING, rh0, sizeof rh0, false);
    tk_ipv6_chain c;
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_ROUTING);
    assert_true(c.param_problem);
    assert_int_equal(c.pp_code, 0);
    assert_int_equal(c.pp_pointer, 42);
    uint8_t rh4[8] = {6, 0, 4, 3}; /* SRH type 4 with segments left */
    n = build(pkt, TK_IPPROTO_ROUTING, rh4, sizeof rh4, false);
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_ROUTING);
    rh0[3] = 0; /* segments left 0: ignored, the next header follows */
    n = build(pkt, TK_IPPROTO_ROUTING, rh0, sizeof rh0, false);
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_int_equal(c.proto, 6);
    assert_int_equal(c.off, 64);
}

static void test_NET_04_ipv6_fragment_header(void **state) {
    (void)state;
    uint8_t fh[8];
    uint8_t pkt[64];
    tk_ipv6_chain c;
    /* Atomic (RFC 6946): processed as a whole packet. */
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 0, false, 0x12345678, fh, sizeof fh), 8);
    const uint8_t want[8] = {6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
    assert_memory_equal(fh, want, 8);
    size_t n = build(pkt, TK_IPPROTO_FRAGMENT, fh, sizeof fh, false);
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_false(c.fragment);
    assert_int_equal(c.proto, 6);
    assert_int_equal(c.off, 48);
    /* First fragment: offset 0, M set, 8 bytes of fragmentable part. */
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 0, true, 77, fh, sizeof fh), 8);
    n = build(pkt, TK_IPPROTO_FRAGMENT, fh, sizeof fh, false);
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_true(c.fragment);
    assert_true(c.frag_more);
    assert_int_equal(c.frag_off, 0);
    assert_int_equal(c.frag_id, 77);
    assert_int_equal(c.proto, 6);
    assert_int_equal(c.off, 48);
    /* A later one at byte 1232. */
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 1232, false, 77, fh, sizeof fh), 8);
    n = build(pkt, TK_IPPROTO_FRAGMENT, fh, sizeof fh, false);
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_true(c.fragment);
    assert_false(c.frag_more);
    assert_int_equal(c.frag_off, 1232);
    /* RFC 8200 4.5: M set and a length not a multiple of 8. */
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 0, true, 77, fh, sizeof fh), 8);
    n = build(pkt, TK_IPPROTO_FRAGMENT, fh, sizeof fh, false);
    pkt[5] = (uint8_t)(pkt[5] - 1);
    assert_int_equal(walk(pkt, n - 1, &c), TK_WIRE_IP6_FRAG_LEN);
    assert_true(c.param_problem);
    assert_int_equal(c.pp_code, 0);
    assert_int_equal(c.pp_pointer, 4);
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 5, true, 1, fh, sizeof fh), TK_WIRE_INVAL);
    assert_int_equal(tk_wire_ipv6_frag_emit(6, 8, true, 1, fh, 7), TK_WIRE_NOSPACE);
}

static void test_NET_04_ipv6_chain_bounded(void **state) {
    (void)state;
    uint8_t ext[8 * 9];
    for (int i = 0; i < 9; i++) {
        uint8_t one[8] = {i == 8 ? 6 : TK_IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0};
        memcpy(ext + 8 * i, one, 8);
    }
    uint8_t pkt[160];
    size_t n = build(pkt, TK_IPPROTO_DSTOPTS, ext, 8 * 8, false);
    tk_ipv6_chain c;
    pkt[40 + 8 * 7] = 6; /* eight headers: accepted */
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_int_equal(c.count, 8);
    assert_int_equal(c.off, 104);
    n = build(pkt, TK_IPPROTO_DSTOPTS, ext, sizeof ext, false);
    assert_int_equal(walk(pkt, n, &c), TK_WIRE_IP6_CHAIN_LONG);
    /* No next header: nothing follows. */
    uint8_t none[8] = {TK_IPPROTO_NONE, 0, 1, 4, 0, 0, 0, 0};
    n = build(pkt, TK_IPPROTO_DSTOPTS, none, sizeof none, false);
    assert_int_equal(walk(pkt, n, &c), 0);
    assert_int_equal(c.proto, TK_IPPROTO_NONE);
    assert_int_equal(c.pp_pointer, 40);
}

static void test_NET_04_ipv6_address_classes(void **state) {
    (void)state;
    const uint8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 1};
    const uint8_t zero[16] = {0};
    assert_true(tk_ipv6_is_linklocal(ll));
    assert_false(tk_ipv6_is_linklocal(A1));
    assert_true(tk_ipv6_is_unspecified(zero));
    assert_false(tk_ipv6_is_unspecified(A1));
    uint8_t sn[16];
    tk_ipv6_solicited_node(ll, sn);
    /* The kernel's DAD NS went to ff02::1:ff00:1 for this address. */
    assert_memory_equal(sn, v6_dad_ns + 24, 16);
    assert_true(tk_ipv6_is_multicast(sn));
    uint8_t mac[6];
    tk_ipv6_mcast_mac(sn, mac);
    const uint8_t want[6] = {0x33, 0x33, 0xff, 0, 0, 1};
    assert_memory_equal(mac, want, 6);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_ipv6_parse_kernel_packet),
        cmocka_unit_test(test_NET_04_ipv6_parse_errors),
        cmocka_unit_test(test_NET_04_ipv6_chain_none_and_hbh),
        cmocka_unit_test(test_NET_04_ipv6_hbh_not_first),
        cmocka_unit_test(test_NET_04_ipv6_unknown_option_actions),
        cmocka_unit_test(test_NET_04_ipv6_option_overrun_and_short),
        cmocka_unit_test(test_NET_04_ipv6_routing_header),
        cmocka_unit_test(test_NET_04_ipv6_fragment_header),
        cmocka_unit_test(test_NET_04_ipv6_chain_bounded),
        cmocka_unit_test(test_NET_04_ipv6_address_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
