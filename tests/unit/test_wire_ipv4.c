/* IPv4 header parse and emit: validation (SPEC SEC-4) and round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"

/* The RFC 1071-era example: 192.168.0.1 -> 192.168.0.199, UDP, 115 bytes. */
static const uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

/* A 115-byte datagram starting with hdr. */
static void make_dgram(uint8_t *d) {
    memset(d, 0xab, 115);
    memcpy(d, hdr, sizeof hdr);
}

static void fix_csum(uint8_t *h, size_t hlen) {
    h[10] = h[11] = 0;
    uint16_t c = tk_csum_finish(tk_csum_add(0, h, hlen));
    h[10] = (uint8_t)(c >> 8);
    h[11] = (uint8_t)c;
}

static void test_parse_known_header(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), 20);
    assert_int_equal(h.hlen, 20);
    assert_int_equal(h.tos, 0);
    assert_int_equal(h.total_len, 115);
    assert_int_equal(h.id, 0);
    assert_int_equal(h.frag, TK_IPV4_DF);
    assert_int_equal(h.ttl, 64);
    assert_int_equal(h.proto, TK_IPPROTO_UDP);
    assert_int_equal(h.csum, 0xb861);
    assert_int_equal(h.src, 0xc0a80001u);
    assert_int_equal(h.dst, 0xc0a800c7u);
    assert_false(tk_wire_ipv4_is_fragment(&h));
}

static void test_emit_known_header(void **state) {
    (void)state;
    tk_ipv4_hdr h = {.hlen = 0, /* ignored */
                     .total_len = 115,
                     .frag = TK_IPV4_DF,
                     .ttl = 64,
                     .proto = TK_IPPROTO_UDP,
                     .csum = 0x1234, /* ignored */
                     .src = 0xc0a80001u,
                     .dst = 0xc0a800c7u};
    uint8_t buf[24];
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(tk_wire_ipv4_emit(&h, buf, sizeof buf), 20);
    assert_memory_equal(buf, hdr, sizeof hdr);
    assert_int_equal(buf[20], 0xee);
    assert_int_equal(tk_wire_ipv4_emit(&h, buf, 19), TK_WIRE_NOSPACE);
}

static void test_trailing_padding_allowed(void **state) {
    (void)state;
    /* A 40-byte datagram in a 46-byte minimum Ethernet payload. */
    uint8_t d[46] = {0};
    tk_ipv4_hdr h = {.total_len = 40, .ttl = 64, .proto = 6, .src = 1, .dst = 2};
    assert_int_equal(tk_wire_ipv4_emit(&h, d, sizeof d), 20);
    tk_ipv4_hdr back;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &back), 20);
    assert_int_equal(back.total_len, 40);
}

static void test_options_skipped(void **state) {
    (void)state;
    uint8_t d[28] = {0x46, 0,    0,   28, 0,
                     1,    0,    0,   1,  6,
                     0,    0,    10,  0,  0,
                     1,    10,   0,   0,  2,
                     0x94, 0x04, 0,   0,  /* router alert */ 0xcc,
                     0xcc, 0xcc, 0xcc};
    fix_csum(d, 24);
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), 24);
    assert_int_equal(h.hlen, 24);
    assert_int_equal(h.total_len, 28);
}

static void test_SEC_04_ip_short(void **state) {
    (void)state;
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(hdr, 19, false, &h), TK_WIRE_IP_SHORT);
    assert_int_equal(tk_wire_ipv4_parse(hdr, 0, false, &h), TK_WIRE_IP_SHORT);
}

static void test_SEC_04_ip_version_not_4(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    d[0] = 0x65;
    fix_csum(d, 20);
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), TK_WIRE_IP_VERSION);
}

static void test_SEC_04_ip_ihl_below_5(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    tk_ipv4_hdr h;
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        d[0] = (uint8_t)(0x40 | ihl);
        fix_csum(d, 20);
        assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), TK_WIRE_IP_IHL);
    }
}

static void test_SEC_04_ip_ihl_beyond_buffer(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    d[0] = 0x4f; /* 60-byte header */
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, 59, false, &h), TK_WIRE_IP_IHL);
    assert_int_equal(tk_wire_ipv4_parse(d, 24, false, &h), TK_WIRE_IP_IHL);
}

