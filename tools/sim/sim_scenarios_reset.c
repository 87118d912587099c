/* Reset stories (SPEC RS-*): refused connections, aborts, half-open
 * connections after a restart, and a stale connection recovered. */
#include <errno.h>
#include <stdio.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

/* The first segment `side` sent from index `from` on with all of `flags`. */
static const tk_sim_seg *first_seg(const tk_sim *s, uint32_t from, int side, uint8_t flags) {
    for (uint32_t i = from; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == side && (g->flags & flags) == flags)
            return g;
    }
    return NULL;
}

/* No listener on port 81: B answers the SYN with <SEQ=0><ACK=ISN+1><RST,ACK>
 * and A's connect() fails with ECONNREFUSED. */
void tk_sim_sc_refused(tk_sim *s) {
    int a = tk_sim_socket_bound(s, A, 0);
    uint32_t mark = s->nsegs;
    tk_sim_connect(s, A, a, 81);
    tk_sim_wait_events(s, A, a, TK_POLLERR, TK_SEC(5));
    int err = tk_sim_so_error(s, A, a);
    tk_sim_expect(s, err == -ECONNREFUSED, "connect() failed with %d, want -ECONNREFUSED", err);
    const tk_sim_seg *syn = first_seg(s, mark, A, TK_TCP_SYN);
    const tk_sim_seg *rst = first_seg(s, mark, B, TK_TCP_RST);
    if (tk_sim_expect(s, syn && rst, "no SYN from A or no RST from B")) {
        tk_sim_expect(
            s, rst->flags == (TK_TCP_RST | TK_TCP_ACK) && rst->seq == 0 && rst->ack == syn->seq + 1,
            "B's RST is flags 0x%02x seq %u ack %u, want RST+ACK seq 0 ack %u", rst->flags,
            rst->seq, rst->ack, syn->seq + 1);
    }
    tk_sim_expect(s, tk_sim_count_segs(s, mark, A, TK_TCP_RST) == 0, "A answered the RST");
    tk_sim_close(s, A, a);
}

/* After A's abortive close: exactly one RST and no FIN from A since `mark`,
 * and B's next recv() fails with ECONNRESET. Closes B's sockets. */
static void expect_abort(tk_sim *s, uint32_t mark, int b, int lsd, const char *why) {
    tk_sim_run_for(s, TK_MS(100));
    tk_sim_expect(s,
                  tk_sim_count_segs(s, mark, A, TK_TCP_RST) == 1 &&
                      tk_sim_count_segs(s, mark, A, TK_TCP_FIN) == 0,
                  "%s: A did not send exactly one RST and no FIN", why);
    uint8_t buf[16];
    long r = tk_sim_recv(s, B, b, buf, sizeof buf);
    tk_sim_expect(s, r == -ECONNRESET, "B recv() = %ld, want -ECONNRESET", r);
    tk_sim_close(s, B, b);
    tk_sim_close(s, B, lsd);
}

/* SO_LINGER {on, 0}: close() sends RST, drops queued data, skips
 * TIME_WAIT; B's next call fails with ECONNRESET. */
void tk_sim_sc_linger_abort(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_linger lg = {1, 0};
    int rc = tk_setsockopt(tk_sim_stack(s, A), a, TK_SOL_SOCKET, TK_SO_LINGER, &lg, sizeof lg);
    tk_sim_app(s, A, "setsockopt(SO_LINGER {on, 0}) = %d", rc);
    tk_sim_expect(s, rc == 0, "SO_LINGER was refused: %d", rc);
    uint32_t mark = s->nsegs;
    tk_sim_close(s, A, a);
    expect_abort(s, mark, b, lsd, "SO_LINGER {on, 0}");
    const tk_sim_conn *c = tk_sim_conn_find(s, A, ap, TK_SIM_PORT);
    tk_sim_expect(s,
                  c && c->state == TK_TCP_CLOSED &&
                      !(c->visited & (1u << TK_TCP_TIME_WAIT | 1u << TK_TCP_FIN_WAIT_1)),
                  "A did not go straight to CLOSED");
}

