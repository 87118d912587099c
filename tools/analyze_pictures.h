/* The pictures and segment JSON of `tcpkit analyze` (SPEC OBS-5..OBS-8):
 * each connection the analyzer finds becomes a conversation of a report
 * (tools/lib/report), its states inferred from the segments. */
#ifndef TK_TOOLS_ANALYZE_PICTURES_H
#define TK_TOOLS_ANALYZE_PICTURES_H

#include <stdio.h>

#include "lib/analyze/analyze.h"
#include "lib/capture/decode_frame.h"
#include "lib/report/report.h"

/* Large captures stay usable: the index lists every connection, but the
 * diagrams are drawn for the first connections only, up to these totals. */
#define TK_AZP_MAX_DRAWN_CONNS 200
#define TK_AZP_MAX_DRAWN_SEGS  20000

typedef struct tk_azp {
    tk_report rp;
    bool keep;         /* collect the report (--html) */
    FILE *json;        /* segment lines go here (--json), or NULL */
    size_t notes_seen; /* analyzer notes handled so far */
    size_t *known;     /* per connection: states reported per end (2 each) */
    size_t cap_known;
    size_t with_detail; /* segments given a decoded line so far */
} tk_azp;

void tk_azp_init(tk_azp *p, const char *title, bool keep, FILE *json);
void tk_azp_free(tk_azp *p);

/* After tk_az_feed(az, s) of the frame f: records the segment, the state
 * changes it caused and the notes it drew. t0: the capture's first time.
 * Returns 0 or -ENOMEM. */
int tk_azp_segment(tk_azp *p, const tk_analyzer *az, const tk_az_seg *s, const tk_dframe *f,
                   int64_t t0);

/* After the whole capture: arrival times, titles, what is drawn. */
void tk_azp_finish(tk_azp *p, const tk_analyzer *az);

#endif
