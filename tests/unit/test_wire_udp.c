/* UDP header parse and emit (RFC 768): the checksum with the pseudo-header,
 * "no checksum" (0), every malformed case, and the payload sum a caller may
 * pass instead of the payload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/udp.h"

#define SRC 0xc0000201u /* 192.0.2.1 */
#define DST 0xc0a80001u /* 192.168.0.1 */

/* 1 > 9811, 12 payload bytes 10..1b; checksum 0xd842 computed by hand. */
static const uint8_t dgram[] = {0x00, 0x01, 0x26, 0x53, 0x00, 0x14, 0xd8, 0x42, 0x10, 0x11,
                                0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b};

static void test_parse_known_datagram(void **state) {
    (void)state;
    tk_udp_hdr h;
    assert_int_equal(tk_wire_udp_parse(dgram, sizeof dgram, SRC, DST, true, &h), TK_UDP_HLEN);
    assert_int_equal(h.sport, 1);
    assert_int_equal(h.dport, 9811);
    assert_int_equal(h.len, 20);
    assert_int_equal(h.csum, 0xd842);
}

static void test_emit_known_datagram(void **state) {
    (void)state;
    uint8_t buf[24];
    memset(buf, 0xee, sizeof buf);
    memcpy(buf + 8, dgram + 8, 12);
    tk_udp_hdr h = {.sport = 1, .dport = 9811, .len = 999, .csum = 0x1234}; /* len, csum ignored */
    uint32_t psum = tk_csum_add(0, buf + 8, 12);
    assert_int_equal(tk_wire_udp_emit(&h, 12, psum, SRC, DST, buf, sizeof buf), 20);
    assert_memory_equal(buf, dgram, sizeof dgram);
    assert_int_equal(buf[20], 0xee);
    assert_int_equal(tk_wire_udp_emit(&h, 12, psum, SRC, DST, buf, 19), TK_WIRE_NOSPACE);
    assert_int_equal(tk_wire_udp_emit(&h, 65535 - 7, 0, SRC, DST, buf, sizeof buf), TK_WIRE_INVAL);
}

/* A payload sum that is only congruent (not equal) gives the same field:
 * 0xffff and 0 are the same one's-complement number. */
static void test_emit_congruent_payload_sum(void **state) {
    (void)state;
    uint8_t a[20], b[20];
    memcpy(a + 8, dgram + 8, 12);
    memcpy(b + 8, dgram + 8, 12);
    tk_udp_hdr h = {.sport = 1, .dport = 9811};
    uint32_t psum = tk_csum_add(0, a + 8, 12);
    uint32_t same = (psum & 0xffffu) + (psum >> 16) + 0xffffu; /* + (-0) */
    assert_int_equal(tk_wire_udp_emit(&h, 12, psum, SRC, DST, a, sizeof a), 20);
    assert_int_equal(tk_wire_udp_emit(&h, 12, same, SRC, DST, b, sizeof b), 20);
    assert_memory_equal(a, b, sizeof a);
}

/* RFC 768: a computed checksum of 0 is sent as all ones. 7 > 7 with the
 * payload 7d 21 sums to 0xffff. */
static void test_emit_zero_checksum_sent_as_ones(void **state) {
    (void)state;
    uint8_t buf[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x21};
    tk_udp_hdr h = {.sport = 7, .dport = 7};
    assert_int_equal(tk_wire_udp_emit(&h, 2, tk_csum_add(0, buf + 8, 2), SRC, DST, buf, sizeof buf),
                     10);
    assert_int_equal(buf[6], 0xff);
    assert_int_equal(buf[7], 0xff);
    tk_udp_hdr back;
    assert_int_equal(tk_wire_udp_parse(buf, sizeof buf, SRC, DST, true, &back), TK_UDP_HLEN);
    assert_int_equal(back.csum, 0xffff);
}

/* An odd payload is padded with a zero byte for the sum. */
static void test_odd_payload(void **state) {
    (void)state;
    uint8_t buf[11] = {0, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c'};
    tk_udp_hdr h = {.sport = 53, .dport = 1024};
    assert_int_equal(tk_wire_udp_emit(&h, 3, tk_csum_add(0, buf + 8, 3), SRC, DST, buf, sizeof buf),
                     11);
    assert_int_equal(buf[6] << 8 | buf[7], 0xb495);
}

static void test_checksum_zero_means_none(void **state) {
    (void)state;
    uint8_t d[sizeof dgram];
    memcpy(d, dgram, sizeof d);
    d[6] = d[7] = 0;
    d[10] ^= 0xff; /* would fail any checksum */
    tk_udp_hdr h;
    assert_int_equal(tk_wire_udp_parse(d, sizeof d, SRC, DST, true, &h), TK_UDP_HLEN);
    assert_int_equal(h.csum, 0);
}

static void test_bad_checksum(void **state) {
    (void)state;
    uint8_t d[sizeof dgram];
    memcpy(d, dgram, sizeof d);
    d[19] ^= 0x01;
    tk_udp_hdr h;
    assert_int_equal(tk_wire_udp_parse(d, sizeof d, SRC, DST, true, &h), TK_WIRE_UDP_CSUM);
    assert_int_equal(tk_wire_udp_parse(d, sizeof d, SRC, DST, false, &h), TK_UDP_HLEN);
    /* The pseudo-header counts: the right bytes from another source fail. */
    assert_int_equal(tk_wire_udp_parse(dgram, sizeof dgram, SRC + 1, DST, true, &h),
                     TK_WIRE_UDP_CSUM);
}

static void test_short_and_bad_length(void **state) {
    (void)state;
    tk_udp_hdr h;
    assert_int_equal(tk_wire_udp_parse(dgram, 7, SRC, DST, true, &h), TK_WIRE_UDP_SHORT);
    assert_int_equal(tk_wire_udp_parse(dgram, 0, SRC, DST, true, &h), TK_WIRE_UDP_SHORT);
    /* The length field says 20: a 19-byte IP payload cannot hold it. */
    assert_int_equal(tk_wire_udp_parse(dgram, 19, SRC, DST, true, &h), TK_WIRE_UDP_LEN);
    uint8_t d[sizeof dgram];
    memcpy(d, dgram, sizeof d);
    d[4] = 0, d[5] = 7;
    assert_int_equal(tk_wire_udp_parse(d, sizeof d, SRC, DST, false, &h), TK_WIRE_UDP_LEN);
    assert_string_equal(tk_wire_strerror(TK_WIRE_UDP_SHORT), "udp header short");
    assert_string_equal(tk_wire_strerror(TK_WIRE_UDP_LEN), "udp length bad");
    assert_string_equal(tk_wire_strerror(TK_WIRE_UDP_CSUM), "udp checksum bad");
}

/* Bytes after the datagram (Ethernet padding) are not part of it. */
static void test_trailing_bytes_ignored(void **state) {
    (void)state;
    uint8_t d[sizeof dgram + 6];
    memcpy(d, dgram, sizeof dgram);
    memset(d + sizeof dgram, 0x55, 6);
    tk_udp_hdr h;
    assert_int_equal(tk_wire_udp_parse(d, sizeof d, SRC, DST, true, &h), TK_UDP_HLEN);
    assert_int_equal(h.len, 20);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_known_datagram),
        cmocka_unit_test(test_emit_known_datagram),
        cmocka_unit_test(test_emit_congruent_payload_sum),
        cmocka_unit_test(test_emit_zero_checksum_sent_as_ones),
        cmocka_unit_test(test_odd_payload),
        cmocka_unit_test(test_checksum_zero_means_none),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_short_and_bad_length),
        cmocka_unit_test(test_trailing_bytes_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
