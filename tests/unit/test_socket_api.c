/* The BSD-like calls, their errors and options (API-1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/opts.h"

static void test_API_01_errors_before_connect(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_true(sd >= 0);
    char c;
    assert_int_equal(tk_send(h.s, sd, "x", 1), -ENOTCONN);
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ENOTCONN);
    assert_int_equal(tk_shutdown(h.s, sd, TK_SHUT_WR), -ENOTCONN);
    assert_int_equal(tk_shutdown(h.s, sd, 7), -EINVAL);
    assert_int_equal(tk_accept(h.s, sd, NULL), -EINVAL);
    tk_sockaddr out;
    assert_int_equal(tk_getpeername(h.s, sd, &out), -ENOTCONN);
    assert_int_equal(tk_send(h.s, 99, "x", 1), -EBADF);
    assert_int_equal(tk_send(h.s, -1, "x", 1), -EBADF);
    tk_sockaddr bad = tk_sockaddr_in4(0x01020304u, 80);
    assert_int_equal(tk_bind(h.s, sd, &bad), -EADDRNOTAVAIL);
    tk_sockaddr zero = tk_sockaddr_in4(0, 0);
    assert_int_equal(tk_connect(h.s, sd, &zero), -EINVAL);
    assert_int_equal(tk_close(h.s, sd), 0);
    assert_int_equal(tk_close(h.s, sd), -EBADF);
    tkh_fini(&h);
}

static void test_API_01_socket_pool_exhausted(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL); /* 16 sockets */
    for (int i = 0; i < 16; i++)
        assert_true(tk_socket(h.s) >= 0);
    assert_int_equal(tk_socket(h.s), -ENOBUFS);
    tkh_fini(&h);
}

static void test_API_01_options_roundtrip(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    int v;
    size_t len = sizeof(v);
    static const int opts[][2] = {
        {TK_SOL_SOCKET, TK_SO_REUSEADDR},
#if TK_WITH_KEEPALIVE
        {TK_SOL_SOCKET, TK_SO_KEEPALIVE},
#endif
        {TK_IPPROTO_TCP_LEVEL, TK_TCP_NODELAY},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        int one = 1;
        assert_int_equal(tk_setsockopt(h.s, sd, opts[i][0], opts[i][1], &one, sizeof(one)), 0);
        len = sizeof(v);
        assert_int_equal(tk_getsockopt(h.s, sd, opts[i][0], opts[i][1], &v, &len), 0);
        assert_int_equal(v, 1);
        assert_int_equal(len, sizeof(int));
    }
    int n = 30;
#if TK_WITH_KEEPALIVE
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &n, sizeof(n)),
                     0);
    n = 5;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINTVL, &n, sizeof(n)),
                     0);
    n = 4;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &n, sizeof(n)),
                     0);
    tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &v, &len);
    assert_int_equal(v, 30);
    tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINTVL, &v, &len);
    assert_int_equal(v, 5);
    tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &v, &len);
    assert_int_equal(v, 4);
    n = 0;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &n, sizeof(n)),
                     -EINVAL);
#else
    /* Keep-alive compiled out: its options are unknown. */
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &n, sizeof(n)),
                     -ENOPROTOOPT);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &n, sizeof(n)),
                     -ENOPROTOOPT);
#endif
    n = 4096;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_RCVBUF, &n, sizeof(n)), 0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_RCVBUF, &v, &len), 0);
    assert_int_equal(v, 4096);
    n = 1 << 30; /* clipped to the pool's per-socket buffer */
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_SNDBUF, &n, sizeof(n)), 0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_SNDBUF, &v, &len), 0);
    assert_int_equal(v, 65536);
    tk_linger l = {1, 0}, lo;
    size_t llen = sizeof(lo);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &l, sizeof(l)), 0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &lo, &llen), 0);
    assert_int_equal(lo.onoff, 1);
    assert_int_equal(tk_setsockopt(h.s, sd, 99, TK_SO_LINGER, &l, sizeof(l)), -EINVAL);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, 999, &n, sizeof(n)), -ENOPROTOOPT);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_ERROR, &v, &len), 0);
    assert_int_equal(v, 0);
    tkh_fini(&h);
}

/* A smaller SO_RCVBUF is the window offered, rounded up to whole segments
 * (from the pool's slack). */
static void test_API_01_rcvbuf_sets_window(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tk_socket(h.s);
    int n = 4096;
    tk_setsockopt(h.s, ls, TK_SOL_SOCKET, TK_SO_RCVBUF, &n, sizeof(n));
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    tk_bind(h.s, ls, &a);
    tk_listen(h.s, ls, 1);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS;
    o.mss = 1024;
    tkh_inject(&h, TK_TCP_SYN, 1, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.win, 4096);
    /* With MSS 1000 the buffer is rounded up to 5 segments. */
    o.mss = 1000;
    tkh_inject_ports(&h, 40001, 80, TK_TCP_SYN, 1, 0, 65535, &o, NULL, 0);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.win, 5000);
    tkh_fini(&h);
}

static void test_API_01_names_and_poll(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_passive(&h, 100, NULL, &iss);
    tk_sockaddr me, peer;
    assert_int_equal(tk_getsockname(h.s, sd, &me), 0);
    assert_int_equal(me.addr, TKH_LOCAL_ADDR);
    assert_int_equal(me.port, 80);
    assert_int_equal(tk_getpeername(h.s, sd, &peer), 0);
    assert_int_equal(peer.addr, TKH_REMOTE_ADDR);
    assert_int_equal(peer.port, 40000);
    assert_int_equal(tk_poll_events(h.s, sd), TK_POLLOUT);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK, 101, iss + 1, 65535, NULL, "q", 1);
    assert_int_equal(tk_poll_events(h.s, sd), TK_POLLOUT | TK_POLLIN);
    assert_int_equal(tk_recv(h.s, sd, &c, 1), 1);
    assert_int_equal(c, 'q');
    /* Full send buffer: partial write, then EAGAIN. */
    static uint8_t big[70000];
    assert_int_equal(tk_send(h.s, sd, big, sizeof(big)), 65536);
    assert_int_equal(tk_send(h.s, sd, big, 1), -EAGAIN);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLOUT, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_01_errors_before_connect),
        cmocka_unit_test(test_API_01_socket_pool_exhausted),
        cmocka_unit_test(test_API_01_options_roundtrip),
        cmocka_unit_test(test_API_01_rcvbuf_sets_window),
        cmocka_unit_test(test_API_01_names_and_poll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
