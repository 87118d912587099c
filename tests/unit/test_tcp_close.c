/* Closing connections, exact segments and timers (CM-3..CM-9, CM-12,
 * CM-13). The stack is the server of a passive open; ISS just below 2^32. */
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
#define IRS 0xfffffffau

static int open_conn(tkh *h, uint32_t retries2) {
    return tkh_open_mss(h, ISS, IRS, 1460, 0, retries2);
}

#define S1 (ISS + 1) /* first data byte we send */
#define R1 (IRS + 1) /* first data byte the peer sends */

/* close() on an ESTABLISHED descriptor: FIN_WAIT_1, the FIN leaves at the
 * next poll. */
static void close_sends_fin(tkh *h, int sd, tkh_seg *g) {
    tk_close(h->s, sd);
    tkh_poll(h);
    TKH_EXPECT(h, g, TK_TCP_FIN | TK_TCP_ACK, S1, R1, 0);
}

/* The same, then the peer's FIN acknowledges ours: ACKed, TIME_WAIT. */
static void close_to_time_wait(tkh *h, int sd, tkh_seg *g) {
    close_sends_fin(h, sd, g);
    tkh_inject(h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(h, g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
}

static void test_CM_03_active_close_exact(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    assert_int_equal(tk_close(h.s, sd), 0);
    TKH_NOTHING(&h);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    const tkh_event *e = tkh_last_state(&h);
    assert_int_equal(e->old_state, TK_TCP_FIN_WAIT_2);
    assert_int_equal(e->new_state, TK_TCP_TIME_WAIT);
    assert_string_equal(e->cause, "rcv FIN");
    tkh_fini(&h);
}

static void test_CM_03_passive_close_exact(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_CLOSE_WAIT), 1);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), 0); /* end of stream */
    assert_int_equal(tk_poll_events(h.s, sd) & TK_POLLIN, TK_POLLIN);
    tkh_seg g;
    tkh_run_until(&h, h.now + TK_MS(40));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 1, 0);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LAST_ACK), 1);
    tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LAST_ACK), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_CLOSED), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* CM-4: the ACK of the FIN waits 40 ms; a close() within that time makes
 * one FIN+ACK segment (three-segment close). */
static void test_CM_04_fin_ack_delayed_and_combined(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tk_time t0 = h.now;
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_next_deadline(h.s), t0 + TK_MS(40));
    tkh_run_until(&h, t0 + TK_MS(39));
    TKH_NOTHING(&h);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 1, 0);
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + TK_MS(100));
    TKH_NOTHING(&h); /* the delayed ACK was absorbed */
    tkh_fini(&h);
}

/* CM-5: FIN_WAIT_1 + FIN that acknowledges our FIN -> TIME_WAIT. */
static void test_CM_05_fin_wait_1_fin_ack_to_time_wait(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tkh_seg g;
    close_to_time_wait(&h, sd, &g);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tkh_count_transitions(&h, TK_TCP_FIN_WAIT_1, TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tkh_count_transitions(&h, TK_TCP_FIN_WAIT_1, TK_TCP_FIN_WAIT_2), 0);
    tkh_fini(&h);
}

/* CM-6: simultaneous close through CLOSING. */
static void test_CM_06_simultaneous_close(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tkh_seg g;
    close_sends_fin(&h, sd, &g);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    /* The ACK of their FIN carries our unacknowledged FIN again. */
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_CLOSING), 1);
    tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    assert_int_equal(tkh_count_transitions(&h, TK_TCP_CLOSING, TK_TCP_TIME_WAIT), 1);
    tkh_fini(&h);
}

/* CM-7: shutdown(write) sends FIN; data still arrives in FIN_WAIT_2. */
static void test_CM_07_half_close_receives(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    assert_int_equal(tk_shutdown(h.s, sd, TK_SHUT_WR), 0);
    assert_int_equal(tk_send(h.s, sd, "x", 1), -EPIPE);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1 + 1, 65535, NULL, "abcd", 4);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "abcd", 4);
    tkh_run_until(&h, h.now + TK_MS(40));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 4, 0);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1 + 4, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 5, 0);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    /* The descriptor still holds the TIME_WAIT TCB; closing it keeps the
     * 2MSL reservation in a compact entry. */
    assert_int_equal(tk_close(h.s, sd), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tk_conn_info ci[4];
    assert_int_equal(tk_stack_conn_table(h.s, ci, 4), 2); /* listener + TIME_WAIT */
    tkh_fini(&h);
}