/* A closes with B's data unread: RST instead of FIN (RFC 2525 2.17). */
void tk_sim_sc_unread_close(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    tk_sim_send(s, B, b, "unread data", 11);
    tk_sim_run_for(s, TK_MS(100));
    uint32_t mark = s->nsegs;
    tk_sim_close(s, A, a);
    expect_abort(s, mark, b, lsd, "close() with unread data");
}

/* B restarts and forgets the connection; A's next segment is answered with
 * RST and A's application sees ECONNRESET. */
void tk_sim_sc_half_open(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    tk_sim_note(s, "B crashes and restarts: it knows nothing of the connection");
    int rc = tk_simnet_restart(s->net, B);
    if (!tk_sim_expect(s, rc == 0, "restart of B failed: %d", rc))
        return;
    uint32_t mark = s->nsegs;
    tk_sim_send(s, A, a, "hello?", 6);
    tk_sim_wait_events(s, A, a, TK_POLLERR | TK_POLLHUP, TK_SEC(5));
    tk_sim_expect(s, tk_sim_count_segs(s, mark, B, TK_TCP_RST) >= 1, "B did not answer with RST");
    const tk_sim_seg *data = NULL, *rst = NULL;
    for (uint32_t i = mark; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A && g->len > 0 && !data)
            data = g;
        if (g && g->side == B && (g->flags & TK_TCP_RST) && !rst)
            rst = g;
    }
    if (data && rst)
        tk_sim_expect(s, rst->seq == data->ack, "RST seq %u, want the data segment's ACK %u",
                      rst->seq, data->ack);
    uint8_t buf[16];
    long r = tk_sim_recv(s, A, a, buf, sizeof buf);
    tk_sim_expect(s, r == -ECONNRESET, "A recv() = %ld, want -ECONNRESET", r);
    tk_sim_expect(s, tk_sim_state(s, A, ap, TK_SIM_PORT) == TK_TCP_CLOSED,
                  "A's connection is not CLOSED");
    tk_sim_close(s, A, a);
}

/* A restarts and reconnects from the same port while B still holds the old
 * connection: challenge ACK, RST from A, old connection deleted, and A's
 * retransmitted SYN opens a new one (the seed capture's "port numbers
 * reused" story). */
void tk_sim_sc_stale_reconnect(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8);
    int a = tk_sim_socket_bound(s, A, 5000);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    int b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    if (!tk_sim_expect(s, b >= 0, "first connection was not accepted"))
        return;
    tk_sim_note(s, "A crashes and restarts; B still has the connection ESTABLISHED");
    int rc = tk_simnet_restart(s->net, A);
    if (!tk_sim_expect(s, rc == 0, "restart of A failed: %d", rc))
        return;
    uint32_t mark = s->nsegs;
    a = tk_sim_socket_bound(s, A, 5000);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, 5000, TK_TCP_CLOSED, TK_SEC(5)),
                  "B's stale connection was not deleted");
    const tk_sim_seg *chack = first_seg(s, mark, B, TK_TCP_ACK);
    const tk_sim_seg *rst = first_seg(s, mark, A, TK_TCP_RST);
    if (tk_sim_expect(s, chack && rst, "no challenge ACK from B or no RST from A"))
        tk_sim_expect(s, rst->seq == chack->ack, "A's RST seq %u, want the challenge ACK's %u",
                      rst->seq, chack->ack);
    tk_sim_expect(s, tk_sim_wait_events(s, A, a, TK_POLLOUT, TK_SEC(10)),
                  "A's retransmitted SYN did not open a new connection");
    int b2 = tk_sim_accept(s, B, lsd, TK_SEC(1));
    tk_sim_expect(s, b2 >= 0, "B did not accept the new connection");
    tk_sim_expect(s, tk_sim_state(s, B, TK_SIM_PORT, 5000) == TK_TCP_ESTABLISHED,
                  "B's new connection is not ESTABLISHED");
    uint8_t buf[16];
    long r = tk_sim_recv(s, B, b, buf, sizeof buf);
    tk_sim_expect(s, r == -ECONNRESET, "B recv() on the old socket = %ld, want -ECONNRESET", r);
}
