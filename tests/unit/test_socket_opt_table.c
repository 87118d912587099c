/* The socket-option table (API-1): every option a listener passes on
 * reaches an accepted connection with the listener's value, the others do
 * not; names resolve through tk_sockopt_lookup; ranges come from the table. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcpkit/opts.h"

typedef struct opt_val {
    int level, name, value;
} opt_val;

/* Values that differ from every default (tkh_config). */
static const opt_val inherited[] = {
    {TK_SOL_SOCKET, TK_SO_SNDBUF, 4096},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_NODELAY, 1},
#if TK_WITH_KEEPALIVE
    {TK_SOL_SOCKET, TK_SO_KEEPALIVE, 1},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, 77},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINTVL, 7},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, 3},
#endif
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT, 30},
    {TK_IPPROTO_IP_LEVEL, TK_IP_TTL, 17},
    {TK_IPPROTO_IP_LEVEL, TK_IP_TOS, 0x20},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_USER_TIMEOUT, 5000},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_NOTSENT_LOWAT, 3000},
    {TK_SOL_SOCKET, TK_SO_RCVLOWAT, 7},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_CORK, 1},
    {TK_IPPROTO_TCP_LEVEL, TK_TCP_QUICKACK, 1},
};

static int get_int(tkh *h, int sd, int level, int name) {
    int v = -12345;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h->s, sd, level, name, &v, &len), 0);
    return v;
}

static void set_int(tkh *h, int sd, int level, int name, int v) {
    assert_int_equal(tk_setsockopt(h->s, sd, level, name, &v, sizeof(v)), 0);
}

/* One place copies a listener's options to its connections: every row
 * value a listener has arrives at its connection, SO_REUSEADDR and TCP_FASTOPEN
 * do not. */
static void test_API_1_listener_passes_options(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int ls = tkh_listen(&h);
    size_t n = sizeof inherited / sizeof inherited[0];
    for (size_t i = 0; i < n; i++)
        set_int(&h, ls, inherited[i].level, inherited[i].name, inherited[i].value);
    set_int(&h, ls, TK_SOL_SOCKET, TK_SO_REUSEADDR, 1);
#if TK_WITH_FASTOPEN
    set_int(&h, ls, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, 5);
#endif
    set_int(&h, ls, TK_SOL_SOCKET, TK_SO_RCVBUF, 8192);
    tk_linger lg = {1, 9};
    assert_int_equal(tk_setsockopt(h.s, ls, TK_SOL_SOCKET, TK_SO_LINGER, &lg, sizeof(lg)), 0);
    uint32_t iss;
    int sd = tkh_accept_conn(&h, ls, 1000, NULL, &iss);
    assert_true(sd >= 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(get_int(&h, sd, inherited[i].level, inherited[i].name),
                         inherited[i].value);
    assert_int_equal(get_int(&h, sd, TK_SOL_SOCKET, TK_SO_REUSEADDR), 0);
#if TK_WITH_FASTOPEN
    assert_int_equal(get_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN), 0);
#endif
    /* The receive buffer is the listener's, rounded up to whole segments
     * once the MSS is known (as BSD's tcp_mss). */
    int rcv = get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVBUF);
    assert_true(rcv >= 8192 && rcv < 8192 + 1460);
    tk_linger got = {0, 0};
    size_t len = sizeof(got);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &got, &len), 0);
    assert_int_equal(got.onoff, 1);
    assert_int_equal(got.linger, 9);
    tkh_fini(&h);
}

/* The runner and other tools resolve C names through the same table. */
static void test_API_1_option_lookup_by_name(void **state) {
    (void)state;
    const tk_sockopt_info *o = tk_sockopt_lookup("IPPROTO_TCP", "TCP_NODELAY");
    assert_non_null(o);
    assert_int_equal(o->level, TK_IPPROTO_TCP_LEVEL);
    assert_int_equal(o->opt, TK_TCP_NODELAY);
    o = tk_sockopt_lookup("SOL_SOCKET", "SO_LINGER");
    assert_non_null(o);
    assert_true(o->is_linger);
    o = tk_sockopt_lookup("SOL_SOCKET", "SO_ERROR");
    assert_non_null(o);
    assert_true(o->get_only);
    assert_null(tk_sockopt_lookup("SOL_SOCKET", "TCP_NODELAY")); /* wrong level */
    assert_null(tk_sockopt_lookup("IPPROTO_TCP", "TCP_RACK_PACE_ALWAYS"));
}

/* Ranges are the table's: out of range is -EINVAL and leaves the value;
 * an unknown option or a get-only one is -ENOPROTOOPT. */
static void test_API_1_option_ranges(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    int v = 0;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL, &v, sizeof(v)),
                     -EINVAL);
    v = 256;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL, &v, sizeof(v)),
                     -EINVAL);
    assert_int_equal(get_int(&h, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL), 64);
    v = 0;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &v, sizeof(v)),
                     TK_WITH_KEEPALIVE ? -EINVAL : -ENOPROTOOPT);
    v = 1023;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_RCVBUF, &v, sizeof(v)), -EINVAL);
    v = 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_ERROR, &v, sizeof(v)),
                     -ENOPROTOOPT);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_TCP_NODELAY, &v, sizeof(v)),
                     -ENOPROTOOPT);
    tkh_fini(&h);
}

/* Durations in seconds are held as 32-bit milliseconds: the largest that
 * fits is accepted and reads back whole, one more is refused (KEEPINIT,
 * and KEEPIDLE when keep-alive is compiled in), and SO_LINGER takes more
 * as the largest. Before, every int was accepted. */
static void test_API_1_duration_options_bounded(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    int v = TK_SOCKOPT_SECS_MAX + 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT, &v, sizeof(v)),
                     -EINVAL);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &v, sizeof(v)),
                     TK_WITH_KEEPALIVE ? -EINVAL : -ENOPROTOOPT);
    set_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT, TK_SOCKOPT_SECS_MAX);
    assert_int_equal(get_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT), TK_SOCKOPT_SECS_MAX);
#if TK_WITH_KEEPALIVE
    set_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, TK_SOCKOPT_SECS_MAX);
    assert_int_equal(get_int(&h, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE), TK_SOCKOPT_SECS_MAX);
#endif
    tk_linger l = {1, INT_MAX}, out = {0, 0};
    size_t len = sizeof(out);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &l, sizeof(l)), 0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &out, &len), 0);
    assert_int_equal(out.onoff, 1);
    assert_int_equal(out.linger, TK_SOCKOPT_SECS_MAX);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_1_listener_passes_options),
        cmocka_unit_test(test_API_1_option_lookup_by_name),
        cmocka_unit_test(test_API_1_option_ranges),
        cmocka_unit_test(test_API_1_duration_options_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
