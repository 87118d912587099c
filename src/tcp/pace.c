/* Pacing: new data leaves at about ratio x cwnd / SRTT instead of in bursts
 * as ACKs open the window, so a shallow bottleneck queue is not overrun by
 * an initial window of 10 segments.
 *
 * As Linux sizes its bursts (tcp_tso_autosize), segments leave in bursts
 * of about 1 ms at the pacing rate (at least TK_PACE_SS_SEGS in slow start,
 * as Linux's tcp_min_tso_segs, TK_PACE_CA_SEGS in congestion avoidance; at
 * most 64 KiB): a burst goes out back to back, and the next may start when
 * the line would have carried this one at the pacing rate. At low rates in
 * slow start that is a pair at a time (a lone segment would wait at the
 * receiver for its delayed-ACK timer, RFC 5681 4.2); at the rates of an
 * in-process transfer one timer event serves tens of segments. The
 * cost is one comparison per segment and, only while data waits, the
 * connection's pace timer. */
#include "tcp/pace.h"

#include "base/div.h"
#include "tcp/state.h"

#define PACE_BURST_MAX (64u * 1024u)

bool tk_pace_on(const tk_tcb *tp) {
    return TK_WITH_PACING && TK_WITH_CUBIC && tk_cold(tp)->opts.pacing &&
           tp->cc.ops == &tk_cc_cubic && tk_cold(tp)->rtt.has_sample && tk_cold(tp)->rtt.srtt > 0 &&
           tp->cc.cwnd > 0;
}

uint32_t tk_pace_loss_flight(const tk_tcb *tp) {
    uint32_t flight = tp->snd_max - tp->snd_una;
    if (TK_WITH_PACING && tk_pace_on(tp) && flight < tp->cc.cwnd)
        return tp->cc.cwnd;
    return flight;
}

static uint32_t pace_percent(const tk_tcb *tp) {
    return tp->cc.cwnd < tp->cc.ssthresh / 2u ? TK_PACE_SS_PERCENT : TK_PACE_CA_PERCENT;
}

uint64_t tk_pace_rate(const tk_tcb *tp) {
    if (!TK_WITH_PACING || !tk_pace_on(tp))
        return 0;
    uint64_t r = (uint64_t)tp->cc.cwnd * pace_percent(tp) * 10000u; /* x 10^6 / 100 */
    return tk_div64_u64(r, tk_cold(tp)->rtt.srtt);
}

bool tk_pace_ready(tk_stack *s, tk_tcb *tp, tk_time now) {
#if !TK_WITH_PACING
    (void)s, (void)tp, (void)now;
    return true;
#else
    tk_time due = tk_cold(tp)->pace_next;
    if (tk_cold(tp)->pace_credit > 0 || due <= now || !tk_pace_on(tp))
        return true;
    if (tk_tcb_timer_at(tp, TK_TIMER_PACE) != due)
        tk_tcb_timer_set(s, tp, TK_TIMER_PACE, due);
    return false;
#endif
}

void tk_pace_sent(tk_tcb *tp, uint32_t len, tk_time now) {
#if !TK_WITH_PACING
    (void)tp, (void)len, (void)now; /* compiled out: no burst state */
#else
    if (!tk_pace_on(tp))
        return;
    tk_tcb_cold *c = tk_cold(tp);
    if (c->pace_credit == 0) {
        /* A new burst: 1 ms at the rate, counted from now when the line
         * was idle (no credit builds up). */
        uint64_t q = tk_div64_small(tk_pace_rate(tp), 1000u);
        uint32_t segs = tp->cc.cwnd >= tp->cc.ssthresh ? TK_PACE_CA_SEGS : TK_PACE_SS_SEGS;
        uint32_t least = segs * tk_tcp_seg_max(tp);
        if (q < least)
            q = least;
        c->pace_credit = q > PACE_BURST_MAX ? PACE_BURST_MAX : (uint32_t)q;
        if (c->pace_next < now)
            c->pace_next = now;
    }
    c->pace_credit = c->pace_credit > len ? c->pace_credit - len : 0;
    /* len / (percent / 100 x cwnd / srtt), in microseconds. */
    c->pace_next +=
        tk_div64_u64((uint64_t)len * c->rtt.srtt * 100u, (uint64_t)pace_percent(tp) * tp->cc.cwnd);
#endif
}

void tk_tcp_cc_sample(tk_tcb *tp, uint32_t ack, tk_time rtt, tk_time now) {
    if (tp->cc.ops == NULL || tp->cc.ops->on_sample == NULL)
        return;
    uint32_t us = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
    tp->cc.ops->on_sample(&tp->cc, ack, tp->snd_nxt, us, now);
}
