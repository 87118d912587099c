/* TCP segment parse and emit: validation (SPEC SEC-4), round trips (DT-10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"

#define SRC 0xc6120001u /* 198.18.0.1 */
#define DST 0xc6120002u /* 198.18.0.2 */

/* 198.18.0.1:40000 -> 198.18.0.2:80 SYN, ISN 0xfffffff0, win 64240, with
 * MSS 1460, sackOK, TS 1/0, wscale 7; checksum computed independently. */
static const uint8_t syn[] = {0x9c, 0x40, 0x00, 0x50, 0xff, 0xff, 0xff, 0xf0, 0x00, 0x00,
                              0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x24, 0x65, 0x00, 0x00,
                              0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
                              0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

static tk_tcp_hdr syn_hdr(void) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = 40000;
    h.dport = 80;
    h.seq = 0xfffffff0u;
    h.flags = TK_TCP_SYN;
    h.win = 64240;
    h.opts.present = TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE;
    h.opts.mss = 1460;
    h.opts.wscale = 7;
    h.opts.ts_val = 1;
    return h;
}

/* Rewrites the checksum of seg[0..len) so only the tested fault remains. */
static void fix_csum(uint8_t *seg, size_t len) {
    seg[16] = seg[17] = 0;
    uint16_t c = tk_csum_finish(tk_csum_add(tk_csum_pseudo(SRC, DST, 6, (uint16_t)len), seg, len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
}

static void test_parse_syn_golden(void **state) {
    (void)state;
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(syn, sizeof syn, SRC, DST, true, &h), 40);
    assert_int_equal(h.sport, 40000);
    assert_int_equal(h.dport, 80);
    assert_int_equal(h.seq, 0xfffffff0u);
    assert_int_equal(h.ack, 0);
    assert_int_equal(h.hlen, 40);
    assert_int_equal(h.flags, TK_TCP_SYN);
    assert_int_equal(h.win, 64240);
    assert_int_equal(h.csum, 0x2465);
    assert_int_equal(h.urg, 0);
    assert_int_equal(h.opts.present, TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE);
    assert_int_equal(h.opts.mss, 1460);
    assert_int_equal(h.opts.wscale, 7);
    assert_int_equal(h.opts.ts_val, 1);
    assert_int_equal(h.opts.ts_ecr, 0);
}

static void test_emit_syn_golden(void **state) {
    (void)state;
    tk_tcp_hdr h = syn_hdr();
    uint8_t buf[64];
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 0, SRC, DST, buf, sizeof buf), 40);
    assert_memory_equal(buf, syn, sizeof syn);
}

static void test_emit_data_segment_checksum(void **state) {
    (void)state;
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = 80;
    h.dport = 40000;
    h.seq = 0x7fffffffu;
    h.ack = 0xfffffff1u;
    h.flags = TK_TCP_PSH | TK_TCP_ACK;
    h.win = 502;
    uint8_t buf[64];
    assert_int_equal(tk_wire_tcp_emit(&h, (const uint8_t *)"hello", 5, DST, SRC, buf, sizeof buf),
                     25);
    assert_int_equal(buf[12], 0x50);
    assert_int_equal(buf[16], 0xc1);
    assert_int_equal(buf[17], 0x55);
    assert_memory_equal(buf + 20, "hello", 5);
    tk_tcp_hdr back;
    assert_int_equal(tk_wire_tcp_parse(buf, 25, DST, SRC, true, &back), 20);
    /* The same bytes seen with the addresses swapped still verify (the sum
     * is symmetric), but a different address does not. */
    assert_int_equal(tk_wire_tcp_parse(buf, 25, DST + 1, SRC, true, &back), TK_WIRE_TCP_CSUM);
}

static void test_emit_payload_in_place(void **state) {
    (void)state;
    tk_tcp_hdr h = syn_hdr();
    uint8_t buf[80];
    memcpy(buf + 40, "in place", 8);
    assert_int_equal(tk_wire_tcp_emit(&h, buf + 40, 8, SRC, DST, buf, sizeof buf), 48);
    assert_memory_equal(buf + 40, "in place", 8);
    /* Payload that sits where the header goes is moved first. */
    memcpy(buf + 4, "overlap!", 8);
    assert_int_equal(tk_wire_tcp_emit(&h, buf + 4, 8, SRC, DST, buf, sizeof buf), 48);
    assert_memory_equal(buf + 40, "overlap!", 8);
    assert_memory_equal(buf, syn, 16);
    tk_tcp_hdr back;
    assert_int_equal(tk_wire_tcp_parse(buf, 48, SRC, DST, true, &back), 40);
}

