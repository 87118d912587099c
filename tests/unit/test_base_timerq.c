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

/* A queue of `cap` slots over `ids` ids. */
typedef struct fixture {
    tk_timerq q;
    tk_timerq_slot heap[NODES];
    uint32_t pos[NODES];
} fixture;

static tk_timerq *make(fixture *f, uint32_t cap, uint32_t ids) {
    tk_timerq_init(&f->q, f->heap, cap, f->pos, ids);
    return &f->q;
}

/* The id popped now, or UINT32_MAX when none is due. */
static uint32_t pop(tk_timerq *q, tk_time now) {
    uint32_t id = UINT32_MAX;
    return tk_timerq_pop_due(q, now, &id) ? id : UINT32_MAX;
}

static void test_empty_queue(void **state) {
    (void)state;
    fixture f;
    tk_timerq *q = make(&f, 4, 4);
    assert_true(tk_timerq_next(q) == TK_TIME_NEVER);
    assert_int_equal(pop(q, TK_TIME_NEVER), UINT32_MAX);
    assert_false(tk_timerq_armed(q, 0));
    assert_true(tk_timerq_deadline(q, 0) == TK_TIME_NEVER);
    tk_timerq_cancel(q, 0);  /* cancel of an unarmed id is a no-op */
    tk_timerq_cancel(q, 99); /* and of one out of range */
    assert_false(tk_timerq_armed(q, 99));
    assert_int_equal(tk_timerq_arm(q, 4, 1), -EINVAL);
    assert_int_equal(q->count, 0);
}

static void test_TM_02_pops_in_deadline_order(void **state) {
    (void)state;
    fixture f;
    tk_timerq *q = make(&f, 8, 5);
    const tk_time when[5] = {500, 100, 400, 200, 300};
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(tk_timerq_arm(q, i, when[i]), 0);
        assert_true(tk_timerq_armed(q, i));
        assert_true(tk_timerq_deadline(q, i) == when[i]);
    }
    assert_true(tk_timerq_next(q) == 100);
    assert_int_equal(pop(q, 99), UINT32_MAX);
    assert_int_equal(pop(q, 100), 1);
    assert_false(tk_timerq_armed(q, 1));
    assert_int_equal(pop(q, 199), UINT32_MAX);
    assert_int_equal(pop(q, 1000), 3);
    assert_int_equal(pop(q, 1000), 4);
    assert_int_equal(pop(q, 1000), 2);
    assert_int_equal(pop(q, 1000), 0);
    assert_int_equal(pop(q, 1000), UINT32_MAX);
    assert_true(tk_timerq_next(q) == TK_TIME_NEVER);
}

static void test_rearm_moves_node(void **state) {
    (void)state;
    fixture f;
    tk_timerq *q = make(&f, 3, 3);
    assert_int_equal(tk_timerq_arm(q, 0, 10), 0);
    assert_int_equal(tk_timerq_arm(q, 1, 20), 0);
    assert_int_equal(tk_timerq_arm(q, 2, 30), 0);
    assert_int_equal(tk_timerq_arm(q, 0, 40), 0); /* later: 0 moves down */
    assert_int_equal(q->count, 3);
    assert_true(tk_timerq_next(q) == 20);
    assert_int_equal(tk_timerq_arm(q, 2, 5), 0); /* earlier: 2 moves up */
    assert_true(tk_timerq_next(q) == 5);
    assert_int_equal(pop(q, 100), 2);
    assert_int_equal(pop(q, 100), 1);
    assert_int_equal(pop(q, 100), 0);
}

static void test_full_queue_refuses_new_but_moves_armed(void **state) {
    (void)state;
    fixture f;
    tk_timerq *q = make(&f, 2, 3);
    assert_int_equal(tk_timerq_arm(q, 0, 1), 0);
    assert_int_equal(tk_timerq_arm(q, 1, 2), 0);
    assert_int_equal(tk_timerq_arm(q, 2, 3), -ENOBUFS);
    assert_false(tk_timerq_armed(q, 2));
    assert_int_equal(tk_timerq_arm(q, 0, 9), 0);
    assert_int_equal(q->count, 2);
    assert_true(tk_timerq_next(q) == 2);
}

static void test_cancel_middle_and_last(void **state) {
    (void)state;
    fixture f;
    tk_timerq *q = make(&f, 4, 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(tk_timerq_arm(q, i, 10 * (i + 1)), 0);
    tk_timerq_cancel(q, 3); /* the last slot */
    tk_timerq_cancel(q, 0); /* the root */
    tk_timerq_cancel(q, 0); /* again: no-op */
    assert_int_equal(q->count, 2);
    assert_false(tk_timerq_armed(q, 0));
    assert_int_equal(pop(q, 100), 1);
    assert_int_equal(pop(q, 100), 2);
    assert_int_equal(pop(q, 100), UINT32_MAX);
}

/* Equal deadlines: the pop order is a function of the operation sequence
 * only. Two queues driven identically pop identical ids. */
static void test_ties_are_deterministic(void **state) {
    (void)state;
    fixture f1, f2;
    tk_timerq *q1 = make(&f1, 16, 16), *q2 = make(&f2, 16, 16);
    for (uint32_t i = 0; i < 16; i++) {
        assert_int_equal(tk_timerq_arm(q1, i, 7 + (i % 2)), 0);
        assert_int_equal(tk_timerq_arm(q2, i, 7 + (i % 2)), 0);
    }
    tk_timerq_cancel(q1, 4);
    tk_timerq_cancel(q2, 4);
    for (int k = 0; k < 15; k++) {
        tk_time at = tk_timerq_next(q1);
        uint32_t a = pop(q1, 8), b = pop(q2, 8);
        assert_int_equal(a, b);
        assert_true(at == (k < 7 ? 7u : 8u));
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
        assert_int_equal(q->pos[q->heap[i].id], i);
        if (i > 0)
            assert_true(q->heap[(i - 1) / 2].deadline <= q->heap[i].deadline);
    }
}

/* Model: armed flag and deadline per id; the earliest armed deadline must
 * be what next() reports and what pop_due() returns. */
static void test_TM_02_random_ops_against_model(void **state) {
    (void)state;
    fixture f;
    bool armed[NODES] = {false};
    tk_time deadline[NODES] = {0};
    uint32_t seed = 0x9e3779b9u, count = 0, refused = 0, popped = 0;
    tk_time now = 0;
    tk_timerq *q = make(&f, QCAP, NODES);
    for (int step = 0; step < 20000; step++) {
        uint32_t op = rng(&seed) % 10u, i = rng(&seed) % NODES;
        if (op < 5) {
            tk_time when = now + rng(&seed) % 1000u;
            int rc = tk_timerq_arm(q, i, when);
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
            tk_timerq_cancel(q, i);
            count -= armed[i] ? 1 : 0;
            armed[i] = false;
        } else {
            now += rng(&seed) % 60u;
            uint32_t k;
            tk_time last = 0;
            while ((k = pop(q, now)) != UINT32_MAX) {
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
            assert_int_equal(tk_timerq_armed(q, j), armed[j]);
            if (armed[j]) {
                assert_true(tk_timerq_deadline(q, j) == deadline[j]);
                if (deadline[j] < min)
                    min = deadline[j];
            }
        }
        assert_int_equal(q->count, count);
        assert_true(tk_timerq_next(q) == min);
        check_heap(q);
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
