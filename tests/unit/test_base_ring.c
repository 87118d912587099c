/* Byte ring: every operation at the wrap point, full, empty and zero length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/ring.h"

#define CAP 8u

static const uint8_t ABC[] = "abcdefghijklmnopqrstuvwxyz";

/* A ring of CAP bytes whose head sits at `head` and that holds nothing. */
static void ring_at(tk_ring *r, uint8_t *buf, uint32_t head) {
    uint8_t junk[CAP];
    tk_ring_init(r, buf, CAP);
    assert_int_equal(tk_ring_write(r, junk, head), head);
    assert_int_equal(tk_ring_drop(r, head), head);
    assert_int_equal(r->head, head % CAP);
}

static void test_init_empty(void **state) {
    (void)state;
    uint8_t buf[CAP];
    tk_ring r;
    tk_ring_init(&r, buf, CAP);
    assert_int_equal(tk_ring_len(&r), 0);
    assert_int_equal(tk_ring_free(&r), CAP);
    uint8_t out[4];
    assert_int_equal(tk_ring_read(&r, out, sizeof out), 0);
    assert_int_equal(tk_ring_peek(&r, 0, out, sizeof out), 0);
    assert_int_equal(tk_ring_drop(&r, 3), 0);
    assert_int_equal(r.head, 0);
}

static void test_zero_length_ops(void **state) {
    (void)state;
    uint8_t buf[CAP];
    tk_ring r;
    ring_at(&r, buf, 5);
    assert_int_equal(tk_ring_write(&r, ABC, 0), 0);
    assert_int_equal(tk_ring_write_at(&r, 0, ABC, 0), 0);
    assert_int_equal(tk_ring_read(&r, NULL, 0), 0);
    assert_int_equal(tk_ring_drop(&r, 0), 0);
    tk_ring_commit(&r, 0);
    assert_int_equal(tk_ring_len(&r), 0);
    assert_int_equal(r.head, 5);
}

static void test_zero_capacity(void **state) {
    (void)state;
    tk_ring r;
    tk_ring_init(&r, NULL, 16);
    assert_int_equal(r.cap, 0);
    assert_int_equal(tk_ring_write(&r, ABC, 4), 0);
    assert_int_equal(tk_ring_write_at(&r, 0, ABC, 4), 0);
    tk_ring_commit(&r, 4);
    assert_int_equal(tk_ring_len(&r), 0);
}

static void test_fill_to_full_then_refuse(void **state) {
    (void)state;
    uint8_t buf[CAP], out[CAP + 2];
    tk_ring r;
    tk_ring_init(&r, buf, CAP);
    assert_int_equal(tk_ring_write(&r, ABC, 10), CAP);
    assert_int_equal(tk_ring_len(&r), CAP);
    assert_int_equal(tk_ring_free(&r), 0);
    assert_int_equal(tk_ring_write(&r, ABC, 1), 0);
    assert_int_equal(tk_ring_write_at(&r, 0, ABC, 1), 0);
    assert_int_equal(tk_ring_read(&r, out, sizeof out), CAP);
    assert_memory_equal(out, "abcdefgh", CAP);
    assert_int_equal(tk_ring_len(&r), 0);
    assert_int_equal(r.head, 0); /* a full drop brings the head round */
}

/* Write/read across the wrap from every head position. */
static void test_write_read_wrap_every_head(void **state) {
    (void)state;
    for (uint32_t head = 0; head < CAP; head++) {
        uint8_t buf[CAP], out[CAP];
        tk_ring r;
        ring_at(&r, buf, head);
        assert_int_equal(tk_ring_write(&r, ABC, CAP), CAP);
        assert_int_equal(tk_ring_free(&r), 0);
        memset(out, 0, sizeof out);
        assert_int_equal(tk_ring_peek(&r, 0, out, CAP), CAP);
        assert_memory_equal(out, ABC, CAP);
        assert_int_equal(tk_ring_read(&r, out, 3), 3);
        assert_memory_equal(out, "abc", 3);
        assert_int_equal(r.head, (head + 3) % CAP);
        assert_int_equal(tk_ring_read(&r, out, CAP), CAP - 3);
        assert_memory_equal(out, "defgh", CAP - 3);
        assert_int_equal(r.head, head);
    }
}

