/* Segment output: what to send now (data within the peer's window and the
 * congestion window, Nagle, SWS avoidance, FIN, ACKs and window updates),
 * option building in the fixed order of tk_wire_tcp_opts_emit, RSTs. */
#include <errno.h>
#include <string.h>

#include "base/div.h"
#include "base/seq.h"
#include "tcp/dsack.h"
#include "tcp/pace.h"
#include "tcp/rack.h"
#include "tcp/state.h"

uint32_t tk_tcp_ts_now(tk_time now) {
    return (uint32_t)tk_time_ms(now);
}

static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

static uint16_t our_mss(const tk_stack *s, const tk_tcb *tp) {
    return tk_sockopt_mss(s, tp, (tp->flags & TK_TF_V6) != 0, tp->encap_port); /* API-6 */
}

static void syn_options(const tk_stack *s, const tk_tcb *tp, tk_tcp_opts *o, tk_time now) {
    if (tk_cold(tp)->opts.flags & TK_SOF_NOOPT)
        return;
    bool passive = tp->state == TK_TCP_SYN_RCVD;
    o->present |= TK_OPT_MSS;
    o->mss = our_mss(s, tp);
    if (s->cfg.opt_wscale && (!passive || (tp->flags & TK_TF_PEER_WS))) {
        o->present |= TK_OPT_WSCALE;
        o->wscale = tp->rcv_shift;
    }
    if (s->cfg.opt_sack && (!passive || (tp->flags & TK_TF_PEER_SACK)))
        o->present |= TK_OPT_SACK_PERM;
    if (s->cfg.opt_timestamps && (!passive || (tp->flags & TK_TF_PEER_TS))) {
        o->present |= TK_OPT_TS;
        o->ts_val = tk_tcp_ts_now(now);
        o->ts_ecr = passive ? tp->ts_recent : 0;
    }
    if (!passive && (tp->flags & TK_TF_FO_ACTIVE))
        tk_fastopen_syn_opts(s, tp, o); /* OP-8 */
}

/* SACK blocks that fit beside the other options: 4 alone, 3 with
 * timestamps, 2 with an MD5 signature, none with both (RFC 2385 4.3). */
static uint32_t sack_room(const tk_tcp_opts *o) {
    uint32_t used = (uint32_t)tk_wire_tcp_opts_size(o);
    uint32_t room = used + 4u < TK_TCP_MAX_OPTLEN ? (TK_TCP_MAX_OPTLEN - used - 4u) / 8u : 0u;
    return room < TK_TCP_MAX_SACK ? room : TK_TCP_MAX_SACK;
}

static void build_options(const tk_stack *s, const tk_tcb *tp, bool syn, tk_tcp_opts *o,
                          tk_time now) {
    memset(o, 0, sizeof(*o));
    /* RFC 2385 2.0: every segment of a signing connection carries the
     * signature (the digest is filled in by tk_md5_sign). TCP_NOOPT does
     * not remove it. */
    if (tk_cold(tp)->opts.md5sig)
        o->present |= TK_OPT_MD5;
    if (syn) {
        syn_options(s, tp, o, now);
        return;
    }
    if (tp->flags & TK_TF_TS) {
        o->present |= TK_OPT_TS;
        o->ts_val = tk_tcp_ts_now(now);
        o->ts_ecr = tp->ts_recent;
    }
    bool dsack = tk_cold(tp)->dsack_len != 0;
    if ((tp->flags & TK_TF_SACK) && (dsack || tk_tcb_ooo_ranges(tp) > 0) && sack_room(o) > 0) {
        o->sack_count = (uint8_t)tk_dsack_blocks(tp, o->sack, sack_room(o)); /* OP-3, OP-7 */
        if (o->sack_count > 0)
            o->present |= TK_OPT_SACK;
    }
}

/* Payload bytes per segment: the send MSS less the options every segment
 * carries (RFC 6691). */
