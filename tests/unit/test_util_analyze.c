/* tools/lib/analyze: connections, state paths and expert notes
 * (retransmissions, duplicate ACKs, windows, keepalives) from hand-built
 * segment sequences (SPEC OBS-4). Fixture: az_fixture.h. */
#include "az_fixture.h"

static void test_OBS_04_lifecycle_paths_bytes_rtt(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A | P, 1001, 5001, 100, WIN);
    SV(50, A | P, 5001, 1101, 40, WIN);
    C(60, F | A, 1101, 5041, 0, WIN);
    SV(80, A, 5041, 1102, 0, WIN);
    SV(90, F | A, 5041, 1102, 0, WIN);
    C(110, A, 1102, 5042, 0, WIN);
    assert_int_equal(fx->az.nconns, 1);
    const tk_az_conn *c = &fx->az.conns[0];
    PATH(&c->end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED, TK_TCP_FIN_WAIT_1,
         TK_TCP_FIN_WAIT_2, TK_TCP_TIME_WAIT);
    PATH(&c->end[1], TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED, TK_TCP_CLOSE_WAIT,
         TK_TCP_LAST_ACK, TK_TCP_CLOSED);
    assert_int_equal(c->end[0].bytes, 100);
    assert_int_equal(c->end[1].bytes, 40);
    assert_int_equal(c->end[0].packets, 5);
    assert_int_equal(c->end[1].packets, 4);
    assert_int_equal(c->rtt_us, 20000);
    assert_int_equal(c->irtt_us, 21000);
    assert_true(c->from_syn);
    assert_true(c->closed);
    assert_int_equal(c->first_index, 1);
    assert_int_equal(c->last_index, 9);
    assert_int_equal(fx->az.nnotes, 0);
}

static void test_OBS_04_retransmission_after_timeout(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A | P, 1001, 5001, 100, WIN);
    C(1030, A | P, 1001, 5001, 100, WIN);
    NOTES({5, TK_AZ_RETRANS});
    assert_int_equal(fx->az.conns[0].end[0].bytes, 100);
    assert_int_equal(fx->az.conns[0].end[0].bytes_data, 200);
    assert_int_equal(fx->az.conns[0].counts[TK_AZ_RETRANS], 1);
}

static void test_OBS_04_dup_acks_then_fast_retransmission(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1001, 5001, 100, WIN);
    C(30, A, 1101, 5001, 100, WIN);
    C(30, A, 1201, 5001, 100, WIN);
    SV(50, A, 5001, 1001, 0, WIN);
    SV(50, A, 5001, 1001, 0, WIN);
    C(51, A, 1001, 5001, 100, WIN);
    SV(70, A, 5001, 1301, 0, WIN);
    NOTES({7, TK_AZ_DUP_ACK}, {8, TK_AZ_DUP_ACK}, {9, TK_AZ_FAST_RETRANS});
}

static void test_OBS_04_spurious_retransmission(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1001, 5001, 100, WIN);
    SV(50, A, 5001, 1101, 0, WIN);
    C(1030, A, 1001, 5001, 100, WIN);
    NOTES({6, TK_AZ_SPURIOUS_RETRANS});
}

static void test_OBS_04_gap_then_out_of_order(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1101, 5001, 100, WIN); /* 1001..1100 not yet seen */
    C(31, A, 1001, 5001, 100, WIN); /* 1 ms later, within the iRTT */
    C(32, A, 1201, 5001, 100, WIN);
    NOTES({4, TK_AZ_PREV_NOT_CAPTURED}, {5, TK_AZ_OUT_OF_ORDER});
    assert_int_equal(fx->az.conns[0].end[0].bytes, 300);
}

static void test_OBS_04_gap_filled_late_is_retransmission(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1101, 5001, 100, WIN);
    C(530, A, 1001, 5001, 100, WIN); /* long after: the sender resent it */
    NOTES({4, TK_AZ_PREV_NOT_CAPTURED}, {5, TK_AZ_RETRANS});
}

