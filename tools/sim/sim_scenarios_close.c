/* Connection-management stories (SPEC CM-*): opening and closing orders,
 * TIME_WAIT, retransmitted SYNs and FINs, a full accept queue. */
#include <errno.h>
#include <stdio.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

static bool visited(const tk_sim *s, int side, uint16_t lp, uint16_t rp, int state) {
    const tk_sim_conn *c = tk_sim_conn_find(s, side, lp, rp);
    return c && (c->visited & (1u << (unsigned)state));
}

static bool expect_path(tk_sim *s, int side, uint16_t lp, uint16_t rp, const int *states, int n) {
    for (int i = 0; i < n; i++)
        if (!tk_sim_expect(s, visited(s, side, lp, rp, states[i]), "%s never entered %s",
                           side == A ? "A" : "B", tk_tcp_state_name(states[i])))
            return false;
    return true;
}

/* A on port 5000 and B on port 6000 connect to each other at the same
 * instant: both SYNs cross, both go SYN_SENT -> SYN_RCVD -> ESTABLISHED. */
void tk_sim_sc_simultaneous_open(tk_sim *s) {
    int a = tk_sim_socket_bound(s, A, 5000), b = tk_sim_socket_bound(s, B, 6000);
    if (!tk_sim_expect(s, a >= 0 && b >= 0, "bind failed"))
        return;
    uint32_t mark = s->nsegs;
    int ra = tk_sim_connect(s, A, a, 6000), rb = tk_sim_connect(s, B, b, 5000);
    tk_sim_expect(s, ra == -EINPROGRESS && rb == -EINPROGRESS,
                  "connect() did not return -EINPROGRESS");
    bool up = tk_sim_wait_state(s, A, 5000, 6000, TK_TCP_ESTABLISHED, TK_SEC(10)) &&
              tk_sim_wait_state(s, B, 6000, 5000, TK_TCP_ESTABLISHED, TK_SEC(10));
    if (!tk_sim_expect(s, up, "the simultaneous open did not reach ESTABLISHED on both sides"))
        return;
    tk_sim_run_for(s, TK_MS(100));
    static const int path[] = {TK_TCP_SYN_SENT, TK_TCP_SYN_RCVD, TK_TCP_ESTABLISHED};
    expect_path(s, A, 5000, 6000, path, 3);
    expect_path(s, B, 6000, 5000, path, 3);
    uint32_t syns =
        tk_sim_count_segs(s, mark, A, TK_TCP_SYN) + tk_sim_count_segs(s, mark, B, TK_TCP_SYN);
    uint32_t all = tk_sim_count_segs(s, mark, A, 0) + tk_sim_count_segs(s, mark, B, 0);
    tk_sim_note(s, "the handshake took %u segments (%u with SYN)", all, syns);
    tk_sim_expect(s, all == 4 && syns == 4,
                  "simultaneous open took %u segments (%u SYN), want 4 SYN/SYN-ACK", all, syns);
    tk_sim_expect(s, tk_sim_transfer(s, A, a, B, b, 100, TK_SEC(5)) == 100,
                  "data did not flow on the one connection");
}

/* Both applications close at the same instant: FIN_WAIT_1 -> CLOSING ->
 * TIME_WAIT on both sides. */
void tk_sim_sc_simultaneous_close(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_close(tk_sim_stack(s, A), a);
    tk_close(tk_sim_stack(s, B), b);
    tk_sim_app(s, A, "close() (at the same instant as B)");
    tk_sim_app(s, B, "close() (at the same instant as A)");
    tk_simnet_poll(s->net);
    bool tw = tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(10)) &&
              tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_TIME_WAIT, TK_SEC(10));
    if (!tk_sim_expect(s, tw, "both sides did not reach TIME_WAIT"))
        return;
    static const int path[] = {TK_TCP_FIN_WAIT_1, TK_TCP_CLOSING, TK_TCP_TIME_WAIT};
    expect_path(s, A, ap, TK_SIM_PORT, path, 3);
    expect_path(s, B, TK_SIM_PORT, ap, path, 3);
    tk_sim_note(s, "both ends wait 2*MSL in TIME_WAIT");
    tk_sim_expect(s,
                  tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_CLOSED, TK_SEC(70)) &&
                      tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSED, TK_SEC(1)),
                  "TIME_WAIT did not end on both sides");
    tk_sim_close(s, B, lsd);
}

/* B's application closes while its ACK of A's FIN is still delayed: the
 * ACK rides on B's FIN, and the close takes three segments. */