/* The same, less the SACK blocks the next segment will carry. */
uint32_t tk_tcp_seg_max_now(const tk_stack *s, const tk_tcb *tp, tk_time now) {
    /* Without SACK blocks to report the options are what tk_tcp_seg_max
     * counts (timestamps, MD5): no need to build them per segment. */
    if (!(tp->flags & TK_TF_SACK) || (tk_cold(tp)->dsack_len == 0 && tk_tcb_ooo_ranges(tp) == 0))
        return tk_tcp_seg_max(tp);
    tk_tcp_opts o;
    build_options(s, tp, false, &o, now);
    uint32_t olen = (uint32_t)tk_wire_tcp_opts_size(&o);
    return tp->mss > olen ? tp->mss - olen : 1u;
}

uint32_t tk_tcp_seg_max(const tk_tcb *tp) {
    uint32_t m = tp->mss;
    if (tp->flags & TK_TF_TS)
        m -= 12u;
    if (tk_cold(tp)->opts.md5sig && m > 20u)
        m -= 20u; /* NOP, NOP, MD5 (RFC 2385) */
    return m;
}

/* Emits one segment with `len` bytes from the send queue at `off`; fresh:
 * they are new data, sent for the first time (ECN: ECT(0) and CWR). */
static int emit_seg(tk_stack *s, tk_tcb *tp, uint8_t flags, uint32_t seq, uint32_t off,
                    uint32_t len, bool fresh, tk_time now) {
    size_t cap;
    uint8_t *buf = tk_tcp_seg_area(s, (tp->flags & TK_TF_V6) != 0, tp->encap_port, &cap);
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = tp->lport;
    h.dport = tp->rport;
    h.seq = seq;
    h.flags = tk_ecn_out_flags(tp, flags, fresh);
    h.ack = (flags & TK_TCP_ACK) ? tp->rcv_nxt : 0;
    bool syn = (flags & TK_TCP_SYN) != 0;
    build_options(s, tp, syn, &h.opts, now);
    uint32_t win = tk_tcp_rcv_window(s, tp);
    if (flags & TK_TCP_RST)
        win = 0;
    uint32_t field = syn ? min_u32(win, 65535u) : win >> tp->rcv_shift;
    h.win = (uint16_t)min_u32(field, 65535u);
    size_t hlen = TK_TCP_HLEN + tk_wire_tcp_opts_size(&h.opts);
    if (hlen + len > cap)
        len = (uint32_t)(cap - hlen);
    if (len > 0)
        tk_chunkq_peek(&s->chunks, &tp->sndq, off, buf + hlen, len);
    int n = tk_tcp_seg_emit(s, tp, &h, buf + hlen, len, buf, cap);
    if (n < 0)
        return n;
    if (tk_cold(tp)->opts.md5sig && !(tp->flags & TK_TF_V6) &&
        tk_md5_sign(s, buf, (size_t)n, tp->laddr, tp->raddr) < 0)
        return -ENOENT; /* never unsigned; like a lost segment */
    s->stats.segs_out++;
    if (flags & TK_TCP_RST)
        s->stats.rsts_sent++;
    if (flags & TK_TCP_ACK) {
        tk_dsack_sent(tp);
        tp->last_ack_sent = tp->rcv_nxt;
        tp->flags &= ~TK_TF_ACKNOW;
        tk_tcb_timer_stop(s, tp, TK_TIMER_DELACK);
        uint32_t edge = tp->rcv_nxt + ((uint32_t)h.win << (syn ? 0 : tp->rcv_shift));
        if (tk_seq_gt(edge, tp->rcv_adv))
            tp->rcv_adv = edge;
    }
    return tk_tcb_ip_output(s, tp, fresh, (size_t)n, now);
}

/* Everything but new data: pure ACKs, control segments, retransmissions
 * and probes go without ECT (RFC 3168 6.1.4-6.1.6). */
static int emit(tk_stack *s, tk_tcb *tp, uint8_t flags, uint32_t seq, uint32_t off, uint32_t len,
                tk_time now) {
    return emit_seg(s, tp, flags, seq, off, len, false, now);
}

