/* The syncache table (SPEC SEC-2): a fixed array of compact entries with a
 * keyed hash over the 4-tuple, a free list, SYN-ACK building and the
 * retransmission timer. Segment handling for an entry is in
 * syncache_input.c. */
#include <string.h>

#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcp/syncache.h"
#include "tcpkit/wire/ipv4.h"

static uint32_t pow2_at_least(uint32_t n) {
    uint32_t p = 1;
    while (p < n && p < (1u << 30))
        p <<= 1;
    return p;
}

size_t tk_syncache_mem_size(uint32_t n) {
    return sizeof(tk_syn_entry) * n + sizeof(uint32_t) * pow2_at_least(n);
}

void tk_syncache_init(tk_syncache *c, void *mem, uint32_t n) {
    memset(c, 0, sizeof(*c));
    c->e = mem;
    c->hash = (uint32_t *)(void *)((uint8_t *)mem + sizeof(tk_syn_entry) * n);
    c->cap = n;
    c->mask = pow2_at_least(n) - 1u;
    c->next = TK_TIME_NEVER;
    memset(c->hash, 0xff, sizeof(uint32_t) * (c->mask + 1u));
    memset(c->e, 0, sizeof(tk_syn_entry) * n);
    c->free_head = n > 0 ? 0 : TK_NIL;
    for (uint32_t i = 0; i < n; i++)
        c->e[i].hash_next = i + 1 < n ? i + 1 : TK_NIL;
}

static uint32_t bucket(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                       uint16_t rport) {
    return tk_tuple_hash(s, laddr, lport, raddr, rport) & s->syncache.mask;
}

#if TK_WITH_IPV6
const tk_a6pair *tk_syncache_a6(const tk_stack *s, const tk_syn_entry *e) {
    return e->v6 ? &s->syn6[e - s->syncache.e] : NULL;
}

const tk_a6pair *tk_seg_a6(const tk_seg *sg, tk_a6pair *buf) {
    if (tk_seg_r6(sg) == NULL)
        return NULL;
    memcpy(buf->l, tk_seg_l6(sg), 16);
    memcpy(buf->r, tk_seg_r6(sg), 16);
    return buf;
}
#endif

static bool entry_match(const tk_stack *s, const tk_syn_entry *e, uint32_t laddr, uint16_t lport,
                        uint32_t raddr, uint16_t rport, const uint8_t *l6, const uint8_t *r6) {
    if (e->laddr != laddr || e->lport != lport || e->raddr != raddr || e->rport != rport ||
        e->v6 != (l6 != NULL))
        return false;
    const tk_a6pair *a = tk_syncache_a6(s, e);
    return a == NULL || (memcmp(a->l, l6, 16) == 0 && memcmp(a->r, r6, 16) == 0);
}

tk_syn_entry *tk_syncache_lookup(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                                 uint16_t rport, const uint8_t *l6, const uint8_t *r6) {
    const tk_syncache *c = &s->syncache;
    if (c->count == 0)
        return NULL;
    for (uint32_t i = c->hash[bucket(s, laddr, lport, raddr, rport)]; i != TK_NIL;) {
        tk_syn_entry *e = &c->e[i];
        if (entry_match(s, e, laddr, lport, raddr, rport, l6, r6))
            return e;
        i = e->hash_next;
    }
    return NULL;
}

/* Sockets kept free for completed handshakes and the application: an
 * eighth of the pool, at least one. */
static uint32_t socket_reserve(const tk_stack *s) {
    uint32_t r = s->tcbs.cap / 8u;
    return r > 0 ? r : 1u;
}

bool tk_syncache_overflow(const tk_stack *s) {
    uint32_t free_sockets = s->tcbs.cap - s->tcbs.used;
    return s->syncache.count >= s->syncache.cap || free_sockets <= socket_reserve(s);
}

