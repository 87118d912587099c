/* Resets and half-open connections (RS-1..RS-9, CM-17, RFC 5961 limits). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS 0xfffffff0u
#define IRS 0x7ffffffeu
#define S1  (ISS + 1)
#define R1  (IRS + 1)

static void init(tkh *h, uint32_t challenge_limit) {
    tk_config cfg;
    tkh_config(&cfg);
    if (challenge_limit) {
        cfg.challenge_ack_limit = challenge_limit;
        cfg.invalid_ack_ratelimit = 0; /* the stack-wide budget alone */
    }
    tkh_init_fixed(h, &cfg, ISS);
}

static int open_conn(tkh *h) {
    return tkh_open_fixed(h, NULL, ISS, IRS, NULL);
}

/* connect() to the peer's port 80: our SYN (captured in g) leaves. */
static int connect_syn_sent(tkh *h, tkh_seg *g) {
    init(h, 0);
    int sd = tk_socket(h->s);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    tk_connect(h->s, sd, &r);
    tkh_poll(h);
    TKH_EXPECT(h, g, TK_TCP_SYN, ISS, 0, 0);
    return sd;
}

/* RS-1: both RST forms; a RST is never answered. */
static void test_RS_01_closed_port_rst_forms(void **state) {
    (void)state;
    tkh h;
    init(&h, 0);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_SYN, 1000, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, 0, 1001, 0);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, 1000, 5555, 65535, NULL, "abc", 3);
    TKH_EXPECT(&h, &g, TK_TCP_RST, 5555, 0, 0);
    tkh_inject(&h, TK_TCP_FIN, 1000, 0, 65535, NULL, "ab", 2);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, 0, 1003, 0);
    tkh_inject(&h, TK_TCP_RST, 1000, 0, 0, NULL, NULL, 0);
    tkh_inject(&h, TK_TCP_RST | TK_TCP_ACK, 1000, 1, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_rst_no_socket, 2);
    assert_int_equal(tk_stack_stats(h.s)->rsts_sent, 3);
    tkh_fini(&h);
}

/* RS-1: the peer's RST-ACK to our SYN -> ECONNREFUSED. */
static void test_RS_01_connect_refused(void **state) {
    (void)state;
    tkh h;
    tkh_seg g;
    int sd = connect_syn_sent(&h, &g);
    tkh_inject_ports(&h, 80, g.sport, TK_TCP_RST | TK_TCP_ACK, 0, ISS + 1, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_poll_events(h.s, sd), TK_POLLERR | TK_POLLIN | TK_POLLHUP);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ECONNREFUSED);
    assert_int_equal(tk_stack_stats(h.s)->attempt_fails, 1);
    tkh_fini(&h);
}

/* RS-2: SO_LINGER {1, 0}: close() sends RST, drops queued data, no
 * TIME_WAIT. The peer's next call fails with ECONNRESET (RS-2 peer side). */
static void test_RS_02_linger_zero_abort(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_linger l = {1, 0};
    assert_int_equal(tk_setsockopt(h.s, sd, TK_SOL_SOCKET, TK_SO_LINGER, &l, sizeof(l)), 0);
    tkh_inject(&h, TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0); /* zero window: data stays queued */
    assert_int_equal(tk_send(h.s, sd, "queued", 6), 6);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1, R1, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_TIME_WAIT), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    tkh_fini(&h);
}

static void test_RS_02_peer_rst_gives_econnreset(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tkh_inject(&h, TK_TCP_RST | TK_TCP_ACK, R1, S1, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_send(h.s, sd, "x", 1), -ECONNRESET);
    assert_int_equal(tk_send(h.s, sd, "x", 1), -EPIPE);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), 0);
    assert_int_equal(tk_stack_stats(h.s)->estab_resets, 1);
    tkh_fini(&h);
}

/* RS-3: close() with unread data sends RST instead of FIN. */
static void test_RS_03_close_unread_data_rst(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1, 65535, NULL, "unread", 6);
    assert_int_equal(tk_close(h.s, sd), 0);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1, R1 + 6, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_FIN_WAIT_1), 0);
    tkh_fini(&h);
}

/* RS-4: after a restart the stack knows nothing of the connection: the
 * peer's data gets a RST it accepts (SEQ = SEG.ACK). */
static void test_RS_04_half_open_after_restart(void **state) {
    (void)state;
    tkh h;
    init(&h, 0);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_ACK | TK_TCP_PSH, R1, S1 + 100, 65535, NULL, "data", 4);
    TKH_EXPECT(&h, &g, TK_TCP_RST, S1 + 100, 0, 0);
    tkh_fini(&h);
}

/* RS-4 from the other side: our connection gets that RST -> ECONNRESET. */
static void test_RS_04_peer_restarted_reset(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    assert_int_equal(tk_send(h.s, sd, "hello", 5), 5);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_ACK | TK_TCP_PSH, S1, R1, 5);
    tkh_inject(&h, TK_TCP_RST, R1, 0, 0, NULL, NULL, 0);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ECONNRESET);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    tkh_fini(&h);
}

