/* ICMPv4 parse, emit and quoted-datagram parse (SPEC SEC-4, NET-1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"

/* Echo request id 0x1234 seq 1 with "abcdefgh"; checksum 0x5435. */
static const uint8_t echo[] = {8,   0,   0x54, 0x35, 0x12, 0x34, 0,   1,
                               'a', 'b', 'c',  'd',  'e',  'f',  'g', 'h'};

static void test_icmp_parse_echo(void **state) {
    (void)state;
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(echo, sizeof echo, true, &h), TK_ICMP_HLEN);
    assert_int_equal(h.type, TK_ICMP_ECHO_REQUEST);
    assert_int_equal(h.code, 0);
    assert_int_equal(h.csum, 0x5435);
    assert_int_equal(h.rest, 0x12340001u);
    assert_ptr_equal(h.data, echo + 8);
    assert_int_equal(h.data_len, 8);
}

static void test_icmp_emit_echo(void **state) {
    (void)state;
    tk_icmp_hdr h = {.type = TK_ICMP_ECHO_REQUEST,
                     .rest = 0x12340001u,
                     .data = (const uint8_t *)"abcdefgh",
                     .data_len = 8};
    uint8_t buf[20];
    assert_int_equal(tk_wire_icmp_emit(&h, buf, sizeof buf), 16);
    assert_memory_equal(buf, echo, sizeof echo);
    assert_int_equal(tk_wire_icmp_emit(&h, buf, 15), TK_WIRE_NOSPACE);
}

static void test_icmp_echo_reply_in_place(void **state) {
    (void)state;
    uint8_t buf[16];
    memcpy(buf, echo, sizeof buf);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(buf, sizeof buf, true, &h), 8);
    h.type = TK_ICMP_ECHO_REPLY;
    assert_int_equal(tk_wire_icmp_emit(&h, buf, sizeof buf), 16);
    assert_int_equal(buf[0], 0);
    /* Only the type word changed by 0x0800, so the checksum rises by 0x0800. */
    assert_int_equal(buf[2], 0x5c);
    assert_int_equal(buf[3], 0x35);
    assert_memory_equal(buf + 8, "abcdefgh", 8);
    assert_int_equal(tk_wire_icmp_parse(buf, sizeof buf, true, &h), 8);
}

static void test_icmp_header_only(void **state) {
    (void)state;
    tk_icmp_hdr h = {.type = TK_ICMP_ECHO_REPLY, .data = NULL, .data_len = 5};
    uint8_t buf[8];
    assert_int_equal(tk_wire_icmp_emit(&h, buf, sizeof buf), 8);
    const uint8_t want[] = {0, 0, 0xff, 0xff, 0, 0, 0, 0};
    assert_memory_equal(buf, want, 8);
    tk_icmp_hdr back;
    assert_int_equal(tk_wire_icmp_parse(buf, 8, true, &back), 8);
    assert_int_equal(back.data_len, 0);
}

static void test_SEC_04_icmp_short(void **state) {
    (void)state;
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(echo, 7, false, &h), TK_WIRE_ICMP_SHORT);
    assert_int_equal(tk_wire_icmp_parse(echo, 0, true, &h), TK_WIRE_ICMP_SHORT);
}

static void test_SEC_04_icmp_bad_checksum(void **state) {
    (void)state;
    uint8_t b[16];
    memcpy(b, echo, sizeof b);
    b[15] ^= 0x20;
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(b, sizeof b, true, &h), TK_WIRE_ICMP_CSUM);
    assert_int_equal(tk_wire_icmp_parse(b, sizeof b, false, &h), 8);
    /* The checksum covers the whole message, not just the header. */
    assert_int_equal(tk_wire_icmp_parse(echo, 15, true, &h), TK_WIRE_ICMP_CSUM);
}

