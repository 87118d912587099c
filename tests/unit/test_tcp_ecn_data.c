/* ECN on an established connection (RFC 3168 6.1.2-6.1.6), exact
 * segments: ECT(0) on new data only; CE echoed with ECE on every ACK until
 * the sender's CWR; an ECN-Echo reduces cwnd once per window without a
 * retransmission and the next new data segment carries CWR. The stack is
 * the server; the peer asked for ECN and offers MSS 1000 (IW 4000). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/wire/ipv4.h"

#define ISS  0xfffffc00u
#define IRS  0xffffff00u
#define S1   (ISS + 1)
#define R1   (IRS + 1)
#define A    TK_TCP_ACK
#define AE   (TK_TCP_ACK | TK_TCP_ECE)
#define AW   (TK_TCP_ACK | TK_TCP_CWR)
#define PA   (TK_TCP_ACK | TK_TCP_PSH)
#define ECT0 TK_IP_ECN_ECT0
#define CE   TK_IP_ECN_CE

static uint8_t zeros[20000];

/* A passive connection; the peer's SYN asks for ECN when ecn_peer. */
static int open_conn(tkh *h, bool ecn_peer) {
    tkh_init_fixed(h, NULL, ISS);
    int ls = tkh_listen_at(h, h->lport, 4);
    tk_tcp_opts o = tkh_mss_opts(TK_OPT_MSS, 1000);
    uint8_t syn = TK_TCP_SYN | (ecn_peer ? TK_TCP_ECE | TK_TCP_CWR : 0);
    tkh_inject(h, syn, IRS, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_SYN | A | (ecn_peer ? TK_TCP_ECE : 0), ISS, R1, 0);
    tkh_inject(h, A, R1, S1, 65535, NULL, NULL, 0);
    int sd = tk_accept(h->s, ls, NULL);
    assert_true(sd >= 0);
    tkh_set_nodelay(h, sd);
    return sd;
}

/* Pops the next segment and checks flags, seq, ack, length and ECN field. */
static void expect(tkh *h, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint8_t ecn) {
    tkh_seg g;
    TKH_EXPECT(h, &g, flags, seq, ack, len);
    assert_int_equal(g.tos & TK_IP_ECN_MASK, ecn);
}

/* Injects len bytes of peer data at seq with the given ECN field. */
static void peer_data(tkh *h, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                      uint8_t ecn) {
    h->in_tos = ecn;
    tkh_inject(h, flags, seq, ack, 65535, NULL, zeros, len);
    h->in_tos = 0;
}

static tk_conn_info conn(const tkh *h, int sd) {
    tk_conn_info ci[16];
    int n = tk_stack_conn_table(h->s, ci, 16);
    for (int i = 0; i < n && i < 16; i++)
        if (ci[i].sd == sd)
            return ci[i];
    fail_msg("no connection for descriptor %d", sd);
    return ci[0];
}

/* 6.1.2/6.1.4/6.1.5: new data leaves with ECT(0); the pure ACK, the
 * retransmission after a timeout and the FIN without data do not. */
static void test_ecn_ect_new_data_only(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 2500), 2500);
    tkh_poll(&h);
    expect(&h, A, S1, R1, 1000, ECT0);
    expect(&h, A, S1 + 1000, R1, 1000, ECT0);
    expect(&h, PA, S1 + 2000, R1, 500, ECT0);
    TKH_NOTHING(&h);
    peer_data(&h, PA, R1, S1, 100, 0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1 + 2500, R1 + 100, 0, 0); /* delayed pure ACK */
    tkh_run_until(&h, h.now + TK_MS(160));    /* RTO 200 ms after the data */
    expect(&h, A, S1, R1 + 100, 1000, 0);     /* retransmission */
    TKH_NOTHING(&h);
    tkh_inject(&h, A, R1 + 100, S1 + 2500, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    uint8_t buf[100];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 100);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    expect(&h, TK_TCP_FIN | A, S1 + 2500, R1 + 100, 0, 0);
    tkh_fini(&h);
}

/* 6.1.6: a zero-window probe carries neither ECT nor CWR, even with a CWR
 * pending. The segment that resends the probe's byte once the window opens
 * is not new data either (6.1.5); the next one takes ECT(0) and the CWR. A
 * keepalive probe is not ECT. */
