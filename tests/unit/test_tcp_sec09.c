/* SEC-9: only acceptable segments update TS.Recent (RFC 7323 4.3); the ACK
 * field of an unacceptable segment is never processed (RFC 9293 3.10.7.4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u
#define IRS 0x7ffffffeu
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static tk_tcp_opts ts_opts(uint32_t val, uint32_t ecr) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_TS;
    o.ts_val = val;
    o.ts_ecr = ecr;
    return o;
}

/* An established connection with timestamps; the peer's TSval is 1000. */
static int open_ts(tkh *h) {
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS | TK_OPT_TS, 1000);
    o.ts_val = 1000;
    return tkh_open_fixed(h, NULL, ISS, IRS, &o);
}

static uint32_t send_q(const tkh *h) {
    tk_conn_info info[4];
    int n = tk_stack_conn_table(h->s, info, 4);
    for (int i = 0; i < n && i < 4; i++)
        if (info[i].state != TK_TCP_LISTEN)
            return info[i].send_q;
    fail();
    return 0;
}

/* A segment whose ACK acknowledges data never sent, with a huge TSval, is
 * dropped (drop_ack_unsent); it must not move TS.Recent, or PAWS would then
 * reject the real peer's next segment. */
static void test_SEC_09_ts_recent_not_from_dropped_segment(void **state) {
    (void)state;
    tkh h;
    int sd = open_ts(&h);
    tkh_seg g;
    tk_tcp_opts evil = ts_opts(0x7ff00000u, 0);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1 + 5000, 65535, &evil, "evil", 4);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(g.opts.ts_ecr, 1000);
    assert_int_equal(tk_stack_stats(h.s)->drop_ack_unsent, 1);
    h.now += TK_MS(10);
    tk_tcp_opts real = ts_opts(1010, g.opts.ts_val);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, &real, "hello", 5);
    tkh_run_until(&h, h.now + TK_MS(100));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 5, 0);
    assert_int_equal(g.opts.ts_ecr, 1010);
    char buf[16];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(tk_stack_stats(h.s)->drop_paws, 0);
    tkh_fini(&h);
}

/* ESTABLISHED: a retransmission of data already received (entirely old)
 * carrying an ACK of our unacknowledged data gets an ACK and is dropped;
 * its ACK field acknowledges nothing. */
static void test_SEC_09_old_segment_acks_nothing(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tkh_seg g;
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 3);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "xy", 2);
    tkh_run_until(&h, h.now + TK_MS(100));
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 3, R1 + 2, 0);
    h.now += TK_SEC(1); /* past any rate limit */
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1 + 3, 65535, NULL, "xy", 2);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 3, R1 + 2, 0);
    assert_int_equal(send_q(&h), 3);
    assert_int_equal(tk_stack_stats(h.s)->drop_old_segment, 1);
    /* The same ACK in an acceptable segment is taken. */
    tkh_inject(&h, TK_TCP_ACK, R1 + 2, S1 + 3, 65535, NULL, NULL, 0);
    assert_int_equal(send_q(&h), 0);
    tkh_fini(&h);
}

/* SYN_RCVD: an old segment (at the peer's ISN, before RCV.NXT) that
 * acknowledges our SYN does not complete the handshake. */
static void test_SEC_09_old_segment_no_handshake(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    tkh_listen_at(&h, 80, 4);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS, S1, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags & (TK_TCP_RST | TK_TCP_ACK), TK_TCP_ACK);
    assert_int_equal(g.ack, R1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_old_segment, 1);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_09_ts_recent_not_from_dropped_segment),
        cmocka_unit_test(test_SEC_09_old_segment_acks_nothing),
        cmocka_unit_test(test_SEC_09_old_segment_no_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
