/* SYN cookies under a SYN flood (SEC-2, with CM-14's half-open bound). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

static int flooded_listener(tkh *h) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 2;
    tkh_init(h, &cfg);
    int ls = tk_socket(h->s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    tk_bind(h->s, ls, &a);
    tk_listen(h->s, ls, 8);
    /* The flood: SYNs from spoofed ports that never complete. */
    for (uint16_t i = 0; i < 10; i++)
        tkh_inject_ports(h, (uint16_t)(20000 + i), 80, TK_TCP_SYN, 5000u * i, 0, 65535, NULL, NULL,
                         0);
    assert_int_equal(tk_stack_state_count(h->s, TK_TCP_SYN_RCVD), 2);
    assert_int_equal(tk_stack_stats(h->s)->syncookies_sent, 8);
    tkh_clear(h);
    return ls;
}

/* SEC-2: with the half-open bound reached, a legitimate client still
 * connects: its SYN gets a cookie SYN-ACK (MSS only), its ACK creates the
 * connection, data flows. */
static void test_SEC_02_syn_cookie_client_connects(void **state) {
    (void)state;
    tkh h;
    int ls = flooded_listener(&h);
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    o.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM;
    o.mss = 1400;
    o.wscale = 7;
    const uint32_t irs = 0xfffffff0u; /* the cookie holds across the wrap */
    tkh_inject(&h, TK_TCP_SYN, irs, 0, 65535, &o, NULL, 0);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    assert_int_equal(g.flags, TK_TCP_SYN | TK_TCP_ACK);
    assert_int_equal(g.ack, irs + 1);
    assert_int_equal(g.opts.present, TK_OPT_MSS); /* no state: no other options */
    uint32_t cookie = g.seq;
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 2);
    tkh_run_until(&h, h.now + TK_SEC(30));
    tkh_clear(&h); /* the flood's SYN-ACK retransmissions */
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, irs + 1, cookie + 1, 4000, NULL, "GET", 3);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_accepted, 1);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    char buf[8];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "GET", 3);
    tk_conn_info ci[32];
    int n = tk_stack_conn_table(h.s, ci, 32);
    const tk_conn_info *c = NULL;
    for (int i = 0; i < n; i++)
        if (ci[i].sd == sd)
            c = &ci[i];
    assert_non_null(c);
    assert_int_equal(c->mss, 1400); /* from the cookie's MSS table */
    assert_int_equal(c->snd_wnd, 4000);
    assert_int_equal(tk_send(h.s, sd, "200", 3), 3);
    tkh_poll(&h);
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, cookie + 1, irs + 4, 3);
    tkh_fini(&h);
}

/* A forged or stale cookie gets the RST of RS-8, and no connection. */
static void test_SEC_02_bad_or_stale_cookie_rejected(void **state) {
    (void)state;
    tkh h;
    flooded_listener(&h);
    tkh_inject(&h, TK_TCP_SYN, 777, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    assert_true(tkh_next(&h, &g));
    uint32_t cookie = g.seq;
    tkh_inject(&h, TK_TCP_ACK, 778, cookie + 2, 4000, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, cookie + 2, 0, 0);
    tkh_inject(&h, TK_TCP_ACK, 779, cookie + 1, 4000, NULL, NULL, 0); /* wrong ISN */
    TKH_EXPECT(&h, &g, TK_TCP_RST, cookie + 1, 0, 0);
    tkh_run_until(&h, h.now + TK_SEC(129));
    tkh_clear(&h);
    tkh_inject(&h, TK_TCP_ACK, 778, cookie + 1, 4000, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, cookie + 1, 0, 0);
    /* SEC-7: 129 s after the last cookie the gate is shut: the MAC is not
     * even computed. */
    assert_int_equal(tk_stack_stats(h.s)->syncookies_failed, 2);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_ungated, 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    tkh_fini(&h);
}

/* With cookies off, the bound simply drops SYNs (counted). */
static void test_SEC_02_cookies_off_drops(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 1;
    cfg.syn_cookies = false;
    tkh_init(&h, &cfg);
    int ls = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    tk_bind(h.s, ls, &a);
    tk_listen(h.s, ls, 8);
    tkh_inject_ports(&h, 1000, 80, TK_TCP_SYN, 1, 0, 65535, NULL, NULL, 0);
    tkh_inject_ports(&h, 1001, 80, TK_TCP_SYN, 1, 0, 65535, NULL, NULL, 0);
    assert_int_equal(tkh_pending(&h), 1);
    assert_int_equal(tk_stack_stats(h.s)->drop_syn_backlog_full, 1);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 0);
    tkh_fini(&h);
}

