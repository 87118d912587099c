/* Observation: drop counting and the trace hook (DESIGN.md principle 5).
 * The lowest layer with state of its own, so that every layer above it
 * (net, tcp, socket, stack) reports through the same two calls without
 * knowing the stack object. A tk_obs is the embedder's trace callback and
 * its context, copied from tk_stack_io when the stack is created. */
#ifndef TK_OBS_OBS_H
#define TK_OBS_OBS_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/opts.h"
#include "tcpkit/stats.h"
#include "tcpkit/trace.h"
#include "tcpkit/types.h"

typedef struct tk_obs {
    tk_trace_fn fn; /* NULL: nobody listens */
    void *ctx;
} tk_obs;

#if TK_WITH_TRACE
/* Whether a trace hook is set (to skip building events nobody reads). */
static inline int tk_obs_on(const tk_obs *o) {
    return o->fn != NULL;
}

/* Reports an event to the trace hook (if any). */
void tk_obs_trace(const tk_obs *o, const tk_trace_event *ev);

/* Reports a frame in, out or dropped to the trace hook (if any). */
void tk_obs_trace_frame(const tk_obs *o, tk_trace_kind kind, const uint8_t *frame, size_t len,
                        const char *reason, tk_time now);

/* Counts a drop in *counter and reports it to the trace hook. */
void tk_obs_drop(const tk_obs *o, tk_counter *counter, const char *reason, const uint8_t *frame,
                 size_t len, tk_time now);

#else
/* The trace hook compiled out (TK_WITH_TRACE 0, tcpkit/opts.h): nobody
 * listens, and a drop only counts. */
static inline int tk_obs_on(const tk_obs *o) {
    (void)o;
    return 0;
}
static inline void tk_obs_trace(const tk_obs *o, const tk_trace_event *ev) {
    (void)o, (void)ev;
}
static inline void tk_obs_trace_frame(const tk_obs *o, tk_trace_kind kind, const uint8_t *frame,
                                      size_t len, const char *reason, tk_time now) {
    (void)o, (void)kind, (void)frame, (void)len, (void)reason, (void)now;
}
static inline void tk_obs_drop(const tk_obs *o, tk_counter *counter, const char *reason,
                               const uint8_t *frame, size_t len, tk_time now) {
    (void)o, (void)reason, (void)frame, (void)len, (void)now;
    (*counter)++;
}
#endif

/* Counts a drop in the tk_stats field `name` (stats a pointer to tk_stats),
 * named after it in the trace. */
#if TK_WITH_TRACE
#define TK_OBS_DROP(obs, stats, name, now) tk_obs_drop((obs), &(stats)->name, #name, NULL, 0, (now))
#else
#define TK_OBS_DROP(obs, stats, name, now) ((void)(obs), (void)(now), (stats)->name++)
#endif

/* The same for any object with a tk_obs `obs` and a tk_stats `stats`. */
#define TK_DROP(s, name, now) TK_OBS_DROP(&(s)->obs, &(s)->stats, name, now)

#endif