static void test_emit_nospace_and_inval(void **state) {
    (void)state;
    tk_tcp_hdr h = syn_hdr();
    uint8_t buf[64];
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 0, SRC, DST, buf, 39), TK_WIRE_NOSPACE);
    assert_int_equal(tk_wire_tcp_emit(&h, (const uint8_t *)"x", 1, SRC, DST, buf, 40),
                     TK_WIRE_NOSPACE);
    h.opts.wscale = 15;
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 0, SRC, DST, buf, sizeof buf), TK_WIRE_INVAL);
    h = syn_hdr();
    h.opts.present |= TK_OPT_SACK;
    h.opts.sack_count = 3;
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 0, SRC, DST, buf, sizeof buf), TK_WIRE_INVAL);
    h = syn_hdr();
    assert_int_equal(tk_wire_tcp_emit(&h, buf, 65535 - 39, SRC, DST, buf, 70000), TK_WIRE_INVAL);
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 1, SRC, DST, buf, sizeof buf), TK_WIRE_INVAL);
}

static void test_SEC_04_tcp_short(void **state) {
    (void)state;
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(syn, 19, SRC, DST, false, &h), TK_WIRE_TCP_SHORT);
    assert_int_equal(tk_wire_tcp_parse(syn, 0, SRC, DST, false, &h), TK_WIRE_TCP_SHORT);
}

static void test_SEC_04_tcp_doff_below_5(void **state) {
    (void)state;
    uint8_t seg[40];
    memcpy(seg, syn, sizeof seg);
    seg[12] = 0x40;
    fix_csum(seg, sizeof seg);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, true, &h), TK_WIRE_TCP_DOFF);
    seg[12] = 0x00;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, false, &h), TK_WIRE_TCP_DOFF);
}

static void test_SEC_04_tcp_doff_beyond_segment(void **state) {
    (void)state;
    tk_tcp_hdr h;
    /* Data offset 10 (40 bytes) in a 36-byte segment. */
    assert_int_equal(tk_wire_tcp_parse(syn, 36, SRC, DST, false, &h), TK_WIRE_TCP_DOFF_BIG);
    uint8_t seg[40];
    memcpy(seg, syn, sizeof seg);
    seg[12] = 0xf0; /* 60 bytes */
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, false, &h), TK_WIRE_TCP_DOFF_BIG);
}

static void test_SEC_04_tcp_bad_checksum(void **state) {
    (void)state;
    uint8_t seg[40];
    memcpy(seg, syn, sizeof seg);
    tk_tcp_hdr h;
    for (size_t i = 0; i < sizeof seg; i++) {
        seg[i] ^= 0x01;
        assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, true, &h), TK_WIRE_TCP_CSUM);
        seg[i] ^= 0x01;
    }
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST ^ 0x100, true, &h),
                     TK_WIRE_TCP_CSUM);
    /* Without verification the same segment parses. */
    seg[30] ^= 0x01;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, false, &h), 40);
}

static void test_OP_05_segment_with_bad_option_dropped(void **state) {
    (void)state;
    uint8_t seg[40];
    memcpy(seg, syn, sizeof seg);
    seg[21] = 3; /* MSS length 3 */
    fix_csum(seg, sizeof seg);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, true, &h), TK_WIRE_OPT_BADLEN);
    memcpy(seg, syn, sizeof seg);
    seg[38] = 4; /* wscale length 4 runs past the 40-byte header */
    fix_csum(seg, sizeof seg);
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, true, &h), TK_WIRE_OPT_OVERRUN);
}

static void test_OP_05_option_past_header_not_into_payload(void **state) {
    (void)state;
    /* Header of 24 bytes whose TS option would extend into the payload. */
    uint8_t seg[40];
    memcpy(seg, syn, sizeof seg);
    seg[12] = 0x60;
    seg[20] = 1;
    seg[21] = 1;
    seg[22] = 8;
    seg[23] = 10;
    fix_csum(seg, sizeof seg);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, sizeof seg, SRC, DST, true, &h), TK_WIRE_OPT_OVERRUN);
}

static uint32_t lcg(uint32_t *st) {
    *st = *st * 1664525u + 1013904223u;
    return *st;
}

