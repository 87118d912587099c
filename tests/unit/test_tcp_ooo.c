/* Out-of-order data at the receiver, exact segments (DT-8, OP-3): kept,
 * SACKed and delivered once the holes fill; bounded by the reassembly
 * trackers, their ranges and the out-of-order budget. The stack is the
 * server; the scripted peer offers MSS 1000. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/opts.h" /* TK_REASS_MAX_RANGES */

#define ISS 0xffffff00u
#define IRS 0xfffffc00u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static uint8_t zeros[2000];

/* A connection whose peer offered MSS 1000 and SACK; data[0..n) filled
 * with a pattern (byte i is i * mult). */
static int open_sack_conn(tkh *h, uint8_t *data, size_t n, unsigned mult) {
    tk_config cfg;
    tkh_config(&cfg);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_SACK_PERM, 1000);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * mult);
    return tkh_open_fixed(h, &cfg, ISS, IRS, &o);
}

/* DT-8 + OP-3: out-of-order data is kept and SACKed; the hole filled, the
 * whole range is delivered and ACKed at once. */
static void test_DT_08_OP_03_reassembly_with_sack(void **state) {
    (void)state;
    tkh h;
    static uint8_t data[3000];
    int sd = open_sack_conn(&h, data, sizeof data, 13);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK, R1 + 2000, S1, 65535, NULL, data + 2000, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(g.opts.present, TK_OPT_SACK);
    assert_int_equal(g.opts.sack_count, 1);
    assert_int_equal(g.opts.sack[0].left, R1 + 2000);
    assert_int_equal(g.opts.sack[0].right, R1 + 3000);
    tkh_inject(&h, TK_TCP_ACK, R1 + 1000, S1, 65535, NULL, data + 1000, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(g.opts.sack_count, 1);
    assert_int_equal(g.opts.sack[0].left, R1 + 1000);
    assert_int_equal(g.opts.sack[0].right, R1 + 3000);
    char buf[4000];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, data, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3000, 0);
    assert_int_equal(g.opts.present, 0);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 3000);
    assert_memory_equal(buf, data, 3000);
    tkh_fini(&h);
}

/* The peer (from h->rport) sends [1000, 2000) ahead of [0, 1000); returns
 * the ACK that answers it. */
static tkh_seg send_ahead(tkh *h, uint32_t s1, const uint8_t *data) {
    tkh_inject(h, TK_TCP_ACK, R1 + 1000, s1, 65535, NULL, data + 1000, 1000);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_ACK, s1, R1, 0);
    return g;
}

/* DT-8 with a pool of one reassembly tracker: while one connection holds
 * it, another's out-of-order data is dropped and counted (its ACK carries
 * no SACK block); once the first connection's hole fills, the tracker is
 * free again and the resent data is kept. Nothing is lost. */
static void test_DT_08_reass_pool_empty(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.reass_queues = 1;
    tkh h;
    uint32_t iss[2];
    int sd[2];
    tkh_open_sack_pair(&h, &cfg, IRS, sd, iss);
    static uint8_t data[2000];
    for (int i = 0; i < 2000; i++)
        data[i] = (uint8_t)(i * 7);
    h.rport = 40000;
    assert_int_equal(send_ahead(&h, iss[0] + 1, data).opts.sack_count, 1);
    h.rport = 40001;
    assert_int_equal(send_ahead(&h, iss[1] + 1, data).opts.present, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_reass, 1);
    h.rport = 40000;
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK, R1, iss[0] + 1, 65535, NULL, data, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss[0] + 1, R1 + 2000, 0);
    h.rport = 40001;
    assert_int_equal(send_ahead(&h, iss[1] + 1, data).opts.sack_count, 1);
    tkh_inject(&h, TK_TCP_ACK, R1, iss[1] + 1, 65535, NULL, data, 1000);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, iss[1] + 1, R1 + 2000, 0);
    char buf[3000];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(tk_recv(h.s, sd[k], buf, sizeof(buf)), 2000);
        assert_memory_equal(buf, data, 2000);
    }
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_reass, 1);
    tkh_fini(&h);
}

