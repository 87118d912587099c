/* SO_RCVBUF / SO_SNDBUF on a connected socket (SPEC API-6): resized, not
 * refused. */
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

static uint8_t big[70000];

static void set_buf(tkh *h, int sd, int name, int v) {
    assert_int_equal(tk_setsockopt(h->s, sd, TK_SOL_SOCKET, name, &v, sizeof v), 0);
}

static int get_buf(tkh *h, int sd, int name) {
    int v = 0;
    size_t len = sizeof v;
    assert_int_equal(tk_getsockopt(h->s, sd, TK_SOL_SOCKET, name, &v, &len), 0);
    return v;
}

/* API-6: a smaller send buffer on a connection takes no more than it holds;
 * a larger one takes more at once. */
static void test_API_06_sndbuf_connected(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    set_buf(&h, sd, TK_SO_SNDBUF, 4096);
    assert_int_equal(get_buf(&h, sd, TK_SO_SNDBUF), 4096);
    assert_int_equal(tk_send(h.s, sd, big, sizeof big), 4096);
    assert_int_equal(tk_send(h.s, sd, big, 1), -EAGAIN);
    set_buf(&h, sd, TK_SO_SNDBUF, 1024); /* below what is queued: kept */
    assert_int_equal(tk_send(h.s, sd, big, 1), -EAGAIN);
    assert_int_equal(tk_outq(h.s, sd), 4096);
    set_buf(&h, sd, TK_SO_SNDBUF, 8192);
    assert_int_equal(tk_send(h.s, sd, big, sizeof big), 4096);
    assert_int_equal(tk_outq(h.s, sd), 8192);
    tkh_fini(&h);
}

/* API-6: a smaller receive buffer never takes back the window already
 * offered (RFC 9293 3.8.6.2.2): data within it is still taken. */
static void test_API_06_rcvbuf_connected(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    set_buf(&h, sd, TK_SO_RCVBUF, 1024);
    assert_int_equal(get_buf(&h, sd, TK_SO_RCVBUF), 1024);
    for (uint32_t i = 0; i < 3; i++)
        tkh_inject(&h, TK_TCP_ACK, R1 + 1000 * i, S1, 65535, NULL, big, 1000);
    assert_int_equal(tk_inq(h.s, sd), 3000);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 2000, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_room, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_06_sndbuf_connected),
        cmocka_unit_test(test_API_06_rcvbuf_connected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
