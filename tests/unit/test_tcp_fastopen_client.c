/* TCP Fast Open, client side (SPEC OP-8, RFC 7413 4.1.3, 4.2.2): a cookie
 * request, the cookie cache, data in the SYN, and the fallbacks when the
 * SYN-ACK does not acknowledge the data or the SYN is lost. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_harness.h"
#include "tcp/state.h"

#define IRS 0x20000000u

static const uint8_t cookie[8] = {0xc0, 0x01, 0xc0, 0x02, 0xc0, 0x03, 0xc0, 0x04};

static void init(tkh *h, uint8_t fastopen) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.fastopen = fastopen;
    tkh_init(h, &cfg);
}

static tk_tcp_opts synack_opts(bool with_cookie) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.present = TK_OPT_MSS;
    o.mss = 1460;
    if (with_cookie) {
        o.present |= TK_OPT_FASTOPEN;
        o.fo_len = sizeof cookie;
        memcpy(o.fo_cookie, cookie, sizeof cookie);
    }
    return o;
}

/* A Fast Open send to the scripted peer on port rport; its first SYN in *g. */
static long fo_send(tkh *h, uint16_t rport, const char *data, tkh_seg *g) {
    int sd = tk_socket(h->s);
    assert_true(sd >= 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, rport);
    long n = tk_send_fastopen(h->s, sd, &r, data, strlen(data));
    tkh_poll(h);
    assert_true(tkh_next(h, g));
    assert_int_equal(g->flags, TK_TCP_SYN);
    return n;
}

/* A first connection: the SYN asks for a cookie, the SYN-ACK's cookie is
 * cached; returns nothing, leaves the connection ESTABLISHED. */
static void learn_cookie(tkh *h) {
    tkh_seg g;
    assert_int_equal(fo_send(h, 7001, "early", &g), -EINPROGRESS);
    assert_int_equal(g.len, 0);
    assert_int_equal(g.opts.present & TK_OPT_FASTOPEN, TK_OPT_FASTOPEN);
    assert_int_equal(g.opts.fo_len, 0);
    tk_tcp_opts o = synack_opts(true);
    tkh_inject_ports(h, 7001, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, g.seq + 1, 65535, &o, NULL, 0);
    tkh_seg a;
    TKH_EXPECT(h, &a, TK_TCP_ACK, g.seq + 1, IRS + 1, 0);
}

static void test_OP_08_client_needs_setting(void **state) {
    (void)state;
    tkh h;
    init(&h, TK_FASTOPEN_SERVER);
    int sd = tk_socket(h.s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 7001);
    assert_int_equal(tk_send_fastopen(h.s, sd, &r, "x", 1), -EOPNOTSUPP);
    assert_int_equal(tk_send_fastopen(h.s, 99, &r, "x", 1), -EBADF);
    tkh_fini(&h);
}

/* RFC 7413 4.1.3: with the cached cookie the next SYN carries it and the
 * data; a SYN-ACK acknowledging the data leaves nothing to resend. */
static void test_OP_08_client_cookie_then_data_in_syn(void **state) {
    (void)state;
    tkh h;
    init(&h, TK_FASTOPEN_CLIENT);
    learn_cookie(&h);
    tkh_seg g;
    assert_int_equal(fo_send(&h, 7002, "hello", &g), 5);
    assert_int_equal(g.len, 5);
    assert_memory_equal(g.data, "hello", 5);
    assert_int_equal(g.opts.fo_len, sizeof cookie);
    assert_memory_equal(g.opts.fo_cookie, cookie, sizeof cookie);
    tk_tcp_opts o = synack_opts(false);
    tkh_inject_ports(&h, 7002, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, g.seq + 6, 65535, &o, NULL,
                     0);
    tkh_seg a;
    TKH_EXPECT(&h, &a, TK_TCP_ACK, g.seq + 6, IRS + 1, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_active, 1);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_active_fail, 0);
    tkh_fini(&h);
}

/* RFC 7413 4.2.2: the server acknowledged only the SYN (it refused the
 * cookie): the data goes again right after the handshake. */
