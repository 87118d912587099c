/* Writing a simulation's pictures: --html, --svg, --text-ladder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_harness.h"

static int write_file(const char *path, const tk_report *r, bool html) {
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    if (html)
        tk_rp_html(f, r);
    else
        tk_rp_ladder_svg(f, &r->conns[0]);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return -EIO;
    return 0;
}

int tk_sim_write_pictures(tk_sim *s) {
    if (!s->report)
        return 0;
    const tk_report *r = tk_sim_report_get(s->report);
    if (s->opts->text_ladder)
        tk_rp_text_ladder(stdout, &r->conns[0]);
    int rc = 0;
    if (s->opts->html && (rc = write_file(s->opts->html, r, true)) < 0) {
        fprintf(stderr, "tcpkit sim: %s: cannot write: %s\n", s->opts->html, strerror(-rc));
        return rc;
    }
    if (s->opts->svg && (rc = write_file(s->opts->svg, r, false)) < 0) {
        fprintf(stderr, "tcpkit sim: %s: cannot write: %s\n", s->opts->svg, strerror(-rc));
        return rc;
    }
    return 0;
}