static void arm_rexmt(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!tk_tcb_timer_armed(tp, TK_TIMER_RETRANSMIT))
        tk_tcb_timer_set(s, tp, TK_TIMER_RETRANSMIT,
                         now + tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count));
}

static void output_syn(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (tp->snd_nxt != tk_cold(tp)->iss) {
        if (tp->flags & TK_TF_ACKNOW)
            (void)emit(s, tp, TK_TCP_ACK, tp->snd_nxt, 0, 0, now);
        return;
    }
    uint8_t flags = TK_TCP_SYN | tk_ecn_syn_flags(s, tp);
    if (tp->state == TK_TCP_SYN_RCVD)
        flags |= TK_TCP_ACK;
    uint32_t data = 0;
    if (tp->snd_max == tk_cold(tp)->iss) {
        tp->rtt_seq = tk_cold(tp)->iss;
        tp->rtt_start = now;
        tp->flags |= TK_TF_RTT_TIMING;
        if (tp->flags & TK_TF_FO_ACTIVE)
            data = tk_fastopen_syn_data(s, tp); /* OP-8: data in the first SYN */
    } else if (tp->state == TK_TCP_SYN_SENT) {
        s->stats.syn_retransmits++;
        tp->flags &= ~TK_TF_FO_ACTIVE; /* RFC 7413 4.1.3: a plain SYN again */
    } else {
        s->stats.retransmits++;
    }
    (void)emit(s, tp, flags, tk_cold(tp)->iss, 0, data, now);
    tp->snd_nxt = tk_cold(tp)->iss + 1 + data;
    tp->snd_max = tk_cold(tp)->iss + 1 + data;
    arm_rexmt(s, tp, now);
}

/* Decides whether `len` bytes at `off` may go now (Nagle, DT-4; TCP_CORK,
 * API-6: only full segments, the FIN's, and retransmissions). */
static bool data_send_ok(const tk_tcb *tp, uint32_t off, uint32_t len, uint32_t qlen,
                         uint32_t maxseg, bool fin) {
    if (len >= maxseg || (tp->flags & (TK_TF_FORCE | TK_TF_UNCORK)))
        return true;
    if ((tk_cold(tp)->opts.flags & TK_SOF_CORK) && !fin)
        return tk_seq_lt(tp->snd_nxt, tp->snd_max);
    if (off + len == qlen &&
        ((tk_cold(tp)->opts.flags & TK_SOF_NODELAY) || tp->snd_max == tp->snd_una || fin))
        return true;
    if (tk_cold(tp)->max_snd_wnd > 0 && len >= tk_cold(tp)->max_snd_wnd / 2)
        return true;
    return tk_seq_lt(tp->snd_nxt, tp->snd_max);
}

