/* The simulated link's frames in flight, in delivery order: by arrival time,
 * ties by send order. A frame arriving no earlier than the last one queued
 * (a link without jitter or reordering: nearly every frame) is appended to a
 * FIFO in O(1); the others go to a binary min-heap. Delivery takes the
 * earlier of the two heads, so the order is exactly the one key (at, order)
 * gives, whichever structure holds a frame. */
#ifndef TK_DRIVERS_SIMQUEUE_H
#define TK_DRIVERS_SIMQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"

typedef struct tk_simq_ent {
    tk_time at;
    uint64_t order;
    uint32_t idx; /* the caller's slot index */
} tk_simq_ent;

typedef struct tk_simq {
    tk_simq_ent *heap, *fifo; /* cap entries each (caller-allocated) */
    uint32_t cap, heap_count, fifo_head, fifo_count;
} tk_simq;

void tk_simq_init(tk_simq *q, tk_simq_ent *heap, tk_simq_ent *fifo, uint32_t cap);
/* Queues e; the caller keeps the total below cap. */
void tk_simq_push(tk_simq *q, tk_simq_ent e);
/* The first entry in delivery order; false when empty. */
bool tk_simq_peek(const tk_simq *q, tk_simq_ent *out);
/* Removes and returns the first entry's index; the queue must not be empty. */
uint32_t tk_simq_pop(tk_simq *q);
uint32_t tk_simq_count(const tk_simq *q);

#endif