void tk_sim_sc_three_segment_close(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_sim_run_for(s, TK_SEC(1));
    uint32_t mark = s->nsegs;
    tk_sim_close(s, A, a);
    if (!tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSE_WAIT, TK_SEC(5)),
                       "B never reached CLOSE_WAIT"))
        return;
    tk_sim_run_for(s, TK_MS(5)); /* well within the 40 ms delayed-ACK timer */
    uint8_t buf[16];
    tk_sim_expect(s, tk_sim_recv(s, B, b, buf, sizeof buf) == 0, "B recv() did not return 0");
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(5)),
                  "A never reached TIME_WAIT");
    tk_sim_run_for(s, TK_SEC(1));
    uint32_t from_a = tk_sim_count_segs(s, mark, A, 0), from_b = tk_sim_count_segs(s, mark, B, 0);
    uint32_t b_finack = tk_sim_count_segs(s, mark, B, TK_TCP_FIN | TK_TCP_ACK);
    tk_sim_note(s, "the close took %u segments (A %u, B %u)", from_a + from_b, from_a, from_b);
    tk_sim_expect(s, from_b == 1 && b_finack == 1,
                  "B sent %u segments, want one FIN+ACK carrying the delayed ACK", from_b);
    tk_sim_expect(s, from_a == 2, "A sent %u segments, want FIN and ACK", from_a);
    tk_sim_close(s, B, lsd);
}

/* A shuts down its sending side and keeps receiving in FIN_WAIT_2. */
void tk_sim_sc_half_close(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_sim_shutdown(s, A, a, TK_SHUT_WR);
    tk_sim_expect(s, tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_FIN_WAIT_2, TK_SEC(5)),
                  "A never reached FIN_WAIT_2");
    uint8_t buf[16];
    tk_sim_expect(s, tk_sim_recv(s, B, b, buf, sizeof buf) == 0, "B recv() did not return 0");
    tk_sim_expect(s, tk_send(tk_sim_stack(s, A), a, "x", 1) == -EPIPE,
                  "A send() after shutdown(SHUT_WR) did not fail with -EPIPE");
    uint64_t n = s->opts->bytes >= 0 ? (uint64_t)s->opts->bytes : 20000;
    tk_sim_expect(s, tk_sim_transfer(s, B, b, A, a, n, TK_SEC(30)) == n,
                  "A did not receive all of B's data while half-closed");
    tk_sim_expect(s, tk_sim_state(s, A, ap, TK_SIM_PORT) == TK_TCP_FIN_WAIT_2,
                  "A left FIN_WAIT_2 while B was still sending");
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_recv_until_end(s, A, a, TK_SEC(5), NULL) == 0,
                  "A did not see the end of B's stream");
    tk_sim_expect(s, tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(5)),
                  "A never reached TIME_WAIT");
    tk_sim_close(s, A, a);
    tk_sim_close(s, B, lsd);
}

/* Closes a pair in the usual order (A first) until A is in TIME_WAIT and B
 * in LAST_ACK or CLOSED. */
static bool close_a_first(tk_sim *s, int a, int b, uint16_t ap) {
    tk_sim_close(s, A, a);
    if (!tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSE_WAIT, TK_SEC(5)),
                       "B never reached CLOSE_WAIT"))
        return false;
    uint8_t buf[16];
    tk_sim_expect(s, tk_sim_recv(s, B, b, buf, sizeof buf) == 0, "B recv() did not return 0");
    tk_sim_close(s, B, b);
    return true;
}

/* A's ACK of B's FIN never arrives: B retransmits the FIN with exponential
 * backoff and deletes the connection after its retry limit: retries2, or
 * orphan_retries when smaller (B's application closed: SEC-10). */
void tk_sim_sc_lost_last_ack(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_sim_close(s, A, a);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSE_WAIT, TK_SEC(5)),
                  "B never reached CLOSE_WAIT");
    tk_sim_note(s, "from now on every frame from A to B is lost");
    tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, tk_sim_now(s), TK_TIME_NEVER - 1);
    uint32_t mark = s->nsegs;
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_LAST_ACK, TK_SEC(1)),
                  "B never reached LAST_ACK");
    bool gone = tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSED, TK_SEC(3600));
    uint32_t limit = s->cfg[B].retries2 < s->cfg[B].orphan_retries ? s->cfg[B].retries2
                                                                   : s->cfg[B].orphan_retries;
    uint32_t want = 1 + limit, fins = tk_sim_count_segs(s, mark, B, TK_TCP_FIN);
    tk_sim_note(s, "B sent its FIN %u times", fins);
    if (!tk_sim_expect(s, gone, "B's LAST_ACK connection was never deleted"))
        return;
    tk_sim_expect(s, fins == want,
                  "B sent its FIN %u times, want 1 + min(retries2, orphan_retries) = %u", fins,
                  want);
    /* Each gap doubles the one before, up to rto_max. */
    tk_time prev_gap = 0, last = 0;
    uint32_t seen = 0;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (!g || g->side != B || !(g->flags & TK_TCP_FIN))
            continue;
        tk_time gap = g->t - last;
        if (seen >= 2) {
            tk_time expect = 2 * prev_gap < s->cfg[B].rto_max ? 2 * prev_gap : s->cfg[B].rto_max;
            tk_sim_expect(
                s, gap == expect, "FIN retransmission gap %llu us after %llu us, want %llu",
                (unsigned long long)gap, (unsigned long long)prev_gap, (unsigned long long)expect);
        }
        prev_gap = gap;
        last = g->t;
        seen++;
    }
    tk_sim_close(s, B, lsd);
}

