/* The scenario table, and the default story: a whole connection life. */
#include "sim_scenarios.h"

#include <string.h>

#include "tcpkit/stats.h"

static const tk_sim_scenario table[] = {
    {"lifecycle", "CM-1, CM-3", "handshake, data both ways, active close by A, TIME_WAIT 60 s",
     NULL, tk_sim_sc_lifecycle},
    {"simultaneous-open", "CM-2", "both sides connect at once: SYNs cross, one connection", NULL,
     tk_sim_sc_simultaneous_open},
    {"simultaneous-close", "CM-6", "both sides close at once: CLOSING, then TIME_WAIT on both",
     NULL, tk_sim_sc_simultaneous_close},
    {"three-segment-close", "CM-4", "B closes within the delayed-ACK time: FIN+ACK in one", NULL,
     tk_sim_sc_three_segment_close},
    {"half-close", "CM-7", "A shuts down writing and keeps receiving in FIN_WAIT_2", NULL,
     tk_sim_sc_half_close},
    {"lost-last-ack", "CM-12", "A's last ACK is lost: B retransmits its FIN, then gives up", NULL,
     tk_sim_sc_lost_last_ack},
    {"time-wait-refin", "CM-9", "a retransmitted FIN in TIME_WAIT is ACKed and restarts 2MSL", NULL,
     tk_sim_sc_time_wait_refin},
    {"time-wait-reuse", "CM-10, CM-11", "TIME_WAIT reserves its 4-tuple; a newer SYN reopens it",
     NULL, tk_sim_sc_time_wait_reuse},
    {"refused", "RS-1", "connect to a port without listener: RST, ECONNREFUSED", NULL,
     tk_sim_sc_refused},
    {"linger-abort", "RS-2", "SO_LINGER {on, 0}: close() sends RST, peer gets ECONNRESET", NULL,
     tk_sim_sc_linger_abort},
    {"unread-close", "RS-3", "close() with unread data sends RST instead of FIN", NULL,
     tk_sim_sc_unread_close},
    {"half-open", "RS-4", "B restarts: A's next segment is answered with RST", NULL,
     tk_sim_sc_half_open},
    {"stale-reconnect", "RS-7", "A restarts and reuses its port: challenge ACK, RST, new SYN", NULL,
     tk_sim_sc_stale_reconnect},
    {"fast-open", "OP-8", "TCP Fast Open: a cookie first, then the request in the SYN",
     tk_sim_cf_fast_open, tk_sim_sc_fast_open},
    {"socket-reinit", "CM-17", "connect/bind/listen on a live socket: refused, data intact", NULL,
     tk_sim_sc_socket_reinit},
    {"syn-retries", "CM-16", "every SYN is lost: backoff 1, 2, 4... s, then ETIMEDOUT", NULL,
     tk_sim_sc_syn_retries},
    {"syn-backlog-full", "CM-14", "accept queue full: SYN dropped until the application accepts",
     tk_sim_cf_backlog, tk_sim_sc_syn_backlog_full},
    {"cable-unplug", "DT-7", "link down 5 s during a transfer: it stays up and completes",
     tk_sim_cf_newreno, tk_sim_sc_cable_unplug},
    {"keepalive-dead-peer", "TM-1", "keepalive probes to a vanished peer, then ETIMEDOUT", NULL,
     tk_sim_sc_keepalive_dead_peer},
    {"keepalive-alive", "TM-1", "keepalive probes answered: the idle connection lives on", NULL,
     tk_sim_sc_keepalive_alive},
    {"zero-window", "DT-3", "B stops reading: window probes with backoff until it reads again",
     NULL, tk_sim_sc_zero_window},
    {"lossy-transfer", "DT-1, DT-9", "1 MB over a 10 Mbit/s link with 2 % loss, intact",
     tk_sim_cf_lossy, tk_sim_sc_lossy_transfer},
    {"tail-loss", "DT-12",
     "the last segment is lost: a tail loss probe 2 SRTT later repairs it, no timeout",
     tk_sim_cf_tail_loss, tk_sim_sc_tail_loss},
    {"lost-segment", "DT-12, DT-14",
     "segment 2 of 8 is lost: RACK marks it once three later ones are SACKed, PRR resends it",
     tk_sim_cf_tail_loss, tk_sim_sc_lost_segment},
    {"reorder", "DT-12", "segment 2 arrives 2 ms late: RACK's reordering window waits, no resend",
     tk_sim_cf_reorder, tk_sim_sc_reorder},
    {"spurious-rto", "DT-15",
     "ACKs delayed past the timeout: F-RTO and timestamps show it spurious, the window returns",
     tk_sim_cf_tail_loss, tk_sim_sc_spurious_rto},
    {"cubic-vs-reno", "DT-13",
     "CUBIC and NewReno share a 20 Mbit/s bottleneck: goodput, cwnd, losses side by side",
     tk_sim_cf_bottleneck, tk_sim_sc_cubic_vs_reno},
    {"paced-start", "DT-13, DT-15",
     "CUBIC paces its initial window of 10 segments at 2 x cwnd / SRTT", tk_sim_cf_paced_start,
     tk_sim_sc_paced_start},
    {"ecn-transfer", "ECN", "1 MB through a queue that marks CE: no drop, no retransmission",
     tk_sim_cf_ecn, tk_sim_sc_ecn_transfer},
    {"no-ecn-transfer", "ECN", "the same queue without ECN: it overflows, retransmissions repair",
     tk_sim_cf_no_ecn, tk_sim_sc_no_ecn_transfer},
    {"syn-flood", "SEC-2",
     "spoofed SYNs fill B's syncache; cookies answer; a real client still connects", NULL,
     tk_sim_sc_syn_flood},
    {"reconnect-storm", "SEC-13",
     "A reconnects in a burst: B's per-source limit refuses; waiting 1 s gets through",
     tk_sim_cf_reconnect_storm, tk_sim_sc_reconnect_storm},
    {"what-if-no-time-wait", "OBS-9, CM-3",
     "no TIME_WAIT: a re-sent FIN draws a RST, an old segment corrupts the next connection",
     tk_sim_cf_no_time_wait, tk_sim_sc_what_if_no_time_wait},
    {"what-if-two-way-handshake", "OBS-9, CM-1",
     "a two-way handshake: an old duplicate SYN opens a connection nobody asked for",
     tk_sim_cf_two_way, tk_sim_sc_what_if_two_way},
    {"what-if-short-msl", "OBS-9, CM-3",
     "TIME_WAIT shorter than a segment's life: an old segment corrupts the next connection",
     tk_sim_cf_short_msl, tk_sim_sc_what_if_short_msl},
    {"random", "DT-1, DT-7", "seeded transfer both ways through a faulty link, digests checked",
     tk_sim_cf_random, tk_sim_sc_random},
};

