/* TCP options: robust parsing (SPEC OP-5) and the fixed emit order (OP-6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"

static int parse(const uint8_t *b, size_t len, tk_tcp_opts *o) {
    return tk_wire_tcp_opts_parse(b, len, o);
}

static void test_OP_05_full_syn_options(void **state) {
    (void)state;
    const uint8_t b[] = {2,    4,    0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22,
                         0x33, 0x44, 0,    0,    0, 0, 1, 3,  3,    7};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_MSS | TK_OPT_SACK_PERM | TK_OPT_TS | TK_OPT_WSCALE);
    assert_int_equal(o.mss, 1460);
    assert_int_equal(o.wscale, 7);
    assert_int_equal(o.ts_val, 0x11223344u);
    assert_int_equal(o.ts_ecr, 0);
    assert_int_equal(o.sack_count, 0);
    assert_int_equal(o.unknown, 0);
}

static void test_OP_05_nop_eol_padding(void **state) {
    (void)state;
    /* MSS, NOP, NOP, sackOK, then EOL followed by garbage that must not be read
     * as options (a 0-length "option" after EOL is padding). */
    const uint8_t b[] = {1, 2, 4, 0x02, 0x18, 1, 1, 4, 2, 0, 0x00, 0xff};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_MSS | TK_OPT_SACK_PERM);
    assert_int_equal(o.mss, 536);
    const uint8_t nops[] = {1, 1, 1, 1};
    assert_int_equal(parse(nops, sizeof nops, &o), 0);
    assert_int_equal(o.present, 0);
    const uint8_t eol[] = {0, 2, 0, 0};
    assert_int_equal(parse(eol, sizeof eol, &o), 0);
    assert_int_equal(o.present, 0);
    assert_int_equal(parse(NULL, 0, &o), 0);
}

static void test_OP_05_unknown_option_skipped(void **state) {
    (void)state;
    /* kind 30 (MPTCP) len 6, kind 254 len 2, then wscale. */
    const uint8_t b[] = {30, 6, 0xaa, 0xbb, 0xcc, 0xdd, 254, 2, 1, 3, 3, 14};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.unknown, 2);
    assert_int_equal(o.present, TK_OPT_WSCALE);
    assert_int_equal(o.wscale, 14);
}

static void test_OP_05_wscale_above_14_kept(void **state) {
    (void)state;
    const uint8_t b[] = {3, 3, 15, 0};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.wscale, 15);
}

static void test_OP_05_option_len0(void **state) {
    (void)state;
    const uint8_t b[] = {1, 30, 0, 1};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_LEN0);
}

static void test_OP_05_option_len1(void **state) {
    (void)state;
    const uint8_t b[] = {30, 1, 1, 1};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_LEN1);
}

static void test_OP_05_option_past_header(void **state) {
    (void)state;
    const uint8_t b[] = {1, 1, 30, 3};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_OVERRUN);
    /* A timestamp cut short by the end of the area. */
    const uint8_t ts[] = {1, 1, 8, 10, 0, 0, 0, 1};
    assert_int_equal(parse(ts, sizeof ts, &o), TK_WIRE_OPT_OVERRUN);
}

static void test_OP_05_option_kind_without_length_byte(void **state) {
    (void)state;
    const uint8_t b[] = {1, 1, 1, 2};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_OVERRUN);
    const uint8_t unk[] = {99};
    assert_int_equal(parse(unk, sizeof unk, &o), TK_WIRE_OPT_OVERRUN);
}

static void test_OP_05_mss_bad_length(void **state) {
    (void)state;
    const uint8_t b[] = {2, 3, 5, 1};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_BADLEN);
    const uint8_t b6[] = {2, 6, 5, 0xb4, 0, 0, 1, 1};
    assert_int_equal(parse(b6, sizeof b6, &o), TK_WIRE_OPT_BADLEN);
}

static void test_OP_05_wscale_bad_length(void **state) {
    (void)state;
    const uint8_t b[] = {3, 4, 7, 0};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_BADLEN);
    const uint8_t b2[] = {3, 2, 1, 1};
    assert_int_equal(parse(b2, sizeof b2, &o), TK_WIRE_OPT_BADLEN);
}

static void test_OP_05_sack_perm_bad_length(void **state) {
    (void)state;
    const uint8_t b[] = {4, 3, 0, 1};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_BADLEN);
}

static void test_OP_05_timestamp_bad_length(void **state) {
    (void)state;
    const uint8_t b[] = {8, 8, 0, 0, 0, 1, 0, 0};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_BADLEN);
    const uint8_t b12[] = {8, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0};
    assert_int_equal(parse(b12, sizeof b12, &o), TK_WIRE_OPT_BADLEN);
}