/* RS-5: RST acceptance: exact RCV.NXT resets; in-window but not exact gets
 * a challenge ACK; outside the window is dropped silently. */
static void test_RS_05_rst_in_window_challenge_ack(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_RST, R1 + 100, 0, 0, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_stack_stats(h.s)->challenge_acks, 1);
    tkh_inject(&h, TK_TCP_RST, R1 + 70000, 0, 0, NULL, NULL, 0);
    tkh_inject(&h, TK_TCP_RST, R1 - 1, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_stats(h.s)->drop_rst_out_of_window, 2);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    tkh_inject(&h, TK_TCP_RST, R1, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    assert_int_equal(tk_recv(h.s, sd, &g, 1), -ECONNRESET);
    tkh_fini(&h);
}

/* RS-5: in SYN_SENT a RST counts only if it acknowledges our SYN. */
static void test_RS_05_syn_sent_rst_needs_ack(void **state) {
    (void)state;
    tkh h;
    tkh_seg g;
    connect_syn_sent(&h, &g);
    uint16_t cport = g.sport;
    tkh_inject_ports(&h, 80, cport, TK_TCP_RST, 0, 0, 0, NULL, NULL, 0);
    tkh_inject_ports(&h, 80, cport, TK_TCP_RST | TK_TCP_ACK, 0, ISS + 7, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_inject_ports(&h, 80, cport, TK_TCP_RST | TK_TCP_ACK, 0, ISS + 1, 0, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 0);
    tkh_fini(&h);
}

/* RS-5: RST in SYN_RCVD that came from LISTEN returns to LISTEN. */
static void test_RS_05_syn_rcvd_rst_back_to_listen(void **state) {
    (void)state;
    tkh h;
    init(&h, 0);
    int ls = tkh_listen_at(&h, 80, 4);
    tkh_inject(&h, TK_TCP_SYN, IRS, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, R1, 0);
    tkh_inject(&h, TK_TCP_RST, R1, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_LISTEN), 1);
    assert_int_equal(tk_poll_events(h.s, ls), 0);
    /* The listener still works. */
    tkh_inject(&h, TK_TCP_SYN, IRS + 5000, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, IRS + 5001, 0);
    tkh_fini(&h);
}

/* RS-6: a SYN on an established connection gets a challenge ACK and never
 * resets it, whatever its sequence number. One per connection per 500 ms
 * (SEC-8): the second SYN comes later. */
static void test_RS_06_syn_in_established_challenge_ack(void **state) {
    (void)state;
    tkh h;
    open_conn(&h);
    tkh_seg g;
    tkh_inject(&h, TK_TCP_SYN, R1 + 10, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    h.now += TK_MS(500);
    tkh_inject(&h, TK_TCP_SYN, 12345, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0);
    tkh_inject(&h, TK_TCP_SYN, 12345, 0, 65535, NULL, NULL, 0);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    assert_int_equal(tk_stack_stats(h.s)->drop_syn_challenged, 3);
    assert_int_equal(tk_stack_stats(h.s)->invalid_acks_limited, 1);
    tkh_fini(&h);
}

/* SEC-3, SEC-6: challenge ACKs are rate limited per second, stack-wide,
 * with a random budget in [limit/2, limit/2 + limit): 1 or 2 for limit 2. */
static void test_RS_06_challenge_ack_rate_limit(void **state) {
    (void)state;
    tkh h;
    init(&h, 2);
    uint32_t iss;
    tkh_open_passive(&h, IRS, NULL, &iss);
    for (int i = 0; i < 5; i++)
        tkh_inject(&h, TK_TCP_SYN, R1 + 10, 0, 65535, NULL, NULL, 0);
    int sent = tkh_pending(&h);
    assert_true(sent >= 1 && sent <= 2);
    assert_int_equal(tk_stack_stats(h.s)->challenge_acks_limited, 5 - sent);
    tkh_clear(&h);
    tkh_run_until(&h, h.now + TK_SEC(1));
    tkh_inject(&h, TK_TCP_SYN, R1 + 10, 0, 65535, NULL, NULL, 0);
    assert_int_equal(tkh_pending(&h), 1);
    tkh_fini(&h);
}

/* RS-7: a client restarts and reconnects from the same port. The server's
 * old connection answers the SYN with a challenge ACK; the client (in
 * SYN_SENT) answers with <SEQ=SEG.ACK><CTL=RST>; the server accepts it; the
 * retransmitted SYN opens a fresh connection. Checked on both roles. */
static void test_RS_07_stale_connection_server_side(void **state) {
    (void)state;
    tkh h;
    open_conn(&h);
    tkh_seg g;
    uint32_t new_irs = 0x10000000u;
    tkh_inject(&h, TK_TCP_SYN, new_irs, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_ACK, S1, R1, 0); /* "ACKed unseen segment" */
    tkh_inject(&h, TK_TCP_RST, g.ack, 0, 0, NULL, NULL, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 0);
    tkh_inject(&h, TK_TCP_SYN, new_irs, 0, 65535, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_SYN | TK_TCP_ACK, ISS, new_irs + 1, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_RCVD), 1);
    tkh_fini(&h);
}

