/* Object pools and the arena (SPEC SEC-5: bounded resources). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/pool.h"

typedef struct obj24 {
    uint64_t a, b, c;
} obj24;

static void test_mem_size_rounds_to_8(void **state) {
    (void)state;
    assert_int_equal(tk_pool_mem_size(24, 10), 240);
    assert_int_equal(tk_pool_mem_size(20, 10), 240);
    assert_int_equal(tk_pool_mem_size(1, 3), 24);
    assert_int_equal(tk_pool_mem_size(9, 0), 0);
}

static void test_SEC_05_alloc_until_exhausted(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[4 * 24];
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 4);
    assert_int_equal(p.obj_size, 24);
    assert_int_equal(p.cap, 4);
    void *o[4];
    for (uint32_t i = 0; i < 4; i++) {
        o[i] = tk_pool_alloc(&p);
        assert_ptr_equal(o[i], mem + 24 * i); /* handed out in index order */
        assert_int_equal(tk_pool_index(&p, o[i]), i);
        assert_ptr_equal(tk_pool_at(&p, i), o[i]);
    }
    assert_int_equal(p.used, 4);
    assert_int_equal(p.peak, 4);
    assert_null(tk_pool_alloc(&p));
    assert_null(tk_pool_alloc(&p));
    assert_int_equal(p.failures, 2);
    assert_int_equal(p.used, 4);
    assert_null(tk_pool_at(&p, 4));
}

static void test_free_is_lifo_and_counts(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[3 * 24];
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 3);
    void *a = tk_pool_alloc(&p), *b = tk_pool_alloc(&p), *c = tk_pool_alloc(&p);
    tk_pool_free(&p, b);
    tk_pool_free(&p, a);
    assert_int_equal(p.used, 1);
    assert_int_equal(p.peak, 3);
    assert_ptr_equal(tk_pool_alloc(&p), a);
    assert_ptr_equal(tk_pool_alloc(&p), b);
    assert_null(tk_pool_alloc(&p));
    assert_int_equal(p.failures, 1);
    tk_pool_free(&p, c);
    assert_int_equal(p.used, 2);
    assert_int_equal(p.peak, 3);
}

static void test_alloc_returns_zeroed(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[2 * 24];
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 2);
    obj24 *o = tk_pool_alloc(&p);
    memset(o, 0xab, sizeof *o);
    tk_pool_free(&p, o);
    obj24 *again = tk_pool_alloc(&p);
    assert_ptr_equal(again, o);
    assert_int_equal(again->a, 0);
    assert_int_equal(again->b, 0);
    assert_int_equal(again->c, 0);
}

/* A double free is a programming error; the pool ignores it and stays sound. */
static void test_double_free_ignored(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[3 * 24];
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 3);
    void *a = tk_pool_alloc(&p), *b = tk_pool_alloc(&p);
    tk_pool_free(&p, a);
    tk_pool_free(&p, a);
    assert_int_equal(p.used, 1);
    void *x = tk_pool_alloc(&p), *y = tk_pool_alloc(&p);
    assert_ptr_equal(x, a);
    assert_ptr_equal(y, mem + 48);
    assert_null(tk_pool_alloc(&p)); /* a was not handed out twice */
    (void)b;
}

/* Caller data that happens to look like the free marker is not a double free. */
static void test_live_object_with_marker_pattern_frees(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[2 * 24];
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 2);
    obj24 *a = tk_pool_alloc(&p);
    obj24 *b = tk_pool_alloc(&p);
    tk_pool_free(&p, b);
    memcpy(a, b, sizeof *a); /* copy the link and marker of a free object */
    tk_pool_free(&p, a);
    assert_int_equal(p.used, 0);
    assert_ptr_equal(tk_pool_alloc(&p), a);
    assert_ptr_equal(tk_pool_alloc(&p), b);
}

static void test_foreign_pointers_ignored(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[2 * 24];
    obj24 other;
    tk_pool p;
    tk_pool_init(&p, mem, sizeof(obj24), 2);
    void *a = tk_pool_alloc(&p);
    tk_pool_free(&p, NULL);
    tk_pool_free(&p, &other);
    tk_pool_free(&p, mem + 8);  /* inside an object, not its start */
    tk_pool_free(&p, mem + 48); /* one past the end */
    assert_int_equal(p.used, 1);
    tk_pool_free(&p, a);
    assert_int_equal(p.used, 0);
}

