/* ARP cache with expiry and a bounded queue of frames waiting for
 * resolution. Tables are small (tens of entries), so lookups are linear;
 * the earliest retry is cached (c->next) so that a poll or a deadline query
 * with nothing due costs O(1) (docs/engine.md, timers). */
#include <errno.h>
#include <string.h>

#include "net/arp.h"

static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

size_t tk_arp_mem_size(const tk_config *cfg, uint32_t frame_cap) {
    return align8(sizeof(tk_arp_entry) * cfg->arp_cache_size) +
           align8(sizeof(tk_arp_qent) * cfg->arp_queue_frames) +
           align8((size_t)frame_cap * cfg->arp_queue_frames);
}

void tk_arp_init(tk_arp_cache *c, void *mem, const tk_config *cfg, uint32_t frame_cap) {
    uint8_t *p = mem;
    memset(c, 0, sizeof(*c));
    memset(mem, 0, tk_arp_mem_size(cfg, frame_cap));
    c->e = (tk_arp_entry *)(void *)p;
    c->n = cfg->arp_cache_size;
    p += align8(sizeof(tk_arp_entry) * c->n);
    c->q = (tk_arp_qent *)(void *)p;
    c->q_n = cfg->arp_queue_frames;
    p += align8(sizeof(tk_arp_qent) * c->q_n);
    c->qbuf = p;
    c->q_stride = frame_cap;
    c->ttl = cfg->arp_ttl;
    c->retry = cfg->arp_retry_interval;
    c->retries = cfg->arp_retries;
    c->next = TK_TIME_NEVER;
}

/* The earliest retry of an INCOMPLETE entry: the only deadlines the cache
 * has (REACHABLE entries expire lazily, at lookup). */
static tk_time earliest_retry(const tk_arp_cache *c) {
    tk_time t = TK_TIME_NEVER;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].state == TK_ARP_INCOMPLETE && c->e[i].expires < t)
            t = c->e[i].expires;
    return t;
}

static void note_retry(tk_arp_cache *c, tk_time t) {
    if (t < c->next)
        c->next = t;
}

static tk_arp_entry *find(const tk_arp_cache *c, uint32_t addr) {
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].state != TK_ARP_FREE && c->e[i].addr == addr)
            return &c->e[i];
    return NULL;
}

/* A free entry, else the resolved entry closest to expiry (RFC 1122 2.3.2.1
 * allows any replacement policy); NULL when every entry is resolving. */
static tk_arp_entry *take_slot(tk_arp_cache *c) {
    tk_arp_entry *victim = NULL;
    for (uint32_t i = 0; i < c->n; i++) {
        tk_arp_entry *e = &c->e[i];
        if (e->state == TK_ARP_FREE)
            return e;
        if (e->state == TK_ARP_REACHABLE && (victim == NULL || e->expires < victim->expires))
            victim = e;
    }
    return victim;
}

bool tk_arp_lookup(const tk_arp_cache *c, uint32_t addr, tk_time now, uint8_t mac[6]) {
    const tk_arp_entry *e = find(c, addr);
    if (e == NULL || e->state != TK_ARP_REACHABLE || now >= e->expires)
        return false;
    memcpy(mac, e->mac, 6);
    return true;
}

const tk_arp_entry *tk_arp_find(const tk_arp_cache *c, uint32_t addr) {
    return find(c, addr);
}

bool tk_arp_poll_due(tk_arp_cache *c, uint32_t addr, tk_time now) {
    tk_arp_entry *e = find(c, addr);
    if (e == NULL || e->state != TK_ARP_REACHABLE || now >= e->expires)
        return false;
    tk_time window = c->retry * (tk_time)(c->retries > 0 ? c->retries : 1u);
    if (now + window < e->expires || (e->asked && now < e->polled + c->retry))
        return false;
    e->asked = true;
    e->polled = now;
    return true;
}