/* A's first ACK of B's FIN is lost; B retransmits its FIN; A, in TIME_WAIT,
 * ACKs it again and restarts the 2MSL timer. */
void tk_sim_sc_time_wait_refin(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_sim_close(s, A, a);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSE_WAIT, TK_SEC(5)),
                  "B never reached CLOSE_WAIT");
    tk_sim_note(s, "A -> B is down for 50 ms: A's ACK of B's FIN will be lost");
    tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, tk_sim_now(s),
                          tk_sim_now(s) + TK_MS(50));
    uint32_t mark = s->nsegs;
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, ap, TK_TCP_CLOSED, TK_SEC(30)),
                  "B never reached CLOSED");
    uint32_t fins = tk_sim_count_segs(s, mark, B, TK_TCP_FIN);
    uint32_t acks = tk_sim_count_segs(s, mark, A, TK_TCP_ACK);
    tk_sim_expect(s, fins == 2, "B sent its FIN %u times, want 2", fins);
    tk_sim_expect(s, acks == 2, "A sent %u ACKs in TIME_WAIT, want 2", acks);
    tk_time last_ack = 0;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A)
            last_ack = g->t;
    }
    tk_time two_msl = 2 * s->cfg[A].msl;
    tk_sim_expect(s, tk_sim_wait_state(s, A, ap, TK_SIM_PORT, TK_TCP_CLOSED, two_msl + TK_SEC(5)),
                  "A's TIME_WAIT never ended");
    const tk_sim_conn *c = tk_sim_conn_find(s, A, ap, TK_SIM_PORT);
    if (c && c->tw_leave) {
        tk_sim_note(s, "TIME_WAIT lasted %llu ms: 2*MSL from the second ACK",
                    (unsigned long long)((c->tw_leave - c->tw_enter) / 1000u));
        tk_sim_expect(s, c->tw_leave == last_ack + two_msl,
                      "TIME_WAIT ended at %llu us, want 2*MSL after the re-ACK (%llu us)",
                      (unsigned long long)c->tw_leave, (unsigned long long)(last_ack + two_msl));
    }
    tk_sim_close(s, B, lsd);
}

/* A TIME_WAIT 4-tuple is reserved (CM-10) yet a new SYN above the old
 * RCV.NXT reopens it (CM-11). */
void tk_sim_sc_time_wait_reuse(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8);
    int a = tk_sim_socket_bound(s, A, 5000), b;
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    if (!tk_sim_expect(s, b >= 0, "first connection was not accepted") ||
        !close_a_first(s, a, b, 5000))
        return;
    tk_sim_expect(s, tk_sim_wait_state(s, A, 5000, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(5)),
                  "A never reached TIME_WAIT");
    tk_sim_note(s, "CM-10: port 5000 of A is in TIME_WAIT");
    int x = tk_socket(tk_sim_stack(s, A));
    tk_sockaddr me = tk_sim_local(s, A, 5000);
    int rc = tk_bind(tk_sim_stack(s, A), x, &me);
    char e[32];
    tk_sim_app(s, A, "bind(:5000) = %s", tk_sim_errstr(rc, e, sizeof e));
    tk_sim_expect(s, rc == -EADDRINUSE, "bind() of a TIME_WAIT port gave %d, want -EADDRINUSE", rc);
    tk_sim_setsockopt_int(s, A, x, TK_SOL_SOCKET, TK_SO_REUSEADDR, 1);
    rc = tk_bind(tk_sim_stack(s, A), x, &me);
    tk_sim_app(s, A, "bind(:5000) with SO_REUSEADDR = %s", tk_sim_errstr(rc, e, sizeof e));
    tk_sim_expect(s, rc == 0, "bind() with SO_REUSEADDR gave %d, want 0", rc);
    rc = tk_sim_connect(s, A, x, TK_SIM_PORT);
    tk_sim_expect(s, rc == -EADDRINUSE, "connect() onto the TIME_WAIT 4-tuple gave %d", rc);
    tk_sim_close(s, A, x);

    tk_sim_note(s, "CM-11: now B closes first, so B holds the TIME_WAIT");
    a = tk_sim_socket_bound(s, A, 5001);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    if (!tk_sim_expect(s, b >= 0, "second connection was not accepted"))
        return;
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_recv_until_end(s, A, a, TK_SEC(5), NULL) == 0, "A saw no FIN");
    tk_sim_close(s, A, a);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, 5001, TK_TCP_TIME_WAIT, TK_SEC(5)),
                  "B never reached TIME_WAIT");
    tk_sim_run_for(s, TK_SEC(5));
    uint64_t reused = tk_stack_stats(tk_sim_stack(s, B))->time_wait_reused;
    a = tk_sim_socket_bound(s, A, 5001);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    tk_sim_expect(s, b >= 0, "a new SYN for B's TIME_WAIT 4-tuple was not accepted");
    tk_sim_expect(s, tk_sim_state(s, A, 5001, TK_SIM_PORT) == TK_TCP_ESTABLISHED,
                  "A's new connection from port 5001 is not ESTABLISHED");
    tk_sim_expect(s, tk_stack_stats(tk_sim_stack(s, B))->time_wait_reused == reused + 1,
                  "B's time_wait_reused counter did not count the reuse");
}