static void test_OBS_04_zero_window_probe_update(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1001, 5001, 100, WIN);
    SV(50, A, 5001, 1101, 0, 0);     /* 5: zero window */
    C(250, A, 1101, 5001, 1, WIN);   /* 6: probe */
    SV(270, A, 5001, 1101, 0, 0);    /* 7: still zero, not a duplicate ACK */
    C(650, A, 1101, 5001, 1, WIN);   /* 8: probe again, same byte */
    SV(670, A, 5001, 1101, 0, 0);    /* 9 */
    SV(900, A, 5001, 1101, 0, 2000); /* 10: window opens */
    C(901, A, 1101, 5001, 100, WIN); /* 11: not a retransmission */
    NOTES({5, TK_AZ_ZERO_WINDOW}, {6, TK_AZ_WINDOW_PROBE}, {7, TK_AZ_ZERO_WINDOW},
          {8, TK_AZ_WINDOW_PROBE}, {9, TK_AZ_ZERO_WINDOW}, {10, TK_AZ_WINDOW_UPDATE});
}

/* Linux probes a zero window with SEQ = SND.NXT - 1 and no data. */
static void test_OBS_04_zero_window_probe_linux_style(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(30, A, 1001, 5001, 100, WIN);
    SV(50, A, 5001, 1101, 0, 0);   /* 5: zero window */
    C(250, A, 1100, 5001, 0, WIN); /* 6: probe */
    SV(250, A, 5001, 1101, 0, 0);  /* 7: zero window, not a keep-alive ACK */
    NOTES({5, TK_AZ_ZERO_WINDOW}, {6, TK_AZ_WINDOW_PROBE}, {7, TK_AZ_ZERO_WINDOW});
    assert_string_equal(fx->az.notes[1].reason,
                        "SEQ = SND.NXT - 1 while the window is zero (DT-3)");
}

static void test_OBS_04_keepalive_and_answer(void **state) {
    fixture *fx = *state;
    handshake(fx);
    C(7200021, A, 1000, 5001, 0, WIN);
    SV(7200041, A, 5001, 1001, 0, WIN);
    C(7275041, A, 1000, 5001, 1, WIN); /* a one-byte keep-alive (old BSD style) */
    SV(7275061, A, 5001, 1001, 0, WIN);
    NOTES({4, TK_AZ_KEEPALIVE}, {5, TK_AZ_KEEPALIVE_ACK}, {6, TK_AZ_KEEPALIVE},
          {7, TK_AZ_KEEPALIVE_ACK});
    PATH(&fx->az.conns[0].end[0], TK_TCP_CLOSED, TK_TCP_SYN_SENT, TK_TCP_ESTABLISHED);
}

static void test_OBS_04_acked_unseen_segment(void **state) {
    fixture *fx = *state;
    handshake(fx);
    SV(50, A, 5001, 3001, 0, WIN); /* the client's 2000 bytes are not in the capture */
    NOTES({4, TK_AZ_ACKED_UNSEEN});
    assert_string_equal(fx->az.notes[0].reason, "acknowledges data the capture does not hold");
}

static void test_OBS_04_mid_stream_capture(void **state) {
    fixture *fx = *state;
    C(0, A, 7001, 9001, 10, WIN);
    SV(20, A, 9001, 7011, 0, WIN);
    assert_int_equal(fx->az.nconns, 1);
    const tk_az_conn *c = &fx->az.conns[0];
    assert_false(c->from_syn);
    assert_int_equal(c->client, -1);
    assert_int_equal(c->rtt_us, -1);
    PATH(&c->end[0], TK_TCP_ESTABLISHED);
    PATH(&c->end[1], TK_TCP_ESTABLISHED);
    assert_int_equal(fx->az.nnotes, 0);
}

/* The capture starts at the SYN-ACK: its sender is the server. */
static void test_OBS_04_capture_starts_at_syn_ack(void **state) {
    fixture *fx = *state;
    SV(0, S | A, 5000, 1001, 0, WIN);
    C(1, A, 1001, 5001, 0, WIN);
    const tk_az_conn *c = &fx->az.conns[0];
    assert_false(c->from_syn);
    assert_int_equal(c->client, 1);
    assert_int_equal(c->end[0].port, 80);
    PATH(&c->end[0], TK_TCP_LISTEN, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED);
    PATH(&c->end[1], TK_TCP_ESTABLISHED);
    assert_int_equal(c->rtt_us, -1);
    assert_int_equal(fx->az.nnotes, 0);
}

/* A segment without data at packet number milliseconds, with a window scale
 * option of wscale (-1: none). */
