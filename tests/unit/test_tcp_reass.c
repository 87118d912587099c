/* Out-of-order reassembly tracker (SPEC DT-8) and its SACK blocks (OP-3). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp/reass.h"

/* A tracker with room for TK_REASS_MAX_RANGES ranges, in automatic storage. */
typedef union reass_buf {
    tk_reass t;
    uint8_t mem[sizeof(tk_reass) + TK_REASS_MAX_RANGES * (sizeof(tk_reass_range) + 1u)];
    uint64_t align;
} reass_buf;

static void expect_ranges(const tk_reass *a, const uint32_t (*want)[2], uint32_t n) {
    assert_int_equal(a->count, n);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(a->r[i].start, want[i][0]);
        assert_int_equal(a->r[i].end, want[i][1]);
    }
}

static void test_DT_08_add_single_and_ignore_empty(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_add(a, 100, 0), 0);
    assert_int_equal(a->count, 0);
    assert_int_equal(tk_reass_add(a, 100, 50), 0);
    expect_ranges(a, (const uint32_t[][2]){{100, 150}}, 1);
    assert_int_equal(tk_reass_bytes(a), 50);
}

static void test_DT_08_overlap_and_adjacency_merge(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    tk_reass_add(a, 100, 100); /* [100,200) */
    tk_reass_add(a, 300, 100); /* [300,400) */
    tk_reass_add(a, 500, 100); /* [500,600) */
    expect_ranges(a, (const uint32_t[][2]){{100, 200}, {300, 400}, {500, 600}}, 3);
    tk_reass_add(a, 200, 10); /* adjacent to the end of the first */
    tk_reass_add(a, 290, 10); /* adjacent to the start of the second */
    expect_ranges(a, (const uint32_t[][2]){{100, 210}, {290, 400}, {500, 600}}, 3);
    tk_reass_add(a, 350, 20); /* contained */
    tk_reass_add(a, 80, 40);  /* overlaps the start */
    expect_ranges(a, (const uint32_t[][2]){{80, 210}, {290, 400}, {500, 600}}, 3);
    assert_int_equal(tk_reass_bytes(a), 130 + 110 + 100);
    tk_reass_add(a, 210, 290); /* bridges all three exactly */
    expect_ranges(a, (const uint32_t[][2]){{80, 600}}, 1);
    tk_reass_add(a, 10, 1000); /* swallows everything */
    expect_ranges(a, (const uint32_t[][2]){{10, 1010}}, 1);
}

static void test_DT_08_bounded_ranges_enobufs(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    for (uint32_t i = 0; i < TK_REASS_MAX_RANGES; i++)
        assert_int_equal(tk_reass_add(a, 100 * (i + 1), 10), 0);
    assert_int_equal(a->count, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_add(a, 50, 10), -ENOBUFS);  /* before all */
    assert_int_equal(tk_reass_add(a, 150, 10), -ENOBUFS); /* in a gap */
    const uint32_t beyond = 100u * (TK_REASS_MAX_RANGES + 2u);
    assert_int_equal(tk_reass_add(a, beyond, 10), -ENOBUFS); /* after all */
    assert_int_equal(a->count, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_bytes(a), 10u * TK_REASS_MAX_RANGES);
    /* Mergeable data is still taken when the table is full. */
    assert_int_equal(tk_reass_add(a, 110, 10), 0);
    assert_int_equal(tk_reass_add(a, 120, 80), 0); /* joins 1st and 2nd */
    assert_int_equal(a->count, TK_REASS_MAX_RANGES - 1);
    assert_int_equal(tk_reass_add(a, beyond, 10), 0);
    assert_int_equal(a->count, TK_REASS_MAX_RANGES);
}

static void test_DT_08_advance_rebases(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_advance(a, 70), 70); /* nothing held */
    tk_reass_add(a, 100, 100);
    tk_reass_add(a, 300, 50);
    assert_int_equal(tk_reass_advance(a, 40), 40); /* gap remains */
    expect_ranges(a, (const uint32_t[][2]){{60, 160}, {260, 310}}, 2);
    assert_int_equal(tk_reass_advance(a, 60), 160); /* fills the gap exactly */
    expect_ranges(a, (const uint32_t[][2]){{100, 150}}, 1);
    assert_int_equal(tk_reass_bytes(a), 50);
    assert_int_equal(tk_reass_advance(a, 120), 150); /* overlaps into the range */
    assert_int_equal(a->count, 0);
    tk_reass_add(a, 10, 10);
    tk_reass_add(a, 30, 10);
    tk_reass_add(a, 100, 10);
    assert_int_equal(tk_reass_advance(a, 50), 50); /* covers two ranges */
    expect_ranges(a, (const uint32_t[][2]){{50, 60}}, 1);
    uint8_t only = tk_reass_recent(a)[0];
    assert_int_equal(only, 0);
}

