/* Hex dump reader (tools/lib/print/hexdump.c): every format `tcpkit decode` reads,
 * offsets, gaps, restarts, ASCII columns that look like hex, labels, and
 * the errors for bad input (SPEC OBS-3). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/print/hexdump.h"

#define MAX_PKTS 8

/* What reading a whole text gave: packets in order, and the errors. */
typedef struct result {
    tk_hex_packet *pkts;
    int npkts;
    tk_hex_error errs[MAX_PKTS];
    int nerrs;
} result;

static tk_hex_reader reader;

static result *read_text(const char *text) {
    result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->pkts = calloc(MAX_PKTS, sizeof *r->pkts);
    assert_non_null(r->pkts);
    tk_hex_reader_init(&reader, text, strlen(text));
    for (int guard = 0; guard < 2 * MAX_PKTS; guard++) {
        tk_hex_error err;
        int rc = tk_hex_next(&reader, &r->pkts[r->npkts], &err);
        if (rc == 0)
            return r;
        if (rc < 0) {
            assert_int_equal(rc, -EINVAL);
            assert_true(r->nerrs < MAX_PKTS);
            r->errs[r->nerrs++] = err;
        } else {
            assert_int_equal(rc, 1);
            assert_true(r->npkts < MAX_PKTS - 1);
            r->npkts++;
        }
    }
    fail_msg("reader did not end");
    return r;
}

static void free_result(result *r) {
    free(r->pkts);
    free(r);
}

/* Asserts that pkt holds exactly `n` known bytes `want` starting at `lo`. */
static void assert_bytes(const tk_hex_packet *pkt, size_t lo, const uint8_t *want, size_t n) {
    assert_int_equal(pkt->lo, lo);
    assert_int_equal(pkt->hi, lo + n);
    assert_true(tk_hex_known_range(pkt, lo, lo + n));
    assert_memory_equal(pkt->data + lo, want, n);
}

static const uint8_t frame_start[16] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00,
                                        0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00};
static const uint8_t frame_next[10] = {0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xae, 0x94};

static void assert_frame26(const tk_hex_packet *pkt) {
    uint8_t want[26];
    memcpy(want, frame_start, 16);
    memcpy(want + 16, frame_next, 10);
    assert_bytes(pkt, 0, want, sizeof want);
}

/* The seed exercise's three dumps exactly: no-break spaces, a first line
 * that starts at 0x22 after a gap, blank lines between lines, labels. */
static const char seed[] =
    "0020\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a000 50 83 aa 46 49 3e dd 33 96 37 a3 a0 "
    "12\u00a0\u00a0...P..FI>.3.7...\n"
    "\n"
    "0030\u00a0\u00a0\u00a016 a0 c4 c0 00 00 02 04 05 b4 04 02 08 0a d7 9b\u00a0\u00a0..........."
    ".....\n"
    "\n"
    "0040\u00a0\u00a0\u00a062 b7 00 56 4a 2a 01 03 03 02\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
    "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0b..VJ*...."
    "\u00a0\u00a0\u00a0 1\n"
    "\n"
    "0020\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a083 aa 00 50 33 96 37 a2 00 00 00 00 a0 "
    "02\u00a0\u00a0.....P3.7.......\n"
    "\n"
    "0030\u00a0\u00a0\u00a016 d0 84 1d 00 00 02 04 05 b4 04 02 08 0a 00 56\u00a0\u00a0..........."
    "....V\n"
    "\n"
    "0040\u00a0\u00a0\u00a04a 2a 00 00 00 00 01 03 03 00\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
    "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0J*........"
    "\u00a0\u00a0\u00a0\u00a0 2\n";