/* Port unreachable quoting 198.18.0.1:40000 -> 198.18.0.2:80, seq 0xfffffff0. */
static size_t make_unreach(uint8_t *buf, size_t cap, uint8_t ihl, size_t quote_l4) {
    uint8_t q[60 + 8];
    memset(q, 0, sizeof q);
    tk_ipv4_hdr ip = {.total_len = 60,
                      .ttl = 64,
                      .proto = TK_IPPROTO_TCP,
                      .src = 0xc6120001u,
                      .dst = 0xc6120002u};
    assert_int_equal(tk_wire_ipv4_emit(&ip, q, sizeof q), 20);
    q[0] = (uint8_t)(0x40 | ihl);
    size_t hl = (size_t)ihl * 4;
    const uint8_t l4[8] = {0x9c, 0x40, 0x00, 0x50, 0xff, 0xff, 0xff, 0xf0};
    memcpy(q + hl, l4, quote_l4);
    tk_icmp_hdr h = {.type = TK_ICMP_DEST_UNREACH,
                     .code = TK_ICMP_PORT_UNREACH,
                     .data = q,
                     .data_len = hl + quote_l4};
    int n = tk_wire_icmp_emit(&h, buf, cap);
    assert_true(n > 0);
    return (size_t)n;
}

static void test_icmp_quote_parse(void **state) {
    (void)state;
    uint8_t buf[96];
    size_t n = make_unreach(buf, sizeof buf, 5, 8);
    assert_int_equal(n, 36);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(buf, n, true, &h), 8);
    tk_icmp_quote q;
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), 0);
    assert_int_equal(q.src, 0xc6120001u);
    assert_int_equal(q.dst, 0xc6120002u);
    assert_int_equal(q.proto, TK_IPPROTO_TCP);
    assert_int_equal(q.sport, 40000);
    assert_int_equal(q.dport, 80);
    assert_int_equal(q.seq, 0xfffffff0u);
}

static void test_icmp_quote_with_ip_options(void **state) {
    (void)state;
    uint8_t buf[96];
    size_t n = make_unreach(buf, sizeof buf, 6, 8);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp_parse(buf, n, true, &h), 8);
    tk_icmp_quote q;
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), 0);
    assert_int_equal(q.sport, 40000);
    assert_int_equal(q.seq, 0xfffffff0u);
}

static void test_SEC_04_icmp_quote_short(void **state) {
    (void)state;
    uint8_t buf[96];
    tk_icmp_hdr h;
    tk_icmp_quote q;
    size_t n = make_unreach(buf, sizeof buf, 5, 7);
    assert_int_equal(tk_wire_icmp_parse(buf, n, true, &h), 8);
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), TK_WIRE_ICMP_SHORT);
    n = make_unreach(buf, sizeof buf, 6, 4); /* 24 + 4 bytes: options eat the ports */
    assert_int_equal(tk_wire_icmp_parse(buf, n, true, &h), 8);
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), TK_WIRE_ICMP_SHORT);
    h.data_len = 19;
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), TK_WIRE_ICMP_SHORT);
}

static void test_SEC_04_icmp_quote_bad_ip(void **state) {
    (void)state;
    uint8_t buf[96];
    tk_icmp_hdr h;
    tk_icmp_quote q;
    size_t n = make_unreach(buf, sizeof buf, 4, 8);
    assert_int_equal(tk_wire_icmp_parse(buf, n, true, &h), 8);
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), TK_WIRE_IP_IHL);
    n = make_unreach(buf, sizeof buf, 5, 8);
    buf[8] = 0x65;
    assert_int_equal(tk_wire_icmp_parse(buf, n, false, &h), 8);
    assert_int_equal(tk_wire_icmp_quote_parse(&h, &q), TK_WIRE_IP_VERSION);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmp_parse_echo),
        cmocka_unit_test(test_icmp_emit_echo),
        cmocka_unit_test(test_icmp_echo_reply_in_place),
        cmocka_unit_test(test_icmp_header_only),
        cmocka_unit_test(test_SEC_04_icmp_short),
        cmocka_unit_test(test_SEC_04_icmp_bad_checksum),
        cmocka_unit_test(test_icmp_quote_parse),
        cmocka_unit_test(test_icmp_quote_with_ip_options),
        cmocka_unit_test(test_SEC_04_icmp_quote_short),
        cmocka_unit_test(test_SEC_04_icmp_quote_bad_ip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
