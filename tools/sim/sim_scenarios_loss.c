/* Loss recovery stories (SPEC DT-12): a lost tail segment repaired by a
 * tail loss probe (RFC 8985 7) two smoothed round trips after it was sent,
 * where the retransmission timer alone would have waited 200 ms. */
#include <stdio.h>
#include <string.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_info.h"

#define A   TK_SIM_A
#define B   TK_SIM_B
#define SEG 1448u /* a full segment: MSS 1460 less the timestamps */

/* A 10 ms round trip: the probe timeout (2 SRTT = 20 ms) expires before
 * B's delayed ACK (40 ms) for the first segment comes back. */
void tk_sim_cf_tail_loss(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->link.delay = TK_MS(5);
}

/* The first transmission of [seq, seq + SEG) by A after segment `from`,
 * and the next one (the retransmission): their indices, or UINT32_MAX. */
static uint32_t find_seg(const tk_sim *s, uint32_t from, uint32_t seq) {
    for (uint32_t i = from; i < s->nsegs; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A && g->seq == seq && g->len == SEG)
            return i;
    }
    return UINT32_MAX;
}

static uint64_t receive(tk_sim *s, int b, uint64_t want, tk_time timeout) {
    uint8_t buf[4096];
    uint64_t got = 0;
    tk_time end = tk_sim_now(s) + timeout;
    bool intact = true;
    while (got < want && tk_sim_now(s) < end) {
        long n = tk_recv(tk_sim_stack(s, B), b, buf, sizeof buf);
        for (long i = 0; i < n; i++)
            intact = intact && buf[i] == tk_sim_pattern(got + (uint64_t)i);
        got += n > 0 ? (uint64_t)n : 0;
        if (n <= 0)
            tk_sim_run_for(s, 100u);
    }
    tk_sim_expect(s, intact, "B received altered bytes");
    tk_sim_app(s, B, "recv() total %llu bytes", (unsigned long long)got);
    return got;
}

void tk_sim_sc_tail_loss(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    tk_tcp_info ti;
    tk_tcp_info_get(tk_sim_stack(s, A), a, &ti);
    tk_time srtt = ti.tcpi_rtt, rto = ti.tcpi_rto;
    tk_sim_note(s, "A: SRTT %.1f ms, RTO %.1f ms", (double)srtt / 1e3, (double)rto / 1e3);
    uint8_t buf[2 * SEG];
    for (uint32_t i = 0; i < sizeof buf; i++)
        buf[i] = tk_sim_pattern(i);
    uint32_t mark = s->nsegs;
    tk_sim_send(s, A, a, buf, SEG);
    tk_sim_run_for(s, TK_MS(1));
    tk_time t1 = tk_sim_now(s);
    tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, t1, t1 + 1u);
    tk_sim_note(s, "the link drops what A sends at +%.3f s: the last segment of the request",
                (double)t1 / 1e6);
    tk_sim_send(s, A, a, buf + SEG, SEG);
    uint64_t got = receive(s, b, sizeof buf, TK_SEC(2));
    tk_sim_expect(s, got == sizeof buf, "B received %llu of %zu bytes", (unsigned long long)got,
                  sizeof buf);
    tk_sim_run_for(s, TK_MS(20)); /* B's ACK reaches A */
    tk_tcp_info_get(tk_sim_stack(s, A), a, &ti);
    tk_sim_expect(s, ti.tcpi_unacked_bytes == 0, "A still has %u bytes unacknowledged",
                  (unsigned)ti.tcpi_unacked_bytes);
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    const tk_sim_seg *g1 = NULL;
    for (uint32_t i = mark; i < s->nsegs && g1 == NULL; i++) {
        const tk_sim_seg *g = tk_sim_seg_at(s, i);
        if (g && g->side == A && g->len == SEG)
            g1 = g;
    }
    uint32_t tail = g1 ? g1->seq + SEG : 0;
    uint32_t i1 = find_seg(s, mark, tail);
    uint32_t i2 = i1 != UINT32_MAX ? find_seg(s, i1 + 1, tail) : UINT32_MAX;
    const tk_sim_seg *probe = i2 != UINT32_MAX ? tk_sim_seg_at(s, i2) : NULL;
    tk_sim_expect(s, probe != NULL, "the tail segment was never sent again");
    if (probe) {
        tk_time after = probe->t - t1;
        tk_sim_note(s, "A probed %.1f ms after the tail was sent: 2 x SRTT = %.1f ms",
                    (double)after / 1e3, (double)(2u * srtt) / 1e3);
        tk_sim_expect(s, after == 2u * srtt, "the probe went %.3f ms after the tail, not 2 SRTT",
                      (double)after / 1e3);
    }
    tk_sim_note(s, "A: %llu probe, %llu repaired by it, %llu retransmission timeouts",
                (unsigned long long)st->tlp_probes, (unsigned long long)st->tlp_recoveries,
                (unsigned long long)st->rto_timeouts);
    tk_sim_expect(s, st->tlp_probes == 1 && st->tlp_recoveries == 1,
                  "%llu probes, %llu losses repaired by them (want 1, 1)",
                  (unsigned long long)st->tlp_probes, (unsigned long long)st->tlp_recoveries);
    tk_sim_expect(s, st->rto_timeouts == 0, "%llu retransmission timeouts",
                  (unsigned long long)st->rto_timeouts);
    tk_sim_expect(s, st->retransmits == 1, "%llu retransmissions (want the probe only)",
                  (unsigned long long)st->retransmits);
}
