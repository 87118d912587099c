/* The TCP MD5 signature option (RFC 2385): option parse and layout, and the
 * digest against values computed independently with python3's hashlib:
 *
 *   import hashlib, struct
 *   ph = bytes([198,18,0,1, 198,18,0,2, 0,6]) + struct.pack('!H', 45)
 *   th = struct.pack('!HHIIBBHHH', 8080, 50000, 0x01020304, 0x0a0b0c0d,
 *                    10 << 4, 0x18, 65535, 0, 0)
 *   hashlib.md5(ph + th + b'hello' + b'secret').digest()
 *
 * and for the SYN (198.18.0.2 -> 198.18.0.1, 44 bytes, no data):
 *   th = struct.pack('!HHIIBBHHH', 50000, 8080, 1000000, 0, 11 << 4, 0x02,
 *                    32767, 0, 0) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"

#define A 0xc6120001u /* 198.18.0.1 */
#define B 0xc6120002u /* 198.18.0.2 */

static const uint8_t KEY[] = "secret";
#define KEYLEN 6

static const uint8_t DATA_DIGEST[16] = {0xec, 0x37, 0xc0, 0xfc, 0xb0, 0x54, 0x5e, 0x12,
                                        0xad, 0x71, 0x39, 0x99, 0xcf, 0xae, 0x59, 0x22};
static const uint8_t SYN_DIGEST[16] = {0xe8, 0xdd, 0x0b, 0x19, 0xb6, 0x1d, 0xa3, 0x0c,
                                       0xdf, 0x0b, 0xf3, 0x49, 0x29, 0x6a, 0xa6, 0xef};

/* 8080 -> 50000, seq 0x01020304, ack 0x0a0b0c0d, P., win 65535,
 * <nop,nop,md5 (zeros)>, "hello": 45 bytes. */
static size_t data_segment(uint8_t *buf, size_t cap) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = 8080;
    h.dport = 50000;
    h.seq = 0x01020304u;
    h.ack = 0x0a0b0c0du;
    h.flags = TK_TCP_PSH | TK_TCP_ACK;
    h.win = 65535;
    h.opts.present = TK_OPT_MD5;
    int n = tk_wire_tcp_emit(&h, (const uint8_t *)"hello", 5, A, B, buf, cap);
    assert_int_equal(n, 45);
    return (size_t)n;
}

static void test_md5_option_layout_and_size(void **state) {
    (void)state;
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MD5;
    for (int i = 0; i < 16; i++)
        o.md5[i] = (uint8_t)(0xa0 + i);
    uint8_t b[40];
    assert_int_equal(tk_wire_tcp_opts_size(&o), 20);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, b, sizeof b), 20);
    const uint8_t head[4] = {1, 1, 19, 18};
    assert_memory_equal(b, head, 4);
    assert_memory_equal(b + 4, o.md5, 16);
    /* A full SYN with the signature fills the 40 bytes exactly:
     * mss, sackOK+TS, nop+wscale, nop+nop+md5. */
    o.present |= TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE;
    o.mss = 1460;
    o.wscale = 7;
    assert_int_equal(tk_wire_tcp_opts_size(&o), 40);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, b, sizeof b), 40);
    const uint8_t tail[4] = {1, 1, 19, 18};
    assert_memory_equal(b + 20, tail, 4);
    /* With a SACK block on top it does not fit. */
    o.present |= TK_OPT_SACK;
    o.sack_count = 1;
    assert_int_equal(tk_wire_tcp_opts_emit(&o, b, sizeof b), TK_WIRE_INVAL);
}

static void test_md5_option_before_sack_blocks(void **state) {
    (void)state;
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MD5 | TK_OPT_SACK;
    o.sack_count = 2;
    o.sack[0] = (tk_sack_block){10, 20};
    o.sack[1] = (tk_sack_block){30, 40};
    uint8_t b[40];
    assert_int_equal(tk_wire_tcp_opts_emit(&o, b, sizeof b), 40);
    assert_int_equal(b[2], TK_TCPOPT_MD5);
    assert_int_equal(b[22], TK_TCPOPT_SACK);
    assert_int_equal(b[23], 18);
    tk_tcp_opts back;
    assert_int_equal(tk_wire_tcp_opts_parse(b, 40, &back), 0);
    assert_int_equal(back.present, TK_OPT_MD5 | TK_OPT_SACK);
    assert_int_equal(back.sack_count, 2);
}

static void test_md5_option_parse_checks_length(void **state) {
    (void)state;
    uint8_t b[20] = {1, 1, 19, 18};
    for (int i = 4; i < 20; i++)
        b[i] = (uint8_t)i;
    tk_tcp_opts o;
    assert_int_equal(tk_wire_tcp_opts_parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_MD5);
    assert_memory_equal(o.md5, b + 4, 16);
    assert_int_equal(o.unknown, 0);
    /* Kind 19 of any other length is malformed (SPEC OP-5). */
    const uint8_t short_opt[] = {19, 6, 0, 0, 0, 0, 0, 0};
    assert_int_equal(tk_wire_tcp_opts_parse(short_opt, sizeof short_opt, &o), TK_WIRE_OPT_BADLEN);
    const uint8_t over[] = {19, 18, 0, 0};
    assert_int_equal(tk_wire_tcp_opts_parse(over, sizeof over, &o), TK_WIRE_OPT_OVERRUN);
}