/* Every SYN is lost: A retransmits it with exponential backoff from the
 * initial RTO, then connect() fails with ETIMEDOUT. */
void tk_sim_sc_syn_retries(tk_sim *s) {
    tk_sim_note(s, "the link from A to B is down");
    tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, 0, TK_SEC(100000));
    tk_sim_listen(s, B, TK_SIM_PORT, 8);
    int a = tk_sim_socket_bound(s, A, 0);
    uint32_t mark = s->nsegs;
    tk_time start = tk_sim_now(s);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    tk_sim_wait_events(s, A, a, TK_POLLERR, TK_SEC(1000));
    tk_time failed_at = tk_sim_now(s);
    int err = tk_sim_so_error(s, A, a);
    tk_sim_expect(s, err == -ETIMEDOUT, "connect() failed with %d, want -ETIMEDOUT", err);
    uint32_t syns = tk_sim_count_segs(s, mark, A, TK_TCP_SYN);
    tk_sim_expect(s, syns == 1 + s->cfg[A].syn_retries, "A sent %u SYNs, want 1 + syn_retries = %u",
                  syns, 1 + s->cfg[A].syn_retries);
    tk_time gap_want = s->cfg[A].rto_initial, last = 0, total = 0;
    bool first = true;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (!g || g->side != A || !(g->flags & TK_TCP_SYN))
            continue;
        if (!first) {
            tk_sim_expect(s, g->t - last == gap_want,
                          "SYN sent %llu us after the previous, want %llu",
                          (unsigned long long)(g->t - last), (unsigned long long)gap_want);
            total += gap_want;
            gap_want *= 2;
        }
        first = false;
        last = g->t;
    }
    total += gap_want;
    tk_sim_note(s, "connect() failed %llu s after it was called",
                (unsigned long long)((failed_at - start) / TK_SEC(1)));
    tk_sim_expect(s, failed_at - start == total, "connect() failed after %llu us, want %llu",
                  (unsigned long long)(failed_at - start), (unsigned long long)total);
    tk_sim_close(s, A, a);
}

void tk_sim_cf_backlog(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->cfg[B].syn_cookies = false; /* plain drops, as CM-14 describes */
}

/* The accept queue (backlog 1) is full: B drops the next SYN; once the
 * application accepts, A's retransmitted SYN gets through. */
void tk_sim_sc_syn_backlog_full(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 1);
    int a1 = tk_sim_socket_bound(s, A, 0), a2 = tk_sim_socket_bound(s, A, 0);
    tk_sim_connect(s, A, a1, TK_SIM_PORT);
    tk_sim_expect(s, tk_sim_wait_events(s, A, a1, TK_POLLOUT, TK_SEC(5)),
                  "first connection did not complete");
    tk_sim_note(s, "B's accept queue now holds one connection: it is full");
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, B));
    uint64_t drops = st->drop_listen_overflow + st->drop_syn_backlog_full;
    tk_sim_connect(s, A, a2, TK_SIM_PORT);
    uint16_t p2 = tk_sim_lport(s, A, a2);
    tk_sim_run_for(s, TK_MS(500));
    tk_sim_expect(s, tk_sim_state(s, A, p2, TK_SIM_PORT) == TK_TCP_SYN_SENT,
                  "the second connection is not waiting in SYN_SENT");
    tk_sim_expect(s, st->drop_listen_overflow + st->drop_syn_backlog_full > drops,
                  "B did not count a dropped SYN");
    int b1 = tk_sim_accept(s, B, lsd, 0);
    tk_sim_expect(s, b1 >= 0, "B could not accept the first connection");
    tk_sim_expect(s, tk_sim_wait_events(s, A, a2, TK_POLLOUT, TK_SEC(10)),
                  "the retransmitted SYN did not complete the second connection");
    int b2 = tk_sim_accept(s, B, lsd, TK_SEC(1));
    tk_sim_expect(s, b2 >= 0, "B could not accept the second connection");
}