static void trace_state(tk_stack *s, const tk_syn_entry *e, int old, int state, const char *cause) {
    if (!tk_obs_on(&s->obs))
        return;
    tk_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = TK_TRACE_STATE;
    ev.now = s->now;
    ev.sd = -1;
    ev.laddr = e->laddr;
    ev.raddr = e->raddr;
    const tk_a6pair *a6 = tk_syncache_a6(s, e);
    if (a6 != NULL) {
        ev.laddr6 = a6->l;
        ev.raddr6 = a6->r;
    }
    ev.lport = e->lport;
    ev.rport = e->rport;
    ev.old_state = old;
    ev.new_state = state;
    ev.cause = cause;
    tk_obs_trace(&s->obs, &ev);
}

/* Takes a free entry and links it under its 4-tuple (fields set by the
 * caller afterwards must not change the tuple). */
static tk_syn_entry *entry_alloc(tk_stack *s, const tk_syn_entry *proto) {
    tk_syncache *c = &s->syncache;
    if (c->free_head == TK_NIL)
        return NULL;
    uint32_t i = c->free_head;
    tk_syn_entry *e = &c->e[i];
    c->free_head = e->hash_next;
    *e = *proto;
    e->flags |= TK_SC_USED;
    uint32_t b = bucket(s, e->laddr, e->lport, e->raddr, e->rport);
    e->hash_next = c->hash[b];
    c->hash[b] = i;
    c->count++;
    s->state_count[TK_TCP_SYN_RCVD]++;
    return e;
}

/* Unlinks e and returns it to the free list; traced as leaving SYN_RCVD
 * to state (CLOSED, or ESTABLISHED's socket taking over). */
static void entry_free(tk_stack *s, tk_syn_entry *e, const char *cause) {
    tk_syncache *c = &s->syncache;
    uint32_t i = (uint32_t)(e - c->e);
    uint32_t *link = &c->hash[bucket(s, e->laddr, e->lport, e->raddr, e->rport)];
    while (*link != TK_NIL && *link != i)
        link = &c->e[*link].hash_next;
    if (*link == i)
        *link = e->hash_next;
    if (cause != NULL)
        trace_state(s, e, TK_TCP_SYN_RCVD, TK_TCP_CLOSED, cause);
    e->flags = 0;
    e->hash_next = c->free_head;
    c->free_head = i;
    c->count--;
    s->state_count[TK_TCP_SYN_RCVD]--;
}

void tk_syncache_remove(tk_stack *s, tk_syn_entry *e, const char *cause) {
    entry_free(s, e, cause);
}

void tk_syncache_abort_all(tk_stack *s, tk_time now) {
    tk_syncache *c = &s->syncache;
    for (uint32_t i = 0; i < c->cap && c->count > 0; i++) {
        const tk_syn_entry *e = &c->e[i];
        const tk_tcb *lp = tk_tcb_at(s, e->listener);
        if (!(e->flags & TK_SC_USED) || lp == NULL)
            continue;
        const tk_a6pair *a6 = tk_syncache_a6(s, e);
        tk_ctl rst = {.laddr = e->laddr,
                      .raddr = e->raddr,
                      .lport = e->lport,
                      .rport = e->rport,
                      .seq = e->iss + 1u,
                      .flags = TK_TCP_RST,
                      .encap = e->encap,
                      .ttl = tk_cold(lp)->opts.ip_ttl,
                      .tos = tk_cold(lp)->opts.ip_tos,
                      .l6 = a6 ? a6->l : NULL,
                      .r6 = a6 ? a6->r : NULL};
        tk_tcp_send_ctl(s, &rst, now);
    }
}

void tk_syncache_flush(tk_stack *s, uint32_t listener) {
    tk_syncache *c = &s->syncache;
    for (uint32_t i = 0; i < c->cap && c->count > 0; i++)
        if ((c->e[i].flags & TK_SC_USED) && c->e[i].listener == listener)
            entry_free(s, &c->e[i], "listener closed");
}

