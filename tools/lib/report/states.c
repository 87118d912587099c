/* The RFC 9293 state diagram (section 3.3.2, figure 5) with the transitions
 * one end took highlighted and numbered in order (SPEC OBS-6). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rp_int.h"

#define SD_W  720
#define SD_H  600
#define BOX_W 116
#define BOX_H 26

/* Box centres, laid out as the RFC draws them. */
static const struct {
    double x, y;
} pos[11] = {
    {320, 40},  /* CLOSED */
    {320, 125}, /* LISTEN */
    {520, 210}, /* SYN_SENT */
    {120, 210}, /* SYN_RCVD */
    {320, 295}, /* ESTABLISHED */
    {120, 380}, /* FIN_WAIT_1 */
    {120, 475}, /* FIN_WAIT_2 */
    {520, 380}, /* CLOSE_WAIT */
    {320, 430}, /* CLOSING */
    {520, 475}, /* LAST_ACK */
    {320, 555}, /* TIME_WAIT */
};

/* The diagram's edges: from, to, event / action, and the bend of the curve
 * (px sideways from the straight line). */
typedef struct sd_edge {
    int from, to;
    const char *label;
    double bend;
} sd_edge;

static const sd_edge edges[] = {
    {0, 1, "passive open", -40},     {0, 2, "connect / SYN", 0},    {1, 3, "rcv SYN / SYN,ACK", 0},
    {1, 2, "send / SYN", 0},         {1, 0, "close", -40},          {2, 3, "rcv SYN / SYN,ACK", 0},
    {2, 4, "rcv SYN,ACK / ACK", 0},  {2, 0, "close, timeout", 40},  {3, 4, "rcv ACK of SYN", 0},
    {3, 5, "close / FIN", 0},        {3, 1, "rcv RST", 25},         {4, 5, "close / FIN", 0},
    {4, 7, "rcv FIN / ACK", 0},      {5, 6, "rcv ACK of FIN", 0},   {5, 8, "rcv FIN / ACK", 0},
    {5, 10, "rcv FIN,ACK / ACK", 0}, {6, 10, "rcv FIN / ACK", 0},   {8, 10, "rcv ACK of FIN", 0},
    {7, 9, "close / FIN", 0},        {9, 0, "rcv ACK of FIN", 420}, {10, 0, "2MSL timeout", 560},
};
#define NEDGES (sizeof edges / sizeof edges[0])

static const char *sd_style =
    "<style>.box rect{fill:#f4f4f4;stroke:#555}.box.visited rect{fill:#dff0e0;stroke:#0a6b2e;"
    "stroke-width:2}.box text{font:bold 11px sans-serif}.edge path{fill:none;stroke:#bbb}"
    ".edge text{font:9px sans-serif;fill:#999}.edge.taken path{stroke:#c05000;stroke-width:2.5}"
    ".edge.taken text{fill:#c05000}.edge.extra path{stroke-dasharray:5 3}"
    ".edge.taken text.order{font:bold 10px sans-serif;fill:#fff}.order-bg{fill:#c05000}"
    ".title{font:bold 13px sans-serif}</style>";

/* Where the segment from a's centre towards b leaves a's box. */
static void box_exit(int a, double tx, double ty, double *x, double *y) {
    double dx = tx - pos[a].x, dy = ty - pos[a].y;
    double sx = dx != 0 ? (BOX_W / 2.0) / fabs(dx) : 1e9;
    double sy = dy != 0 ? (BOX_H / 2.0) / fabs(dy) : 1e9;
    double s = sx < sy ? sx : sy;
    *x = pos[a].x + dx * s;
    *y = pos[a].y + dy * s;
}

typedef struct taken {
    int order[12]; /* the numbers of the times this edge was taken */
    int n;
} taken;

