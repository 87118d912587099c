/* Finding connections: a SipHash-keyed 4-tuple table for TCBs, a listen
 * table by port, a bind table for explicitly bound sockets, and RFC 6056
 * ephemeral port selection. Chains link TCB pool indices. */
#include <errno.h>
#include <string.h>

#include "base/siphash.h"
#include "tcp/addr6.h"
#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcp/timewait.h"
#include "tcpkit/shard.h"

/* SipHash-1-3 of (laddr, raddr, lport, rport, 0) keyed by the stack's hash
 * key: buckets an attacker cannot aim at, at about half SipHash-2-4's cost. */
uint32_t tk_tuple_hash(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                       uint16_t rport) {
    uint64_t k[2];
    memcpy(k, s->hash_key, sizeof k);
    uint64_t m0 = (uint64_t)laddr | (uint64_t)raddr << 32;
    uint64_t m1 = (uint64_t)lport | (uint64_t)rport << 16;
    return (uint32_t)tk_siphash13_2w(k[0], k[1], m0, m1);
}

void tk_demux_insert(tk_stack *s, tk_tcb *tp) {
    uint32_t b = tk_tuple_hash(s, tp->laddr, tp->lport, tp->raddr, tp->rport) & s->conn_mask;
    tp->hash_next = s->conn_hash[b];
    s->conn_hash[b] = tp->index;
    tp->flags |= TK_TF_IN_HASH;
}

void tk_demux_remove(tk_stack *s, tk_tcb *tp) {
    uint32_t b = tk_tuple_hash(s, tp->laddr, tp->lport, tp->raddr, tp->rport) & s->conn_mask;
    uint32_t *link = &s->conn_hash[b];
    while (*link != TK_NIL && *link != tp->index)
        link = &tk_tcb_at(s, *link)->hash_next;
    if (*link == tp->index)
        *link = tp->hash_next;
    tp->hash_next = TK_NIL;
    tp->flags &= ~TK_TF_IN_HASH;
}

/* The 4-tuple is tp's: for IPv6 (l6 != NULL) the folds match first, then
 * the addresses themselves (tcp/addr6.h); an IPv4 tuple never matches an
 * IPv6 connection whose folds happen to equal its addresses. */
static bool tuple_match(const tk_stack *s, const tk_tcb *tp, uint32_t laddr, uint16_t lport,
                        uint32_t raddr, uint16_t rport, const uint8_t *l6, const uint8_t *r6) {
    if (tp->lport != lport || tp->rport != rport || tp->laddr != laddr || tp->raddr != raddr)
        return false;
    if (l6 == NULL)
        return !(tp->flags & TK_TF_V6);
#if TK_WITH_IPV6
    const tk_a6pair *a = tk_tcb_a6(s, tp);
    return (tp->flags & TK_TF_V6) && memcmp(a->l, l6, 16) == 0 && memcmp(a->r, r6, 16) == 0;
#else
    (void)s, (void)r6;
    return false;
#endif
}

tk_tcb *tk_demux_lookup(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport, const uint8_t *l6, const uint8_t *r6) {
    uint32_t b = tk_tuple_hash(s, laddr, lport, raddr, rport) & s->conn_mask;
    for (uint32_t i = s->conn_hash[b]; i != TK_NIL;) {
        tk_tcb *tp = tk_tcb_at(s, i);
        if (tuple_match(s, tp, laddr, lport, raddr, rport, l6, r6))
            return tp;
        i = tp->hash_next;
    }
    return NULL;
}

tk_tcb *tk_demux_lookup_hint(tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                             uint16_t rport, const uint8_t *l6, const uint8_t *r6) {
    tk_tcb *tp = tk_tcb_at(s, s->demux_last);
    /* Valid only while that TCB is in the hash with the same 4-tuple. */
    if (tp != NULL && (tp->flags & TK_TF_IN_HASH) &&
        tuple_match(s, tp, laddr, lport, raddr, rport, l6, r6))
        return tp;
    tp = tk_demux_lookup(s, laddr, lport, raddr, rport, l6, r6);
    if (tp != NULL)
        s->demux_last = tp->index;
    return tp;
}

static uint32_t port_bucket(uint16_t port, uint32_t mask) {
    return ((uint32_t)port * 2654435761u >> 8) & mask;
}