static void test_ecn_no_ect_on_probes(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 1000), 1000);
    tkh_poll(&h);
    expect(&h, PA, S1, R1, 1000, ECT0);
    tkh_inject(&h, AE, R1, S1 + 1000, 0, NULL, NULL, 0); /* ECN-Echo, window 0 */
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 1);
    assert_int_equal(tk_send(h.s, sd, zeros, 10), 10);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    tkh_run_until(&h, h.now + TK_MS(200));
    expect(&h, A, S1 + 1000, R1, 1, 0); /* the probe */
    tkh_inject(&h, A, R1, S1 + 1000, 65535, NULL, NULL, 0);
    expect(&h, PA, S1 + 1000, R1, 10, 0);
    assert_int_equal(tk_send(h.s, sd, zeros, 5), 5);
    tkh_poll(&h);
    expect(&h, PA | TK_TCP_CWR, S1 + 1010, R1, 5, ECT0);
    tkh_inject(&h, A, R1, S1 + 1015, 65535, NULL, NULL, 0);
    int one = 1, idle = 10;
    assert_int_equal(
        tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_KEEPIDLE, &idle, sizeof(idle)), 0);
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_KEEPALIVE, &one, sizeof(one)), 0);
    tkh_run_until(&h, h.now + TK_SEC(10));
    expect(&h, A, S1 + 1014, R1, 0, 0);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* IP_TOS keeps its DSCP bits; on an ECN connection TCP owns the ECN field
 * (the socket's ECN bits are replaced). Without ECN the byte is as set. */
static void test_ecn_ip_tos_dscp_kept(void **state) {
    (void)state;
    for (int ecn_peer = 0; ecn_peer <= 1; ecn_peer++) {
        tkh h;
        int sd = open_conn(&h, ecn_peer);
        int tos = 0xb9;
        assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TOS, &tos, sizeof(tos)),
                         0);
        assert_int_equal(tk_send(h.s, sd, "x", 1), 1);
        tkh_poll(&h);
        tkh_seg g;
        TKH_EXPECT(&h, &g, PA, S1, R1, 1);
        assert_int_equal(g.tos, ecn_peer ? 0xba : 0xb9);
        peer_data(&h, PA, R1, S1 + 1, 10, 0);
        tkh_run_until(&h, h.now + TK_MS(40));
        TKH_EXPECT(&h, &g, A, S1 + 1, R1 + 10, 0);
        assert_int_equal(g.tos, ecn_peer ? 0xb8 : 0xb9);
        tkh_fini(&h);
    }
}

/* 6.1.3: CE on data sets ECE on every ACK (delayed or immediate, pure or
 * with data) until a segment with CWR arrives; CE with CWR sets it again. */
static void test_ecn_ce_echo_until_cwr(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    peer_data(&h, PA, R1, S1, 100, CE);
    assert_int_equal(tk_stack_stats(h.s)->ecn_ce_rcvd, 1);
    TKH_NOTHING(&h);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, AE, S1, R1 + 100, 0, 0);
    peer_data(&h, PA, R1 + 100, S1, 100, ECT0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, AE, S1, R1 + 200, 0, 0); /* still, without a new CE */
    assert_int_equal(tk_send(h.s, sd, zeros, 10), 10);
    tkh_poll(&h);
    expect(&h, PA | TK_TCP_ECE, S1, R1 + 200, 10, ECT0);
    peer_data(&h, PA | TK_TCP_CWR, R1 + 200, S1 + 10, 100, ECT0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1 + 10, R1 + 300, 0, 0);
    peer_data(&h, PA | TK_TCP_CWR, R1 + 300, S1 + 10, 100, CE);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, AE, S1 + 10, R1 + 400, 0, 0);
    assert_int_equal(tk_stack_stats(h.s)->ecn_ce_rcvd, 2);
    /* Out of order with CE: the immediate duplicate ACK has ECE too. */
    peer_data(&h, PA | TK_TCP_CWR, R1 + 400, S1 + 10, 100, 0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1 + 10, R1 + 500, 0, 0);
    peer_data(&h, PA, R1 + 600, S1 + 10, 100, CE);
    expect(&h, AE, S1 + 10, R1 + 500, 0, 0);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* 6.1.5: CE on a segment outside the window (old data) is ignored, and so
 * is CE on a pure ACK; a connection without ECN ignores CE altogether. */
