/* The ladder's vertical axis (rp_int.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rp_int.h"

#define ROW_MIN   14.0    /* px between two rows at the same instant */
#define ROW_EXTRA 36.0    /* px added at most for the time between rows */
#define ROW_SCALE 25000.0 /* us of gap that earns the whole ROW_EXTRA */
#define ROW_FOLD  50.0    /* px of a folded gap */

/* Order key: ties at one instant keep the producer's order, an arrival of
 * segment j after the sends up to j and before the sends after it. */
static double row_key(const tk_rp_row *r) {
    if (r->seg == TK_RP_NO_SEG) /* a state row: alone at its instant */
        return 1e18;
    return (double)r->seg + (r->arrival ? 0.5 : 0.0);
}

static int row_cmp(const void *pa, const void *pb) {
    const tk_rp_row *a = pa, *b = pb;
    if (a->t_us != b->t_us)
        return a->t_us < b->t_us ? -1 : 1;
    double ka = row_key(a), kb = row_key(b);
    return ka < kb ? -1 : ka > kb;
}

/* Whether sorted rows[0..n) hold time t (the state rows are few: a
 * linear look at them is enough). */
static bool has_time(const tk_rp_row *rows, size_t n, int64_t t) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].t_us < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && rows[lo].t_us == t;
}

static void place_rows(tk_rp_axis *a, double top) {
    double y = top;
    for (size_t i = 0; i < a->nrows; i++) {
        tk_rp_row *r = &a->rows[i];
        if (i > 0) {
            int64_t gap = r->t_us - a->rows[i - 1].t_us;
            if (gap >= TK_RP_FOLD_US) {
                r->fold_before = true;
                y += ROW_FOLD;
            } else {
                double f = (double)gap / ROW_SCALE;
                y += ROW_MIN + ROW_EXTRA * (f > 1.0 ? 1.0 : f);
            }
        }
        r->y = y;
        if (r->seg == TK_RP_NO_SEG)
            continue;
        if (r->arrival)
            a->arrive_y[r->seg] = y;
        else
            a->send_y[r->seg] = y;
    }
    a->bottom = y;
}

int tk_rp_axis_build(tk_rp_axis *a, const tk_rp_conn *c, double top) {
    memset(a, 0, sizeof *a);
    size_t n = c->nsegs;
    a->rows = calloc(2 * n + c->nstates + 1, sizeof *a->rows);
    a->send_y = calloc(n + 1, sizeof *a->send_y);
    a->arrive_y = calloc(n + 1, sizeof *a->arrive_y);
    if (!a->rows || !a->send_y || !a->arrive_y) {
        tk_rp_axis_free(a);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const tk_rp_seg *s = &c->segs[i];
        a->rows[a->nrows++] = (tk_rp_row){.t_us = s->sent_us, .seg = i};
        a->arrive_y[i] = -1.0;
        if (s->arrived_us != TK_RP_NO_TIME)
            a->rows[a->nrows++] = (tk_rp_row){.t_us = s->arrived_us, .seg = i, .arrival = true};
    }
    /* A state change at an instant without a segment gets a row of its own,
     * so that a long wait before it (TIME_WAIT's 2MSL) is folded too. */
    qsort(a->rows, a->nrows, sizeof *a->rows, row_cmp);
    size_t nseg_rows = a->nrows;
    for (size_t i = 0; i < c->nstates; i++)
        if (!has_time(a->rows, nseg_rows, c->states[i].t_us) &&
            !has_time(a->rows + nseg_rows, a->nrows - nseg_rows, c->states[i].t_us))
            a->rows[a->nrows++] = (tk_rp_row){.t_us = c->states[i].t_us, .seg = TK_RP_NO_SEG};
    qsort(a->rows, a->nrows, sizeof *a->rows, row_cmp);
    place_rows(a, top);
    if (!a->nrows)
        a->bottom = top;
    return 0;
}

void tk_rp_axis_free(tk_rp_axis *a) {
    free(a->rows);
    free(a->send_y);
    free(a->arrive_y);
    memset(a, 0, sizeof *a);
}

double tk_rp_axis_y_at(const tk_rp_axis *a, int64_t t_us) {
    if (!a->nrows)
        return a->bottom;
    /* Binary search for the first row at or after t. */
    size_t lo = 0, hi = a->nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->rows[mid].t_us < t_us)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < a->nrows && a->rows[lo].t_us == t_us)
        return a->rows[lo].y;
    if (lo == 0)
        return a->rows[0].y;
    if (lo == a->nrows)
        return a->bottom;
    /* Between two rows: in proportion, unless the gap is folded (then at
     * the row after the break, where the reader looks for it). */
    const tk_rp_row *p = &a->rows[lo - 1], *q = &a->rows[lo];
    if (q->fold_before)
        return q->y - 4.0;
    double f = (double)(t_us - p->t_us) / (double)(q->t_us - p->t_us);
    return p->y + f * (q->y - p->y);
}

void tk_rp_secs(char *out, size_t cap, int64_t us) {
    const char *sign = us < 0 ? "-" : "";
    uint64_t u = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    snprintf(out, cap, "%s%" PRIu64 ".%06" PRIu64, sign, u / 1000000u, u % 1000000u);
}

void tk_rp_duration(char *out, size_t cap, int64_t us) {
    if (us < 0)
        us = 0;
    if (us < 1000)
        snprintf(out, cap, "%" PRId64 " us", us);
    else if (us < 1000000)
        snprintf(out, cap, "%.3g ms", (double)us / 1e3);
    else if (us < 3600000000)
        snprintf(out, cap, "%.4g s", (double)us / 1e6);
    else
        snprintf(out, cap, "%" PRId64 " h %" PRId64 " min", us / 3600000000, (us / 60000000) % 60);
}

const char *tk_rp_state_name(int state) {
    static const char *const names[] = {"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD",
                                        "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                        "CLOSING",     "LAST_ACK",   "TIME_WAIT"};
    return state >= 0 && state < 11 ? names[state] : "?";
}