static void send_one(tk_stack *s, tk_tcb *tp, uint32_t off, uint32_t len, uint32_t qlen, bool fin,
                     tk_time now) {
    uint8_t flags = TK_TCP_ACK;
    if (len > 0 && off + len == qlen)
        flags |= TK_TCP_PSH;
    if (fin)
        flags |= TK_TCP_FIN;
    bool new_data = tk_seq_geq(tp->snd_nxt, tp->snd_max);
    if (!new_data && (len > 0 || fin))
        s->stats.retransmits++;
    if (len > 0) {
        /* RFC 5681 4.1: after an idle period longer than the RTO, restart
         * from the restart window instead of bursting the old cwnd. */
        if (new_data && tp->snd_una == tp->snd_max && tp->cc.ops != NULL &&
            now - tk_cold(tp)->last_snd > tk_rtt_rto(&tk_cold(tp)->rtt, 0))
            tp->cc.ops->on_idle(&tp->cc);
        if (new_data)
            tk_cold(tp)->last_snd = now;
        if (new_data && !(tp->flags & (TK_TF_TS | TK_TF_RTT_TIMING))) {
            tp->rtt_seq = tp->snd_nxt;
            tp->rtt_start = now;
            tp->flags |= TK_TF_RTT_TIMING;
        }
        s->stats.data_segs_out++;
        s->stats.bytes_out += len;
    }
    if (fin) {
        tk_cold(tp)->fin_seq = tp->snd_nxt + len;
        tp->flags |= TK_TF_FIN_SENT;
    }
    if (len > 0 || fin) {
        if (TK_WITH_RACK && s->cfg.rack && (tp->flags & TK_TF_SACK) && !tk_rack_active(tp))
            tk_rack_start(s, tp); /* DT-12: the transmit log starts with the data */
        tk_rack_on_send(tp, tp->snd_nxt, len + (fin ? 1u : 0u), now);
    }
    if (len == 0 && !fin) {
        if ((tp->flags & TK_TF_FIN_SENT) && !(tp->flags & TK_TF_FIN_ACKED) &&
            tp->snd_una == tk_cold(tp)->fin_seq && tp->snd_nxt == tp->snd_max) {
            /* Only our FIN is outstanding: the ACK carries it again, as
             * BSD's output does, which repairs a lost FIN early. */
            (void)emit(s, tp, TK_TCP_ACK | TK_TCP_FIN, tk_cold(tp)->fin_seq, 0, 0, now);
            return;
        }
        tk_tcp_send_ack(s, tp, now);
        return;
    }
    (void)emit_seg(s, tp, flags, tp->snd_nxt, off, len, new_data && len > 0, now);
    tp->snd_nxt += len + (fin ? 1u : 0u);
    if (tk_seq_gt(tp->snd_nxt, tp->snd_max))
        tp->snd_max = tp->snd_nxt;
    if (len > 0 || fin)
        arm_rexmt(s, tp, now);
}

static void recovery_rexmit(tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now) {
    tk_tcp_retransmit_range(s, tp, seq, len, now);
    tk_cold(tp)->rexmit_next = seq + len;
    tk_cold(tp)->rxt_mark = tp->snd_max; /* data sent from here on is newer than this repair */
    arm_rexmt(s, tp, now);
}

/* One new segment during recovery, within the peer's window. */
static bool recovery_new_data(tk_stack *s, tk_tcb *tp, uint32_t maxseg, tk_time now) {
    if (tp->snd_nxt != tp->snd_max)
        return false;
    uint32_t qlen = tk_chunkq_len(&tp->sndq);
    uint32_t off = tp->snd_nxt - tp->snd_una;
    uint32_t avail = off < qlen ? qlen - off : 0;
    uint32_t usable = tp->snd_wnd > off ? tp->snd_wnd - off : 0;
    uint32_t len = min_u32(min_u32(avail, usable), maxseg);
    if (len == 0 || (len < maxseg && off + len < qlen))
        return false;
    bool fin =
        (tp->flags & TK_TF_FIN_QUEUED) && !(tp->flags & TK_TF_FIN_ACKED) && off + len == qlen;
    send_one(s, tp, off, len, qlen, fin, now);
    return true;
}

/* RFC 6675 5 (C): during SACK recovery, while cwnd - pipe >= 1 SMSS, send
 * NextSeg(): a lost hole (rule 1), else new data (rule 2), else another
 * hole below the highest SACKed byte (rule 3). cwnd is ssthresh for the
 * whole recovery (RFC 6675 5 step 4.2); NewReno's inflation is unused. */
static void output_recovery(tk_stack *s, tk_tcb *tp, tk_time now) {
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now);
    uint32_t smss = tk_tcp_seg_max(tp);
    /* Data sent after a round of repairs arrived, the repairs did not:
     * start another round from SND.UNA instead of waiting for the timer. */
    if (tk_sack_rexmit_lost(tp, smss)) {
        tk_cold(tp)->rexmit_next = tp->snd_una;
        tk_cold(tp)->rxt_mark = tp->snd_max;
    }
    for (int n = 0; n < 64; n++) {
        if (tk_sack_pipe(tp, smss) + maxseg > tp->cc.ssthresh)
            return;
        uint32_t seq, len;
        if (tk_sack_next_seg(tp, maxseg, true, &seq, &len))
            recovery_rexmit(s, tp, seq, len, now);
        else if (recovery_new_data(s, tp, maxseg, now))
            continue;
        else if (tk_sack_next_seg(tp, maxseg, false, &seq, &len))
            recovery_rexmit(s, tp, seq, len, now);
        else
            return;
    }
}