static void test_ecn_ce_ignored(void **state) {
    (void)state;
    tkh h;
    open_conn(&h, true);
    peer_data(&h, PA, R1, S1, 100, 0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1, R1 + 100, 0, 0);
    peer_data(&h, PA, R1, S1, 100, CE); /* a duplicate */
    expect(&h, A, S1, R1 + 100, 0, 0);
    h.in_tos = CE;
    tkh_inject(&h, A, R1 + 100, S1, 65535, NULL, NULL, 0);
    h.in_tos = 0;
    TKH_NOTHING(&h);
    peer_data(&h, PA, R1 + 100, S1, 100, 0);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1, R1 + 200, 0, 0);
    assert_int_equal(tk_stack_stats(h.s)->ecn_ce_rcvd, 0);
    tkh_fini(&h);

    open_conn(&h, false);
    peer_data(&h, PA, R1, S1, 100, CE);
    tkh_run_until(&h, h.now + TK_MS(40));
    expect(&h, A, S1, R1 + 100, 0, 0);
    assert_int_equal(tk_stack_stats(h.s)->ecn_ce_rcvd, 0);
    tkh_fini(&h);
}

/* 6.1.2: an ECN-Echo halves cwnd and ssthresh once per window, without a
 * retransmission; the next new data segment (only that one) carries CWR; an
 * ECN-Echo for data sent after the reduction is new congestion. */
static void test_ecn_ece_reduces_once_per_window(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 8000), 8000);
    tkh_poll(&h);
    for (uint32_t i = 0; i < 4; i++)
        expect(&h, A, S1 + 1000 * i, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    tkh_inject(&h, AE, R1, S1 + 2000, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h); /* cwnd 2000, 2000 in flight; nothing resent */
    tk_conn_info ci = conn(&h, sd);
    assert_int_equal(ci.cwnd, 2000);
    assert_int_equal(ci.ssthresh, 2000);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 1);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 0);
    tkh_inject(&h, AE, R1, S1 + 3000, 65535, NULL, NULL, 0); /* same window */
    expect(&h, AW, S1 + 4000, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    assert_int_equal(conn(&h, sd).cwnd, 2000); /* not grown by the ECE ACK */
    tkh_inject(&h, A, R1, S1 + 4000, 65535, NULL, NULL, 0);
    expect(&h, A, S1 + 5000, R1, 1000, ECT0); /* no second CWR */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 1);
    tkh_inject(&h, AE, R1, S1 + 5000, 65535, NULL, NULL, 0); /* beyond: new */
    expect(&h, AW, S1 + 6000, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 2);
    ci = conn(&h, sd);
    assert_int_equal(ci.ssthresh, 2000); /* max(FlightSize / 2, 2 SMSS) */
    assert_int_equal(ci.cwnd, 2000);
    tkh_fini(&h);
}

/* Without ECN an ECE flag means nothing: slow start goes on. */
static void test_ecn_ece_ignored_without_ecn(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, false);
    assert_int_equal(tk_send(h.s, sd, zeros, 8000), 8000);
    tkh_poll(&h);
    for (uint32_t i = 0; i < 4; i++)
        expect(&h, A, S1 + 1000 * i, R1, 1000, 0);
    tkh_inject(&h, AE, R1, S1 + 2000, 65535, NULL, NULL, 0);
    expect(&h, A, S1 + 4000, R1, 1000, 0);
    expect(&h, A, S1 + 5000, R1, 1000, 0);
    expect(&h, A, S1 + 6000, R1, 1000, 0);
    TKH_NOTHING(&h);
    assert_int_equal(conn(&h, sd).cwnd, 5000);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 0);
    tkh_fini(&h);
}

/* 6.1.2: a window reduced by a timeout or a fast retransmit also puts CWR
 * on the first new data segment after it; the retransmission has none. */
