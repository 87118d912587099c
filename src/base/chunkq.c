/* Byte queues over a shared chunk pool (see chunkq.h). Byte x of a queue
 * (counted from its committed start) lives in chunk number
 * (hoff + x) / size of the queue's list, at offset (hoff + x) % size. */
#include "base/chunkq.h"

#include <string.h>

static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

size_t tk_chunk_pool_data_size(uint32_t size, uint32_t count) {
    return (size_t)size * count;
}

size_t tk_chunk_pool_link_size(uint32_t count) {
    return sizeof(uint32_t) * (size_t)count;
}

void tk_chunk_pool_init(tk_chunk_pool *p, void *data, uint32_t *links, uint32_t size,
                        uint32_t count) {
    p->mem = data;
    p->next = links;
    p->size = size;
    p->shift = 0;
    while ((1u << p->shift) < size)
        p->shift++;
    p->cap = data != NULL && links != NULL ? count : 0;
    p->fresh = 0;
    p->free_head = TK_CHUNK_NIL;
    p->used = p->reserved = p->snd_used = p->peak = p->failures = 0;
}

/* The send queues' share: the pool less a quarter rounded up, so windows
 * can always reach a quarter of the pool's bytes. */
static uint32_t snd_limit(const tk_chunk_pool *p) {
    return p->cap - (p->cap + 3u) / 4u;
}

/* Free chunks a window may reserve: all but those sends could still take
 * within their share, and at most a quarter of the pool (at least one
 * chunk) is kept for them. */
static uint32_t reservable(const tk_chunk_pool *p) {
    uint32_t keep = p->cap / 4u > 0 ? p->cap / 4u : 1u;
    uint32_t snd_room = p->snd_used < snd_limit(p) ? snd_limit(p) - p->snd_used : 0;
    keep = keep < snd_room ? keep : snd_room;
    uint32_t avail = tk_chunk_pool_available(p);
    return avail > keep ? avail - keep : 0;
}

uint64_t tk_chunk_pool_reservable(const tk_chunk_pool *p) {
    return (uint64_t)reservable(p) * p->size;
}

/* A chunk for q: from q's reservation when it has one, else an unreserved
 * one. Recently returned chunks first (likely still in cache); untouched
 * memory only when none was returned. */
static uint32_t pool_take(tk_chunk_pool *p, tk_chunkq *q) {
    if (q->resv > 0) {
        q->resv--;
        p->reserved--;
    } else if (tk_chunk_pool_available(p) == 0 || (q->send && p->snd_used >= snd_limit(p))) {
        p->failures++;
        return TK_CHUNK_NIL;
    }
    if (q->send)
        p->snd_used++;
    uint32_t c = p->free_head;
    if (c != TK_CHUNK_NIL)
        p->free_head = p->next[c];
    else
        c = p->fresh++;
    p->next[c] = TK_CHUNK_NIL;
    if (++p->used > p->peak)
        p->peak = p->used;
    return c;
}

static void pool_give(tk_chunk_pool *p, const tk_chunkq *q, uint32_t c) {
    p->next[c] = p->free_head;
    p->free_head = c;
    p->used--;
    if (q->send)
        p->snd_used--;
}

static uint8_t *chunk_at(const tk_chunk_pool *p, uint32_t c) {
    return p->mem + (size_t)c * p->size;
}

void tk_chunkq_init(tk_chunkq *q, uint32_t cap, bool send) {
    q->send = send;
    q->head = q->tail = q->cur = TK_CHUNK_NIL;
    q->len = 0;
    q->cap = cap;
    q->resv = 0;
    q->hoff = q->held = q->cur_k = 0;
}

void tk_chunkq_set_cap(tk_chunkq *q, uint32_t cap) {
    q->cap = cap < q->len ? q->len : cap;
}

void tk_chunkq_release(tk_chunk_pool *p, tk_chunkq *q) {
    for (uint32_t c = q->head; c != TK_CHUNK_NIL;) {
        uint32_t nx = p->next[c];
        pool_give(p, q, c);
        c = nx;
    }
    p->reserved -= q->resv;
    tk_chunkq_init(q, q->cap, q->send);
}

/* Bytes the held chunks can store, counted from the committed start. */
static uint32_t held_room(const tk_chunk_pool *p, const tk_chunkq *q) {
    return (uint32_t)q->held * p->size - q->hoff;
}

