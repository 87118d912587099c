/* tools/lib/analyze: RST causes, teardown and reuse of 4-tuples across
 * connection instances, from hand-built segment sequences (SPEC OBS-4, RS-1
 * to RS-7). Fixture: az_fixture.h. */
#include "az_fixture.h"

static void expect_rst(const fixture *fx, unsigned index, const char *why) {
    const tk_az_note *n = &fx->az.notes[fx->az.nnotes - 1];
    assert_int_equal(n->index, index);
    assert_int_equal(n->kind, TK_AZ_RST);
    assert_string_equal(n->reason, why);
}

static void test_OBS_04_RS_1_rst_to_syn_refused(void **state) {
    fixture *fx = *state;
    C(0, S, 1000, 0, 0, WIN);
    SV(20, R | A, 0, 1001, 0, 0);
    NOTES({2, TK_AZ_RST});
    expect_rst(fx, 2, "RST to a SYN: port closed (connection refused) (RS-1)");
    PATH(&fx->az.conns[0].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_CLOSED);
    PATH(&fx->az.conns[0].end[1], TK_TCP_CLOSED);
}

static void test_OBS_04_RS_2_abortive_close(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, R | A, 1001, 5001, 0, 0);
    NOTES({4, TK_AZ_RST});
    expect_rst(fx, 4, "RST mid-stream: abortive close (SO_LINGER 0) (RS-2)");
    PATH(&fx->az.conns[0].end[1], TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED,
         TK_TCP_CLOSED);
}

static void test_OBS_04_RS_3_rst_with_unread_data(void **state) {
    fixture *fx = *state;
    handshake(fx);
    SV(40, A | P, 5001, 1001, 11, WIN);
    C(80, A, 1001, 5012, 0, WIN);
    C(130, R | A, 1001, 5012, 0, 0);
    expect_rst(fx, 6, "RST after data that was never answered: close with unread data (RS-3)");
}

static void test_OBS_04_RS_3_rst_after_fin(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A | P, 1001, 5001, 100, WIN);
    SV(40, F | A, 5001, 1101, 0, WIN);
    C(60, R | A, 1101, 5002, 0, 0);
    expect_rst(fx, 6, "RST after FIN: close with unread data (RS-3)");
}

static void test_OBS_04_RS_4_half_open_peer(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A | P, 1001, 5001, 6, WIN);
    SV(50, R, 5001, 0, 0, 0); /* <SEQ=SEG.ACK><CTL=RST>: the server lost the connection */
    expect_rst(fx, 5,
               "RST answering a segment of an unknown connection: half-open peer restarted (RS-4)");
    PATH(&fx->az.conns[0].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED,
         TK_TCP_CLOSED);
}

/* The capture starts with the peer's data and the answering RST: the
 * RST's sender was never seen before, so it cannot have "ended here". */
static void test_OBS_04_RS_4_half_open_mid_capture(void **state) {
    fixture *fx = *state;
    C(0, A | P, 7001, 9001, 10, WIN);
    SV(20, R, 9001, 0, 0, 0);
    expect_rst(fx, 2,
               "RST answering a segment of an unknown connection: half-open peer restarted (RS-4)");
    PATH(&fx->az.conns[0].end[0], TK_TCP_ESTABLISHED, TK_TCP_CLOSED);
    PATH(&fx->az.conns[0].end[1], TK_TCP_CLOSED);
}

/* RS-7 as the seed capture shows it: the client restarts and reuses its
 * port; the old connection answers the SYN with a challenge ACK. */
static void test_OBS_04_RS_7_stale_reconnect_port_reuse(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, S, 800000, 0, 0, WIN);            /* 4: new ISN, same ports */
    SV(50, A, 5001, 1001, 0, WIN);          /* 5: challenge ACK */
    C(50, R, 1001, 0, 0, 0);                /* 6: <SEQ=SEG.ACK><CTL=RST> */
    C(1030, S, 800000, 0, 0, WIN);          /* 7: SYN retransmitted */
    SV(1050, S | A, 90000, 800001, 0, WIN); /* 8 */
    C(1050, A, 800001, 90001, 0, WIN);      /* 9 */
    assert_int_equal(fx->az.nconns, 2);
    NOTES({4, TK_AZ_PORTS_REUSED}, {5, TK_AZ_ACKED_UNSEEN}, {6, TK_AZ_RST}, {6, TK_AZ_RST},
          {7, TK_AZ_RETRANS});
    assert_string_equal(fx->az.notes[0].reason,
                        "new SYN on the ports of connection #1 (never closed in the capture)");
    assert_string_equal(fx->az.notes[2].reason,
                        "RST answering a challenge ACK: stale connection recovery (RS-7)");
    assert_string_equal(fx->az.notes[3].reason, "the RST of connection #2 deletes this "
                                                "connection: stale connection recovery (RS-7)");
    static const size_t conn_of[] = {1, 1, 1, 0, 1};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(fx->az.notes[i].conn, conn_of[i]);
    assert_int_equal(fx->az.notes[3].end, 0); /* the old connection's client sent it */
    const tk_az_conn *old = &fx->az.conns[0];
    assert_true(old->closed);
    PATH(&old->end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED, TK_TCP_CLOSED);
    PATH(&old->end[1], TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED, TK_TCP_CLOSED);
    const tk_az_conn *c = &fx->az.conns[1];
    assert_true(c->reused);
    assert_int_equal(c->prev, 0);
    PATH(&c->end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED);
    PATH(&c->end[1], TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED);
    assert_int_equal(c->rtt_us, 20000); /* from the SYN the SYN-ACK answers */
}

