/* Chunk queues over a shared pool: every operation across chunk borders,
 * full, empty, zero length, out-of-order writes, pool exhaustion and the
 * reservations that back an advertised window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/chunkq.h"

#define CH     64u /* chunk size */
#define NCHUNK 8u

static uint8_t data[CH * NCHUNK];
static uint32_t links[NCHUNK];
static tk_chunk_pool pool;

static const uint8_t ABC[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";

static int setup(void **state) {
    (void)state;
    memset(data, 0xee, sizeof data);
    memset(links, 0xee, sizeof links);
    tk_chunk_pool_init(&pool, data, links, CH, NCHUNK);
    return 0;
}

static void test_empty_queue_takes_nothing(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[4];
    tk_chunkq_init(&q, 1000, false);
    assert_int_equal(tk_chunkq_len(&q), 0);
    assert_int_equal(tk_chunkq_free(&q), 1000);
    assert_int_equal(tk_chunkq_read(&pool, &q, out, sizeof out), 0);
    assert_int_equal(tk_chunkq_peek(&pool, &q, 0, out, sizeof out), 0);
    assert_int_equal(tk_chunkq_drop(&pool, &q, 3), 0);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 0), 0);
    assert_int_equal(tk_chunkq_write_at(&pool, &q, 5, ABC, 0), 0);
    assert_int_equal(pool.used, 0);
    assert_int_equal(pool.fresh, 0); /* no chunk memory touched */
}

/* Bytes cross chunk borders both ways; chunks go back as soon as read. */
static void test_write_read_across_chunks(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[200];
    tk_chunkq_init(&q, 1000, false);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 100), 100);
    assert_int_equal(q.held, 2);
    assert_int_equal(pool.used, 2);
    assert_int_equal(tk_chunkq_peek(&pool, &q, 60, out, 10), 10);
    assert_memory_equal(out, ABC + 60, 10);
    assert_int_equal(tk_chunkq_read(&pool, &q, out, 70), 70);
    assert_memory_equal(out, ABC, 70);
    assert_int_equal(q.held, 1); /* the first chunk went back */
    assert_int_equal(q.hoff, 6);
    assert_int_equal(pool.used, 1);
    assert_int_equal(tk_chunkq_read(&pool, &q, out, sizeof out), 30);
    assert_memory_equal(out, ABC + 70, 30);
    /* Empty, but the last chunk might hold out-of-order bytes: it stays
     * until the owner, who knows, shrinks the queue. */
    assert_int_equal(pool.used, 1);
    tk_chunkq_shrink(&pool, &q);
    assert_int_equal(pool.used, 0);
    assert_int_equal(q.held, 0);
    assert_int_equal(q.hoff, 0);
}

/* The most recently returned chunk is used again first; untouched memory
 * is handed out only when none was returned. */
static void test_chunks_reused_before_fresh(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[CH];
    tk_chunkq_init(&q, 1000, false);
    for (int round = 0; round < 5; round++) {
        assert_int_equal(tk_chunkq_write(&pool, &q, ABC, CH), CH);
        assert_int_equal(tk_chunkq_read(&pool, &q, out, CH), CH);
        tk_chunkq_shrink(&pool, &q);
    }
    assert_int_equal(pool.fresh, 1);
    assert_int_equal(pool.peak, 1);
}

static void test_limit_clips_writes(void **state) {
    (void)state;
    tk_chunkq q;
    tk_chunkq_init(&q, 70, false);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 100), 70);
    assert_int_equal(tk_chunkq_free(&q), 0);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 1), 0);
    assert_int_equal(tk_chunkq_write_at(&pool, &q, 0, ABC, 1), 0);
    tk_chunkq_set_cap(&q, 10); /* never below what is queued */
    assert_int_equal(q.cap, 70);
    tk_chunkq_release(&pool, &q);
    assert_int_equal(pool.used, 0);
}

/* Out-of-order bytes past the committed end keep their place across reads
 * that free the chunks before them; a commit makes them readable. */
static void test_write_at_out_of_order_then_commit(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[300];
    tk_chunkq_init(&q, 400, false);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 10), 10);
    assert_int_equal(tk_chunkq_write_at(&pool, &q, 120, ABC + 50, 20), 20);
    assert_int_equal(q.held, 3); /* bytes up to 150: the hole has its chunk */
    assert_int_equal(tk_chunkq_len(&q), 10);
    assert_int_equal(tk_chunkq_read(&pool, &q, out, 10), 10);
    assert_int_equal(q.held, 3); /* the head chunk holds part of the hole */
    uint8_t fill[120];
    memset(fill, 'x', sizeof fill);
    assert_int_equal(tk_chunkq_write(&pool, &q, fill, 120), 120);
    tk_chunkq_commit(&pool, &q, 20);
    assert_int_equal(tk_chunkq_len(&q), 140);
    assert_int_equal(tk_chunkq_peek(&pool, &q, 120, out, 30), 20);
    assert_memory_equal(out, ABC + 50, 20);
    tk_chunkq_release(&pool, &q);
}