/* DT-12 / DT-14: fast recovery of a RACK connection. PRR's quota for this
 * ACK goes to the segments RACK marked lost, then to new data. */
static void output_rack_recovery(tk_stack *s, tk_tcb *tp, tk_time now) {
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now);
    for (int n = 0; n < 64 && tp->sack->rack.prr_quota > 0; n++) {
        uint32_t seq, len, before = tp->snd_max;
        if (tk_rack_next_lost(tp, maxseg, &seq, &len))
            len = tk_tcp_resend(s, tp, seq, len, now);
        else if (recovery_new_data(s, tp, maxseg, now))
            len = tp->snd_max - before;
        else
            return;
        if (len == 0)
            return;
        tk_prr_sent(tp, len);
    }
}

/* DT-12 outside fast recovery (after a timeout, RFC 8985 6.3): segments
 * marked lost are resent first, within cwnd less the pipe. */
static void output_rack_lost(tk_stack *s, tk_tcb *tp, tk_time now) {
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now);
    uint32_t cwnd = (tp->ecn & TK_ECN_HOLD) ? 0 : tp->cc.cwnd;
    for (int n = 0; n < 64; n++) {
        uint32_t seq, len;
        if (tk_rack_pipe(tp) + maxseg > cwnd || !tk_rack_next_lost(tp, maxseg, &seq, &len) ||
            tk_tcp_resend(s, tp, seq, len, now) == 0)
            return;
    }
}

/* The congestion window for new data outside SACK recovery; with one or
 * two duplicate ACKs, RFC 3042 limited transmit adds one SMSS each. */
static uint32_t send_cwnd(const tk_tcb *tp, uint32_t maxseg) {
    if (tp->ecn & TK_ECN_HOLD)
        return 0; /* RFC 3168 6.1.2: until the retransmit timer expires */
    uint32_t cwnd = tp->cc.cwnd;
    /* RACK counts SACKed data out of the pipe instead (DT-12). */
    if (tp->cc.ops != NULL && !tp->cc.in_recovery && tp->cc.dupacks > 0 && tp->cc.dupacks < 3 &&
        !tk_rack_active(tp))
        cwnd += tp->cc.dupacks * maxseg;
    return cwnd;
}