/* Grows the list until it stores bytes [0, end); false when the pool or the
 * per-queue chunk count ran out first. */
static int extend_to(tk_chunk_pool *p, tk_chunkq *q, uint32_t end) {
    while (held_room(p, q) < end) {
        if (q->held == TK_CHUNKQ_MAX_CNT)
            return 0;
        uint32_t c = pool_take(p, q);
        if (c == TK_CHUNK_NIL)
            return 0;
        if (q->tail == TK_CHUNK_NIL)
            q->head = c;
        else
            p->next[q->tail] = c;
        q->tail = c;
        q->held++;
    }
    return 1;
}

/* The chunk at list position k (< held), walking from the cursor when it
 * is not past k; the cursor moves there. */
static uint32_t chunk_no(const tk_chunk_pool *p, tk_chunkq *q, uint32_t k) {
    if (k + 1u == q->held)
        return q->tail;
    uint32_t c = q->head, at = 0;
    if (q->cur != TK_CHUNK_NIL && q->cur_k <= k) {
        c = q->cur;
        at = q->cur_k;
    }
    for (; at < k; at++)
        c = p->next[c];
    q->cur = c;
    q->cur_k = (uint16_t)k;
    return c;
}

/* Copies between `buf` and queue bytes [pos, pos + n) (pos from the start
 * of the head chunk, all stored). */
static void copy_span(const tk_chunk_pool *p, tk_chunkq *q, uint32_t pos, uint8_t *buf, uint32_t n,
                      int to_queue) {
    uint32_t c = chunk_no(p, q, pos >> p->shift);
    uint32_t in = pos & (p->size - 1u);
    while (n > 0) {
        uint32_t k = min_u32(n, p->size - in);
        uint8_t *at = chunk_at(p, c) + in;
        if (to_queue)
            memcpy(at, buf, k);
        else
            memcpy(buf, at, k);
        buf += k;
        n -= k;
        in = 0;
        if (n > 0)
            c = p->next[c];
    }
}

uint32_t tk_chunkq_prepare(tk_chunk_pool *p, tk_chunkq *q, uint32_t n) {
    n = min_u32(n, tk_chunkq_free(q));
    if (n == 0)
        return 0;
    (void)extend_to(p, q, q->len + n);
    return min_u32(n, tk_chunkq_room(p, q));
}

uint32_t tk_chunkq_room(const tk_chunk_pool *p, const tk_chunkq *q) {
    uint32_t room = q->held == 0 ? 0 : held_room(p, q);
    return room > q->len ? min_u32(room - q->len, tk_chunkq_free(q)) : 0;
}

uint32_t tk_chunkq_spans(const tk_chunk_pool *p, tk_chunkq *q, uint32_t off, uint32_t n,
                         tk_chunk_span *out, uint32_t max) {
    uint32_t room = q->held == 0 ? 0 : held_room(p, q);
    if (off >= room || n == 0 || max == 0)
        return 0;
    n = min_u32(n, room - off);
    uint32_t pos = q->hoff + off;
    uint32_t c = chunk_no(p, q, pos >> p->shift);
    uint32_t in = pos & (p->size - 1u), used = 0;
    while (n > 0 && used < max) {
        uint32_t k = min_u32(n, p->size - in);
        out[used].data = chunk_at(p, c) + in;
        out[used++].len = k;
        n -= k;
        in = 0;
        if (n > 0)
            c = p->next[c];
    }
    return used;
}

uint32_t tk_chunkq_write_at(tk_chunk_pool *p, tk_chunkq *q, uint32_t off, const void *data,
                            uint32_t n) {
    uint32_t space = tk_chunkq_free(q);
    if (off >= space || n == 0)
        return 0;
    n = min_u32(n, space - off);
    uint32_t start = q->len + off;
    extend_to(p, q, start + n);
    uint32_t room = held_room(p, q);
    if (room <= start)
        return 0;
    n = min_u32(n, room - start);
    copy_span(p, q, q->hoff + start, (uint8_t *)(uintptr_t)data, n, 1);
    return n;
}

uint32_t tk_chunkq_write(tk_chunk_pool *p, tk_chunkq *q, const void *data, uint32_t n) {
    uint32_t w = tk_chunkq_write_at(p, q, 0, data, n);
    q->len += w;
    return w;
}

