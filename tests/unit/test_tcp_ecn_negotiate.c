/* ECN negotiation (RFC 3168 6.1.1, 6.1.1.1): the setting (0, 1, 2) against
 * a peer that asks for ECN or not, on active, passive and simultaneous
 * opens; the plain-SYN fallback after ecn_syn_retries; SYN cookies; the
 * configuration check. A connection uses ECN when its first new data
 * segment leaves with ECT(0). */
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

#define ISS     0xfffffff0u
#define IRS     0x00001000u
#define SEW     (TK_TCP_SYN | TK_TCP_ECE | TK_TCP_CWR)
#define SYN_ACK (TK_TCP_SYN | TK_TCP_ACK)
#define PA      (TK_TCP_ACK | TK_TCP_PSH)

static void init_ecn(tkh *h, int ecn) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ecn = ecn;
    tkh_init_fixed(h, &cfg, ISS);
}

static int connect_sd(tkh *h) {
    int sd = tk_socket(h->s);
    assert_true(sd >= 0);
    tk_sockaddr a = tk_sockaddr_in4(0, h->lport);
    assert_int_equal(tk_bind(h->s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h->rport);
    assert_int_equal(tk_connect(h->s, sd, &r), -EINPROGRESS);
    tkh_poll(h);
    return sd;
}

static uint32_t conn_options(const tkh *h, int sd) {
    tk_conn_info ci[16];
    int n = tk_stack_conn_table(h->s, ci, 16);
    for (int i = 0; i < n && i < 16; i++)
        if (ci[i].sd == sd)
            return ci[i].options;
    fail_msg("no connection for descriptor %d", sd);
    return 0;
}

/* Sends 10 bytes on sd and checks the segment's ECN field and that the
 * connection table agrees. */
static void expect_data_ecn(tkh *h, int sd, uint32_t seq, uint32_t ack, bool ecn) {
    assert_int_equal(tk_send(h->s, sd, "0123456789", 10), 10);
    tkh_poll(h);
    tkh_seg g;
    TKH_EXPECT(h, &g, PA, seq, ack, 10);
    assert_int_equal(g.tos, ecn ? TK_IP_ECN_ECT0 : TK_IP_ECN_NOT_ECT);
    assert_int_equal((conn_options(h, sd) & TK_CONN_OPT_ECN) != 0, ecn);
    assert_int_equal(tk_stack_stats(h->s)->ecn_connections, ecn ? 1 : 0);
    TKH_NOTHING(h);
}

/* Active open with setting `ecn`; the peer's SYN-ACK carries peer_flags. */
static void active_case(int ecn, uint8_t peer_flags, bool want) {
    tkh h;
    init_ecn(&h, ecn);
    int sd = connect_sd(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, ecn == 1 ? SEW : TK_TCP_SYN, ISS, 0, 0);
    assert_int_equal(g.tos, 0); /* never ECT on a SYN (6.1.1) */
    tkh_inject(&h, SYN_ACK | peer_flags, IRS, ISS + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 0);
    assert_int_equal(g.tos, 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, want);
    tkh_fini(&h);
}

/* RFC 3168 6.1.1: only setting 1 asks; only an ECN-setup SYN-ACK (ECE
 * without CWR) answers, and a SYN-ACK reflecting ECE and CWR is not one
 * (6.1.1.2). */
static void test_ecn_active_matrix(void **state) {
    (void)state;
    for (int ecn = 0; ecn <= 2; ecn++) {
        active_case(ecn, 0, false);
        active_case(ecn, TK_TCP_ECE, ecn == 1);
        active_case(ecn, TK_TCP_ECE | TK_TCP_CWR, false);
        active_case(ecn, TK_TCP_CWR, false);
    }
}

/* Passive open with setting `ecn`; the peer's SYN carries peer_flags. */
static void passive_case(int ecn, uint8_t peer_flags, bool want) {
    tkh h;
    init_ecn(&h, ecn);
    int ls = tkh_listen_at(&h, h.lport, 4);
    tkh_inject(&h, TK_TCP_SYN | peer_flags, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, SYN_ACK | (want ? TK_TCP_ECE : 0), ISS, IRS + 1, 0);
    assert_int_equal(g.tos, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, want);
    tkh_fini(&h);
}

/* 6.1.1: settings 1 and 2 accept an ECN-setup SYN (ECE and CWR); a SYN
 * with one of them only is not one, and setting 0 never accepts. */
static void test_ecn_passive_matrix(void **state) {
    (void)state;
    for (int ecn = 0; ecn <= 2; ecn++) {
        passive_case(ecn, TK_TCP_ECE | TK_TCP_CWR, ecn != 0);
        passive_case(ecn, 0, false);
        passive_case(ecn, TK_TCP_ECE, false);
        passive_case(ecn, TK_TCP_CWR, false);
    }
}

/* Simultaneous open: our SYN, the peer's SYN (peer_flags), our SYN-ACK with
 * the same ISS, the peer's ACK. */
static void simultaneous_case(int ecn, uint8_t peer_flags, bool want) {
    tkh h;
    init_ecn(&h, ecn);
    int sd = connect_sd(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, ecn == 1 ? SEW : TK_TCP_SYN, ISS, 0, 0);
    tkh_inject(&h, TK_TCP_SYN | peer_flags, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, SYN_ACK | (want ? TK_TCP_ECE : 0), ISS, IRS + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, want);
    tkh_fini(&h);
}

/* 6.1.1: ECN only when every SYN we sent was ECN-setup and the peer's was
 * too. With setting 2 our SYN was plain, so an ECN-setup SYN from the peer
 * gets a plain SYN-ACK and no ECN (as Linux; FreeBSD's
 * syn-rcvd-via-syn-sent-ipv4-ecn01 script expects SE. and ECT(0)). */
static void test_ecn_simultaneous_open(void **state) {
    (void)state;
    simultaneous_case(1, TK_TCP_ECE | TK_TCP_CWR, true);  /* ecn11 */
    simultaneous_case(1, 0, false);                       /* ecn10 */
    simultaneous_case(2, TK_TCP_ECE | TK_TCP_CWR, false); /* ecn01 */
    simultaneous_case(0, TK_TCP_ECE | TK_TCP_CWR, false);
}

/* 6.1.1.1: ecn_syn_retries retransmissions keep ECE|CWR, then plain SYNs;
 * an ECN-setup SYN-ACK after a plain SYN no longer turns ECN on. */
static void syn_fallback_case(uint32_t retries, bool answer_after_plain) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.ecn = 1;
    cfg.ecn_syn_retries = retries;
    tkh h;
    tkh_init_fixed(&h, &cfg, ISS);
    int sd = connect_sd(&h);
    tk_time t0 = h.now;
    tkh_seg g;
    TKH_EXPECT(&h, &g, SEW, ISS, 0, 0);
    tk_time rto = TK_SEC(1);
    tk_time at = t0;
    for (uint32_t n = 1; n <= retries + 1; n++) {
        at += rto;
        rto *= 2;
        tkh_run_until(&h, at);
        TKH_EXPECT(&h, &g, n <= retries ? SEW : TK_TCP_SYN, ISS, 0, 0);
        assert_int_equal(g.at, at);
        TKH_NOTHING(&h);
    }
    if (!answer_after_plain) {
        tkh_fini(&h);
        return;
    }
    tkh_inject(&h, SYN_ACK | TK_TCP_ECE, IRS, ISS + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, false);
    tkh_fini(&h);
}