static void feed_ws(fixture *fx, int from_server, uint8_t flags, uint32_t seq, uint32_t ack,
                    uint16_t win, int8_t wscale) {
    feed_seg(fx, from_server, (int64_t)(fx->next + 1) * 1000, flags, seq, ack, 0, win, wscale);
}

/* OP-2: windows are scaled only when both SYNs carried the option, and a
 * SYN's own window never is. 1000 unscaled on the SYN-ACK equals 250 << 2. */
static void test_OBS_04_window_scale_both_syns(void **state) {
    fixture *fx = *state;
    feed_ws(fx, 0, S, 1000, 0, WIN, 2);
    feed_ws(fx, 1, S | A, 5000, 1001, WIN, 2);
    feed_ws(fx, 0, A, 1001, 5001, 250, -1);
    feed_ws(fx, 1, A, 5001, 1001, 250, -1); /* same window: a duplicate ACK */
    feed_ws(fx, 1, A, 5001, 1001, 251, -1); /* 1004: a window update */
    NOTES({4, TK_AZ_DUP_ACK}, {5, TK_AZ_WINDOW_UPDATE});
    assert_true(fx->az.conns[0].wscale_on);
    assert_int_equal(fx->az.conns[0].end[1].win, 1004);
}

static void test_OBS_04_window_scale_one_syn_ignored(void **state) {
    fixture *fx = *state;
    feed_ws(fx, 0, S, 1000, 0, WIN, 2);
    feed_ws(fx, 1, S | A, 5000, 1001, WIN, -1);
    feed_ws(fx, 0, A, 1001, 5001, 250, -1);
    feed_ws(fx, 1, A, 5001, 1001, 250, -1); /* 250, not 1000: the window changed */
    NOTES({4, TK_AZ_WINDOW_UPDATE});
    assert_false(fx->az.conns[0].wscale_on);
    assert_int_equal(fx->az.conns[0].end[1].win, 250);
}

/* Sequence numbers wrap modulo 2^32 (DT-10). */
static void test_OBS_04_sequence_wrap(void **state) {
    fixture *fx = *state;
    C(0, S, 0xffffff00u, 0, 0, WIN);
    SV(20, S | A, 5000, 0xffffff01u, 0, WIN);
    C(21, A, 0xffffff01u, 5001, 0, WIN);
    C(30, A, 0xffffff01u, 5001, 0x200, WIN); /* ends at 0x101, past the wrap */
    SV(50, A, 5001, 0x101u, 0, WIN);
    C(60, A, 0x101u, 5001, 100, WIN);
    C(1060, A, 0x101u, 5001, 100, WIN);
    NOTES({7, TK_AZ_RETRANS});
    assert_int_equal(fx->az.conns[0].end[0].bytes, 0x200 + 100);
}

/* Random segments on a few 4-tuples: every note is counted once on its
 * connection's list, and paths stay within bounds (run under ASan). */
static void test_OBS_04_random_segments_consistent(void **state) {
    fixture *fx = *state;
    uint32_t x = 12345;
    for (unsigned i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        bool rev = r & 1;
        tk_az_seg s = {.index = ++fx->next,
                       .ts_us = (int64_t)i * 1000,
                       .src = rev ? SRV : CLI,
                       .dst = rev ? CLI : SRV,
                       .sport = rev ? 80 : (uint16_t)(40000 + (r >> 1) % 3),
                       .dport = rev ? (uint16_t)(40000 + (r >> 1) % 3) : 80,
                       .seq = 1000 + (r >> 3) % 64,
                       .ack = 5000 + (r >> 9) % 64,
                       .flags = (uint8_t)(r >> 15),
                       .win = (uint16_t)((r >> 20) % 3),
                       .wscale = (int8_t)((r >> 22) % 16) - 1,
                       .len = (r >> 26) % 3};
        assert_int_equal(tk_az_feed(&fx->az, &s), 0);
    }
    size_t listed = 0;
    for (size_t ci = 0; ci < fx->az.nconns; ci++) {
        const tk_az_conn *c = &fx->az.conns[ci];
        unsigned counted = 0, walked = 0;
        for (int k = 0; k < TK_AZ_KIND_COUNT; k++)
            counted += c->counts[k];
        for (size_t n = c->note_head; n != TK_AZ_NONE; n = fx->az.notes[n].next, walked++)
            assert_int_equal(fx->az.notes[n].conn, ci);
        assert_int_equal(walked, counted);
        listed += walked;
        for (int e = 0; e < 2; e++)
            assert_true(c->end[e].path_len <= TK_AZ_PATH_MAX);
    }
    assert_int_equal(listed, fx->az.nnotes);
    assert_true(fx->az.nconns >= 3);
}