static void test_small_objects_hold_the_link(void **state) {
    (void)state;
    _Alignas(8) uint8_t mem[3 * 8];
    tk_pool p;
    tk_pool_init(&p, mem, 1, 3);
    assert_int_equal(p.obj_size, 8);
    uint8_t *a = tk_pool_alloc(&p), *b = tk_pool_alloc(&p);
    assert_ptr_equal(b, a + 8);
    tk_pool_free(&p, a);
    assert_ptr_equal(tk_pool_alloc(&p), a);
    assert_int_equal(a[0], 0);
    assert_int_equal(p.used, 2);
}

static void test_arena_alignment_and_zero(void **state) {
    (void)state;
    _Alignas(64) uint8_t mem[256];
    memset(mem, 0xee, sizeof mem);
    tk_arena a;
    tk_arena_init(&a, mem, sizeof mem);
    uint8_t *p1 = tk_arena_alloc(&a, 3, 1);
    assert_ptr_equal(p1, mem);
    uint8_t *p2 = tk_arena_alloc(&a, 16, 8);
    assert_ptr_equal(p2, mem + 8);
    uint8_t *p3 = tk_arena_alloc(&a, 1, 64);
    assert_ptr_equal(p3, mem + 64);
    assert_int_equal(a.off, 65);
    for (int i = 0; i < 16; i++)
        assert_int_equal(p2[i], 0);
    assert_int_equal(p3[0], 0);
    assert_int_equal(mem[3], 0xee); /* padding left alone */
}

static void test_arena_exhaustion_and_bad_align(void **state) {
    (void)state;
    _Alignas(16) uint8_t mem[32];
    tk_arena a;
    tk_arena_init(&a, mem, sizeof mem);
    assert_null(tk_arena_alloc(&a, 4, 3));
    assert_null(tk_arena_alloc(&a, 4, 0));
    assert_non_null(tk_arena_alloc(&a, 20, 4));
    assert_null(tk_arena_alloc(&a, 13, 4)); /* 12 left */
    assert_null(tk_arena_alloc(&a, 1, 16)); /* pad 12 + 1 > 12 */
    assert_ptr_equal(tk_arena_alloc(&a, 12, 4), mem + 20);
    assert_int_equal(a.off, 32);
    assert_null(tk_arena_alloc(&a, 1, 1));
    assert_int_equal(a.off, 32);
}

/* A block sized with tk_arena_need holds the allocations at any base offset. */
static void test_arena_need_is_enough(void **state) {
    (void)state;
    _Alignas(64) uint8_t mem[512];
    size_t need =
        tk_arena_need(100, 16) + tk_arena_need(tk_pool_mem_size(24, 5), 8) + tk_arena_need(7, 64);
    assert_int_equal(need, 100 + 15 + 120 + 7 + 7 + 63);
    for (size_t shift = 0; shift < 64; shift++) {
        tk_arena a;
        tk_arena_init(&a, mem + shift, need);
        assert_non_null(tk_arena_alloc(&a, 100, 16));
        void *pm = tk_arena_alloc(&a, tk_pool_mem_size(24, 5), 8);
        assert_non_null(pm);
        assert_int_equal((uintptr_t)pm % 8, 0);
        assert_non_null(tk_arena_alloc(&a, 7, 64));
    }
    assert_int_equal(tk_arena_need(SIZE_MAX, 8), SIZE_MAX);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_size_rounds_to_8),
        cmocka_unit_test(test_SEC_05_alloc_until_exhausted),
        cmocka_unit_test(test_free_is_lifo_and_counts),
        cmocka_unit_test(test_alloc_returns_zeroed),
        cmocka_unit_test(test_double_free_ignored),
        cmocka_unit_test(test_live_object_with_marker_pattern_frees),
        cmocka_unit_test(test_foreign_pointers_ignored),
        cmocka_unit_test(test_small_objects_hold_the_link),
        cmocka_unit_test(test_arena_alignment_and_zero),
        cmocka_unit_test(test_arena_exhaustion_and_bad_align),
        cmocka_unit_test(test_arena_need_is_enough),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
