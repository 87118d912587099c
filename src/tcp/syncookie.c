/* SYN cookies (SPEC SEC-2, SEC-7): when the syncache or the socket pool is
 * nearly full, a SYN is answered with a SYN-ACK whose ISS encodes what the
 * connection needs, and no state is kept. The ACK that returns it recreates
 * the connection.
 *
 * ISS = t (5 bits) | MSS index (3 bits) | 24 bits of SipHash over the
 * 4-tuple, the peer's ISN, t and the MSS index, with the stack's secret:
 * the MSS index cannot be changed without breaking the MAC. t counts
 * 64-second periods; a cookie is good for the period it was made in and the
 * next one, and only while the listener sent a cookie within that time, so
 * blind ACKs to a listener that is not under a flood never reach the MAC.
 *
 * When the peer sends timestamps, the low 6 bits of our SYN-ACK's TSval keep
 * window scale (4 bits, 15: none), SACK-permitted and ECN, and come back in
 * the ACK's TSecr (as Linux and FreeBSD do): a cookie connection keeps its
 * options. Without timestamps only the MSS survives (RFC 4987 3.6). */
#include <string.h>

#include "base/div.h"
#include "base/seq.h"
#include "base/siphash.h"
#include "tcp/state.h"
#include "tcp/syncache.h"

#if TK_WITH_SYNCOOKIE

#define COOKIE_PERIOD TK_SEC(64)
#define TS_BITS       0x3fu
#define TS_NO_WS      0xfu
#define TS_SACK       0x10u
#define TS_ECN        0x20u

static const uint16_t mss_table[8] = {216, 536, 1024, 1220, 1300, 1400, 1440, 1460};

static uint32_t period(tk_time now) {
    return (uint32_t)(tk_time_sec(now) / (COOKIE_PERIOD / TK_SEC(1)));
}

static uint32_t cookie_hash(const tk_stack *s, const tk_seg *sg, uint32_t irs, uint32_t t,
                            uint32_t idx) {
    uint8_t buf[28];
    uint32_t v[5] = {sg->dst, sg->src, irs, t, idx};
    memcpy(buf, v, sizeof(v));
    memcpy(buf + 20, &sg->h.dport, 2);
    memcpy(buf + 22, &sg->h.sport, 2);
    memset(buf + 24, 0xc0, 4); /* domain separation from the ISN use of the key */
    return (uint32_t)tk_siphash24(s->isn_key, buf, sizeof(buf)) & 0xffffffu;
}

static uint32_t mss_index(uint32_t mss) {
    uint32_t i = 7;
    while (i > 0 && mss_table[i] > mss)
        i--;
    return i;
}

static uint32_t make_cookie(const tk_stack *s, const tk_seg *sg, uint32_t mss, tk_time now) {
    uint32_t t = period(now);
    uint32_t idx = mss_index(mss);
    return ((t & 31u) << 27) | (idx << 24) | cookie_hash(s, sg, sg->h.seq, t, idx);
}

/* Our TSval carrying the options: at most now, its low bits replaced. */
static uint32_t ts_encode(const tk_syn_entry *e, tk_time now) {
    uint32_t bits = (e->flags & TK_SC_PEER_WS) ? e->peer_wscale : TS_NO_WS;
    if (e->flags & TK_SC_PEER_SACK)
        bits |= TS_SACK;
    if (e->flags & TK_SC_ECN)
        bits |= TS_ECN;
    uint32_t ts = tk_tcp_ts_now(now);
    uint32_t v = (ts & ~TS_BITS) | bits;
    return v > ts ? v - (TS_BITS + 1u) : v;
}

/* What the SYN asked for that a cookie can keep: the options ride in the
 * TSval only when timestamps are used. */
static void keepable(const tk_stack *s, tk_syn_entry *e) {
    bool ts = s->cfg.opt_timestamps && (e->flags & TK_SC_PEER_TS);
    if (!ts)
        e->flags &= (uint8_t) ~(TK_SC_PEER_WS | TK_SC_PEER_SACK | TK_SC_ECN);
    if (!s->cfg.opt_wscale)
        e->flags &= (uint8_t)~TK_SC_PEER_WS;
    if (!s->cfg.opt_sack)
        e->flags &= (uint8_t)~TK_SC_PEER_SACK;
}

void tk_syncookie_send(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    tk_syn_entry e;
    tk_syncache_fill(s, lp, sg, &e);
    keepable(s, &e);
    tk_syncache_window(s, lp, &e);
    uint32_t ours = tk_sockopt_mss(s, lp, tk_seg_r6(sg) != NULL, sg->encap);
    uint32_t mss = (e.flags & TK_SC_PEER_MSS) ? e.peer_mss : s->cfg.default_mss;
    e.iss = make_cookie(s, sg, mss < ours ? mss : ours, now);
    tk_cold(lp)->cookie_sent = now;
    tk_cold(lp)->cookie_any = true;
    s->stats.syncookies_sent++;
    tk_a6pair a6;
    tk_syncache_send_synack(s, lp, &e, tk_seg_a6(sg, &a6), ts_encode(&e, now), false, now);
}

