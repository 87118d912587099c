/* The IPv6 neighbour cache (RFC 4861 7.3, Appendix C's state machine). */
#include "net/nd6.h"

#include <string.h>

#include "tcpkit/wire/ndp.h"

size_t tk_nd6_queue_size(uint32_t frame_cap) {
    return (size_t)TK_ND6_QUEUE * frame_cap;
}

void tk_nd6_init(tk_nd6_cache *c, uint8_t *qbuf, uint32_t frame_cap) {
    memset(c, 0, sizeof(*c));
    c->qbuf = qbuf;
    c->q_stride = frame_cap;
}

tk_nd6_entry *tk_nd6_find(tk_nd6_cache *c, const uint8_t addr[16]) {
    for (int i = 0; i < TK_ND6_ENTRIES; i++)
        if (c->e[i].state != TK_ND6_FREE && memcmp(c->e[i].addr, addr, 16) == 0)
            return &c->e[i];
    return NULL;
}

static uint8_t slot_of(const tk_nd6_cache *c, const tk_nd6_entry *e) {
    return (uint8_t)(e - c->e + 1);
}

static bool has_queued(const tk_nd6_cache *c, const tk_nd6_entry *e) {
    for (int i = 0; i < TK_ND6_QUEUE; i++)
        if (c->q[i].slot == slot_of(c, e))
            return true;
    return false;
}

static uint32_t drop_queued(tk_nd6_cache *c, const tk_nd6_entry *e) {
    uint32_t n = 0;
    for (int i = 0; i < TK_ND6_QUEUE; i++)
        if (c->q[i].slot == slot_of(c, e)) {
            c->q[i].slot = 0;
            n++;
        }
    return n;
}

/* A free entry, or the least recently used one not being resolved. */
static tk_nd6_entry *take_entry(tk_nd6_cache *c, const uint8_t addr[16], tk_time now) {
    tk_nd6_entry *victim = NULL;
    for (int i = 0; i < TK_ND6_ENTRIES; i++) {
        tk_nd6_entry *e = &c->e[i];
        if (e->state == TK_ND6_FREE) {
            victim = e;
            break;
        }
        if (e->state != TK_ND6_INCOMPLETE && (victim == NULL || e->used < victim->used))
            victim = e;
    }
    if (victim == NULL)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    memcpy(victim->addr, addr, 16);
    victim->used = now;
    victim->timer = TK_TIME_NEVER;
    return victim;
}

static bool enqueue(tk_nd6_cache *c, const tk_nd6_entry *e, const uint8_t *frame, size_t len) {
    if (len > c->q_stride || c->qbuf == NULL)
        return false;
    for (int i = 0; i < TK_ND6_QUEUE; i++) {
        if (c->q[i].slot != 0)
            continue;
        c->q[i].slot = slot_of(c, e);
        c->q[i].len = (uint32_t)len;
        memcpy(c->qbuf + (size_t)i * c->q_stride, frame, len);
        return true;
    }
    return false;
}

static bool queue_full(const tk_nd6_cache *c) {
    for (int i = 0; i < TK_ND6_QUEUE; i++)
        if (c->q[i].slot == 0)
            return false;
    return true;
}

int tk_nd6_resolve(tk_nd6_cache *c, const uint8_t addr[16], const uint8_t *frame, size_t len,
                   tk_time now, uint8_t mac[6]) {
    tk_nd6_entry *e = tk_nd6_find(c, addr);
    if (e == NULL) {
        if (queue_full(c) || len > c->q_stride || (e = take_entry(c, addr, now)) == NULL)
            return TK_ND6_NO_ROOM;
        e->state = TK_ND6_INCOMPLETE;
        e->probes = 1; /* the caller sends the first solicitation now */
        e->timer = now + TK_ND6_RETRANS_TIMER;
        (void)enqueue(c, e, frame, len);
        return TK_ND6_SOLICIT;
    }
    e->used = now;
    if (e->state == TK_ND6_INCOMPLETE)
        return enqueue(c, e, frame, len) ? TK_ND6_QUEUED : TK_ND6_NO_ROOM;
    if (e->state == TK_ND6_REACHABLE && now >= e->timer)
        e->state = TK_ND6_STALE; /* 7.3.3: reachable time elapsed */
    if (e->state == TK_ND6_STALE) {
        e->state = TK_ND6_DELAY;
        e->timer = now + TK_ND6_DELAY_FIRST_PROBE;
    }
    memcpy(mac, e->mac, 6);
    return TK_ND6_SEND;
}

static void set_reachable(tk_nd6_entry *e, tk_time now) {
    e->state = TK_ND6_REACHABLE;
    e->probes = 0;
    e->timer = now + TK_ND6_REACHABLE_TIME;
}

static void set_stale(tk_nd6_entry *e) {
    e->state = TK_ND6_STALE;
    e->probes = 0;
    e->timer = TK_TIME_NEVER;
}

