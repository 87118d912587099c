/* Retransmission marking from sequence numbers alone (report.h). */
#include <string.h>

#include "report.h"
#include "tcpkit/wire/tcp.h"

static bool same_flow(const tk_rp_endpoints *a, const tk_rp_endpoints *b) {
    return tk_taddr_eq(&a->src, &b->src) && tk_taddr_eq(&a->dst, &b->dst) && a->sport == b->sport &&
           a->dport == b->dport;
}

/* Signed sequence comparison (RFC 9293 3.4: modulo 2^32). */
static bool seq_lt(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) < 0;
}

bool tk_rp_rtx_check(tk_rp_rtx *r, const tk_rp_endpoints *ep, const tk_rp_seg *s) {
    struct tk_rp_rtx_flow *fl = NULL;
    for (size_t i = 0; i < TK_RP_RTX_FLOWS; i++)
        if (r->flows[i].used && same_flow(&r->flows[i].ep, ep))
            fl = &r->flows[i];
    bool syn = (s->flags & TK_TCP_SYN) != 0;
    uint32_t end = s->seq + s->len + (syn ? 1u : 0u) + ((s->flags & TK_TCP_FIN) ? 1u : 0u);
    /* A SYN starts a new incarnation of the flow when its ISN is new, or
     * when the flow had ended (a FIN or RST sent: the same ISN again is a
     * new connection). */
    if (!fl || (syn && (s->seq != fl->isn || fl->ended))) {
        if (!fl) {
            fl = &r->flows[r->next++ % TK_RP_RTX_FLOWS];
            memset(fl, 0, sizeof *fl);
            fl->used = true;
            fl->ep = *ep;
        }
        fl->isn = s->seq;
        fl->max = end;
        fl->ended = false;
        fl->syn_only = syn && !(s->flags & TK_TCP_ACK);
        return false;
    }
    if (s->flags & (TK_TCP_FIN | TK_TCP_RST))
        fl->ended = true;
    /* Simultaneous open (RFC 9293 3.5, CM-2): the SYN-ACK repeats the
     * ISN of the end's own SYN; it is not a retransmission. */
    if (syn && (s->flags & TK_TCP_ACK) && fl->syn_only && s->seq == fl->isn) {
        fl->syn_only = false;
        return false;
    }
    bool takes_space = s->len > 0 || (s->flags & (TK_TCP_SYN | TK_TCP_FIN));
    bool again = takes_space && seq_lt(s->seq, fl->max);
    /* A keep-alive (SEQ = SND.NXT - 1, at most one byte, RFC 9293 3.8.4)
     * repeats a byte on purpose: not a retransmission. */
    if (again && s->len <= 1 && !(s->flags & (TK_TCP_SYN | TK_TCP_FIN)) && s->seq + 1 == fl->max)
        again = false;
    if (seq_lt(fl->max, end))
        fl->max = end;
    return again;
}
