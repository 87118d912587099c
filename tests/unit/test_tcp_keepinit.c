/* TCP_KEEPINIT and tk_config.keepinit: the connection-establishment limit
 * (RFC 1122 4.2.3.5) on virtual time (API-1, TM-2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u
#define IRS 0x00001000u

static int set_keepinit(tkh *h, int sd, int secs) {
    return tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT, &secs, sizeof(secs));
}

static int get_keepinit(tkh *h, int sd) {
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINIT, &v, &len), 0);
    return v;
}

/* The timer the only non-listening connection waits on. */
static int conn_timer(tkh *h, tk_time *deadline) {
    tk_conn_info ci[4];
    int n = tk_stack_conn_table(h->s, ci, 4);
    for (int i = 0; i < n && i < 4; i++) {
        if (ci[i].state != TK_TCP_LISTEN) {
            *deadline = ci[i].timer_deadline;
            return ci[i].timer_kind;
        }
    }
    fail_msg("no connection");
    return -1;
}

/* The error event reported for the connection, or 1 when none. */
static int last_error(const tkh *h, tk_time *at) {
    for (int i = h->nevents - 1; i >= 0; i--) {
        if (h->events[i].kind == TK_TRACE_ERROR) {
            *at = h->events[i].at;
            return h->events[i].err;
        }
    }
    return 1;
}

/* No connection left in `state`, and ETIMEDOUT reported exactly at `at`. */
static void expect_timed_out(const tkh *h, int state, tk_time at) {
    assert_int_equal(tk_stack_state_count(h->s, state), 0);
    tk_time when = 0;
    assert_int_equal(last_error(h, &when), -ETIMEDOUT);
    assert_int_equal(when, at);
}

/* API-1: off by default; the option reads back in seconds; negative values
 * are -EINVAL. */
static void test_API_1_keepinit_get_set(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    assert_int_equal(get_keepinit(&h, sd), 0);
    assert_int_equal(set_keepinit(&h, sd, 15), 0);
    assert_int_equal(get_keepinit(&h, sd), 15);
    assert_int_equal(set_keepinit(&h, sd, -1), -EINVAL);
    assert_int_equal(get_keepinit(&h, sd), 15);
    assert_int_equal(set_keepinit(&h, sd, 0), 0);
    assert_int_equal(get_keepinit(&h, sd), 0);
    tkh_fini(&h);
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepinit = TK_SEC(75);
    tkh_init(&h, &cfg);
    sd = tk_socket(h.s);
    assert_int_equal(get_keepinit(&h, sd), 75);
    tkh_fini(&h);
}

/* API-1, TM-2: SYN_SENT with TCP_KEEPINIT 5: SYNs at 0, 1 and 3 s, the
 * "keepinit" timer in the connection table, then ETIMEDOUT exactly 5 s
 * after connect() (before the retry limit of 127 s), with no RST. */
static void test_API_1_TM_2_keepinit_syn_sent(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_run_until(&h, TK_SEC(10) + 123);
    tkh_poll(&h); /* socket calls take the time of the last poll */
    tk_time t0 = h.now;
    int sd = tk_socket(h.s);
    assert_int_equal(set_keepinit(&h, sd, 5), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    tkh_run_until(&h, t0 + TK_SEC(3));
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    assert_int_equal(g.at, t0 + TK_SEC(3));
    tk_time due = 0;
    assert_int_equal(conn_timer(&h, &due), TK_TIMER_KEEPINIT);
    assert_int_equal(due, t0 + TK_SEC(5));
    assert_string_equal(tk_timer_kind_name(TK_TIMER_KEEPINIT), "keepinit");
    tkh_run_until(&h, t0 + TK_SEC(5) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_run_until(&h, t0 + TK_SEC(5));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 0);
    tk_time at = 0;
    assert_int_equal(last_error(&h, &at), -ETIMEDOUT);
    assert_int_equal(at, t0 + TK_SEC(5));
    assert_int_equal(tk_stack_stats(h.s)->conn_timeouts, 1);
    assert_int_equal(tk_stack_stats(h.s)->syn_retransmits, 2);
    int err = 0;
    size_t len = sizeof(err);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len), 0);
    assert_int_equal(err, -ETIMEDOUT);
    tkh_fini(&h);
}

/* TM-2: a configured limit below a millisecond is still a limit. Sockets
 * hold their durations in milliseconds; truncated, 500 us became 0 ("no
 * limit") and the connection waited for its SYN retries. Rounded up, it
 * ends 1 ms after connect(). */
