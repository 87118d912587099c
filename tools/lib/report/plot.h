/* A plot frame shared by the time-sequence graph and the congestion
 * charts: linear axes, ticks, and the mapping of values to pixels. */
#ifndef TK_TOOLS_REPORT_PLOT_H
#define TK_TOOLS_REPORT_PLOT_H

#include <stdint.h>
#include <stdio.h>

typedef struct tk_plot {
    double x0, y0, w, h; /* the drawing area in px (y0 is its top) */
    double tmin, tmax;   /* seconds */
    double vmin, vmax;   /* values */
    const char *vunit;   /* "bytes", "ms" */
} tk_plot;

/* Widens a zero range so the mapping never divides by zero. */
void tk_plot_fix(tk_plot *p);
double tk_plot_x(const tk_plot *p, double t);
double tk_plot_y(const tk_plot *p, double v);
/* Axes, five ticks each, and the axis titles. */
void tk_plot_axes(FILE *f, const tk_plot *p, const char *title);

#endif
