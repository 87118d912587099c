/* Transmit backlog slots: a length word, the offload requests, then the
 * frame. */
#include "net/txq.h"

#include <string.h>

#define HDR (sizeof(uint32_t) + sizeof(tk_link_tx))

static size_t slot_size(uint32_t frame_cap) {
    return ((size_t)frame_cap + HDR + 3u) & ~(size_t)3u;
}

size_t tk_txq_mem_size(uint32_t frames, uint32_t frame_cap) {
    return slot_size(frame_cap) * frames;
}

void tk_txq_init(tk_txq *q, void *mem, uint32_t frames, uint32_t frame_cap) {
    memset(q, 0, sizeof(*q));
    q->mem = mem;
    q->cap = frames;
    q->frame_cap = frame_cap;
}

void tk_txq_init_in_place(tk_txq *q, uint8_t *buf, uint32_t frame_cap) {
    tk_txq_init(q, buf, 1, frame_cap);
    q->in_place = true;
}

static bool push_in_place(tk_txq *q, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    if (frame != q->mem)
        memmove(q->mem, frame, len);
    q->len = (uint32_t)len;
    q->tx = tx != NULL ? *tx : (tk_link_tx){0, 0, 0, 0, 0};
    q->count = 1;
    return true;
}

static uint8_t *slot(const tk_txq *q, uint32_t i) {
    return q->mem + slot_size(q->frame_cap) * ((q->head + i) % q->cap);
}

bool tk_txq_push(tk_txq *q, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    if (q->count == q->cap || len > q->frame_cap)
        return false;
    if (q->in_place)
        return push_in_place(q, frame, len, tx);
    uint8_t *p = slot(q, q->count);
    uint32_t l = (uint32_t)len;
    tk_link_tx none = {0, 0, 0, 0, 0};
    memcpy(p, &l, sizeof l);
    memcpy(p + sizeof l, tx != NULL ? tx : &none, sizeof none);
    memcpy(p + HDR, frame, len);
    q->count++;
    return true;
}

const uint8_t *tk_txq_head(const tk_txq *q, size_t *len, tk_link_tx *tx) {
    if (q->count == 0)
        return NULL;
    if (q->in_place) {
        *tx = q->tx;
        *len = q->len;
        return q->mem;
    }
    const uint8_t *p = slot(q, 0);
    uint32_t l;
    memcpy(&l, p, sizeof l);
    memcpy(tx, p + sizeof l, sizeof *tx);
    *len = l;
    return p + HDR;
}

void tk_txq_pop(tk_txq *q) {
    if (q->count == 0)
        return;
    q->head = (q->head + 1u) % q->cap;
    q->count--;
}
