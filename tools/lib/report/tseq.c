/* The time-sequence graph, tcptrace style (SPEC OBS-7): the sequence space
 * one end sent against time, as that sender saw it, with the peer's ACKs,
 * its receive window and its SACK blocks. */
#include "plot.h"
#include "rp_int.h"
#include "tcpkit/wire/tcp.h"

#define TS_W 860
#define TS_H 380

static const char *tseq_style =
    "<style>.axis{fill:none;stroke:#333}.tick{font:10px sans-serif;fill:#555}"
    ".title{font:bold 12px sans-serif}.data{stroke:#111;stroke-width:1.5}"
    ".data.retrans{stroke:#d00;stroke-width:2}.lostmark{stroke:#d00;stroke-width:1.5}"
    ".ackline{fill:none;stroke:#0a8a3a}.winline{fill:none;stroke:#c8a000}"
    ".sack{stroke:#7b2cbf;stroke-width:2.5}.legend{font:10px sans-serif}</style>";

/* The window scale the peer's windows carry: its SYN's option, when both
 * SYNs had one (RFC 7323 2.2). */
static int peer_shift(const tk_rp_conn *c, int peer) {
    int ws[2] = {-1, -1};
    for (size_t i = 0; i < c->nsegs; i++)
        if (c->segs[i].flags & TK_TCP_SYN)
            ws[c->segs[i].from] = c->segs[i].wscale;
    return ws[0] >= 0 && ws[1] >= 0 ? ws[peer] : 0;
}

static double rel(uint32_t v, uint32_t isn) {
    return (double)(uint32_t)(v - isn);
}

/* The ranges of time and sequence the graph covers. The window line may
 * reach far above the data (a 64 kB window over a 2 kB exchange); the
 * graph shows at most twice the data's height, the window clipped at the
 * top. */
static bool tseq_range(const tk_rp_conn *c, int end, uint32_t isn, int shift, tk_plot *p) {
    bool any = false;
    double dmax = 1, wmax = 0;
    p->tmin = 1e18;
    p->tmax = -1e18;
    p->vmin = 0;
    for (size_t i = 0; i < c->nsegs; i++) {
        const tk_rp_seg *s = &c->segs[i];
        if (s->from == end) {
            double t = (double)s->sent_us / 1e6, top = rel(s->seq, isn) + s->len + 1;
            p->tmin = t < p->tmin ? t : p->tmin;
            p->tmax = t > p->tmax ? t : p->tmax;
            dmax = top > dmax ? top : dmax;
            any |= s->len > 0; /* an end that only acknowledges has no graph */
        } else if ((s->flags & TK_TCP_ACK) && s->arrived_us != TK_RP_NO_TIME) {
            double a = rel(s->ack, isn), w = a + (double)((uint32_t)s->win << shift);
            if (a < 4294967296.0 / 2) { /* an ACK below the ISN is no position */
                dmax = a > dmax ? a : dmax;
                wmax = w > wmax ? w : wmax;
            }
        }
    }
    p->vmax = wmax > dmax ? (wmax < 2 * dmax ? wmax : 2 * dmax) : dmax;
    tk_plot_fix(p);
    return any;
}

static void data_marks(FILE *f, const tk_rp_conn *c, int end, uint32_t isn, const tk_plot *p) {
    for (size_t i = 0; i < c->nsegs; i++) {
        const tk_rp_seg *s = &c->segs[i];
        if (s->from != end)
            continue;
        double x = tk_plot_x(p, (double)s->sent_us / 1e6);
        double lo = rel(s->seq, isn);
        double hi = lo + s->len + ((s->flags & (TK_TCP_SYN | TK_TCP_FIN)) ? 1 : 0);
        double y1 = tk_plot_y(p, lo), y2 = tk_plot_y(p, hi);
        if (y1 - y2 < 3) /* a pure ACK or a one-byte segment: a visible tick */
            y2 = y1 - 3;
        fprintf(f,
                "<line class=\"data%s\" data-i=\"%zu\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/>",
                (s->marks & TK_RP_RETRANS) ? " retrans" : "", i, x, y1, x, y2);
        if (s->marks & TK_RP_LOST)
            fprintf(f, "<path class=\"lostmark\" d=\"M%.1f %.1fl6 -6m-6 0l6 6\"/>", x - 3, y2);
        fputc('\n', f);
    }
}

/* The peer's ACKs, window and SACK blocks, when they reached the sender. */
static void peer_lines(FILE *f, const tk_rp_conn *c, int end, uint32_t isn, int shift,
                       const tk_plot *p) {
    for (int pass = 0; pass < 2; pass++) {
        fprintf(f, "<polyline class=\"%s\" points=\"", pass ? "winline" : "ackline");
        double prev_y = -1;
        for (size_t i = 0; i < c->nsegs; i++) {
            const tk_rp_seg *s = &c->segs[i];
            if (s->from == end || !(s->flags & TK_TCP_ACK) || s->arrived_us == TK_RP_NO_TIME)
                continue;
            double v = rel(s->ack, isn) + (pass ? (double)((uint32_t)s->win << shift) : 0);
            if (v > p->vmax)
                v = p->vmax;
            double x = tk_plot_x(p, (double)s->arrived_us / 1e6), y = tk_plot_y(p, v);
            if (prev_y >= 0)
                fprintf(f, "%.1f,%.1f ", x, prev_y); /* a step: the value holds until now */
            fprintf(f, "%.1f,%.1f ", x, y);
            prev_y = y;
        }
        fputs("\"/>\n", f);
    }
    for (size_t i = 0; i < c->nsegs; i++) {
        const tk_rp_seg *s = &c->segs[i];
        if (s->from == end || s->arrived_us == TK_RP_NO_TIME)
            continue;
        double x = tk_plot_x(p, (double)s->arrived_us / 1e6);
        for (int b = 0; b < s->nsack && b < 4; b++)
            fprintf(f, "<line class=\"sack\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                    x + 2, tk_plot_y(p, rel(s->sack[b][0], isn)), x + 2,
                    tk_plot_y(p, rel(s->sack[b][1], isn)));
    }
}

void tk_rp_tseq_svg(FILE *f, const tk_rp_conn *c, int end) {
    tk_rp_isn isn;
    tk_rp_isns(c, &isn);
    int shift = peer_shift(c, 1 - end);
    tk_plot p = {.x0 = 80, .y0 = 40, .w = TS_W - 110, .h = TS_H - 80, .vunit = "bytes after ISN"};
    if (!isn.known[end] || !tseq_range(c, end, isn.isn[end], shift, &p))
        return;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tseq\" data-end=\"%d\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%s\n",
            end, TS_W, TS_H, TS_W, TS_H, tseq_style);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
    char title[160];
    snprintf(title, sizeof title, "sequence numbers sent by %s (time-sequence graph)",
             c->end_name[end]);
    tk_plot_axes(f, &p, title);
    peer_lines(f, c, end, isn.isn[end], shift, &p);
    data_marks(f, c, end, isn.isn[end], &p);
    fprintf(f,
            "<text class=\"legend\" x=\"80\" y=\"%d\">black: segments sent; red: "
            "retransmissions; x: lost; green: ACK; yellow: ACK + window; purple: SACK "
            "blocks</text>\n",
            TS_H - 12);
    fputs("</svg>\n", f);
}
