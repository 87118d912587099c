/* The ladder diagram (SPEC OBS-5): two timelines, one arrow per segment
 * from its send to its arrival, each end's states beside its timeline. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "rp_int.h"

#define LAD_W    920.0
#define LAD_XL   290.0 /* end 0's timeline */
#define LAD_XR   650.0 /* end 1's timeline */
#define LAD_TOP  60.0
#define LAD_STEP 13.0 /* px between state labels of one end */

static const char *ladder_style =
    "<style>"
    ".tl{stroke:#444;stroke-width:2}.seg line{stroke:#1f4e9c;stroke-width:1.3}"
    ".seg.from1 line{stroke:#8a3b12}.seg.retrans line{stroke-dasharray:5 3}"
    ".seg.lost line{stroke:#c00}.cross{stroke:#c00;stroke-width:2.5}"
    ".seg polygon{fill:#1f4e9c}.seg.from1 polygon{fill:#8a3b12}"
    ".label{font:11px sans-serif;fill:#111}.seg.lost .label{fill:#c00}"
    ".state{font:bold 11px sans-serif;fill:#0a6b2e}.time{font:10px monospace;fill:#777}"
    ".end{font:bold 13px sans-serif}.fold line{stroke:#999;stroke-dasharray:2 3}"
    ".fold text{font:italic 11px sans-serif;fill:#666}.seg{cursor:pointer}"
    ".seg:hover .label{fill:#d60}"
    "</style>";

static double end_x(int end) {
    return end == 0 ? LAD_XL : LAD_XR;
}

static void arrow_head(FILE *f, double x1, double y1, double x2, double y2) {
    double dx = x2 - x1, dy = y2 - y1;
    double len = dx * dx + dy * dy > 0 ? sqrt(dx * dx + dy * dy) : 1.0;
    double ux = dx / len, uy = dy / len;
    double bx = x2 - 9 * ux, by = y2 - 9 * uy;
    fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", x2, y2, bx - 4 * uy,
            by + 4 * ux, bx + 4 * uy, by - 4 * ux);
}

static void seg_arrow(FILE *f, const tk_rp_conn *c, const tk_rp_axis *a, const tk_rp_isn *isn,
                      size_t i) {
    const tk_rp_seg *s = &c->segs[i];
    double x1 = end_x(s->from), x2 = end_x(1 - s->from), y1 = a->send_y[i];
    /* A lost segment stops half-way, where a cross marks its end; so does
     * one still in flight when the record ends (no arrival seen). */
    bool lost = (s->marks & TK_RP_LOST) != 0, halfway = a->arrive_y[i] < 0;
    double y2 = halfway ? y1 + 18.0 : a->arrive_y[i];
    if (halfway)
        x2 = (x1 + x2) / 2;
    char sent[32], arr[32], label[128];
    tk_rp_secs(sent, sizeof sent, s->sent_us);
    if (halfway)
        snprintf(arr, sizeof arr, "%s", "");
    else
        tk_rp_secs(arr, sizeof arr, s->arrived_us);
    const char *fate = lost ? " lost" : halfway ? " unseen" : "";
    fprintf(f,
            "<g class=\"seg from%d%s%s%s\" data-i=\"%zu\" data-from=\"%d\" data-sent=\"%s\" "
            "data-arrived=\"%s\">",
            s->from, fate, (s->marks & TK_RP_RETRANS) ? " retrans" : "",
            (s->marks & TK_RP_DUP) ? " dup" : "", i, s->from, sent, arr);
    if (s->packet) /* a capture's packet number */
        fprintf(f, "<desc>packet %u</desc>", s->packet);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x1, y1, x2, y2);
    if (lost)
        fprintf(f, "<path class=\"cross\" d=\"M%.1f %.1fl10 10m0 -10l-10 10\"/>", x2 - 5, y2 - 5);
    else if (!halfway)
        arrow_head(f, x1, y1, x2, y2);
    tk_rp_seg_label(s, isn, label, sizeof label);
    double lx = halfway ? (x1 + x2) / 2 : (LAD_XL + LAD_XR) / 2;
    double ly = halfway ? y1 - 3 : (y1 + y2) / 2 - 3;
    fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", lx, ly);
    tk_rp_xml(f, label);
    if (s->link && !lost && !(s->marks & TK_RP_RETRANS)) {
        fputs(" [", f);
        tk_rp_xml(f, s->link);
        fputc(']', f);
    }
    if (lost)
        fputs(" (lost)", f);
    else if (halfway)
        fputs(" (arrival not seen)", f);
    fputs("</text></g>\n", f);
}

