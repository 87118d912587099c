/* Collecting a simulation's pictures (sim_report.h). */
#include "sim_report.h"

#include <stdlib.h>
#include <string.h>

#include "sim_render.h"
#include "simlink.h"
#include "simnet.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define KEYS 8 /* connections per side told apart in state labels */

struct tk_sim_report {
    tk_report rp;
    tk_rp_conn *c;
    tk_rp_rtx rtx;
    size_t first_open; /* segments before this one have all arrived or are lost */
    /* Per side: the ports of its connections, to name them in labels when
     * a side has more than one; listen_port, a listener (for LISTEN ->
     * SYN_RCVD, see trace_state). */
    uint32_t keys[2][KEYS];
    int nkeys[2];
    uint16_t listen_port[2];
};

tk_sim_report *tk_sim_report_new(const char *title) {
    tk_sim_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    tk_rp_init(&r->rp, title);
    r->c = tk_rp_conn_add(&r->rp);
    if (!r->c) {
        free(r);
        return NULL;
    }
    char a[32], b[32];
    snprintf(a, sizeof a, "%u.%u.%u.%u", TK_SIM_ADDR_A >> 24, (TK_SIM_ADDR_A >> 16) & 0xffu,
             (TK_SIM_ADDR_A >> 8) & 0xffu, TK_SIM_ADDR_A & 0xffu);
    snprintf(b, sizeof b, "%u.%u.%u.%u", TK_SIM_ADDR_B >> 24, (TK_SIM_ADDR_B >> 16) & 0xffu,
             (TK_SIM_ADDR_B >> 8) & 0xffu, TK_SIM_ADDR_B & 0xffu);
    snprintf(r->c->end_name[0], sizeof r->c->end_name[0], "A %s", a);
    snprintf(r->c->end_name[1], sizeof r->c->end_name[1], "B %s", b);
    snprintf(r->c->title, sizeof r->c->title, "A and B, the whole run");
    return r;
}

void tk_sim_report_free(tk_sim_report *r) {
    if (!r)
        return;
    tk_rp_free(&r->rp);
    free(r);
}

const tk_report *tk_sim_report_get(const tk_sim_report *r) {
    return &r->rp;
}

/* The sender's cwnd, ssthresh, SRTT and RTO as its stack reports them. */
static void sample(tk_sim_report *r, const tk_stack *st, int side, const tk_rp_endpoints *ep,
                   tk_time now) {
    tk_conn_info info[32];
    int n = tk_stack_conn_table(st, info, 32);
    for (int i = 0; i < n && i < 32; i++) {
        const tk_conn_info *ci = &info[i];
        if (ci->local.port != ep->sport || ci->remote.port != ep->dport || ci->cwnd == 0)
            continue;
        tk_rp_sample sm = {(int64_t)now,    side, ci->cwnd, ci->ssthresh, (int64_t)ci->srtt,
                           (int64_t)ci->rto};
        tk_rp_add_sample(r->c, &sm);
        return;
    }
}

static void on_tx(tk_sim_report *r, const tk_stack *st, int side, const uint8_t *frame, size_t len,
                  tk_time now, int outcome) {
    tk_rp_seg g;
    tk_rp_endpoints ep;
    if (tk_rp_seg_from_frame(frame, len, &g, &ep) < 0)
        return;
    g.sent_us = (int64_t)now;
    g.from = side;
    g.link = tk_sim_link_verdict(outcome);
    if (tk_rp_rtx_check(&r->rtx, &ep, &g))
        g.marks |= TK_RP_RETRANS;
    if (outcome & TK_SIMLINK_CORRUPTED)
        g.marks |= TK_RP_CORRUPT;
    if (outcome < 0 || (outcome & (TK_SIMLINK_LOST | TK_SIMLINK_DOWN | TK_SIMLINK_QUEUE_FULL)))
        g.marks |= TK_RP_LOST;
    g.detail = tk_rp_decode_view(frame, len);
    if (tk_rp_add_seg(r->c, &g) < 0) {
        free(g.detail);
        return;
    }
    if (st && (g.len > 0 || (g.marks & TK_RP_RETRANS)))
        sample(r, st, side, &ep, now);
}

static bool same_header(const tk_rp_seg *a, const tk_rp_seg *b) {
    return a->seq == b->seq && a->ack == b->ack && a->flags == b->flags && a->win == b->win &&
           a->len == b->len;
}