/* A stack with a one-entry syncache (and max_sockets sockets when not 0)
 * and a listener on port 80 with this backlog; returns the listener. */
static int small_listener(tkh *h, uint32_t max_sockets, int backlog) {
    tk_config cfg;
    tkh_config(&cfg);
    cfg.max_syn_backlog = 1;
    if (max_sockets)
        cfg.max_sockets = max_sockets;
    tkh_init(h, &cfg);
    return tkh_listen_at(h, 80, backlog);
}

/* SEC-2, CM-14: a valid cookie ACK that finds the accept queue full is
 * dropped and counted, never reset: its sender believes it is connected.
 * Its next segment, once accept() made room, completes the connection. */
static void test_SEC_02_cookie_ack_without_room_dropped_not_reset(void **state) {
    (void)state;
    tkh h;
    int ls = small_listener(&h, 0, 1);
    tkh_seg g;
    tkh_inject_ports(&h, 1000, 80, TK_TCP_SYN, 100, 0, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g)); /* a syncache entry's SYN-ACK */
    uint32_t iss_a = g.seq;
    tkh_inject_ports(&h, 1001, 80, TK_TCP_SYN, 500, 0, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g)); /* the syncache is full: a cookie */
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 1);
    uint32_t cookie = g.seq;
    tkh_inject_ports(&h, 1000, 80, TK_TCP_ACK, 101, iss_a + 1, 4000, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1); /* queue full */
    tkh_clear(&h);
    tkh_inject_ports(&h, 1001, 80, TK_TCP_ACK, 501, cookie + 1, 4000, NULL, NULL, 0);
    TKH_NOTHING(&h); /* before: the RST of RS-8 */
    assert_int_equal(tk_stack_stats(h.s)->drop_listen_overflow, 1);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_accepted, 0);
    assert_int_equal(tk_stack_stats(h.s)->rsts_sent, 0);
    assert_true(tk_accept(h.s, ls, NULL) >= 0);
    tkh_inject_ports(&h, 1001, 80, TK_TCP_ACK | TK_TCP_PSH, 501, cookie + 1, 4000, NULL, "hi", 2);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_accepted, 1);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 2);
    int sd = tk_accept(h.s, ls, NULL);
    assert_true(sd >= 0);
    char buf[4];
    assert_int_equal(tk_recv(h.s, sd, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "hi", 2);
    tkh_fini(&h);
}

/* The same when the socket pool is empty: no RST, drop_no_memory. */
static void test_SEC_02_cookie_ack_without_socket_dropped_not_reset(void **state) {
    (void)state;
    tkh h;
    (void)small_listener(&h, 2, 8); /* sockets: the listener and one connection */
    tkh_seg g;
    tkh_inject_ports(&h, 1000, 80, TK_TCP_SYN, 100, 0, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g)); /* a cookie: one free socket is the reserve */
    uint32_t cookie_a = g.seq;
    tkh_inject_ports(&h, 1001, 80, TK_TCP_SYN, 500, 0, 65535, NULL, NULL, 0);
    assert_true(tkh_next(&h, &g));
    uint32_t cookie_b = g.seq;
    assert_int_equal(tk_stack_stats(h.s)->syncookies_sent, 2);
    tkh_inject_ports(&h, 1000, 80, TK_TCP_ACK, 101, cookie_a + 1, 4000, NULL, NULL, 0);
    assert_int_equal(tk_stack_stats(h.s)->syncookies_accepted, 1);
    tkh_clear(&h);
    tkh_inject_ports(&h, 1001, 80, TK_TCP_ACK, 501, cookie_b + 1, 4000, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_no_memory, 1);
    assert_int_equal(tk_stack_stats(h.s)->rsts_sent, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_02_syn_cookie_client_connects),
        cmocka_unit_test(test_SEC_02_bad_or_stale_cookie_rejected),
        cmocka_unit_test(test_SEC_02_cookies_off_drops),
        cmocka_unit_test(test_SEC_02_cookie_ack_without_room_dropped_not_reset),
        cmocka_unit_test(test_SEC_02_cookie_ack_without_socket_dropped_not_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
