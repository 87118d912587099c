/* Connections and expert notes from TCP segments in capture order (SPEC
 * OBS-4). The sequence checks follow the order Wireshark's TCP analysis
 * uses, so the two tools agree on ordinary captures:
 * window probe, zero window, gap, keep-alive, window update, keep-alive
 * ACK, duplicate ACK, ACKed unseen segment, then the retransmission family. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "base/seq.h"
#include "tcpkit/wire/tcp.h"

#define OOO_DEFAULT_US 3000 /* Wireshark's out-of-order window without an RTT */
#define FAST_US                                                                                    \
    20000 /* a fast retransmission follows the third duplicate ACK at                              \
             once (RFC 5681 3.2); Wireshark allows 20 ms */
#define CTL_FLAGS (TK_TCP_SYN | TK_TCP_FIN | TK_TCP_RST)

static const char *const kind_names[TK_AZ_KIND_COUNT] = {
    "retransmission",
    "fast retransmission",
    "spurious retransmission",
    "out-of-order",
    "duplicate ACK",
    "zero window",
    "window probe",
    "window update",
    "keep-alive",
    "keep-alive ACK",
    "ACKed unseen segment",
    "previous segment not captured",
    "port numbers reused",
    "RST",
};

static const char *const kind_ids[TK_AZ_KIND_COUNT] = {
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "out_of_order",
    "duplicate_ack",
    "zero_window",
    "window_probe",
    "window_update",
    "keep_alive",
    "keep_alive_ack",
    "acked_unseen",
    "previous_segment_not_captured",
    "port_numbers_reused",
    "rst",
};

const char *tk_az_kind_id(tk_az_kind kind) {
    unsigned i = (unsigned)kind;
    return i < TK_AZ_KIND_COUNT ? kind_ids[i] : "?";
}

const char *tk_az_kind_name(tk_az_kind kind) {
    unsigned i = (unsigned)kind;
    return i < TK_AZ_KIND_COUNT ? kind_names[i] : "?";
}

void tk_az_init(tk_analyzer *az) {
    memset(az, 0, sizeof *az);
}

void tk_az_free(tk_analyzer *az) {
    free(az->conns);
    free(az->notes);
    free(az->slots);
    memset(az, 0, sizeof *az);
}

static int grow(void **arr, size_t *cap, size_t n, size_t size) {
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *more = realloc(*arr, ncap * size);
    if (!more)
        return -ENOMEM;
    *arr = more;
    *cap = ncap;
    return 0;
}

static int add_note(tk_analyzer *az, size_t ci, int end, const tk_az_seg *s, tk_az_kind kind,
                    const char *reason) {
    if (grow((void **)&az->notes, &az->cap_notes, az->nnotes, sizeof *az->notes) < 0)
        return -ENOMEM;
    tk_az_note *n = &az->notes[az->nnotes++];
    n->index = s->index;
    n->conn = ci;
    n->end = end;
    n->kind = kind;
    snprintf(n->reason, sizeof n->reason, "%s", reason);
    n->next = TK_AZ_NONE;
    tk_az_conn *c = &az->conns[ci];
    if (c->note_tail == TK_AZ_NONE)
        c->note_head = az->nnotes - 1;
    else
        az->notes[c->note_tail].next = az->nnotes - 1;
    c->note_tail = az->nnotes - 1;
    c->counts[kind]++;
    return 0;
}

