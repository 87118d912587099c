/* The API-6 options of Linux's TCP: TCP_USER_TIMEOUT, TCP_NOTSENT_LOWAT,
 * TCP_MAXSEG, TCP_QUICKACK and SO_RCVLOWAT: the segments they cause, the
 * states and the error codes. */
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
#define TCP TK_IPPROTO_TCP_LEVEL

static const uint8_t data[3000];

static int set_int(tkh *h, int sd, int level, int name, int v) {
    return tk_setsockopt(h->s, sd, level, name, &v, sizeof v);
}
static int get_int(tkh *h, int sd, int level, int name) {
    int v = -12345;
    size_t len = sizeof v;
    assert_int_equal(tk_getsockopt(h->s, sd, level, name, &v, &len), 0);
    return v;
}

/* A connection accepted with the peer's MSS 1000 and no other option. */
static int open_conn(tkh *h) {
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    return tkh_open_fixed(h, NULL, ISS, IRS, &o);
}

static int so_error(tkh *h, int sd) {
    return get_int(h, sd, TK_SOL_SOCKET, TK_SO_ERROR);
}

/* API-6 (RFC 5482): 100 bytes never acknowledged; with a 1500 ms user
 * timeout the connection fails with ETIMEDOUT exactly 1500 ms after the
 * data went out, not after retries2 (15) retransmissions. */
static void test_API_06_user_timeout_unacked_data(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_USER_TIMEOUT, 1500), 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_USER_TIMEOUT), 1500);
    tk_time t0 = h.now;
    assert_int_equal(tk_send(h.s, sd, data, 100), 100);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 100);
    tkh_run_until(&h, t0 + TK_MS(1500) - 1);
    int resent = 0;
    while (tkh_next(&h, &g)) {
        assert_int_equal(g.seq, S1);
        assert_int_equal(g.len, 100);
        resent++;
    }
    assert_true(resent >= 2);
    assert_int_equal(so_error(&h, sd), 0);
    tkh_run_until(&h, t0 + TK_MS(1500));
    const tkh_event *e = tkh_last_state(&h);
    assert_non_null(e);
    assert_int_equal(e->new_state, TK_TCP_CLOSED);
    assert_int_equal(e->at, t0 + TK_MS(1500));
    assert_int_equal(tk_recv(h.s, sd, NULL, 0), -ETIMEDOUT);
    tkh_fini(&h);
}

/* API-6: zero-window probes left unanswered count as well: the user
 * timeout runs from the first probe. */
static void test_API_06_user_timeout_zero_window(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_USER_TIMEOUT, 3000), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0), 0);
    assert_int_equal(tk_send(h.s, sd, data, 100), 100);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_run_until(&h, h.now + TK_SEC(2));
    tkh_seg g;
    assert_true(tkh_next(&h, &g)); /* the first probe: one byte */
    assert_int_equal(g.seq, S1);
    assert_int_equal(g.len, 1);
    tk_time first = g.at;
    tkh_run_until(&h, first + TK_MS(3000) - 1);
    assert_int_equal(so_error(&h, sd), 0);
    tkh_clear(&h);
    tkh_run_until(&h, first + TK_MS(3000));
    const tkh_event *e = tkh_last_state(&h);
    assert_non_null(e);
    assert_int_equal(e->new_state, TK_TCP_CLOSED);
    assert_int_equal(e->at, first + TK_MS(3000));
    assert_int_equal(so_error(&h, sd), -ETIMEDOUT);
    tkh_fini(&h);
}

/* API-6: writable only while fewer than TCP_NOTSENT_LOWAT bytes wait to
 * be sent; send() still takes data up to the send buffer. */
static void test_API_06_notsent_lowat_pollout(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tkh_set_nodelay(&h, sd);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_NOTSENT_LOWAT, 1000), 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_NOTSENT_LOWAT), 1000);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0), 0);
    assert_int_equal(tk_send(h.s, sd, data, 999), 999);
    tkh_poll(&h);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLOUT, TK_POLLOUT);
    assert_int_equal(tk_send(h.s, sd, data, 1), 1);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLOUT, 0);
    assert_int_equal(tk_send(h.s, sd, data, 500), 500);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLOUT, 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0), 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 1000, R1, 500);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLOUT, TK_POLLOUT);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_NOTSENT_LOWAT, -1), -EINVAL);
    tkh_fini(&h);
}

/* API-6: TCP_MAXSEG before connect() caps the MSS option and the segments;
 * Linux's range and answers before and after the connection. */
