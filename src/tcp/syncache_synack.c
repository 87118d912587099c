/* What a passive open answers a SYN with, computed from the SYN and the
 * listener alone, so that a syncache entry or a SYN cookie can send exactly
 * the SYN-ACK a socket in SYN_RCVD would (options OP-1..OP-4, the window
 * rounded to whole segments, ECN, TCP-MD5, TTL/TOS, TCP over UDP). */
#include <string.h>

#include "tcp/state.h"
#include "tcp/syncache.h"
#include "tcpkit/wire/ipv4.h"

/* The send MSS of the connection: the peer's (or the default), capped by
 * ours, at least 64 bytes when our link allows (as tk_tcp_syn_options). */
static uint32_t send_mss(const tk_stack *s, const tk_tcb *lp, const tk_syn_entry *e) {
    uint32_t ours = tk_sockopt_mss(s, lp, e->v6 != 0, e->encap);
    uint32_t mss = (e->flags & TK_SC_PEER_MSS) ? e->peer_mss : s->cfg.default_mss;
    if (mss > ours)
        mss = ours;
    uint32_t floor = ours < 64u ? ours : 64u;
    return mss < floor ? floor : mss;
}

void tk_syncache_fill(tk_stack *s, const tk_tcb *lp, const tk_seg *sg, tk_syn_entry *e) {
    const tk_tcp_opts *o =
        (tk_cold(lp)->opts.flags & TK_SOF_NOOPT) ? &tk_tcp_opts_none : &sg->h.opts;
    memset(e, 0, sizeof(*e));
    e->laddr = sg->dst;
    e->raddr = sg->src;
    e->lport = sg->h.dport;
    e->rport = sg->h.sport;
    e->irs = sg->h.seq;
    e->listener = lp->index;
    e->encap = sg->encap;
    e->v6 = tk_seg_r6(sg) != NULL;
    e->peer_win = sg->h.win;
    if (o->present & TK_OPT_MSS) {
        e->flags |= TK_SC_PEER_MSS;
        e->peer_mss = o->mss;
    }
    if (o->present & TK_OPT_WSCALE) {
        e->flags |= TK_SC_PEER_WS;
        e->peer_wscale = o->wscale > TK_TCP_MAX_WSCALE ? TK_TCP_MAX_WSCALE : o->wscale;
    }
    if (o->present & TK_OPT_SACK_PERM)
        e->flags |= TK_SC_PEER_SACK;
    if (o->present & TK_OPT_TS) {
        e->flags |= TK_SC_PEER_TS;
        e->ts_recent = o->ts_val;
    }
    if (tk_ecn_syn_accept(s, sg->h.flags))
        e->flags |= TK_SC_ECN;
    /* RFC 7413 4.2.2: a request, or a cookie we did not take, is answered
     * with a (fresh) cookie. */
    if ((o->present & TK_OPT_FASTOPEN) && tk_fastopen_listener_on(s, lp))
        e->flags |= TK_SC_FO_COOKIE;
    tk_syncache_window(s, lp, e);
}

void tk_syncache_window(const tk_stack *s, const tk_tcb *lp, tk_syn_entry *e) {
    bool ws = s->cfg.opt_wscale && (e->flags & TK_SC_PEER_WS);
    e->rcv_shift = ws ? tk_tcp_wscale_for(tk_cold(lp)->opts.rcv_cap, s->cfg.wscale_min) : 0;
    /* The receive buffer a socket would round to whole segments (input.c). */
    uint32_t seg = send_mss(s, lp, e);
    if (s->cfg.opt_timestamps && (e->flags & TK_SC_PEER_TS))
        seg -= 12u;
    if (tk_cold(lp)->opts.md5sig && seg > 20u)
        seg -= 20u;
    uint32_t cap = tk_tcp_rcvbuf_rounded(s, tk_cold(lp)->opts.rcv_cap, seg);
    /* No more than the buffer pool could back now: the socket reserves it
     * when the handshake completes (syncache_input.c). */
    uint64_t pool = tk_chunk_pool_reservable(&s->chunks);
    if (pool < cap)
        cap = (uint32_t)pool;
    e->rcv_win = (uint16_t)(cap < 65535u ? cap : 65535u);
}

static void synack_options(const tk_stack *s, const tk_tcb *lp, const tk_syn_entry *e,
                           uint32_t tsval, tk_tcp_opts *o) {
    memset(o, 0, sizeof(*o));
    if (tk_cold(lp)->opts.md5sig && !e->v6)
        o->present |= TK_OPT_MD5; /* RFC 2385 2.0; TCP_NOOPT keeps it (IPv4 keys only) */
    if (tk_cold(lp)->opts.flags & TK_SOF_NOOPT)
        return;
    o->present |= TK_OPT_MSS;
    o->mss = tk_sockopt_mss(s, lp, e->v6 != 0, e->encap);
    if (s->cfg.opt_wscale && (e->flags & TK_SC_PEER_WS)) {
        o->present |= TK_OPT_WSCALE;
        o->wscale = e->rcv_shift;
    }
    if (s->cfg.opt_sack && (e->flags & TK_SC_PEER_SACK))
        o->present |= TK_OPT_SACK_PERM;
    if (s->cfg.opt_timestamps && (e->flags & TK_SC_PEER_TS)) {
        o->present |= TK_OPT_TS;
        o->ts_val = tsval;
        o->ts_ecr = e->ts_recent;
    }
    if (e->flags & TK_SC_FO_COOKIE) {
        o->present |= TK_OPT_FASTOPEN;
        o->fo_len = TK_FASTOPEN_COOKIE_LEN;
        tk_fastopen_cookie(s, e->raddr, s->now, o->fo_cookie);
    }
}

void tk_syncache_send_synack(tk_stack *s, const tk_tcb *lp, const tk_syn_entry *e,
                             const tk_a6pair *a6, uint32_t tsval, bool rexmit, tk_time now) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = e->lport;
    h.dport = e->rport;
    h.seq = e->iss;
    h.ack = e->irs + 1u;
    h.flags = TK_TCP_SYN | TK_TCP_ACK | ((e->flags & TK_SC_ECN) ? TK_TCP_ECE : 0);
    h.win = e->rcv_win;
    synack_options(s, lp, e, tsval, &h.opts);
    tk_net_hdr_opts o = {tk_cold(lp)->opts.ip_ttl, tk_cold(lp)->opts.ip_tos};
    if (e->flags & TK_SC_ECN) /* TCP owns the ECN field; a SYN-ACK is Not-ECT */
        o.tos = (uint8_t)(o.tos & ~TK_IP_ECN_MASK);
    int rc = TK_WITH_IPV6 && a6 != NULL
                 ? tk_tcp_send_hdr6(s, &h, a6->l, a6->r, e->encap, &o, now)
                 : tk_tcp_send_hdr(s, &h, e->laddr, e->raddr, e->encap, &o, now);
    if (rc >= 0 && rexmit)
        s->stats.retransmits++;
}
