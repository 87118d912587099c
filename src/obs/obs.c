/* Drop counting and the trace hook. */
#include <string.h>

#include "obs/obs.h"

#if TK_WITH_TRACE

void tk_obs_trace(const tk_obs *o, const tk_trace_event *ev) {
    if (o->fn)
        o->fn(o->ctx, ev);
}

void tk_obs_trace_frame(const tk_obs *o, tk_trace_kind kind, const uint8_t *frame, size_t len,
                        const char *reason, tk_time now) {
    if (o->fn == NULL)
        return;
    tk_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.now = now;
    ev.frame = frame;
    ev.len = len;
    ev.sd = -1;
    ev.reason = reason;
    o->fn(o->ctx, &ev);
}

void tk_obs_drop(const tk_obs *o, tk_counter *counter, const char *reason, const uint8_t *frame,
                 size_t len, tk_time now) {
    (*counter)++;
    tk_obs_trace_frame(o, TK_TRACE_DROP, frame, len, reason, now);
}

#else
typedef int tk_obs_trace_compiled_out;
#endif