/* OP-5: the aligned NOP,NOP,TS layout (read without the general walk) and
 * its near misses give exactly what the general parser gives. */
static void test_OP_05_aligned_timestamp_and_near_misses(void **state) {
    (void)state;
    tk_tcp_opts o;
    const uint8_t aligned[] = {1, 1, 8, 10, 0x80, 0, 0, 1, 0xfe, 0xdc, 0xba, 0x98};
    assert_int_equal(parse(aligned, sizeof aligned, &o), 0);
    assert_int_equal(o.present, TK_OPT_TS);
    assert_int_equal(o.ts_val, 0x80000001u);
    assert_int_equal(o.ts_ecr, 0xfedcba98u);
    assert_int_equal(o.sack_count, 0);
    assert_int_equal(o.unknown, 0);
    const uint8_t trailing[] = {8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 1, 1};
    assert_int_equal(parse(trailing, sizeof trailing, &o), 0);
    assert_int_equal(o.present, TK_OPT_TS);
    assert_int_equal(o.ts_val, 7);
    assert_int_equal(o.ts_ecr, 9);
    const uint8_t badlen[] = {1, 1, 8, 9, 0, 0, 0, 1, 0, 0, 0, 2};
    assert_int_equal(parse(badlen, sizeof badlen, &o), TK_WIRE_OPT_BADLEN);
    const uint8_t with_mss[] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 2, 4, 5, 0xb4};
    assert_int_equal(parse(with_mss, sizeof with_mss, &o), 0);
    assert_int_equal(o.present, TK_OPT_TS | TK_OPT_MSS);
    assert_int_equal(o.mss, 1460);
}

static void test_OP_05_sack_not_2_plus_8n(void **state) {
    (void)state;
    uint8_t b[40] = {5, 11};
    tk_tcp_opts o;
    assert_int_equal(parse(b, 12, &o), TK_WIRE_OPT_BADLEN);
    b[1] = 2; /* no blocks at all */
    assert_int_equal(parse(b, 4, &o), TK_WIRE_OPT_BADLEN);
}

static void test_OP_05_sack_more_than_4_blocks(void **state) {
    (void)state;
    /* Only possible in an area longer than a TCP header allows; still refused. */
    uint8_t b[42] = {5, 42};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), TK_WIRE_OPT_BADLEN);
}

static void test_OP_05_sack_blocks_parsed(void **state) {
    (void)state;
    const uint8_t b[] = {1,    1,    5,    18,   0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
                         0x00, 0x10, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_SACK);
    assert_int_equal(o.sack_count, 2);
    assert_int_equal(o.sack[0].left, 0xffffff00u);
    assert_int_equal(o.sack[0].right, 0x10u);
    assert_int_equal(o.sack[1].left, 0x1000u);
    assert_int_equal(o.sack[1].right, 0x2000u);
}

static void test_OP_05_iterator_yields_in_order(void **state) {
    (void)state;
    const uint8_t b[] = {2, 4, 5, 0xb4, 1, 30, 3, 9, 0, 7, 7};
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    tk_wire_tcp_opt_iter_init(&it, b, sizeof b);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 1);
    assert_int_equal(o.kind, 2);
    assert_int_equal(o.len, 4);
    assert_ptr_equal(o.data, b + 2);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 1);
    assert_int_equal(o.kind, 1);
    assert_int_equal(o.len, 1);
    assert_null(o.data);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 1);
    assert_int_equal(o.kind, 30);
    assert_int_equal(o.len, 3);
    assert_ptr_equal(o.data, b + 7);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 1);
    assert_int_equal(o.kind, 0);
    assert_int_equal(o.len, 1);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 0);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 0);
}

static void test_OP_05_iterator_stops_after_error(void **state) {
    (void)state;
    const uint8_t b[] = {30, 0, 1, 1};
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    tk_wire_tcp_opt_iter_init(&it, b, sizeof b);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), TK_WIRE_OPT_LEN0);
    assert_int_equal(tk_wire_tcp_opt_next(&it, &o), 0);
}

static void test_OP_05_duplicate_option_last_wins(void **state) {
    (void)state;
    const uint8_t b[] = {2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.mss, 536);
}

