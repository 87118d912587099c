/* Keepalive and virtual time (TM-1, TM-2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffffeu
#define IRS 0x00000010u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static int open_keepalive(tkh *h, int idle, int intvl, int cnt) {
    int sd = tkh_open_fixed(h, NULL, ISS, IRS, NULL);
    int one = 1;
    assert_int_equal(
        tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &idle, sizeof(idle)), 0);
    assert_int_equal(
        tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINTVL, &intvl, sizeof(intvl)), 0);
    assert_int_equal(
        tk_setsockopt(h->s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPCNT, &cnt, sizeof(cnt)), 0);
    assert_int_equal(tk_setsockopt(h->s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one)), 0);
    return sd;
}

/* TM-1: off by default: an idle connection sends nothing for hours. */
static void test_TM_01_keepalive_off_by_default(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_passive(&h, IRS, NULL, &iss);
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &v, &len), 0);
    assert_int_equal(v, 0);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &v, &len), 0);
    assert_int_equal(v, 7200);
    tkh_run_until(&h, h.now + TK_SEC(3 * 3600));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_next_deadline(h.s), TK_TIME_NEVER);
    tkh_fini(&h);
}

/* TM-1 with tk_config.keepalive_always: a passive connection whose socket
 * never set SO_KEEPALIVE probes after the stack's idle time and times out
 * after keepalive_probes; SO_KEEPALIVE still reads 0. */
static void test_TM_01_keepalive_always(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.keepalive_always = true;
    cfg.keepalive_idle = TK_SEC(30);
    cfg.keepalive_intvl = TK_SEC(5);
    cfg.keepalive_probes = 2;
    tkh h;
    tkh_init(&h, &cfg);
    uint32_t iss;
    int sd = tkh_open_passive(&h, IRS, NULL, &iss);
    int v = -1;
    size_t len = sizeof(v);
    assert_int_equal(tk_getsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &v, &len), 0);
    assert_int_equal(v, 0);
    tk_time t0 = h.now;
    tkh_seg g;
    tkh_run_until(&h, t0 + TK_SEC(30) - 1);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_SEC(30));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss, R1, 0);
    tkh_run_until(&h, t0 + TK_SEC(35));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss, R1, 0);
    tkh_run_until(&h, t0 + TK_SEC(40));
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ETIMEDOUT);
    assert_int_equal(tk_stack_stats(h.s)->keepalive_probes, 2);
    tkh_fini(&h);
}

/* TM-1: probes with SEQ = SND.NXT - 1 after idle, every interval; a dead
 * peer ends the connection with ETIMEDOUT after idle + cnt * intvl. */
static void test_TM_01_keepalive_dead_peer(void **state) {
    (void)state;
    tkh h;
    int sd = open_keepalive(&h, 10, 2, 3);
    tk_time t0 = h.now;
    tkh_seg g;
    for (int i = 0; i < 3; i++) {
        tkh_run_until(&h, t0 + TK_SEC(10 + 2 * i) - 1);
        TKH_NOTHING(&h);
        tkh_run_until(&h, t0 + TK_SEC(10 + 2 * i));
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1, 0);
    }
    tkh_run_until(&h, t0 + TK_SEC(16) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_run_until(&h, t0 + TK_SEC(16));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ETIMEDOUT);
    assert_int_equal(tk_stack_stats(h.s)->keepalive_probes, 3);
    tkh_fini(&h);
}

/* TM-1: an answered probe resets the count; traffic postpones probes. */
static void test_TM_01_keepalive_answered(void **state) {
    (void)state;
    tkh h;
    open_keepalive(&h, 10, 2, 3);
    tk_time t0 = h.now;
    tkh_seg g;
    tkh_run_until(&h, t0 + TK_SEC(5));
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "z", 1);
    tkh_run_until(&h, t0 + TK_SEC(15) - 1);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1, 0); /* the delayed ACK of "z" */
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_SEC(15));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1 + 1, 0);
    tkh_run_until(&h, t0 + TK_SEC(17));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1 + 1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1, 65535, NULL, NULL, 0);
    /* Next probe only after a new idle period. */
    tkh_run_until(&h, t0 + TK_SEC(27) - 1);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_SEC(27));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_fini(&h);
}

/* TM-1: SO_KEEPALIVE first, TCP_KEEPIDLE later, on an ESTABLISHED
 * connection: the new idle time (re)arms the timer. */
static void test_TM_01_keepidle_after_enable(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tk_time t0 = h.now;
    int one = 1, idle = 10, intvl = 5;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one)), 0);
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_SEC(7200));
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &idle, sizeof(idle)), 0);
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_SEC(10));
    tkh_seg g;
    tkh_run_until(&h, t0 + TK_SEC(10) - 1);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_SEC(10));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1, 0);
    /* A new interval applies from the next probe on. */
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPINTVL, &intvl, sizeof(intvl)), 0);
    tkh_run_until(&h, t0 + TK_SEC(15) - 1);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_SEC(15));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1, 0);
    tkh_fini(&h);
}

/* TM-1: idle time set first, on a connection idle for longer already: the
 * first probe goes at once. */
static void test_TM_01_keepalive_enable_after_idle(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tk_time t0 = h.now;
    tkh_run_until(&h, t0 + TK_SEC(60));
    int one = 1, idle = 10;
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &idle, sizeof(idle)), 0);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one)), 0);
    tkh_seg g;
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 - 1, R1, 0);
    assert_int_equal(g.at, t0 + TK_SEC(60));
    tkh_fini(&h);
}

/* TM-2: timers run on the caller's time only: a simulated 3-hour idle with
 * keepalive defaults is a handful of polls. */
static void test_TM_02_virtual_time(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    uint32_t iss;
    int sd = tkh_open_passive(&h, IRS, NULL, &iss);
    int one = 1;
    tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one));
    tk_time t0 = h.now;
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_SEC(7200));
    tkh_run_until(&h, t0 + TK_SEC(7200 + 75 * 9));
    assert_int_equal(tk_stack_stats(h.s)->keepalive_probes, 9);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_TM_01_keepalive_off_by_default),
        cmocka_unit_test(test_TM_01_keepalive_dead_peer),
        cmocka_unit_test(test_TM_01_keepalive_always),
        cmocka_unit_test(test_TM_01_keepalive_answered),
        cmocka_unit_test(test_TM_01_keepidle_after_enable),
        cmocka_unit_test(test_TM_01_keepalive_enable_after_idle),
        cmocka_unit_test(test_TM_02_virtual_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
