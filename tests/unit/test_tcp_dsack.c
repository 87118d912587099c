/* D-SACK (RFC 2883, SPEC OP-7): the receiver reports a duplicate segment
 * in the first SACK block of the ACK it causes, once. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0x1000u
#define IRS 0xfffffff0u /* the peer's numbers wrap while the test runs */
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static const char data[300] = {0};

static int open_sack(tkh *h) {
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    return tkh_open_fixed(h, NULL, ISS, IRS, &o);
}

/* The next segment is a pure ACK of `ack` carrying these blocks. */
static void expect_blocks(tkh *h, uint32_t ack, const uint32_t *lr, uint8_t n) {
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_ACK, S1, ack, 0);
    if (n == 0) {
        assert_false(g.opts.present & TK_OPT_SACK);
        return;
    }
    assert_true(g.opts.present & TK_OPT_SACK);
    assert_int_equal(g.opts.sack_count, n);
    for (uint8_t i = 0; i < n; i++) {
        assert_int_equal(g.opts.sack[i].left, lr[2 * i]);
        assert_int_equal(g.opts.sack[i].right, lr[2 * i + 1]);
    }
}

/* OP-7: a retransmission of acknowledged data: D-SACK of the whole
 * segment, reported once (the next ACK has no block). */
static void test_OP_07_dsack_old_segment(void **state) {
    (void)state;
    tkh h;
    (void)open_sack(&h);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 100);
    tkh_run_until(&h, h.now + h.cfg.delack);
    expect_blocks(&h, R1 + 100, NULL, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 100);
    expect_blocks(&h, R1 + 100, (const uint32_t[]){R1, R1 + 100}, 1);
    tkh_inject(&h, TK_TCP_ACK, R1 + 100, S1, 65535, NULL, data, 100);
    tkh_run_until(&h, h.now + h.cfg.delack);
    expect_blocks(&h, R1 + 200, NULL, 0);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* OP-7: a duplicate of out-of-order data comes first, the block holding
 * it second (RFC 2883 4); a segment overlapping held data reports the
 * overlap while it fills the hole. */
static void test_OP_07_dsack_out_of_order(void **state) {
    (void)state;
    tkh h;
    (void)open_sack(&h);
    tkh_inject(&h, TK_TCP_ACK, R1 + 100, S1, 65535, NULL, data, 100);
    expect_blocks(&h, R1, (const uint32_t[]){R1 + 100, R1 + 200}, 1);
    tkh_inject(&h, TK_TCP_ACK, R1 + 300, S1, 65535, NULL, data, 100);
    expect_blocks(&h, R1, (const uint32_t[]){R1 + 300, R1 + 400, R1 + 100, R1 + 200}, 2);
    tkh_inject(&h, TK_TCP_ACK, R1 + 120, S1, 65535, NULL, data, 50);
    expect_blocks(
        &h, R1, (const uint32_t[]){R1 + 120, R1 + 170, R1 + 100, R1 + 200, R1 + 300, R1 + 400}, 3);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 150);
    expect_blocks(&h, R1 + 200, (const uint32_t[]){R1 + 100, R1 + 150, R1 + 300, R1 + 400}, 2);
    tkh_fini(&h);
}

/* OP-7: without SACK negotiated nothing is reported. */
static void test_OP_07_no_dsack_without_sack(void **state) {
    (void)state;
    tkh h;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    (void)tkh_open_fixed(&h, NULL, ISS, IRS, &o);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 100);
    tkh_run_until(&h, h.now + h.cfg.delack);
    expect_blocks(&h, R1 + 100, NULL, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 100);
    expect_blocks(&h, R1 + 100, NULL, 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OP_07_dsack_old_segment),
        cmocka_unit_test(test_OP_07_dsack_out_of_order),
        cmocka_unit_test(test_OP_07_no_dsack_without_sack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
