/* Frames in flight on the simulated link: a FIFO for frames in arrival
 * order, a heap for the rest (simqueue.h). */
#include "simqueue.h"

static bool before(const tk_simq_ent *a, const tk_simq_ent *b) {
    return a->at < b->at || (a->at == b->at && a->order < b->order);
}

void tk_simq_init(tk_simq *q, tk_simq_ent *heap, tk_simq_ent *fifo, uint32_t cap) {
    q->heap = heap;
    q->fifo = fifo;
    q->cap = cap;
    q->heap_count = q->fifo_head = q->fifo_count = 0;
}

static void heap_push(tk_simq *q, tk_simq_ent e) {
    uint32_t i = q->heap_count++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!before(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
}

static void heap_pop(tk_simq *q) {
    tk_simq_ent e = q->heap[--q->heap_count];
    uint32_t i = 0, n = q->heap_count;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(&q->heap[c], &e))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (n > 0)
        q->heap[i] = e;
}

static const tk_simq_ent *fifo_at(const tk_simq *q, uint32_t k) {
    uint32_t i = q->fifo_head + k;
    return &q->fifo[i >= q->cap ? i - q->cap : i];
}

void tk_simq_push(tk_simq *q, tk_simq_ent e) {
    /* Orders only grow, so e sorts after the FIFO's last entry unless it
     * arrives earlier. */
    if (q->fifo_count > 0 && e.at < fifo_at(q, q->fifo_count - 1)->at) {
        heap_push(q, e);
        return;
    }
    uint32_t i = q->fifo_head + q->fifo_count++;
    q->fifo[i >= q->cap ? i - q->cap : i] = e;
}

/* True when the heap's head comes before the FIFO's. */
static bool heap_first(const tk_simq *q) {
    if (q->heap_count == 0)
        return false;
    return q->fifo_count == 0 || before(&q->heap[0], fifo_at(q, 0));
}

bool tk_simq_peek(const tk_simq *q, tk_simq_ent *out) {
    if (q->heap_count + q->fifo_count == 0)
        return false;
    *out = heap_first(q) ? q->heap[0] : *fifo_at(q, 0);
    return true;
}

uint32_t tk_simq_pop(tk_simq *q) {
    if (heap_first(q)) {
        uint32_t idx = q->heap[0].idx;
        heap_pop(q);
        return idx;
    }
    uint32_t idx = fifo_at(q, 0)->idx;
    q->fifo_head = q->fifo_head + 1 == q->cap ? 0 : q->fifo_head + 1;
    q->fifo_count--;
    return idx;
}

uint32_t tk_simq_count(const tk_simq *q) {
    return q->heap_count + q->fifo_count;
}
