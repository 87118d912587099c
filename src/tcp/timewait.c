/* Compact TIME_WAIT entries: pool, hash chains and the FIFO expiry list.
 * Every entry lives 2MSL after its last (re)start, so the list is in
 * deadline order and expiry looks only at its head. */
#include <string.h>

#include "base/seq.h"
#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcp/timewait.h"

static uint32_t tw_index(const tk_stack *s, const tk_tw *tw) {
    return tk_pool_index(&s->tws, tw);
}

static tk_tw *tw_at(const tk_stack *s, uint32_t i) {
    return tk_pool_at(&s->tws, i);
}

/* The local address an entry is hashed under: the stack's IPv4 address,
 * or for IPv6 a fixed key per local address slot (tcp/timewait.h). */
static uint32_t tw_local_key(const tk_stack *s, const tk_tw *tw) {
    return (tw->flags & TK_TW_V6) ? TK_TW_V6_KEY(tw->laddr6) : s->cfg.addr;
}

static uint32_t tw_bucket(const tk_stack *s, const tk_tw *tw) {
    return tk_tuple_hash(s, tw_local_key(s, tw), tw->lport, tw->raddr, tw->rport) & s->tw_mask;
}

static void fifo_unlink(tk_stack *s, tk_tw *tw) {
    if (tw->fifo_prev != TK_NIL)
        tw_at(s, tw->fifo_prev)->fifo_next = tw->fifo_next;
    else
        s->tw_head = tw->fifo_next;
    if (tw->fifo_next != TK_NIL)
        tw_at(s, tw->fifo_next)->fifo_prev = tw->fifo_prev;
    else
        s->tw_tail = tw->fifo_prev;
}

/* Links tw in expiry order. New and restarted entries expire last, so this
 * is an append; only a TCB that waited in TIME_WAIT under a descriptor
 * before close() can expire earlier than the tail, and walks back over the
 * few entries made meanwhile. */
static void fifo_append(tk_stack *s, tk_tw *tw) {
    uint32_t i = tw_index(s, tw);
    uint32_t prev = s->tw_tail;
    while (prev != TK_NIL && tw_at(s, prev)->expiry > tw->expiry)
        prev = tw_at(s, prev)->fifo_prev;
    uint32_t next = prev == TK_NIL ? s->tw_head : tw_at(s, prev)->fifo_next;
    tw->fifo_prev = prev;
    tw->fifo_next = next;
    if (prev != TK_NIL)
        tw_at(s, prev)->fifo_next = i;
    else
        s->tw_head = i;
    if (next != TK_NIL)
        tw_at(s, next)->fifo_prev = i;
    else
        s->tw_tail = i;
}

/* The slot of our IPv6 address that tp's connection uses, or -1. */
static int local6_slot(const tk_stack *s, const tk_tcb *tp) {
#if TK_WITH_IPV6
    for (int i = 0; i < TK_IP6_ADDRS; i++)
        if (memcmp(s->net.ip6.addr[i].a, tk_tcb_a6(s, tp)->l, 16) == 0)
            return i;
#else
    (void)s, (void)tp;
#endif
    return -1;
}

bool tk_tw_from_tcb(tk_stack *s, tk_tcb *tp, tk_time expiry) {
    int slot = (tp->flags & TK_TF_V6) ? local6_slot(s, tp) : 0;
    if (slot < 0)
        return false; /* the address is gone (tk_tcb_time_wait keeps the TCB) */
    tk_tw *tw = s->tws.cap ? tk_pool_alloc(&s->tws) : NULL;
    if (tw == NULL) {
        s->stats.time_wait_pool_full++;
        return false;
    }
    memset(tw, 0, sizeof(*tw));
    tw->expiry = expiry;
    tw->raddr = tp->raddr;
    tw->lport = tp->lport;
    tw->rport = tp->rport;
    tw->snd_nxt = tp->snd_nxt;
    tw->rcv_nxt = tp->rcv_nxt;
    tw->ts_recent = tp->ts_recent;
    tw->flags = (uint8_t)(((tp->flags & TK_TF_TS) ? TK_TW_TS : 0) |
                          (tk_cold(tp)->opts.md5sig ? TK_TW_MD5 : 0) |
                          ((tp->flags & TK_TF_V6) ? TK_TW_V6 : 0));
    tw->laddr6 = (uint8_t)slot;
    tw->ip_ttl = tk_cold(tp)->opts.ip_ttl;
    tw->ip_tos = tk_cold(tp)->opts.ip_tos;
    tw->encap_port = tp->encap_port;
    uint32_t win = tk_tcp_rcv_window(s, tp) >> tp->rcv_shift;
    tw->win = (uint16_t)(win > 0xffffu ? 0xffffu : win);
    if (s->tw_ports)
        s->tw_ports[tw->lport]++;
    uint32_t b = tw_bucket(s, tw);
    tw->hash_next = s->tw_hash[b];
    s->tw_hash[b] = tw_index(s, tw);
    fifo_append(s, tw);
    /* The TCB is gone without a state change: the connection lives on here. */
    s->state_count[TK_TCP_TIME_WAIT]--;
    tp->state = TK_TCP_CLOSED;
    s->state_count[TK_TCP_CLOSED]++;
    tk_tcb_free(s, tp);
    return true;
}