static void test_OP_05_repeated_sack_replaces_blocks(void **state) {
    (void)state;
    /* Two blocks, then a second SACK option with one block: no stale block
     * from the first may remain (found by fuzz_tcp). */
    const uint8_t b[] = {5, 18, 0, 0, 0, 1,  0, 0, 0, 2, 0, 0, 0, 3,
                         0, 0,  0, 4, 5, 10, 0, 0, 0, 9, 0, 0, 0, 10};
    tk_tcp_opts o;
    assert_int_equal(parse(b, sizeof b, &o), 0);
    assert_int_equal(o.sack_count, 1);
    assert_int_equal(o.sack[0].left, 9);
    assert_int_equal(o.sack[0].right, 10);
    assert_int_equal(o.sack[1].left, 0);
    assert_int_equal(o.sack[1].right, 0);
}

/* Emits `o` and compares with `want` byte for byte. */
static void expect_emit(const tk_tcp_opts *o, const uint8_t *want, size_t n) {
    uint8_t buf[48];
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(tk_wire_tcp_opts_size(o), n);
    assert_int_equal(tk_wire_tcp_opts_emit(o, buf, sizeof buf), (int)n);
    assert_memory_equal(buf, want, n);
    assert_int_equal(buf[n], 0xee);
}

static void test_OP_06_option_order_syn(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS,
                     .mss = 1460,
                     .wscale = 7,
                     .ts_val = 0xdeadbeef,
                     .ts_ecr = 0};
    const uint8_t want[] = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xde, 0xad,
                            0xbe, 0xef, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};
    expect_emit(&o, want, sizeof want);
}

static void test_OP_06_option_order_syn_no_ts(void **state) {
    (void)state;
    tk_tcp_opts o = {
        .present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM, .mss = 1460, .wscale = 2};
    const uint8_t want[] = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 2};
    expect_emit(&o, want, sizeof want);
}

static void test_OP_06_option_order_mss_only(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_MSS, .mss = 536};
    const uint8_t want[] = {2, 4, 0x02, 0x18};
    expect_emit(&o, want, sizeof want);
}

static void test_OP_06_option_order_ts_only(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_TS, .ts_val = 1, .ts_ecr = 0xffffffffu};
    const uint8_t want[] = {1, 1, 8, 10, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff};
    expect_emit(&o, want, sizeof want);
}

static void test_OP_06_option_order_ts_and_sack(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_TS | TK_OPT_SACK,
                     .ts_val = 2,
                     .ts_ecr = 3,
                     .sack_count = 1,
                     .sack = {{0xfffffff0u, 0x10u}}};
    const uint8_t want[] = {1, 1, 8, 10, 0,    0,    0,    2,    0,    0,    0,    3,
                            1, 1, 5, 10, 0xff, 0xff, 0xff, 0xf0, 0x00, 0x00, 0x00, 0x10};
    expect_emit(&o, want, sizeof want);
}

static void test_OP_06_option_order_four_sack_blocks(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_SACK, .sack_count = 4};
    for (uint32_t i = 0; i < 4; i++)
        o.sack[i] = (tk_sack_block){i * 100, i * 100 + 50};
    uint8_t buf[40];
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), 36);
    const uint8_t head[] = {1, 1, 5, 34, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 100};
    assert_memory_equal(buf, head, sizeof head);
    tk_tcp_opts back;
    assert_int_equal(tk_wire_tcp_opts_parse(buf, 36, &back), 0);
    assert_int_equal(back.sack_count, 4);
    assert_int_equal(back.sack[3].left, 300);
    assert_int_equal(back.sack[3].right, 350);
}

static void test_OP_06_empty_and_sack_without_blocks(void **state) {
    (void)state;
    tk_tcp_opts o = {.present = TK_OPT_SACK, .sack_count = 0};
    uint8_t buf[40];
    assert_int_equal(tk_wire_tcp_opts_size(&o), 0);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), 0);
    memset(&o, 0, sizeof o);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, 0), 0);
}

static void test_OP_06_emit_invalid(void **state) {
    (void)state;
    uint8_t buf[64];
    tk_tcp_opts o = {.present = TK_OPT_SACK, .sack_count = 5};
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), TK_WIRE_INVAL);
    o = (tk_tcp_opts){.present = TK_OPT_WSCALE, .wscale = 15};
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), TK_WIRE_INVAL);
    /* MSS + TS + WSCALE + 3 SACK blocks = 4 + 12 + 4 + 28 = 48 > 40. */
    o = (tk_tcp_opts){.present = TK_OPT_MSS | TK_OPT_TS | TK_OPT_WSCALE | TK_OPT_SACK,
                      .sack_count = 3};
    assert_int_equal(tk_wire_tcp_opts_size(&o), 48);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), TK_WIRE_INVAL);
    /* TS + 3 blocks = 12 + 28 = 40: fits exactly. */
    o.present = TK_OPT_TS | TK_OPT_SACK;
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), 40);
}

