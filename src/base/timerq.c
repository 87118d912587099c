/* Timer queue: a binary min-heap of (deadline, id) slots. Every move of a
 * slot goes through heap_place(), which keeps pos[id] equal to its slot, so
 * cancel and re-arm find an id in O(1) and fix the heap in O(log n).
 *
 * Ties: ids with equal deadlines pop in an order fixed by the sequence of
 * arm/cancel/pop calls alone (never by addresses), so a replayed simulation
 * fires its timers in the same order. */
#include "base/timerq.h"

#include <errno.h>
#include <stddef.h>

static void heap_place(tk_timerq *q, uint32_t i, tk_timerq_slot s) {
    q->heap[i] = s;
    q->pos[s.id] = i;
}

static void sift_up(tk_timerq *q, uint32_t i) {
    tk_timerq_slot s = q->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (q->heap[parent].deadline <= s.deadline)
            break;
        heap_place(q, i, q->heap[parent]);
        i = parent;
    }
    heap_place(q, i, s);
}

static void sift_down(tk_timerq *q, uint32_t i) {
    tk_timerq_slot s = q->heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= q->count || child < i) /* child < i: index overflow */
            break;
        if (child + 1 < q->count && q->heap[child + 1].deadline < q->heap[child].deadline)
            child++;
        if (s.deadline <= q->heap[child].deadline)
            break;
        heap_place(q, i, q->heap[child]);
        i = child;
    }
    heap_place(q, i, s);
}

/* Restores the heap after the slot at i changed its deadline. */
static void heap_fix(tk_timerq *q, uint32_t i) {
    if (i > 0 && q->heap[(i - 1) / 2].deadline > q->heap[i].deadline)
        sift_up(q, i);
    else
        sift_down(q, i);
}

void tk_timerq_init(tk_timerq *q, tk_timerq_slot *heap, uint32_t cap, uint32_t *pos, uint32_t ids) {
    q->heap = heap;
    q->pos = pos;
    q->count = 0;
    q->cap = heap && pos ? cap : 0;
    q->ids = heap && pos ? ids : 0;
    for (uint32_t i = 0; i < q->ids; i++)
        pos[i] = TK_TIMERQ_UNARMED;
}

int tk_timerq_arm(tk_timerq *q, uint32_t id, tk_time deadline) {
    if (id >= q->ids)
        return -EINVAL;
    if (tk_timerq_armed(q, id)) {
        q->heap[q->pos[id]].deadline = deadline;
        heap_fix(q, q->pos[id]);
        return 0;
    }
    if (q->count >= q->cap)
        return -ENOBUFS;
    tk_timerq_slot s = {deadline, id};
    heap_place(q, q->count++, s);
    sift_up(q, q->pos[id]);
    return 0;
}

void tk_timerq_cancel(tk_timerq *q, uint32_t id) {
    if (!tk_timerq_armed(q, id))
        return;
    uint32_t i = q->pos[id];
    tk_timerq_slot last = q->heap[--q->count];
    q->pos[id] = TK_TIMERQ_UNARMED;
    if (last.id == id)
        return;
    heap_place(q, i, last);
    heap_fix(q, i);
}

tk_time tk_timerq_next(const tk_timerq *q) {
    return q->count > 0 ? q->heap[0].deadline : TK_TIME_NEVER;
}

bool tk_timerq_head(const tk_timerq *q, uint32_t *id, tk_time *deadline) {
    if (q->count == 0)
        return false;
    *id = q->heap[0].id;
    *deadline = q->heap[0].deadline;
    return true;
}

bool tk_timerq_pop_due(tk_timerq *q, tk_time now, uint32_t *id) {
    if (q->count == 0 || q->heap[0].deadline > now)
        return false;
    *id = q->heap[0].id;
    tk_timerq_cancel(q, *id);
    return true;
}
