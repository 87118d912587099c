/* ECN stories (RFC 3168, docs/ecn.md): a transfer through a bottleneck
 * whose queue marks CE instead of overflowing, and the same bottleneck
 * without ECN for comparison. */
#include <stdio.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"

#define A TK_SIM_A
#define B TK_SIM_B

/* 10 Mbit/s, 10 ms each way, a queue of 20 frames. */
static void bottleneck(tk_simnet_opts *no) {
    no->link.bandwidth_bps = 10000000;
    no->link.queue_limit = 20;
}

void tk_sim_cf_ecn(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    bottleneck(no);
    no->link.ce_threshold = 5; /* mark ECT packets from 5 frames queued */
    no->cfg[A].ecn = 1;        /* A asks; B accepts (the default, 2) */
}

void tk_sim_cf_no_ecn(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    bottleneck(no);
    no->link.ce_threshold = 5; /* marks only ECT packets: none here */
}

/* 1 MB from A to B; returns A's and the link's figures in a note. */
static void transfer(tk_sim *s, tk_simlink_stats *ls) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint64_t n = s->opts->bytes >= 0 ? (uint64_t)s->opts->bytes : 1000000;
    tk_time start = tk_sim_now(s);
    uint64_t got = tk_sim_transfer(s, A, a, B, b, n, TK_SEC(600));
    tk_time dt = tk_sim_now(s) - start;
    const tk_stats *sa = tk_stack_stats(tk_sim_stack(s, A));
    const tk_stats *sb = tk_stack_stats(tk_sim_stack(s, B));
    tk_simlink_get_stats(tk_simnet_link(s->net), TK_SIMLINK_AB, ls);
    tk_sim_note(s,
                "%llu bytes in %llu ms; link: %llu frames marked CE, %llu dropped at the full "
                "queue; B saw %llu CE marks; A reduced cwnd %llu times on ECE and "
                "retransmitted %llu segments",
                (unsigned long long)got, (unsigned long long)(dt / 1000u),
                (unsigned long long)ls->ce_marked, (unsigned long long)ls->queue_drops,
                (unsigned long long)sb->ecn_ce_rcvd, (unsigned long long)sa->ecn_cwnd_reductions,
                (unsigned long long)sa->retransmits);
    tk_sim_expect(s, got == n, "B received %llu of %llu bytes", (unsigned long long)got,
                  (unsigned long long)n);
}

/* With ECN the sender backs off on the echoed marks before the queue is
 * full: no frame is dropped and nothing is retransmitted. */
void tk_sim_sc_ecn_transfer(tk_sim *s) {
    tk_simlink_stats ls = {0};
    transfer(s, &ls);
    const tk_stats *sa = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_expect(s, sa->ecn_connections == 1, "A's connection does not use ECN");
    tk_sim_expect(s, ls.ce_marked > 0 && sa->ecn_cwnd_reductions > 0,
                  "no CE mark reached A (%llu marked, %llu reductions)",
                  (unsigned long long)ls.ce_marked, (unsigned long long)sa->ecn_cwnd_reductions);
    if (s->opts->loss_ppm <= 0)
        tk_sim_expect(s, ls.queue_drops == 0 && sa->retransmits == 0,
                      "%llu frames dropped at the queue, %llu retransmitted",
                      (unsigned long long)ls.queue_drops, (unsigned long long)sa->retransmits);
}

/* Without ECN the only signal is loss: the queue overflows and the sender
 * repairs by retransmission. */
void tk_sim_sc_no_ecn_transfer(tk_sim *s) {
    tk_simlink_stats ls = {0};
    transfer(s, &ls);
    const tk_stats *sa = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_expect(s, sa->ecn_connections == 0 && ls.ce_marked == 0, "ECN was used");
    tk_sim_expect(s, ls.queue_drops > 0 && sa->retransmits > 0,
                  "the queue never overflowed (%llu drops, %llu retransmitted)",
                  (unsigned long long)ls.queue_drops, (unsigned long long)sa->retransmits);
}