static tk_tw *lookup_key(const tk_stack *s, uint32_t key, uint8_t v6, uint16_t lport,
                         uint32_t raddr, uint16_t rport) {
    uint32_t b = tk_tuple_hash(s, key, lport, raddr, rport) & s->tw_mask;
    for (uint32_t i = s->tw_hash[b]; i != TK_NIL;) {
        tk_tw *tw = tw_at(s, i);
        if (tw->lport == lport && tw->rport == rport && tw->raddr == raddr &&
            (tw->flags & TK_TW_V6) == v6 && (!v6 || TK_TW_V6_KEY(tw->laddr6) == key))
            return tw;
        i = tw->hash_next;
    }
    return NULL;
}

tk_tw *tk_tw_lookup(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                    uint16_t rport) {
    if (s->tws.used == 0 || laddr != s->cfg.addr)
        return NULL;
    return lookup_key(s, laddr, 0, lport, raddr, rport);
}

tk_tw *tk_tw_lookup6(const tk_stack *s, const uint8_t l6[16], uint16_t lport, uint32_t rfold,
                     uint16_t rport) {
#if TK_WITH_IPV6
    if (s->tws.used == 0)
        return NULL;
    for (uint8_t i = 0; i < TK_IP6_ADDRS; i++)
        if (memcmp(s->net.ip6.addr[i].a, l6, 16) == 0)
            return lookup_key(s, TK_TW_V6_KEY(i), TK_TW_V6, lport, rfold, rport);
#else
    (void)s, (void)l6, (void)lport, (void)rfold, (void)rport;
#endif
    return NULL;
}

bool tk_tw_fold_used(const tk_stack *s, uint16_t lport, uint32_t rfold, uint16_t rport) {
    if (s->tws.used == 0)
        return false;
    for (uint8_t i = 0; i < TK_IP6_ADDRS; i++)
        if (lookup_key(s, TK_TW_V6_KEY(i), TK_TW_V6, lport, rfold, rport) != NULL)
            return true;
    return false;
}

void tk_tw_free(tk_stack *s, tk_tw *tw) {
    uint32_t i = tw_index(s, tw);
    uint32_t *link = &s->tw_hash[tw_bucket(s, tw)];
    while (*link != TK_NIL && *link != i)
        link = &tw_at(s, *link)->hash_next;
    if (*link == i)
        *link = tw->hash_next;
    fifo_unlink(s, tw);
    if (s->tw_ports)
        s->tw_ports[tw->lport]--;
    tk_pool_free(&s->tws, tw);
}

/* The ACK goes back to where sg came from (an IPv6 entry keeps only folds). */
static void tw_send_ack(tk_stack *s, const tk_tw *tw, const tk_seg *sg, tk_time now) {
    tk_ctl c = {.laddr = s->cfg.addr,
                .raddr = tw->raddr,
                .lport = tw->lport,
                .rport = tw->rport,
                .seq = tw->snd_nxt,
                .ack = tw->rcv_nxt,
                .flags = TK_TCP_ACK,
                .win = tw->win,
                .ts = (tw->flags & TK_TW_TS) != 0,
                .ts_ecr = tw->ts_recent,
                .mss = 0,
                .encap = tw->encap_port,
                .ttl = tw->ip_ttl,
                .tos = tw->ip_tos,
                .l6 = tk_seg_l6(sg),
                .r6 = tk_seg_r6(sg)};
    tk_tcp_send_ctl(s, &c, now);
}

/* RFC 6191: a SYN may reuse the 4-tuple when it is newer than the old
 * connection by timestamp or, without timestamps, by sequence number. */