/* A commit never makes bytes readable that no chunk stores. */
static void test_commit_clipped_to_stored(void **state) {
    (void)state;
    tk_chunkq q;
    tk_chunkq_init(&q, 400, false);
    tk_chunkq_commit(&pool, &q, 50);
    assert_int_equal(tk_chunkq_len(&q), 0);
    assert_int_equal(tk_chunkq_write_at(&pool, &q, 0, ABC, 10), 10);
    tk_chunkq_commit(&pool, &q, 400);
    assert_int_equal(tk_chunkq_len(&q), CH); /* the chunk's bytes, no more */
    tk_chunkq_release(&pool, &q);
}

/* An empty pool cuts writes short and counts the refusal. */
static void test_pool_exhaustion_is_clean(void **state) {
    (void)state;
    tk_chunkq a, b;
    tk_chunkq_init(&a, 10000, false);
    tk_chunkq_init(&b, 10000, false);
    assert_int_equal(tk_chunkq_write(&pool, &a, ABC, 100), 100);
    uint8_t big[CH * NCHUNK];
    memset(big, 'z', sizeof big);
    assert_int_equal(tk_chunkq_write(&pool, &b, big, sizeof big), CH * (NCHUNK - 2));
    assert_int_equal(pool.failures, 1);
    assert_int_equal(tk_chunkq_write(&pool, &a, ABC, 100), CH * 2 - 100);
    assert_int_equal(tk_chunkq_write_at(&pool, &a, 500, ABC, 5), 0);
    assert_int_equal(pool.failures, 3);
    uint8_t out[100];
    assert_int_equal(tk_chunkq_read(&pool, &a, out, 100), 100);
    assert_memory_equal(out, ABC, 100);
    tk_chunkq_release(&pool, &a);
    tk_chunkq_release(&pool, &b);
    assert_int_equal(pool.used, 0);
}

/* A reservation backs a window: others cannot take its chunks, and the
 * owner's writes within it succeed even when the pool is otherwise empty. */
static void test_reservation_backs_window(void **state) {
    (void)state;
    tk_chunkq rcv, snd;
    tk_chunkq_init(&rcv, 300, false);
    tk_chunkq_init(&snd, 10000, true);
    assert_int_equal(tk_chunkq_back(&pool, &rcv, 300), 300);
    assert_int_equal(rcv.resv, 5); /* 6 may be reserved: 2 of 8 stay for sends */
    assert_int_equal(pool.reserved, 5);
    assert_int_equal(pool.fresh, 0); /* a reservation touches no memory */
    uint8_t big[CH * NCHUNK];
    memset(big, 'z', sizeof big);
    assert_int_equal(tk_chunkq_write(&pool, &snd, big, sizeof big), CH * 3);
    /* The window is fully writable, out of order first. */
    assert_int_equal(tk_chunkq_write_at(&pool, &rcv, 200, ABC, 100), 100);
    assert_int_equal(tk_chunkq_write(&pool, &rcv, big, 200), 200);
    assert_int_equal(pool.reserved, 0);
    /* Nothing left: a second queue gets a smaller window, not a promise. */
    tk_chunkq other;
    tk_chunkq_init(&other, 300, false);
    assert_int_equal(tk_chunkq_back(&pool, &other, 300), 0);
    tk_chunkq_release(&pool, &snd);
    /* 3 chunks free, of which 2 (a quarter of the pool) are never reserved. */
    assert_int_equal(tk_chunkq_back(&pool, &other, 300), 64);
    tk_chunkq_release(&pool, &rcv);
    tk_chunkq_release(&pool, &other);
    assert_int_equal(pool.reserved, 0);
    assert_int_equal(pool.used, 0);
}

/* A window never reserves the last quarter of the pool. */
static void test_reservation_leaves_a_quarter(void **state) {
    (void)state;
    tk_chunkq q;
    tk_chunkq_init(&q, 100 * CH, false);
    assert_int_equal(tk_chunkq_back(&pool, &q, 100 * CH), 6 * CH);
    assert_int_equal(pool.reserved, 6);
    tk_chunkq snd;
    tk_chunkq_init(&snd, 100 * CH, true);
    assert_int_equal(tk_chunkq_write(&pool, &snd, ABC, 100), 100);
    tk_chunkq_release(&pool, &snd);
    tk_chunkq_release(&pool, &q);
}

/* Send queues hold at most three quarters of the pool; once they do, a
 * window may reserve every free chunk. */
static void test_send_share_and_window_room(void **state) {
    (void)state;
    tk_chunkq snd, rcv;
    uint8_t big[CH * NCHUNK];
    memset(big, 's', sizeof big);
    tk_chunkq_init(&snd, 100 * CH, true);
    tk_chunkq_init(&rcv, 100 * CH, false);
    assert_int_equal(tk_chunkq_write(&pool, &snd, big, sizeof big), 6 * CH);
    assert_int_equal(pool.snd_used, 6);
    assert_int_equal(pool.failures, 1);
    assert_int_equal(tk_chunkq_back(&pool, &rcv, 100 * CH), 2 * CH);
    assert_int_equal(tk_chunkq_write(&pool, &rcv, big, 3 * CH), 2 * CH);
    assert_int_equal(tk_chunkq_drop(&pool, &snd, 6 * CH - 10), 6 * CH - 10);
    assert_int_equal(pool.snd_used, 1); /* the last chunk still holds 10 bytes */
    assert_int_equal(tk_chunkq_drop(&pool, &snd, 10), 10);
    assert_int_equal(pool.snd_used, 0); /* emptied: a send queue returns all */
    tk_chunkq_release(&pool, &rcv);
    assert_int_equal(pool.used, 0);
}