static void output_data(tk_stack *s, tk_tcb *tp, tk_time now) {
    bool sack_recovery = tp->cc.in_recovery && tk_sack_recovery(tp);
    bool rack = tk_rack_active(tp);
    if (sack_recovery && rack)
        output_rack_recovery(s, tp, now);
    else if (sack_recovery)
        output_recovery(s, tp, now);
    else if (rack && !tk_rack_frto_wait(tp))
        output_rack_lost(s, tp, now);
    /* The options (and so the payload room) stay the same for this burst. */
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now);
    for (;;) {
        /* Going back after a timeout: skip what the peer holds, and do
         * not count it against cwnd (RFC 6675 5.1). */
        uint32_t gap = UINT32_MAX, held = 0;
        if (tk_sack_count(tp) > 0 && tk_seq_lt(tp->snd_nxt, tp->snd_max)) {
            gap = tk_sack_skip(tp);
            held = tk_sack_bytes_below(tp, tp->snd_nxt);
        }
        uint32_t qlen = tk_chunkq_len(&tp->sndq);
        uint32_t off = tp->snd_nxt - tp->snd_una;
        bool fin_pending = (tp->flags & TK_TF_FIN_QUEUED) && !(tp->flags & TK_TF_FIN_ACKED);
        uint32_t avail = off < qlen ? qlen - off : 0;
        uint32_t cwnd = sack_recovery ? off - held : send_cwnd(tp, maxseg);
        /* RACK counts what is in flight: not SACKed, not marked lost. */
        uint32_t inflight =
            rack && !sack_recovery && tp->snd_nxt == tp->snd_max ? tk_rack_pipe(tp) : off - held;
        uint32_t usable = min_u32(tp->snd_wnd > off ? tp->snd_wnd - off : 0,
                                  cwnd > inflight ? cwnd - inflight : 0);
        uint32_t len = tk_tcp_tso_len(s, tp, maxseg, min_u32(min_u32(avail, usable), gap));
        bool fin = fin_pending && off + len == qlen;
        bool send = len > 0 ? data_send_ok(tp, off, len, qlen, maxseg, fin) : fin;
        bool fresh = len > 0 && tk_seq_geq(tp->snd_nxt, tp->snd_max);
        if (send && fresh && !tk_pace_ready(s, tp, now))
            send = false; /* the pace timer sends it */
        if (!send) {
            if (!(tp->flags & TK_TF_ACKNOW) && !tk_tcp_window_update_due(s, tp))
                break;
            len = 0;
            fin = false;
        }
        send_one(s, tp, off, len, qlen, fin, now);
        if (fresh && len > 0)
            tk_pace_sent(tp, len, now);
        if (len == 0 && !fin)
            break;
    }
    tp->flags &= ~TK_TF_UNCORK;                   /* one push, as Linux's uncork */
    if (tk_rack_active(tp) && tp->sack->rack.arm) /* the log may have started now */
        tk_rack_arm(s, tp, now); /* RFC 8985 7.2: new data restarts the probe timer */
    uint32_t unsent =
        tk_chunkq_len(&tp->sndq) - min_u32(tp->snd_nxt - tp->snd_una, tk_chunkq_len(&tp->sndq));
    /* Data waits with nothing in flight: a closed window, or one too small
     * to use (SWS): the persist timer makes sure it moves eventually. */
    if (unsent > 0 && tp->snd_nxt == tp->snd_una && !tk_tcb_timer_armed(tp, TK_TIMER_RETRANSMIT) &&
        !tk_tcb_timer_armed(tp, TK_TIMER_PERSIST) && !tk_tcb_timer_armed(tp, TK_TIMER_PACE)) {
        tk_time d = tk_rtt_rto(&tk_cold(tp)->rtt, 0);
        if (d < s->cfg.persist_min)
            d = s->cfg.persist_min;
        tk_cold(tp)->persist_count = 0;
        tk_cold(tp)->persist_since = now;
        tk_tcb_timer_set(s, tp, TK_TIMER_PERSIST, now + d);
    }
}

void tk_tcp_retransmit_range(tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now) {
    uint32_t off = seq - tp->snd_una;
    uint32_t qlen = tk_chunkq_len(&tp->sndq);
    if (off >= qlen || len == 0)
        return;
    len = min_u32(min_u32(len, qlen - off), tk_tcp_seg_max_now(s, tp, now));
    s->stats.retransmits++;
    (void)emit(s, tp, TK_TCP_ACK, seq, off, len, now);
}

void tk_tcp_retransmit_head(tk_stack *s, tk_tcb *tp, tk_time now) {
    uint32_t qlen = tk_chunkq_len(&tp->sndq);
    uint32_t len = min_u32(qlen, tk_tcp_seg_max_now(s, tp, now));
    bool fin = (tp->flags & TK_TF_FIN_SENT) && !(tp->flags & TK_TF_FIN_ACKED) && len == qlen;
    if (len == 0 && !fin)
        return;
    uint32_t saved = tp->snd_nxt;
    tp->snd_nxt = tp->snd_una;
    send_one(s, tp, 0, len, qlen, fin, now);
    if (tk_seq_gt(saved, tp->snd_nxt))
        tp->snd_nxt = saved;
}

uint32_t tk_tcp_resend(tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now) {
    uint32_t qlen = tk_chunkq_len(&tp->sndq), off = seq - tp->snd_una;
    bool fin_out = (tp->flags & TK_TF_FIN_SENT) && !(tp->flags & TK_TF_FIN_ACKED);
    uint32_t n = off < qlen ? min_u32(min_u32(len, qlen - off), tk_tcp_seg_max_now(s, tp, now)) : 0;
    bool fin = fin_out && off + n == qlen && tk_seq_lt(seq + n, tp->snd_max);
    if (n == 0 && !fin)
        return 0;
    uint32_t saved = tp->snd_nxt;
    tp->snd_nxt = seq;
    send_one(s, tp, off, n, qlen, fin, now);
    if (tk_seq_gt(saved, tp->snd_nxt))
        tp->snd_nxt = saved;
    return n + (fin ? 1u : 0u);
}