static bool syn_reuse_ok(const tk_tw *tw, const tk_seg *sg) {
    bool seg_ts = (sg->h.opts.present & TK_OPT_TS) != 0;
    if ((tw->flags & TK_TW_TS) && seg_ts)
        return tk_seq_gt(sg->h.opts.ts_val, tw->ts_recent);
    return tk_seq_gt(sg->h.seq, tw->rcv_nxt);
}

int tk_tw_verdict(const tk_seg *sg, uint32_t rcv_nxt, uint32_t snd_nxt) {
    uint8_t fl = sg->h.flags;
    if (fl & TK_TCP_RST)
        return 0; /* RFC 1337: a RST does not end TIME_WAIT early (CM-9) */
    if (fl & TK_TCP_SYN)
        return TK_TW_ACK;
    if (!(fl & TK_TCP_ACK))
        return 0;
    int v = 0;
    /* A retransmitted FIN restarts 2MSL (CM-9). */
    if ((fl & TK_TCP_FIN) && sg->h.seq + sg->len + 1u == rcv_nxt)
        v |= TK_TW_RESTART;
    /* Everything but an exact duplicate ACK is answered (as FreeBSD's
     * tcp_twcheck does), so a peer that lost our last ACK learns of it. */
    if (fl != TK_TCP_ACK || sg->len != 0 || sg->h.seq != rcv_nxt || sg->h.ack != snd_nxt)
        v |= TK_TW_ACK;
    return v;
}

bool tk_tw_input(tk_stack *s, tk_tw *tw, const tk_seg *sg, uint32_t *iss_floor, tk_time now) {
    uint8_t fl = sg->h.flags;
    if ((fl & TK_TCP_SYN) && !(fl & (TK_TCP_ACK | TK_TCP_RST | TK_TCP_FIN)) &&
        syn_reuse_ok(tw, sg)) {
        *iss_floor = tw->snd_nxt + 65536u * 2u;
        s->stats.time_wait_reused++;
        tk_tw_free(s, tw);
        return true;
    }
    if (sg->encap != tw->encap_port) {
        /* Not the connection's encapsulation: a RST, as in any other state
         * (input.c); TIME_WAIT goes on. */
        tk_tcp_reset_reply(s, sg, tw->ip_ttl, tw->ip_tos, now);
        TK_DROP(s, drop_encap_mismatch, now);
        return false;
    }
    int v = tk_tw_verdict(sg, tw->rcv_nxt, tw->snd_nxt);
    if (v & TK_TW_ACK)
        tw_send_ack(s, tw, sg, now);
    if (v & TK_TW_RESTART) {
        fifo_unlink(s, tw);
        tw->expiry = now + 2 * s->cfg.msl;
        fifo_append(s, tw);
        return false;
    }
    if (fl & TK_TCP_RST)
        TK_DROP(s, drop_time_wait_rst, now);
    else
        TK_DROP(s, drop_time_wait, now);
    return false;
}

void tk_tw_expire(tk_stack *s, tk_time now) {
    while (s->tw_head != TK_NIL) {
        tk_tw *tw = tw_at(s, s->tw_head);
        if (tw->expiry > now)
            break;
        s->stats.time_wait_expired++;
        if (tk_obs_on(&s->obs)) {
            tk_trace_event ev;
            memset(&ev, 0, sizeof(ev));
            ev.kind = TK_TRACE_STATE;
            ev.now = now;
            ev.sd = -1;
            ev.laddr = s->cfg.addr;
            ev.raddr = tw->raddr;
            ev.lport = tw->lport;
            ev.rport = tw->rport;
            ev.old_state = TK_TCP_TIME_WAIT;
            ev.new_state = TK_TCP_CLOSED;
            ev.cause = "2MSL timeout";
            tk_obs_trace(&s->obs, &ev);
        }
        tk_tw_free(s, tw);
    }
}

tk_time tk_tw_next_deadline(const tk_stack *s) {
    if (s->tw_head == TK_NIL)
        return TK_TIME_NEVER;
    return tw_at(s, s->tw_head)->expiry;
}

bool tk_tw_port_in_use(const tk_stack *s, uint16_t lport) {
    if (s->tw_ports)
        return s->tw_ports[lport] > 0;
    for (uint32_t i = s->tw_head; i != TK_NIL;) {
        const tk_tw *tw = tw_at(s, i);
        if (tw->lport == lport)
            return true;
        i = tw->fifo_next;
    }
    return false;
}