static void test_TM_2_keepinit_below_a_millisecond(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepinit = 500;
    tkh h;
    tkh_init_fixed(&h, &cfg, ISS);
    tkh_poll(&h);
    tk_time t0 = h.now;
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tk_time due = 0;
    assert_int_equal(conn_timer(&h, &due), TK_TIMER_KEEPINIT);
    assert_int_equal(due, t0 + TK_MS(1));
    tkh_run_until(&h, t0 + TK_MS(1));
    expect_timed_out(&h, TK_TCP_SYN_SENT, t0 + TK_MS(1));
    tkh_fini(&h);
}

/* API-1, TM-2: SYN_RCVD with tk_config.keepinit 2 s: the child whose
 * handshake never completes is gone exactly 2 s after its SYN arrived; the
 * listener stays. */
static void test_API_1_TM_2_keepinit_syn_rcvd_config(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepinit = TK_SEC(2);
    tkh h;
    tkh_init_fixed(&h, &cfg, ISS);
    int ls = tkh_listen_at(&h, h.lport, 4);
    assert_int_equal(get_keepinit(&h, ls), 2);
    h.now += TK_MS(250) + 7;
    tk_time t0 = h.now;
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    tkh_run_until(&h, t0 + TK_SEC(2) - 1);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0);
    assert_int_equal(g.at, t0 + TK_SEC(1));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_run_until(&h, t0 + TK_SEC(2));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LISTEN), 1);
    assert_int_equal(tk_stack_stats(h.s)->conn_timeouts, 1);
    assert_int_equal(tk_accept(h.s, ls, NULL), -EAGAIN);
    tkh_fini(&h);
}

/* API-1, TM-2: a listener's TCP_KEEPINIT passes to its children; a
 * simultaneous open (SYN_SENT -> SYN_RCVD) keeps the limit counted from
 * connect() and fails with ETIMEDOUT. */
static void test_API_1_TM_2_keepinit_inherited_and_simultaneous(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, h.lport, 4);
    assert_int_equal(set_keepinit(&h, ls, 3), 0);
    tk_time t0 = h.now;
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    tkh_run_until(&h, t0 + TK_SEC(3) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_run_until(&h, t0 + TK_SEC(3));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    tkh_clear(&h);

    int sd = tk_socket(h.s);
    assert_int_equal(set_keepinit(&h, sd, 4), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    tk_time t1 = h.now;
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    h.now += TK_MS(500);
    assert_int_equal(
        tkh_inject_ports(&h, h.rport, g.sport, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_run_until(&h, t1 + TK_SEC(4) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_run_until(&h, t1 + TK_SEC(4));
    expect_timed_out(&h, TK_TCP_SYN_RCVD, t1 + TK_SEC(4));
    tkh_fini(&h);
}

/* TM-2: a limit that expires with a retransmission due at the same instant
 * (TCP_KEEPINIT 1 s, SYN RTO 1 s) ends the connection without sending. */
static void test_TM_2_keepinit_wins_over_retransmit(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_poll(&h);
    tk_time t0 = h.now;
    int sd = tk_socket(h.s);
    assert_int_equal(set_keepinit(&h, sd, 1), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    tkh_run_until(&h, t0 + TK_SEC(1));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 0);
    assert_int_equal(tk_stack_stats(h.s)->syn_retransmits, 0);
    assert_int_equal(tk_recv(h.s, sd, &g, 1), -ETIMEDOUT);
    tkh_fini(&h);
}

/* TM-2: once ESTABLISHED the limit is gone: the connection outlives it,
 * and the timer is no longer in the connection table. */
static void test_TM_2_keepinit_stops_when_established(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepinit = TK_SEC(2);
    tkh h;
    int sd = tkh_open_fixed(&h, &cfg, ISS, IRS, NULL);
    tk_time due = 0;
    assert_int_not_equal(conn_timer(&h, &due), TK_TIMER_KEEPINIT);
    tkh_run_until(&h, h.now + TK_SEC(10));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_send(h.s, sd, "z", 1), 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_1_keepinit_get_set),
        cmocka_unit_test(test_API_1_TM_2_keepinit_syn_sent),
        cmocka_unit_test(test_TM_2_keepinit_below_a_millisecond),
        cmocka_unit_test(test_API_1_TM_2_keepinit_syn_rcvd_config),
        cmocka_unit_test(test_API_1_TM_2_keepinit_inherited_and_simultaneous),
        cmocka_unit_test(test_TM_2_keepinit_wins_over_retransmit),
        cmocka_unit_test(test_TM_2_keepinit_stops_when_established),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
