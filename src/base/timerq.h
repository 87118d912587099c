/* A timer queue: a binary min-heap of (deadline, id) pairs, with the heap
 * slot of every id in an array of its own. Exact (no wheel granularity) so
 * timer firing times are testable to the microsecond; O(log n) arm/cancel,
 * O(1) next deadline. Keys live in the heap array, so sifting compares
 * neighbouring slots instead of following pointers into the timers' owners
 * (with thousands of connections, each pointer was a cache miss). */
#ifndef TK_BASE_TIMERQ_H
#define TK_BASE_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"

#define TK_TIMERQ_UNARMED UINT32_MAX

typedef struct tk_timerq_slot {
    tk_time deadline;
    uint32_t id;
} tk_timerq_slot;

typedef struct tk_timerq {
    tk_timerq_slot *heap; /* cap slots */
    uint32_t *pos;        /* per id: its heap slot, TK_TIMERQ_UNARMED when not queued */
    uint32_t count;
    uint32_t cap;
    uint32_t ids; /* ids are 0 .. ids-1 */
} tk_timerq;

/* heap holds cap slots, pos ids entries (set here to unarmed). */
void tk_timerq_init(tk_timerq *q, tk_timerq_slot *heap, uint32_t cap, uint32_t *pos, uint32_t ids);
static inline bool tk_timerq_armed(const tk_timerq *q, uint32_t id) {
    return id < q->ids && q->pos[id] != TK_TIMERQ_UNARMED;
}
/* The deadline id is queued at, or TK_TIME_NEVER. */
static inline tk_time tk_timerq_deadline(const tk_timerq *q, uint32_t id) {
    return tk_timerq_armed(q, id) ? q->heap[q->pos[id]].deadline : TK_TIME_NEVER;
}
/* Queues id at deadline, or moves it if already queued. -ENOBUFS when full,
 * -EINVAL for an id out of range. */
int tk_timerq_arm(tk_timerq *q, uint32_t id, tk_time deadline);
void tk_timerq_cancel(tk_timerq *q, uint32_t id);
/* Earliest deadline, or TK_TIME_NEVER when empty. */
tk_time tk_timerq_next(const tk_timerq *q);
/* The earliest entry into *id and *deadline; false when empty. */
bool tk_timerq_head(const tk_timerq *q, uint32_t *id, tk_time *deadline);
/* Removes an id whose deadline <= now (earliest first) into *id; false when
 * none is due. */
bool tk_timerq_pop_due(tk_timerq *q, tk_time now, uint32_t *id);

#endif
