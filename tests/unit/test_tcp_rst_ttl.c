/* RS-1/RS-7/RS-8 RSTs and the IP header: a RST answering a segment carries
 * the IP_TTL and IP_TOS of the socket the segment reached (a socket bound
 * but not listening, a listener, a connection), as FreeBSD's do; with no
 * socket, the defaults (cfg.ip_ttl, TOS 0). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_encap.h"
#include "support/tk_harness.h"

#define ISS 0x10000000u
#define IRS 0x20000000u

static void set_ip(tkh *h, int sd, int ttl, int tos) {
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TTL, &ttl, sizeof(ttl)), 0);
    assert_int_equal(tk_setsockopt(h->s, sd, TK_IPPROTO_IP_LEVEL, TK_IP_TOS, &tos, sizeof(tos)), 0);
}

/* Pops the next segment: its flags, seq, ack, TTL and TOS. */
static void expect_rst(tkh *h, uint8_t flags, uint32_t seq, uint32_t ack, uint8_t ttl,
                       uint8_t tos) {
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(h, &g, &w, flags, seq, ack, 0, 0, 0);
    assert_int_equal(g.win, 0);
    assert_int_equal(w.ttl, ttl);
    assert_int_equal(w.tos, tos);
}

/* A bound socket that neither listens nor connects: both RST forms carry
 * its TTL and TOS; before bind() the port had the defaults. */
static void test_RS_01_bound_socket_ttl_tos(void **state) {
    (void)state;
    tkh h;
    tkh_init(&h, NULL);
    int sd = tk_socket(h.s);
    set_ip(&h, sd, 4, 0x20);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    expect_rst(&h, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 1, 64, 0);
    tk_sockaddr a = tk_sockaddr_in4(0, h.lport);
    assert_int_equal(tk_bind(h.s, sd, &a), 0);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    expect_rst(&h, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 1, 4, 0x20);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, IRS, 77, 65535, NULL, "ab", 2), 0);
    expect_rst(&h, TK_TCP_RST, 77, 0, 4, 0x20);
    assert_int_equal(tkh_inject(&h, TK_TCP_RST, IRS, 0, 0, NULL, NULL, 0), 0);
    TKH_NOTHING(&h);
    /* Another port is not that socket's. */
    assert_int_equal(tkh_inject_ports(&h, h.rport, 81, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0),
                     0);
    expect_rst(&h, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 1, 64, 0);
    assert_int_equal(tk_stack_stats(h.s)->drop_no_socket, 4);
    tkh_fini(&h);
}

/* A connected socket on the port is not "bound only": a segment from
 * another peer port gets the defaults. */
static void test_RS_01_connected_socket_not_used(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    uint32_t iss;
    int sd = tkh_open_active(&h, IRS, NULL, &iss);
    set_ip(&h, sd, 9, 0x40);
    assert_int_equal(
        tkh_inject_ports(&h, h.rport + 1, h.lport, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    expect_rst(&h, TK_TCP_RST | TK_TCP_ACK, 0, IRS + 1, 64, 0);
    tkh_fini(&h);
}

/* RS-8: a listener's RST to an ACK, and a SYN_RCVD child's RST to a bad
 * ACK, carry the listener's values (the child inherited them). */
static void test_RS_08_listener_and_child_ttl_tos(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, h.lport, 4);
    set_ip(&h, ls, 5, 0x28);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, IRS, 1234, 65535, NULL, NULL, 0), 0);
    expect_rst(&h, TK_TCP_RST, 1234, 0, 5, 0x28);
    assert_int_equal(tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0), 0);
    tkh_seg g;
    tkh_wire w;
    TKH_EXPECT_WIRE(&h, &g, &w, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 1, 0, 0, 0);
    assert_int_equal(w.ttl, 5);
    assert_int_equal(tkh_inject(&h, TK_TCP_ACK, IRS + 1, ISS + 9, 65535, NULL, NULL, 0), 0);
    expect_rst(&h, TK_TCP_RST, ISS + 9, 0, 5, 0x28);
    tkh_fini(&h);
}

/* RS-7: in SYN_SENT, the RST to an unacceptable ACK has the socket's values. */
static void test_RS_07_syn_sent_ttl_tos(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int sd = tk_socket(h.s);
    set_ip(&h, sd, 4, 0xe0);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, h.rport);
    assert_int_equal(tk_connect(h.s, sd, &r), -EINPROGRESS);
    tkh_poll(&h);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN);
    assert_int_equal(tkh_inject_ports(&h, h.rport, g.sport, TK_TCP_SYN | TK_TCP_ACK, IRS, ISS,
                                      65535, NULL, NULL, 0),
                     0);
    expect_rst(&h, TK_TCP_RST, ISS, 0, 4, 0xe0);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_RS_01_bound_socket_ttl_tos),
        cmocka_unit_test(test_RS_01_connected_socket_not_used),
        cmocka_unit_test(test_RS_08_listener_and_child_ttl_tos),
        cmocka_unit_test(test_RS_07_syn_sent_ttl_tos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
