/* Explicit Congestion Notification for TCP (RFC 3168 6.1): the ECN-setup
 * handshake, CE marks echoed with ECE until the sender's CWR, and the
 * sender's reaction to ECE through the congestion controller's on_ecn hook.
 * Which segments carry ECT(0) is decided by output (new data only).
 *
 * Negotiation (6.1.1): a connection uses ECN only when we sent nothing but
 * ECN-setup SYNs / SYN-ACKs and received an ECN-setup SYN / SYN-ACK. So a
 * simultaneous open in which our SYN was plain (cfg.ecn == 2, or a fallback
 * SYN) answers with a plain SYN-ACK and stays without ECN, as Linux does. */
#include "tcp/pace.h"
#include "tcp/state.h"
#include "tcpkit/wire/ipv4.h"

#if TK_WITH_ECN

#define ECE_CWR (TK_TCP_ECE | TK_TCP_CWR)

/* An ECN-setup SYN carries ECE and CWR; an ECN-setup SYN-ACK ECE alone. */
static bool ecn_setup(uint8_t flags) {
    uint8_t want = (flags & TK_TCP_ACK) ? TK_TCP_ECE : ECE_CWR;
    return (flags & ECE_CWR) == want;
}

uint8_t tk_ecn_syn_flags(const tk_stack *s, tk_tcb *tp) {
    if (tp->state != TK_TCP_SYN_SENT)
        return (tp->ecn & TK_ECN_ON) ? TK_TCP_ECE : 0;
    if (tp->snd_max == tk_cold(tp)->iss && s->cfg.ecn == 1)
        tp->ecn |= TK_ECN_REQ; /* first SYN of an active open */
    /* 6.1.1.1: after ecn_syn_retries unanswered ECN-setup SYNs, plain
     * ones (a middlebox may drop ECN-setup SYNs). Once a plain SYN has
     * left, ECN is off for good. */
    if ((tp->ecn & TK_ECN_REQ) && tp->rexmt_count <= s->cfg.ecn_syn_retries)
        return ECE_CWR;
    tp->ecn &= (uint8_t)~TK_ECN_REQ;
    return 0;
}

bool tk_ecn_syn_accept(const tk_stack *s, uint8_t flags) {
    return (s->cfg.ecn == 1 || s->cfg.ecn == 2) && ecn_setup(flags);
}

void tk_ecn_syn_in(const tk_stack *s, tk_tcb *tp, uint8_t flags) {
    bool willing;
    if (tp->state == TK_TCP_SYN_SENT)
        willing = (tp->ecn & TK_ECN_REQ) != 0;
    else if (tp->state == TK_TCP_SYN_RCVD)
        willing = (tp->ecn & TK_ECN_ON) != 0; /* a repeated SYN: stays or ends */
    else
        willing = s->cfg.ecn == 1 || s->cfg.ecn == 2; /* a listener's child */
    if (willing && ecn_setup(flags))
        tp->ecn |= TK_ECN_ON;
    else
        tp->ecn &= (uint8_t)~TK_ECN_ON;
}

void tk_ecn_input(tk_stack *s, tk_tcb *tp, const tk_seg *sg, bool in_window) {
    if (!(tp->ecn & TK_ECN_ON))
        return;
    if (sg->h.flags & TK_TCP_CWR)
        tp->ecn &= (uint8_t)~TK_ECN_ECE; /* 6.1.3: the sender has reacted */
    /* 6.1.5: CE counts on data inside the window only; an old or spoofed
     * out-of-window segment cannot make us report congestion. */
    if (in_window && sg->ecn == TK_IP_ECN_CE) {
        tp->ecn |= TK_ECN_ECE;
        s->stats.ecn_ce_rcvd++;
    }
}

bool tk_ecn_echo(tk_stack *s, tk_tcb *tp, uint32_t ack) {
    if (!(tp->ecn & TK_ECN_ON) || tp->cc.ops == NULL || tp->cc.ops->on_ecn == NULL)
        return false;
    uint32_t flight = tk_pace_loss_flight(tp);
    bool one_segment = tp->cc.cwnd <= tp->cc.mss;
    if (tp->cc.ops->on_ecn(&tp->cc, ack, flight, tp->snd_max) != TK_CC_REDUCED)
        return false;
    s->stats.ecn_cwnd_reductions++;
    tp->ecn |= TK_ECN_CWR;
    /* 6.1.2: a window of one segment cannot halve; the sender MUST reset
     * the retransmit timer and send new data only when it expires. */
    if (!one_segment)
        return false;
    tp->ecn |= TK_ECN_HOLD;
    return true;
}

void tk_ecn_cwnd_reduced(tk_tcb *tp) {
    if (tp->ecn & TK_ECN_ON)
        tp->ecn |= TK_ECN_CWR;
}

uint8_t tk_ecn_out_flags(tk_tcb *tp, uint8_t flags, bool fresh) {
    if (!(tp->ecn & TK_ECN_ON) || (flags & (TK_TCP_SYN | TK_TCP_RST)))
        return flags;
    if ((tp->ecn & TK_ECN_ECE) && (flags & TK_TCP_ACK))
        flags |= TK_TCP_ECE;
    /* 6.1.2: CWR on the first new data segment after the reduction only
     * (never on a retransmission or a window probe, 6.1.6). */
    if ((tp->ecn & TK_ECN_CWR) && fresh) {
        flags |= TK_TCP_CWR;
        tp->ecn &= (uint8_t)~TK_ECN_CWR;
    }
    return flags;
}

#else
typedef int tk_ecn_compiled_out;
#endif /* TK_WITH_ECN */