static void test_ecn_syn_fallback(void **state) {
    (void)state;
    syn_fallback_case(0, false); /* FreeBSD's ecn.maxretries=0 */
    syn_fallback_case(1, false); /* the default */
    syn_fallback_case(3, false);
    syn_fallback_case(1, true);
}

/* An ECN-setup SYN-ACK to a retransmitted ECN-setup SYN still counts. */
static void test_ecn_syn_retransmitted_then_answered(void **state) {
    (void)state;
    tkh h;
    init_ecn(&h, 1);
    int sd = connect_sd(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, SEW, ISS, 0, 0);
    tkh_run_until(&h, h.now + TK_SEC(1));
    TKH_EXPECT(&h, &g, SEW, ISS, 0, 0);
    tkh_inject(&h, SYN_ACK | TK_TCP_ECE, IRS, ISS + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, ISS + 1, IRS + 1, 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, true);
    tkh_fini(&h);
}

/* 6.1.1.1: a peer that falls back to a plain SYN while we are in SYN_RCVD
 * gets a plain SYN-ACK, and the connection goes without ECN. */
static void test_ecn_peer_syn_fallback(void **state) {
    (void)state;
    tkh h;
    init_ecn(&h, 2);
    int ls = tkh_listen_at(&h, h.lport, 4);
    tkh_inject(&h, SEW, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, SYN_ACK | TK_TCP_ECE, ISS, IRS + 1, 0);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, SYN_ACK, ISS, IRS + 1, 0);
    tkh_inject(&h, SEW, IRS, 0, 65535, NULL, NULL, 0); /* too late: stays off */
    TKH_EXPECT(&h, &g, SYN_ACK, ISS, IRS + 1, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, false);
    tkh_fini(&h);
}

