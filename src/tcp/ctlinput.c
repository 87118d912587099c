/* ICMP errors for TCP (RFC 1122 4.2.3.9, RFC 5927), as FreeBSD's
 * tcp_ctlinput: the network layer matched the error to TCP by the quoted
 * protocol; here the quote finds its connection, which takes a lower MSS
 * (fragmentation needed), fails (a hard error in SYN_SENT) or remembers a
 * soft error. */
#include <errno.h>

#include "base/seq.h"
#include "net/icmp.h"
#include "tcp/demux.h"
#include "tcp/state.h"

/* SPEC NET-5, RFC 1191 / RFC 5927 4.1: lower the MSS to fit the reported
 * next-hop MTU (the low 16 bits of the ICMP header's second word), never
 * below pmtu_min: an MTU under it, or 0 from a router older than RFC 1191,
 * takes the floor (counted). When segments in flight may not fit the new
 * size, they are sent again at once in it (tk_tcp_pmtu_lower). */
static int pmtu_update(tk_stack *s, tk_tcb *tp, uint32_t rest, tk_time now) {
    uint32_t mtu = rest & 0xffffu;
    if (mtu < s->cfg.pmtu_min) {
        mtu = s->cfg.pmtu_min;
        s->stats.pmtu_clamped++;
    }
    return tk_tcp_pmtu_lower(s, tp, mtu - 40u, now);
}

int tk_tcp_pmtu_lower(tk_stack *s, tk_tcb *tp, uint32_t mss, tk_time now) {
    if (mss >= tp->mss)
        return TK_ICMP_PMTU;
    tp->mss = (uint16_t)mss;
    s->stats.pmtu_lowered++;
    if (tk_tcb_synchronized(tp) && tp->snd_max - tp->snd_una > tk_tcp_seg_max(tp)) {
        s->now = now;
        /* RFC 1191 6.5, as FreeBSD's tcp_mtudisc: the path dropped what left
         * at the old size; all of it goes again at the new one as the
         * windows allow (back to SND.UNA), not the first segment alone with
         * the rest left to the retransmission timeout. No congestion is
         * inferred. */
        tp->snd_nxt = tp->snd_una;
        tk_tcp_output(s, tp, now);
    }
    return TK_ICMP_PMTU;
}

/* The connection a quote names, when the quoted sequence is in flight. */
static tk_tcb *quoted_tcb(tk_stack *s, const tk_icmp_quote *q) {
    if (q->proto != TK_IPPROTO_TCP)
        return NULL;
    tk_tcb *tp = tk_demux_lookup(s, q->src, q->sport, q->dst, q->dport, NULL, NULL);
    /* A connection inside UDP sends no plain segment to quote (and quotes
     * of UDP are ignored): as FreeBSD, its port must match. */
    if (tp == NULL || tp->state == TK_TCP_LISTEN || tp->encap_port != 0)
        return NULL;
    /* RFC 5927 4.1: only a quote of data in flight is believed,
     * SND.UNA <= SEG.SEQ < SND.NXT (the highest sent, SND.MAX, after a
     * retransmission pulled SND.NXT back). In SYN_SENT that is the ISS alone. */
    if (!tk_seq_in(q->seq, tp->snd_una, tp->snd_max))
        return NULL;
    return tp;
}

int tk_tcp_ctlinput(void *ctx, const tk_icmp_hdr *h, const tk_icmp_quote *q, tk_time now) {
    tk_stack *s = ctx;
    tk_tcb *tp = quoted_tcb(s, q);
    if (tp == NULL)
        return TK_ICMP_IGNORED;
    if (h->type == TK_ICMP_DEST_UNREACH && h->code == TK_ICMP_FRAG_NEEDED)
        return pmtu_update(s, tp, h->rest, now);
    int err = tk_icmp_hard_errno(h->type, h->code);
    /* RFC 5927 4.1: in synchronized states hard errors are treated as soft,
     * so a forged message cannot reset a working connection. */
    if (err != 0 && tp->state == TK_TCP_SYN_SENT && s->cfg.icmp_may_rst) {
        s->now = now;
        tk_tcb_drop(s, tp, s->cfg.icmp_errno_refused ? -ECONNREFUSED : err, "rcv ICMP unreachable");
        return TK_ICMP_HARD;
    }
    /* RFC 1122 4.2.3.9: a soft error does not abort; it is remembered and
     * named if the connection times out (cleared by an ACK of new data). */
    tk_cold(tp)->soft_error = tk_icmp_soft_errno(h->type, h->code);
    return TK_ICMP_SOFT;
}
