/* Timer queue (SPEC TM-2: timers run on caller time): exact ordering,
 * re-arm, cancel, capacity, and thousands of random operations checked
 * against a brute-force model. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "base/timerq.h"

#define NODES 64u
#define QCAP  24u

static void test_empty_queue(void **state) {
    (void)state;
    tk_timerq_node *storage[4];
    tk_timerq q;
    tk_timerq_init(&q, storage, 4);
    assert_true(tk_timerq_next(&q) == TK_TIME_NEVER);
    assert_null(tk_timerq_pop_due(&q, TK_TIME_NEVER));
    tk_timerq_node n;
    tk_timerq_node_init(&n);
    assert_false(tk_timerq_armed(&n));
    tk_timerq_cancel(&q, &n); /* cancel of an unarmed node is a no-op */
    assert_int_equal(q.count, 0);
    assert_int_equal(n.index, TK_TIMERQ_UNARMED);
}

static void test_TM_02_pops_in_deadline_order(void **state) {
    (void)state;
    tk_timerq_node *storage[8], n[5];
    tk_timerq q;
    tk_timerq_init(&q, storage, 8);
    const tk_time when[5] = {500, 100, 400, 200, 300};
    for (int i = 0; i < 5; i++) {
        tk_timerq_node_init(&n[i]);
        assert_int_equal(tk_timerq_arm(&q, &n[i], when[i]), 0);
        assert_true(tk_timerq_armed(&n[i]));
    }
    assert_true(tk_timerq_next(&q) == 100);
    assert_null(tk_timerq_pop_due(&q, 99));
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &n[1]);
    assert_false(tk_timerq_armed(&n[1]));
    assert_null(tk_timerq_pop_due(&q, 199));
    assert_ptr_equal(tk_timerq_pop_due(&q, 1000), &n[3]);
    assert_ptr_equal(tk_timerq_pop_due(&q, 1000), &n[4]);
    assert_ptr_equal(tk_timerq_pop_due(&q, 1000), &n[2]);
    assert_ptr_equal(tk_timerq_pop_due(&q, 1000), &n[0]);
    assert_null(tk_timerq_pop_due(&q, 1000));
    assert_true(tk_timerq_next(&q) == TK_TIME_NEVER);
}

static void test_rearm_moves_node(void **state) {
    (void)state;
    tk_timerq_node *storage[3], a, b, c;
    tk_timerq q;
    tk_timerq_init(&q, storage, 3);
    tk_timerq_node_init(&a);
    tk_timerq_node_init(&b);
    tk_timerq_node_init(&c);
    assert_int_equal(tk_timerq_arm(&q, &a, 10), 0);
    assert_int_equal(tk_timerq_arm(&q, &b, 20), 0);
    assert_int_equal(tk_timerq_arm(&q, &c, 30), 0);
    assert_int_equal(tk_timerq_arm(&q, &a, 40), 0); /* later: a moves down */
    assert_int_equal(q.count, 3);
    assert_true(tk_timerq_next(&q) == 20);
    assert_int_equal(tk_timerq_arm(&q, &c, 5), 0); /* earlier: c moves up */
    assert_int_equal(c.index, 0);
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &c);
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &b);
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &a);
}

static void test_full_queue_refuses_new_but_moves_armed(void **state) {
    (void)state;
    tk_timerq_node *storage[2], a, b, c;
    tk_timerq q;
    tk_timerq_init(&q, storage, 2);
    tk_timerq_node_init(&a);
    tk_timerq_node_init(&b);
    tk_timerq_node_init(&c);
    assert_int_equal(tk_timerq_arm(&q, &a, 1), 0);
    assert_int_equal(tk_timerq_arm(&q, &b, 2), 0);
    assert_int_equal(tk_timerq_arm(&q, &c, 3), -ENOBUFS);
    assert_false(tk_timerq_armed(&c));
    assert_int_equal(tk_timerq_arm(&q, &a, 9), 0);
    assert_int_equal(q.count, 2);
    assert_true(tk_timerq_next(&q) == 2);
}

static void test_cancel_middle_and_last(void **state) {
    (void)state;
    tk_timerq_node *storage[4], n[4];
    tk_timerq q;
    tk_timerq_init(&q, storage, 4);
    for (uint32_t i = 0; i < 4; i++) {
        tk_timerq_node_init(&n[i]);
        assert_int_equal(tk_timerq_arm(&q, &n[i], 10 * (i + 1)), 0);
    }
    tk_timerq_cancel(&q, &n[3]); /* the last slot */
    tk_timerq_cancel(&q, &n[0]); /* the root */
    tk_timerq_cancel(&q, &n[0]); /* again: no-op */
    assert_int_equal(q.count, 2);
    assert_false(tk_timerq_armed(&n[0]));
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &n[1]);
    assert_ptr_equal(tk_timerq_pop_due(&q, 100), &n[2]);
    assert_null(tk_timerq_pop_due(&q, 100));
}

