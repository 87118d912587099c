/* TCP_INFO with Linux's names and meanings (SPEC API-6): tk_tcp_info_get. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"
#include "tcpkit/tcp_info.h"

#define ISS 0x1000u
#define IRS 0x2000u
#define S1  (ISS + 1)
#define R1  (IRS + 1)

/* API-6: an established connection in Linux's terms: state 1, CA Open,
 * the send MSS, windows in segments; bytes received and acknowledged count
 * payload only. */
static void test_API_06_tcp_info_established(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(h.s, sd, &ti), 0);
    assert_int_equal(ti.tcpi_state, TK_TCPI_ESTABLISHED);
    assert_int_equal(ti.tcpi_ca_state, TK_TCPI_CA_OPEN);
    assert_int_equal(ti.tcpi_retransmits, 0);
    assert_int_equal(ti.tcpi_reordering, 3);
    assert_true(ti.tcpi_snd_mss > 0);
    assert_int_equal(ti.tcpi_bytes_received, 0);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "hello", 5);
    assert_int_equal(tk_send(h.s, sd, "0123456789", 10), 10);
    assert_int_equal(tk_tcp_info_get(h.s, sd, &ti), 0);
    assert_int_equal(ti.tcpi_bytes_received, 5);
    assert_int_equal(ti.tcpi_notsent_bytes, 10);
    assert_int_equal(ti.tcpi_unacked_bytes, 0);
    tkh_poll(&h);
    assert_int_equal(tk_tcp_info_get(h.s, sd, &ti), 0);
    assert_int_equal(ti.tcpi_notsent_bytes, 0);
    assert_int_equal(ti.tcpi_unacked_bytes, 10);
    tkh_inject(&h, TK_TCP_ACK, R1 + 5, S1 + 4, 65535, NULL, NULL, 0);
    assert_int_equal(tk_tcp_info_get(h.s, sd, &ti), 0);
    assert_int_equal(ti.tcpi_bytes_acked, 4);
    assert_int_equal(ti.tcpi_unacked_bytes, 6);
    assert_int_equal(ti.tcpi_snd_wnd, 65535);
    tkh_fini(&h);
}

/* API-6: after a retransmission timeout the connection is in Loss with
 * one retransmit and backoff 1, the RTO doubled. */
static void test_API_06_tcp_info_loss(void **state) {
    (void)state;
    tkh h;
    int sd = tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    tk_tcp_info before, ti;
    assert_int_equal(tk_send(h.s, sd, "abc", 3), 3);
    tkh_poll(&h);
    assert_int_equal(tk_tcp_info_get(h.s, sd, &before), 0);
    tkh_run_until(&h, h.now + (tk_time)before.tcpi_rto);
    assert_int_equal(tk_tcp_info_get(h.s, sd, &ti), 0);
    assert_int_equal(ti.tcpi_ca_state, TK_TCPI_CA_LOSS);
    assert_int_equal(ti.tcpi_retransmits, 1);
    assert_int_equal(ti.tcpi_backoff, 1);
    assert_int_equal(ti.tcpi_rto, 2 * before.tcpi_rto);
    tkh_fini(&h);
}

/* API-6: a listener reports TCP_LISTEN and nothing else; a bad descriptor
 * is EBADF. */
static void test_API_06_tcp_info_listen(void **state) {
    (void)state;
    tkh h;
    (void)tkh_open_fixed(&h, NULL, ISS, IRS, NULL);
    int ls = tkh_listen_at(&h, 9000, 1);
    tk_tcp_info ti;
    assert_int_equal(tk_tcp_info_get(h.s, ls, &ti), 0);
    assert_int_equal(ti.tcpi_state, TK_TCPI_LISTEN);
    assert_int_equal(ti.tcpi_snd_mss, 0);
    assert_int_equal(tk_tcp_info_get(h.s, 999, &ti), -EBADF);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_API_06_tcp_info_established),
        cmocka_unit_test(test_API_06_tcp_info_loss),
        cmocka_unit_test(test_API_06_tcp_info_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