/* DT-8: a fast sender on a reordering path keeps many holes open at once
 * (a Linux sender at 80 Mbit/s through 2 % reordering: with room for 8
 * ranges, half its out-of-order segments were dropped and resent). 24
 * ranges are kept, each reported as the newest SACK block, and filling the
 * holes delivers every byte. */
_Static_assert(TK_REASS_MAX_RANGES >= 24, "the receiver tracks 24 holes");
static void test_DT_08_many_holes_kept(void **state) {
    (void)state;
    tkh h;
    static uint8_t data[4800];
    int sd = open_sack_conn(&h, data, sizeof data, 11);
    tkh_seg g;
    for (uint32_t i = 0; i < 24; i++) { /* [200i + 100, 200i + 200) */
        uint32_t at = 200u * i + 100u;
        tkh_inject(&h, TK_TCP_ACK, R1 + at, S1, 65535, NULL, data + at, 100);
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
        assert_true(g.opts.sack_count >= 1);
        assert_int_equal(g.opts.sack[0].left, R1 + at);
        assert_int_equal(g.opts.sack[0].right, R1 + at + 100);
    }
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_room, 0);
    assert_int_equal(tk_stack_stats(h.s)->ooo_segs_in, 24);
    for (uint32_t i = 0; i < 24; i++) { /* the holes [200i, 200i + 100) */
        uint32_t at = 200u * i;
        tkh_inject(&h, TK_TCP_ACK, R1 + at, S1, 65535, NULL, data + at, 100);
        TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + at + 200, 0);
    }
    char buf[6000];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 4800);
    assert_memory_equal(buf, data, 4800);
    tkh_fini(&h);
}

/* DT-8: a tracker has a range per KiB of receive buffer (at least 8): a
 * stack of 4 KiB buffers keeps 8 holes and drops (and counts) a ninth,
 * and its trackers are 80 bytes, not the 584 of a 64 KiB stack's. */
static void test_DT_08_tracker_sized_by_buffer(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.rcvbuf = cfg.ooo_budget_bytes = 4096;
    tk_sizes small, big;
    tk_stack_sizes(&cfg, &small);
    assert_int_equal(small.reass, 80);
    tk_config dflt;
    tk_config_default(&dflt);
    tk_stack_sizes(&dflt, &big);
    uint32_t cap = TK_REASS_MAX_RANGES < 64 ? TK_REASS_MAX_RANGES : 64; /* 64 KiB */
    assert_int_equal(big.reass, (4u + cap * 9u + 7u) & ~7u);            /* 584 with 64 */
    assert_int_equal(big.tcb - small.tcb, big.reass - small.reass);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
    for (uint32_t i = 0; i < 9; i++)
        tkh_inject(&h, TK_TCP_ACK, R1 + 200u * i + 100u, S1, 65535, NULL, zeros, 100);
    assert_int_equal(tk_stack_stats(h.s)->ooo_segs_in, 9);
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_room, 1);
    tkh_fini(&h);
}

/* DT-8: the out-of-order budget bounds memory; beyond it segments drop. */
static void test_DT_08_ooo_budget(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ooo_budget_bytes = 1500;
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    tkh_open_fixed(&h, &cfg, ISS, IRS, &o);
    tkh_inject(&h, TK_TCP_ACK, R1 + 1000, S1, 65535, NULL, zeros, 1000);
    tkh_inject(&h, TK_TCP_ACK, R1 + 3000, S1, 65535, NULL, zeros, 1000);
    assert_int_equal(tk_stack_stats(h.s)->drop_ooo_no_room, 1);
    assert_int_equal(tk_stack_stats(h.s)->ooo_segs_in, 2);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_DT_08_OP_03_reassembly_with_sack),
        cmocka_unit_test(test_DT_08_reass_pool_empty),
        cmocka_unit_test(test_DT_08_many_holes_kept),
        cmocka_unit_test(test_DT_08_ooo_budget),
        cmocka_unit_test(test_DT_08_tracker_sized_by_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