static void edge_path(FILE *f, int from, int to, double bend, const char *cls, const char *label,
                      const taken *tk) {
    double mx = (pos[from].x + pos[to].x) / 2, my = (pos[from].y + pos[to].y) / 2;
    double dx = pos[to].x - pos[from].x, dy = pos[to].y - pos[from].y;
    double len = sqrt(dx * dx + dy * dy);
    if (len == 0)
        len = 1;
    double cx = mx - dy / len * bend, cy = my + dx / len * bend;
    double x1, y1, x2, y2;
    box_exit(from, cx, cy, &x1, &y1);
    box_exit(to, cx, cy, &x2, &y2);
    fprintf(f, "<g class=\"edge%s\" data-from=\"%s\" data-to=\"%s\" data-order=\"", cls,
            tk_rp_state_name(from), tk_rp_state_name(to));
    for (int i = 0; i < tk->n; i++)
        fprintf(f, "%s%d", i ? "," : "", tk->order[i]);
    fprintf(f, "\"><path d=\"M%.1f %.1fQ%.1f %.1f %.1f %.1f\"/>", x1, y1, cx, cy, x2, y2);
    /* The arrow head points along the curve's end tangent. */
    double tx = x2 - cx, ty = y2 - cy, tl = sqrt(tx * tx + ty * ty);
    if (tl > 0) {
        tx /= tl;
        ty /= tl;
        double bx = x2 - 8 * tx, by = y2 - 8 * ty;
        fprintf(f, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1f\"/>", bx - 4 * ty, by + 4 * tx, x2, y2,
                bx + 4 * ty, by - 4 * tx);
    }
    /* The label at the curve's apex, on the outer side of a bent edge so
     * that the two edges between a pair of states keep theirs apart. */
    double lx = 0.25 * x1 + 0.5 * cx + 0.25 * x2, ly = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
    double mid = (x1 + x2) / 2;
    const char *anchor = lx < mid - 5 ? "end" : lx > mid + 5 ? "start" : "middle";
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", lx, ly - 3, anchor);
    tk_rp_xml(f, label);
    fputs("</text>", f);
    /* The order numbers sit on the curve near its end (t = 0.75). */
    double px = 0.0625 * x1 + 0.375 * cx + 0.5625 * x2, py = 0.0625 * y1 + 0.375 * cy + 0.5625 * y2;
    for (int i = 0; i < tk->n; i++) {
        double ox = px + 16.0 * i - 8.0 * (tk->n - 1), oy = py;
        fprintf(f,
                "<circle class=\"order-bg\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\"/>"
                "<text class=\"order\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
                ox, oy, ox, oy + 3.5, tk->order[i]);
    }
    fputs("</g>\n", f);
}

static long find_edge(int from, int to) {
    for (size_t i = 0; i < NEDGES; i++)
        if (edges[i].from == from && edges[i].to == to)
            return (long)i;
    return -1;
}

static void add_order(taken *t, int order) {
    if (t->n < (int)(sizeof t->order / sizeof t->order[0]))
        t->order[t->n++] = order;
}

void tk_rp_state_svg(FILE *f, const tk_rp_conn *c, int end) {
    taken tk[NEDGES];
    taken extra[11][11];
    memset(tk, 0, sizeof tk);
    memset(extra, 0, sizeof extra);
    unsigned visited = 0;
    int order = 0;
    for (size_t i = 0; i < c->nstates; i++) {
        const tk_rp_state *st = &c->states[i];
        if (st->end != end || st->from < 0 || st->from > 10 || st->to < 0 || st->to > 10 ||
            st->from == st->to)
            continue;
        visited |= 1u << st->from | 1u << st->to;
        long e = find_edge(st->from, st->to);
        if (e >= 0)
            add_order(&tk[e], ++order);
        else
            add_order(&extra[st->from][st->to], ++order);
    }
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"states\" data-end=\"%d\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%s\n",
            end, SD_W, SD_H, SD_W, SD_H, sd_style);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/><text class=\"title\" "
               "x=\"8\" y=\"18\">");
    tk_rp_xml(f, c->end_name[end]);
    fputs("</text>\n", f);
    for (size_t i = 0; i < NEDGES; i++)
        edge_path(f, edges[i].from, edges[i].to, edges[i].bend, tk[i].n ? " taken" : "",
                  edges[i].label, &tk[i]);
    /* Transitions outside the RFC's figure (a reset, an abort): dashed. */
    for (int a = 0; a < 11; a++)
        for (int b = 0; b < 11; b++)
            if (extra[a][b].n)
                edge_path(f, a, b, -60, " taken extra", "RST / abort", &extra[a][b]);
    for (int s = 0; s < 11; s++)
        fprintf(f,
                "<g class=\"box%s\" data-state=\"%s\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" "
                "height=\"%d\" rx=\"5\"/><text x=\"%.0f\" y=\"%.0f\" "
                "text-anchor=\"middle\">%s</text></g>\n",
                (visited >> s) & 1u ? " visited" : "", tk_rp_state_name(s), pos[s].x - BOX_W / 2.0,
                pos[s].y - BOX_H / 2.0, BOX_W, BOX_H, pos[s].x, pos[s].y + 4, tk_rp_state_name(s));
    fputs("</svg>\n", f);
}
