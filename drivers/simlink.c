/* The simulated link: frames in flight live in fixed slots, delivered in
 * order of (arrival time, send order) by a queue that holds the keys beside
 * the slot index (simqueue.h: O(1) for frames in arrival order, a heap for
 * the others), so ties keep send order and the queue never reads the
 * (frame-sized) slots. Each direction draws from its own
 * xoshiro256** stream and draws the same number of values per frame whatever the parameters, so
 * changing one fault rate does not reshuffle the others. */
#include "simlink.h"

#include "simqueue.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    tk_time at;
    uint64_t order;
    uint32_t len;
    uint8_t dir;
    uint8_t *buf; /* max_frame bytes of the link's frame area */
} slot;

typedef struct direction {
    tk_simlink_params p;
    tk_simlink_stats st;
    uint64_t rng[4];
    struct {
        tk_time from, to;
    } outage[TK_SIMLINK_MAX_OUTAGES];
    uint32_t n_outages;
    uint32_t in_flight;
    /* Serialization FIFO: end-of-transmission times, non-decreasing. */
    tk_time *txq;
    uint32_t txq_head, txq_count;
    tk_time busy_until;
} direction;

struct tk_simlink {
    slot *slots;
    uint8_t *frames; /* capacity x max_frame */
    uint32_t max_frame;
    tk_simq q;
    tk_simq_ent *q_heap, *q_fifo;
    uint32_t *free_idx;
    uint32_t cap, free_count;
    uint64_t next_order;
    direction d[2];
};

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t v, int k) {
    return (v << k) | (v >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna). */
static uint64_t rng_next(uint64_t s[4]) {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* A value uniform in [0, n) (n > 0), by multiply-shift of the top 32 bits. */
static uint64_t rng_below(uint64_t s[4], uint64_t n) {
    uint64_t r = rng_next(s) >> 32;
    if (n <= UINT32_MAX)
        return (r * n) >> 32;
    return rng_next(s) % n;
}

int tk_simlink_create(tk_simlink **out, uint64_t seed, uint32_t capacity) {
    return tk_simlink_create_sized(out, seed, capacity, TK_SIMLINK_MAX_FRAME);
}

int tk_simlink_create_sized(tk_simlink **out, uint64_t seed, uint32_t capacity,
                            uint32_t max_frame) {
    if (!out || capacity == 0 || max_frame < 60 || max_frame > TK_SIMLINK_MAX_SUPER)
        return -EINVAL;
    tk_simlink *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->cap = capacity;
    l->max_frame = max_frame;
    l->slots = calloc(capacity, sizeof *l->slots);
    l->frames = calloc(capacity, max_frame);
    l->q_heap = calloc(capacity, sizeof *l->q_heap);
    l->q_fifo = calloc(capacity, sizeof *l->q_fifo);
    l->free_idx = calloc(capacity, sizeof *l->free_idx);
    l->d[0].txq = calloc(capacity, sizeof(tk_time));
    l->d[1].txq = calloc(capacity, sizeof(tk_time));
    if (!l->slots || !l->frames || !l->q_heap || !l->q_fifo || !l->free_idx || !l->d[0].txq ||
        !l->d[1].txq) {
        tk_simlink_destroy(l);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < capacity; i++)
        l->slots[i].buf = l->frames + (size_t)i * max_frame;
    tk_simq_init(&l->q, l->q_heap, l->q_fifo, capacity);
    for (uint32_t i = 0; i < capacity; i++)
        l->free_idx[i] = capacity - 1 - i;
    l->free_count = capacity;
    for (int dir = 0; dir < 2; dir++) {
        uint64_t x = seed ^ (dir ? 0x5bd1e9955bd1e995u : 0);
        for (int k = 0; k < 4; k++)
            l->d[dir].rng[k] = splitmix64(&x);
    }
    *out = l;
    return 0;
}

void tk_simlink_destroy(tk_simlink *l) {
    if (!l)
        return;
    free(l->slots);
    free(l->frames);
    free(l->q_heap);
    free(l->q_fifo);
    free(l->free_idx);
    free(l->d[0].txq);
    free(l->d[1].txq);
    free(l);
}

static int bad_dir(int dir) {
    return dir != TK_SIMLINK_AB && dir != TK_SIMLINK_BA;
}

int tk_simlink_set_params(tk_simlink *l, int dir, const tk_simlink_params *p) {
    if (!l || !p || bad_dir(dir) || p->loss_ppm > TK_SIMLINK_PPM || p->dup_ppm > TK_SIMLINK_PPM ||
        p->reorder_ppm > TK_SIMLINK_PPM || p->corrupt_ppm > TK_SIMLINK_PPM)
        return -EINVAL;
    l->d[dir].p = *p;
    return 0;
}

int tk_simlink_get_params(const tk_simlink *l, int dir, tk_simlink_params *out) {
    if (!l || !out || bad_dir(dir))
        return -EINVAL;
    *out = l->d[dir].p;
    return 0;
}

int tk_simlink_add_outage(tk_simlink *l, int dir, tk_time from, tk_time to) {
    if (!l || to <= from || (dir != -1 && bad_dir(dir)))
        return -EINVAL;
    int lo = dir == -1 ? 0 : dir, hi = dir == -1 ? 1 : dir;
    for (int d = lo; d <= hi; d++)
        if (l->d[d].n_outages >= TK_SIMLINK_MAX_OUTAGES)
            return -ENOBUFS;
    for (int d = lo; d <= hi; d++) {
        direction *dd = &l->d[d];
        dd->outage[dd->n_outages].from = from;
        dd->outage[dd->n_outages].to = to;
        dd->n_outages++;
    }
    return 0;
}

int tk_simlink_is_down(const tk_simlink *l, int dir, tk_time t) {
    if (!l || bad_dir(dir))
        return 0;
    const direction *d = &l->d[dir];
    for (uint32_t i = 0; i < d->n_outages; i++)
        if (t >= d->outage[i].from && t < d->outage[i].to)
            return 1;
    return 0;
}

/* Frames still being serialized at `now` after dropping finished ones. */
static uint32_t txq_occupancy(direction *d, tk_time now, uint32_t cap) {
    while (d->txq_count > 0 && d->txq[d->txq_head] <= now) {
        d->txq_head = (d->txq_head + 1) % cap;
        d->txq_count--;
    }
    return d->txq_count;
}

/* Drop-tail on bytes: what the queue still has to put on the wire (the
 * rest of the frame in transmission included) plus this frame. */
static bool over_byte_limit(const direction *d, size_t len, tk_time now) {
    if (d->p.bandwidth_bps == 0 || d->p.queue_limit_bytes == 0)
        return false;
    tk_time left = d->busy_until > now ? d->busy_until - now : 0;
    uint64_t backlog = left * d->p.bandwidth_bps / 8000000u;
    return backlog + len > d->p.queue_limit_bytes;
}

/* End of this frame's transmission: it waits behind the queue, then takes
 * len * 8 / bandwidth seconds on the wire. */
static tk_time serialize(direction *d, size_t len, tk_time now, uint32_t cap) {
    if (d->p.bandwidth_bps == 0)
        return now;
    uint64_t tx_us = ((uint64_t)len * 8u * 1000000u + d->p.bandwidth_bps - 1) / d->p.bandwidth_bps;
    tk_time start = d->busy_until > now ? d->busy_until : now;
    d->busy_until = start + tx_us;
    d->txq[(d->txq_head + d->txq_count) % cap] = d->busy_until;
    d->txq_count++;
    return d->busy_until;
}

/* Sets the ECN field of an IPv4 or IPv6 packet with ECT(0) or ECT(1) to CE,
 * for IPv4 updating the header checksum (RFC 1624: the TOS byte is the low
 * half of the first 16-bit word). Returns false when the frame is not such a
 * packet. */
static bool mark_ce(uint8_t *f, size_t len) {
    /* IPv6 (RFC 8200 3): ECN is the low two bits of the traffic class, the
     * second nibble of the second byte; no header checksum to update. */
    if (len >= 54 && f[12] == 0x86 && f[13] == 0xdd && (f[14] >> 4) == 6) {
        uint8_t ecn = (uint8_t)((f[15] >> 4) & 3u);
        if (ecn == 0 || ecn == 3u)
            return false;
        f[15] |= 0x30u;
        return true;
    }
    if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || (f[15] & 3u) == 0 ||
        (f[15] & 3u) == 3u)
        return false;
    uint32_t old_word = ((uint32_t)f[14] << 8) | f[15];
    f[15] |= 3u;
    uint32_t new_word = ((uint32_t)f[14] << 8) | f[15];
    uint32_t sum = (~(((uint32_t)f[24] << 8) | f[25]) & 0xffffu) + (~old_word & 0xffffu) + new_word;
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    uint16_t csum = (uint16_t)~sum;
    f[24] = (uint8_t)(csum >> 8);
    f[25] = (uint8_t)csum;
    return true;
}

static slot *enqueue(tk_simlink *l, int dir, const uint8_t *frame, size_t len, tk_time at) {
    uint32_t idx = l->free_idx[--l->free_count];
    slot *s = &l->slots[idx];
    s->at = at;
    s->order = l->next_order++;
    s->len = (uint32_t)len;
    s->dir = (uint8_t)dir;
    memcpy(s->buf, frame, len);
    tk_simq_push(&l->q, (tk_simq_ent){at, s->order, idx});
    l->d[dir].in_flight++;
    return s;
}

/* The random draws of one frame, always taken in this order. */
typedef struct draws {
    uint64_t loss, dup, reorder, corrupt, pos, bit, jitter, dup_jitter;
} draws;

static void draw(direction *d, size_t len, draws *r) {
    r->loss = rng_below(d->rng, TK_SIMLINK_PPM);
    r->dup = rng_below(d->rng, TK_SIMLINK_PPM);
    r->reorder = rng_below(d->rng, TK_SIMLINK_PPM);
    r->corrupt = rng_below(d->rng, TK_SIMLINK_PPM);
    r->pos = len > 14 ? 14 + rng_below(d->rng, len - 14) : rng_below(d->rng, len);
    r->bit = rng_below(d->rng, 8);
    r->jitter = rng_below(d->rng, d->p.jitter + 1);
    r->dup_jitter = rng_below(d->rng, d->p.jitter + 1);
}

int tk_simlink_send(tk_simlink *l, int dir, const uint8_t *frame, size_t len, tk_time now,
                    tk_time *deliver_at) {
    if (deliver_at)
        *deliver_at = TK_TIME_NEVER;
    if (!l || bad_dir(dir) || (!frame && len))
        return -EINVAL;
    if (len == 0 || len > l->max_frame)
        return -EMSGSIZE;
    direction *d = &l->d[dir];
    draws r;
    draw(d, len, &r);
    d->st.sent++;
    if (tk_simlink_is_down(l, dir, now)) {
        d->st.down_drops++;
        return TK_SIMLINK_DOWN;
    }
    uint32_t queued = txq_occupancy(d, now, l->cap);
    if (l->free_count == 0 || queued >= l->cap ||
        (d->p.bandwidth_bps && d->p.queue_limit && queued >= d->p.queue_limit) ||
        over_byte_limit(d, len, now)) {
        d->st.queue_drops++;
        return TK_SIMLINK_QUEUE_FULL;
    }
    tk_time at = serialize(d, len, now, l->cap) + d->p.delay + r.jitter;
    if (r.loss < d->p.loss_ppm) {
        d->st.lost++;
        return TK_SIMLINK_LOST;
    }
    int out = TK_SIMLINK_QUEUED;
    if (r.reorder < d->p.reorder_ppm) {
        at += d->p.reorder_delay;
        out |= TK_SIMLINK_REORDERED;
    }
    if (tk_simlink_is_down(l, dir, at)) {
        d->st.down_drops++;
        return TK_SIMLINK_DOWN;
    }
    d->st.reordered += (out & TK_SIMLINK_REORDERED) != 0;
    slot *first = enqueue(l, dir, frame, len, at);
    if (d->p.bandwidth_bps && d->p.ce_threshold && queued >= d->p.ce_threshold &&
        mark_ce(first->buf, len)) {
        d->st.ce_marked++;
        out |= TK_SIMLINK_CE_MARKED;
    }
    if (r.corrupt < d->p.corrupt_ppm) {
        first->buf[r.pos] ^= (uint8_t)(1u << r.bit);
        d->st.corrupted++;
        out |= TK_SIMLINK_CORRUPTED;
    }
    if (r.dup < d->p.dup_ppm && l->free_count > 0) {
        enqueue(l, dir, first->buf, len, at + r.dup_jitter);
        d->st.duplicated++;
        out |= TK_SIMLINK_DUPLICATED;
    }
    if (deliver_at)
        *deliver_at = at;
    return out;
}

tk_time tk_simlink_next_deadline(const tk_simlink *l) {
    tk_simq_ent e;
    return l && tk_simq_peek(&l->q, &e) ? e.at : TK_TIME_NEVER;
}

uint32_t tk_simlink_deliver(tk_simlink *l, tk_time now, tk_simlink_deliver_fn fn, void *ctx) {
    uint32_t n = 0;
    tk_simq_ent e;
    while (l && tk_simq_peek(&l->q, &e) && e.at <= now) {
        uint32_t idx = tk_simq_pop(&l->q);
        slot *s = &l->slots[idx];
        direction *d = &l->d[s->dir];
        d->in_flight--;
        d->st.delivered++;
        d->st.bytes_delivered += s->len;
        /* The slot is freed after the callback: fn may send, and a send
         * must not reuse the buffer fn is reading. */
        if (fn)
            fn(ctx, s->dir, s->buf, s->len, s->at);
        l->free_idx[l->free_count++] = idx;
        n++;
    }
    return n;
}

uint32_t tk_simlink_in_flight(const tk_simlink *l, int dir) {
    if (!l)
        return 0;
    if (dir == -1)
        return l->d[0].in_flight + l->d[1].in_flight;
    return bad_dir(dir) ? 0 : l->d[dir].in_flight;
}

void tk_simlink_flush(tk_simlink *l) {
    while (l && tk_simq_count(&l->q) > 0) {
        uint32_t idx = tk_simq_pop(&l->q);
        direction *d = &l->d[l->slots[idx].dir];
        d->in_flight--;
        d->st.lost++;
        l->free_idx[l->free_count++] = idx;
    }
}

int tk_simlink_get_stats(const tk_simlink *l, int dir, tk_simlink_stats *out) {
    if (!l || !out || bad_dir(dir))
        return -EINVAL;
    *out = l->d[dir].st;
    return 0;
}
