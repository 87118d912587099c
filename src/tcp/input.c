/* TCP input: validation, demultiplexing, and the unsynchronized states
 * (no connection, LISTEN, SYN_SENT) of RFC 9293 3.10.7.1-3.10.7.3. Each
 * drop has one exit that counts it by name. */
#include <errno.h>
#include <string.h>

#include "base/seq.h"
#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcp/syncache.h"
#include "tcp/timewait.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"

static uint16_t our_mss(const tk_stack *s, const tk_tcb *tp) {
    return tk_sockopt_mss(s, tp, (tp->flags & TK_TF_V6) != 0, tp->encap_port); /* API-6 */
}

/* The receive buffer becomes a whole number of segments (as BSD's tcp_mss
 * does), using the slack each buffer has, so the window never ends in a
 * sliver. */
uint32_t tk_tcp_rcvbuf_rounded(const tk_stack *s, uint32_t cap, uint32_t seg) {
    if (seg == 0 || cap < seg)
        return cap;
    uint32_t whole = (cap + seg - 1u) / seg * seg;
    return whole > s->cfg.rcvbuf + tk_rcv_slack(&s->cfg) ? cap : whole;
}

static void round_rcvbuf(const tk_stack *s, tk_tcb *tp) {
    if (tk_chunkq_len(&tp->rcvq) > 0)
        return;
    uint32_t cap = tk_tcp_rcvbuf_rounded(s, tk_cold(tp)->opts.rcv_cap, tk_tcp_seg_max(tp));
    if (cap == tk_cold(tp)->opts.rcv_cap)
        return;
    tk_cold(tp)->opts.rcv_cap = cap;
    tk_chunkq_set_cap(&tp->rcvq, cap);
}

void tk_tcp_syn_options(tk_stack *s, tk_tcb *tp, const tk_tcp_opts *o) {
    if (tk_cold(tp)->opts.flags & TK_SOF_NOOPT)
        o = &tk_tcp_opts_none; /* TCP_NOOPT: as if the peer had sent no options */
    uint32_t mss = (o->present & TK_OPT_MSS) ? o->mss : s->cfg.default_mss;
    if (mss > our_mss(s, tp))
        mss = our_mss(s, tp);
    /* A floor against tiny segments, never above what our link carries. */
    uint32_t floor = our_mss(s, tp) < 64u ? our_mss(s, tp) : 64u;
    if (mss < floor)
        mss = floor;
    tp->mss = (uint16_t)mss;
    if (o->present & TK_OPT_WSCALE)
        tp->flags |= TK_TF_PEER_WS;
    if (o->present & TK_OPT_SACK_PERM)
        tp->flags |= TK_TF_PEER_SACK;
    if (o->present & TK_OPT_TS)
        tp->flags |= TK_TF_PEER_TS;
    /* OP-2: scaling only when both SYNs carry the option; at most 14. */
    if (s->cfg.opt_wscale && (o->present & TK_OPT_WSCALE)) {
        tp->flags |= TK_TF_WS;
        tp->snd_shift = o->wscale > TK_TCP_MAX_WSCALE ? TK_TCP_MAX_WSCALE : o->wscale;
    } else {
        tp->snd_shift = 0;
        tp->rcv_shift = 0;
    }
    if (s->cfg.opt_sack && (o->present & TK_OPT_SACK_PERM))
        tp->flags |= TK_TF_SACK;
    if (s->cfg.opt_timestamps && (o->present & TK_OPT_TS)) {
        tp->flags |= TK_TF_TS;
        tp->ts_recent = o->ts_val;
        tk_cold(tp)->ts_recent_age = s->now;
    }
    round_rcvbuf(s, tp);
}

/* DT-13: the socket's controller (TCP_CONGESTION, else the stack's). */
static void cc_start(const tk_stack *s, tk_tcb *tp) {
    const tk_cc_ops *ops = tk_cc_ops_at(tk_cold(tp)->opts.cc_algo);
    if (ops == NULL)
        ops = &tk_cc_newreno;
    ops->init(&tp->cc, tk_tcp_seg_max(tp), tp->snd_una, s->cfg.initial_window);
}