size_t tk_sim_scenario_count(void) {
    return sizeof table / sizeof table[0];
}

const tk_sim_scenario *tk_sim_scenario_at(size_t i) {
    return i < tk_sim_scenario_count() ? &table[i] : NULL;
}

const tk_sim_scenario *tk_sim_scenario_find(const char *name) {
    for (size_t i = 0; i < tk_sim_scenario_count(); i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

static bool visited(const tk_sim_conn *c, int state) {
    return c && (c->visited & (1u << (unsigned)state));
}

void tk_sim_sc_lifecycle(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, TK_SIM_A, a);
    const tk_sim_conn *ca = tk_sim_conn_find(s, TK_SIM_A, ap, TK_SIM_PORT);
    const tk_sim_conn *cb = tk_sim_conn_find(s, TK_SIM_B, TK_SIM_PORT, ap);
    tk_sim_expect(s, ca && ca->state == TK_TCP_ESTABLISHED && visited(ca, TK_TCP_SYN_SENT),
                  "A did not go SYN_SENT -> ESTABLISHED");
    tk_sim_expect(s, cb && cb->state == TK_TCP_ESTABLISHED && visited(cb, TK_TCP_SYN_RCVD),
                  "B did not go SYN_RCVD -> ESTABLISHED");

    uint64_t n = s->opts->bytes >= 0 ? (uint64_t)s->opts->bytes : 2000;
    uint64_t back = s->opts->bytes_back >= 0 ? (uint64_t)s->opts->bytes_back : n / 2;
    tk_sim_expect(s, tk_sim_transfer(s, TK_SIM_A, a, TK_SIM_B, b, n, TK_SEC(60)) == n,
                  "A -> B transfer incomplete");
    tk_sim_expect(s, tk_sim_transfer(s, TK_SIM_B, b, TK_SIM_A, a, back, TK_SEC(60)) == back,
                  "B -> A transfer incomplete");

    tk_sim_close(s, TK_SIM_A, a);
    tk_sim_expect(s,
                  tk_sim_wait_state(s, TK_SIM_B, TK_SIM_PORT, ap, TK_TCP_CLOSE_WAIT, TK_SEC(120)),
                  "B never reached CLOSE_WAIT");
    uint8_t buf[64];
    tk_sim_expect(s, tk_sim_recv(s, TK_SIM_B, b, buf, sizeof buf) == 0,
                  "B recv() after A's FIN did not return 0");
    tk_sim_expect(s,
                  tk_sim_wait_state(s, TK_SIM_A, ap, TK_SIM_PORT, TK_TCP_FIN_WAIT_2, TK_SEC(120)),
                  "A never reached FIN_WAIT_2");
    tk_sim_close(s, TK_SIM_B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, TK_SIM_A, ap, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(120)),
                  "A never reached TIME_WAIT");
    tk_sim_expect(s, tk_sim_wait_state(s, TK_SIM_B, TK_SIM_PORT, ap, TK_TCP_CLOSED, TK_SEC(120)),
                  "B never reached CLOSED");
    cb = tk_sim_conn_find(s, TK_SIM_B, TK_SIM_PORT, ap);
    tk_sim_expect(s, visited(cb, TK_TCP_LAST_ACK), "B skipped LAST_ACK");

    tk_time two_msl = 2 * s->cfg[TK_SIM_A].msl;
    tk_sim_note(s, "A is in TIME_WAIT; it lasts 2*MSL = %llu s of virtual time",
                (unsigned long long)(two_msl / TK_SEC(1)));
    tk_sim_expect(
        s, tk_sim_wait_state(s, TK_SIM_A, ap, TK_SIM_PORT, TK_TCP_CLOSED, two_msl + TK_SEC(5)),
        "A's TIME_WAIT did not end within 2*MSL + 5 s");
    /* 2*MSL counts from A's last ACK: a FIN retransmitted by B (when the
     * link lost an ACK) restarts it (CM-9). */
    ca = tk_sim_conn_find(s, TK_SIM_A, ap, TK_SIM_PORT);
    if (ca && ca->tw_leave) {
        tk_time tw = ca->tw_leave - ca->tw_enter;
        tk_time last_ack = tk_sim_last_tx(s, TK_SIM_A, ca->tw_leave);
        tk_sim_note(s, "TIME_WAIT lasted %llu.%06llu s", (unsigned long long)(tw / 1000000u),
                    (unsigned long long)(tw % 1000000u));
        tk_sim_expect(s, ca->tw_leave - last_ack == two_msl,
                      "TIME_WAIT ended %llu us after A's last ACK, want %llu us",
                      (unsigned long long)(ca->tw_leave - last_ack), (unsigned long long)two_msl);
    }
    tk_sim_close(s, TK_SIM_B, lsd);
    tk_sim_expect(s, tk_stack_conn_table(tk_sim_stack(s, TK_SIM_A), NULL, 0) == 0,
                  "A still has connections at the end");
    tk_sim_expect(s, tk_stack_conn_table(tk_sim_stack(s, TK_SIM_B), NULL, 0) == 0,
                  "B still has connections at the end");
}
