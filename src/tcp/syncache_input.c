/* Segments for a half-open connection in the syncache (RFC 9293 3.10.7.4
 * in SYN_RCVD, RFC 5961): a valid ACK takes a socket and completes the
 * handshake through the ordinary SYN_RCVD path; everything else is answered
 * from the entry, so no socket is spent on what may be a spoofed SYN. */
#include <string.h>

#include "base/seq.h"
#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcp/syncache.h"

/* An ACK in reply to an invalid segment, at most one per
 * cfg.invalid_ack_ratelimit per entry (SEC-8). */
static void entry_ack(tk_stack *s, const tk_tcb *lp, tk_syn_entry *e, tk_time now) {
    tk_time gap = s->cfg.invalid_ack_ratelimit;
    if (gap > 0 && (e->flags & TK_SC_ACKED) && now - e->last_ack < gap) {
        s->stats.invalid_acks_limited++;
        return;
    }
    e->flags |= TK_SC_ACKED;
    e->last_ack = now;
    bool ts = s->cfg.opt_timestamps && (e->flags & TK_SC_PEER_TS) &&
              !(tk_cold(lp)->opts.flags & TK_SOF_NOOPT);
    const tk_a6pair *a6 = tk_syncache_a6(s, e);
    tk_ctl c = {.laddr = e->laddr,
                .raddr = e->raddr,
                .lport = e->lport,
                .rport = e->rport,
                .seq = e->iss + 1u,
                .ack = e->irs + 1u,
                .flags = TK_TCP_ACK,
                .win = e->rcv_win,
                .ts = ts,
                .ts_ecr = e->ts_recent,
                .mss = 0,
                .encap = e->encap,
                .ttl = tk_cold(lp)->opts.ip_ttl,
                .tos = tk_cold(lp)->opts.ip_tos,
                .l6 = a6 ? a6->l : NULL,
                .r6 = a6 ? a6->r : NULL};
    tk_tcp_send_ctl(s, &c, now);
}

/* RFC 9293 3.10.7.4 first check, against the window the SYN-ACK offered. */
static bool acceptable(const tk_syn_entry *e, const tk_seg *sg) {
    uint32_t len = sg->len + ((sg->h.flags & TK_TCP_FIN) ? 1u : 0u);
    return tk_tcp_seq_acceptable(sg->h.seq, len, e->irs + 1u, e->rcv_win);
}

/* The peer's options as its SYN carried them (for tk_tcp_syn_options). */
static tk_tcp_opts syn_opts(const tk_syn_entry *e) {
    tk_tcp_opts o;
    memset(&o, 0, sizeof(o));
    if (e->flags & TK_SC_PEER_MSS) {
        o.present |= TK_OPT_MSS;
        o.mss = e->peer_mss;
    }
    if (e->flags & TK_SC_PEER_WS) {
        o.present |= TK_OPT_WSCALE;
        o.wscale = e->peer_wscale;
    }
    if (e->flags & TK_SC_PEER_SACK)
        o.present |= TK_OPT_SACK_PERM;
    if (e->flags & TK_SC_PEER_TS) {
        o.present |= TK_OPT_TS;
        o.ts_val = e->ts_recent;
    }
    return o;
}

/* A socket in SYN_RCVD with everything the entry knows, as if it had been
 * there since the SYN; NULL when the pool is empty. */
tk_tcb *tk_syncache_expand(tk_stack *s, tk_tcb *lp, const tk_syn_entry *e, const tk_a6pair *a6,
                           tk_time now) {
    tk_tcb *tp = tk_tcb_alloc(s);
    if (tp == NULL)
        return NULL;
#if TK_WITH_IPV6
    if (a6 != NULL) {
        *tk_tcb_a6(s, tp) = *a6;
        tk_tcb_a6(s, tp)->flow = 0;
        tp->flags |= TK_TF_V6;
    }
#else
    (void)a6;
#endif
    tp->laddr = e->laddr;
    tp->lport = e->lport;
    tp->raddr = e->raddr;
    tp->rport = e->rport;
    tk_cold(tp)->parent = lp->index;
    tp->flags |= TK_TF_PASSIVE;
    tp->encap_port = e->encap;
    tk_sockopts_inherit(&tk_cold(tp)->opts, &tk_cold(lp)->opts); /* API-1: the one place */
    tk_tcb_init_conn(s, tp, e->born);
    tp->ecn = (e->flags & TK_SC_ECN) ? TK_ECN_ON : 0;
    tk_cold(tp)->irs = e->irs;
    tp->rcv_nxt = tp->last_ack_sent = e->irs + 1u;
    tp->rcv_adv = tp->rcv_nxt + e->rcv_win;
    tk_chunkq_back(&s->chunks, &tp->rcvq, e->rcv_win); /* the SYN-ACK's offer */
    tp->rcv_shift = tk_tcp_wscale_for(tk_cold(tp)->opts.rcv_cap, s->cfg.wscale_min);
    tk_tcp_opts o = syn_opts(e);
    tk_tcp_syn_options(s, tp, &o);
    tk_cold(tp)->iss = tp->snd_una = e->iss;
    tp->snd_nxt = tp->snd_max = e->iss + 1u;
    tp->snd_wnd = e->peer_win; /* a SYN's window is never scaled */
    tp->snd_wl1 = e->irs;
    tp->snd_wl2 = e->iss;
    tp->rexmt_count = e->rexmits;
    if (e->rexmits == 0) { /* Karn: only an unrepeated SYN-ACK is timed */
        tp->rtt_seq = e->iss;
        tp->rtt_start = e->born;
        tp->flags |= TK_TF_RTT_TIMING;
    }
    tk_demux_insert(s, tp);
    tk_tcb_adopt_state(s, tp, TK_TCP_SYN_RCVD);
    tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT, e->deadline > now ? e->deadline : now);
    return tp;
}