static void test_OBS_03_seed_partial_dumps(void **state) {
    (void)state;
    result *r = read_text(seed);
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    static const uint8_t synack[40] = {0x00, 0x50, 0x83, 0xaa, 0x46, 0x49, 0x3e, 0xdd, 0x33, 0x96,
                                       0x37, 0xa3, 0xa0, 0x12, 0x16, 0xa0, 0xc4, 0xc0, 0x00, 0x00,
                                       0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xd7, 0x9b,
                                       0x62, 0xb7, 0x00, 0x56, 0x4a, 0x2a, 0x01, 0x03, 0x03, 0x02};
    assert_bytes(&r->pkts[0], 0x22, synack, sizeof synack);
    assert_int_equal(r->pkts[0].index, 1);
    assert_int_equal(r->pkts[0].first_line, 1);
    assert_int_equal(r->pkts[0].last_line, 5);
    assert_false(tk_hex_known(&r->pkts[0], 0x21));
    assert_int_equal(r->pkts[1].index, 2);
    assert_int_equal(r->pkts[1].first_line, 7);
    assert_int_equal(r->pkts[1].lo, 0x22);
    assert_int_equal(r->pkts[1].hi, 0x4a);
    assert_int_equal(r->pkts[1].data[0x22], 0x83);
    assert_int_equal(r->pkts[1].data[0x2f], 0x02);
    free_result(r);
}

static void test_OBS_03_wireshark_with_ascii(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00   "
                          "..............E.\n"
                          "0010   00 3c 00 00 40 00 40 06 ae 94                     .<..@.@...\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    assert_true(r->pkts[0].had_offsets);
    free_result(r);
}