static void test_OP_06_emit_nospace(void **state) {
    (void)state;
    uint8_t buf[40];
    tk_tcp_opts o = {.present = TK_OPT_MSS | TK_OPT_TS, .mss = 1};
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, 15), TK_WIRE_NOSPACE);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, 16), 16);
}

static uint32_t lcg(uint32_t *st) {
    *st = *st * 1664525u + 1013904223u;
    return *st;
}

/* parse(emit(x)) == x for many random valid option sets. */
static void test_OP_06_round_trip_random(void **state) {
    (void)state;
    uint32_t st = 42;
    int emitted = 0;
    for (int i = 0; i < 20000; i++) {
        tk_tcp_opts o;
        memset(&o, 0, sizeof o);
        o.present = (uint8_t)(lcg(&st) & 0x1f);
        o.mss = (uint16_t)lcg(&st);
        o.wscale = (uint8_t)(lcg(&st) % 15);
        o.ts_val = lcg(&st);
        o.ts_ecr = lcg(&st);
        if (o.present & TK_OPT_SACK) {
            o.sack_count = (uint8_t)(1 + lcg(&st) % 4);
            for (int k = 0; k < o.sack_count; k++)
                o.sack[k] = (tk_sack_block){lcg(&st), lcg(&st)};
        }
        uint8_t buf[40];
        int n = tk_wire_tcp_opts_emit(&o, buf, sizeof buf);
        if (tk_wire_tcp_opts_size(&o) > 40) {
            assert_int_equal(n, TK_WIRE_INVAL);
            continue;
        }
        assert_int_equal(n, (int)tk_wire_tcp_opts_size(&o));
        assert_int_equal(n % 4, 0);
        tk_tcp_opts back;
        assert_int_equal(tk_wire_tcp_opts_parse(buf, (size_t)n, &back), 0);
        /* Fields of absent options are not carried. */
        if (!(o.present & TK_OPT_MSS))
            o.mss = 0;
        if (!(o.present & TK_OPT_WSCALE))
            o.wscale = 0;
        if (!(o.present & TK_OPT_TS))
            o.ts_val = o.ts_ecr = 0;
        assert_memory_equal(&back, &o, sizeof o);
        emitted++;
    }
    assert_true(emitted > 15000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OP_05_full_syn_options),
        cmocka_unit_test(test_OP_05_nop_eol_padding),
        cmocka_unit_test(test_OP_05_unknown_option_skipped),
        cmocka_unit_test(test_OP_05_wscale_above_14_kept),
        cmocka_unit_test(test_OP_05_option_len0),
        cmocka_unit_test(test_OP_05_option_len1),
        cmocka_unit_test(test_OP_05_option_past_header),
        cmocka_unit_test(test_OP_05_option_kind_without_length_byte),
        cmocka_unit_test(test_OP_05_mss_bad_length),
        cmocka_unit_test(test_OP_05_wscale_bad_length),
        cmocka_unit_test(test_OP_05_sack_perm_bad_length),
        cmocka_unit_test(test_OP_05_timestamp_bad_length),
        cmocka_unit_test(test_OP_05_aligned_timestamp_and_near_misses),
        cmocka_unit_test(test_OP_05_sack_not_2_plus_8n),
        cmocka_unit_test(test_OP_05_sack_more_than_4_blocks),
        cmocka_unit_test(test_OP_05_sack_blocks_parsed),
        cmocka_unit_test(test_OP_05_iterator_yields_in_order),
        cmocka_unit_test(test_OP_05_iterator_stops_after_error),
        cmocka_unit_test(test_OP_05_duplicate_option_last_wins),
        cmocka_unit_test(test_OP_05_repeated_sack_replaces_blocks),
        cmocka_unit_test(test_OP_06_option_order_syn),
        cmocka_unit_test(test_OP_06_option_order_syn_no_ts),
        cmocka_unit_test(test_OP_06_option_order_mss_only),
        cmocka_unit_test(test_OP_06_option_order_ts_only),
        cmocka_unit_test(test_OP_06_option_order_ts_and_sack),
        cmocka_unit_test(test_OP_06_option_order_four_sack_blocks),
        cmocka_unit_test(test_OP_06_empty_and_sack_without_blocks),
        cmocka_unit_test(test_OP_06_emit_invalid),
        cmocka_unit_test(test_OP_06_emit_nospace),
        cmocka_unit_test(test_OP_06_round_trip_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