uint32_t tk_tcp_send_new_segments(tk_stack *s, tk_tcb *tp, uint32_t count, tk_time now) {
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now), sent = 0;
    while (sent < count && recovery_new_data(s, tp, maxseg, now))
        sent++;
    return sent;
}

bool tk_tcp_send_loss_probe(tk_stack *s, tk_tcb *tp, bool *retrans, tk_time now) {
    uint32_t maxseg = tk_tcp_seg_max_now(s, tp, now);
    bool fin_out = (tp->flags & TK_TF_FIN_SENT) && !(tp->flags & TK_TF_FIN_ACKED);
    *retrans = false;
    if (!fin_out && tk_tcp_send_new_segments(s, tp, 1, now) == 1)
        return true;
    /* No new data may go: the last segment sent, again. */
    uint32_t qlen = tk_chunkq_len(&tp->sndq);
    uint32_t end = tp->snd_max - tp->snd_una - (fin_out ? 1u : 0u);
    if (end > qlen)
        end = qlen;
    uint32_t len = min_u32(end, maxseg);
    *retrans = true;
    return tk_tcp_resend(s, tp, tp->snd_una + end - len, len + (fin_out ? 1u : 0u), now) > 0;
}

void tk_tcp_output(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (tp->flags & TK_TF_ABORT) {
        if (tk_tcb_synchronized(tp))
            tk_tcp_send_rst_tcb(s, tp, now);
        tk_tcb_drop(s, tp, 0, "close() abort");
        return;
    }
    switch (tp->state) {
    case TK_TCP_CLOSED:
    case TK_TCP_LISTEN:
        return;
    case TK_TCP_SYN_SENT:
    case TK_TCP_SYN_RCVD:
        output_syn(s, tp, now);
        return;
    case TK_TCP_TIME_WAIT:
        if (tp->flags & TK_TF_ACKNOW)
            (void)emit(s, tp, TK_TCP_ACK, tp->snd_nxt, 0, 0, now);
        return;
    default:
        output_data(s, tp, now);
    }
}

/* A pure ACK carries SND.MAX: after a timeout SND.NXT has gone back to
 * SND.UNA, and an ACK from there would look old to the peer, which would
 * answer it with an ACK, and so on (as FreeBSD's tcp_output does). */
void tk_tcp_send_ack(tk_stack *s, tk_tcb *tp, tk_time now) {
    (void)emit(s, tp, TK_TCP_ACK, tp->snd_max, 0, 0, now);
}

void tk_tcp_send_rst_tcb(tk_stack *s, tk_tcb *tp, tk_time now) {
    (void)emit(s, tp, TK_TCP_RST | TK_TCP_ACK, tp->snd_nxt, 0, 0, now);
}

void tk_tcp_send_probe(tk_stack *s, tk_tcb *tp, tk_time now) {
    s->stats.persist_probes++;
    uint32_t len = tk_chunkq_len(&tp->sndq) > 0 ? 1u : 0u;
    (void)emit(s, tp, TK_TCP_ACK, tp->snd_una, 0, len, now);
    uint32_t end = tp->snd_una + len;
    if (tk_seq_gt(end, tp->snd_nxt))
        tp->snd_nxt = end;
    if (tk_seq_gt(end, tp->snd_max))
        tp->snd_max = end;
}

/* TM-1: SEQ = SND.NXT - 1 and no data, so the peer must answer with an ACK. */
void tk_tcp_send_keepalive(tk_stack *s, tk_tcb *tp, tk_time now) {
    s->stats.keepalive_probes++;
    (void)emit(s, tp, TK_TCP_ACK, tp->snd_nxt - 1u, 0, 0, now);
}