static void test_SEC_04_ip_totlen_below_ihl(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    d[2] = 0;
    d[3] = 19;
    fix_csum(d, 20);
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), TK_WIRE_IP_TOTLEN);
    d[0] = 0x46;
    d[3] = 23; /* header of 24 bytes, total 23 */
    fix_csum(d, 24);
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), TK_WIRE_IP_TOTLEN);
}

static void test_SEC_04_ip_totlen_beyond_frame(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, 114, true, &h), TK_WIRE_IP_TOTLEN);
    assert_int_equal(tk_wire_ipv4_parse(d, 115, true, &h), 20);
}

static void test_SEC_04_ip_bad_checksum(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    tk_ipv4_hdr h;
    d[8] = 63; /* TTL changed without updating the checksum */
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), TK_WIRE_IP_CSUM);
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, false, &h), 20);
    assert_int_equal(h.ttl, 63);
    /* A corrupt payload byte is not the IP header's business. */
    make_dgram(d);
    d[100] ^= 0xff;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), 20);
}

static void test_ttl_decrement_incremental_checksum(void **state) {
    (void)state;
    uint8_t d[115];
    make_dgram(d);
    uint16_t old = (uint16_t)(d[8] << 8 | d[9]);
    d[8]--;
    uint16_t c = tk_csum_update16(0xb861, old, (uint16_t)(d[8] << 8 | d[9]));
    d[10] = (uint8_t)(c >> 8);
    d[11] = (uint8_t)c;
    tk_ipv4_hdr h;
    assert_int_equal(tk_wire_ipv4_parse(d, sizeof d, true, &h), 20);
    assert_int_equal(h.ttl, 63);
    assert_int_equal(h.csum, 0xb961);
}

static void test_fragment_detection(void **state) {
    (void)state;
    tk_ipv4_hdr h = {.frag = TK_IPV4_DF};
    assert_false(tk_wire_ipv4_is_fragment(&h));
    h.frag = TK_IPV4_MF;
    assert_true(tk_wire_ipv4_is_fragment(&h));
    h.frag = 1;
    assert_true(tk_wire_ipv4_is_fragment(&h));
    h.frag = TK_IPV4_DF | 0x1000;
    assert_true(tk_wire_ipv4_is_fragment(&h));
    h.frag = 0x8000; /* the reserved bit alone is not a fragment */
    assert_false(tk_wire_ipv4_is_fragment(&h));
}

static void test_round_trip_random(void **state) {
    (void)state;
    uint32_t st = 5;
    for (int i = 0; i < 5000; i++) {
        st = st * 1664525u + 1013904223u;
        tk_ipv4_hdr h = {.hlen = 20,
                         .tos = (uint8_t)(st >> 3),
                         .total_len = (uint16_t)(20 + (st >> 20) % 1480),
                         .id = (uint16_t)(st >> 7),
                         .frag = (uint16_t)(st >> 11),
                         .ttl = (uint8_t)(st >> 13),
                         .proto = (uint8_t)(st >> 17),
                         .src = st * 31u,
                         .dst = st ^ 0xa5a5a5a5u};
        uint8_t buf[1500];
        assert_int_equal(tk_wire_ipv4_emit(&h, buf, sizeof buf), 20);
        tk_ipv4_hdr back;
        assert_int_equal(tk_wire_ipv4_parse(buf, sizeof buf, true, &back), 20);
        h.csum = (uint16_t)(buf[10] << 8 | buf[11]);
        assert_memory_equal(&back, &h, sizeof h);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_known_header),
        cmocka_unit_test(test_emit_known_header),
        cmocka_unit_test(test_trailing_padding_allowed),
        cmocka_unit_test(test_options_skipped),
        cmocka_unit_test(test_SEC_04_ip_short),
        cmocka_unit_test(test_SEC_04_ip_version_not_4),
        cmocka_unit_test(test_SEC_04_ip_ihl_below_5),
        cmocka_unit_test(test_SEC_04_ip_ihl_beyond_buffer),
        cmocka_unit_test(test_SEC_04_ip_totlen_below_ihl),
        cmocka_unit_test(test_SEC_04_ip_totlen_beyond_frame),
        cmocka_unit_test(test_SEC_04_ip_bad_checksum),
        cmocka_unit_test(test_ttl_decrement_incremental_checksum),
        cmocka_unit_test(test_fragment_detection),
        cmocka_unit_test(test_round_trip_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