void tk_syncache_two_way(tk_stack *s, tk_tcb *lp, tk_syn_entry *e, const tk_seg *sg, tk_time now) {
    if (tk_cold(lp)->acq_len >= tk_cold(lp)->backlog)
        return;
    tk_tcb *tp = tk_syncache_expand(s, lp, e, tk_syncache_a6(s, e), now);
    if (tp == NULL)
        return;
    tk_syncache_remove(s, e, NULL);
    tp->snd_una = tk_cold(tp)->iss + 1u; /* as if the SYN-ACK had been acknowledged */
    tp->flags &= ~TK_TF_RTT_TIMING;
    tk_tcp_established(s, tp, sg, TK_CAUSE("snd SYN-ACK (two-way handshake, what-if)"), now);
}

/* An ACK of our SYN that is acceptable: the handshake completes when the
 * accept queue has room and a socket is free; otherwise the entry stays
 * and the peer's retransmission tries again (as Linux). */
static void complete(tk_stack *s, tk_tcb *lp, tk_syn_entry *e, tk_seg *sg, tk_time now) {
    if (tk_cold(lp)->acq_len >= tk_cold(lp)->backlog) {
        TK_DROP(s, drop_listen_overflow, now); /* CM-14 */
        return;
    }
    tk_tcb *tp = tk_syncache_expand(s, lp, e, tk_syncache_a6(s, e), now);
    if (tp == NULL) {
        TK_DROP(s, drop_no_memory, now);
        return;
    }
    tk_syncache_remove(s, e, NULL);
    tk_tcp_input_sync(s, tp, sg, now);
}

static void input_rst(tk_stack *s, const tk_tcb *lp, tk_syn_entry *e, const tk_seg *sg,
                      tk_time now) {
    if (!acceptable(e, sg)) {
        TK_DROP(s, drop_rst_out_of_window, now);
    } else if (sg->h.seq != e->irs + 1u && !s->cfg.insecure_rst) {
        entry_ack(s, lp, e, now); /* RFC 5961 3.2 challenge ACK */
        TK_DROP(s, drop_rst_challenged, now);
    } else {
        s->stats.rsts_rcvd++;
        tk_syncache_remove(s, e, TK_CAUSE("rcv RST")); /* back to LISTEN (RFC 9293 3.10.7.4) */
    }
}

/* The peer's SYN again: a retransmission (same ISN, no ACK) gets the
 * SYN-ACK again; a plain one ends ECN (RFC 3168 6.1.1). Anything else is
 * challenged (RFC 5961 4.2). */
static void input_syn(tk_stack *s, const tk_tcb *lp, tk_syn_entry *e, const tk_seg *sg,
                      tk_time now) {
    if (sg->h.seq == e->irs && !(sg->h.flags & TK_TCP_ACK)) {
        if (!tk_ecn_syn_accept(s, sg->h.flags))
            e->flags &= (uint8_t)~TK_SC_ECN;
        tk_syncache_send_synack(s, lp, e, tk_syncache_a6(s, e), tk_tcp_ts_now(now), true, now);
        return;
    }
    entry_ack(s, lp, e, now);
    TK_DROP(s, drop_syn_challenged, now);
}

void tk_syncache_input(tk_stack *s, tk_tcb *lp, tk_syn_entry *e, tk_seg *sg, tk_time now) {
    uint8_t fl = sg->h.flags;
    if (fl & TK_TCP_RST) {
        input_rst(s, lp, e, sg, now);
        return;
    }
    if (fl & TK_TCP_SYN) {
        input_syn(s, lp, e, sg, now);
        return;
    }
    if (!acceptable(e, sg)) {
        entry_ack(s, lp, e, now); /* its ACK field is not looked at (SEC-9) */
        if (tk_seq_leq(sg->h.seq + sg->len, e->irs + 1u))
            TK_DROP(s, drop_old_segment, now);
        else
            TK_DROP(s, drop_out_of_window, now);
        return;
    }
    if (!(fl & TK_TCP_ACK)) {
        TK_DROP(s, drop_no_ack, now);
        return;
    }
    if (sg->h.ack != e->iss + 1u) {
        /* RS-8: <SEQ=SEG.ACK><CTL=RST>; the entry stays. */
        tk_tcp_reset_reply(s, sg, tk_cold(lp)->opts.ip_ttl, tk_cold(lp)->opts.ip_tos, now);
        TK_DROP(s, drop_syn_rcvd_bad_ack, now);
        return;
    }
    complete(s, lp, e, sg, now);
}