static void test_API_06_maxseg_active(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_MAXSEG), 536);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_MAXSEG, 87), -EINVAL);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_MAXSEG, 32768), -EINVAL);
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_MAXSEG, 600), 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_MAXSEG), 600);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(g.opts.mss, 600);
    uint32_t iss = g.seq;
    h.lport = g.sport;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1460);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN | TK_TCP_ACK, IRS, iss + 1, 65535, &o, NULL, 0), 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, R1, 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_MAXSEG), 600);
    tkh_set_nodelay(&h, sd);
    assert_int_equal(tk_send(h.s, sd, data, 1500), 1500);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 1, R1, 600);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss + 601, R1, 600);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, iss + 1201, R1, 300);
    tkh_fini(&h);
}

/* API-6: a listener's TCP_MAXSEG lowers its SYN-ACK's MSS and passes to
 * the connection; above the route's MSS (1460) it changes nothing. */
static void test_API_06_maxseg_listener(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, h.lport);
    assert_int_equal(tk_bind(h.s, ls, &a), 0);
    assert_int_equal(set_int(&h, ls, TCP, TK_TCP_MAXSEG, 500), 0);
    assert_int_equal(tk_listen(h.s, ls, 8), 0);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0), 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(g.opts.mss, 500);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0), 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_MAXSEG), 500);
    assert_int_equal(set_int(&h, ls, TCP, TK_TCP_MAXSEG, 2000), 0);
    h.rport++;
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0), 0);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
    assert_int_equal(g.opts.mss, 1460);
    tkh_fini(&h);
}

/* API-6: TCP_QUICKACK sends the ACK being delayed, then acknowledges each
 * data segment at once until it is cleared. */
static void test_API_06_quickack(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_QUICKACK), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, data, 100), 0);
    tkh_poll(&h);
    TKH_NOTHING(&h); /* delayed (RFC 1122 4.2.3.2) */
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_QUICKACK, 1), 0);
    assert_int_equal(get_int(&h, sd, TCP, TK_TCP_QUICKACK), 1);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 100, 0);
    for (uint32_t k = 1; k <= 2; k++) {
        assert_int_equal(
            tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1 + 100 * k, S1, 65535, NULL, data, 100), 0);
        tkh_poll(&h);
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 100 * (k + 1), 0);
        assert_int_equal(g.at, h.now);
    }
    assert_int_equal(set_int(&h, sd, TCP, TK_TCP_QUICKACK, 0), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1 + 300, S1, 65535, NULL, data, 100),
                     0);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tk_time t = h.now;
    tkh_run_until(&h, t + TK_MS(40));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 400, 0);
    assert_int_equal(g.at, t + TK_MS(40));
    tkh_fini(&h);
}

/* API-6: with SO_RCVLOWAT 300, 200 queued bytes are neither readable by
 * poll nor by a 1000-byte recv; a 100-byte recv is; a FIN ends the wait. */
static void test_API_06_rcvlowat(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    assert_int_equal(get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT), 1);
    assert_int_equal(set_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT, 300), 0);
    assert_int_equal(get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT), 300);
    uint8_t buf[1000];
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, data, 200), 0);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLIN, 0);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), -EAGAIN);
    assert_int_equal(tk_recv_flags(h.s, sd, buf, sizeof buf, TK_MSG_PEEK), -EAGAIN);
    assert_int_equal(tk_inq(h.s, sd), 200);
    assert_int_equal(tk_recv(h.s, sd, buf, 100), 100);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1 + 200, S1, 65535, NULL, data, 200),
                     0);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLIN, TK_POLLIN);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 300);
    assert_int_equal(
        tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH | TK_TCP_FIN, R1 + 400, S1, 65535, NULL, data, 10),
        0);
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLIN, TK_POLLIN);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 10);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 0);
    /* 0 means 1; a mark above half the receive buffer is lowered to it. */
    assert_int_equal(set_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT, 0), 0);
    assert_int_equal(get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT), 1);
    int rcvbuf = get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVBUF);
    assert_int_equal(set_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT, 1 << 30), 0);
    assert_int_equal(get_int(&h, sd, TK_SOL_SOCKET, TK_SO_RCVLOWAT), rcvbuf / 2);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_06_user_timeout_unacked_data),
        cmocka_unit_test(test_API_06_user_timeout_zero_window),
        cmocka_unit_test(test_API_06_notsent_lowat_pollout),
        cmocka_unit_test(test_API_06_maxseg_active),
        cmocka_unit_test(test_API_06_maxseg_listener),
        cmocka_unit_test(test_API_06_quickack),
        cmocka_unit_test(test_API_06_rcvlowat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
