/* The syncache (SEC-2): half-open connections answered from compact
 * entries, exact segments. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u /* DT-10: just below 2^32 */
#define IRS 0xffffff00u
#define S1  (ISS + 1u)
#define R1  (IRS + 1u)

static int half_open(tkh *h, int backlog) {
    tkh_init_fixed(h, NULL, ISS);
    int ls = tkh_listen_at(h, h->lport, backlog);
    tkh_inject(h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    return ls;
}

/* The entry is SYN_RCVD in the state count and the table (sd -1), and no
 * socket is taken: every socket but the listener is still free. */
static void test_SEC_02_entry_takes_no_socket(void **state) {
    (void)state;
    tkh h;
    half_open(&h, 4);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tk_conn_info ci[4];
    int n = tk_stack_conn_table(h.s, ci, 4);
    assert_int_equal(n, 2);
    assert_int_equal(ci[1].state, TK_TCP_SYN_RCVD);
    assert_int_equal(ci[1].sd, -1);
    assert_int_equal(ci[1].remote.port, h.rport);
    int got = 0;
    while (tk_socket(h.s) >= 0)
        got++;
    assert_int_equal(got, (int)h.cfg.max_sockets - 1);
    assert_int_equal(tk_stack_stats(h.s)->syncache_added, 1);
    tkh_fini(&h);
}

/* CM-16: the SYN-ACK again after 1, 2, 4, 8, 16 s; after synack_retries the
 * entry goes quietly. A retransmitted SYN gets the same SYN-ACK at once. */
static void test_SEC_02_synack_retransmit_and_give_up(void **state) {
    (void)state;
    tkh h;
    half_open(&h, 4);
    tk_time t0 = h.now, gap = h.cfg.rto_initial, at = t0;
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    for (uint32_t i = 0; i < h.cfg.synack_retries; i++) {
        at += gap;
        tkh_run_until(&h, at);
        TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
        assert_int_equal(g.at, at);
        gap *= 2;
    }
    tkh_run_until(&h, at + gap);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_int_equal(tk_stack_stats(h.s)->conn_timeouts, 1);
    tkh_fini(&h);
}

/* RS-5 for an entry: a RST at RCV.NXT removes it; one elsewhere in the
 * window draws a challenge ACK; one outside is dropped. */
static void test_SEC_02_rst_rules(void **state) {
    (void)state;
    tkh h;
    half_open(&h, 4);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_RST, R1 + 100000u, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_rst_out_of_window, 1);
    tkh_inject(&h, TK_TCP_RST, R1 + 10, 0, 0, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_rst_challenged, 1);
    tkh_inject(&h, TK_TCP_RST, R1, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    tkh_fini(&h);
}

/* RS-8: an ACK of something we never sent gets <SEQ=SEG.ACK><CTL=RST> and
 * the entry stays; the right ACK then completes the handshake. */
static void test_SEC_02_bad_ack_then_good(void **state) {
    (void)state;
    tkh h;
    int ls = half_open(&h, 4);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 5, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, S1 + 5, 0, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_true(tk_accept(h.s, ls, NULL) >= 0);
    tkh_fini(&h);
}

/* CM-14: with the accept queue full, the completing ACK is dropped and the
 * entry stays; once the application accepts, the peer's next ACK (here
 * with data) completes it. */
static void test_CM_14_full_queue_keeps_entry(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, h.lport, 1);
    uint16_t first = h.rport;
    tkh_seg g;
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0); /* fills the queue */
    h.rport = (uint16_t)(first + 1);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h); /* accept queue full: the SYN is dropped (CM-14) */
    int a = tk_accept(h.s, ls, NULL);
    assert_true(a >= 0);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    h.rport = (uint16_t)(first + 2);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0); /* the queue is full again */
    h.rport = (uint16_t)(first + 1);
    uint64_t overflow = tk_stack_stats(h.s)->drop_listen_overflow;
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_listen_overflow, overflow + 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    assert_true(tk_accept(h.s, ls, NULL) >= 0);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "hi", 2);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    int b = tk_accept(h.s, ls, NULL);
    assert_true(b >= 0);
    char buf[4];
    assert_int_equal(tk_recv(h.s, b, buf, sizeof buf), 2);
    tkh_fini(&h);
}

/* Closing the listener drops its entries; destroying the stack sends a RST
 * to every half-open peer (RS-9). */
static void test_SEC_02_listener_close_and_destroy(void **state) {
    (void)state;
    tkh h;
    int ls = half_open(&h, 4);
    assert_int_equal(tk_close(h.s, ls), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    tkh_fini(&h);

    half_open(&h, 4);
    tk_stack_destroy(h.s, h.now);
    h.s = NULL;
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST, S1, 0, 0);
    free(h.frames);
    h.frames = NULL;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_02_entry_takes_no_socket),
        cmocka_unit_test(test_SEC_02_synack_retransmit_and_give_up),
        cmocka_unit_test(test_SEC_02_rst_rules),
        cmocka_unit_test(test_SEC_02_bad_ack_then_good),
        cmocka_unit_test(test_CM_14_full_queue_keeps_entry),
        cmocka_unit_test(test_SEC_02_listener_close_and_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