void tk_tcp_accept_enqueue(tk_stack *s, tk_tcb *tp) {
    tk_tcb *lp = tk_tcb_at(s, tk_cold(tp)->parent);
    if (lp == NULL || lp->state != TK_TCP_LISTEN)
        return;
    tk_cold(tp)->list_next = TK_NIL;
    if (tk_cold(lp)->acq_tail != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(lp)->acq_tail))->list_next = tp->index;
    else
        tk_cold(lp)->acq_head = tp->index;
    tk_cold(lp)->acq_tail = tp->index;
    tk_cold(lp)->acq_len++;
    tp->flags |= TK_TF_IN_ACCEPTQ;
}

/* RTT sample of the SYN (Karn: only when it was not retransmitted). */
static void syn_rtt_sample(tk_tcb *tp, const tk_seg *sg, tk_time now) {
    if ((tp->flags & TK_TF_TS) && sg->h.opts.ts_ecr != 0 && (sg->h.opts.present & TK_OPT_TS)) {
        uint32_t ms = tk_tcp_ts_now(now) - sg->h.opts.ts_ecr;
        tk_rtt_sample(&tk_cold(tp)->rtt, (tk_time)ms * 1000u);
    } else if (tp->flags & TK_TF_RTT_TIMING) {
        tk_rtt_sample(&tk_cold(tp)->rtt, now - tp->rtt_start);
    }
    tp->flags &= ~TK_TF_RTT_TIMING;
}

/* RFC 9293 3.10.7.2/3.10.7.3: text on a SYN is queued for processing once
 * ESTABLISHED is reached. It waits past the receive ring's committed end,
 * not acknowledged by our SYN-ACK. */
static void hold_syn_data(tk_stack *s, tk_tcb *tp, const tk_seg *sg) {
    if (sg->len > 0)
        tk_cold(tp)->syn_data = tk_chunkq_write_at(&s->chunks, &tp->rcvq, 0, sg->data, sg->len);
}

void tk_tcp_established(tk_stack *s, tk_tcb *tp, const tk_seg *sg, const char *cause, tk_time now) {
    if (tk_cold(tp)->syn_data > 0) {
        tk_chunkq_commit(&s->chunks, &tp->rcvq, tk_cold(tp)->syn_data);
        tp->rcv_nxt += tk_cold(tp)->syn_data;
        tk_cold(tp)->syn_data = 0;
        s->stats.delayed_acks++; /* acknowledged like any in-order data (DT-5) */
        tk_tcb_timer_set(s, tp, TK_TIMER_DELACK, now + s->cfg.delack);
    }
    syn_rtt_sample(tp, sg, now);
    tk_tcb_set_state(s, tp, TK_TCP_ESTABLISHED, cause);
    if (tp->flags & TK_TF_FIN_QUEUED) /* closed in SYN_RCVD (a Fast Open child, RFC 9293 3.10.4) */
        tk_tcb_set_state(s, tp, TK_TCP_FIN_WAIT_1, "close() before ESTABLISHED");
    tp->flags |= TK_TF_CONNECTED;
    s->stats.established++;
#if TK_WITH_ECN
    if (tp->ecn & TK_ECN_ON)
        s->stats.ecn_connections++;
#endif
    tp->rexmt_count = 0;
    tk_cold(tp)->soft_error = 0;
    tk_cold(tp)->max_snd_wnd = tp->snd_wnd;
    tk_tcb_timer_stop(s, tp, TK_TIMER_RETRANSMIT);
    cc_start(s, tp);
    if (tk_tcb_keepalive_on(s, tp))
        tk_tcb_timer_set(s, tp, TK_TIMER_KEEPALIVE, now + TK_MS(tk_cold(tp)->opts.keep_idle_ms));
    if (tp->flags & TK_TF_FO_CHILD)
        tk_fastopen_child_done(s, tp); /* accept() could take it since its SYN */
    else if (tp->flags & TK_TF_PASSIVE)
        tk_tcp_accept_enqueue(s, tp);
}

/* LISTEN (RFC 9293 3.10.7.2). A SYN makes a syncache entry, not a socket
 * (SEC-2); when the syncache or the socket pool is nearly full, a SYN cookie
 * answers instead. A segment for a half-open connection goes to its entry. */
