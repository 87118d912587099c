/* The pictures and segment JSON of `tcpkit run` (SPEC OBS-5..OBS-8): the
 * stack's trace hook shows every frame in and out and every state change;
 * each script becomes one conversation of the report, the stack on the
 * left and the script's peer on the right. */
#include <string.h>

#include "lib/report/report.h"
#include "runner.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define END_STACK 0
#define END_PEER  1

static void sample(tk_rp_conn *c, const tk_stack *st, const tk_rp_endpoints *ep, tk_time now) {
    tk_conn_info info[16];
    int n = tk_stack_conn_table(st, info, 16);
    for (int i = 0; i < n && i < 16; i++)
        if (info[i].local.port == ep->sport && info[i].remote.port == ep->dport &&
            info[i].cwnd != 0) {
            tk_rp_sample sm = {(int64_t)now,          END_STACK,
                               info[i].cwnd,          info[i].ssthresh,
                               (int64_t)info[i].srtt, (int64_t)info[i].rto};
            tk_rp_add_sample(c, &sm);
            return;
        }
}

static void frame(tk_run *r, const tk_trace_event *ev, int from) {
    tk_rp_seg g;
    tk_rp_endpoints ep;
    if (tk_rp_seg_from_frame(ev->frame, ev->len, &g, &ep) < 0)
        return;
    /* Script time: 0 is the script's start. The script's peer sees a
     * segment the moment it leaves, and injects its own at their time. */
    g.sent_us = g.arrived_us = (int64_t)ev->now - (int64_t)TK_RUN_EPOCH;
    g.from = from;
    if (tk_rp_rtx_check(&r->rtx, &ep, &g))
        g.marks |= TK_RP_RETRANS;
    if (r->opts.json) {
        char t[32];
        tk_rp_secs(t, sizeof t, g.sent_us);
        fprintf(r->opts.json, "{\"type\":\"segment\",\"script\":");
        tk_rp_json_string(r->opts.json, r->opts.title ? r->opts.title : "");
        fprintf(r->opts.json, ",\"t\":%s,\"dir\":\"%s\",\"sport\":%u,\"dport\":%u,", t,
                from == END_STACK ? "out" : "in", ep.sport, ep.dport);
        tk_rp_seg_json(r->opts.json, &g, false);
        fputs("}\n", r->opts.json);
    }
    if (!r->pic)
        return;
    tk_rp_add_seg(r->pic, &g);
    if (from == END_STACK && (g.len > 0 || (g.marks & TK_RP_RETRANS)))
        sample(r->pic, r->stack, &ep, ev->now);
}

void tk_run_pictures_trace(tk_run *r, const tk_trace_event *ev) {
    switch (ev->kind) {
    case TK_TRACE_FRAME_OUT:
        frame(r, ev, END_STACK);
        break;
    case TK_TRACE_FRAME_IN:
        frame(r, ev, END_PEER);
        break;
    case TK_TRACE_STATE:
        if (r->pic && ev->lport != 0) {
            tk_rp_state st = {(int64_t)ev->now - (int64_t)TK_RUN_EPOCH, END_STACK, ev->old_state,
                              ev->new_state, ""};
            /* As in the simulator's pictures: a connection a listener
             * spawns is the RFC 9293 diagram's LISTEN -> SYN_RCVD. */
            if (ev->new_state == TK_TCP_LISTEN)
                r->pic_listen_port = ev->lport;
            if (ev->old_state == TK_TCP_CLOSED && ev->new_state == TK_TCP_SYN_RCVD &&
                ev->lport == r->pic_listen_port)
                st.from = TK_TCP_LISTEN;
            snprintf(st.cause, sizeof st.cause, "%s", ev->cause ? ev->cause : "");
            tk_rp_add_state(r->pic, &st);
        }
        break;
    default:
        break;
    }
}

void tk_run_pictures_begin(tk_run *r) {
    if (!r->opts.report)
        return;
    r->pic = tk_rp_conn_add(r->opts.report);
    if (!r->pic)
        return;
    snprintf(r->pic->title, sizeof r->pic->title, "%s", r->opts.title ? r->opts.title : "script");
    snprintf(r->pic->end_name[END_STACK], sizeof r->pic->end_name[0], "tcpkit 198.18.0.1");
    snprintf(r->pic->end_name[END_PEER], sizeof r->pic->end_name[1], "script 198.18.0.2");
}
