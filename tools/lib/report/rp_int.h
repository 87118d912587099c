/* Shared between the report's files; not part of its interface. */
#ifndef TK_TOOLS_REPORT_INT_H
#define TK_TOOLS_REPORT_INT_H

#include "report.h"

/* The ladder's vertical axis: one row per send and per arrival, in time
 * order (ties in the order the producer logged them), so a burst sent at
 * one instant still gets one arrow each. Rows are further apart the longer
 * the time between them, up to a cap; gaps of TK_RP_FOLD_US or more are
 * folded into a marked break. */
#define TK_RP_FOLD_US 1000000

typedef struct tk_rp_row {
    int64_t t_us;
    size_t seg;   /* the segment sent or arrived */
    bool arrival; /* false: its send */
    double y;
    bool fold_before; /* a folded gap precedes this row */
} tk_rp_row;

typedef struct tk_rp_axis {
    tk_rp_row *rows;
    size_t nrows;
    double *send_y, *arrive_y; /* per segment; arrive_y < 0: never arrived */
    double bottom;
} tk_rp_axis;

/* Returns 0 or -ENOMEM. top: y of the first row. */
int tk_rp_axis_build(tk_rp_axis *a, const tk_rp_conn *c, double top);
void tk_rp_axis_free(tk_rp_axis *a);
/* The y of the first row at time t, or of the last row before it. */
double tk_rp_axis_y_at(const tk_rp_axis *a, int64_t t_us);

/* A short duration: "10 ms", "59.98 s", "2 h 0 min". */
void tk_rp_duration(char *out, size_t cap, int64_t us);

/* The state names of tcp_state.h, for the files that must not depend on
 * the core library. */
const char *tk_rp_state_name(int state);

#endif