/* Equal deadlines: the pop order is a function of the operation sequence
 * only. Two queues driven identically pop identical node positions. */
static void test_ties_are_deterministic(void **state) {
    (void)state;
    tk_timerq_node *s1[16], *s2[16], n1[16], n2[16];
    tk_timerq q1, q2;
    tk_timerq_init(&q1, s1, 16);
    tk_timerq_init(&q2, s2, 16);
    for (uint32_t i = 0; i < 16; i++) {
        tk_timerq_node_init(&n1[i]);
        tk_timerq_node_init(&n2[i]);
        assert_int_equal(tk_timerq_arm(&q1, &n1[i], 7 + (i % 2)), 0);
        assert_int_equal(tk_timerq_arm(&q2, &n2[i], 7 + (i % 2)), 0);
    }
    tk_timerq_cancel(&q1, &n1[4]);
    tk_timerq_cancel(&q2, &n2[4]);
    for (int k = 0; k < 15; k++) {
        tk_timerq_node *a = tk_timerq_pop_due(&q1, 8), *b = tk_timerq_pop_due(&q2, 8);
        assert_int_equal(a - n1, b - n2);
        assert_true(a->deadline == (k < 7 ? 7u : 8u));
    }
}

static uint32_t rng(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void check_heap(const tk_timerq *q) {
    for (uint32_t i = 0; i < q->count; i++) {
        assert_int_equal(q->heap[i]->index, i);
        if (i > 0)
            assert_true(q->heap[(i - 1) / 2]->deadline <= q->heap[i]->deadline);
    }
}

/* Model: armed flag and deadline per node; the earliest armed deadline must
 * be what next() reports and what pop_due() returns. */
static void test_TM_02_random_ops_against_model(void **state) {
    (void)state;
    tk_timerq_node *storage[QCAP], nodes[NODES];
    bool armed[NODES] = {false};
    tk_time deadline[NODES] = {0};
    tk_timerq q;
    uint32_t seed = 0x9e3779b9u, count = 0, refused = 0, popped = 0;
    tk_time now = 0;
    tk_timerq_init(&q, storage, QCAP);
    for (uint32_t i = 0; i < NODES; i++)
        tk_timerq_node_init(&nodes[i]);
    for (int step = 0; step < 20000; step++) {
        uint32_t op = rng(&seed) % 10u, i = rng(&seed) % NODES;
        if (op < 5) {
            tk_time when = now + rng(&seed) % 1000u;
            int rc = tk_timerq_arm(&q, &nodes[i], when);
            if (!armed[i] && count == QCAP) {
                assert_int_equal(rc, -ENOBUFS);
                refused++;
            } else {
                assert_int_equal(rc, 0);
                count += armed[i] ? 0 : 1;
                armed[i] = true;
                deadline[i] = when;
            }
        } else if (op < 7) {
            tk_timerq_cancel(&q, &nodes[i]);
            count -= armed[i] ? 1 : 0;
            armed[i] = false;
        } else {
            now += rng(&seed) % 60u;
            tk_timerq_node *n;
            tk_time last = 0;
            while ((n = tk_timerq_pop_due(&q, now)) != NULL) {
                uint32_t k = (uint32_t)(n - nodes);
                assert_true(armed[k]);
                assert_true(deadline[k] <= now);
                assert_true(deadline[k] >= last);
                for (uint32_t j = 0; j < NODES; j++)
                    assert_false(armed[j] && deadline[j] < deadline[k]);
                last = deadline[k];
                armed[k] = false;
                count--;
                popped++;
            }
            for (uint32_t j = 0; j < NODES; j++)
                assert_false(armed[j] && deadline[j] <= now);
        }
        tk_time min = TK_TIME_NEVER;
        for (uint32_t j = 0; j < NODES; j++) {
            assert_int_equal(tk_timerq_armed(&nodes[j]), armed[j]);
            if (armed[j] && deadline[j] < min)
                min = deadline[j];
        }
        assert_int_equal(q.count, count);
        assert_true(tk_timerq_next(&q) == min);
        check_heap(&q);
    }
    printf("timerq model: %u popped, %u refused when full\n", popped, refused);
    /* The run must have exercised both a full queue and many expiries. */
    assert_true(refused > 100);
    assert_true(popped > 1000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_queue),
        cmocka_unit_test(test_TM_02_pops_in_deadline_order),
        cmocka_unit_test(test_rearm_moves_node),
        cmocka_unit_test(test_full_queue_refuses_new_but_moves_armed),
        cmocka_unit_test(test_cancel_middle_and_last),
        cmocka_unit_test(test_ties_are_deterministic),
        cmocka_unit_test(test_TM_02_random_ops_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