static int new_conn(tk_analyzer *az, const tk_az_seg *s, size_t *ci) {
    if (grow((void **)&az->conns, &az->cap_conns, az->nconns, sizeof *az->conns) < 0)
        return -ENOMEM;
    *ci = az->nconns++;
    tk_az_conn *c = &az->conns[*ci];
    memset(c, 0, sizeof *c);
    c->end[0].addr = s->src;
    c->end[0].port = s->sport;
    c->end[1].addr = s->dst;
    c->end[1].port = s->dport;
    c->end[0].wscale = c->end[1].wscale = -1;
    c->from_syn = (s->flags & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN;
    c->client = c->from_syn ? 0 : (s->flags & TK_TCP_SYN) ? 1 : -1;
    c->first_index = s->index;
    c->first_us = s->ts_us;
    c->rtt_us = c->irtt_us = -1;
    c->last_end = -1;
    c->note_head = c->note_tail = TK_AZ_NONE;
    c->prev = TK_AZ_NONE;
    return tk_az_index_put(az, *ci);
}

/* A SYN opens a new instance unless it repeats the SYN of the current one
 * or crosses the other end's SYN (simultaneous open, CM-2). */
static bool syn_continues(const tk_az_conn *c, int from, const tk_az_seg *s) {
    const tk_az_end *a = &c->end[from], *b = &c->end[1 - from];
    if (a->syn_seen)
        return a->isn == s->seq;
    return !a->sent_any && b->syn_seen && !b->fin_seen && !c->closed;
}

static int reuse_note(tk_analyzer *az, size_t old, size_t ci, const tk_az_seg *s) {
    char why[TK_AZ_REASON_LEN];
    snprintf(why, sizeof why, "new SYN on the ports of connection #%zu (%s)", old + 1,
             az->conns[old].closed ? "closed before" : "never closed in the capture");
    az->conns[ci].reused = true;
    az->conns[ci].prev = old;
    return add_note(az, ci, 0, s, TK_AZ_PORTS_REUSED, why);
}

/* The connection s belongs to (the newest instance on its 4-tuple). */
static int find_conn(tk_analyzer *az, const tk_az_seg *s, size_t *ci, int *from) {
    bool opening = (s->flags & (TK_TCP_SYN | TK_TCP_ACK)) == TK_TCP_SYN;
    long found = tk_az_index_find(az, s);
    *from = 0;
    if (found < 0)
        return new_conn(az, s, ci);
    size_t old = (size_t)found;
    int e = tk_az_end_of(&az->conns[old], s);
    if (opening && !syn_continues(&az->conns[old], e, s)) {
        int rc = new_conn(az, s, ci);
        return rc < 0 ? rc : reuse_note(az, old, *ci, s);
    }
    *ci = old;
    *from = e;
    return 0;
}

static uint32_t seg_len(const tk_az_seg *s) {
    return s->len + ((s->flags & TK_TCP_SYN) ? 1u : 0u) + ((s->flags & TK_TCP_FIN) ? 1u : 0u);
}

static uint32_t scaled_win(const tk_az_conn *c, const tk_az_end *a, const tk_az_seg *s) {
    if (!c->wscale_on || (s->flags & TK_TCP_SYN) || a->wscale < 0)
        return s->win; /* RFC 7323 2.2: SYN windows are never scaled */
    return (uint32_t)s->win << (a->wscale > TK_TCP_MAX_WSCALE ? TK_TCP_MAX_WSCALE : a->wscale);
}

/* Same ACK, same window, no data or control: a duplicate ACK or an answer
 * to a keep-alive or window probe. */
static bool pure_repeat_ack(const tk_az_end *a, const tk_az_seg *s, uint32_t win) {
    return s->len == 0 && !(s->flags & CTL_FLAGS) && (s->flags & TK_TCP_ACK) && a->has_seq &&
           s->seq == a->next_seq && a->ack_valid && s->ack == a->last_ack && win == a->win;
}

typedef struct verdict {
    tk_az_kind kinds[6];
    const char *why[6];
    size_t n;
    bool keepalive, probe, dup, challenge;
} verdict;

static void add(verdict *v, tk_az_kind k, const char *why) {
    if (v->n < 6) {
        v->kinds[v->n] = k;
        v->why[v->n++] = why;
    }
}

static void retrans_family(const tk_az_conn *c, const tk_az_end *a, const tk_az_end *b,
                           const tk_az_seg *s, verdict *v) {
    uint32_t end = s->seq + seg_len(s);
    int64_t ooo = c->irtt_us > 0 ? c->irtt_us : c->rtt_us > 0 ? c->rtt_us : OOO_DEFAULT_US;
    bool unseen = a->has_hole && tk_seq_geq(s->seq, a->hole_lo) && tk_seq_leq(end, a->hole_hi);
    if (s->len > 0 && b->ack_valid && tk_seq_leq(end, b->last_ack))
        add(v, TK_AZ_SPURIOUS_RETRANS, "sent again although the peer had already ACKed it");
    else if (b->dup_acks >= 2 && b->last_ack == s->seq && s->ts_us - b->last_ack_us < FAST_US)
        add(v, TK_AZ_FAST_RETRANS, "sent again after duplicate ACKs asked for it (RFC 5681 3.2)");
    else if (unseen && s->ts_us - a->last_data_us < ooo)
        add(v, TK_AZ_OUT_OF_ORDER, "fills a gap right after newer data: reordered in the network");
    else
        add(v, TK_AZ_RETRANS, "sequence space sent before: retransmission timeout or loss");
}

/* A SYN with a new ISN starts a new sequence space: nothing to compare. */
static bool new_isn(const tk_az_end *a, const tk_az_seg *s) {
    return (s->flags & TK_TCP_SYN) && (!a->syn_seen || a->isn != s->seq);
}

static void judge(const tk_az_conn *c, const tk_az_end *a0, const tk_az_end *b, const tk_az_seg *s,
                  verdict *v) {
    tk_az_end fresh = *a0;
    if (new_isn(a0, s))
        fresh.has_seq = false;
    const tk_az_end *a = &fresh;
    uint32_t win = scaled_win(c, a, s);
    bool ctl = s->flags & CTL_FLAGS;
    if (a->has_seq && s->len == 1 && s->seq == a->next_seq && b->sent_any && b->win == 0 && !ctl) {
        v->probe = true;
        add(v, TK_AZ_WINDOW_PROBE, "one byte past a zero window: persist timer probe (DT-3)");
    }
    if (s->win == 0 && !ctl)
        add(v, TK_AZ_ZERO_WINDOW, "receive buffer full: the sender must stop (DT-3)");
    if (a->has_seq && tk_seq_gt(s->seq, a->next_seq) && !(s->flags & TK_TCP_RST))
        add(v, TK_AZ_PREV_NOT_CAPTURED, "sequence gap: segments before this one are missing");
    if (a->has_seq && s->len <= 1 && !ctl && s->seq == a->next_seq - 1) {
        v->keepalive = true;
        if (b->sent_any && b->win == 0) { /* how Linux probes a zero window */
            v->probe = true;
            add(v, TK_AZ_WINDOW_PROBE, "SEQ = SND.NXT - 1 while the window is zero (DT-3)");
        } else {
            add(v, TK_AZ_KEEPALIVE, "SEQ = SND.NXT - 1 on an idle connection (TM-1)");
        }
    }
    /* As Wireshark decides it: the ACK of this end's previous segment, not
     * its highest (a late, reordered ACK in between makes it no update). */
    bool same = a->has_seq && s->len == 0 && !ctl && (s->flags & TK_TCP_ACK) &&
                s->seq == a->next_seq && a->ack_valid && s->ack == a->last_ack &&
                s->ack == a->prev_ack;
    if (same && win != a->win && s->win != 0)
        add(v, TK_AZ_WINDOW_UPDATE, "only the advertised window changed (DT-2)");
    if (pure_repeat_ack(a, s, win) && b->last_keepalive)
        add(v, TK_AZ_KEEPALIVE_ACK, "answers a keep-alive: the peer is alive (TM-1)");
    else if (pure_repeat_ack(a, s, win) && !b->last_probe && s->win != 0) {
        v->dup = true;
        add(v, TK_AZ_DUP_ACK, "same ACK again: the receiver is missing the segment at ACK");
    }
    bool challenge = (s->flags & TK_TCP_ACK) && !(s->flags & TK_TCP_SYN) && !a->sent_any &&
                     b->syn_seen && b->path_len && b->path[b->path_len - 1] == TK_TCP_SYN_SENT &&
                     s->ack != b->isn + 1;
    v->challenge = challenge;
    if (challenge)
        add(v, TK_AZ_ACKED_UNSEEN,
            "ACK of a SYN it does not acknowledge: challenge ACK from an old connection (RS-7)");
    else if ((s->flags & TK_TCP_ACK) && b->has_seq && tk_seq_gt(s->ack, b->next_seq))
        add(v, TK_AZ_ACKED_UNSEEN, "acknowledges data the capture does not hold");
    /* CM-2: the SYN-ACK of a simultaneous open repeats the SYN's ISN. */
    bool crossed = (s->flags & (TK_TCP_SYN | TK_TCP_ACK)) == (TK_TCP_SYN | TK_TCP_ACK) &&
                   a->syn_seen && !a->synack_sent && s->len == 0;
    bool carries = seg_len(s) > 0 && !(s->flags & TK_TCP_RST) && !crossed;
    if (carries && a->has_seq && tk_seq_lt(s->seq, a->next_seq) && !v->keepalive)
        retrans_family(c, a, b, s, v);
}

static void note_rtt(tk_az_conn *c, int from, const tk_az_seg *s) {
    const tk_az_end *a = &c->end[from], *b = &c->end[1 - from];
    bool syn = s->flags & TK_TCP_SYN, ack = s->flags & TK_TCP_ACK;
    if (syn && ack && b->syn_seen && s->ack == b->isn + 1 && c->rtt_us < 0) {
        c->rtt_us = s->ts_us - b->syn_us;
        c->wscale_on = s->wscale >= 0 && b->wscale >= 0;
    } else if (!syn && ack && a->syn_seen && b->syn_seen && s->ack == b->isn + 1 &&
               c->rtt_us >= 0 && c->irtt_us < 0) {
        c->irtt_us = s->ts_us - a->syn_us;
    }
}

/* Payload that does not count as new bytes: sent before, or the byte of a
 * keep-alive or window probe (sent again as data later). */
static bool resent(const verdict *v) {
    for (size_t i = 0; i < v->n; i++)
        if (v->kinds[i] == TK_AZ_RETRANS || v->kinds[i] == TK_AZ_FAST_RETRANS ||
            v->kinds[i] == TK_AZ_SPURIOUS_RETRANS)
            return true;
    return v->keepalive || v->probe || v->challenge;
}

static void update_sender(tk_az_conn *c, tk_az_end *a, tk_az_end *b, const tk_az_seg *s,
                          const verdict *v) {
    a->packets++;
    a->sent_any = true;
    a->bytes_data += s->len;
    if (!resent(v))
        a->bytes += s->len;
    if (v->challenge)
        return; /* it belongs to the old connection's sequence space */
    if (new_isn(a, s))
        a->has_seq = false;
    if (s->flags & TK_TCP_SYN) {
        a->syn_seen = true;
        a->isn = s->seq;
        a->syn_us = s->ts_us;
        a->synack_sent |= (s->flags & TK_TCP_ACK) != 0;
        a->wscale = s->wscale;
    }
    if (a->has_seq && tk_seq_gt(s->seq, a->next_seq) && !(s->flags & TK_TCP_RST)) {
        a->has_hole = true;
        a->hole_lo = a->next_seq;
        a->hole_hi = s->seq;
    }
    /* A window probe's byte is not taken while the window is zero: the
     * next probe repeats it, and Wireshark keeps SND.NXT where it was. */
    if (!(s->flags & TK_TCP_RST) && !v->probe) {
        uint32_t end = s->seq + seg_len(s);
        if (!a->has_seq || tk_seq_gt(end, a->next_seq)) {
            a->next_seq = end;
            a->last_data_us = s->ts_us;
            a->has_seq = true;
        }
    }
    if (s->flags & TK_TCP_FIN && !a->fin_seen) {
        a->fin_seen = true;
        a->fin_seq = s->seq + s->len;
    }
    if (s->flags & TK_TCP_RST)
        a->rst_sent = true;
    if ((s->flags & TK_TCP_ACK) && (!a->ack_valid || tk_seq_gt(s->ack, a->last_ack))) {
        a->last_ack = s->ack;
        a->ack_valid = true;
        a->dup_acks = 0;
        if (b->fin_seen && tk_seq_gt(s->ack, b->fin_seq))
            b->fin_acked = true;
    }
    if (s->flags & TK_TCP_ACK)
        a->prev_ack = s->ack;
    if (v->dup)
        a->dup_acks++;
    if (s->flags & TK_TCP_ACK)
        a->last_ack_us = s->ts_us;
    a->win = scaled_win(c, a, s);
    a->last_keepalive = v->keepalive && !v->probe;
    a->last_probe = v->probe;
}

static void finish(tk_az_conn *c, int from, const tk_az_seg *s) {
    c->last_end = from;
    c->last_flags = s->flags;
    c->last_ack = s->ack;
    c->last_index = s->index;
    c->last_us = s->ts_us;
    const tk_az_end *a = &c->end[from];
    bool synsent = a->path_len && a->path[a->path_len - 1] == TK_TCP_SYN_SENT;
    if ((s->flags & TK_TCP_RST && !synsent) || (c->end[0].fin_acked && c->end[1].fin_acked))
        c->closed = true;
}

/* The RST's cause; in stale connection recovery (RS-7) the RST also ends
 * the earlier connection, which hears of it here. */
static int rst_note(tk_analyzer *az, size_t ci, int from, const tk_az_seg *s) {
    char why[TK_AZ_REASON_LEN];
    tk_az_conn *c = &az->conns[ci];
    bool stale = tk_az_rst_cause(c, from, s, why, sizeof why);
    int rc = add_note(az, ci, from, s, TK_AZ_RST, why);
    size_t old = c->prev;
    if (rc < 0 || !stale || old == TK_AZ_NONE || az->conns[old].closed)
        return rc;
    tk_az_close_ends(&az->conns[old]);
    snprintf(why, sizeof why,
             "the RST of connection #%zu deletes this connection: stale connection recovery "
             "(RS-7)",
             ci + 1);
    return add_note(az, old, tk_az_end_of(&az->conns[old], s), s, TK_AZ_RST, why);
}

int tk_az_feed(tk_analyzer *az, const tk_az_seg *s) {
    size_t ci;
    int from;
    int rc = find_conn(az, s, &ci, &from);
    if (rc < 0)
        return rc;
    tk_az_conn *c = &az->conns[ci];
    tk_az_end *a = &c->end[from], *b = &c->end[1 - from];
    verdict v = {0};
    judge(c, a, b, s, &v);
    for (size_t i = 0; i < v.n && rc == 0; i++)
        rc = add_note(az, ci, from, s, v.kinds[i], v.why[i]);
    if (rc == 0 && (s->flags & TK_TCP_RST))
        rc = rst_note(az, ci, from, s);
    note_rtt(c, from, s);
    if (!v.challenge) /* the old connection speaks: no state of this one */
        tk_az_track_states(c, from, s);
    update_sender(c, a, b, s, &v);
    finish(c, from, s);
    return rc;
}