void tk_tcp_input_listen(tk_stack *s, tk_tcb *lp, tk_seg *sg, tk_time now) {
    uint8_t fl = sg->h.flags;
    tk_syn_entry *e = tk_syncache_lookup(s, sg->dst, sg->h.dport, sg->src, sg->h.sport,
                                         tk_seg_l6(sg), tk_seg_r6(sg));
    if (e != NULL) {
        tk_syncache_input(s, lp, e, sg, now);
        return;
    }
    if (fl & TK_TCP_RST) {
        TK_DROP(s, drop_listen_rst, now);
        return;
    }
    if (fl & TK_TCP_ACK) {
        tk_tcb *tp;
        int rc = tk_syncookie_accept(s, lp, sg, now, &tp);
        if (rc > 0)
            tk_tcp_input_sync(s, tp, sg, now); /* its data or FIN, if any */
        if (rc >= 0)
            return;
        /* RS-8: an ACK in LISTEN is unacceptable: <SEQ=SEG.ACK><CTL=RST>. */
        tk_tcp_reset_reply(s, sg, tk_cold(lp)->opts.ip_ttl, tk_cold(lp)->opts.ip_tos, now);
        TK_DROP(s, drop_listen_ack, now);
        return;
    }
    if (!(fl & TK_TCP_SYN)) {
        TK_DROP(s, drop_listen_no_syn, now);
        return;
    }
    if (tk_cold(lp)->acq_len >= tk_cold(lp)->backlog) {
        TK_DROP(s, drop_listen_overflow, now); /* CM-14 */
        return;
    }
    /* SEC-13: per IPv4 address, per IPv6 /64 (one host's prefix). */
    uint32_t source = tk_seg_r6(sg) != NULL ? tk_addr6_fold64(s, tk_seg_r6(sg)) : sg->src;
    if (!tk_synrate_allow(s, source, now)) {
        tk_tcp_reset_reply(s, sg, tk_cold(lp)->opts.ip_ttl, tk_cold(lp)->opts.ip_tos,
                           now); /* SEC-13: refused at once */
        TK_DROP(s, drop_syn_rate_limited, now);
        return;
    }
    if ((sg->h.opts.present & TK_OPT_FASTOPEN) && tk_fastopen_syn(s, lp, sg, now))
        return; /* OP-8: the data is taken, the child exists */
    if (!tk_syncache_overflow(s) && tk_syncache_add(s, lp, sg, now)) {
        if (sg->len > 0) /* not acknowledged: the peer sends it again (as BSD, Linux) */
            s->stats.syn_data_discarded++;
        return;
    }
    if (TK_WITH_SYNCOOKIE && s->cfg.syn_cookies) {
        tk_syncookie_send(s, lp, sg, now); /* SEC-2: no state kept */
        return;
    }
    TK_DROP(s, drop_syn_backlog_full, now);
}

void tk_tcp_input_syn_sent(tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now) {
    uint8_t fl = sg->h.flags;
    bool ack_ok = false;
    if (fl & TK_TCP_ACK) {
        if (tk_seq_leq(sg->h.ack, tk_cold(tp)->iss) || tk_seq_gt(sg->h.ack, tp->snd_max)) {
            /* RS-7, RS-8: <SEQ=SEG.ACK><CTL=RST>, unless it is a RST. */
            tk_tcp_reset_reply(s, sg, tk_cold(tp)->opts.ip_ttl, tk_cold(tp)->opts.ip_tos, now);
            TK_DROP(s, drop_syn_sent_bad_ack, now);
            return;
        }
        ack_ok = true;
    }
    if (fl & TK_TCP_RST) {
        if (!ack_ok) {
            TK_DROP(s, drop_rst_out_of_window, now);
            return;
        }
        s->stats.rsts_rcvd++;
        s->stats.attempt_fails++;
        tk_tcb_drop(s, tp, -ECONNREFUSED, "rcv RST");
        return;
    }
    if (!(fl & TK_TCP_SYN)) {
        TK_DROP(s, drop_syn_sent_no_syn, now);
        return;
    }
    tk_cold(tp)->irs = sg->h.seq;
    tp->rcv_nxt = sg->h.seq + 1;
    tp->rcv_adv = tp->rcv_nxt;
    tp->last_rcv = now;
    tk_tcp_syn_options(s, tp, &sg->h.opts);
    tk_ecn_syn_in(s, tp, fl);
    tp->snd_wnd = sg->h.win;
    tp->snd_wl1 = sg->h.seq;
    tp->snd_wl2 = sg->h.ack;
    if (ack_ok && sg->len > 0) /* data on a SYN-ACK is kept (RFC 9293 3.10.7.3) */
        tp->rcv_nxt += tk_chunkq_write(&s->chunks, &tp->rcvq, sg->data, sg->len);
    if (ack_ok) {
        tk_fastopen_synack(s, tp, sg); /* OP-8: cookie, SYN data acknowledged or not */
        tp->snd_una = sg->h.ack;
        tk_tcp_established(s, tp, sg, TK_CAUSE("rcv SYN-ACK"), now);
        tp->flags |= TK_TF_ACKNOW;
    } else {
        /* CM-2 simultaneous open: SYN-ACK with the same ISS. */
        hold_syn_data(s, tp, sg);
        tk_tcb_set_state(s, tp, TK_TCP_SYN_RCVD, "rcv SYN");
        tk_tcb_timer_stop(s, tp, TK_TIMER_RETRANSMIT);
        tp->rexmt_count = 0;
        tp->snd_nxt = tk_cold(tp)->iss;
    }
    tk_tcp_output(s, tp, now);
}

