/* TIME_WAIT reservations and ports (CM-10, CM-11, CM-14, CM-15). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0x80000000u
#define IRS 0x10000000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

/* Active open from local port 50000 to the remote, then an active close
 * that ends in TIME_WAIT (compact entry). */
static void time_wait_conn(tkh *h, const tk_tcp_opts *opts) {
    h->lport = 50000;
    h->rport = 80;
    uint32_t iss;
    int sd = tkh_open_active(h, IRS, opts, &iss);
    tk_close(h->s, sd);
    tkh_poll(h);
    tkh_seg g;
    assert_true(tkh_next(h, &g));
    assert_int_equal(g.flags & TK_TCP_FIN, TK_TCP_FIN);
    tkh_inject(h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, opts ? opts : NULL, NULL, 0);
    assert_true(tkh_next(h, &g));
    assert_int_equal(tk_stack_state_count(h->s, TK_TCP_TIME_WAIT), 1);
}

/* CM-10: connect() reusing a TIME_WAIT 4-tuple fails with EADDRINUSE; bind()
 * of the port fails unless SO_REUSEADDR. */
static void check_reservation(uint32_t max_time_wait) {
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_time_wait = max_time_wait;
    tkh_init_fixed(&h, &cfg, ISS);
    time_wait_conn(&h, NULL);
    int sd = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 50000);
    assert_int_equal(tk_bind(h.s, sd, &a), -EADDRINUSE);
    int one = 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_REUSEADDR, &one, sizeof(one)), 0);
    assert_int_equal(tk_bind(h.s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EADDRINUSE);
    tk_sockaddr r2 = tk_sockaddr_in4(TKH_REMOTE_ADDR, 81);
    assert_int_equal(tk_connect(h.s, sd, &r2), -EINPROGRESS);
    /* After 2MSL the port is free again. */
    tkh_run_until(&h, h.now + TK_SEC(60));
    int s2 = tk_socket(h.s);
    tk_sockaddr b = tk_sockaddr_in4(0, 50000);
    assert_int_equal(tk_bind(h.s, s2, &b), -EADDRINUSE); /* sd holds it now */
    tk_close(h.s, sd);
    assert_int_equal(tk_bind(h.s, s2, &b), 0);
    tkh_fini(&h);
}

static void test_CM_10_time_wait_reserves_tuple(void **state) {
    (void)state;
    check_reservation(16); /* bind() walks the TIME_WAIT list */
}

static void test_CM_10_time_wait_reserves_tuple_big_pool(void **state) {
    (void)state;
    check_reservation(5000); /* bind() reads the per-port count */
}

/* CM-15: an automatically chosen port skips the TIME_WAIT 4-tuple. With a
 * one-port range, connect() to that peer has no port left. */
static void test_CM_15_ephemeral_skips_time_wait(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ephemeral_lo = 50000;
    cfg.ephemeral_hi = 50001;
    tkh_init_fixed(&h, &cfg, ISS);
    time_wait_conn(&h, NULL);
    tkh_clear(&h);
    for (int i = 0; i < 4; i++) {
        int sd = tk_socket(h.s);
        tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
        int rc = tk_connect(h.s, sd, &r);
        if (i == 0) {
            assert_int_equal(rc, -EINPROGRESS);
            tkh_poll(&h);
            tkh_seg g;
            assert_true(tkh_next(&h, &g));
            assert_int_equal(g.sport, 50001);
        } else {
            assert_int_equal(rc, -EADDRNOTAVAIL);
        }
    }
    tkh_fini(&h);
}

/* CM-15: ports are spread randomly over the range (RFC 6056). */
static void test_CM_15_ephemeral_random(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int seen_low = 0, seen_high = 0;
    for (int i = 0; i < 12; i++) {
        int sd = tk_socket(h.s);
        tk_sockaddr a = tk_sockaddr_in4(0, 0);
        assert_int_equal(tk_bind(h.s, sd, &a), 0);
        tk_sockaddr me;
        tk_getsockname(h.s, sd, &me);
        assert_true(me.port >= 49152);
        if (me.port < 57344)
            seen_low++;
        else
            seen_high++;
    }
    assert_true(seen_low > 0 && seen_high > 0);
    tkh_fini(&h);
}

/* CM-11: a SYN for a TIME_WAIT 4-tuple with a higher sequence number opens
 * a new connection; an old one gets an ACK. */
static void test_CM_11_syn_in_time_wait_seq(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 50000);
    int one = 1;
    tk_setsockopt(h.s, ls, TK_SOL_SOCKET, TK_SO_REUSEADDR, &one, sizeof(one));
    time_wait_conn(&h, NULL);
    assert_int_equal(tk_bind(h.s, ls, &a), 0);
    assert_int_equal(tk_listen(h.s, ls, 4), 0);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_SYN, IRS - 5, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_inject(&h, TK_TCP_SYN, R1 + 100000, 0, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
    assert_int_equal(g.ack, R1 + 100001);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    assert_int_equal(tk_stack_stats(h.s)->time_wait_reused, 1);
    tkh_fini(&h);
}