static void state_labels(FILE *f, const tk_rp_conn *c, const tk_rp_axis *a) {
    double last[2] = {-1e9, -1e9};
    for (size_t i = 0; i < c->nstates; i++) {
        const tk_rp_state *st = &c->states[i];
        double y = tk_rp_axis_y_at(a, st->t_us) + 4;
        if (y < last[st->end] + LAD_STEP)
            y = last[st->end] + LAD_STEP;
        last[st->end] = y;
        char t[32];
        tk_rp_secs(t, sizeof t, st->t_us);
        double x = st->end == 0 ? LAD_XL - 8 : LAD_XR + 8;
        fprintf(f,
                "<text class=\"state\" data-end=\"%d\" data-t=\"%s\" data-from=\"%s\" "
                "data-to=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
                st->end, t, tk_rp_state_name(st->from), tk_rp_state_name(st->to), x, y,
                st->end == 0 ? "end" : "start");
        tk_rp_xml(f, tk_rp_state_name(st->to));
        if (st->cause[0]) {
            fputs(" (", f);
            tk_rp_xml(f, st->cause);
            fputc(')', f);
        }
        fputs("</text>\n", f);
    }
}

/* Folded gaps, and the time of each row's first event in the margin. */
static void folds_and_times(FILE *f, const tk_rp_axis *a) {
    double last_y = -1e9;
    for (size_t i = 0; i < a->nrows; i++) {
        const tk_rp_row *r = &a->rows[i];
        if (r->fold_before) {
            char d[32];
            tk_rp_duration(d, sizeof d, r->t_us - a->rows[i - 1].t_us);
            double y = r->y - 25;
            fprintf(f, "<g class=\"fold\" data-gap-us=\"%" PRId64 "\">",
                    r->t_us - a->rows[i - 1].t_us);
            fprintf(f, "<line x1=\"60\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", y, LAD_W - 20, y);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s later</text></g>\n",
                    (LAD_XL + LAD_XR) / 2, y - 4, d);
        }
        if (r->y - last_y >= 12 && (i == 0 || r->t_us != a->rows[i - 1].t_us)) {
            char t[32];
            tk_rp_secs(t, sizeof t, r->t_us);
            fprintf(f, "<text class=\"time\" x=\"4\" y=\"%.1f\">%s</text>\n", r->y + 3, t);
            last_y = r->y;
        }
    }
}

void tk_rp_ladder_svg(FILE *f, const tk_rp_conn *c) {
    tk_rp_axis a;
    if (tk_rp_axis_build(&a, c, LAD_TOP) < 0) {
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"0\" "
              "height=\"0\"></svg>\n",
              f);
        return;
    }
    double h = a.bottom + 40 + LAD_STEP * 2;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">%s\n",
            LAD_W, h, LAD_W, h, ladder_style);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
    for (int e = 0; e < 2; e++) {
        fprintf(f, "<text class=\"end\" x=\"%.0f\" y=\"24\" text-anchor=\"middle\">", end_x(e));
        tk_rp_xml(f, c->end_name[e]);
        fprintf(f,
                "</text><line class=\"tl\" data-end=\"%d\" x1=\"%.0f\" y1=\"34\" x2=\"%.0f\" "
                "y2=\"%.0f\"/>\n",
                e, end_x(e), end_x(e), h - 10);
    }
    folds_and_times(f, &a);
    tk_rp_isn isn;
    tk_rp_isns(c, &isn);
    for (size_t i = 0; i < c->nsegs; i++)
        seg_arrow(f, c, &a, &isn, i);
    state_labels(f, c, &a);
    fputs("</svg>\n", f);
    tk_rp_axis_free(&a);
}
