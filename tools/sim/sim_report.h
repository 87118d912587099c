/* The pictures of a simulation (SPEC OBS-5..OBS-7): the harness hands
 * every frame sent and arrived and every state change here, and the
 * collected report is written as HTML, a ladder SVG or a text ladder
 * (tools/lib/report). One conversation holds the whole run between A and
 * B, so several connections share one pair of timelines. */
#ifndef TK_TOOLS_SIM_REPORT_H
#define TK_TOOLS_SIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/report/report.h"
#include "tcpkit/stack.h"
#include "tcpkit/trace.h"

typedef struct tk_sim_report tk_sim_report;

/* NULL when out of memory. */
tk_sim_report *tk_sim_report_new(const char *title);
void tk_sim_report_free(tk_sim_report *r);

/* A frame leaving `side` (tx, with the link's TK_SIMLINK_* outcome) or
 * reaching it; `st` is the sending stack, read for its congestion state. */
void tk_sim_report_frame(tk_sim_report *r, const tk_stack *st, int side, bool tx,
                         const uint8_t *frame, size_t len, tk_time now, int outcome);
/* A copy of a frame `side` sent at `sent` that the network delivers only
 * now (a what-if scenario's old duplicate). */
void tk_sim_report_old(tk_sim_report *r, int side, const uint8_t *frame, size_t len, tk_time sent,
                       tk_time now);
void tk_sim_report_trace(tk_sim_report *r, int side, const tk_trace_event *ev);
void tk_sim_report_note(tk_sim_report *r, tk_time now, const char *text);

/* The collected report (its one conversation is conns[0]). */
const tk_report *tk_sim_report_get(const tk_sim_report *r);

#endif
