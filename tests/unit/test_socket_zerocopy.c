/* Zero-copy send and receive (SPEC API-4): reserve/commit in the send
 * buffer, peek/consume in the receive buffer. The stack is the server of a
 * scripted peer offering MSS 1000; chunks are 2048 bytes (the default). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/zerocopy.h"

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t pattern_at(uint32_t i) {
    return (uint8_t)(i * 7u + 3u);
}

/* Writes the pattern from `from` into the spans; returns the bytes. */
static size_t fill(const tk_iov *iov, int n, uint32_t from) {
    size_t at = 0;
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < iov[i].len; k++)
            ((uint8_t *)iov[i].base)[k] = pattern_at(from + (uint32_t)at++);
    return at;
}

static void expect_pattern(const tkh_seg *g, uint32_t from) {
    for (uint32_t k = 0; k < g->len; k++)
        assert_int_equal(g->data[k], pattern_at(from + k));
}

static int open_conn(tkh *h) {
    return tkh_open_mss(h, ISS, IRS, 1000, 0, 0);
}

/* API-4: 3000 reserved bytes come as two spans (the rest of one chunk and
 * the start of the next); committed, they leave as three exact segments. */
static void test_API_04_reserve_commit_sends_written_bytes(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_iov iov[4];
    int n = tk_send_reserve(h.s, sd, 3000, iov, 4);
    assert_int_equal(n, 2);
    assert_int_equal(iov[0].len, 2048);
    assert_int_equal(iov[1].len, 952);
    assert_int_equal(fill(iov, n, 0), 3000);
    TKH_NOTHING(&h);
    assert_int_equal(tk_outq(h.s, sd), 0); /* nothing is queued before the commit */
    assert_int_equal(tk_send_commit(h.s, sd, 3000), 3000);
    assert_int_equal(tk_outq(h.s, sd), 3000);
    tkh_poll(&h);
    tkh_seg g;
    for (uint32_t i = 0; i < 3; i++) {
        TKH_EXPECT(&h, &g, TK_TCP_ACK | (i == 2 ? TK_TCP_PSH : 0), S1 + 1000 * i, R1, 1000);
        expect_pattern(&g, 1000 * i);
    }
    tkh_fini(&h);
}

/* API-4: committing part of a reservation sends that part and gives the
 * unused chunks back; the copy call then appends after it. */
static void test_API_04_partial_commit_and_mixed_with_copy(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_iov iov[8];
    int n = tk_send_reserve(h.s, sd, 10000, iov, 8);
    assert_int_equal(n, 5);
    fill(iov, n, 0);
    tk_buf_usage u;
    tk_stack_buffers(h.s, &u);
    assert_int_equal(u.used, 5);
    assert_int_equal(tk_send_commit(h.s, sd, 100), 100);
    tk_stack_buffers(h.s, &u);
    assert_int_equal(u.used, 1);
    uint8_t more[50];
    for (uint32_t k = 0; k < sizeof more; k++)
        more[k] = pattern_at(100 + k);
    assert_int_equal(tk_send(h.s, sd, more, sizeof more), 50);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 150);
    expect_pattern(&g, 0);
    tkh_fini(&h);
}

/* API-4: the errors, as tk_send's where they overlap. */
static void test_API_04_send_reserve_errors(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_iov iov[2];
    assert_int_equal(tk_send_reserve(h.s, 9, 10, iov, 2), -EBADF);
    assert_int_equal(tk_send_reserve(h.s, sd, 10, NULL, 2), -EINVAL);
    assert_int_equal(tk_send_reserve(h.s, sd, 10, iov, 0), -EINVAL);
    assert_int_equal(tk_send_reserve(h.s, sd, 0, iov, 2), 0);
    assert_int_equal(tk_send_reserve(h.s, sd, 10, iov, 2), 1);
    assert_int_equal(tk_send_commit(h.s, sd, 2049), -EINVAL); /* more than reserved */
    assert_int_equal(tk_outq(h.s, sd), 0);
    int fresh = tk_socket(h.s);
    assert_true(fresh >= 0);
    assert_int_equal(tk_send_reserve(h.s, fresh, 10, iov, 2), -ENOTCONN);
    assert_int_equal(tk_send_commit(h.s, fresh, 0), -ENOTCONN);
    assert_int_equal(tk_shutdown(h.s, sd, TK_SHUT_WR), 0);
    assert_int_equal(tk_send_reserve(h.s, sd, 10, iov, 2), -EPIPE);
    assert_int_equal(tk_send_commit(h.s, sd, 1), -EPIPE);
    tkh_fini(&h);
}