/* CM-8: queued data leaves first; the FIN rides on the last segment. */
static void test_CM_08_data_then_fin(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    static uint8_t buf[3000];
    assert_int_equal(tk_send(h.s, sd, buf, sizeof(buf)), 3000);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 1460);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1460, R1, 1460);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH | TK_TCP_FIN, S1 + 2920, R1, 80);
    TKH_NOTHING(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 3001, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_fini(&h);
}

/* CM-9: 2MSL; a retransmitted FIN is ACKed and restarts it; a RST does
 * not end it (RFC 1337). */
static void test_CM_09_time_wait_refin_and_rst(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tkh_seg g;
    close_to_time_wait(&h, sd, &g);
    tk_time t0 = h.now;
    tkh_run_until(&h, t0 + TK_SEC(30));
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    tkh_inject(&h, TK_TCP_RST, R1 + 1, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_time_wait_rst, 1);
    tkh_run_until(&h, t0 + TK_SEC(89));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_run_until(&h, t0 + TK_SEC(90));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    const tkh_event *e = tkh_last_state(&h);
    assert_int_equal(e->new_state, TK_TCP_CLOSED);
    assert_string_equal(e->cause, "2MSL timeout");
    assert_int_equal(e->at, t0 + TK_SEC(90));
    /* The 4-tuple is free again: a segment now gets a RST. */
    tkh_inject(&h, TK_TCP_ACK, R1 + 1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, S1 + 1, 0, 0);
    tkh_fini(&h);
}

/* CM-12: LAST_ACK retransmits the FIN with backoff (RTO 200 ms after a
 * zero-time handshake), then deletes the connection after retries2. */
static void test_CM_12_last_ack_fin_retries(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 3);
    tkh_inject(&h, TK_TCP_FIN | TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    tk_close(h.s, sd);
    tkh_poll(&h);
    tk_time t0 = h.now;
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 1, 0);
    static const int at[] = {200, 600, 1400};
    for (int i = 0; i < 3; i++) {
        tkh_run_until(&h, t0 + TK_MS(at[i]));
        TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 1, 0);
        assert_int_equal(g.at, t0 + TK_MS(at[i]));
    }
    tkh_run_until(&h, t0 + TK_MS(2999));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LAST_ACK), 1);
    tkh_run_until(&h, t0 + TK_MS(3000));
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LAST_ACK), 0);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 3);
    tkh_fini(&h);
}

/* CM-13: an orphaned FIN_WAIT_2 goes after fin_wait2_timeout (60 s); a
 * half-closed one (descriptor kept) stays. */
static void test_CM_13_orphan_fin_wait_2_timeout(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tk_close(h.s, sd);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    tk_time t0 = h.now;
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_run_until(&h, t0 + TK_SEC(60) - 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_run_until(&h, t0 + TK_SEC(60));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 0);
    assert_string_equal(tkh_last_state(&h)->cause, "FIN_WAIT_2 timeout");
    tkh_fini(&h);
}

static void test_CM_13_half_closed_fin_wait_2_stays(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, 0);
    tk_shutdown(h.s, sd, TK_SHUT_WR);
    tkh_poll(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    tkh_run_until(&h, h.now + TK_SEC(600));
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_2), 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_CM_03_active_close_exact),
        cmocka_unit_test(test_CM_03_passive_close_exact),
        cmocka_unit_test(test_CM_04_fin_ack_delayed_and_combined),
        cmocka_unit_test(test_CM_05_fin_wait_1_fin_ack_to_time_wait),
        cmocka_unit_test(test_CM_06_simultaneous_close),
        cmocka_unit_test(test_CM_07_half_close_receives),
        cmocka_unit_test(test_CM_08_data_then_fin),
        cmocka_unit_test(test_CM_09_time_wait_refin_and_rst),
        cmocka_unit_test(test_CM_12_last_ack_fin_retries),
        cmocka_unit_test(test_CM_13_orphan_fin_wait_2_timeout),
        cmocka_unit_test(test_CM_13_half_closed_fin_wait_2_stays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
