/* The sender's SACK scoreboard: the ranges the peer reported holding beyond
 * SND.UNA (RFC 2018), kept sorted and merged, at most four. During fast
 * recovery the holes below the highest SACKed byte are resent one segment
 * per duplicate ACK (a simplified RFC 6675 NextSeg), so several losses in
 * one window are repaired without waiting for the timer. */
#include "base/seq.h"
#include "tcp/tcb.h"

void tk_sack_reset(tk_tcb *tp) {
    tp->nsacked = 0;
    tp->rexmit_next = tp->snd_una;
}

static void drop_block(tk_tcb *tp, uint32_t i) {
    for (uint32_t k = i; k + 1 < tp->nsacked; k++)
        tp->sacked[k] = tp->sacked[k + 1];
    tp->nsacked--;
}

/* Inserts [l, r) keeping the list sorted and disjoint; when full, the
 * highest block gives way (the lowest holes matter first). */
static void insert(tk_tcb *tp, uint32_t l, uint32_t r) {
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        tk_sack_block *b = &tp->sacked[i];
        if (tk_seq_lt(r, b->left)) {
            if (tp->nsacked == TK_TCP_MAX_SACK)
                tp->nsacked--;
            for (uint32_t k = tp->nsacked; k > i; k--)
                tp->sacked[k] = tp->sacked[k - 1];
            tp->sacked[i].left = l;
            tp->sacked[i].right = r;
            tp->nsacked++;
            return;
        }
        if (tk_seq_leq(l, b->right)) { /* overlaps or touches: merge */
            b->left = tk_seq_min(b->left, l);
            b->right = tk_seq_max(b->right, r);
            while (i + 1 < tp->nsacked && tk_seq_leq(tp->sacked[i + 1].left, b->right)) {
                b->right = tk_seq_max(b->right, tp->sacked[i + 1].right);
                drop_block(tp, i + 1);
            }
            return;
        }
    }
    if (tp->nsacked < TK_TCP_MAX_SACK) {
        tp->sacked[tp->nsacked].left = l;
        tp->sacked[tp->nsacked].right = r;
        tp->nsacked++;
    }
}

static uint32_t sacked_bytes(const tk_tcb *tp) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < tp->nsacked; i++)
        n += tp->sacked[i].right - tp->sacked[i].left;
    return n;
}

bool tk_sack_update(tk_tcb *tp, const tk_tcp_opts *o) {
    /* Forget what the cumulative ACK now covers. */
    while (tp->nsacked > 0 && tk_seq_leq(tp->sacked[0].right, tp->snd_una))
        drop_block(tp, 0);
    if (tp->nsacked > 0 && tk_seq_lt(tp->sacked[0].left, tp->snd_una))
        tp->sacked[0].left = tp->snd_una;
    if (!(o->present & TK_OPT_SACK))
        return false;
    uint32_t before = sacked_bytes(tp);
    for (uint32_t i = 0; i < o->sack_count && i < TK_TCP_MAX_SACK; i++) {
        uint32_t l = o->sack[i].left, r = o->sack[i].right;
        /* Only blocks inside what we sent and not yet cumulatively ACKed
         * (RFC 2018 also allows D-SACKs below SND.UNA: ignored). */
        if (!tk_seq_lt(l, r) || tk_seq_leq(r, tp->snd_una) || tk_seq_gt(r, tp->snd_max))
            continue;
        insert(tp, tk_seq_max(l, tp->snd_una), r);
    }
    return sacked_bytes(tp) > before;
}

bool tk_sack_next_hole(const tk_tcb *tp, uint32_t from, uint32_t mss, uint32_t *seq,
                       uint32_t *len) {
    if (tp->nsacked == 0 || mss == 0)
        return false;
    uint32_t start = tk_seq_max(from, tp->snd_una);
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        const tk_sack_block *b = &tp->sacked[i];
        if (tk_seq_geq(start, b->left) && tk_seq_lt(start, b->right))
            start = b->right;
        if (tk_seq_lt(start, b->left)) {
            uint32_t hole = b->left - start;
            *seq = start;
            *len = hole < mss ? hole : mss;
            return true;
        }
    }
    return false;
}