void tk_listen_insert(tk_stack *s, tk_tcb *tp) {
    uint32_t b = port_bucket(tp->lport, TK_LISTEN_BUCKETS - 1);
    tp->hash_next = s->listen_hash[b];
    s->listen_hash[b] = tp->index;
    tp->flags |= TK_TF_IN_LISTEN;
}

void tk_listen_remove(tk_stack *s, tk_tcb *tp) {
    tk_syncache_flush(s, tp->index); /* its half-open connections go too */
    uint32_t b = port_bucket(tp->lport, TK_LISTEN_BUCKETS - 1);
    uint32_t *link = &s->listen_hash[b];
    while (*link != TK_NIL && *link != tp->index)
        link = &tk_tcb_at(s, *link)->hash_next;
    if (*link == tp->index)
        *link = tp->hash_next;
    tp->hash_next = TK_NIL;
    tp->flags &= ~TK_TF_IN_LISTEN;
}

/* tp is bound to exactly laddr (the IPv6 address l6 when not NULL). */
static bool bound_exactly(const tk_stack *s, const tk_tcb *tp, uint32_t laddr, const uint8_t *l6) {
    if (tp->laddr != laddr || laddr == 0)
        return false;
    if (l6 == NULL)
        return !(tp->flags & TK_TF_V6);
#if TK_WITH_IPV6
    return (tp->flags & TK_TF_V6) && memcmp(tk_tcb_a6(s, tp)->l, l6, 16) == 0;
#else
    (void)s;
    return false;
#endif
}

/* An exact address match wins over a wildcard (0) listener. The wildcard
 * takes both families, IPv4 not when IPV6_V6ONLY is set (NET-4). */
tk_tcb *tk_listen_lookup(const tk_stack *s, uint32_t laddr, uint16_t lport, const uint8_t *l6) {
    uint32_t b = port_bucket(lport, TK_LISTEN_BUCKETS - 1);
    tk_tcb *wild = NULL;
    for (uint32_t i = s->listen_hash[b]; i != TK_NIL;) {
        tk_tcb *tp = tk_tcb_at(s, i);
        if (tp->lport == lport) {
            if (bound_exactly(s, tp, laddr, l6))
                return tp;
            if (tp->laddr == 0 && (l6 != NULL || !(tp->flags & TK_TF_V6ONLY)))
                wild = tp;
        }
        i = tp->hash_next;
    }
    return wild;
}

void tk_bind_insert(tk_stack *s, tk_tcb *tp) {
    uint32_t b = port_bucket(tp->lport, s->bind_mask);
    tk_cold(tp)->bind_prev = TK_NIL;
    tk_cold(tp)->bind_next = s->bind_hash[b];
    if (tk_cold(tp)->bind_next != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->bind_next))->bind_prev = tp->index;
    s->bind_hash[b] = tp->index;
    tp->flags |= TK_TF_IN_BIND;
}

void tk_bind_remove(tk_stack *s, tk_tcb *tp) {
    uint32_t b = port_bucket(tp->lport, s->bind_mask);
    if (tk_cold(tp)->bind_prev != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->bind_prev))->bind_next = tk_cold(tp)->bind_next;
    else
        s->bind_hash[b] = tk_cold(tp)->bind_next;
    if (tk_cold(tp)->bind_next != TK_NIL)
        tk_cold(tk_tcb_at(s, tk_cold(tp)->bind_next))->bind_prev = tk_cold(tp)->bind_prev;
    tk_cold(tp)->bind_next = tk_cold(tp)->bind_prev = TK_NIL;
    tp->flags &= ~TK_TF_IN_BIND;
}

static bool port_bound(const tk_stack *s, const tk_tcb *self, uint32_t addr, uint16_t port) {
    uint32_t b = port_bucket(port, s->bind_mask);
    for (uint32_t i = s->bind_hash[b]; i != TK_NIL;) {
        const tk_tcb *tp = tk_tcb_at(s, i);
        if (tp != self && tp->lport == port && (tp->laddr == 0 || addr == 0 || tp->laddr == addr))
            return true;
        i = tk_cold(tp)->bind_next;
    }
    return false;
}