static void test_OP_03_sack_most_recent_first(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_sack_block sb[TK_TCP_MAX_SACK];
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_sack(a, 1000, sb, TK_TCP_MAX_SACK), 0);
    tk_reass_add(a, 500, 100); /* A */
    tk_reass_add(a, 100, 100); /* B, inserted before A */
    tk_reass_add(a, 300, 100); /* C, between */
    assert_int_equal(tk_reass_sack(a, 1000, sb, TK_TCP_MAX_SACK), 3);
    assert_int_equal(sb[0].left, 1300);
    assert_int_equal(sb[0].right, 1400);
    assert_int_equal(sb[1].left, 1100);
    assert_int_equal(sb[1].right, 1200);
    assert_int_equal(sb[2].left, 1500);
    assert_int_equal(sb[2].right, 1600);
    /* A duplicate inside A makes A the first block (RFC 2018 4). */
    tk_reass_add(a, 520, 10);
    assert_int_equal(tk_reass_sack(a, 1000, sb, 2), 2);
    assert_int_equal(sb[0].left, 1500);
    assert_int_equal(sb[1].left, 1300);
    /* Merging B and C: the merged block comes first, A second. */
    tk_reass_add(a, 200, 100);
    assert_int_equal(tk_reass_sack(a, 1000, sb, TK_TCP_MAX_SACK), 2);
    assert_int_equal(sb[0].left, 1100);
    assert_int_equal(sb[0].right, 1400);
    assert_int_equal(sb[1].left, 1500);
    assert_int_equal(sb[1].right, 1600);
    assert_int_equal(tk_reass_sack(a, 1000, sb, 0), 0);
}

static void test_OP_03_sack_limited_to_max(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_sack_block sb[3];
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    for (uint32_t i = 1; i <= 6; i++)
        tk_reass_add(a, 100 * i, 10);
    assert_int_equal(tk_reass_sack(a, 0, sb, 3), 3);
    assert_int_equal(sb[0].left, 600);
    assert_int_equal(sb[1].left, 500);
    assert_int_equal(sb[2].left, 400);
}

static void test_OP_03_DT_10_sack_wraps_past_2_32(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_sack_block sb[2];
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    uint32_t rcv_nxt = 0xffffff00u;
    tk_reass_add(a, 0x80, 0x100); /* straddles 2^32 */
    tk_reass_add(a, 0x200, 0x10); /* wholly past it */
    assert_int_equal(tk_reass_sack(a, rcv_nxt, sb, 2), 2);
    assert_int_equal(sb[0].left, 0x100u);
    assert_int_equal(sb[0].right, 0x110u);
    assert_int_equal(sb[1].left, 0xffffff80u);
    assert_int_equal(sb[1].right, 0x80u);
}

static void test_DT_08_offset_near_2_32_clipped(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_add(a, 0xfffffff0u, 0x100), 0);
    expect_ranges(a, (const uint32_t[][2]){{0xfffffff0u, 0xffffffffu}}, 1);
    assert_int_equal(tk_reass_add(a, 0xffffffffu, 5), 0); /* nothing left to add */
    assert_int_equal(a->count, 1);
}

/* ---- brute-force model: one flag per offset beyond RCV.NXT ---- */

#define SPAN 2304u

typedef struct model {
    bool have[SPAN];
} model;