static void test_OBS_03_tcpdump_xx_with_frame_lines(void **state) {
    (void)state;
    result *r = read_text("12:00:00.000001 IP 198.18.0.1.49152 > 198.18.0.2.80: Flags [S]\n"
                          "\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500\n"
                          "\t0x0010:  003c 0000 4000 4006 ae94\n"
                          "12:00:00.000002 IP 198.18.0.2.80 > 198.18.0.1.49152: Flags [S.]\n"
                          "\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500\n"
                          "\t0x0010:  003c 0000 4000 4006 ae94\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    assert_frame26(&r->pkts[0]);
    assert_frame26(&r->pkts[1]);
    assert_int_equal(r->pkts[0].first_line, 2);
    assert_int_equal(r->pkts[1].first_line, 5);
    free_result(r);
}

static void test_OBS_03_tcpdump_X_odd_byte_and_ascii(void **state) {
    (void)state;
    result *r = read_text("\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.\n"
                          "\t0x0010:  003c 0000 4000 4006 ae94 c6               .<..@.@....\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_int_equal(r->pkts[0].hi, 27);
    assert_int_equal(r->pkts[0].data[26], 0xc6);
    free_result(r);
}

static void test_OBS_03_xxd(void **state) {
    (void)state;
    result *r = read_text("00000000: 0200 0000 0002 0200 0000 0001 0800 4500  ..............E.\n"
                          "00000010: 003c 0000 4000 4006 ae94                 .<..@.@...\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    free_result(r);
}

static void test_OBS_03_od_with_final_offset_line(void **state) {
    (void)state;
    result *r = read_text("000000 02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "000010 00 3c 00 00 40 00 40 06 ae 94\n"
                          "00001a\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    assert_int_equal(r->pkts[0].last_line, 3); /* the offset-only line ends it */
    free_result(r);
}

static void test_OBS_03_od_star_line_is_an_error(void **state) {
    (void)state;
    result *r = read_text("000000 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                          "*\n"
                          "000030 00 00\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 2);
    assert_string_equal(r->errs[0].msg, "od '*' line: repeated lines were left out (use od -v)");
    free_result(r);
}

static void test_OBS_03_hexdump_C_split_line(void **state) {
    (void)state;
    result *r =
        read_text("00000000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00  |..............E.|\n"
                  "00000010  00 3c 00 00 40 00 40 06  ae 94                    |.<..@.@...|\n"
                  "0000001a\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    free_result(r);
}

/* A short packet has no full line to show the 8+8 split: what follows the
 * two spaces tells (more bytes, then a '|' column or an ASCII column as long
 * as the line's bytes). */
static void test_OBS_03_split_line_without_full_line(void **state) {
    (void)state;
    result *r = read_text("00000000  45 00 00 3c 1c 46 40 00  40 06              |E..<.F@.@.|\n"
                          "\n"
                          "0000  45 00 00 3c 1c 46 40 00  40 06                    E..<.F@.@.\n"
                          "\n"
                          "0000   45 00 00 3c 1c 46 40 00  a0 12 a0\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 3);
    static const uint8_t want[10] = {0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06};
    assert_bytes(&r->pkts[0], 0, want, sizeof want);
    assert_bytes(&r->pkts[1], 0, want, sizeof want);
    /* After 8 bytes, "a0 12 a0" is their ASCII column (8 characters). */
    assert_bytes(&r->pkts[2], 0, want, 8);
    free_result(r);
}

static void test_OBS_03_bytes_without_offsets(void **state) {
    (void)state;
    result *r = read_text("02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "00 3c 00 00 40 00 40 06 ae 94\n"
                          "\n"
                          "020000000002020000000001080045"
                          "00003c000040004006ae94\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    assert_frame26(&r->pkts[0]);
    assert_false(r->pkts[0].had_offsets);
    assert_frame26(&r->pkts[1]);
    free_result(r);
}

static void test_OBS_03_grouped_bytes_without_offsets(void **state) {
    (void)state;
    result *r = read_text("0200 0000 0002 0200 0000 0001 0800 4500\n"
                          "003c 0000 4000 4006 ae94\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    free_result(r);
}

/* "a0 12" and "61" in the ASCII column must not become bytes: the gap of
 * two or more spaces ends the hex area, and the next offset bounds a line. */
static void test_OBS_03_ascii_column_that_looks_like_hex(void **state) {
    (void)state;
    result *r =
        read_text("0000   61 30 20 31 32 61 30 20 31 32 61 30 20 31 32 61   a0 12a0 12a0 12a\n"
                  "0010   30 20 31 32                                       0 12  a0 12\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_int_equal(r->pkts[0].lo, 0);
    assert_int_equal(r->pkts[0].hi, 20);
    assert_int_equal(r->pkts[0].data[15], 0x61);
    assert_int_equal(r->pkts[0].data[19], 0x32);
    free_result(r);
}

static void test_OBS_03_trailing_label_ignored(void **state) {
    (void)state;
    result *r = read_text("0000   45 00 00 3c 1c 46   E..<.F   7\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    static const uint8_t want[6] = {0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46};
    assert_bytes(&r->pkts[0], 0, want, sizeof want);
    free_result(r);
}

static void test_OBS_03_offset_restart_starts_next_packet(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "0010   00 3c 00 00 40 00 40 06 ae 94\n"
                          "0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "0010   00 3c 00 00 40 00 40 06 ae 94\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    assert_frame26(&r->pkts[0]);
    assert_frame26(&r->pkts[1]);
    assert_int_equal(r->pkts[1].first_line, 3);
    free_result(r);
}

static void test_OBS_03_blank_line_ends_packet_unless_it_continues(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "\n"
                          "0010   00 3c 00 00 40 00 40 06 ae 94\n"
                          "\n"
                          "0030   01 02\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    assert_frame26(&r->pkts[0]);
    static const uint8_t tail[2] = {0x01, 0x02};
    assert_bytes(&r->pkts[1], 0x30, tail, sizeof tail);
    assert_int_equal(r->pkts[1].index, 2);
    free_result(r);
}

static void test_OBS_03_gap_between_lines_leaves_bytes_unknown(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "0020   aa bb\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_int_equal(r->pkts[0].lo, 0);
    assert_int_equal(r->pkts[0].hi, 0x22);
    assert_false(tk_hex_known(&r->pkts[0], 0x10));
    assert_false(tk_hex_known_range(&r->pkts[0], 0, 0x22));
    assert_int_equal(r->pkts[0].data[0x21], 0xbb);
    free_result(r);
}

/* A lone partial line: the column of its first byte tells where it starts. */
static void test_OBS_03_single_partial_line_placed_by_column(void **state) {
    (void)state;
    result *r = read_text("0000   02 00\n"
                          "\n"
                          "0020         00 50 83 aa\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 2);
    static const uint8_t want[4] = {0x00, 0x50, 0x83, 0xaa};
    assert_bytes(&r->pkts[1], 0x22, want, sizeof want);
    free_result(r);
}

static void test_OBS_03_crlf_and_comments(void **state) {
    (void)state;
    result *r = read_text("# frame 1\r\n"
                          "0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\r\n"
                          "0010   00 3c 00 00 40 00 40 06 ae 94\r\n");
    assert_int_equal(r->nerrs, 0);
    assert_int_equal(r->npkts, 1);
    assert_frame26(&r->pkts[0]);
    assert_int_equal(r->pkts[0].first_line, 2);
    free_result(r);
}

static void test_OBS_03_bad_nonhex_in_hex_area(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 zz 00 00 02\n"
                          "\n"
                          "0000   45 00\n");
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 1);
    assert_string_equal(r->errs[0].msg, "'zz' is not hex");
    assert_int_equal(r->npkts, 1); /* the next packet is still read */
    assert_int_equal(r->pkts[0].index, 2);
    assert_int_equal(r->pkts[0].hi, 2);
    free_result(r);
}

static void test_OBS_03_bad_odd_nibble(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "0010   00 3c 0 00\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 2);
    assert_string_equal(r->errs[0].msg, "odd number of hex digits in '0'");
    free_result(r);
}

static void test_OBS_03_bad_overlapping_offsets(void **state) {
    (void)state;
    result *r = read_text("0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
                          "0008   00 3c 00 00 40 00 40 06 ae 94\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 2);
    assert_string_equal(r->errs[0].msg,
                        "offset 0x0008 overlaps the line before (16 bytes from 0x0000)");
    free_result(r);
}

static void test_OBS_03_bad_text_line(void **state) {
    (void)state;
    result *r = read_text("Frame 1: 74 bytes\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 1);
    assert_string_equal(r->errs[0].msg, "not a hex dump line: 'Frame'");
    free_result(r);
}

static void test_OBS_03_bad_too_many_bytes_on_a_line(void **state) {
    (void)state;
    result *r = read_text("0000   00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_string_equal(r->errs[0].msg, "17 bytes on one line, more than the 16 a line holds");
    free_result(r);
}

static void test_OBS_03_bad_offset_beyond_frame(void **state) {
    (void)state;
    result *r = read_text("0000   00\n0001   01\n00010000   02\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 1);
    assert_int_equal(r->errs[0].line, 3);
    assert_string_equal(r->errs[0].msg, "offset 0x10000 is beyond what a frame can hold");
    free_result(r);
}

static void test_OBS_03_empty_and_blank_input(void **state) {
    (void)state;
    result *r = read_text("\n  \n\t\n");
    assert_int_equal(r->npkts, 0);
    assert_int_equal(r->nerrs, 0);
    free_result(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_03_seed_partial_dumps),
        cmocka_unit_test(test_OBS_03_wireshark_with_ascii),
        cmocka_unit_test(test_OBS_03_tcpdump_xx_with_frame_lines),
        cmocka_unit_test(test_OBS_03_tcpdump_X_odd_byte_and_ascii),
        cmocka_unit_test(test_OBS_03_xxd),
        cmocka_unit_test(test_OBS_03_od_with_final_offset_line),
        cmocka_unit_test(test_OBS_03_od_star_line_is_an_error),
        cmocka_unit_test(test_OBS_03_hexdump_C_split_line),
        cmocka_unit_test(test_OBS_03_split_line_without_full_line),
        cmocka_unit_test(test_OBS_03_bytes_without_offsets),
        cmocka_unit_test(test_OBS_03_grouped_bytes_without_offsets),
        cmocka_unit_test(test_OBS_03_ascii_column_that_looks_like_hex),
        cmocka_unit_test(test_OBS_03_trailing_label_ignored),
        cmocka_unit_test(test_OBS_03_offset_restart_starts_next_packet),
        cmocka_unit_test(test_OBS_03_blank_line_ends_packet_unless_it_continues),
        cmocka_unit_test(test_OBS_03_gap_between_lines_leaves_bytes_unknown),
        cmocka_unit_test(test_OBS_03_single_partial_line_placed_by_column),
        cmocka_unit_test(test_OBS_03_crlf_and_comments),
        cmocka_unit_test(test_OBS_03_bad_nonhex_in_hex_area),
        cmocka_unit_test(test_OBS_03_bad_odd_nibble),
        cmocka_unit_test(test_OBS_03_bad_overlapping_offsets),
        cmocka_unit_test(test_OBS_03_bad_text_line),
        cmocka_unit_test(test_OBS_03_bad_too_many_bytes_on_a_line),
        cmocka_unit_test(test_OBS_03_bad_offset_beyond_frame),
        cmocka_unit_test(test_OBS_03_empty_and_blank_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
