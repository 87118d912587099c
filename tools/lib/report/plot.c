/* Plot frames (plot.h). */
#include "plot.h"

#include "report.h"

void tk_plot_fix(tk_plot *p) {
    if (p->tmax <= p->tmin)
        p->tmax = p->tmin + 0.001;
    if (p->vmax <= p->vmin)
        p->vmax = p->vmin + 1;
}

double tk_plot_x(const tk_plot *p, double t) {
    return p->x0 + (t - p->tmin) / (p->tmax - p->tmin) * p->w;
}

double tk_plot_y(const tk_plot *p, double v) {
    return p->y0 + p->h - (v - p->vmin) / (p->vmax - p->vmin) * p->h;
}

void tk_plot_axes(FILE *f, const tk_plot *p, const char *title) {
    fprintf(f, "<text class=\"title\" x=\"%.0f\" y=\"%.0f\">", p->x0, p->y0 - 10);
    tk_rp_xml(f, title);
    fputs("</text>\n", f);
    fprintf(f, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\"/>\n", p->x0, p->y0, p->y0 + p->h,
            p->x0 + p->w);
    for (int i = 0; i <= 4; i++) {
        double t = p->tmin + (p->tmax - p->tmin) * i / 4.0;
        double v = p->vmin + (p->vmax - p->vmin) * i / 4.0;
        double x = tk_plot_x(p, t), y = tk_plot_y(p, v);
        fprintf(f,
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.4g s</text>",
                x, p->y0 + p->h + 14, t);
        fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n",
                p->x0 - 4, y + 3, v);
    }
    fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
            p->x0 + p->w, p->y0 - 10, p->vunit);
}