bool tk_nd6_advert(tk_nd6_cache *c, const uint8_t target[16], uint32_t flags, const uint8_t *mac,
                   tk_time now) {
    tk_nd6_entry *e = tk_nd6_find(c, target);
    if (e == NULL)
        return false; /* 7.2.5: no entry, the advertisement is dropped */
    bool solicited = (flags & TK_ND_NA_SOLICITED) != 0;
    if (e->state == TK_ND6_INCOMPLETE) {
        if (mac == NULL)
            return false;
        memcpy(e->mac, mac, 6);
        e->router = (flags & TK_ND_NA_ROUTER) != 0;
        if (solicited)
            set_reachable(e, now);
        else
            set_stale(e);
        return has_queued(c, e);
    }
    bool differs = mac != NULL && memcmp(mac, e->mac, 6) != 0;
    if (!(flags & TK_ND_NA_OVERRIDE) && differs) {
        if (e->state == TK_ND6_REACHABLE)
            set_stale(e); /* the old address is kept but not trusted */
        return false;
    }
    if (mac != NULL)
        memcpy(e->mac, mac, 6);
    e->router = (flags & TK_ND_NA_ROUTER) != 0;
    if (solicited)
        set_reachable(e, now);
    else if (differs)
        set_stale(e);
    return false;
}

bool tk_nd6_learn(tk_nd6_cache *c, const uint8_t addr[16], const uint8_t mac[6], tk_time now) {
    tk_nd6_entry *e = tk_nd6_find(c, addr);
    if (e == NULL) {
        e = take_entry(c, addr, now);
        if (e == NULL)
            return false;
        memcpy(e->mac, mac, 6);
        set_stale(e);
        return false;
    }
    if (e->state == TK_ND6_INCOMPLETE) {
        memcpy(e->mac, mac, 6);
        set_stale(e);
        return has_queued(c, e);
    }
    if (memcmp(e->mac, mac, 6) != 0) {
        memcpy(e->mac, mac, 6);
        set_stale(e);
    }
    return false;
}

uint32_t tk_nd6_flush(tk_nd6_cache *c, const uint8_t addr[16], tk_nd6_send_fn fn, void *ctx) {
    tk_nd6_entry *e = tk_nd6_find(c, addr);
    if (e == NULL)
        return 0;
    uint32_t n = 0;
    for (int i = 0; i < TK_ND6_QUEUE; i++) {
        if (c->q[i].slot != slot_of(c, e))
            continue;
        uint8_t *f = c->qbuf + (size_t)i * c->q_stride;
        memcpy(f, e->mac, 6);
        c->q[i].slot = 0;
        fn(ctx, f, c->q[i].len);
        n++;
    }
    return n;
}

/* One entry's timer fired; returns the frames dropped. */
static uint32_t fire(tk_nd6_cache *c, tk_nd6_entry *e, tk_time now, tk_nd6_solicit_fn solicit,
                     void *ctx) {
    switch (e->state) {
    case TK_ND6_REACHABLE:
        set_stale(e);
        return 0;
    case TK_ND6_DELAY:
    case TK_ND6_PROBE:
    case TK_ND6_INCOMPLETE: {
        if (e->state == TK_ND6_DELAY) {
            e->state = TK_ND6_PROBE; /* the first unicast probe goes now */
            e->probes = 0;
        }
        bool unicast = e->state == TK_ND6_PROBE;
        uint8_t max = unicast ? TK_ND6_MAX_UNICAST_SOLICIT : TK_ND6_MAX_MULTICAST_SOLICIT;
        if (e->probes >= max) {
            uint32_t n = drop_queued(c, e);
            e->state = TK_ND6_FREE; /* 7.3.3: unreachable, the entry goes */
            return n;
        }
        e->probes++;
        e->timer = now + TK_ND6_RETRANS_TIMER;
        solicit(ctx, e, unicast);
        return 0;
    }
    default:
        e->timer = TK_TIME_NEVER;
        return 0;
    }
}

uint32_t tk_nd6_poll(tk_nd6_cache *c, tk_time now, tk_nd6_solicit_fn solicit, void *ctx) {
    uint32_t dropped = 0;
    for (int i = 0; i < TK_ND6_ENTRIES; i++) {
        tk_nd6_entry *e = &c->e[i];
        if (e->state != TK_ND6_FREE && e->timer <= now)
            dropped += fire(c, e, now, solicit, ctx);
    }
    return dropped;
}

tk_time tk_nd6_next_deadline(const tk_nd6_cache *c) {
    tk_time t = TK_TIME_NEVER;
    for (int i = 0; i < TK_ND6_ENTRIES; i++)
        if (c->e[i].state != TK_ND6_FREE && c->e[i].timer < t)
            t = c->e[i].timer;
    return t;
}

uint32_t tk_nd6_queued(const tk_nd6_cache *c) {
    uint32_t n = 0;
    for (int i = 0; i < TK_ND6_QUEUE; i++)
        n += c->q[i].slot != 0;
    return n;
}
