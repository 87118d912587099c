/* Timer queue: a binary min-heap of intrusive nodes. Every move of a node
 * inside the heap goes through heap_place(), which keeps node->index equal
 * to its slot, so cancel and re-arm find a node in O(1) and fix the heap in
 * O(log n).
 *
 * Ties: nodes with equal deadlines pop in an order fixed by the sequence of
 * arm/cancel/pop calls alone (never by addresses), so a replayed simulation
 * fires its timers in the same order. */
#include "base/timerq.h"

#include <errno.h>
#include <stddef.h>

static void heap_place(tk_timerq *q, uint32_t i, tk_timerq_node *n) {
    q->heap[i] = n;
    n->index = i;
}

static void sift_up(tk_timerq *q, uint32_t i) {
    tk_timerq_node *n = q->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (q->heap[parent]->deadline <= n->deadline)
            break;
        heap_place(q, i, q->heap[parent]);
        i = parent;
    }
    heap_place(q, i, n);
}

static void sift_down(tk_timerq *q, uint32_t i) {
    tk_timerq_node *n = q->heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= q->count || child < i) /* child < i: index overflow */
            break;
        if (child + 1 < q->count && q->heap[child + 1]->deadline < q->heap[child]->deadline)
            child++;
        if (n->deadline <= q->heap[child]->deadline)
            break;
        heap_place(q, i, q->heap[child]);
        i = child;
    }
    heap_place(q, i, n);
}

/* Restores the heap after the node at i changed its deadline. */
static void heap_fix(tk_timerq *q, uint32_t i) {
    if (i > 0 && q->heap[(i - 1) / 2]->deadline > q->heap[i]->deadline)
        sift_up(q, i);
    else
        sift_down(q, i);
}

static bool queued_here(const tk_timerq *q, const tk_timerq_node *n) {
    return n->index < q->count && q->heap[n->index] == n;
}

void tk_timerq_init(tk_timerq *q, tk_timerq_node **storage, uint32_t cap) {
    q->heap = storage;
    q->count = 0;
    q->cap = storage ? cap : 0;
}

void tk_timerq_node_init(tk_timerq_node *n) {
    n->deadline = TK_TIME_NEVER;
    n->index = TK_TIMERQ_UNARMED;
}

int tk_timerq_arm(tk_timerq *q, tk_timerq_node *n, tk_time deadline) {
    if (queued_here(q, n)) {
        n->deadline = deadline;
        heap_fix(q, n->index);
        return 0;
    }
    if (q->count >= q->cap)
        return -ENOBUFS;
    n->deadline = deadline;
    heap_place(q, q->count++, n);
    sift_up(q, n->index);
    return 0;
}

void tk_timerq_cancel(tk_timerq *q, tk_timerq_node *n) {
    if (!queued_here(q, n))
        return;
    uint32_t i = n->index;
    tk_timerq_node *last = q->heap[--q->count];
    n->index = TK_TIMERQ_UNARMED;
    if (last == n)
        return;
    heap_place(q, i, last);
    heap_fix(q, i);
}

tk_time tk_timerq_next(const tk_timerq *q) {
    return q->count > 0 ? q->heap[0]->deadline : TK_TIME_NEVER;
}

tk_timerq_node *tk_timerq_pop_due(tk_timerq *q, tk_time now) {
    if (q->count == 0 || q->heap[0]->deadline > now)
        return NULL;
    tk_timerq_node *n = q->heap[0];
    tk_timerq_cancel(q, n);
    return n;
}
