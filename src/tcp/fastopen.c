/* TCP Fast Open, server side (SPEC OP-8, RFC 7413): cookies, and a SYN
 * whose data is taken before the handshake completes.
 *
 * Cookie (RFC 7413 4.1.2): the first 8 bytes of SipHash-2-4 over the
 * client's IPv4 address and the current key period, keyed by the stack's
 * secret. The period is the key rotation: a cookie made in period t is
 * accepted during t and t + 1 (one to two hours), then refused, and the
 * client learns a fresh one from the SYN-ACK of its fallback handshake.
 * Nothing is stored per client.
 *
 * A SYN with data and a valid cookie gets a socket at once (not a syncache
 * entry, RFC 7413 4.2.2): it is on the listener's accept queue in
 * SYN_RCVD with the data readable, and its SYN-ACK acknowledges the data.
 * The listener's TCP_FASTOPEN value bounds how many such children may be
 * waiting for their handshake (RFC 7413 5.1: the resource the cookie
 * cannot protect). */
#include <string.h>

#include "base/div.h"
#include "base/siphash.h"
#include "tcp/state.h"
#include "tcp/syncache.h"

#if TK_WITH_FASTOPEN

#define KEY_PERIOD_SEC 3600u /* the key changes every hour */

static void cookie_at(const tk_stack *s, uint32_t raddr, uint64_t period,
                      uint8_t out[TK_FASTOPEN_COOKIE_LEN]) {
    uint8_t buf[16];
    memcpy(buf, &raddr, 4);
    memcpy(buf + 4, &period, 8);
    memset(buf + 12, 0xf0, 4); /* domain separation from the ISN and SYN cookie uses */
    uint64_t h = tk_siphash24(s->isn_key, buf, sizeof(buf));
    memcpy(out, &h, TK_FASTOPEN_COOKIE_LEN);
}

void tk_fastopen_cookie(const tk_stack *s, uint32_t raddr, tk_time now,
                        uint8_t out[TK_FASTOPEN_COOKIE_LEN]) {
    cookie_at(s, raddr, tk_div64_small(tk_time_sec(now), KEY_PERIOD_SEC), out);
}

/* The current period's cookie, or the previous one's (rotation). */
static bool cookie_valid(const tk_stack *s, uint32_t raddr, const tk_tcp_opts *o, tk_time now) {
    if (o->fo_len != TK_FASTOPEN_COOKIE_LEN)
        return false;
    uint64_t t = tk_div64_small(tk_time_sec(now), KEY_PERIOD_SEC);
    for (uint64_t back = 0; back <= 1 && back <= t; back++) {
        uint8_t c[TK_FASTOPEN_COOKIE_LEN];
        cookie_at(s, raddr, t - back, c);
        if (memcmp(c, o->fo_cookie, sizeof(c)) == 0)
            return true;
    }
    return false;
}

/* No cookie on a signed listener: MD5 and Fast Open do not fit together
 * in the 40 bytes of options of a SYN-ACK. */
bool tk_fastopen_listener_on(const tk_stack *s, const tk_tcb *lp) {
    return (s->cfg.fastopen & TK_FASTOPEN_SERVER) && tk_cold(lp)->opts.fastopen_qlen > 0 &&
           !tk_cold(lp)->opts.md5sig && !(tk_cold(lp)->opts.flags & TK_SOF_NOOPT);
}

/* The child: the syncache entry's socket, with the SYN's data in its
 * receive queue, on the accept queue, its SYN-ACK sent from the socket. */
static void make_child(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    tk_syn_entry e;
    tk_syncache_fill(s, lp, sg, &e);
    e.flags &= (uint8_t)~TK_SC_FO_COOKIE; /* the client has a good cookie */
    e.iss = tk_tcp_iss_for(s, sg->dst, sg->h.dport, sg->src, sg->h.sport, now);
    e.born = now;
    e.deadline = now;
    tk_a6pair a6;
    tk_tcb *tp = tk_syncache_expand(s, lp, &e, tk_seg_a6(sg, &a6), now);
    if (tp == NULL) {
        TK_DROP(s, drop_no_memory, now);
        return;
    }
    /* Traced as its own passive open (expand adopts SYN_RCVD silently). */
    tk_tcb_adopt_state(s, tp, TK_TCP_CLOSED);
    tk_tcb_set_state(s, tp, TK_TCP_SYN_RCVD, "rcv SYN with a Fast Open cookie");
    s->stats.passive_opens++;
    s->stats.fastopen_passive++;
    tp->flags |= TK_TF_FO_CHILD;
    tk_cold(tp)->fo_listener = lp->index;
    tk_cold(lp)->fo_pending++;
    /* What does not fit the window offered is not acknowledged: the
     * client sends it again after the handshake. */
    tp->rcv_nxt += tk_chunkq_write(&s->chunks, &tp->rcvq, sg->data, sg->len);
    tp->last_rcv = now;
    tk_tcp_accept_enqueue(s, tp);
    tk_tcb_timer_stop(s, tp, TK_TIMER_RETRANSMIT);
    tp->snd_nxt = tp->snd_max = tk_cold(tp)->iss; /* the SYN-ACK is still to go */
    tk_tcp_output(s, tp, now);
}

bool tk_fastopen_syn(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    if (!tk_fastopen_listener_on(s, lp))
        return false;
    const tk_tcp_opts *o = &sg->h.opts;
    if (o->fo_len == 0) {
        s->stats.fastopen_cookie_reqs++; /* answered by the syncache's SYN-ACK */
        return false;
    }
    if (!cookie_valid(s, sg->src, o, now)) {
        s->stats.fastopen_cookie_invalid++; /* RFC 7413 4.2.2: data dropped, fresh cookie */
        return false;
    }
    if (sg->len == 0)
        return false; /* nothing to take early: the ordinary handshake */
    /* RFC 7413 5.1: under a flood (syncache full, or the socket pool
     * nearly) no socket is spent before the handshake. */
    if (tk_cold(lp)->fo_pending >= tk_cold(lp)->opts.fastopen_qlen || tk_syncache_overflow(s)) {
        s->stats.fastopen_queue_full++;
        return false;
    }
    make_child(s, lp, sg, now);
    return true;
}

void tk_fastopen_child_done(tk_stack *s, tk_tcb *tp) {
    tp->flags &= ~TK_TF_FO_CHILD;
    tk_tcb *lp = tk_tcb_at(s, tk_cold(tp)->fo_listener);
    if (lp != NULL && lp->state == TK_TCP_LISTEN && tk_cold(lp)->fo_pending > 0)
        tk_cold(lp)->fo_pending--;
}

#else
typedef int tk_fastopen_compiled_out;
#endif /* TK_WITH_FASTOPEN */