/* RS-1: no connection and no listener. A socket bound to the port but not
 * listening answers with its own IP_TTL and IP_TOS (as FreeBSD does). */
static void input_closed(tk_stack *s, const tk_seg *sg, tk_time now) {
    if (sg->h.flags & TK_TCP_RST) {
        TK_DROP(s, drop_rst_no_socket, now);
        return;
    }
    const tk_tcb *bp = tk_bind_lookup(s, sg->dst, sg->h.dport);
    tk_tcp_reset_reply(s, sg, bp ? tk_cold(bp)->opts.ip_ttl : 0, bp ? tk_cold(bp)->opts.ip_tos : 0,
                       now);
    TK_DROP(s, drop_no_socket, now);
}

/* Returns 0 or the reason the segment is malformed. */
static int parse(tk_stack *s, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                 bool verify_csum, tk_seg *sg, tk_time now) {
    memset(sg, 0, sizeof(*sg));
    int hl = tk_wire_tcp_parse(seg, len, src, dst, verify_csum, &sg->h);
    if (hl == TK_WIRE_TCP_CSUM) {
        TK_DROP(s, drop_tcp_bad_csum, now);
        return hl;
    }
    if (hl <= TK_WIRE_OPT_LEN0 && hl >= TK_WIRE_OPT_BADLEN) {
        TK_DROP(s, drop_tcp_bad_options, now); /* OP-5 */
        return hl;
    }
    if (hl < 0) {
        TK_DROP(s, drop_tcp_bad_header, now);
        return hl;
    }
    uint8_t fl = sg->h.flags;
    if ((fl & TK_TCP_SYN) && (fl & TK_TCP_RST)) {
        TK_DROP(s, drop_tcp_bad_flags, now);
        return -EINVAL;
    }
    sg->src = src;
    sg->dst = dst;
    sg->data = seg + hl;
    sg->len = (uint32_t)(len - (size_t)hl);
    return 0;
}

#if TK_WITH_IPV6
/* NET-4: the checksum over RFC 8200 8.1's pseudo-header (as the (src, dst)
 * pair parse() takes, tcp/addr6.h); then the addresses' folds stand where
 * IPv4 addresses stand, with the addresses themselves beside them. */
int tk_tcp_input6(tk_stack *s, const uint8_t src[16], const uint8_t dst[16], const uint8_t *seg,
                  size_t len, const tk_tcp_arrival *via, tk_time now) {
    uint32_t ps, pd;
    tk_addr6_pseudo(src, dst, &ps, &pd);
    tk_seg sg;
    int rc = parse(s, ps, pd, seg, len, via->verify_csum, &sg, now);
    if (rc < 0)
        return rc;
    sg.src = tk_addr6_fold(s, src);
    sg.dst = tk_addr6_fold(s, dst);
    if (sg.src == 0) { /* from ::, which nothing can answer (RFC 4291 2.5.2) */
        TK_DROP(s, drop_tcp_bad_header, now);
        return -EINVAL;
    }
    sg.src6 = src;
    sg.dst6 = dst;
    sg.ecn = via->ecn & TK_IP_ECN_MASK;
    sg.encap = via->encap;
    tk_tcp_dispatch(s, &sg, now);
    return 0;
}
#endif