const tk_tcb *tk_bind_lookup(const tk_stack *s, uint32_t laddr, uint16_t lport) {
    uint32_t b = port_bucket(lport, s->bind_mask);
    const tk_tcb *wild = NULL;
    for (uint32_t i = s->bind_hash[b]; i != TK_NIL;) {
        const tk_tcb *tp = tk_tcb_at(s, i);
        /* Never connected: a connection's own 4-tuple would have matched. */
        if (tp->lport == lport && tp->state == TK_TCP_CLOSED && tp->raddr == 0) {
            if (tp->laddr == laddr)
                return tp;
            if (tp->laddr == 0 && wild == NULL)
                wild = tp;
        }
        i = tk_cold(tp)->bind_next;
    }
    return wild;
}

/* CM-10: a port held by another socket, or by TIME_WAIT connections unless
 * SO_REUSEADDR, is in use. The TIME_WAIT test walks the TIME_WAIT list: it
 * runs on bind(), never per packet. */
int tk_bind_check(const tk_stack *s, const tk_tcb *tp, uint32_t addr, uint16_t port) {
    if (port_bound(s, tp, addr, port))
        return -EADDRINUSE;
    if (!(tk_cold(tp)->opts.flags & TK_SOF_REUSEADDR) && tk_tw_port_in_use(s, port))
        return -EADDRINUSE;
    return 0;
}

/* For IPv6 (tcp/addr6.h), the folds: a fold collision only skips a port. */
static bool tuple_free(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                       uint16_t rport, bool v6) {
    if (TK_WITH_IPV6 && v6)
        return !tk_demux_fold_used(s, laddr, lport, raddr, rport) &&
               !tk_tw_fold_used(s, lport, raddr, rport);
    return tk_demux_lookup(s, laddr, lport, raddr, rport, NULL, NULL) == NULL &&
           tk_tw_lookup(s, laddr, lport, raddr, rport) == NULL;
}

bool tk_demux_fold_used(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport) {
    uint32_t b = tk_tuple_hash(s, laddr, lport, raddr, rport) & s->conn_mask;
    for (uint32_t i = s->conn_hash[b]; i != TK_NIL;) {
        const tk_tcb *tp = tk_tcb_at(s, i);
        if (tp->lport == lport && tp->rport == rport && tp->laddr == laddr && tp->raddr == raddr)
            return true;
        i = tp->hash_next;
    }
    return false;
}

/* RFC 6056 3.3.1 (Algorithm 1): a random starting point, then sequential
 * search over the range, skipping bound ports and 4-tuples in use or in
 * TIME_WAIT (CM-15), and, in a sharded stack, ports whose flow RSS steers
 * to another shard (NET-8: about (count - 1) / count of them). */
/* NET-8: the shard RSS steers the flow to (either direction). */
static uint32_t flow_shard(const tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                           uint16_t rport, const tk_a6pair *a6) {
    if (a6 != NULL)
        return tk_flow_shard_v6(a6->l, lport, a6->r, rport, s->cfg.shard_count);
    return tk_flow_shard_v4(laddr, lport, raddr, rport, s->cfg.shard_count);
}

int tk_port_pick(tk_stack *s, const tk_tcb *tp, uint32_t laddr, uint32_t raddr, uint16_t rport,
                 const tk_a6pair *a6) {
    uint32_t lo = s->cfg.ephemeral_lo;
    uint32_t num = (uint32_t)s->cfg.ephemeral_hi - lo + 1u;
    uint32_t r = s->io.random ? s->io.random(s->io.ctx) : 0;
    uint32_t next = r % num;
    for (uint32_t count = 0; count < num; count++) {
        uint16_t port = (uint16_t)(lo + (next + count) % num);
        if (port_bound(s, tp, laddr, port))
            continue;
        if (raddr == 0) {
            if (!tk_tw_port_in_use(s, port))
                return port;
            continue;
        }
        if (TK_WITH_SHARDS && s->cfg.shard_count > 1 &&
            flow_shard(s, laddr, port, raddr, rport, a6) != s->cfg.shard_index)
            continue; /* NET-8: its frames would be steered to another shard */
        if (tuple_free(s, laddr, port, raddr, rport, a6 != NULL))
            return port;
    }
    return -EADDRNOTAVAIL;
}