/* A retransmitted SYN-ACK of an ECN connection is ECN-setup again. */
static void test_ecn_synack_retransmission(void **state) {
    (void)state;
    tkh h;
    init_ecn(&h, 2);
    int ls = tkh_listen_at(&h, h.lport, 4);
    tkh_inject(&h, SEW, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, SYN_ACK | TK_TCP_ECE, ISS, IRS + 1, 0);
    tkh_run_until(&h, h.now + TK_SEC(1));
    TKH_EXPECT(&h, &g, SYN_ACK | TK_TCP_ECE, ISS, IRS + 1, 0);
    assert_int_equal(g.tos, 0);
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 1, 65535, NULL, NULL, 0);
    int sd = tk_accept(h.s, ls, NULL);
    expect_data_ecn(&h, sd, ISS + 1, IRS + 1, true);
    tkh_fini(&h);
}

/* SYN cookies keep no state: the cookie SYN-ACK is plain and the
 * connection goes without ECN (docs/ecn.md). */
static void test_ecn_syn_cookie_without_ecn(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 1;
    tkh h;
    tkh_init(&h, &cfg);
    int ls = tkh_listen_at(&h, h.lport, 8);
    tkh_inject_ports(&h, 20000, h.lport, TK_TCP_SYN, 5000, 0, 65535, NULL, NULL, 0);
    tkh_clear(&h);
    tkh_inject(&h, SEW, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, SYN_ACK); /* no ECE */
    assert_int_equal(g.ack, IRS + 1);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 1);
    uint32_t cookie = g.seq;
    tkh_inject(&h, TK_TCP_ACK, IRS + 1, cookie + 1, 65535, NULL, NULL, 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    expect_data_ecn(&h, sd, cookie + 1, IRS + 1, false);
    tkh_fini(&h);
}

/* The settings: defaults 2 and 1; ecn outside 0..2 is refused by the
 * configuration check, at creation and at run time. */
static void test_ecn_config(void **state) {
    (void)state;
    tk_config cfg;
    tkh_config(&cfg);
    assert_int_equal(cfg.ecn, 2);
    assert_int_equal(cfg.ecn_syn_retries, 1);
    assert_true(tk_stack_mem_size(&cfg) > 0);
    tkh h;
    tkh_init(&h, &cfg);
    int bad[] = {-1, 3, 100};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tk_config c = cfg;
        c.ecn = bad[i];
        assert_int_equal(tk_stack_mem_size(&c), 0);
        assert_int_equal(tk_stack_set_config(h.s, &c), -EINVAL);
    }
    for (int ecn = 0; ecn <= 2; ecn++) {
        tk_config c = cfg;
        c.ecn = ecn;
        c.ecn_syn_retries = 7;
        assert_int_equal(tk_stack_set_config(h.s, &c), 0);
        assert_int_equal(tk_stack_config(h.s)->ecn, ecn);
        assert_int_equal(tk_stack_config(h.s)->ecn_syn_retries, 7);
    }
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecn_active_matrix),
        cmocka_unit_test(test_ecn_passive_matrix),
        cmocka_unit_test(test_ecn_simultaneous_open),
        cmocka_unit_test(test_ecn_syn_fallback),
        cmocka_unit_test(test_ecn_syn_retransmitted_then_answered),
        cmocka_unit_test(test_ecn_peer_syn_fallback),
        cmocka_unit_test(test_ecn_synack_retransmission),
        cmocka_unit_test(test_ecn_syn_cookie_without_ecn),
        cmocka_unit_test(test_ecn_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