/* Reading frees chunks; reservations beyond what the limit could need go
 * back, those within it stay. */
static void test_reservation_trimmed_to_limit(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[CH];
    tk_chunkq_init(&q, 2 * CH, false);
    assert_int_equal(tk_chunkq_back(&pool, &q, 2 * CH), 2 * CH);
    assert_int_equal(q.resv, 2);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 10), 10);
    assert_int_equal(tk_chunkq_read(&pool, &q, out, 5), 5);
    /* Bytes 5.. of the first chunk: the limit now spans 3 chunks. */
    assert_int_equal(tk_chunkq_back(&pool, &q, 2 * CH), 2 * CH);
    assert_int_equal(q.held + q.resv, 3);
    tk_chunkq_set_cap(&q, 10);
    assert_int_equal(tk_chunkq_back(&pool, &q, 10), 10);
    assert_int_equal(q.held + q.resv, 1);
    tk_chunkq_release(&pool, &q);
    assert_int_equal(pool.reserved, 0);
}

/* Shrinking returns the chunks past the last committed byte only. */
static void test_shrink_keeps_committed(void **state) {
    (void)state;
    tk_chunkq q;
    uint8_t out[CH];
    tk_chunkq_init(&q, 1000, false);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC, 70), 70);
    assert_int_equal(tk_chunkq_write_at(&pool, &q, 200, ABC, 10), 10);
    assert_int_equal(q.held, 5);
    tk_chunkq_shrink(&pool, &q);
    assert_int_equal(q.held, 2);
    assert_int_equal(pool.used, 2);
    assert_int_equal(tk_chunkq_write(&pool, &q, ABC + 70, 10), 10);
    assert_int_equal(tk_chunkq_peek(&pool, &q, 60, out, 20), 20);
    assert_memory_equal(out, ABC + 60, 20);
    tk_chunkq_release(&pool, &q);
    assert_int_equal(pool.used, 0);
}

/* Random writes, out-of-order writes, commits and reads against a flat
 * model, with the peek cursor moving both ways. */
static void test_random_ops_against_model(void **state) {
    (void)state;
    enum { CAP = 333 };
    uint8_t model[CAP + 64], out[CAP];
    uint32_t mlen = 0, seed = 12345u;
    tk_chunkq q;
    tk_chunkq_init(&q, CAP, false);
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t n = (seed >> 16) % 90u, op = (seed >> 8) % 4u;
        if (op == 0) {
            uint8_t in[90];
            for (uint32_t i = 0; i < n; i++)
                in[i] = (uint8_t)(seed + i);
            uint32_t w = tk_chunkq_write(&pool, &q, in, n);
            assert_int_equal(w, n < CAP - mlen ? n : CAP - mlen);
            memcpy(model + mlen, in, w);
            mlen += w;
        } else if (op == 1) {
            uint32_t off = (seed >> 4) % 50u;
            uint32_t got = tk_chunkq_peek(&pool, &q, off, out, n);
            uint32_t expect = off >= mlen ? 0 : (n < mlen - off ? n : mlen - off);
            assert_int_equal(got, expect);
            assert_memory_equal(out, model + off, got);
        } else {
            uint32_t got = tk_chunkq_read(&pool, &q, out, n);
            uint32_t expect = n < mlen ? n : mlen;
            assert_int_equal(got, expect);
            assert_memory_equal(out, model, got);
            memmove(model, model + got, mlen - got);
            mlen -= got;
        }
        assert_int_equal(tk_chunkq_len(&q), mlen);
        assert_true(q.held <= (mlen + q.hoff + CH - 1) / CH + 1);
        assert_int_equal(pool.used, q.held);
    }
    tk_chunkq_release(&pool, &q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty_queue_takes_nothing, setup),
        cmocka_unit_test_setup(test_write_read_across_chunks, setup),
        cmocka_unit_test_setup(test_chunks_reused_before_fresh, setup),
        cmocka_unit_test_setup(test_limit_clips_writes, setup),
        cmocka_unit_test_setup(test_write_at_out_of_order_then_commit, setup),
        cmocka_unit_test_setup(test_commit_clipped_to_stored, setup),
        cmocka_unit_test_setup(test_pool_exhaustion_is_clean, setup),
        cmocka_unit_test_setup(test_reservation_backs_window, setup),
        cmocka_unit_test_setup(test_reservation_leaves_a_quarter, setup),
        cmocka_unit_test_setup(test_send_share_and_window_room, setup),
        cmocka_unit_test_setup(test_reservation_trimmed_to_limit, setup),
        cmocka_unit_test_setup(test_shrink_keeps_committed, setup),
        cmocka_unit_test_setup(test_random_ops_against_model, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
