/* SO_LINGER with a timeout, and tk_stack_sizes (API-1, RS-2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "socket/events.h"
#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u
#define IRS 0x00002000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static int open_linger(tkh *h, int secs) {
    int sd = tkh_open_fixed(h, NULL, ISS, IRS, NULL);
    tk_linger l = {1, secs};
    assert_int_equal(tk_setsockopt(h->s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &l, sizeof(l)), 0);
    tk_linger got = {0, 0};
    size_t len = sizeof(got);
    assert_int_equal(tk_getsockopt(h->s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &got, &len), 0);
    assert_int_equal(got.onoff, 1);
    assert_int_equal(got.linger, secs);
    return sd;
}

/* API-1 SO_LINGER {1, 5}: close() returns at once and sends FIN; when the
 * peer does not acknowledge it within 5 s the connection is aborted with
 * RST (SEQ = SND.NXT) instead of retrying on. */
static void test_API_01_linger_timeout_aborts(void **state) {
    (void)state;
    tkh h;
    int sd = open_linger(&h, 5);
    tk_time t0 = h.now;
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH | TK_TCP_FIN, S1, R1, 3);
    tkh_run_until(&h, t0 + TK_SEC(5) - 1);
    /* Retransmissions of the data and FIN meanwhile. */
    while (tkh_next(&h, &g))
        assert_int_equal(g.flags, TK_TCP_ACK | TK_TCP_PSH | TK_TCP_FIN);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 1);
    tkh_run_until(&h, t0 + TK_SEC(5));
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1 + 4, R1, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 0);
    assert_int_equal(tk_stack_next_deadline(h.s), TK_TIME_NEVER);
    tkh_fini(&h);
}

/* API-1 SO_LINGER {1, 5}: a graceful close within the time is a normal
 * close (FIN_WAIT_2, then TIME_WAIT), no RST. */
static void test_API_01_linger_graceful_in_time(void **state) {
    (void)state;
    tkh h;
    int sd = open_linger(&h, 5);
    tk_time t0 = h.now;
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_FIN, S1, R1, 0);
    h.now = t0 + TK_SEC(1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_run_until(&h, t0 + TK_SEC(10));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tk_stack_stats(h.s)->rsts_sent, 0);
    tkh_fini(&h);
}

/* RS-2: SO_LINGER {1, 0} still aborts at once; a negative time is invalid;
 * {0, n} turns lingering off. */
static void test_RS_02_linger_zero_and_off(void **state) {
    (void)state;
    tkh h;
    int sd = open_linger(&h, 0);
    tk_linger bad = {1, -1};
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &bad, sizeof(bad)),
                     -EINVAL);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1, R1, 0);
    int sd2 = tk_socket(h.s);
    tk_linger off = {0, 7};
    assert_int_equal(tk_setsockopt(h.s, sd2, TK_SOL_SOCKET, TK_SO_LINGER, &off, sizeof(off)), 0);
    tk_linger got = {9, 9};
    size_t len = sizeof(got);
    assert_int_equal(tk_getsockopt(h.s, sd2, TK_SOL_SOCKET, TK_SO_LINGER, &got, &len), 0);
    assert_int_equal(got.onoff, 0);
    assert_int_equal(got.linger, 0);
    tkh_fini(&h);
}

/* API-2: object sizes without private headers; they add up to no more
 * than tk_stack_mem_size() says for a large pool. */
static void test_API_02_stack_sizes(void **state) {
    (void)state;
    tk_sizes z;
    tk_stack_sizes(NULL, &z);
    assert_true(z.tcb > 0);
    assert_true(z.time_wait > 0 && z.time_wait <= 64);
    assert_int_equal(z.time_wait_ix, z.time_wait + 8);
    /* hash heads, timer heap slot and position, event subscription */
    assert_int_equal(z.socket, z.tcb + 16 + 16 + 4 + tk_sock_events_slot_size());
    /* With a SACK scoreboard and a reassembly tracker per socket (the
     * defaults), a connection's control state is the TCB and both parts. */
    assert_int_equal(z.tcb, z.tcb_hot + z.tcb_cold + z.sack_board + z.reass);
    assert_true(z.tcb_hot <= 256); /* four cache lines */
    assert_true(z.sockopts < z.tcb_cold);
    assert_true(z.half_open > 0 && z.half_open < z.tcb_hot);
    tk_config c;
    tk_config_default(&c);
    assert_true(z.conn_buffers >= (size_t)c.rcvbuf + c.sndbuf);
    c.rcvbuf = c.sndbuf = 4096;
    tk_sizes y;
    tk_stack_sizes(&c, &y);
    /* Buffer-pool chunks of 2048 bytes (+ a 4-byte link each): the receive
     * buffer with its 512-byte slack spans 3 and the send buffer 2, each
     * one more when it starts mid-chunk. */
    assert_int_equal(y.conn_buffers, (3 + 1 + 2 + 1) * (2048 + 4));
    /* Growth of the block per added socket matches socket + buffers. */
    c.max_sockets = 1u << 12;
    size_t m1 = tk_stack_mem_size(&c);
    c.max_sockets = 1u << 13;
    size_t m2 = tk_stack_mem_size(&c);
    size_t per = (m2 - m1) >> 12;
    assert_true(per >= y.tcb + y.conn_buffers);
    assert_true(per <= y.socket + y.conn_buffers + 16);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_01_linger_timeout_aborts),
        cmocka_unit_test(test_API_01_linger_graceful_in_time),
        cmocka_unit_test(test_RS_02_linger_zero_and_off),
        cmocka_unit_test(test_API_02_stack_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
