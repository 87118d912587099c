/* The pcap writer: exact file bytes for headers and records (SPEC OBS-1).
 * tshark and tcpdump read its files in print_vs_tcpdump.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_writer.h"

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The bytes written to a memory stream by `fill`. */
static size_t capture(uint8_t *out, size_t cap, bool ns, void (*fill)(tk_pcap_writer *)) {
    FILE *fp = tmpfile();
    assert_non_null(fp);
    tk_pcap_writer w;
    assert_int_equal(tk_pcap_open_stream(&w, fp, ns), 0);
    fill(&w);
    assert_int_equal(tk_pcap_close(&w), 0);
    rewind(fp);
    size_t n = fread(out, 1, cap, fp);
    fclose(fp);
    return n;
}

static void no_frames(tk_pcap_writer *w) {
    (void)w;
}

static void test_OBS_01_header_microseconds(void **state) {
    (void)state;
    uint8_t buf[64];
    assert_int_equal(capture(buf, sizeof buf, false, no_frames), 24);
    assert_int_equal(le32(buf), 0xa1b2c3d4u);
    assert_int_equal(le16(buf + 4), 2);
    assert_int_equal(le16(buf + 6), 4);
    assert_int_equal(le32(buf + 8), 0);
    assert_int_equal(le32(buf + 12), 0);
    assert_int_equal(le32(buf + 16), 65535);
    assert_int_equal(le32(buf + 20), 1);
}

static void one_frame(tk_pcap_writer *w) {
    static const uint8_t frame[5] = {1, 2, 3, 4, 5};
    assert_int_equal(tk_pcap_write(w, TK_SEC(3) + 250001, frame, sizeof frame), 0);
    assert_int_equal(w->frames, 1);
}

static void test_OBS_01_record_microseconds(void **state) {
    (void)state;
    uint8_t buf[64];
    assert_int_equal(capture(buf, sizeof buf, false, one_frame), 24 + 16 + 5);
    const uint8_t *r = buf + 24;
    assert_int_equal(le32(r), 3);
    assert_int_equal(le32(r + 4), 250001);
    assert_int_equal(le32(r + 8), 5);
    assert_int_equal(le32(r + 12), 5);
    static const uint8_t frame[5] = {1, 2, 3, 4, 5};
    assert_memory_equal(r + 16, frame, 5);
}

static void test_OBS_01_record_nanoseconds(void **state) {
    (void)state;
    uint8_t buf[64];
    assert_int_equal(capture(buf, sizeof buf, true, one_frame), 24 + 16 + 5);
    assert_int_equal(le32(buf), 0xa1b23c4du);
    assert_int_equal(le32(buf + 24), 3);
    assert_int_equal(le32(buf + 28), 250001000u);
}

static void jumbo_frame(tk_pcap_writer *w) {
    static uint8_t frame[70000];
    memset(frame, 0xab, sizeof frame);
    assert_int_equal(tk_pcap_write(w, 0, frame, sizeof frame), 0);
}

static void test_OBS_01_long_frame_cut_to_snaplen(void **state) {
    (void)state;
    static uint8_t buf[80000];
    assert_int_equal(capture(buf, sizeof buf, false, jumbo_frame), 24 + 16 + 65535);
    assert_int_equal(le32(buf + 24 + 8), 65535);
    assert_int_equal(le32(buf + 24 + 12), 70000);
    assert_int_equal(buf[24 + 16 + 65534], 0xab);
}

static void test_OBS_01_file_and_errors(void **state) {
    (void)state;
    char path[] = "/tmp/tk_pcap_testXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    tk_pcap_writer w;
    assert_int_equal(tk_pcap_open(&w, path, false), 0);
    assert_int_equal(tk_pcap_write(&w, 1, NULL, 0), 0);
    assert_int_equal(tk_pcap_write(&w, 1, NULL, 3), -EINVAL);
    assert_int_equal(tk_pcap_close(&w), 0);
    assert_int_equal(tk_pcap_close(&w), 0); /* twice is harmless */
    assert_int_equal(tk_pcap_write(&w, 1, (const uint8_t *)"x", 1), -EINVAL);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    assert_int_equal(ftell(fp), 24 + 16);
    fclose(fp);
    remove(path);
    assert_int_equal(tk_pcap_open(&w, "/nonexistent-dir/x.pcap", false), -ENOENT);
    assert_int_equal(tk_pcap_open(NULL, path, false), -EINVAL);
    assert_int_equal(tk_pcap_open(&w, NULL, false), -EINVAL);
    assert_int_equal(tk_pcap_open_stream(&w, NULL, false), -EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_01_header_microseconds),
        cmocka_unit_test(test_OBS_01_record_microseconds),
        cmocka_unit_test(test_OBS_01_record_nanoseconds),
        cmocka_unit_test(test_OBS_01_long_frame_cut_to_snaplen),
        cmocka_unit_test(test_OBS_01_file_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
