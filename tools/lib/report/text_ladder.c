/* The ladder in plain text, as the seeds print it: each end's states in
 * its column, one arrow per segment between them (at its send time). */
#include <stdlib.h>
#include <string.h>

#include "rp_int.h"

#define COL   22 /* a state column */
#define ARROW 46 /* the arrow column */

/* Prints a line without its trailing blanks. */
static void put(FILE *f, char *line) {
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = 0;
    fprintf(f, "%s\n", line);
}

static void state_line(FILE *f, const tk_rp_state *st) {
    char t[32];
    tk_rp_secs(t, sizeof t, st->t_us);
    const char *name = tk_rp_state_name(st->to);
    char line[160];
    if (st->end == 0)
        snprintf(line, sizeof line, "%12s  %s", t, name);
    else
        snprintf(line, sizeof line, "%12s  %-*s %*s %s", t, COL, "", ARROW, "", name);
    put(f, line);
}

static void seg_line(FILE *f, const tk_rp_seg *s, const tk_rp_isn *isn, int64_t when) {
    char t[32], label[128], arrow[ARROW + 192];
    tk_rp_secs(t, sizeof t, when);
    tk_rp_seg_label(s, isn, label, sizeof label);
    bool lost = (s->marks & TK_RP_LOST) != 0;
    size_t n = strlen(label);
    size_t fill = n + 6 < ARROW ? ARROW - n - 6 : 1;
    char dashes[ARROW + 1];
    memset(dashes, '-', fill);
    dashes[fill] = 0;
    if (s->from == 0)
        snprintf(arrow, sizeof arrow, "-- %s %s%s", label, dashes, lost ? "X" : ">");
    else
        snprintf(arrow, sizeof arrow, "%s%s %s --", lost ? "X" : "<", dashes, label);
    char line[400];
    char dup[64] = "";
    if (s->marks & TK_RP_DUP) {
        char sent[32];
        tk_rp_secs(sent, sizeof sent, s->sent_us);
        snprintf(dup, sizeof dup, "  (a copy sent at %s)", sent);
    }
    snprintf(line, sizeof line, "%12s  %-*s %.*s%s%s", t, COL, "", ARROW + 120, arrow,
             lost ? "  (lost)" : "", dup);
    put(f, line);
}

/* Segments in the order the text tells them: by send time, except an old
 * duplicate, told when it finally arrives. */
typedef struct text_row {
    int64_t t;
    size_t seg;
} text_row;

static int64_t text_time(const tk_rp_seg *s) {
    return (s->marks & TK_RP_DUP) && s->arrived_us != TK_RP_NO_TIME ? s->arrived_us : s->sent_us;
}

static int row_cmp(const void *pa, const void *pb) {
    const text_row *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seg < b->seg ? -1 : a->seg > b->seg;
}

void tk_rp_text_ladder(FILE *f, const tk_rp_conn *c) {
    tk_rp_isn isn;
    tk_rp_isns(c, &isn);
    text_row *rows = calloc(c->nsegs + 1, sizeof *rows);
    if (!rows)
        return;
    for (size_t i = 0; i < c->nsegs; i++)
        rows[i] = (text_row){text_time(&c->segs[i]), i};
    qsort(rows, c->nsegs, sizeof *rows, row_cmp);
    fprintf(f, "%12s  %-*s %*s %s\n", "time (s)", COL, c->end_name[0], ARROW, "", c->end_name[1]);
    size_t si = 0, ti = 0;
    int64_t last = 0;
    bool any = false;
    /* Merged in time order; a state change goes before a segment sent at
     * the same instant, since it is what made the end send it. */
    while (si < c->nsegs || ti < c->nstates) {
        bool state = ti < c->nstates && (si == c->nsegs || c->states[ti].t_us <= rows[si].t);
        int64_t t = state ? c->states[ti].t_us : rows[si].t;
        if (any && t - last >= TK_RP_FOLD_US) {
            char d[32];
            tk_rp_duration(d, sizeof d, t - last);
            fprintf(f, "%12s  %*s ~~ %s later ~~\n", "", COL, "", d);
        }
        if (state)
            state_line(f, &c->states[ti++]);
        else
            seg_line(f, &c->segs[rows[si++].seg], &isn, t);
        last = t;
        any = true;
    }
    free(rows);
}