static uint32_t rng(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static uint32_t model_runs(const model *m) {
    uint32_t runs = 0;
    for (uint32_t i = 0; i < SPAN; i++)
        if (m->have[i] && (i == 0 || !m->have[i - 1]))
            runs++;
    return runs;
}

static bool model_touches(const model *m, uint32_t off, uint32_t len) {
    uint32_t lo = off > 0 ? off - 1 : 0, hi = off + len; /* adjacency counts */
    for (uint32_t i = lo; i <= hi && i < SPAN; i++)
        if (m->have[i])
            return true;
    return false;
}

static void check_against_model(const tk_reass *a, const model *m) {
    uint32_t k = 0, bytes = 0;
    for (uint32_t i = 0; i < SPAN; i++) {
        if (m->have[i] && (i == 0 || !m->have[i - 1])) {
            assert_true(k < a->count);
            assert_int_equal(a->r[k].start, i);
        }
        if (m->have[i] && (i + 1 == SPAN || !m->have[i + 1])) {
            assert_int_equal(a->r[k].end, i + 1);
            k++;
        }
        bytes += m->have[i] ? 1u : 0u;
    }
    assert_int_equal(a->count, k);
    assert_int_equal(tk_reass_bytes(a), bytes);
    /* recent[] is a permutation of 0..count-1 */
    bool seen[TK_REASS_MAX_RANGES] = {false};
    for (uint32_t i = 0; i < a->count; i++) {
        assert_true(tk_reass_recent(a)[i] < a->count);
        assert_false(seen[tk_reass_recent(a)[i]]);
        seen[tk_reass_recent(a)[i]] = true;
    }
}

static void test_DT_08_OP_03_random_against_model(void **state) {
    (void)state;
    reass_buf buf;
    tk_reass *a = &buf.t;
    model m;
    uint32_t seed = 2018u, rcv_nxt = 0xfffff000u, refused = 0, advanced = 0;
    tk_reass_init(a, TK_REASS_MAX_RANGES);
    memset(&m, 0, sizeof m);
    for (int step = 0; step < 20000; step++) {
        if (rng(&seed) % 8u != 0) {
            /* Shorter segments for a larger table, so that it fills. */
            uint32_t off = 1 + rng(&seed) % 2000u;
            uint32_t len = 1 + rng(&seed) % (480u / TK_REASS_MAX_RANGES + 1u);
            bool fits = model_touches(&m, off, len) || model_runs(&m) < TK_REASS_MAX_RANGES;
            int rc = tk_reass_add(a, off, len);
            if (!fits) {
                assert_int_equal(rc, -ENOBUFS);
                refused++;
            } else {
                assert_int_equal(rc, 0);
                for (uint32_t i = off; i < off + len; i++)
                    m.have[i] = true;
                /* The first SACK block holds the segment just received. */
                tk_sack_block sb[TK_TCP_MAX_SACK];
                assert_true(tk_reass_sack(a, rcv_nxt, sb, TK_TCP_MAX_SACK) >= 1);
                assert_true(sb[0].left - rcv_nxt <= off);
                assert_true(sb[0].right - rcv_nxt >= off + len);
            }
        } else {
            uint32_t n = 1 + rng(&seed) % 300u;
            for (uint32_t i = 0; i < n; i++)
                m.have[i] = true;
            uint32_t total = 0;
            while (total < SPAN && m.have[total])
                total++;
            assert_int_equal(tk_reass_advance(a, n), total);
            memmove(m.have, m.have + total, SPAN - total);
            memset(m.have + SPAN - total, 0, total);
            rcv_nxt += total;
            advanced += total;
        }
        check_against_model(a, &m);
    }
    assert_true(refused > 100);
    assert_true(advanced > 100000);
}

/* A tracker is sized for the receive buffer: a range per KiB, at least 8,
 * at most TK_REASS_MAX_RANGES; one of 8 holds 8 ranges and refuses a
 * ninth. Before, every tracker had TK_REASS_MAX_RANGES ranges (520 bytes
 * with 64), a 4 KiB buffer's included. */
static void test_DT_08_capacity_from_receive_buffer(void **state) {
    (void)state;
    uint32_t lo = TK_REASS_MAX_RANGES < 8 ? TK_REASS_MAX_RANGES : 8;
    assert_int_equal(tk_reass_cap_for(0), lo);
    assert_int_equal(tk_reass_cap_for(4096), lo);
    assert_int_equal(tk_reass_cap_for(16384), 16 < TK_REASS_MAX_RANGES ? 16 : TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_cap_for(1u << 22), TK_REASS_MAX_RANGES);
    assert_int_equal(tk_reass_size(8), 80); /* 4 + 8 x (8 + 1), to a multiple of 8 */
    reass_buf buf;
    tk_reass *a = &buf.t;
    tk_reass_init(a, 8);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(tk_reass_add(a, 100u * (i + 1u), 10), 0);
    assert_int_equal(tk_reass_add(a, 5000, 10), -ENOBUFS);
    assert_int_equal(a->count, 8);
    assert_int_equal(tk_reass_add(a, 110, 90), 0); /* joins two: room again */
    assert_int_equal(tk_reass_add(a, 5000, 10), 0);
    assert_int_equal(a->count, 8);
    assert_int_equal(tk_reass_recent(a)[0], 7); /* the newest range, the last in order */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_08_capacity_from_receive_buffer),
        cmocka_unit_test(test_DT_08_add_single_and_ignore_empty),
        cmocka_unit_test(test_DT_08_overlap_and_adjacency_merge),
        cmocka_unit_test(test_DT_08_bounded_ranges_enobufs),
        cmocka_unit_test(test_DT_08_advance_rebases),
        cmocka_unit_test(test_OP_03_sack_most_recent_first),
        cmocka_unit_test(test_OP_03_sack_limited_to_max),
        cmocka_unit_test(test_OP_03_DT_10_sack_wraps_past_2_32),
        cmocka_unit_test(test_DT_08_offset_near_2_32_clipped),
        cmocka_unit_test(test_DT_08_OP_03_random_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