static void test_OBS_04_time_wait_reuse_new_instance(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, F | A, 1001, 5001, 0, WIN);
    SV(50, F | A, 5001, 1002, 0, WIN); /* CM-5: FIN that acks our FIN */
    C(50, A, 1002, 5002, 0, WIN);
    C(5000, S, 1015000, 0, 0, WIN);
    assert_int_equal(fx->az.nconns, 2);
    NOTES({7, TK_AZ_PORTS_REUSED});
    assert_string_equal(fx->az.notes[0].reason,
                        "new SYN on the ports of connection #1 (closed before)");
    PATH(&fx->az.conns[0].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED,
         TK_TCP_FIN_WAIT_1, TK_TCP_TIME_WAIT);
    PATH(&fx->az.conns[1].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT);
}

static void test_OBS_04_simultaneous_open_and_close(void **state) {
    fixture *fx = *state;
    C(0, S, 1000, 0, 0, WIN);
    SV(10, S, 5000, 0, 0, WIN);
    C(10, S | A, 1000, 5001, 0, WIN);
    SV(20, S | A, 5000, 1001, 0, WIN);
    C(30, F | A, 1001, 5001, 0, WIN);
    SV(40, F | A, 5001, 1001, 0, WIN); /* crossed: does not ack the client's FIN */
    C(40, A, 1002, 5002, 0, WIN);
    SV(50, A, 5002, 1002, 0, WIN);
    assert_int_equal(fx->az.nconns, 1);
    const tk_az_conn *c = &fx->az.conns[0];
    for (int e = 0; e < 2; e++)
        PATH(&c->end[e], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED,
             TK_TCP_FIN_WAIT_1, TK_TCP_CLOSING, TK_TCP_TIME_WAIT);
    assert_int_equal(fx->az.nnotes, 0);
}

/* CM-12: the last ACK is lost after the capture point; LAST_ACK resends
 * its FIN, so it had not closed. */
static void test_OBS_04_lost_last_ack_keeps_last_ack(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, F | A, 1001, 5001, 0, WIN);
    SV(40, A, 5001, 1002, 0, WIN);
    SV(50, F | A, 5001, 1002, 0, WIN);
    C(50, A, 1002, 5002, 0, WIN);
    SV(250, F | A, 5001, 1002, 0, WIN); /* 8 */
    const tk_az_end *srv = &fx->az.conns[0].end[1];
    PATH(srv, TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED, TK_TCP_CLOSE_WAIT,
         TK_TCP_LAST_ACK);
    C(250, A, 1002, 5002, 0, WIN); /* 9: TIME_WAIT ACKs it again (CM-9) */
    PATH(srv, TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED, TK_TCP_CLOSE_WAIT,
         TK_TCP_LAST_ACK, TK_TCP_CLOSED);
    NOTES({8, TK_AZ_RETRANS}, {9, TK_AZ_DUP_ACK});
}

static void test_OBS_04_rst_in_time_wait_keeps_it(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, F | A, 1001, 5001, 0, WIN);
    SV(40, A, 5001, 1002, 0, WIN);
    SV(50, F | A, 5001, 1002, 0, WIN);
    C(50, A, 1002, 5002, 0, WIN);
    SV(60, R, 5002, 0, 0, 0);
    PATH(&fx->az.conns[0].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED,
         TK_TCP_FIN_WAIT_1, TK_TCP_FIN_WAIT_2, TK_TCP_TIME_WAIT);
    expect_rst(fx, 8,
               "RST answering a segment of a connection that already ended here "
               "(TIME_WAIT over)");
}

/* Many connections at once, answered in reverse order: each segment finds
 * its own connection through the 4-tuple index as it grows. */
static void test_OBS_04_many_connections_interleaved(void **state) {
    fixture *fx = *state;
    enum { N = 300 };
    for (unsigned i = 0; i < N; i++) {
        tk_az_seg s = {.index = ++fx->next,
                       .ts_us = i,
                       .src = CLI,
                       .dst = SRV,
                       .sport = (uint16_t)(20000 + i),
                       .dport = 80,
                       .seq = 1000 * i,
                       .flags = S,
                       .win = WIN,
                       .wscale = -1};
        assert_int_equal(tk_az_feed(&fx->az, &s), 0);
    }
    for (unsigned i = N; i-- > 0;) {
        tk_az_seg s = {.index = ++fx->next,
                       .ts_us = 1000 + i,
                       .src = SRV,
                       .dst = CLI,
                       .sport = 80,
                       .dport = (uint16_t)(20000 + i),
                       .seq = 7,
                       .ack = 1000 * i + 1,
                       .flags = S | A,
                       .win = WIN,
                       .wscale = -1};
        assert_int_equal(tk_az_feed(&fx->az, &s), 0);
    }
    assert_int_equal(fx->az.nconns, N);
    assert_int_equal(fx->az.nnotes, 0);
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(fx->az.conns[i].end[0].port, 20000 + i);
        assert_int_equal(fx->az.conns[i].rtt_us, 1000);
        assert_int_equal(fx->az.conns[i].end[1].packets, 1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_OBS_04_RS_1_rst_to_syn_refused),
        T(test_OBS_04_RS_2_abortive_close),
        T(test_OBS_04_RS_3_rst_with_unread_data),
        T(test_OBS_04_RS_3_rst_after_fin),
        T(test_OBS_04_RS_4_half_open_peer),
        T(test_OBS_04_RS_4_half_open_mid_capture),
        T(test_OBS_04_RS_7_stale_reconnect_port_reuse),
        T(test_OBS_04_time_wait_reuse_new_instance),
        T(test_OBS_04_simultaneous_open_and_close),
        T(test_OBS_04_lost_last_ack_keeps_last_ack),
        T(test_OBS_04_rst_in_time_wait_keeps_it),
        T(test_OBS_04_many_connections_interleaved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
