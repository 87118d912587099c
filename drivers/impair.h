/* Fault injection on a real link: the simulated link's fault model (loss,
 * delay, jitter, reordering, duplication, corruption; drivers/simlink.h)
 * applied to frames in both directions between the stack and its driver.
 *
 * The spec is a comma-separated list, for example
 *   loss=5%,delay=20ms,reorder=10%,dup=1%,corrupt=0.5%
 * with keys loss, dup, reorder, corrupt (percentages), delay, jitter,
 * reorder_delay (durations: us, ms, s), and seed (an integer). */
#ifndef TK_DRIVERS_IMPAIR_H
#define TK_DRIVERS_IMPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "simlink.h"
#include "tcpkit/types.h"

/* Directions through the wrapper. */
#define TK_IMPAIR_TO_WIRE  TK_SIMLINK_AB /* the stack's output on its way out */
#define TK_IMPAIR_TO_STACK TK_SIMLINK_BA /* a received frame on its way in */

typedef struct tk_impair {
    tk_simlink *link;
    tk_simlink_params params; /* both directions */
    uint64_t seed;
} tk_impair;

/* Parses spec into params and seed (seed keeps its value when absent).
 * Returns 0 or -EINVAL. */
int tk_impair_parse(const char *spec, tk_simlink_params *params, uint64_t *seed);

/* Creates the wrapper from a spec. Returns 0, -EINVAL or -ENOMEM. */
int tk_impair_open(tk_impair *im, const char *spec);
void tk_impair_close(tk_impair *im);

/* Offers a frame travelling in dir at now (it may be lost, delayed,
 * duplicated, reordered or corrupted). */
void tk_impair_send(tk_impair *im, int dir, const uint8_t *frame, size_t len, tk_time now);

/* The earliest arrival of a frame in flight, or TK_TIME_NEVER. */
tk_time tk_impair_next_deadline(const tk_impair *im);

/* Hands every frame due by now to fn with its direction. */
uint32_t tk_impair_deliver(tk_impair *im, tk_time now, tk_simlink_deliver_fn fn, void *ctx);

#endif
