/* The simulated link's bottleneck buffer in bytes (SPEC DT-13's simulated
 * bottleneck, docs/congestion.md): drop-tail on the bytes still to be
 * serialized, the frame in transmission included; with the frame limit
 * both apply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "simlink.h"

static tk_simlink *link_with(const tk_simlink_params *p) {
    tk_simlink *l = NULL;
    assert_int_equal(tk_simlink_create(&l, 7, 64), 0);
    assert_int_equal(tk_simlink_set_params(l, TK_SIMLINK_AB, p), 0);
    return l;
}

static int send_at(tk_simlink *l, size_t len, tk_time now, tk_time *at) {
    static uint8_t f[TK_SIMLINK_MAX_FRAME];
    memset(f, 0x33, len);
    return tk_simlink_send(l, TK_SIMLINK_AB, f, len, now, at);
}

/* 8 Mbit/s: one byte per microsecond. A 3000-byte buffer takes three
 * 1000-byte frames at once (3000 bytes to serialize), not a fourth; once
 * the first has left the wire (1000 us) one more fits. */
static void test_DT_13_simlink_byte_limit_drop_tail(void **state) {
    (void)state;
    tk_simlink_params p = {.bandwidth_bps = 8000000, .queue_limit_bytes = 3000, .delay = 100};
    tk_simlink *l = link_with(&p);
    tk_time at;
    assert_int_equal(send_at(l, 1000, 0, &at), TK_SIMLINK_QUEUED);
    assert_int_equal(at, 1100);
    assert_int_equal(send_at(l, 1000, 0, &at), TK_SIMLINK_QUEUED);
    assert_int_equal(at, 2100);
    assert_int_equal(send_at(l, 1000, 0, &at), TK_SIMLINK_QUEUED);
    assert_int_equal(at, 3100);
    assert_int_equal(send_at(l, 1000, 0, &at), TK_SIMLINK_QUEUE_FULL);
    assert_int_equal(at, TK_TIME_NEVER);
    assert_int_equal(send_at(l, 1, 0, &at), TK_SIMLINK_QUEUE_FULL);      /* not even one byte */
    assert_int_equal(send_at(l, 1000, 999, &at), TK_SIMLINK_QUEUE_FULL); /* 3001 left */
    assert_int_equal(send_at(l, 1000, 1000, &at), TK_SIMLINK_QUEUED);
    assert_int_equal(at, 4100);
    tk_simlink_stats st;
    assert_int_equal(tk_simlink_get_stats(l, TK_SIMLINK_AB, &st), 0);
    assert_int_equal(st.queue_drops, 3);
    assert_int_equal(st.sent, 7);
    tk_simlink_destroy(l);
}

/* Both limits: whichever is reached first drops; 0 turns the byte limit
 * off, and without a bandwidth there is no queue to limit. */
static void test_DT_13_simlink_byte_and_frame_limits(void **state) {
    (void)state;
    tk_simlink_params p = {.bandwidth_bps = 8000000, .queue_limit = 2, .queue_limit_bytes = 10000};
    tk_simlink *l = link_with(&p);
    assert_int_equal(send_at(l, 100, 0, NULL), TK_SIMLINK_QUEUED);
    assert_int_equal(send_at(l, 100, 0, NULL), TK_SIMLINK_QUEUED);
    assert_int_equal(send_at(l, 100, 0, NULL), TK_SIMLINK_QUEUE_FULL); /* two frames */
    tk_simlink_destroy(l);
    tk_simlink_params q = {.bandwidth_bps = 8000000};
    l = link_with(&q);
    for (int i = 0; i < 20; i++)
        assert_int_equal(send_at(l, 1500, 0, NULL), TK_SIMLINK_QUEUED);
    tk_simlink_destroy(l);
    tk_simlink_params r = {.queue_limit_bytes = 100};
    l = link_with(&r);
    for (int i = 0; i < 5; i++)
        assert_int_equal(send_at(l, 1500, 0, NULL), TK_SIMLINK_QUEUED);
    tk_simlink_destroy(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_13_simlink_byte_limit_drop_tail),
        cmocka_unit_test(test_DT_13_simlink_byte_and_frame_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