static void test_ecn_cwr_after_loss(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 5000), 5000);
    tkh_poll(&h);
    for (uint32_t i = 0; i < 4; i++)
        expect(&h, A, S1 + 1000 * i, R1, 1000, ECT0);
    tkh_run_until(&h, h.now + TK_MS(200));
    expect(&h, A, S1, R1, 1000, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, A, R1, S1 + 4000, 65535, NULL, NULL, 0);
    expect(&h, PA | TK_TCP_CWR, S1 + 4000, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    tkh_fini(&h);

    sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 8000), 8000);
    tkh_poll(&h);
    for (uint32_t i = 0; i < 4; i++)
        expect(&h, A, S1 + 1000 * i, R1, 1000, ECT0);
    for (uint32_t i = 4; i < 6; i++) { /* limited transmit (RFC 3042) */
        tkh_inject(&h, A, R1, S1, 65535, NULL, NULL, 0);
        expect(&h, A, S1 + 1000 * i, R1, 1000, ECT0);
    }
    tkh_inject(&h, A, R1, S1, 65535, NULL, NULL, 0);
    /* Fast retransmit: ssthresh half of cwnd 4000 (what limited transmit
     * sent does not count, RFC 5681 3.2), cwnd 2000 + 3 SMSS. */
    expect(&h, A, S1, R1, 1000, 0);
    TKH_NOTHING(&h);
    tkh_inject(&h, A, R1, S1, 65535, NULL, NULL, 0); /* cwnd 6000: 6000 out */
    TKH_NOTHING(&h);
    tkh_inject(&h, A, R1, S1, 65535, NULL, NULL, 0);
    expect(&h, AW, S1 + 6000, R1, 1000, ECT0); /* inflated window: new data */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->fast_retransmits, 1);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 0);
    tkh_fini(&h);
}

/* 6.1.2: an ECN-Echo when cwnd is one segment (here after a timeout)
 * cannot halve it; the retransmit timer is reset and the next new segment
 * waits until it expires. That expiry is no timeout (no backoff, no
 * retransmission). */
static void test_ecn_one_segment_waits_for_timer(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    assert_int_equal(tk_send(h.s, sd, zeros, 6000), 6000);
    tkh_poll(&h);
    for (uint32_t i = 0; i < 4; i++)
        expect(&h, A, S1 + 1000 * i, R1, 1000, ECT0);
    tkh_run_until(&h, h.now + TK_MS(200));
    expect(&h, A, S1, R1, 1000, 0);                          /* timeout: cwnd 1 SMSS */
    tkh_inject(&h, AE, R1, S1 + 4000, 65535, NULL, NULL, 0); /* old window */
    expect(&h, AW, S1 + 4000, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    assert_int_equal(conn(&h, sd).cwnd, 1000);
    h.now += TK_MS(100);
    tkh_inject(&h, AE, R1, S1 + 5000, 65535, NULL, NULL, 0); /* new CE */
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->ecn_cwnd_reductions, 1);
    tk_conn_info ci = conn(&h, sd);
    assert_int_equal(ci.cwnd, 1000);
    assert_int_equal(ci.timer_kind, TK_TIMER_RETRANSMIT);
    assert_int_equal(ci.timer_deadline, h.now + TK_MS(200)); /* RTO after a 100 ms sample */
    tkh_run_until(&h, h.now + TK_MS(199));
    TKH_NOTHING(&h);
    tkh_run_until(&h, h.now + TK_MS(1));
    expect(&h, PA | TK_TCP_CWR, S1 + 5000, R1, 1000, ECT0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->rto_timeouts, 1);
    assert_int_equal(tk_stack_stats(h.s)->retransmits, 1);
    tkh_fini(&h);
}

/* RST carries no ECE even while one is due. */
static void test_ecn_rst_plain(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h, true);
    peer_data(&h, PA, R1, S1, 100, CE);
    tk_linger l = {1, 0};
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &l, sizeof(l)), 0);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    expect(&h, TK_TCP_RST | A, S1, R1 + 100, 0, 0);
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecn_ect_new_data_only),
        cmocka_unit_test(test_ecn_no_ect_on_probes),
        cmocka_unit_test(test_ecn_ip_tos_dscp_kept),
        cmocka_unit_test(test_ecn_ce_echo_until_cwr),
        cmocka_unit_test(test_ecn_ce_ignored),
        cmocka_unit_test(test_ecn_ece_reduces_once_per_window),
        cmocka_unit_test(test_ecn_ece_ignored_without_ecn),
        cmocka_unit_test(test_ecn_cwr_after_loss),
        cmocka_unit_test(test_ecn_one_segment_waits_for_timer),
        cmocka_unit_test(test_ecn_rst_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
