/* RACK's transmit log (rack_log.h): a burst sent at one instant is one
 * record; a retransmission gets a record of its own. When the log is full
 * the two neighbours sent closest in time merge (at the later time: losses
 * are then found later, never early). */
#include "tcp/rack_log.h"

#include <string.h>

#include "base/seq.h"

static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

static void set_seg(tk_rack_seg *g, uint32_t xmit, uint8_t flags) {
    g->xf = (xmit & ~TK_RACK_FLAGS) | (flags & TK_RACK_FLAGS);
}

uint32_t tk_rack_rec_start(const tk_tcb *tp, uint32_t i) {
    return i == 0 ? tp->snd_una : tp->sack->rack.seg[i - 1].end;
}

/* SACKed bytes of [l, r). */
uint32_t tk_rack_sacked_in(const tk_sack_board *b, uint32_t l, uint32_t r) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t a = tk_seq_max(b->sacked[i].left, l), e = tk_seq_min(b->sacked[i].right, r);
        if (tk_seq_lt(a, e))
            n += e - a;
    }
    return n;
}

/* The first unSACKed range at or after a, below e. */
bool tk_rack_next_hole(const tk_sack_board *b, uint32_t a, uint32_t e, uint32_t *ha, uint32_t *hb) {
    for (uint32_t i = 0; i < b->n; i++) {
        const tk_sack_block *k = &b->sacked[i];
        if (tk_seq_leq(k->right, a))
            continue;
        if (tk_seq_leq(k->left, a)) {
            a = k->right;
            continue;
        }
        if (!tk_seq_lt(a, e))
            return false;
        *ha = a;
        *hb = tk_seq_min(k->left, e);
        return true;
    }
    if (!tk_seq_lt(a, e))
        return false;
    *ha = a;
    *hb = e;
    return true;
}

static void drop_rec(tk_rack *r, uint32_t i) {
    memmove(&r->seg[i], &r->seg[i + 1], (r->n - i - 1) * sizeof r->seg[0]);
    r->n--;
}

/* Makes room: merges the neighbours sent closest in time (preferring equal
 * flags), at the later time. */
static void compact(tk_rack *r) {
    uint32_t best = 0;
    uint64_t best_cost = UINT64_MAX;
    for (uint32_t k = 0; k + 1 < r->n; k++) {
        uint32_t xa = tk_rack_xmit_of(&r->seg[k]), xb = tk_rack_xmit_of(&r->seg[k + 1]);
        uint32_t d = tk_rack_after32(xa, xb) ? xa - xb : xb - xa;
        uint64_t cost =
            d +
            (tk_rack_flags_of(&r->seg[k]) != tk_rack_flags_of(&r->seg[k + 1]) ? (1ull << 32) : 0);
        if (cost < best_cost) {
            best_cost = cost;
            best = k;
        }
    }
    tk_rack_seg *a = &r->seg[best], *b = &r->seg[best + 1];
    uint32_t x = tk_rack_after32(tk_rack_xmit_of(a), tk_rack_xmit_of(b)) ? tk_rack_xmit_of(a)
                                                                         : tk_rack_xmit_of(b);
    uint8_t fa = tk_rack_flags_of(a), fb = tk_rack_flags_of(b);
    set_seg(b, x, (uint8_t)(((fa | fb) & TK_RACK_RETRANS) | (fa & fb & TK_RACK_LOST)));
    drop_rec(r, best);
}

static void append(tk_rack *r, uint32_t end, uint32_t xmit, uint8_t flags) {
    if (r->n > 0 && tk_rack_xmit_of(&r->seg[r->n - 1]) == (xmit & ~TK_RACK_FLAGS) &&
        tk_rack_flags_of(&r->seg[r->n - 1]) == flags) {
        r->seg[r->n - 1].end = end;
        return;
    }
    if (r->n == TK_RACK_SEGS)
        compact(r);
    r->seg[r->n].end = end;
    set_seg(&r->seg[r->n], xmit, flags);
    r->n++;
    r->marked = r->marked || flags != 0;
}

/* A record boundary at `at` (inside the log). */
static void split(tk_tcb *tp, uint32_t at) {
    tk_rack *r = tk_rack_of(tp);
    for (uint32_t i = 0; i < r->n; i++) {
        if (!tk_seq_lt(at, r->seg[i].end))
            continue;
        if (!tk_seq_gt(at, tk_rack_rec_start(tp, i)))
            return; /* already one */
        memmove(&r->seg[i + 1], &r->seg[i], (r->n - i) * sizeof r->seg[0]);
        r->seg[i].end = at;
        r->n++;
        return;
    }
}