/* RFC 6298 5.5 backoff from the initial RTO, capped at rto_max. */
static tk_time synack_rto(const tk_stack *s, uint32_t backoff) {
    tk_rtt r;
    tk_rtt_init(&r, s->cfg.rto_initial, s->cfg.rto_min, s->cfg.rto_max);
    return tk_rtt_rto(&r, backoff);
}

/* When the entry gives up: the retry limit, or the listener's
 * TCP_KEEPINIT, whichever comes first. */
static tk_time give_up_at(const tk_tcb *lp, const tk_syn_entry *e) {
    uint32_t ms = tk_cold(lp)->opts.keepinit_ms;
    return ms > 0 ? e->born + TK_MS(ms) : TK_TIME_NEVER;
}

static void arm(tk_stack *s, const tk_tcb *lp, tk_syn_entry *e, tk_time now) {
    e->deadline = now + synack_rto(s, e->rexmits);
    tk_time g = give_up_at(lp, e);
    if (g < e->deadline)
        e->deadline = g;
    if (e->deadline < s->syncache.next)
        s->syncache.next = e->deadline;
}

bool tk_syncache_add(tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    tk_syn_entry proto;
    tk_syncache_fill(s, lp, sg, &proto);
    proto.iss = tk_tcp_iss_for(s, sg->dst, sg->h.dport, sg->src, sg->h.sport, now);
    proto.born = now;
    tk_syn_entry *e = entry_alloc(s, &proto);
    if (e == NULL)
        return false;
#if TK_WITH_IPV6
    if (e->v6)
        (void)tk_seg_a6(sg, &s->syn6[e - s->syncache.e]);
#endif
    trace_state(s, e, TK_TCP_CLOSED, TK_TCP_SYN_RCVD, "rcv SYN");
    s->stats.syncache_added++;
    s->stats.passive_opens++;
    tk_syncache_send_synack(s, lp, e, tk_syncache_a6(s, e), tk_tcp_ts_now(now), false, now);
    arm(s, lp, e, now);
    if (s->cfg.sim_two_way_handshake)
        tk_syncache_two_way(s, lp, e, sg, now);
    return true;
}

/* One entry's timer: resend the SYN-ACK with backoff, or give up. */
static void entry_timer(tk_stack *s, tk_syn_entry *e, tk_time now) {
    const tk_tcb *lp = tk_tcb_at(s, e->listener);
    if (lp == NULL || lp->state != TK_TCP_LISTEN) {
        entry_free(s, e, "listener closed");
        return;
    }
    if (now >= give_up_at(lp, e)) {
        s->stats.conn_timeouts++;
        entry_free(s, e, "connection-establishment timeout");
        return;
    }
    if (e->rexmits >= s->cfg.synack_retries) {
        s->stats.conn_timeouts++;
        entry_free(s, e, "retransmission timeout");
        return;
    }
    e->rexmits++;
    s->stats.rto_timeouts++;
    tk_syncache_send_synack(s, lp, e, tk_syncache_a6(s, e), tk_tcp_ts_now(now), true, now);
    arm(s, lp, e, now);
}

void tk_syncache_poll(tk_stack *s, tk_time now) {
    tk_syncache *c = &s->syncache;
    if (c->count == 0 || now < c->next)
        return;
    tk_time next = TK_TIME_NEVER;
    for (uint32_t i = 0; i < c->cap; i++) {
        tk_syn_entry *e = &c->e[i];
        if ((e->flags & TK_SC_USED) && e->deadline <= now)
            entry_timer(s, e, now);
        if ((e->flags & TK_SC_USED) && e->deadline < next)
            next = e->deadline;
    }
    c->next = next;
}

tk_time tk_syncache_next_deadline(const tk_stack *s) {
    return s->syncache.count > 0 ? s->syncache.next : TK_TIME_NEVER;
}