static void test_wrap_at_cap_minus_1(void **state) {
    (void)state;
    uint8_t buf[CAP], out[4];
    tk_ring r;
    ring_at(&r, buf, CAP - 1);
    assert_int_equal(tk_ring_write(&r, "WXYZ", 4), 4);
    /* W in the last slot, XYZ at the start of the buffer. */
    assert_int_equal(buf[CAP - 1], 'W');
    assert_memory_equal(buf, "XYZ", 3);
    assert_int_equal(tk_ring_peek(&r, 1, out, 4), 3);
    assert_memory_equal(out, "XYZ", 3);
    assert_int_equal(tk_ring_drop(&r, 1), 1);
    assert_int_equal(r.head, 0);
    assert_int_equal(tk_ring_read(&r, out, 4), 3);
    assert_memory_equal(out, "XYZ", 3);
}

static void test_peek_offsets_and_clipping(void **state) {
    (void)state;
    uint8_t buf[CAP], out[CAP];
    tk_ring r;
    ring_at(&r, buf, 6);
    assert_int_equal(tk_ring_write(&r, ABC, 5), 5);
    assert_int_equal(tk_ring_peek(&r, 2, out, 10), 3);
    assert_memory_equal(out, "cde", 3);
    assert_int_equal(tk_ring_peek(&r, 4, out, 1), 1);
    assert_int_equal(out[0], 'e');
    assert_int_equal(tk_ring_peek(&r, 5, out, 1), 0); /* off == len */
    assert_int_equal(tk_ring_peek(&r, 99, out, 1), 0);
    assert_int_equal(tk_ring_len(&r), 5); /* peek does not consume */
}

static void test_drop_clips_to_len(void **state) {
    (void)state;
    uint8_t buf[CAP];
    tk_ring r;
    ring_at(&r, buf, 7);
    assert_int_equal(tk_ring_write(&r, ABC, 4), 4);
    assert_int_equal(tk_ring_drop(&r, 2), 2);
    assert_int_equal(r.head, 1);
    assert_int_equal(tk_ring_drop(&r, 100), 2);
    assert_int_equal(tk_ring_len(&r), 0);
    assert_int_equal(r.head, 3);
}

static void test_write_at_out_of_order_then_commit(void **state) {
    (void)state;
    uint8_t buf[CAP], out[CAP];
    tk_ring r;
    ring_at(&r, buf, 5);
    assert_int_equal(tk_ring_write(&r, "ab", 2), 2);
    /* Bytes 2 past the end ("ef"), then the gap ("cd"). */
    assert_int_equal(tk_ring_write_at(&r, 2, "ef", 2), 2);
    assert_int_equal(tk_ring_len(&r), 2);
    assert_int_equal(tk_ring_write_at(&r, 0, "cd", 2), 2);
    tk_ring_commit(&r, 4);
    assert_int_equal(tk_ring_len(&r), 6);
    assert_int_equal(tk_ring_read(&r, out, CAP), 6);
    assert_memory_equal(out, "abcdef", 6);
}

static void test_write_at_clipped_to_free_space(void **state) {
    (void)state;
    uint8_t buf[CAP];
    tk_ring r;
    ring_at(&r, buf, 3);
    assert_int_equal(tk_ring_write(&r, ABC, 3), 3); /* 5 free */
    assert_int_equal(tk_ring_write_at(&r, 3, "XYZ", 3), 2);
    assert_int_equal(tk_ring_write_at(&r, 4, "XYZ", 3), 1);
    assert_int_equal(tk_ring_write_at(&r, 5, "XYZ", 3), 0); /* off == free */
    assert_int_equal(tk_ring_write_at(&r, 0xffffffffu, "XYZ", 3), 0);
    assert_int_equal(tk_ring_len(&r), 3);
    tk_ring_commit(&r, 100); /* clipped to free space */
    assert_int_equal(tk_ring_len(&r), CAP);
}