static void test_OP_08_client_data_not_acked_resent(void **state) {
    (void)state;
    tkh h;
    init(&h, TK_FASTOPEN_CLIENT);
    learn_cookie(&h);
    tkh_seg g;
    assert_int_equal(fo_send(&h, 7002, "hello", &g), 5);
    tk_tcp_opts o = synack_opts(false);
    tkh_inject_ports(&h, 7002, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, g.seq + 1, 65535, &o, NULL,
                     0);
    tkh_seg d;
    TKH_EXPECT(&h, &d, TK_TCP_ACK | TK_TCP_PSH, g.seq + 1, IRS + 1, 5);
    assert_memory_equal(d.data, "hello", 5);
    assert_int_equal(tk_stack_stats(h.s)->fastopen_active_fail, 1);
    tkh_fini(&h);
}

/* RFC 7413 4.1.3: a lost SYN with data is sent again as a plain SYN (no
 * data, no option); the data follows the handshake. */
static void test_OP_08_client_syn_lost_plain_syn(void **state) {
    (void)state;
    tkh h;
    init(&h, TK_FASTOPEN_CLIENT);
    learn_cookie(&h);
    tkh_seg g;
    assert_int_equal(fo_send(&h, 7002, "hello", &g), 5);
    assert_int_equal(g.len, 5);
    tkh_run_until(&h, g.at + h.cfg.rto_initial);
    tkh_seg r;
    TKH_EXPECT(&h, &r, TK_TCP_SYN, g.seq, 0, 0);
    assert_int_equal(r.opts.present & TK_OPT_FASTOPEN, 0);
    tk_tcp_opts o = synack_opts(false);
    tkh_inject_ports(&h, 7002, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, g.seq + 1, 65535, &o, NULL,
                     0);
    tkh_seg d;
    TKH_EXPECT(&h, &d, TK_TCP_ACK | TK_TCP_PSH, g.seq + 1, IRS + 1, 5);
    assert_memory_equal(d.data, "hello", 5);
    tkh_fini(&h);
}

/* The cache holds the last TK_FO_CACHE_SIZE servers: one more evicts the
 * least recently used, whose next SYN asks for a cookie again. */
static void test_OP_08_client_cache_bounded(void **state) {
    (void)state;
    tkh h;
    init(&h, TK_FASTOPEN_CLIENT);
    tk_tcb *tp = tk_tcb_alloc(h.s);
    assert_non_null(tp);
    tk_seg sg;
    memset(&sg, 0, sizeof sg);
    sg.h.opts = synack_opts(true);
    for (uint32_t i = 0; i <= TK_FO_CACHE_SIZE; i++) {
        tp->raddr = 0x0a000001u + i;
        tk_fastopen_synack(h.s, tp, &sg);
    }
    tp->raddr = 0x0a000001u; /* the oldest: evicted */
    assert_int_equal(tk_fastopen_connect(h.s, tp, 100), 0);
    tk_tcp_opts o;
    memset(&o, 0, sizeof o);
    tk_fastopen_syn_opts(h.s, tp, &o);
    assert_int_equal(o.present, TK_OPT_FASTOPEN);
    assert_int_equal(o.fo_len, 0);
    tp->raddr = 0x0a000002u;
    assert_int_equal(tk_fastopen_connect(h.s, tp, 100), 100);
    assert_int_equal(tk_fastopen_syn_data(h.s, tp), 100);
    tk_fastopen_syn_opts(h.s, tp, &o);
    assert_int_equal(o.fo_len, sizeof cookie);
    assert_memory_equal(o.fo_cookie, cookie, sizeof cookie);
    assert_int_equal(tk_fastopen_connect(h.s, tp, 5000), 536 - TK_TCP_MAX_OPTLEN);
    tk_tcb_free(h.s, tp);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OP_08_client_needs_setting),
        cmocka_unit_test(test_OP_08_client_cookie_then_data_in_syn),
        cmocka_unit_test(test_OP_08_client_data_not_acked_resent),
        cmocka_unit_test(test_OP_08_client_syn_lost_plain_syn),
        cmocka_unit_test(test_OP_08_client_cache_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
