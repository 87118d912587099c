/* cwnd, ssthresh, SRTT and RTO over time (SPEC OBS-7), from samples the
 * producer read from its own stack: nothing here is estimated. */
#include "plot.h"
#include "rp_int.h"

#define CC_W 860
#define CC_H 400

static const char *cc_style =
    "<style>.axis{fill:none;stroke:#333}.tick{font:10px sans-serif;fill:#555}"
    ".title{font:bold 12px sans-serif}.cwnd{fill:none;stroke:#1f4e9c;stroke-width:1.5}"
    ".ssthresh{fill:none;stroke:#c05000;stroke-dasharray:4 3}.srtt{fill:none;stroke:#0a8a3a}"
    ".rto{fill:none;stroke:#d00;stroke-dasharray:4 3}.legend{font:10px sans-serif}</style>";

/* ssthresh starts "infinite" (RFC 5681 3.1: arbitrarily high); such values
 * are left off the chart. */
#define CC_INFINITE 0x3fffffffu

static double sample_value(const tk_rp_sample *s, int which) {
    switch (which) {
    case 0:
        return (double)s->cwnd;
    case 1:
        return s->ssthresh >= CC_INFINITE ? -1.0 : (double)s->ssthresh;
    case 2:
        return (double)s->srtt_us / 1e3;
    default:
        return (double)s->rto_us / 1e3;
    }
}

static void series(FILE *f, const tk_rp_conn *c, int end, int which, const tk_plot *p) {
    static const char *const cls[] = {"cwnd", "ssthresh", "srtt", "rto"};
    fprintf(f, "<polyline class=\"%s\" points=\"", cls[which]);
    for (size_t i = 0; i < c->nsamples; i++) {
        const tk_rp_sample *s = &c->samples[i];
        double v = sample_value(s, which);
        if (s->end != end || v < 0)
            continue;
        fprintf(f, "%.1f,%.1f ", tk_plot_x(p, (double)s->t_us / 1e6),
                tk_plot_y(p, v > p->vmax ? p->vmax : v));
    }
    fputs("\"/>\n", f);
}

static bool cc_range(const tk_rp_conn *c, int end, int first, tk_plot *p) {
    bool any = false;
    p->tmin = 1e18;
    p->tmax = -1e18;
    p->vmin = 0;
    p->vmax = 1;
    for (size_t i = 0; i < c->nsamples; i++) {
        const tk_rp_sample *s = &c->samples[i];
        if (s->end != end)
            continue;
        double t = (double)s->t_us / 1e6;
        p->tmin = t < p->tmin ? t : p->tmin;
        p->tmax = t > p->tmax ? t : p->tmax;
        for (int w = first; w < first + 2; w++) {
            double v = sample_value(s, w);
            p->vmax = v > p->vmax ? v : p->vmax;
        }
        any = true;
    }
    tk_plot_fix(p);
    return any;
}

static void panel(FILE *f, const tk_rp_conn *c, int end, int first, double top) {
    tk_plot p = {.x0 = 80, .y0 = top, .w = CC_W - 110, .h = CC_H / 2.0 - 60};
    p.vunit = first == 0 ? "bytes" : "ms";
    cc_range(c, end, first, &p);
    tk_plot_axes(f, &p,
                 first == 0 ? "cwnd (blue) and ssthresh (orange, dashed)"
                            : "smoothed RTT (green) and RTO (red, dashed)");
    series(f, c, end, first, &p);
    series(f, c, end, first + 1, &p);
}

void tk_rp_cc_svg(FILE *f, const tk_rp_conn *c, int end) {
    tk_plot probe = {0};
    if (!cc_range(c, end, 0, &probe))
        return;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cc\" data-end=\"%d\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\">%s\n",
            end, CC_W, CC_H, CC_W, CC_H, cc_style);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
    panel(f, c, end, 0, 30);
    panel(f, c, end, 2, CC_H / 2.0 + 30);
    fputs("</svg>\n", f);
}