/* Pairs an arrival with the oldest segment of the other side that has the
 * same header and has not arrived; a second copy becomes a segment of its
 * own (the link duplicated it). */
static void on_rx(tk_sim_report *r, int side, const uint8_t *frame, size_t len, tk_time now) {
    tk_rp_seg g;
    if (tk_rp_seg_from_frame(frame, len, &g, NULL) < 0)
        return;
    tk_rp_conn *c = r->c;
    long copy = -1;
    for (size_t i = r->first_open; i < c->nsegs; i++) {
        tk_rp_seg *s = &c->segs[i];
        if (s->from == side || !same_header(s, &g))
            continue;
        if (s->arrived_us == TK_RP_NO_TIME && !(s->marks & TK_RP_LOST)) {
            s->arrived_us = (int64_t)now;
            copy = -2;
            break;
        }
    }
    /* Not open: a second copy of one that arrived before. */
    for (size_t i = c->nsegs; copy == -1 && i-- > 0 && c->nsegs - i <= 256;)
        if (c->segs[i].from != side && same_header(&c->segs[i], &g))
            copy = (long)i;
    if (copy >= 0) {
        tk_rp_seg d = c->segs[copy];
        d.arrived_us = (int64_t)now;
        d.marks |= TK_RP_DUP;
        d.detail = NULL;
        d.link = "second copy (duplicated by the link)";
        tk_rp_add_seg(c, &d);
    }
    while (r->first_open < c->nsegs && (c->segs[r->first_open].arrived_us != TK_RP_NO_TIME ||
                                        (c->segs[r->first_open].marks & TK_RP_LOST)))
        r->first_open++;
}

void tk_sim_report_frame(tk_sim_report *r, const tk_stack *st, int side, bool tx,
                         const uint8_t *frame, size_t len, tk_time now, int outcome) {
    if (!r)
        return;
    if (tx)
        on_tx(r, st, side, frame, len, now, outcome);
    else
        on_rx(r, side, frame, len, now);
}

/* "A:62533" names the connection when its side has more than one. */
static void conn_prefix(tk_sim_report *r, int side, const tk_trace_event *ev, char *out,
                        size_t cap) {
    out[0] = 0;
    if (ev->rport == 0)
        return;
    uint32_t key = (uint32_t)ev->lport << 16 | ev->rport;
    int k = 0;
    while (k < r->nkeys[side] && r->keys[side][k] != key)
        k++;
    if (k == r->nkeys[side] && k < KEYS)
        r->keys[side][r->nkeys[side]++] = key;
    if (k > 0)
        snprintf(out, cap, ":%u-%u ", ev->lport, ev->rport);
}

void tk_sim_report_trace(tk_sim_report *r, int side, const tk_trace_event *ev) {
    if (!r || ev->kind != TK_TRACE_STATE || ev->lport == 0)
        return;
    tk_rp_state st = {(int64_t)ev->now, side, ev->old_state, ev->new_state, ""};
    if (ev->new_state == TK_TCP_LISTEN)
        r->listen_port[side] = ev->lport;
    if (ev->old_state == TK_TCP_LISTEN && ev->rport == 0)
        r->listen_port[side] = 0;
    /* A connection a listener spawns starts CLOSED in the trace; in the
     * RFC 9293 diagram it is the listener's LISTEN -> SYN_RCVD. */
    if (ev->old_state == TK_TCP_CLOSED && ev->new_state == TK_TCP_SYN_RCVD &&
        r->listen_port[side] == ev->lport)
        st.from = TK_TCP_LISTEN;
    char pre[24];
    conn_prefix(r, side, ev, pre, sizeof pre);
    snprintf(st.cause, sizeof st.cause, "%s%s", pre, ev->cause ? ev->cause : "");
    tk_rp_add_state(r->c, &st);
}

void tk_sim_report_old(tk_sim_report *r, int side, const uint8_t *frame, size_t len, tk_time sent,
                       tk_time now) {
    tk_rp_seg g;
    if (!r || tk_rp_seg_from_frame(frame, len, &g, NULL) < 0)
        return;
    g.from = side;
    g.sent_us = (int64_t)sent;
    g.arrived_us = (int64_t)now;
    g.marks = TK_RP_DUP;
    g.link = "an old duplicate the network held back";
    tk_rp_add_seg(r->c, &g);
}

void tk_sim_report_note(tk_sim_report *r, tk_time now, const char *text) {
    if (r)
        tk_rp_add_note(r->c, (int64_t)now, TK_RP_NO_SEG, text);
}
