/* The pictures and segment JSON of `tcpkit analyze` (analyze_pictures.h). */
#include "analyze_pictures.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/capture/decode_out.h"
#include "tcpkit/wire/tcp.h"

#define DETAIL_MAX TK_AZP_MAX_DRAWN_SEGS /* segments given a decoded line */

void tk_azp_init(tk_azp *p, const char *title, bool keep, FILE *json) {
    memset(p, 0, sizeof *p);
    tk_rp_init(&p->rp, title);
    p->keep = keep;
    p->json = json;
}

void tk_azp_free(tk_azp *p) {
    tk_rp_free(&p->rp);
    free(p->known);
    memset(p, 0, sizeof *p);
}

static const char *role(const tk_az_conn *c, int e) {
    if (c->client >= 0)
        return e == c->client ? "client" : "server";
    return e ? "B" : "A";
}

/* Makes report conversations and state counters exist up to conns[ci]. */
static int ensure_conn(tk_azp *p, size_t ci) {
    while (p->rp.nconns <= ci)
        if (!tk_rp_conn_add(&p->rp))
            return -ENOMEM;
    if (ci * 2 + 2 > p->cap_known) {
        size_t ncap = (ci * 2 + 2) * 2;
        size_t *k = realloc(p->known, ncap * sizeof *k);
        if (!k)
            return -ENOMEM;
        memset(k + p->cap_known, 0, (ncap - p->cap_known) * sizeof *k);
        p->known = k;
        p->cap_known = ncap;
    }
    return 0;
}

/* The states the analyzer added to each end's path with this segment; the
 * cause is the segment, sent or received. */
static int new_states(tk_azp *p, const tk_az_conn *c, size_t ci, int from, const tk_rp_seg *g) {
    char fl[40];
    tk_rp_flag_names(g->flags, fl, sizeof fl);
    for (int e = 0; e < 2; e++) {
        size_t *known = &p->known[ci * 2 + (size_t)e];
        const tk_az_end *end = &c->end[e];
        if (end->path_len < *known) /* a step undone (an ACK lost after the capture) */
            *known = end->path_len;
        for (size_t k = *known ? *known : 1; k < end->path_len; k++) {
            tk_rp_state st = {g->sent_us, e, (int)end->path[k - 1], (int)end->path[k], ""};
            snprintf(st.cause, sizeof st.cause, "%s %s", e == from ? "snd" : "rcv", fl);
            if (tk_rp_add_state(&p->rp.conns[ci], &st) < 0)
                return -ENOMEM;
        }
        if (end->path_len > *known)
            *known = end->path_len;
    }
    return 0;
}

static bool is_retrans(tk_az_kind k) {
    return k == TK_AZ_RETRANS || k == TK_AZ_FAST_RETRANS || k == TK_AZ_SPURIOUS_RETRANS;
}

/* Whether the analyzer called this packet a retransmission of its
 * connection (among the notes it just made). */
static bool noted_retrans(const tk_azp *p, const tk_analyzer *az, size_t ci, unsigned index) {
    for (size_t i = p->notes_seen; i < az->nnotes; i++)
        if (az->notes[i].conn == ci && az->notes[i].index == index && is_retrans(az->notes[i].kind))
            return true;
    return false;
}

/* Notes the analyzer made for this packet: text as the text report
 * prints it, retransmissions marked on the segment. */
static int new_notes(tk_azp *p, const tk_analyzer *az, int64_t now) {
    for (; p->notes_seen < az->nnotes; p->notes_seen++) {
        const tk_az_note *n = &az->notes[p->notes_seen];
        if (ensure_conn(p, n->conn) < 0)
            return -ENOMEM;
        tk_rp_conn *rc = &p->rp.conns[n->conn];
        size_t seg = TK_RP_NO_SEG;
        if (rc->nsegs && rc->segs[rc->nsegs - 1].packet == n->index) {
            seg = rc->nsegs - 1;
            if (is_retrans(n->kind))
                rc->segs[seg].marks |= TK_RP_RETRANS;
        }
        char text[sizeof rc->notes[0].text];
        snprintf(text, sizeof text, "#%u %s %s: %s", n->index, role(&az->conns[n->conn], n->end),
                 tk_az_kind_name(n->kind), n->reason);
        if (tk_rp_add_note(rc, now, seg, text) < 0)
            return -ENOMEM;
    }
    return 0;
}

static void json_segment(FILE *out, const tk_az_conn *c, size_t ci, int from, const tk_az_seg *s,
                         const tk_rp_seg *g) {
    char t[32], src[TK_TADDR_STRLEN], dst[TK_TADDR_STRLEN];
    tk_rp_secs(t, sizeof t, g->sent_us);
    tk_taddr_str(&s->src, src);
    tk_taddr_str(&s->dst, dst);
    fprintf(out,
            "{\"type\":\"segment\",\"connection\":%zu,\"t\":%s,\"end\":\"%s\","
            "\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,",
            ci + 1, t, role(c, from), src, s->sport, dst, s->dport);
    tk_rp_seg_json(out, g, false);
    fputs("}\n", out);
}

