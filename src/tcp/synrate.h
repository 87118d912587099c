/* Per-source connection-rate limit (SPEC SEC-13): SYNs to listeners counted
 * per IPv4 source address in one-second windows, in a small table hashed by
 * address. Off unless cfg.syn_rate_limit is set. */
#ifndef TK_TCP_SYNRATE_H
#define TK_TCP_SYNRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

typedef struct tk_synrate_slot {
    uint32_t addr;
    uint32_t count; /* SYNs in the window */
    tk_time window_start;
} tk_synrate_slot;

typedef struct tk_synrate {
    tk_synrate_slot *slot;
    uint32_t n;
} tk_synrate;

struct tk_stack;

size_t tk_synrate_mem_size(uint32_t n);
void tk_synrate_init(tk_synrate *r, void *mem, uint32_t n);
/* True when a new connection attempt from src may go on; counts it. */
bool tk_synrate_allow(struct tk_stack *s, uint32_t src, tk_time now);

#endif