/* Gives [a, b) (inside the log) one record with these flags and time. */
static void set_range(tk_tcb *tp, uint32_t a, uint32_t b, uint32_t xmit, uint8_t flags) {
    tk_rack *r = tk_rack_of(tp);
    r->marked = r->marked || flags != 0;
    while (r->n + 2 > TK_RACK_SEGS)
        compact(r);
    split(tp, a);
    split(tp, b);
    for (uint32_t i = 0; i < r->n; i++) {
        if (!tk_seq_geq(tk_rack_rec_start(tp, i), a))
            continue;
        r->seg[i].end = b;
        set_seg(&r->seg[i], xmit, flags);
        while (i + 1 < r->n && tk_seq_leq(r->seg[i + 1].end, b))
            drop_rec(r, i + 1);
        return;
    }
}

/* Adds flag to the records of [a, b), keeping their times. */
void tk_rack_flag_range(tk_tcb *tp, uint32_t a, uint32_t b, uint8_t flag) {
    tk_rack *r = tk_rack_of(tp);
    r->marked = true;
    while (r->n + 2 > TK_RACK_SEGS)
        compact(r);
    split(tp, a);
    split(tp, b);
    for (uint32_t i = 0; i < r->n; i++)
        if (tk_seq_geq(tk_rack_rec_start(tp, i), a) && tk_seq_leq(r->seg[i].end, b))
            r->seg[i].xf |= flag;
}

void tk_rack_on_send(tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now) {
    if (!tk_rack_log_on(tp) || len == 0)
        return;
    tk_rack *r = tk_rack_of(tp);
    uint32_t end = seq + len, t = tk_rack_us32(now);
    uint32_t last = r->n > 0 ? r->seg[r->n - 1].end : tp->snd_una;
    if (tk_seq_geq(seq, last)) {
        append(r, end, t, 0);
        r->arm = true;
        return;
    }
    if (tk_seq_lt(seq, tp->snd_una))
        return;
    set_range(tp, seq, tk_seq_min(end, last), t, TK_RACK_RETRANS);
    if (tk_seq_gt(end, last))
        append(r, end, t, 0);
    tk_undo_retransmitted(tp, now);
}

void tk_rack_prune(tk_tcb *tp) {
    tk_rack *r = tk_rack_of(tp);
    uint32_t k = 0;
    while (k < r->n && tk_seq_leq(r->seg[k].end, tp->snd_una))
        k++;
    if (k > 0) {
        memmove(&r->seg[0], &r->seg[k], (r->n - k) * sizeof r->seg[0]);
        r->n -= k;
    }
    if (r->n == 0)
        r->marked = false;
}

/* The log is exactly [SND.UNA, SND.MAX), none of it SACKed or marked:
 * all of it is in flight. */
static bool all_in_flight(const tk_tcb *tp) {
    const tk_rack *r = &tp->sack->rack;
    if (tp->sack->n != 0 || r->marked)
        return false;
    if (r->n == 0)
        return tp->snd_max == tp->snd_una;
    return r->seg[r->n - 1].end == tp->snd_max && tk_seq_gt(r->seg[0].end, tp->snd_una);
}

uint32_t tk_rack_pipe(const tk_tcb *tp) {
    if (!tk_rack_log_on(tp) || all_in_flight(tp))
        return tp->snd_max - tp->snd_una;
    const tk_rack *r = &tp->sack->rack;
    uint32_t pipe = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        if (tk_rack_flags_of(&r->seg[i]) & TK_RACK_LOST)
            continue;
        uint32_t a = tk_rack_rec_start(tp, i), ha, hb;
        while (tk_rack_next_hole(tp->sack, a, r->seg[i].end, &ha, &hb)) {
            pipe += hb - ha;
            a = hb;
        }
    }
    return pipe;
}

bool tk_rack_next_lost(const tk_tcb *tp, uint32_t maxseg, uint32_t *seq, uint32_t *len) {
    if (!tk_rack_log_on(tp))
        return false;
    const tk_rack *r = &tp->sack->rack;
    for (uint32_t i = 0; i < r->n; i++) {
        uint32_t ha, hb;
        if ((tk_rack_flags_of(&r->seg[i]) & TK_RACK_LOST) &&
            tk_rack_next_hole(tp->sack, tk_rack_rec_start(tp, i), r->seg[i].end, &ha, &hb)) {
            *seq = ha;
            *len = min_u32(hb - ha, maxseg);
            return true;
        }
    }
    return false;
}

/* Clears every loss mark (a spurious episode was undone). */
void tk_rack_unmark(tk_tcb *tp) {
    tk_rack *r = tk_rack_of(tp);
    for (uint32_t i = 0; i < r->n; i++)
        r->seg[i].xf &= ~(uint32_t)TK_RACK_LOST;
}
