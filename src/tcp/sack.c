/* The sender's SACK scoreboard and RFC 6675 loss recovery. The board holds
 * the ranges the peer reported holding beyond SND.UNA (RFC 2018), sorted
 * and merged, at most TK_SACK_BOARD of them (when full, the highest range
 * gives way: the lowest holes matter first). From it come IsLost(), the
 * pipe estimate and NextSeg() of RFC 6675 4; tp->rexmit_next is HighRxt. */
#include "base/seq.h"
#include "tcp/tcb.h"

#define DUPTHRESH 3u

void tk_sack_reset(tk_tcb *tp) {
    tp->nsacked = 0;
    tp->rexmit_next = tp->snd_una;
}

static void drop_block(tk_tcb *tp, uint32_t i) {
    for (uint32_t k = i; k + 1 < tp->nsacked; k++)
        tp->sacked[k] = tp->sacked[k + 1];
    tp->nsacked--;
}

static void insert(tk_tcb *tp, uint32_t l, uint32_t r) {
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        tk_sack_block *b = &tp->sacked[i];
        if (tk_seq_lt(r, b->left)) {
            if (tp->nsacked == TK_SACK_BOARD)
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
    if (tp->nsacked < TK_SACK_BOARD) {
        tp->sacked[tp->nsacked].left = l;
        tp->sacked[tp->nsacked].right = r;
        tp->nsacked++;
    }
}

static uint32_t sacked_from(const tk_tcb *tp, uint32_t first) {
    uint32_t n = 0;
    for (uint32_t i = first; i < tp->nsacked; i++)
        n += tp->sacked[i].right - tp->sacked[i].left;
    return n;
}

bool tk_sack_update(tk_tcb *tp, const tk_tcp_opts *o) {
    /* Forget what the cumulative ACK now covers. */
    while (tp->nsacked > 0 && tk_seq_leq(tp->sacked[0].right, tp->snd_una))
        drop_block(tp, 0);
    if (tp->nsacked > 0 && tk_seq_lt(tp->sacked[0].left, tp->snd_una))
        tp->sacked[0].left = tp->snd_una;
    if (tk_seq_lt(tp->rexmit_next, tp->snd_una))
        tp->rexmit_next = tp->snd_una;
    if (!(o->present & TK_OPT_SACK))
        return false;
    uint32_t before = sacked_from(tp, 0);
    for (uint32_t i = 0; i < o->sack_count && i < TK_TCP_MAX_SACK; i++) {
        uint32_t l = o->sack[i].left, r = o->sack[i].right;
        /* Only blocks inside what we sent and not yet cumulatively ACKed
         * (RFC 2018 also allows D-SACKs below SND.UNA: ignored). */
        if (!tk_seq_lt(l, r) || tk_seq_leq(r, tp->snd_una) || tk_seq_gt(r, tp->snd_max))
            continue;
        insert(tp, tk_seq_max(l, tp->snd_una), r);
    }
    return sacked_from(tp, 0) > before;
}

/* RFC 6675 4 IsLost() for every byte of the hole below block i: DupThresh
 * discontiguous SACKed ranges above it, or more than (DupThresh - 1) * SMSS
 * SACKed bytes above it. */
static bool hole_lost(const tk_tcb *tp, uint32_t i, uint32_t mss) {
    return tp->nsacked - i >= DUPTHRESH || sacked_from(tp, i) > (DUPTHRESH - 1u) * mss;
}

bool tk_sack_is_lost(const tk_tcb *tp, uint32_t seq, uint32_t mss) {
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        if (tk_seq_lt(seq, tp->sacked[i].left))
            return hole_lost(tp, i, mss);
        if (tk_seq_lt(seq, tp->sacked[i].right))
            return false; /* SACKed itself */
    }
    return false;
}

bool tk_sack_rexmit_lost(const tk_tcb *tp, uint32_t mss) {
    if (tp->nsacked == 0 || !tk_seq_lt(tp->snd_una, tp->rexmit_next))
        return false; /* nothing resent is still missing */
    uint32_t above = 0;
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        uint32_t l = tk_seq_max(tp->sacked[i].left, tp->rxt_mark);
        if (tk_seq_lt(l, tp->sacked[i].right))
            above += tp->sacked[i].right - l;
    }
    return above > (DUPTHRESH - 1u) * mss;
}

uint32_t tk_sack_skip(tk_tcb *tp) {
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        const tk_sack_block *b = &tp->sacked[i];
        if (tk_seq_lt(tp->snd_nxt, b->left))
            return b->left - tp->snd_nxt;
        if (tk_seq_lt(tp->snd_nxt, b->right))
            tp->snd_nxt = b->right;
    }
    return UINT32_MAX;
}

uint32_t tk_sack_bytes_below(const tk_tcb *tp, uint32_t seq) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        uint32_t l = tk_seq_max(tp->sacked[i].left, tp->snd_una);
        uint32_t r = tk_seq_min(tp->sacked[i].right, seq);
        if (tk_seq_lt(l, r))
            n += r - l;
    }
    return n;
}

/* Bytes of [l, r) below HighRxt: already retransmitted in this recovery. */
static uint32_t rexmitted(const tk_tcb *tp, uint32_t l, uint32_t r) {
    uint32_t hi = tk_seq_min(r, tp->rexmit_next);
    return tk_seq_gt(hi, l) ? hi - l : 0;
}

/* RFC 6675 4 SetPipe(): every unSACKed byte counts once unless it is lost,
 * once more if it was retransmitted. */
uint32_t tk_sack_pipe(const tk_tcb *tp, uint32_t mss) {
    uint32_t pipe = 0, start = tp->snd_una;
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        uint32_t l = tp->sacked[i].left;
        if (tk_seq_lt(start, l)) {
            if (!hole_lost(tp, i, mss))
                pipe += l - start;
            pipe += rexmitted(tp, start, l);
        }
        start = tk_seq_max(start, tp->sacked[i].right);
    }
    if (tk_seq_lt(start, tp->snd_max))
        pipe += tp->snd_max - start + rexmitted(tp, start, tp->snd_max);
    return pipe;
}

/* RFC 6675 4 NextSeg() rules 1 (lost_only) and 3: the first unSACKed byte
 * at or above HighRxt below the highest SACKed byte, in a lost hole for
 * rule 1. *len is at most mss and ends at the hole's end. */
bool tk_sack_next_seg(const tk_tcb *tp, uint32_t mss, bool lost_only, uint32_t *seq,
                      uint32_t *len) {
    uint32_t start = tp->snd_una;
    for (uint32_t i = 0; i < tp->nsacked; i++) {
        const tk_sack_block *b = &tp->sacked[i];
        uint32_t from = tk_seq_max(start, tp->rexmit_next);
        if (tk_seq_lt(from, b->left) && (!lost_only || hole_lost(tp, i, mss))) {
            uint32_t hole = b->left - from;
            *seq = from;
            *len = hole < mss ? hole : mss;
            return true;
        }
        start = tk_seq_max(start, b->right);
    }
    return false;
}