int tk_tcp_input(tk_stack *s, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                 tk_time now) {
    tk_tcp_arrival via = {.ecn = TK_IP_ECN_NOT_ECT, .encap = 0, .verify_csum = true};
    return tk_tcp_input_from(s, src, dst, seg, len, &via, now);
}

int tk_tcp_input_from(tk_stack *s, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                      const tk_tcp_arrival *via, tk_time now) {
    tk_seg sg;
    int rc = parse(s, src, dst, seg, len, via->verify_csum, &sg, now);
    if (rc < 0)
        return rc;
    sg.ecn = via->ecn & TK_IP_ECN_MASK;
    sg.encap = via->encap;
    tk_tcp_dispatch(s, &sg, now);
    return 0;
}

void tk_tcp_dispatch(tk_stack *s, tk_seg *sg, tk_time now) {
    uint32_t src = sg->src;
    uint32_t dst = sg->dst;
    s->stats.segs_in++;
    /* SYN+FIN opens nothing (cfg.drop_synfin, FreeBSD's drop_synfin):
     * dropped in LISTEN and SYN_SENT; a closed port still answers it with a
     * RST (RS-1). */
    bool synfin = s->cfg.drop_synfin &&
                  (sg->h.flags & (TK_TCP_SYN | TK_TCP_FIN)) == (TK_TCP_SYN | TK_TCP_FIN);
    tk_tcb *tp =
        tk_demux_lookup_hint(s, dst, sg->h.dport, src, sg->h.sport, tk_seg_l6(sg), tk_seg_r6(sg));
    if (tp != NULL && tp->encap_port != sg->encap) {
        /* Plain for an encapsulated connection, in UDP for a plain one, or
         * from another UDP port: not this connection's (FreeBSD drops it
         * with a RST, which leaves the connection as it was). */
        tk_tcp_reset_reply(s, sg, tk_cold(tp)->opts.ip_ttl, tk_cold(tp)->opts.ip_tos, now);
        TK_DROP(s, drop_encap_mismatch, now);
        return;
    }
    if (tp != NULL) {
        if (!tk_md5_accept(s, sg, tk_cold(tp)->opts.md5sig ? TK_MD5_REQUIRE : TK_MD5_REFUSE, now))
            return;
        if (synfin && tp->state == TK_TCP_SYN_SENT) {
            TK_DROP(s, drop_tcp_bad_flags, now);
            return;
        }
        if (tp->state == TK_TCP_SYN_SENT)
            tk_tcp_input_syn_sent(s, tp, sg, now);
        else
            tk_tcp_input_sync(s, tp, sg, now);
        return;
    }
    tk_tw *tw = tk_seg_l6(sg) != NULL
                    ? tk_tw_lookup6(s, tk_seg_l6(sg), sg->h.dport, src, sg->h.sport)
                    : tk_tw_lookup(s, dst, sg->h.dport, src, sg->h.sport);
    if (tw != NULL) {
        if (!tk_md5_accept(s, sg, (tw->flags & TK_TW_MD5) ? TK_MD5_REQUIRE : TK_MD5_REFUSE, now))
            return;
        uint32_t floor;
        if (!tk_tw_input(s, tw, sg, &floor, now))
            return;
        s->iss_floor_set = true;
        s->iss_floor = floor;
    }
    tk_tcb *lp = tk_listen_lookup(s, dst, sg->h.dport, tk_seg_l6(sg));
    if (lp != NULL && synfin) {
        s->iss_floor_set = false;
        TK_DROP(s, drop_tcp_bad_flags, now);
        return;
    }
    if (lp != NULL) {
        /* Before a SYN_RCVD entry or a SYN cookie is made (RFC 2385 2.0). */
        if (tk_md5_accept(s, sg, tk_cold(lp)->opts.md5sig ? TK_MD5_REQUIRE : TK_MD5_REFUSE, now))
            tk_tcp_input_listen(s, lp, sg, now);
        s->iss_floor_set = false;
        return;
    }
    s->iss_floor_set = false;
    if (tk_md5_accept(s, sg, TK_MD5_ANSWER, now))
        input_closed(s, sg, now);
}
