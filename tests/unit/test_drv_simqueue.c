/* The simulated link's delivery queue (drivers/simqueue.h): entries come out
 * exactly in (arrival time, send order) whether they went to the FIFO or to
 * the heap, across wrap-around of the FIFO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simqueue.h"

#define CAP 64u

static tk_simq_ent heap[CAP], fifo[CAP];

static uint32_t pop_checked(tk_simq *q) {
    tk_simq_ent head;
    assert_true(tk_simq_peek(q, &head));
    uint32_t idx = tk_simq_pop(q);
    assert_int_equal(idx, head.idx);
    return idx;
}

/* In-order arrivals stay in the FIFO; one earlier arrival overtakes them;
 * equal times keep send order. */
static void test_order_fifo_heap_and_ties(void **state) {
    (void)state;
    tk_simq q;
    tk_simq_init(&q, heap, fifo, CAP);
    tk_simq_push(&q, (tk_simq_ent){100, 0, 10});
    tk_simq_push(&q, (tk_simq_ent){200, 1, 11});
    tk_simq_push(&q, (tk_simq_ent){150, 2, 12}); /* earlier than the last: heap */
    tk_simq_push(&q, (tk_simq_ent){200, 3, 13}); /* tie with 11: after it */
    tk_simq_push(&q, (tk_simq_ent){100, 4, 14}); /* tie with 10: after it */
    assert_int_equal(q.heap_count, 2);
    assert_int_equal(q.fifo_count, 3);
    assert_int_equal(tk_simq_count(&q), 5);
    uint32_t want[] = {10, 14, 12, 11, 13};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pop_checked(&q), want[i]);
    tk_simq_ent e;
    assert_false(tk_simq_peek(&q, &e));
    assert_int_equal(tk_simq_count(&q), 0);
}

/* Random arrivals, pushes and pops interleaved, many times round the FIFO:
 * the output is the sorted order of (at, order) among what was queued. */
static void test_order_random_against_sort(void **state) {
    (void)state;
    tk_simq q;
    tk_simq_init(&q, heap, fifo, CAP);
    tk_simq_ent live[CAP];
    uint32_t nlive = 0;
    uint64_t order = 0;
    srand(7);
    tk_time now = 0;
    for (int step = 0; step < 20000; step++) {
        bool push = nlive == 0 || (nlive < CAP && rand() % 2);
        if (push) {
            now += (tk_time)(rand() % 3);
            /* Mostly a fixed delay; sometimes jitter earlier or later. */
            tk_time at = now + 50 + (rand() % 8 == 0 ? (tk_time)(rand() % 40) : 20);
            tk_simq_ent e = {at, order++, (uint32_t)step};
            tk_simq_push(&q, e);
            live[nlive++] = e;
            continue;
        }
        uint32_t best = 0;
        for (uint32_t i = 1; i < nlive; i++)
            if (live[i].at < live[best].at ||
                (live[i].at == live[best].at && live[i].order < live[best].order))
                best = i;
        assert_int_equal(pop_checked(&q), live[best].idx);
        live[best] = live[--nlive];
        assert_int_equal(tk_simq_count(&q), nlive);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_fifo_heap_and_ties),
        cmocka_unit_test(test_order_random_against_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
