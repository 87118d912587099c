/* bind() with the wildcard address and listen() without bind() (API-1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"

#define IRS 0x00001000u

/* API-1: bind to INADDR_ANY (0) works; the connection uses the stack's
 * own address and getsockname() reports the wildcard until connected. */
static void test_API_01_bind_wildcard_listen(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tk_socket(h.s);
    tk_sockaddr any = tk_sockaddr_in4(0, h.lport);
    assert_int_equal(tk_bind(h.s, ls, &any), 0);
    tk_sockaddr name;
    assert_int_equal(tk_getsockname(h.s, ls, &name), 0);
    assert_int_equal(name.addr, 0);
    assert_int_equal(name.port, h.lport);
    assert_int_equal(tk_listen(h.s, ls, 4), 0);
    uint32_t iss;
    int sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    assert_true(sd >= 0);
    assert_int_equal(tk_getsockname(h.s, sd, &name), 0);
    assert_int_equal(name.addr, TKH_LOCAL_ADDR);
    assert_int_equal(name.port, h.lport);
    tkh_fini(&h);
}

/* API-1: bind(0.0.0.0:port) then connect() sends the SYN from the stack's
 * address and the bound port. */
static void test_API_01_bind_wildcard_connect(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    tk_sockaddr any = tk_sockaddr_in4(0, 40000);
    assert_int_equal(tk_bind(h.s, sd, &any), 0);
    tk_sockaddr peer = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &peer), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(g.sport, 40000);
    assert_int_equal(g.dport, h.rport);
    tk_sockaddr name;
    assert_int_equal(tk_getsockname(h.s, sd, &name), 0);
    assert_int_equal(name.addr, TKH_LOCAL_ADDR);
    assert_int_equal(name.port, 40000);
    tkh_fini(&h);
}

/* API-1: listen() on a socket never bound picks an ephemeral port (as
 * Linux does) on the wildcard address. */
static void test_API_01_listen_unbound_ephemeral(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tk_socket(h.s);
    assert_int_equal(tk_listen(h.s, ls, 4), 0);
    tk_sockaddr name;
    assert_int_equal(tk_getsockname(h.s, ls, &name), 0);
    assert_int_equal(name.addr, 0);
    assert_true(name.port >= h.cfg.ephemeral_lo);
    assert_true(name.port <= h.cfg.ephemeral_hi);
    h.lport = name.port;
    uint32_t iss;
    int sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    assert_true(sd >= 0);
    /* A second socket may not bind the port the listener took. */
    int other = tk_socket(h.s);
    tk_sockaddr same = tk_sockaddr_in4(0, name.port);
    assert_int_equal(tk_bind(h.s, other, &same), -EADDRINUSE);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_01_bind_wildcard_listen),
        cmocka_unit_test(test_API_01_bind_wildcard_connect),
        cmocka_unit_test(test_API_01_listen_unbound_ephemeral),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
