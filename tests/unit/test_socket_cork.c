/* TCP_CORK (SPEC API-6): only full segments leave while it is set; the
 * FIN takes the rest along; clearing it sends what was held. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0x1000u
#define IRS 0x2000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static const uint8_t data[3000];

static int open_corked(tkh *h, uint32_t *mss) {
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    int sd = tkh_open_fixed(h, NULL, ISS, IRS, &o);
    int one = 1;
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CORK, &one, sizeof one),
                     0);
    int v = 0;
    size_t len = sizeof v;
    assert_int_equal(tk_getsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CORK, &v, &len), 0);
    assert_int_equal(v, 1);
    *mss = 1000;
    return sd;
}

/* API-6: 2500 bytes corked: two full segments go, 500 wait; clearing the
 * option sends them. */
static void test_API_06_cork_holds_partial(void **state) {
    (void)state;
    tkh h;
    uint32_t mss;
    int sd = open_corked(&h, &mss);
    assert_int_equal(tk_send(h.s, sd, data, 500), 500);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(tk_send(h.s, sd, data, 2000), 2000);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, mss);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + mss, R1, mss);
    TKH_NOTHING(&h);
    int zero = 0;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_CORK, &zero, sizeof zero),
                     0);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 2 * mss, R1, 500);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* API-6: close() while corked sends the held bytes with the FIN. */
static void test_API_06_cork_close_flushes(void **state) {
    (void)state;
    tkh h;
    uint32_t mss;
    int sd = open_corked(&h, &mss);
    assert_int_equal(tk_send(h.s, sd, data, 300), 300);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH | TK_TCP_FIN, S1, R1, 300);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_06_cork_holds_partial),
        cmocka_unit_test(test_API_06_cork_close_flushes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
