/* The ECN field through IPv4 reassembly (RFC 3168 5.3): a CE fragment makes
 * the datagram CE, a CE fragment with a Not-ECT one is dropped, the same
 * field everywhere stays; and a CE mark on one fragment of a TCP segment
 * reaches TCP (ECE on the ACK). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/ipfrag.h"
#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"

#define NOT TK_IP_ECN_NOT_ECT
#define E1  TK_IP_ECN_ECT1
#define E0  TK_IP_ECN_ECT0
#define CE  TK_IP_ECN_CE

/* Reassembles a 32-byte datagram from two fragments with ECN fields a and
 * b; returns tk_ipfrag_input's result for the second, *ecn the field. */
static int two_fragments(uint8_t a, uint8_t b, uint8_t *ecn) {
    tk_config cfg;
    tk_config_default(&cfg);
    void *mem = malloc(tk_ipfrag_mem_size(&cfg));
    assert_non_null(mem);
    tk_ipfrag f;
    tk_ipfrag_init(&f, mem, &cfg);
    uint8_t data[32] = {0};
    tk_ipv4_hdr h;
    memset(&h, 0, sizeof h);
    h.src = TKH_REMOTE_ADDR;
    h.dst = TKH_LOCAL_ADDR;
    h.proto = TK_IPPROTO_TCP;
    h.id = 7;
    h.tos = (uint8_t)(0xb8 | a);
    h.frag = TK_IPV4_MF;
    const uint8_t *out = NULL;
    size_t len = 0;
    uint32_t timed_out;
    assert_int_equal(tk_ipfrag_input(&f, &h, data, 16, 0, &out, &len, &timed_out), TK_IPFRAG_HELD);
    h.tos = (uint8_t)(0xb8 | b);
    h.frag = 2; /* offset 16 bytes, last */
    int rc = tk_ipfrag_input(&f, &h, data + 16, 16, 0, &out, &len, &timed_out);
    *ecn = f.ecn;
    assert_int_equal(tk_ipfrag_pending(&f), 0);
    if (rc == TK_IPFRAG_COMPLETE)
        assert_int_equal(len, 32);
    free(mem);
    return rc;
}

static void test_ecn_reassembly_field(void **state) {
    (void)state;
    static const struct {
        uint8_t a, b;
        int rc;
        uint8_t ecn;
    } cases[] = {
        {NOT, NOT, TK_IPFRAG_COMPLETE, NOT},
        {E0, E0, TK_IPFRAG_COMPLETE, E0},
        {E1, E1, TK_IPFRAG_COMPLETE, E1},
        {CE, CE, TK_IPFRAG_COMPLETE, CE},
        {E0, CE, TK_IPFRAG_COMPLETE, CE},
        {CE, E1, TK_IPFRAG_COMPLETE, CE},
        {E0, E1, TK_IPFRAG_COMPLETE, NOT},
        {E0, NOT, TK_IPFRAG_COMPLETE, NOT},
        {CE, NOT, -EINVAL, 0},
        {NOT, CE, -EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t ecn = 0xff;
        assert_int_equal(two_fragments(cases[i].a, cases[i].b, &ecn), cases[i].rc);
        if (cases[i].rc == TK_IPFRAG_COMPLETE)
            assert_int_equal(ecn, cases[i].ecn);
    }
}

/* One Ethernet frame carrying bytes [off, off + len) of a TCP segment. */
static size_t fragment(uint8_t *f, const tkh *h, const uint8_t *seg, uint32_t off, uint32_t len,
                       bool more, uint8_t ecn) {
    tk_eth_hdr eh;
    memcpy(eh.dst, h->cfg.mac, 6);
    const uint8_t peer[6] = {0x02, 0, 0, 0, 0, 0x02};
    memcpy(eh.src, peer, 6);
    eh.type = TK_ETHERTYPE_IPV4;
    tk_wire_eth_emit(&eh, f, TK_ETH_HLEN);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + len);
    ih.id = 0x77;
    ih.tos = ecn;
    ih.frag = (uint16_t)(off / 8u | (more ? TK_IPV4_MF : 0u));
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = TKH_REMOTE_ADDR;
    ih.dst = TKH_LOCAL_ADDR;
    tk_wire_ipv4_emit(&ih, f + TK_ETH_HLEN, TK_IPV4_HLEN);
    memcpy(f + TK_ETH_HLEN + TK_IPV4_HLEN, seg + off, len);
    return TK_ETH_HLEN + TK_IPV4_HLEN + len;
}

/* A 200-byte data segment of an ECN connection in two fragments, the
 * second marked CE (or CE with a Not-ECT first one: dropped). */
static void fragmented_segment(uint8_t first, bool delivered) {
    tkh h;
    tkh_init_fixed(&h, NULL, 5000);
    int ls = tkh_listen_at(&h, h.lport, 4);
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_ECE | TK_TCP_CWR, 100, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK | TK_TCP_ECE, 5000, 101, 0);
    tkh_inject(&h, TK_TCP_ACK, 101, 5001, 65535, NULL, NULL, 0);
    assert_true(tk_accept(h.s, ls, NULL) >= 0);
    tk_tcp_hdr th;
    memset(&th, 0, sizeof th);
    th.sport = h.rport;
    th.dport = h.lport;
    th.seq = 101;
    th.ack = 5001;
    th.flags = TK_TCP_ACK | TK_TCP_PSH;
    th.win = 65535;
    static uint8_t payload[200], seg[256], f[512];
    int n = tk_wire_tcp_emit(&th, payload, sizeof payload, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, seg,
                             sizeof seg);
    assert_int_equal(n, 220);
    size_t len = fragment(f, &h, seg, 0, 112, true, first);
    assert_int_equal(tk_stack_input(h.s, f, len, h.now), 0);
    len = fragment(f, &h, seg, 112, 108, false, CE);
    int rc = tk_stack_input(h.s, f, len, h.now);
    tkh_run_until(&h, h.now + TK_MS(40));
    const tk_stats *st = tk_stack_stats(h.s);
    if (delivered) {
        assert_int_equal(rc, 0);
        TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_ECE, 5001, 301, 0);
        assert_int_equal(st->ecn_ce_rcvd, 1);
    } else {
        assert_int_equal(rc, -EINVAL);
        assert_int_equal(st->drop_ip_fragment, 1);
        assert_int_equal(st->ecn_ce_rcvd, 0);
    }
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

static void test_ecn_ce_fragment_reaches_tcp(void **state) {
    (void)state;
    fragmented_segment(E0, true);
    fragmented_segment(NOT, false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecn_reassembly_field),
        cmocka_unit_test(test_ecn_ce_fragment_reaches_tcp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
