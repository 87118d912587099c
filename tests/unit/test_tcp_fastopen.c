/* TCP Fast Open, server side (SPEC OP-8, RFC 7413): cookies on request,
 * SYN data taken with a valid cookie before the handshake completes, the
 * fallback for a wrong cookie or a full TCP_FASTOPEN queue, and the
 * setting being off by default. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcp/state.h"

#define ISS 0x10000000u
#define IRS 0x20000000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static int fo_listener(tkh *h, uint8_t fastopen, int qlen) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.fastopen = fastopen;
    tkh_init_fixed(h, &cfg, ISS);
    int ls = tkh_listen(h);
    assert_int_equal(
        tk_setsockopt(h->s, ls, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, &qlen, sizeof qlen), 0);
    return ls;
}

/* A SYN's options: MSS and a Fast Open option with cookie c (NULL: a
 * cookie request). */
static tk_tcp_opts fo_opts(const uint8_t *c) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MSS | TK_OPT_FASTOPEN;
    o.mss = 1460;
    if (c != NULL) {
        o.fo_len = TK_FASTOPEN_COOKIE_LEN;
        memcpy(o.fo_cookie, c, TK_FASTOPEN_COOKIE_LEN);
    }
    return o;
}

static void good_cookie(const tkh *h, uint8_t c[TK_FASTOPEN_COOKIE_LEN]) {
    tk_fastopen_cookie(h->s, TKH_REMOTE_ADDR, h->now, c);
}

static void test_OP_08_off_by_default(void **state) {
    (void)state;
    tk_config cfg;
    tk_config_default(&cfg);
    assert_int_equal(cfg.fastopen, 0);
    tkh h;
    int ls = fo_listener(&h, 0, 16);
    (void)ls;
    tk_tcp_opts o = fo_opts(NULL);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, "abc", 3);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(g.opts.present & TK_OPT_FASTOPEN, 0);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_cookie_reqs, 0);
    assert_int_equal(tk_stack_stats(h.s)->syn_data_discarded, 1);
    tkh_fini(&h);
}

/* Without a TCP_FASTOPEN queue a listener ignores the option too. */
static void test_OP_08_no_queue_no_cookie(void **state) {
    (void)state;
    tkh h;
    fo_listener(&h, TK_FASTOPEN_SERVER, 0);
    tk_tcp_opts o = fo_opts(NULL);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(g.opts.present & TK_OPT_FASTOPEN, 0);
    tkh_fini(&h);
}

/* RFC 7413 4.2.1: an empty option asks for a cookie; the SYN-ACK of the
 * ordinary handshake carries it. */
static void test_OP_08_cookie_request_answered(void **state) {
    (void)state;
    tkh h;
    fo_listener(&h, TK_FASTOPEN_SERVER, 16);
    tk_tcp_opts o = fo_opts(NULL);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(g.opts.present & TK_OPT_FASTOPEN, TK_OPT_FASTOPEN);
    assert_int_equal(g.opts.fo_len, TK_FASTOPEN_COOKIE_LEN);
    uint8_t c[TK_FASTOPEN_COOKIE_LEN];
    good_cookie(&h, c);
    assert_memory_equal(g.opts.fo_cookie, c, sizeof c);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_cookie_reqs, 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_fini(&h);
}

/* RFC 7413 4.2.2: with a valid cookie the data is acknowledged by the
 * SYN-ACK and readable from accept() before the client's ACK arrives;
 * the ACK completes the handshake without a second accept(). */
static void test_OP_08_valid_cookie_data_early(void **state) {
    (void)state;
    tkh h;
    int ls = fo_listener(&h, TK_FASTOPEN_SERVER, 16);
    uint8_t c[TK_FASTOPEN_COOKIE_LEN];
    good_cookie(&h, c);
    tk_tcp_opts o = fo_opts(c);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, "hello", 5);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1 + 5, 0);
    assert_int_equal(g.opts.present & TK_OPT_FASTOPEN, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_passive, 1);
    assert_int_equal(tk_stack_stats(h.s)->syn_data_discarded, 0);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    tkh_inject(&h, TK_TCP_ACK, R1 + 5, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_accept(h.s, ls, NULL), -EAGAIN);
    assert_int_equal(tk_send(h.s, sd, "ok", 2), 2);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1 + 5, 2);
    tkh_fini(&h);
}

/* RFC 7413 4.2.2: a wrong cookie: the data is dropped, the SYN-ACK
 * acknowledges only the SYN and carries a fresh cookie. */
