/* Text on a SYN (RFC 9293 3.10.7.2/3.10.7.3), SYN+FIN with drop_synfin
 * off, and the insecure_syn rule in TIME_WAIT (CM-1, CM-2, CM-9, RS-6). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff8u
#define IRS 0xfffffffcu
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static void init_fixed(tkh *h, bool drop_synfin, bool insecure_syn) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.drop_synfin = drop_synfin;
    cfg.insecure_syn = insecure_syn;
    tkh_init_fixed(h, &cfg, ISS);
}

/* CM-1, SEC-2: data on a SYN to a listener is not acknowledged by the
 * SYN-ACK and not kept (a syncache entry holds no data, as BSD and Linux
 * without TFO); the peer sends it again after the handshake and it is
 * readable then (sequence numbers wrap). */
static void test_CM_01_syn_data_delivered_after_handshake(void **state) {
    (void)state;
    tkh h;
    init_fixed(&h, true, false);
    int ls = tkh_listen(&h);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, "abc", 3);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->syn_data_discarded, 1);
    assert_int_equal(tk_accept(h.s, ls, NULL), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, "abc", 3);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    tk_time t0 = h.now;
    TKH_NOTHING(&h);
    tkh_run_until(&h, t0 + h.cfg.delack); /* acknowledged like other data */
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1 + 3, 0);
    assert_int_equal(g.at, t0 + h.cfg.delack);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), -EAGAIN);
    tkh_fini(&h);
}

/* CM-2: in a simultaneous open the peer's SYN carries data: our SYN-ACK
 * acknowledges only the SYN; the data is readable once ESTABLISHED. */
static void test_CM_02_syn_data_simultaneous_open(void **state) {
    (void)state;
    tkh h;
    init_fixed(&h, true, false);
    int sd = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, h.lport);
    assert_int_equal(tk_bind(h.s, sd, &a), 0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, "xyz", 3);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), -EAGAIN);
    tkh_inject(&h, TK_TCP_ACK, R1 + 3, S1, 65535, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 3);
    assert_memory_equal(buf, "xyz", 3);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1 + 3, 0); /* the ACK rides on it */
    TKH_NOTHING(&h);
    tkh_fini(&h);
}

/* CM-1: SYN+FIN to a listener is dropped by default (drop_synfin); with
 * drop_synfin off it opens a connection like a SYN (its text, like a SYN's,
 * comes again after the handshake). */
static void test_CM_01_synfin_listen(void **state) {
    (void)state;
    tkh h;
    init_fixed(&h, true, false);
    tkh_listen(&h);
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_FIN, IRS, 0, 65535, NULL, "abc", 3);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_tcp_bad_flags, 1);
    tkh_fini(&h);

    init_fixed(&h, false, false);
    int ls = tkh_listen(&h);
    tkh_inject(&h, TK_TCP_SYN | TK_TCP_FIN, IRS, 0, 65535, NULL, "abc", 3);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 65535, NULL, "abc", 3); /* text sent again */
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof buf), 3);
    assert_int_equal(tk_stack_stats(h.s)->drop_tcp_bad_flags, 0);
    tkh_fini(&h);
}

/* Active close to TIME_WAIT with the descriptor still open. */
static int time_wait_conn(tkh *h) {
    uint32_t iss;
    int sd = tkh_open_passive(h, IRS, NULL, &iss);
    assert_int_equal(tk_shutdown(h->s, sd, TK_SHUT_WR), 0);
    tkh_poll(h);
    tkh_seg g;
    TKH_EXPECT(h, &g, TK_TCP_FIN | TK_TCP_ACK, S1, R1, 0);
    tkh_inject(h, TK_TCP_FIN | TK_TCP_ACK, R1, S1 + 1, 65535, NULL, NULL, 0);
    TKH_EXPECT(h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h->s, TK_TCP_TIME_WAIT), 1);
    return sd;
}

/* CM-9 / RS-6: an in-window SYN in TIME_WAIT gets an ACK (RFC 5961); with
 * insecure_syn, RFC 793's RST and the connection ends. */
static void test_CM_09_time_wait_syn_insecure(void **state) {
    (void)state;
    tkh h;
    tkh_seg g;
    init_fixed(&h, true, false);
    time_wait_conn(&h);
    tkh_inject(&h, TK_TCP_SYN, R1 + 1, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 1);
    tkh_fini(&h);

    init_fixed(&h, true, true);
    int sd = time_wait_conn(&h);
    /* Just left of the window: not in it, an ACK as before. */
    tkh_inject(&h, TK_TCP_SYN, R1, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    tkh_inject(&h, TK_TCP_SYN, R1 + 1, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1 + 1, R1 + 1, 0);
    assert_int_equal(g.win, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_CM_01_syn_data_delivered_after_handshake),
        cmocka_unit_test(test_CM_02_syn_data_simultaneous_open),
        cmocka_unit_test(test_CM_01_synfin_listen),
        cmocka_unit_test(test_CM_09_time_wait_syn_insecure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