/* The MSS index + 1 the cookie carries, or 0 when it is not one of ours. */
static uint32_t check_cookie(const tk_stack *s, const tk_seg *sg, tk_time now) {
    uint32_t cookie = sg->h.ack - 1u;
    uint32_t irs = sg->h.seq - 1u;
    uint32_t t = period(now);
    uint32_t idx = (cookie >> 24) & 7u;
    for (uint32_t age = 0; age < 2 && age <= t; age++) {
        uint32_t tt = t - age;
        if ((cookie >> 27) == (tt & 31u) &&
            (cookie & 0xffffffu) == cookie_hash(s, sg, irs, tt, idx))
            return idx + 1u;
    }
    return 0;
}

/* SEC-7: only while the listener is answering with cookies. */
static bool gate_open(const tk_tcb *lp, tk_time now) {
    return tk_cold(lp)->cookie_any && now - tk_cold(lp)->cookie_sent < 2 * COOKIE_PERIOD;
}

/* The entry the cookie stands for, options from the TSecr when the ACK
 * carries timestamps (the SYN did, or it would not). */
static void rebuild(const tk_stack *s, const tk_tcb *lp, const tk_seg *sg, uint32_t idx,
                    tk_time now, tk_syn_entry *e) {
    memset(e, 0, sizeof(*e));
    e->laddr = sg->dst;
    e->raddr = sg->src;
    e->lport = sg->h.dport;
    e->rport = sg->h.sport;
    e->irs = sg->h.seq - 1u;
    e->iss = sg->h.ack - 1u;
    e->listener = lp->index;
    e->encap = sg->encap;
    e->v6 = tk_seg_r6(sg) != NULL;
    e->peer_win = sg->h.win;
    e->flags = TK_SC_PEER_MSS;
    e->peer_mss = mss_table[idx];
    e->born = now;
    e->deadline = now + s->cfg.rto_initial;
    e->rexmits = 1; /* no RTT sample: when the SYN-ACK left is not known */
    const tk_tcp_opts *o = &sg->h.opts;
    if (!(tk_cold(lp)->opts.flags & TK_SOF_NOOPT) && s->cfg.opt_timestamps &&
        (o->present & TK_OPT_TS)) {
        uint32_t bits = o->ts_ecr & TS_BITS;
        e->flags |= TK_SC_PEER_TS;
        e->ts_recent = o->ts_val;
        if ((bits & TS_NO_WS) != TS_NO_WS && s->cfg.opt_wscale) {
            e->flags |= TK_SC_PEER_WS;
            e->peer_wscale = (uint8_t)(bits & TS_NO_WS);
        }
        if ((bits & TS_SACK) && s->cfg.opt_sack)
            e->flags |= TK_SC_PEER_SACK;
        if ((bits & TS_ECN) && s->cfg.ecn != 0)
            e->flags |= TK_SC_ECN;
    }
}

int tk_syncookie_accept(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now, tk_tcb **out) {
    *out = NULL;
    if (!s->cfg.syn_cookies || (sg->h.flags & (TK_TCP_SYN | TK_TCP_RST)))
        return -1;
    if (!gate_open(lp, now)) {
        s->stats.syncookies_ungated++;
        return -1;
    }
    uint32_t idx = check_cookie(s, sg, now);
    if (idx == 0) {
        s->stats.syncookies_failed++;
        return -1;
    }
    /* A valid cookie with no room: the peer believes it is connected, so
     * a RST would kill a legitimate connection. Dropped instead, as Linux
     * does; the peer's retransmission (or next segment) carries the same
     * cookie and tries again. */
    if (tk_cold(lp)->acq_len >= tk_cold(lp)->backlog) {
        TK_DROP(s, drop_listen_overflow, now); /* CM-14 */
        return 0;
    }
    tk_syn_entry e;
    rebuild(s, lp, sg, idx - 1u, now, &e);
    tk_syncache_window(s, lp, &e);
    tk_a6pair a6;
    tk_tcb *tp = tk_syncache_expand(s, lp, &e, tk_seg_a6(sg, &a6), now);
    if (tp == NULL) {
        TK_DROP(s, drop_no_memory, now);
        return 0;
    }
    s->stats.syncookies_accepted++;
    s->stats.passive_opens++;
    *out = tp;
    return 1;
}

#else
typedef int tk_syncookie_compiled_out;
#endif /* TK_WITH_SYNCOOKIE */
