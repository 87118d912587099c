/* The Fast Open option (SPEC OP-8, RFC 7413 4.1.1): kind 34, empty for a
 * cookie request, else a cookie of 4 to 16 bytes, an even number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"

static void test_OP_08_parse_request(void **state) {
    (void)state;
    const uint8_t b[] = {34, 2, 1, 1};
    tk_tcp_opts o;
    assert_int_equal(tk_wire_tcp_opts_parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_FASTOPEN);
    assert_int_equal(o.fo_len, 0);
}

static void test_OP_08_parse_cookie(void **state) {
    (void)state;
    const uint8_t b[] = {2, 4, 5, 180, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1};
    tk_tcp_opts o;
    assert_int_equal(tk_wire_tcp_opts_parse(b, sizeof b, &o), 0);
    assert_int_equal(o.present, TK_OPT_MSS | TK_OPT_FASTOPEN);
    assert_int_equal(o.mss, 1460);
    assert_int_equal(o.fo_len, 8);
    const uint8_t want[] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(o.fo_cookie, want, 8);
}

/* A cookie of an odd length or outside 4..16 is no cookie: skipped and
 * counted, the segment kept. */
static void test_OP_08_parse_bad_cookie_length(void **state) {
    (void)state;
    const uint8_t odd[] = {34, 7, 1, 2, 3, 4, 5, 1};
    const uint8_t shrt[] = {34, 4, 1, 2};
    tk_tcp_opts o;
    assert_int_equal(tk_wire_tcp_opts_parse(odd, sizeof odd, &o), 0);
    assert_int_equal(o.present, 0);
    assert_int_equal(o.unknown, 1);
    assert_int_equal(tk_wire_tcp_opts_parse(shrt, sizeof shrt, &o), 0);
    assert_int_equal(o.present, 0);
    assert_int_equal(o.unknown, 1);
}

static void test_OP_08_emit_layout(void **state) {
    (void)state;
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_FASTOPEN;
    o.mss = 1460;
    o.wscale = 7;
    uint8_t buf[40];
    const uint8_t req[] = {2, 4, 5, 180, 1, 3, 3, 7, 34, 2, 1, 1};
    assert_int_equal(tk_wire_tcp_opts_size(&o), sizeof req);
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), (int)sizeof req);
    assert_memory_equal(buf, req, sizeof req);
    o.fo_len = 4;
    memcpy(o.fo_cookie, "\xaa\xbb\xcc\xdd", 4);
    const uint8_t ck[] = {2, 4, 5, 180, 1, 3, 3, 7, 34, 6, 0xaa, 0xbb, 0xcc, 0xdd, 1, 1};
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), (int)sizeof ck);
    assert_memory_equal(buf, ck, sizeof ck);
    tk_tcp_opts back;
    assert_int_equal(tk_wire_tcp_opts_parse(buf, sizeof ck, &back), 0);
    assert_int_equal(back.fo_len, 4);
    assert_memory_equal(back.fo_cookie, o.fo_cookie, 4);
}

static void test_OP_08_emit_bad_length(void **state) {
    (void)state;
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_FASTOPEN;
    uint8_t buf[40];
    o.fo_len = 5;
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), TK_WIRE_INVAL);
    o.fo_len = 2;
    assert_int_equal(tk_wire_tcp_opts_emit(&o, buf, sizeof buf), TK_WIRE_INVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OP_08_parse_request),
        cmocka_unit_test(test_OP_08_parse_cookie),
        cmocka_unit_test(test_OP_08_parse_bad_cookie_length),
        cmocka_unit_test(test_OP_08_emit_layout),
        cmocka_unit_test(test_OP_08_emit_bad_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