static void test_md5_digest_matches_independent_value(void **state) {
    (void)state;
    uint8_t seg[64], d[16];
    size_t n = data_segment(seg, sizeof seg);
    assert_int_equal(tk_wire_tcp_md5_digest(seg, n, A, B, KEY, KEYLEN, d), 0);
    assert_memory_equal(d, DATA_DIGEST, 16);
    /* The checksum field and the options are not part of it. */
    seg[16] ^= 0xff;
    seg[24] ^= 0x55;
    assert_int_equal(tk_wire_tcp_md5_digest(seg, n, A, B, KEY, KEYLEN, d), 0);
    assert_memory_equal(d, DATA_DIGEST, 16);
}

static void test_md5_sign_writes_digest_and_checksum(void **state) {
    (void)state;
    uint8_t seg[64];
    size_t n = data_segment(seg, sizeof seg);
    assert_int_equal(tk_wire_tcp_md5_find(seg, n), 24);
    assert_int_equal(tk_wire_tcp_md5_sign(seg, n, A, B, KEY, KEYLEN), 0);
    assert_memory_equal(seg + 24, DATA_DIGEST, 16);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, n, A, B, true, &h), 40);
    assert_int_equal(h.opts.present, TK_OPT_MD5);
    assert_memory_equal(h.opts.md5, DATA_DIGEST, 16);
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN), 1);
}

static void test_md5_verify_rejects_changes(void **state) {
    (void)state;
    uint8_t seg[64];
    size_t n = data_segment(seg, sizeof seg);
    assert_int_equal(tk_wire_tcp_md5_sign(seg, n, A, B, KEY, KEYLEN), 0);
    /* Another key, swapped addresses, a changed payload or header field. */
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, (const uint8_t *)"secreT", 6), 0);
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN - 1), 0);
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, B, A, KEY, KEYLEN), 0);
    seg[44] ^= 1;
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN), 0);
    seg[44] ^= 1;
    seg[14] ^= 1; /* window */
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN), 0);
    seg[14] ^= 1;
    seg[30] ^= 0x80; /* the digest itself */
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN), 0);
    seg[30] ^= 0x80;
    assert_int_equal(tk_wire_tcp_md5_verify(seg, n, A, B, KEY, KEYLEN), 1);
}

/* A SYN from B with <mss 1460,nop,nop,md5>: the option need not be last
 * or aligned the way tcpkit writes it. */
static void test_md5_syn_digest_and_option_search(void **state) {
    (void)state;
    uint8_t seg[44] = {0xc3, 0x50, 0x1f, 0x90, 0x00, 0x0f, 0x42, 0x40, 0,    0,    0, 0, 0xb0, 0x02,
                       0x7f, 0xff, 0,    0,    0,    0,    2,    4,    0x05, 0xb4, 1, 1, 19,   18};
    assert_int_equal(tk_wire_tcp_md5_find(seg, sizeof seg), 28);
    assert_int_equal(tk_wire_tcp_md5_sign(seg, sizeof seg, B, A, KEY, KEYLEN), 0);
    assert_memory_equal(seg + 28, SYN_DIGEST, 16);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, B, A, true, &h), 44);
}

static void test_md5_find_without_option(void **state) {
    (void)state;
    uint8_t seg[24] = {0,    1,    0, 2, 0, 0, 0, 0, 0, 0, 0,    0,
                       0x60, 0x10, 0, 1, 0, 0, 0, 0, 2, 4, 0x05, 0xb4};
    assert_int_equal(tk_wire_tcp_md5_find(seg, sizeof seg), TK_WIRE_INVAL);
    assert_int_equal(tk_wire_tcp_md5_sign(seg, sizeof seg, A, B, KEY, KEYLEN), TK_WIRE_INVAL);
    assert_int_equal(tk_wire_tcp_md5_verify(seg, sizeof seg, A, B, KEY, KEYLEN), TK_WIRE_INVAL);
    assert_int_equal(tk_wire_tcp_md5_find(seg, 10), TK_WIRE_TCP_SHORT);
    seg[12] = 0x70; /* data offset beyond the segment */
    assert_int_equal(tk_wire_tcp_md5_find(seg, sizeof seg), TK_WIRE_TCP_DOFF_BIG);
    seg[12] = 0x60;
    seg[20] = 19; /* kind 19 with length 4 */
    seg[21] = 4;
    assert_int_equal(tk_wire_tcp_md5_find(seg, sizeof seg), TK_WIRE_OPT_BADLEN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_option_layout_and_size),
        cmocka_unit_test(test_md5_option_before_sack_blocks),
        cmocka_unit_test(test_md5_option_parse_checks_length),
        cmocka_unit_test(test_md5_digest_matches_independent_value),
        cmocka_unit_test(test_md5_sign_writes_digest_and_checksum),
        cmocka_unit_test(test_md5_verify_rejects_changes),
        cmocka_unit_test(test_md5_syn_digest_and_option_search),
        cmocka_unit_test(test_md5_find_without_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