static void test_OBS_04_names(void **state) {
    (void)state;
    assert_string_equal(tk_az_kind_name(TK_AZ_DUP_ACK), "duplicate ACK");
    assert_string_equal(tk_az_kind_name(TK_AZ_PORTS_REUSED), "port numbers reused");
    assert_string_equal(tk_az_kind_name(TK_AZ_KIND_COUNT), "?");
    assert_string_equal(tk_az_kind_id(TK_AZ_PREV_NOT_CAPTURED), "previous_segment_not_captured");
    assert_string_equal(tk_az_state_name(TK_TCP_TIME_WAIT), "TIME_WAIT");
}

/* NET-4: connections keyed by 128-bit addresses. Two SYNs from IPv6
 * addresses that differ only in their first bytes, and one from the IPv4
 * address whose mapped form shares the last four bytes, are three
 * connections; each ACK finds its own. */
static void test_NET_04_ipv6_addresses_key_connections(void **state) {
    (void)state;
    tk_analyzer az;
    tk_az_init(&az);
    uint8_t a6[16] = {0x20, 0x01, 0, 0x02, [15] = 1}, b6[16] = {0x20, 0x01, 0, 0x03, [15] = 1};
    uint8_t s6[16] = {0x20, 0x01, 0, 0x02, [15] = 2};
    tk_taddr src[3] = {tk_taddr_v6(a6), tk_taddr_v6(b6), tk_taddr_v4(1)};
    tk_taddr srv = tk_taddr_v6(s6);
    for (unsigned i = 0; i < 3; i++) {
        tk_az_seg syn = {.index = i + 1,
                         .src = src[i],
                         .dst = srv,
                         .sport = 40000,
                         .dport = 80,
                         .seq = 1000 * (i + 1),
                         .flags = TK_TCP_SYN,
                         .win = WIN,
                         .wscale = -1};
        assert_int_equal(tk_az_feed(&az, &syn), 0);
    }
    assert_int_equal(az.nconns, 3);
    for (unsigned i = 0; i < 3; i++) {
        tk_az_seg sa = {.index = 4 + i,
                        .src = srv,
                        .dst = src[i],
                        .sport = 80,
                        .dport = 40000,
                        .seq = 7,
                        .ack = 1000 * (i + 1) + 1,
                        .flags = TK_TCP_SYN | TK_TCP_ACK,
                        .win = WIN,
                        .wscale = -1};
        assert_int_equal(tk_az_feed(&az, &sa), 0);
        assert_int_equal(tk_az_conn_of(&az, &sa), (long)i);
        assert_true(az.conns[i].end[1].syn_seen);
    }
    char ep[TK_TADDR_EPLEN];
    tk_taddr_endpoint(&az.conns[1].end[0].addr, az.conns[1].end[0].port, ep);
    assert_string_equal(ep, "[2001:3::1]:40000");
    tk_taddr_endpoint(&az.conns[2].end[0].addr, az.conns[2].end[0].port, ep);
    assert_string_equal(ep, "0.0.0.1:40000");
    tk_az_free(&az);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_OBS_04_lifecycle_paths_bytes_rtt),
        T(test_OBS_04_retransmission_after_timeout),
        T(test_OBS_04_dup_acks_then_fast_retransmission),
        T(test_OBS_04_spurious_retransmission),
        T(test_OBS_04_gap_then_out_of_order),
        T(test_OBS_04_gap_filled_late_is_retransmission),
        T(test_OBS_04_zero_window_probe_update),
        T(test_OBS_04_zero_window_probe_linux_style),
        T(test_OBS_04_keepalive_and_answer),
        T(test_OBS_04_acked_unseen_segment),
        T(test_OBS_04_mid_stream_capture),
        T(test_OBS_04_capture_starts_at_syn_ack),
        T(test_OBS_04_sequence_wrap),
        T(test_OBS_04_window_scale_both_syns),
        T(test_OBS_04_window_scale_one_syn_ignored),
        T(test_OBS_04_random_segments_consistent),
        T(test_OBS_04_names),
        T(test_NET_04_ipv6_addresses_key_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