static void test_RS_07_stale_connection_client_side(void **state) {
    (void)state;
    tkh h;
    init(&h, 0);
    int sd = tk_socket(h.s);
    tk_sockaddr a = tk_sockaddr_in4(0, 40001);
    tk_bind(h.s, sd, &a);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 80);
    tk_connect(h.s, sd, &r);
    tkh_poll(&h);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    /* The server's old connection replies with its old numbers. */
    tkh_inject_ports(&h, 80, 40001, TK_TCP_ACK, 0x50000000u, 0x60000000u, 1000, NULL, NULL, 0);
    TKH_EXPECT(&h, &g, TK_TCP_RST, 0x60000000u, 0, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_SYN_SENT), 1);
    tkh_run_until(&h, h.now + TK_SEC(1));
    TKH_EXPECT(&h, &g, TK_TCP_SYN, ISS, 0, 0);
    tkh_fini(&h);
}

/* RS-9: destroying the stack aborts live connections with RST. */
static void test_RS_09_destroy_sends_rst(void **state) {
    (void)state;
    tkh h;
    open_conn(&h);
    tkh_seg g;
    tk_stack_destroy(h.s, h.now);
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1, R1, 0);
    TKH_NOTHING(&h);
    h.s = NULL;
    free(h.frames);
}

/* The pre-RFC 5961 rules, off by default, for comparison with older
 * stacks: any in-window RST resets; an in-window SYN resets with a RST. */
static void test_RS_05_RS_06_insecure_modes(void **state) {
    (void)state;
    tkh h;
    tk_config cfg;
    tkh_config(&cfg);
    cfg.insecure_rst = true;
    cfg.insecure_syn = true;
    tkh_init_fixed(&h, &cfg, ISS);
    uint32_t iss;
    int ls = tkh_listen(&h);
    int sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    tkh_inject(&h, TK_TCP_RST, R1 + 100, 0, 0, NULL, NULL, 0);
    TKH_NOTHING(&h);
    char c;
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ECONNRESET);
    tk_close(h.s, sd);
    h.rport = 40001;
    sd = tkh_accept_conn(&h, ls, IRS, NULL, &iss);
    tkh_inject(&h, TK_TCP_SYN, R1 + 10, 0, 65535, NULL, NULL, 0);
    tkh_seg g;
    TKH_EXPECT(&h, &g, TK_TCP_RST | TK_TCP_ACK, S1, R1, 0);
    assert_int_equal(tk_recv(h.s, sd, &c, 1), -ECONNRESET);
    tkh_fini(&h);
}

/* CM-17: re-opening an endpoint in use returns an error and leaves the
 * live connection alone. */
static void test_CM_17_no_ghost_connection(void **state) {
    (void)state;
    tkh h;
    int sd = open_conn(&h);
    tk_sockaddr r = tk_sockaddr_in4(TKH_REMOTE_ADDR, 40000);
    assert_int_equal(tk_connect(h.s, sd, &r), -EISCONN);
    tk_sockaddr a = tk_sockaddr_in4(0, 80);
    assert_int_equal(tk_bind(h.s, sd, &a), -EINVAL);
    assert_int_equal(tk_listen(h.s, sd, 1), -EINVAL);
    /* A new socket cannot take the listener's port either. */
    int s2 = tk_socket(h.s);
    assert_int_equal(tk_bind(h.s, s2, &a), -EADDRINUSE);
    tkh_poll(&h);
    TKH_NOTHING(&h);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 1);
    /* A closed descriptor is gone, not a handle to the orphan. */
    tk_close(h.s, sd);
    assert_int_equal(tk_send(h.s, sd, "x", 1), -EBADF);
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_RS_01_closed_port_rst_forms),
        cmocka_unit_test(test_RS_01_connect_refused),
        cmocka_unit_test(test_RS_02_linger_zero_abort),
        cmocka_unit_test(test_RS_02_peer_rst_gives_econnreset),
        cmocka_unit_test(test_RS_03_close_unread_data_rst),
        cmocka_unit_test(test_RS_04_half_open_after_restart),
        cmocka_unit_test(test_RS_04_peer_restarted_reset),
        cmocka_unit_test(test_RS_05_rst_in_window_challenge_ack),
        cmocka_unit_test(test_RS_05_syn_sent_rst_needs_ack),
        cmocka_unit_test(test_RS_05_syn_rcvd_rst_back_to_listen),
        cmocka_unit_test(test_RS_06_syn_in_established_challenge_ack),
        cmocka_unit_test(test_RS_06_challenge_ack_rate_limit),
        cmocka_unit_test(test_RS_07_stale_connection_server_side),
        cmocka_unit_test(test_RS_07_stale_connection_client_side),
        cmocka_unit_test(test_RS_09_destroy_sends_rst),
        cmocka_unit_test(test_CM_17_no_ghost_connection),
        cmocka_unit_test(test_RS_05_RS_06_insecure_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