static tk_tcp_hdr random_hdr(uint32_t *st) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = (uint16_t)lcg(st);
    h.dport = (uint16_t)lcg(st);
    /* Half of the sequence numbers sit within 64 KiB of 2^32. */
    h.seq = (lcg(st) & 1) ? 0xffffffffu - (lcg(st) & 0xffff) : lcg(st);
    h.ack = (lcg(st) & 1) ? 0xffffffffu - (lcg(st) & 0xffff) : lcg(st);
    h.flags = (uint8_t)lcg(st);
    h.win = (uint16_t)lcg(st);
    h.urg = (uint16_t)lcg(st);
    h.opts.present = (uint8_t)(lcg(st) & (TK_OPT_MSS | TK_OPT_TS | TK_OPT_WSCALE));
    if (h.opts.present & TK_OPT_MSS)
        h.opts.mss = (uint16_t)lcg(st);
    if (h.opts.present & TK_OPT_WSCALE)
        h.opts.wscale = (uint8_t)(lcg(st) % 15);
    if (h.opts.present & TK_OPT_TS) {
        h.opts.ts_val = lcg(st);
        h.opts.ts_ecr = lcg(st);
    }
    if (lcg(st) & 1) {
        h.opts.present |= TK_OPT_SACK;
        h.opts.sack_count = 1;
        h.opts.sack[0] = (tk_sack_block){h.ack + 100, h.ack + 200};
    }
    return h;
}

static void test_DT_10_round_trip_isn_near_2_32(void **state) {
    (void)state;
    uint32_t st = 2026;
    uint8_t buf[128], payload[32];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)i;
    for (int i = 0; i < 20000; i++) {
        tk_tcp_hdr h = random_hdr(&st);
        size_t plen = lcg(&st) % 33;
        int n = tk_wire_tcp_emit(&h, payload, plen, SRC, DST, buf, sizeof buf);
        size_t hlen = 20 + tk_wire_tcp_opts_size(&h.opts);
        assert_int_equal(n, (int)(hlen + plen));
        tk_tcp_hdr back;
        assert_int_equal(tk_wire_tcp_parse(buf, (size_t)n, SRC, DST, true, &back), (int)hlen);
        h.hlen = (uint8_t)hlen;
        h.csum = back.csum;
        assert_memory_equal(&back, &h, sizeof h);
        assert_memory_equal(buf + hlen, payload, plen);
    }
}

static void test_round_trip_extreme_fields(void **state) {
    (void)state;
    tk_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = 0xffff;
    h.dport = 0;
    h.seq = 0xffffffffu;
    h.ack = 0xffffffffu;
    h.flags = 0xff;
    h.win = 0xffff;
    h.urg = 0xffff;
    uint8_t buf[20];
    assert_int_equal(tk_wire_tcp_emit(&h, NULL, 0, 0xffffffffu, 0, buf, sizeof buf), 20);
    tk_tcp_hdr back;
    assert_int_equal(tk_wire_tcp_parse(buf, 20, 0xffffffffu, 0, true, &back), 20);
    assert_int_equal(back.seq, 0xffffffffu);
    assert_int_equal(back.ack, 0xffffffffu);
    assert_int_equal(back.flags, 0xff);
    assert_int_equal(back.urg, 0xffff);
}

static void test_strerror_names_codes(void **state) {
    (void)state;
    assert_string_equal(tk_wire_strerror(TK_WIRE_TCP_CSUM), "tcp checksum bad");
    assert_string_equal(tk_wire_strerror(TK_WIRE_OPT_LEN0), "tcp option length 0");
    assert_string_equal(tk_wire_strerror(TK_WIRE_OK), "ok");
    assert_string_equal(tk_wire_strerror(-1), "unknown wire error");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_syn_golden),
        cmocka_unit_test(test_emit_syn_golden),
        cmocka_unit_test(test_emit_data_segment_checksum),
        cmocka_unit_test(test_emit_payload_in_place),
        cmocka_unit_test(test_emit_nospace_and_inval),
        cmocka_unit_test(test_SEC_04_tcp_short),
        cmocka_unit_test(test_SEC_04_tcp_doff_below_5),
        cmocka_unit_test(test_SEC_04_tcp_doff_beyond_segment),
        cmocka_unit_test(test_SEC_04_tcp_bad_checksum),
        cmocka_unit_test(test_OP_05_segment_with_bad_option_dropped),
        cmocka_unit_test(test_OP_05_option_past_header_not_into_payload),
        cmocka_unit_test(test_DT_10_round_trip_isn_near_2_32),
        cmocka_unit_test(test_round_trip_extreme_fields),
        cmocka_unit_test(test_strerror_names_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
