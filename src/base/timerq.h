/* A timer queue: a binary min-heap of intrusive nodes keyed by deadline.
 * Exact (no wheel granularity) so timer firing times are testable to the
 * microsecond; O(log n) arm/cancel, O(1) next deadline. */
#ifndef TK_BASE_TIMERQ_H
#define TK_BASE_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"

#define TK_TIMERQ_UNARMED UINT32_MAX

typedef struct tk_timerq_node {
    tk_time deadline;
    uint32_t index; /* position in the heap, TK_TIMERQ_UNARMED when not queued */
} tk_timerq_node;

typedef struct tk_timerq {
    tk_timerq_node **heap;
    uint32_t count;
    uint32_t cap;
} tk_timerq;

void tk_timerq_init(tk_timerq *q, tk_timerq_node **storage, uint32_t cap);
void tk_timerq_node_init(tk_timerq_node *n);
static inline bool tk_timerq_armed(const tk_timerq_node *n) {
    return n->index != TK_TIMERQ_UNARMED;
}
/* Queues n at deadline, or moves it if already queued. -ENOBUFS when full. */
int tk_timerq_arm(tk_timerq *q, tk_timerq_node *n, tk_time deadline);
void tk_timerq_cancel(tk_timerq *q, tk_timerq_node *n);
/* Earliest deadline, or TK_TIME_NEVER when empty. */
tk_time tk_timerq_next(const tk_timerq *q);
/* Removes and returns a node whose deadline <= now (earliest first), or NULL. */
tk_timerq_node *tk_timerq_pop_due(tk_timerq *q, tk_time now);

#endif
