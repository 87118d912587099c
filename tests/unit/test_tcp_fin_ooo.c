/* DT-11: a FIN beyond a hole is kept with the reassembly queue and takes
 * effect when the hole fills (RFC 9293 3.10.7.4, SHLD-31). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u
#define IRS 0xfffffc00u /* the stream wraps 2^32 (DT-10) */
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static char text[200];

static void fill_text(void) {
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
}

static void expect_stream(tkh *h, int sd, uint32_t len) {
    char buf[sizeof text];
    assert_int_equal(tk_recv(h->s, sd, buf, sizeof buf), (int)len);
    assert_memory_equal(buf, text, len);
    assert_int_equal(tk_recv(h->s, sd, buf, sizeof buf), 0); /* end of stream */
}

/* Data and FIN beyond a hole: duplicate ACK at once; the hole fills and
 * the ACK covers data and FIN at once; CLOSE_WAIT. */
static void test_DT_11_fin_with_data_beyond_hole(void **state) {
    (void)state;
    fill_text();
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 100, S1, 65535, NULL, text + 100, 100);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->ooo_fins_in, 1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, text, 100);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 201, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_CLOSE_WAIT), 1);
    expect_stream(&h, sd, 200);
    tkh_fini(&h);
}

/* A bare FIN beyond a hole, after out-of-order data. */
static void test_DT_11_bare_fin_beyond_hole(void **state) {
    (void)state;
    fill_text();
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK, R1 + 100, S1, 65535, NULL, text + 100, 100);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 200, S1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    /* A FIN at another place later is ignored and counted. */
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 150, S1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->ooo_fins_ignored, 1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, text, 100);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 201, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_CLOSE_WAIT), 1);
    expect_stream(&h, sd, 200);
    tkh_fini(&h);
}

/* FIN_WAIT_2: the kept FIN takes the connection to TIME_WAIT when the hole
 * fills. */
static void test_DT_11_fin_wait_2_time_wait(void **state) {
    (void)state;
    fill_text();
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tkh_seg g;
    assert_int_equal(tk_shutdown(h.s, sd, TK_SHUT_WR), 0);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_FIN, S1, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 50, S1 + 1, 65535, NULL, text + 50, 50);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, text, 50);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 101, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    expect_stream(&h, sd, 100);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_11_fin_with_data_beyond_hole),
        cmocka_unit_test(test_DT_11_bare_fin_beyond_hole),
        cmocka_unit_test(test_DT_11_fin_wait_2_time_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
