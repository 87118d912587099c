/* What `tcpkit run -v` and `--pcap F` show of a run: the stack's trace hook
 * (tcpkit/trace.h) prints every frame in and out as tcpdump does, with its
 * script time, and every state change with its cause; frames also go to the
 * capture file, and to the pictures (run_pictures.c). */
#include <stdio.h>

#include "lib/print/print.h"
#include "pcap_writer.h"
#include "runner.h"
#include "tcpkit/tcp_state.h"

static double script_secs(tk_time now) {
    return (double)((int64_t)now - (int64_t)TK_RUN_EPOCH) / 1e6;
}

static void print_frame(tk_run *r, const tk_trace_event *ev) {
    char line[TK_PRINT_LINE_MAX];
    (void)tk_print_frame(r->opts.printer, ev->frame, ev->len, line, sizeof line);
    printf("%.6f %s %s\n", script_secs(ev->now), ev->kind == TK_TRACE_FRAME_IN ? "<" : ">", line);
}

void tk_run_trace(void *ctx, const tk_trace_event *ev) {
    tk_run *r = ctx;
    bool frame = ev->kind == TK_TRACE_FRAME_IN || ev->kind == TK_TRACE_FRAME_OUT;
    if (frame && r->opts.pcap)
        (void)tk_pcap_write(r->opts.pcap, ev->now, ev->frame, ev->len);
    tk_run_pictures_trace(r, ev);
    if (!r->opts.verbose)
        return;
    if (frame && r->opts.printer) {
        print_frame(r, ev);
    } else if (ev->kind == TK_TRACE_STATE) {
        printf("%.6f state %s -> %s (%s)\n", script_secs(ev->now), tk_tcp_state_name(ev->old_state),
               tk_tcp_state_name(ev->new_state), ev->cause ? ev->cause : "");
    } else if (ev->kind == TK_TRACE_DROP) {
        printf("%.6f drop (%s)\n", script_secs(ev->now), ev->reason ? ev->reason : "");
    }
}
