/* Writing a simulation's pictures: --html, --svg, --text-ladder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_harness.h"

/* One picture by name: "ladder", or a picture of end A or B. */
static void write_picture(FILE *f, const tk_rp_conn *c, const char *name) {
    int end = name[strlen(name) - 1] == 'b' ? 1 : 0;
    if (!strncmp(name, "states-", 7))
        tk_rp_state_svg(f, c, end);
    else if (!strncmp(name, "tseq-", 5))
        tk_rp_tseq_svg(f, c, end);
    else if (!strncmp(name, "cc-", 3))
        tk_rp_cc_svg(f, c, end);
    else
        tk_rp_ladder_svg(f, c);
}

bool tk_sim_picture_known(const char *name) {
    static const char *const names[] = {"ladder", "states-a", "states-b", "tseq-a",
                                        "tseq-b", "cc-a",     "cc-b"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return true;
    return false;
}

static int write_file(const char *path, const tk_report *r, bool html, const char *picture) {
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    if (html)
        tk_rp_html(f, r);
    else
        write_picture(f, &r->conns[0], picture ? picture : "ladder");
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
    if (s->opts->html && (rc = write_file(s->opts->html, r, true, NULL)) < 0) {
        fprintf(stderr, "tcpkit sim: %s: cannot write: %s\n", s->opts->html, strerror(-rc));
        return rc;
    }
    if (s->opts->svg && (rc = write_file(s->opts->svg, r, false, s->opts->picture)) < 0) {
        fprintf(stderr, "tcpkit sim: %s: cannot write: %s\n", s->opts->svg, strerror(-rc));
        return rc;
    }
    return 0;
}