bool tk_arp_learn(tk_arp_cache *c, uint32_t addr, const uint8_t mac[6], bool create, tk_time now) {
    tk_arp_entry *e = find(c, addr);
    if (e == NULL) {
        if (!create || (e = take_slot(c)) == NULL)
            return false;
        e->addr = addr;
        e->state = TK_ARP_FREE;
    }
    bool waiting = e->state == TK_ARP_INCOMPLETE;
    memcpy(e->mac, mac, 6);
    e->state = TK_ARP_REACHABLE;
    e->tries = 0;
    e->asked = false;
    e->expires = now + c->ttl;
    if (waiting) /* a resolution ends: once per reply, never per poll */
        c->next = earliest_retry(c);
    return waiting;
}

static void drop_queued(tk_arp_cache *c, uint32_t addr, uint32_t *count) {
    for (uint32_t i = 0; i < c->q_n; i++) {
        if (c->q[i].hop == addr) {
            c->q[i].hop = 0;
            (*count)++;
        }
    }
}

int tk_arp_enqueue(tk_arp_cache *c, uint32_t hop, const uint8_t *frame, size_t len, tk_time now) {
    if (len > c->q_stride || len < 6 || hop == 0)
        return -EMSGSIZE;
    tk_arp_entry *e = find(c, hop);
    int need_request = 0;
    if (e == NULL || e->state != TK_ARP_INCOMPLETE) {
        if (e == NULL && (e = take_slot(c)) == NULL)
            return -ENOBUFS;
        e->addr = hop;
        e->state = TK_ARP_INCOMPLETE;
        e->asked = true;
        e->tries = 1;
        e->expires = now + c->retry;
        need_request = 1;
        note_retry(c, e->expires);
    }
    for (uint32_t i = 0; i < c->q_n; i++) {
        if (c->q[i].hop != 0)
            continue;
        c->q[i].hop = hop;
        c->q[i].len = (uint32_t)len;
        memcpy(c->qbuf + (size_t)i * c->q_stride, frame, len);
        return need_request;
    }
    /* No room: the frame is dropped, but the resolution still goes ahead
     * (at the next poll) so that the transport's retransmission finds the
     * address. */
    if (need_request) {
        e->tries = 0;
        e->expires = now;
        note_retry(c, now);
    }
    return -ENOBUFS;
}

uint32_t tk_arp_flush(tk_arp_cache *c, uint32_t addr, tk_arp_send_fn fn, void *ctx) {
    const tk_arp_entry *e = find(c, addr);
    if (e == NULL || e->state != TK_ARP_REACHABLE)
        return 0;
    uint32_t sent = 0;
    /* Slots fill lowest first, so index order is close to arrival order;
     * TCP tolerates the rest. */
    for (uint32_t i = 0; i < c->q_n; i++) {
        if (c->q[i].hop != addr)
            continue;
        uint8_t *f = c->qbuf + (size_t)i * c->q_stride;
        memcpy(f, e->mac, 6);
        c->q[i].hop = 0;
        fn(ctx, f, c->q[i].len);
        sent++;
    }
    return sent;
}

uint32_t tk_arp_poll(tk_arp_cache *c, tk_time now, tk_arp_request_fn want_request, void *ctx) {
    uint32_t dropped = 0;
    if (now < c->next)
        return 0;
    for (uint32_t i = 0; i < c->n; i++) {
        tk_arp_entry *e = &c->e[i];
        if (e->state != TK_ARP_INCOMPLETE || now < e->expires)
            continue;
        if (e->tries >= c->retries) {
            drop_queued(c, e->addr, &dropped);
            e->state = TK_ARP_FREE;
            continue;
        }
        e->tries++;
        e->expires = now + c->retry;
        want_request(ctx, e->addr);
    }
    c->next = earliest_retry(c);
    return dropped;
}

tk_time tk_arp_next_deadline(const tk_arp_cache *c) {
    return c->next;
}

uint32_t tk_arp_queued(const tk_arp_cache *c) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->q_n; i++)
        n += c->q[i].hop != 0;
    return n;
}