/* CM-11: with timestamps the newer TSval decides (RFC 6191). */
static void test_CM_11_syn_in_time_wait_timestamp(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_TS;
    o.ts_val = 1000;
    o.ts_ecr = 1000000;
    int ls = tk_socket(h.s);
    int one = 1;
    tk_setsockopt(h.s, ls, TK_SOL_SOCKET, TK_SO_REUSEADDR, &one, sizeof(one));
    time_wait_conn(&h, &o);
    tk_sockaddr a = tk_sockaddr_in4(0, 50000);
    tk_bind(h.s, ls, &a);
    tk_listen(h.s, ls, 4);
    tkh_seg g;
    o.ts_val = 999; /* older, even with a higher sequence number */
    o.ts_ecr = 0;
    tkh_inject(&h, TK_TCP_SYN, R1 + 100000, 0, 65535, &o, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    o.ts_val = 1001;
    tkh_inject(&h, TK_TCP_SYN, IRS - 100, 0, 65535, &o, NULL, 0);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
    tkh_fini(&h);
}

/* CM-14: the accept queue holds `backlog` connections; more SYNs are
 * dropped (counted) until the application accepts. */
static void test_CM_14_backlog_full_drops_syn(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    tk_bind(h.s, ls, &a);
    tk_listen(h.s, ls, 2);
    tkh_seg g;
    for (uint16_t i = 0; i < 3; i++) {
        uint16_t port = (uint16_t)(40000 + i);
        tkh_inject_ports(&h, port, 80, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
        if (i < 2) {
            TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
            tkh_inject_ports(&h, port, 80, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
        } else {
            TKH_NOTHING(&h);
        }
    }
    assert_int_equal(tk_stack_stats(h.s)->drop_listen_overflow, 1);
    assert_true(tk_accept(h.s, ls, NULL) >= 0);
    tkh_inject_ports(&h, 40002, 80, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_fini(&h);
}

/* SEC-2 bound and the `netstat | grep SYN_RECV` count. */
static void test_CM_14_half_open_bound_and_count(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 3;
    cfg.syn_cookies = false;
    tkh_init(&h, &cfg);
    int ls = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    tk_bind(h.s, ls, &a);
    tk_listen(h.s, ls, 100);
    for (uint16_t i = 0; i < 5; i++)
        tkh_inject_ports(&h, (uint16_t)(30000 + i), 80, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 3);
    assert_int_equal(tkh_pending(&h), 3);
    assert_int_equal(tk_stack_stats(h.s)->drop_syn_backlog_full, 2);
    tkh_fini(&h);
}

/* CM-9: each TIME_WAIT entry expires 2MSL after it started, even when a
 * descriptor held it past younger entries before close(). */
static void test_CM_09_expiry_order_with_late_close(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    uint32_t iss;
    int ls = tkh_listen(&h);
    h.rport = 41000;
    int a = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    h.rport = 41001;
    int b = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    tk_time t0 = h.now;
    /* a: half-close, the peer's FIN: TIME_WAIT while the descriptor stays. */
    tk_shutdown(h.s, a, TK_SHUT_WR);
    tkh_poll(&h);
    h.rport = 41000;
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    /* b, 10 s later: an orphan straight into a compact entry. */
    tkh_run_until(&h, t0 + TK_SEC(10));
    tk_close(h.s, b);
    tkh_poll(&h);
    h.rport = 41001;
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 2);
    tkh_run_until(&h, t0 + TK_SEC(20));
    tk_close(h.s, a); /* a becomes a compact entry that expires first */
    tkh_run_until(&h, t0 + TK_SEC(60) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 2);
    tkh_run_until(&h, t0 + TK_SEC(60));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_run_until(&h, t0 + TK_SEC(70));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_CM_09_expiry_order_with_late_close),
        cmocka_unit_test(test_CM_10_time_wait_reserves_tuple),
        cmocka_unit_test(test_CM_10_time_wait_reserves_tuple_big_pool),
        cmocka_unit_test(test_CM_15_ephemeral_skips_time_wait),
        cmocka_unit_test(test_CM_15_ephemeral_random),
        cmocka_unit_test(test_CM_11_syn_in_time_wait_seq),
        cmocka_unit_test(test_CM_11_syn_in_time_wait_timestamp),
        cmocka_unit_test(test_CM_14_backlog_full_drops_syn),
        cmocka_unit_test(test_CM_14_half_open_bound_and_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