/* API-4: a full send buffer has no room to reserve (-EAGAIN), and only
 * what is left under SO_SNDBUF can be reserved. */
static void test_API_04_reserve_bounded_by_sndbuf(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    static uint8_t big[70000];
    long sent = tk_send(h.s, sd, big, sizeof big);
    assert_true(sent > 0 && sent < (long)sizeof big);
    tk_iov iov[4];
    assert_int_equal(tk_send_reserve(h.s, sd, 100, iov, 4), -EAGAIN);
    tkh_fini(&h);
}

/* API-4: received bytes are read in place; consuming them opens the window
 * as tk_recv would; without data the answers are tk_recv's. */
static void test_API_04_recv_peek_consume(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_iov iov[4];
    assert_int_equal(tk_recv_peek(h.s, sd, iov, 4), -EAGAIN);
    uint8_t data[1500];
    for (uint32_t k = 0; k < sizeof data; k++)
        data[k] = pattern_at(k);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, data, 1000);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1 + 1000, S1, 65535, NULL, data + 1000, 500);
    int n = tk_recv_peek(h.s, sd, iov, 4);
    assert_int_equal(n, 1);
    assert_int_equal(iov[0].len, 1500);
    assert_memory_equal(iov[0].base, data, 1500);
    assert_int_equal(tk_recv_consume(h.s, sd, 1501), -EINVAL);
    assert_int_equal(tk_recv_consume(h.s, sd, 1000), 1000);
    assert_int_equal(tk_inq(h.s, sd), 500);
    n = tk_recv_peek(h.s, sd, iov, 4);
    assert_int_equal(n, 1);
    assert_int_equal(iov[0].len, 500);
    assert_memory_equal(iov[0].base, data + 1000, 500);
    assert_int_equal(tk_recv_consume(h.s, sd, 500), 500);
    tk_buf_usage u;
    tk_stack_buffers(h.s, &u);
    assert_int_equal(u.used, 0); /* the emptied queue holds no chunk */
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_FIN, R1 + 1500, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_recv_peek(h.s, sd, iov, 4), 0);
    assert_int_equal(tk_recv_peek(h.s, 9, iov, 4), -EBADF);
    assert_int_equal(tk_recv_peek(h.s, sd, NULL, 4), -EINVAL);
    assert_int_equal(tk_recv_consume(h.s, 9, 1), -EBADF);
    tkh_fini(&h);
}

/* API-4: data across a chunk boundary comes as two spans; fewer spans than
 * needed describe a prefix. */
static void test_API_04_peek_spans_cross_chunks(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    uint8_t data[1000];
    for (uint32_t seg = 0; seg < 3; seg++) {
        for (uint32_t k = 0; k < sizeof data; k++)
            data[k] = pattern_at(seg * 1000 + k);
        tkh_inject(&h, TK_TCP_ACK, R1 + seg * 1000, S1, 65535, NULL, data, sizeof data);
    }
    tk_iov iov[4];
    assert_int_equal(tk_recv_peek(h.s, sd, iov, 4), 2);
    assert_int_equal(iov[0].len, 2048);
    assert_int_equal(iov[1].len, 952);
    for (uint32_t k = 0; k < 2048; k++)
        assert_int_equal(((uint8_t *)iov[0].base)[k], pattern_at(k));
    for (uint32_t k = 0; k < 952; k++)
        assert_int_equal(((uint8_t *)iov[1].base)[k], pattern_at(2048 + k));
    assert_int_equal(tk_recv_peek(h.s, sd, iov, 1), 1);
    assert_int_equal(iov[0].len, 2048);
    assert_int_equal(tk_recv_consume(h.s, sd, 2100), 2100);
    assert_int_equal(tk_recv_peek(h.s, sd, iov, 4), 1);
    assert_int_equal(iov[0].len, 900);
    assert_int_equal(((uint8_t *)iov[0].base)[0], pattern_at(2100));
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_04_reserve_commit_sends_written_bytes),
        cmocka_unit_test(test_API_04_partial_commit_and_mixed_with_copy),
        cmocka_unit_test(test_API_04_send_reserve_errors),
        cmocka_unit_test(test_API_04_reserve_bounded_by_sndbuf),
        cmocka_unit_test(test_API_04_recv_peek_consume),
        cmocka_unit_test(test_API_04_peek_spans_cross_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
