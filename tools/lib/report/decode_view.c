/* The decoded packet shown when an arrow is clicked: the tcpdump line and
 * the header lines of `tcpkit decode` (docs/decode.md). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <stdio.h>
#include <stdlib.h>

#include "lib/capture/decode_frame.h"
#include "lib/capture/decode_out.h"
#include "report.h"

char *tk_rp_decode_view(const uint8_t *frame, size_t len) {
    tk_dframe_in in = {frame, NULL, 0, len, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    if (tk_dframe_decode(&in, &f) < 0)
        return NULL;
    return tk_rp_decode_view_of(&f);
}

char *tk_rp_decode_view_of(const tk_dframe *f) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    char line[TK_DOUT_LINE_MAX];
    tk_dout_summary(f, line, sizeof line);
    fprintf(out, "%s\n", line);
    tk_dout_layers(out, f);
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
