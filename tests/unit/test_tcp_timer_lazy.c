/* The connection timers are requeued lazily (src/tcp/tcb.c): a deadline
 * that moves later leaves its queue entry early. These tests hold the
 * observable contract (DT-6): the retransmission fires exactly at the
 * restarted deadline, never at the stale one, and tk_stack_next_deadline
 * names the true earliest deadline. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcp/tcb.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t zeros[2000];

/* DT-6: an ACK restarts the retransmission timer for the data still
 * outstanding (RFC 6298 5.3); the old deadline sends nothing, the new one
 * retransmits, and the stack names the new one. */
static void test_DT_06_restarted_rto_fires_at_new_deadline_only(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_mss(&h, ISS, IRS, 1000, 0, 0);
    tkh_seg g;
    tk_send(h.s, sd, zeros, 1000);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 1000);
    tk_time first = tk_stack_next_deadline(h.s);
    assert_true(first > h.now && first != TK_TIME_NEVER);

    tkh_run_until(&h, h.now + (first - h.now) / 2);
    tk_send(h.s, sd, zeros, 1000);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 1000, R1, 1000);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    tk_time second = tk_stack_next_deadline(h.s);
    assert_true(second > first);

    tkh_run_until(&h, second - 1); /* passes the stale deadline */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 0);
    tkh_run_until(&h, second);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1 + 1000, R1, 1000);
    assert_int_equal(g.at, second);
    tkh_fini(&h);
}

/* DT-6: with everything acknowledged no timer is left (RFC 6298 5.2), even
 * though the queue entry of the stopped timer is only dropped lazily. */
static void test_DT_06_stopped_rto_leaves_no_deadline(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_mss(&h, ISS, IRS, 1000, 0, 0);
    tkh_seg g;
    tk_send(h.s, sd, zeros, 1000);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 1000);
    tkh_inject(&h, TK_TCP_ACK, R1, S1 + 1000, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_next_deadline(h.s), TK_TIME_NEVER);
    tkh_run_until(&h, h.now + TK_SEC(120));
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* Each timer kind a connection keeps has a slot of its own in the cold
 * part; TK_TIMER_NONE and the kinds of features compiled out have none
 * (TK_TIMER_SLOTS deadlines, not one per enum value). */
static void test_DT_06_timer_slots_distinct(void **state) {
    (void)state;
    int used[TK_TIMER_SLOTS] = {0};
    int kept = 0;
    assert_int_equal(tk_timer_slot(TK_TIMER_NONE), -1);
    assert_int_equal(tk_timer_slot(TK_TIMER_COUNT), -1);
    for (int k = TK_TIMER_NONE + 1; k < TK_TIMER_COUNT; k++) {
        int i = tk_timer_slot(k);
        bool out = (k == TK_TIMER_KEEPALIVE && !TK_WITH_KEEPALIVE) ||
                   (k == TK_TIMER_PACE && !TK_WITH_PACING);
        if (out) {
            assert_int_equal(i, -1);
            continue;
        }
        assert_true(i >= 0 && i < TK_TIMER_SLOTS);
        assert_int_equal(used[i]++, 0);
        kept++;
    }
    assert_int_equal(kept, TK_TIMER_SLOTS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_06_restarted_rto_fires_at_new_deadline_only),
        cmocka_unit_test(test_DT_06_stopped_rto_leaves_no_deadline),
        cmocka_unit_test(test_DT_06_timer_slots_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