void tk_chunkq_commit(const tk_chunk_pool *p, tk_chunkq *q, uint32_t n) {
    uint32_t stored = q->held == 0 ? 0 : held_room(p, q) - q->len;
    q->len += min_u32(min_u32(n, tk_chunkq_free(q)), stored);
}

uint32_t tk_chunkq_peek(const tk_chunk_pool *p, tk_chunkq *q, uint32_t off, void *out, uint32_t n) {
    if (off >= q->len)
        return 0;
    n = min_u32(n, q->len - off);
    if (n > 0)
        copy_span(p, q, q->hoff + off, out, n, 0);
    return n;
}

uint32_t tk_chunkq_drop(tk_chunk_pool *p, tk_chunkq *q, uint32_t n) {
    n = min_u32(n, q->len);
    q->len -= n;
    uint32_t pos = q->hoff + n, freed = 0;
    /* Chunks wholly before the new start go back; a chunk that still holds
     * pending (out-of-order) bytes stays, and so does a partly read one. */
    while (q->head != TK_CHUNK_NIL && pos >= p->size) {
        uint32_t c = q->head;
        q->head = p->next[c];
        pool_give(p, q, c);
        q->held--;
        pos -= p->size;
        freed++;
    }
    if (q->head == TK_CHUNK_NIL) {
        q->tail = TK_CHUNK_NIL;
        pos = 0;
    }
    q->hoff = (uint16_t)pos;
    if (q->cur != TK_CHUNK_NIL && q->cur_k >= freed)
        q->cur_k = (uint16_t)(q->cur_k - freed);
    else
        q->cur = TK_CHUNK_NIL;
    if (q->send && q->len == 0) /* a send queue holds no pending bytes */
        tk_chunkq_shrink(p, q);
    return n;
}

uint32_t tk_chunkq_read(tk_chunk_pool *p, tk_chunkq *q, void *out, uint32_t n) {
    return tk_chunkq_drop(p, q, tk_chunkq_peek(p, q, 0, out, n));
}

void tk_chunkq_shrink(tk_chunk_pool *p, tk_chunkq *q) {
    if (q->len == 0) {
        uint32_t cap = q->cap, resv = q->resv;
        q->resv = 0;
        tk_chunkq_release(p, q); /* keeps the reservation: it backs a window */
        q->cap = cap;
        q->resv = resv;
        return;
    }
    uint32_t keep = (q->hoff + q->len + p->size - 1u) >> p->shift;
    if (keep >= q->held)
        return;
    uint32_t last = chunk_no(p, q, keep - 1u);
    for (uint32_t c = p->next[last]; c != TK_CHUNK_NIL;) {
        uint32_t nx = p->next[c];
        pool_give(p, q, c);
        c = nx;
    }
    p->next[last] = TK_CHUNK_NIL;
    q->tail = last;
    q->held = (uint16_t)keep;
    if (q->cur_k >= keep)
        q->cur = TK_CHUNK_NIL;
}

/* Chunks needed to store bytes [0, end) from the committed start. */
static uint32_t chunks_for(const tk_chunk_pool *p, const tk_chunkq *q, uint32_t end) {
    uint64_t bytes = (uint64_t)q->hoff + end;
    uint64_t k = (bytes + p->size - 1u) >> p->shift;
    return k > TK_CHUNKQ_MAX_CNT ? TK_CHUNKQ_MAX_CNT : (uint32_t)k;
}

uint32_t tk_chunkq_back(tk_chunk_pool *p, tk_chunkq *q, uint32_t end) {
    uint32_t want = chunks_for(p, q, min_u32(end, q->cap));
    if (q->held + q->resv > want) { /* more than the window needs: give it back */
        uint32_t give = min_u32(q->resv, q->held + q->resv - want);
        q->resv -= give;
        p->reserved -= give;
    } else if (want > q->held + q->resv && !q->send) {
        uint32_t more = min_u32(want - q->held - q->resv, reservable(p));
        q->resv += more;
        p->reserved += more;
    }
    uint64_t room = ((uint64_t)(q->held + q->resv) << p->shift) - q->hoff;
    return room < end ? (uint32_t)room : end;
}