int tk_azp_segment(tk_azp *p, const tk_analyzer *az, const tk_az_seg *s, const tk_dframe *f,
                   int64_t t0) {
    long ci = tk_az_conn_of(az, s);
    if (ci < 0)
        return 0;
    const tk_az_conn *c = &az->conns[ci];
    int from = tk_taddr_eq(&c->end[0].addr, &s->src) && c->end[0].port == s->sport ? 0 : 1;
    tk_rp_seg g;
    tk_rp_seg_from_tcp(&f->tcp, f->tcp_opts, (size_t)f->tcp.hlen - TK_TCP_HLEN, s->len, &g);
    g.from = from;
    g.sent_us = s->ts_us - t0;
    g.arrived_us = g.sent_us; /* estimated in tk_azp_finish */
    g.packet = s->index;
    if (noted_retrans(p, az, (size_t)ci, s->index))
        g.marks |= TK_RP_RETRANS;
    if (p->json)
        json_segment(p->json, c, (size_t)ci, from, s, &g);
    if (!p->keep) {
        p->notes_seen = az->nnotes;
        return 0;
    }
    if (ensure_conn(p, (size_t)ci) < 0)
        return -ENOMEM;
    /* The decoded view for the connections that can be drawn. */
    if ((size_t)ci < TK_AZP_MAX_DRAWN_CONNS && p->with_detail < DETAIL_MAX) {
        g.detail = tk_rp_decode_view_of(f);
        p->with_detail++;
    }
    if (tk_rp_add_seg(&p->rp.conns[ci], &g) < 0) {
        free(g.detail);
        return -ENOMEM;
    }
    if (new_states(p, c, (size_t)ci, from, &g) < 0)
        return -ENOMEM;
    /* A segment of a newer connection can end the one before it on the
     * 4-tuple (stale connection recovery, RS-7). */
    if (c->prev != TK_AZ_NONE && c->prev < p->rp.nconns) {
        tk_rp_seg other = g;
        other.from = tk_taddr_eq(&az->conns[c->prev].end[0].addr, &s->src) &&
                             az->conns[c->prev].end[0].port == s->sport
                         ? 0
                         : 1;
        other.detail = NULL;
        if (new_states(p, &az->conns[c->prev], c->prev, other.from, &other) < 0)
            return -ENOMEM;
    }
    return new_notes(p, az, g.sent_us);
}

/* Where the capture was taken, and the one-way delay: the handshake shows
 * it. Near the client, SYN -> SYN-ACK is a whole round trip and SYN-ACK ->
 * ACK almost nothing; near the server the other way round. Returns the end
 * near the capture point, or -1 (no complete handshake: no delay drawn). */
static int capture_end(const tk_az_conn *c, int64_t *one_way) {
    *one_way = 0;
    if (c->rtt_us < 0 || c->irtt_us < 0 || c->client < 0)
        return -1;
    int64_t syn_synack = c->rtt_us, synack_ack = c->irtt_us - c->rtt_us;
    *one_way = (syn_synack >= synack_ack ? syn_synack : synack_ack) / 2;
    return syn_synack >= synack_ack ? c->client : 1 - c->client;
}

/* Each segment was captured at one point: at the end near it, that is its
 * send (or arrival) time; at the far end it is shifted by the one-way
 * delay. A capture holds no arrival, so this is the drawing's estimate
 * (docs/pictures.md). */
static void place_in_time(tk_rp_conn *rc, const tk_az_conn *c) {
    int64_t d;
    int near = capture_end(c, &d);
    for (size_t i = 0; i < rc->nsegs; i++) {
        tk_rp_seg *g = &rc->segs[i];
        if (g->from == near)
            g->arrived_us = g->sent_us + d;
        else if (near >= 0)
            g->sent_us -= d;
    }
    for (size_t i = 0; near >= 0 && i < rc->nstates; i++) {
        tk_rp_state *st = &rc->states[i];
        if (st->end != near)
            st->t_us += strncmp(st->cause, "snd", 3) == 0 ? -d : d;
    }
}

static void name_conn(tk_rp_conn *rc, const tk_az_conn *c, size_t ci) {
    for (int e = 0; e < 2; e++) {
        char ep[TK_TADDR_EPLEN];
        tk_taddr_endpoint(&c->end[e].addr, c->end[e].port, ep);
        snprintf(rc->end_name[e], sizeof rc->end_name[e], "%s %s", role(c, e), ep);
    }
    snprintf(rc->title, sizeof rc->title, "connection #%zu: %s -> %s, packets %u..%u%s", ci + 1,
             rc->end_name[0], rc->end_name[1], c->first_index, c->last_index,
             c->reused ? " (ports reused)" : "");
    rc->states_inferred = true;
}

void tk_azp_finish(tk_azp *p, const tk_analyzer *az) {
    size_t drawn_segs = 0;
    for (size_t ci = 0; ci < p->rp.nconns && ci < az->nconns; ci++) {
        tk_rp_conn *rc = &p->rp.conns[ci];
        name_conn(rc, &az->conns[ci], ci);
        place_in_time(rc, &az->conns[ci]);
        rc->drawn = ci < TK_AZP_MAX_DRAWN_CONNS && drawn_segs + rc->nsegs <= TK_AZP_MAX_DRAWN_SEGS;
        if (rc->drawn)
            drawn_segs += rc->nsegs;
    }
}
