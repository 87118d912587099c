/* Loss recovery stories (SPEC DT-12, DT-14, DT-15) on a 10 ms round trip:
 * a lost tail segment repaired by a tail loss probe (RFC 8985 7) two
 * smoothed round trips after it was sent, where the retransmission timer
 * alone would have waited 200 ms; a lost segment in the middle found by
 * RACK and repaired in fast recovery; a reordered segment that RACK waits
 * for instead of resending; ACKs delayed past the timeout, which F-RTO and
 * the timestamps show to be a spurious timeout (the window comes back). */
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
/* Unpaced, so the story's segments leave when it sends them and the link
 * drops exactly the one it names (pacing would space them by cwnd/SRTT). */
void tk_sim_cf_tail_loss(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->link.delay = TK_MS(5);
    for (int i = 0; i < 2; i++)
        no->cfg[i].pacing = false;
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

/* A writes n full segments, one every `gap` (TCP_NODELAY is not needed:
 * every segment is full). Returns the time the first one left. */
static tk_time write_segments(tk_sim *s, int a, uint32_t n, tk_time gap, uint32_t lose) {
    uint8_t buf[SEG];
    tk_time t0 = tk_sim_now(s);
    for (uint32_t k = 0; k < n; k++) {
        for (uint32_t i = 0; i < SEG; i++)
            buf[i] = tk_sim_pattern((uint64_t)k * SEG + i);
        if (k == lose) {
            tk_time t = tk_sim_now(s);
            tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, t, t + 1u);
            tk_sim_note(s, "the link drops segment %u of %u", k + 1, n);
        }
        tk_sim_send(s, A, a, buf, SEG);
        if (k + 1 < n)
            tk_sim_run_for(s, gap);
    }
    return t0;
}

static void counters(tk_sim *s) {
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_note(s,
                "A: %llu retransmitted, %llu marked lost by RACK, %llu fast recoveries, %llu "
                "probes, %llu timeouts, %llu undone",
                (unsigned long long)st->retransmits, (unsigned long long)st->rack_losses,
                (unsigned long long)st->fast_retransmits, (unsigned long long)st->tlp_probes,
                (unsigned long long)st->rto_timeouts, (unsigned long long)st->spurious_undos);
}

/* Segment 2 of 8 is lost: the SACKs of 3, 4 and 5 (three segments above
 * it, no reordering seen) mark it lost at once; PRR lets it go first. */
void tk_sim_sc_lost_segment(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    /* Grow cwnd first: 16 segments acknowledged. */
    for (int round = 0; round < 2; round++) {
        uint8_t buf[8 * SEG];
        memset(buf, 0, sizeof buf);
        tk_sim_send(s, A, a, buf, sizeof buf);
        uint8_t sink[8 * SEG];
        uint64_t got = 0;
        while (got < sizeof buf && tk_sim_now(s) < TK_SEC(5)) {
            long n = tk_recv(tk_sim_stack(s, B), b, sink, sizeof sink);
            got += n > 0 ? (uint64_t)n : 0;
            if (n <= 0)
                tk_sim_run_for(s, 100u);
        }
    }
    tk_sim_run_for(s, TK_MS(50));
    (void)write_segments(s, a, 8, 100u, 1);
    uint64_t got = receive(s, b, 8u * SEG, TK_SEC(2));
    tk_sim_expect(s, got == 8u * SEG, "B received %llu of %u bytes", (unsigned long long)got,
                  8u * SEG);
    tk_sim_run_for(s, TK_MS(20));
    counters(s);
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_expect(s, st->retransmits == 1 && st->rack_losses == 1 && st->fast_retransmits == 1,
                  "want one loss found by RACK and one retransmission");
    tk_sim_expect(s, st->rto_timeouts == 0, "a retransmission timeout");
}

/* Segment 2 of 4 is held back 2 ms by the link: RACK's reordering window
 * (min_RTT / 4 = 2.5 ms) keeps it from being resent when the SACK of 3
 * arrives first; once reordering was seen the window stays open for the
 * rest of the connection (RFC 8985 6.2 step 4). */
void tk_sim_cf_reorder(tk_simnet_opts *no, const tk_sim_opts *o) {
    tk_sim_cf_tail_loss(no, o);
    no->link.reorder_delay = TK_MS(2);
}

void tk_sim_sc_reorder(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    tk_simlink *l = tk_simnet_link(s->net);
    tk_simlink_params p;
    tk_simlink_get_params(l, TK_SIMLINK_AB, &p);
    uint8_t buf[SEG];
    for (uint32_t k = 0; k < 4; k++) {
        for (uint32_t i = 0; i < SEG; i++)
            buf[i] = tk_sim_pattern((uint64_t)k * SEG + i);
        p.reorder_ppm = k == 1 ? TK_SIMLINK_PPM : 0;
        tk_simlink_set_params(l, TK_SIMLINK_AB, &p);
        if (k == 1)
            tk_sim_note(s, "the link holds segment 2 back by 2 ms");
        tk_sim_send(s, A, a, buf, SEG);
        tk_sim_run_for(s, 100u);
    }
    p.reorder_ppm = 0;
    tk_simlink_set_params(l, TK_SIMLINK_AB, &p);
    uint64_t got = receive(s, b, 4u * SEG, TK_SEC(2));
    tk_sim_expect(s, got == 4u * SEG, "B received %llu of %u bytes", (unsigned long long)got,
                  4u * SEG);
    tk_sim_run_for(s, TK_MS(20));
    tk_tcp_info ti;
    tk_tcp_info_get(tk_sim_stack(s, A), a, &ti);
    tk_sim_note(s, "A's reordering window now: %.1f ms", (double)ti.tcpi_rack_reo_wnd / 1e3);
    counters(s);
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_expect(s, st->retransmits == 0, "%llu retransmissions of a reordered segment",
                  (unsigned long long)st->retransmits);
}

/* B's ACKs take 400 ms for a while (a route change): A's timer fires and
 * resends the first segment, but the ACKs then show the originals arrived
 * (F-RTO, RFC 5682; the echoed timestamps, RFC 3522): the window comes
 * back and new data follows instead of retransmissions. */
void tk_sim_sc_spurious_rto(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    tk_simlink *l = tk_simnet_link(s->net);
    tk_simlink_params p;
    tk_simlink_get_params(l, TK_SIMLINK_BA, &p);
    tk_time normal = p.delay;
    p.delay = TK_MS(400);
    tk_simlink_set_params(l, TK_SIMLINK_BA, &p);
    tk_sim_note(s, "B's ACKs now take 400 ms");
    uint8_t buf[6 * SEG];
    for (uint32_t i = 0; i < sizeof buf; i++)
        buf[i] = tk_sim_pattern(i);
    tk_sim_send(s, A, a, buf, sizeof buf);
    tk_sim_run_for(s, TK_MS(285));
    p.delay = normal;
    tk_simlink_set_params(l, TK_SIMLINK_BA, &p);
    tk_sim_note(s, "B's ACKs are fast again (those on their way still take 400 ms)");
    uint64_t got = receive(s, b, sizeof buf, TK_SEC(3));
    tk_sim_expect(s, got == sizeof buf, "B received %llu of %zu bytes", (unsigned long long)got,
                  sizeof buf);
    tk_sim_run_for(s, TK_SEC(1));
    counters(s);
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, A));
    tk_sim_expect(s, st->rto_timeouts >= 1, "no timeout: the ACKs were not late enough");
    tk_sim_expect(s, st->spurious_undos == 1, "%llu undos (want 1)",
                  (unsigned long long)st->spurious_undos);
}
