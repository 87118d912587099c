/* SYN cookies (SPEC SEC-2): when the half-open bound is reached, a SYN is
 * answered with a SYN-ACK whose ISS encodes what the connection needs, and
 * no state is kept. The ACK that returns it recreates the connection.
 *
 * ISS = t (5 bits) | MSS index (3 bits) | 24 bits of SipHash over the
 * 4-tuple, the peer's ISN and t, with the stack's secret. t counts 64-second
 * periods; a cookie is good for the period it was made in and the next one.
 * Only the MSS survives: window scaling, SACK and timestamps are not offered
 * in a cookie SYN-ACK (as in the classic scheme, RFC 4987 3.6). */
#include <string.h>

#include "base/seq.h"
#include "base/siphash.h"
#include "stack_priv.h"

#define COOKIE_PERIOD TK_SEC(64)

static const uint16_t mss_table[8] = {216, 536, 1024, 1220, 1300, 1400, 1440, 1460};

static uint32_t period(tk_time now) {
    return (uint32_t)(now / COOKIE_PERIOD);
}

static uint32_t cookie_hash(const tk_stack *s, const tk_seg *sg, uint32_t irs, uint32_t t) {
    uint8_t buf[24];
    uint32_t v[4] = {sg->dst, sg->src, irs, t};
    memcpy(buf, v, sizeof(v));
    memcpy(buf + 16, &sg->h.dport, 2);
    memcpy(buf + 18, &sg->h.sport, 2);
    memset(buf + 20, 0xc0, 4); /* domain separation from the ISN use of the key */
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
    return ((t & 31u) << 27) | (mss_index(mss) << 24) | cookie_hash(s, sg, sg->h.seq, t);
}

/* The window a cookie SYN-ACK offers (never scaled). */
static uint32_t cookie_window(const tk_stack *s) {
    return s->cfg.rcvbuf > 65535u ? 65535u : s->cfg.rcvbuf;
}

void tk_syncookie_send(tk_stack *s, const tk_seg *sg, tk_time now) {
    uint32_t ours = tk_tcp_mss_for(s, sg->encap);
    uint32_t mss = (sg->h.opts.present & TK_OPT_MSS) ? sg->h.opts.mss : s->cfg.default_mss;
    if (mss > ours)
        mss = ours;
    uint32_t win = cookie_window(s);
    tk_ctl c = {.laddr = sg->dst,
                .raddr = sg->src,
                .lport = sg->h.dport,
                .rport = sg->h.sport,
                .seq = make_cookie(s, sg, mss, now),
                .ack = sg->h.seq + 1u,
                .flags = TK_TCP_SYN | TK_TCP_ACK,
                .win = (uint16_t)win,
                .ts = false,
                .ts_ecr = 0,
                .mss = (uint16_t)ours,
                .encap = sg->encap,
                .ttl = 0,
                .tos = 0};
    s->stats.syncookies_sent++;
    tk_tcp_send_ctl(s, &c, now);
}

/* The MSS the cookie carries, or 0 when it is not one of ours. */
static uint32_t check_cookie(const tk_stack *s, const tk_seg *sg, tk_time now) {
    uint32_t cookie = sg->h.ack - 1u;
    uint32_t irs = sg->h.seq - 1u;
    uint32_t t = period(now);
    for (uint32_t age = 0; age < 2 && age <= t; age++) {
        uint32_t tt = t - age;
        if ((cookie >> 27) != (tt & 31u))
            continue;
        if ((cookie & 0xffffffu) == cookie_hash(s, sg, irs, tt))
            return mss_table[(cookie >> 24) & 7u];
    }
    return 0;
}

tk_tcb *tk_syncookie_accept(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    if (!s->cfg.syn_cookies || (sg->h.flags & (TK_TCP_SYN | TK_TCP_RST)) ||
        lp->acq_len >= lp->backlog)
        return NULL;
    uint32_t mss = check_cookie(s, sg, now);
    if (mss == 0) {
        s->stats.syncookies_failed++;
        return NULL;
    }
    tk_tcb *tp = tk_tcb_alloc(s);
    if (tp == NULL)
        return NULL;
    tp->laddr = sg->dst;
    tp->lport = sg->h.dport;
    tp->raddr = sg->src;
    tp->rport = sg->h.sport;
    tp->parent = lp->index;
    tp->encap_port = sg->encap;
    tp->flags |= TK_TF_PASSIVE |
                 (lp->flags & (TK_TF_NODELAY | TK_TF_KEEPALIVE | TK_TF_LINGER0 | TK_TF_LINGER));
    tp->linger = lp->linger;
    tp->keep_idle = lp->keep_idle;
    tp->keep_intvl = lp->keep_intvl;
    tp->keep_cnt = lp->keep_cnt;
    tk_tcb_init_conn(s, tp, now);
    tp->iss = sg->h.ack - 1u;
    tp->snd_una = tp->snd_nxt = tp->snd_max = sg->h.ack;
    tp->irs = sg->h.seq - 1u;
    tp->rcv_nxt = tp->last_ack_sent = sg->h.seq;
    tp->rcv_adv = sg->h.seq + cookie_window(s);
    uint32_t ours = tk_tcp_mss_for(s, sg->encap); /* the cookie's MSS was for the SYN's way */
    tp->mss = (uint16_t)(mss < ours ? mss : ours);
    tp->snd_wnd = sg->h.win; /* no window scaling without state */
    tp->snd_wl1 = sg->h.seq;
    tp->snd_wl2 = sg->h.ack;
    tk_demux_insert(s, tp);
    s->stats.syncookies_accepted++;
    s->stats.passive_opens++;
    tk_tcp_established(s, tp, sg, "rcv ACK (SYN cookie)", now);
    return tp;
}