static void test_OP_08_invalid_cookie_fallback(void **state) {
    (void)state;
    tkh h;
    int ls = fo_listener(&h, TK_FASTOPEN_SERVER, 16);
    uint8_t bad[TK_FASTOPEN_COOKIE_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
    tk_tcp_opts o = fo_opts(bad);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, "hello", 5);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    uint8_t c[TK_FASTOPEN_COOKIE_LEN];
    good_cookie(&h, c);
    assert_int_equal(g.opts.fo_len, TK_FASTOPEN_COOKIE_LEN);
    assert_memory_equal(g.opts.fo_cookie, c, sizeof c);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_cookie_invalid, 1);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_passive, 0);
    assert_int_equal(tk_stack_stats(h.s)->syn_data_discarded, 1);
    assert_int_equal(tk_accept(h.s, ls, NULL), -EAGAIN);
    tkh_fini(&h);
}

/* Cookie rotation: a cookie is good in its key period and the next one,
 * not after. */
static void test_OP_08_cookie_rotation(void **state) {
    (void)state;
    tkh h;
    fo_listener(&h, TK_FASTOPEN_SERVER, 16);
    uint8_t c0[TK_FASTOPEN_COOKIE_LEN], c1[TK_FASTOPEN_COOKIE_LEN], c2[TK_FASTOPEN_COOKIE_LEN];
    tk_fastopen_cookie(h.s, TKH_REMOTE_ADDR, 0, c0);
    tk_fastopen_cookie(h.s, TKH_REMOTE_ADDR, TK_SEC(3599), c1);
    assert_memory_equal(c0, c1, sizeof c0);
    tk_fastopen_cookie(h.s, TKH_REMOTE_ADDR, TK_SEC(3600), c2);
    assert_memory_not_equal(c0, c2, sizeof c0);
    tk_fastopen_cookie(h.s, TKH_REMOTE_ADDR + 1, 0, c1);
    assert_memory_not_equal(c0, c1, sizeof c0);
    tkh_run_until(&h, TK_SEC(7200) + 1); /* two periods after c0 was made */
    tk_tcp_opts o = fo_opts(c0);
    tkh_clear(&h);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, &o, "x", 1);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_cookie_invalid, 1);
    tkh_fini(&h);
}

/* The TCP_FASTOPEN queue bounds children waiting for their handshake; one
 * more falls back to the ordinary handshake. */
static void test_OP_08_queue_full_fallback(void **state) {
    (void)state;
    tkh h;
    fo_listener(&h, TK_FASTOPEN_SERVER, 1);
    uint8_t c[TK_FASTOPEN_COOKIE_LEN];
    good_cookie(&h, c);
    tk_tcp_opts o = fo_opts(c);
    tkh_inject_ports(&h, 5001, h.lport, TK_TCP_SYN, IRS, 0, 65535, &o, "a", 1);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1 + 1, 0);
    tkh_inject_ports(&h, 5002, h.lport, TK_TCP_SYN, IRS, 0, 65535, &o, "b", 1);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_queue_full, 1);
    /* The first handshake completes: the queue has room again. */
    tkh_inject_ports(&h, 5001, h.lport, TK_TCP_ACK, R1 + 1, S1, 65535, NULL, NULL, 0);
    tkh_inject_ports(&h, 5003, h.lport, TK_TCP_SYN, IRS, 0, 65535, &o, "c", 1);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1 + 1, 0);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_passive, 2);
    tkh_fini(&h);
}

static void test_OP_08_sockopt(void **state) {
    (void)state;
    tkh h;
    int ls = fo_listener(&h, TK_FASTOPEN_SERVER, 5);
    int v = 0;
    size_t len = sizeof v;
    assert_int_equal(tk_getsockopt(h.s, ls, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, &v, &len), 0);
    assert_int_equal(v, 5);
    v = -1;
    assert_int_equal(tk_setsockopt(h.s, ls, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, &v, sizeof v),
                     -EINVAL);
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    v = 1;
    assert_int_equal(tk_setsockopt(h.s, sd, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, &v, sizeof v),
                     -EINVAL);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OP_08_off_by_default),
        cmocka_unit_test(test_OP_08_no_queue_no_cookie),
        cmocka_unit_test(test_OP_08_cookie_request_answered),
        cmocka_unit_test(test_OP_08_valid_cookie_data_early),
        cmocka_unit_test(test_OP_08_invalid_cookie_fallback),
        cmocka_unit_test(test_OP_08_cookie_rotation),
        cmocka_unit_test(test_OP_08_queue_full_fallback),
        cmocka_unit_test(test_OP_08_sockopt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