/* Out-of-order bytes survive the ring becoming empty (head must not reset). */
static void test_write_at_survives_drain(void **state) {
    (void)state;
    uint8_t buf[CAP], out[CAP];
    tk_ring r;
    ring_at(&r, buf, 2);
    assert_int_equal(tk_ring_write(&r, "ab", 2), 2);
    assert_int_equal(tk_ring_write_at(&r, 1, "d", 1), 1);
    assert_int_equal(tk_ring_read(&r, out, 2), 2);
    assert_int_equal(tk_ring_len(&r), 0);
    assert_int_equal(tk_ring_write(&r, "c", 1), 1);
    tk_ring_commit(&r, 1);
    assert_int_equal(tk_ring_read(&r, out, CAP), 2);
    assert_memory_equal(out, "cd", 2);
}

static void test_write_at_across_wrap(void **state) {
    (void)state;
    uint8_t buf[CAP], out[CAP];
    tk_ring r;
    ring_at(&r, buf, 4);
    assert_int_equal(tk_ring_write(&r, "ab", 2), 2);         /* slots 4,5 */
    assert_int_equal(tk_ring_write_at(&r, 1, "DEFG", 4), 4); /* slots 7,0,1,2 */
    assert_int_equal(buf[7], 'D');
    assert_memory_equal(buf, "EFG", 3);
    assert_int_equal(tk_ring_write_at(&r, 0, "C", 1), 1); /* slot 6 */
    tk_ring_commit(&r, 5);
    assert_int_equal(tk_ring_free(&r), 1);
    assert_int_equal(tk_ring_read(&r, out, CAP), 7);
    assert_memory_equal(out, "abCDEFG", 7);
    assert_int_equal(r.head, 3);
}

/* Capacity that is not a power of two, against a flat model. */
static void test_random_ops_against_model(void **state) {
    (void)state;
    uint8_t buf[7], model[64], out[16];
    uint32_t mlen = 0, seed = 12345u;
    uint8_t next = 0;
    tk_ring r;
    tk_ring_init(&r, buf, sizeof buf);
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t n = (seed >> 16) % 10u;
        if ((seed >> 8) & 1u) {
            uint8_t in[16];
            for (uint32_t i = 0; i < n; i++)
                in[i] = next++;
            uint32_t w = tk_ring_write(&r, in, n);
            uint32_t expect = n < 7u - mlen ? n : 7u - mlen;
            assert_int_equal(w, expect);
            memcpy(model + mlen, in, w);
            next = (uint8_t)(next - (n - w));
            mlen += w;
        } else {
            uint32_t got = tk_ring_read(&r, out, n);
            uint32_t expect = n < mlen ? n : mlen;
            assert_int_equal(got, expect);
            assert_memory_equal(out, model, got);
            memmove(model, model + got, mlen - got);
            mlen -= got;
        }
        assert_int_equal(tk_ring_len(&r), mlen);
        assert_true(r.head < 7u);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_zero_length_ops),
        cmocka_unit_test(test_zero_capacity),
        cmocka_unit_test(test_fill_to_full_then_refuse),
        cmocka_unit_test(test_write_read_wrap_every_head),
        cmocka_unit_test(test_wrap_at_cap_minus_1),
        cmocka_unit_test(test_peek_offsets_and_clipping),
        cmocka_unit_test(test_drop_clips_to_len),
        cmocka_unit_test(test_write_at_out_of_order_then_commit),
        cmocka_unit_test(test_write_at_clipped_to_free_space),
        cmocka_unit_test(test_write_at_survives_drain),
        cmocka_unit_test(test_write_at_across_wrap),
        cmocka_unit_test(test_random_ops_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
