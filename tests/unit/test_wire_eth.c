/* Ethernet II and ARP (RFC 826) parse and emit (SPEC SEC-4, NET-1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"

/* Broadcast ARP request: who has 198.18.0.2? tell 198.18.0.1. */
static const uint8_t arp_frame[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xc6, 0x12, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x02};

static void test_eth_parse(void **state) {
    (void)state;
    tk_eth_hdr h;
    assert_int_equal(tk_wire_eth_parse(arp_frame, sizeof arp_frame, &h), TK_ETH_HLEN);
    const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
    assert_memory_equal(h.dst, bcast, 6);
    assert_memory_equal(h.src, mac, 6);
    assert_int_equal(h.type, TK_ETHERTYPE_ARP);
    assert_int_equal(tk_wire_eth_parse(arp_frame, 14, &h), 14);
}

static void test_SEC_04_eth_short(void **state) {
    (void)state;
    tk_eth_hdr h;
    assert_int_equal(tk_wire_eth_parse(arp_frame, 13, &h), TK_WIRE_ETH_SHORT);
    assert_int_equal(tk_wire_eth_parse(arp_frame, 0, &h), TK_WIRE_ETH_SHORT);
}

static void test_eth_emit(void **state) {
    (void)state;
    tk_eth_hdr h = {.dst = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                    .src = {0x02, 0, 0, 0, 0, 0x01},
                    .type = TK_ETHERTYPE_ARP};
    uint8_t buf[15];
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(tk_wire_eth_emit(&h, buf, sizeof buf), 14);
    assert_memory_equal(buf, arp_frame, 14);
    assert_int_equal(buf[14], 0xee);
    assert_int_equal(tk_wire_eth_emit(&h, buf, 13), TK_WIRE_NOSPACE);
    h.type = TK_ETHERTYPE_IPV6;
    assert_int_equal(tk_wire_eth_emit(&h, buf, 14), 14);
    assert_int_equal(buf[12], 0x86);
    assert_int_equal(buf[13], 0xdd);
}

static void test_arp_parse_request(void **state) {
    (void)state;
    tk_arp_pkt p;
    assert_int_equal(tk_wire_arp_parse(arp_frame + 14, 28, &p), TK_ARP_LEN);
    assert_int_equal(p.op, TK_ARP_REQUEST);
    const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
    const uint8_t zero[6] = {0};
    assert_memory_equal(p.sha, mac, 6);
    assert_int_equal(p.spa, 0xc6120001u);
    assert_memory_equal(p.tha, zero, 6);
    assert_int_equal(p.tpa, 0xc6120002u);
}

static void test_arp_emit_reply_round_trip(void **state) {
    (void)state;
    tk_arp_pkt p = {.op = TK_ARP_REPLY,
                    .sha = {0x02, 0, 0, 0, 0, 0x02},
                    .spa = 0xc6120002u,
                    .tha = {0x02, 0, 0, 0, 0, 0x01},
                    .tpa = 0xc6120001u};
    uint8_t buf[46];
    memset(buf, 0, sizeof buf); /* Ethernet minimum payload padding */
    assert_int_equal(tk_wire_arp_emit(&p, buf, sizeof buf), 28);
    const uint8_t want[] = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00,
                            0x00, 0x00, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x02, 0x02, 0x00,
                            0x00, 0x00, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x01};
    assert_memory_equal(buf, want, sizeof want);
    tk_arp_pkt back;
    assert_int_equal(tk_wire_arp_parse(buf, sizeof buf, &back), 28);
    assert_int_equal(back.op, TK_ARP_REPLY);
    assert_memory_equal(back.sha, p.sha, 6);
    assert_int_equal(back.spa, 0xc6120002u);
    assert_memory_equal(back.tha, p.tha, 6);
    assert_int_equal(back.tpa, 0xc6120001u);
    assert_int_equal(tk_wire_arp_emit(&p, buf, 27), TK_WIRE_NOSPACE);
}

static void test_SEC_04_arp_short(void **state) {
    (void)state;
    tk_arp_pkt p;
    assert_int_equal(tk_wire_arp_parse(arp_frame + 14, 27, &p), TK_WIRE_ARP_SHORT);
    assert_int_equal(tk_wire_arp_parse(arp_frame + 14, 0, &p), TK_WIRE_ARP_SHORT);
}

static void test_SEC_04_arp_wrong_format(void **state) {
    (void)state;
    tk_arp_pkt p;
    /* One wrong byte in each of htype, ptype, hlen and plen. */
    const size_t at[] = {1, 2, 4, 5};
    for (size_t i = 0; i < 4; i++) {
        uint8_t b[28];
        memcpy(b, arp_frame + 14, sizeof b);
        b[at[i]] ^= 0x01;
        assert_int_equal(tk_wire_arp_parse(b, sizeof b, &p), TK_WIRE_ARP_FORMAT);
    }
}

static void test_arp_unknown_op_kept(void **state) {
    (void)state;
    uint8_t b[28];
    memcpy(b, arp_frame + 14, sizeof b);
    b[7] = 3; /* RARP request */
    tk_arp_pkt p;
    assert_int_equal(tk_wire_arp_parse(b, sizeof b, &p), 28);
    assert_int_equal(p.op, 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_parse),
        cmocka_unit_test(test_SEC_04_eth_short),
        cmocka_unit_test(test_eth_emit),
        cmocka_unit_test(test_arp_parse_request),
        cmocka_unit_test(test_arp_emit_reply_round_trip),
        cmocka_unit_test(test_SEC_04_arp_short),
        cmocka_unit_test(test_SEC_04_arp_wrong_format),
        cmocka_unit_test(test_arp_unknown_op_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
