/* The sender's SACK scoreboard and RFC 6675 loss recovery. The board holds
 * the ranges the peer reported holding beyond SND.UNA (RFC 2018), sorted
 * and merged, at most TK_SACK_BOARD of them (when full, the highest range
 * gives way: the lowest holes matter first). From it come IsLost(), the
 * pipe estimate and NextSeg() of RFC 6675 4; tp->rexmit_next is HighRxt.
 * A connection without a board reads as one with an empty board. */
#include "base/seq.h"
#include "tcp/state.h"

#define DUPTHRESH 3u

void tk_sack_reset(tk_tcb *tp) {
    if (tp->sack != NULL)
        tp->sack->n = 0;
    tk_cold(tp)->rexmit_next = tp->snd_una;
}

void tk_sack_release(tk_stack *s, tk_tcb *tp) {
    if (tp->sack != NULL)
        tk_pool_free(&s->sacks, tp->sack);
    tp->sack = NULL;
}

#if TK_WITH_SACK_SENDER
static const tk_sack_board *board(const tk_tcb *tp) {
    static const tk_sack_board empty = {0};
    return tp->sack != NULL ? tp->sack : &empty;
}

tk_sack_board *tk_sack_board_take(tk_stack *s, tk_tcb *tp) {
    if (tp->sack != NULL || (tp->flags & TK_TF_NO_BOARD))
        return tp->sack;
    tp->sack = tk_pool_alloc(&s->sacks);
    if (tp->sack == NULL) {
        tp->flags |= TK_TF_NO_BOARD;
        s->stats.sack_board_full++;
    }
    return tp->sack;
}

static void drop_block(tk_sack_board *b, uint32_t i) {
    for (uint32_t k = i; k + 1 < b->n; k++)
        b->sacked[k] = b->sacked[k + 1];
    b->n--;
}

static void insert(tk_sack_board *sb, uint32_t l, uint32_t r) {
    for (uint32_t i = 0; i < sb->n; i++) {
        tk_sack_block *b = &sb->sacked[i];
        if (tk_seq_lt(r, b->left)) {
            if (sb->n == TK_SACK_BOARD)
                sb->n--;
            for (uint32_t k = sb->n; k > i; k--)
                sb->sacked[k] = sb->sacked[k - 1];
            sb->sacked[i].left = l;
            sb->sacked[i].right = r;
            sb->n++;
            return;
        }
        if (tk_seq_leq(l, b->right)) { /* overlaps or touches: merge */
            b->left = tk_seq_min(b->left, l);
            b->right = tk_seq_max(b->right, r);
            while (i + 1 < sb->n && tk_seq_leq(sb->sacked[i + 1].left, b->right)) {
                b->right = tk_seq_max(b->right, sb->sacked[i + 1].right);
                drop_block(sb, i + 1);
            }
            return;
        }
    }
    if (sb->n < TK_SACK_BOARD) {
        sb->sacked[sb->n].left = l;
        sb->sacked[sb->n].right = r;
        sb->n++;
    }
}

static uint32_t sacked_from(const tk_sack_board *b, uint32_t first) {
    uint32_t n = 0;
    for (uint32_t i = first; i < b->n; i++)
        n += b->sacked[i].right - b->sacked[i].left;
    return n;
}

/* Forgets what the cumulative ACK now covers. */
static void prune(tk_tcb *tp) {
    tk_sack_board *b = tp->sack;
    if (tk_seq_lt(tk_cold(tp)->rexmit_next, tp->snd_una))
        tk_cold(tp)->rexmit_next = tp->snd_una;
    if (b == NULL)
        return;
    while (b->n > 0 && tk_seq_leq(b->sacked[0].right, tp->snd_una))
        drop_block(b, 0);
    if (b->n > 0 && tk_seq_lt(b->sacked[0].left, tp->snd_una))
        b->sacked[0].left = tp->snd_una;
}

/* Only blocks inside what we sent and not yet cumulatively ACKed (RFC 2018
 * also allows D-SACKs below SND.UNA: ignored). */
static bool block_useful(const tk_tcb *tp, uint32_t l, uint32_t r) {
    return tk_seq_lt(l, r) && tk_seq_gt(r, tp->snd_una) && tk_seq_leq(r, tp->snd_max);
}

bool tk_sack_update(tk_stack *s, tk_tcb *tp, const tk_tcp_opts *o) {
    prune(tp);
    if (!(o->present & TK_OPT_SACK))
        return false;
    tk_sack_board *b = NULL;
    uint32_t before = sacked_from(board(tp), 0);
    for (uint32_t i = 0; i < o->sack_count && i < TK_TCP_MAX_SACK; i++) {
        uint32_t l = o->sack[i].left, r = o->sack[i].right;
        if (!block_useful(tp, l, r))
            continue;
        if (b == NULL && (b = tk_sack_board_take(s, tp)) == NULL)
            return false;
        insert(b, tk_seq_max(l, tp->snd_una), r);
    }
    return sacked_from(board(tp), 0) > before;
}

/* RFC 6675 4 IsLost() for every byte of the hole below block i: DupThresh
 * discontiguous SACKed ranges above it, or more than (DupThresh - 1) * SMSS
 * SACKed bytes above it. */
static bool hole_lost(const tk_sack_board *b, uint32_t i, uint32_t mss) {
    return b->n - i >= DUPTHRESH || sacked_from(b, i) > (DUPTHRESH - 1u) * mss;
}

bool tk_sack_is_lost(const tk_tcb *tp, uint32_t seq, uint32_t mss) {
    const tk_sack_board *b = board(tp);
    for (uint32_t i = 0; i < b->n; i++) {
        if (tk_seq_lt(seq, b->sacked[i].left))
            return hole_lost(b, i, mss);
        if (tk_seq_lt(seq, b->sacked[i].right))
            return false; /* SACKed itself */
    }
    return false;
}

bool tk_sack_rexmit_lost(const tk_tcb *tp, uint32_t mss) {
    const tk_sack_board *b = board(tp);
    if (b->n == 0 || !tk_seq_lt(tp->snd_una, tk_cold(tp)->rexmit_next))
        return false; /* nothing resent is still missing */
    uint32_t above = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t l = tk_seq_max(b->sacked[i].left, tk_cold(tp)->rxt_mark);
        if (tk_seq_lt(l, b->sacked[i].right))
            above += b->sacked[i].right - l;
    }
    return above > (DUPTHRESH - 1u) * mss;
}

uint32_t tk_sack_skip(tk_tcb *tp) {
    const tk_sack_board *sb = board(tp);
    for (uint32_t i = 0; i < sb->n; i++) {
        const tk_sack_block *b = &sb->sacked[i];
        if (tk_seq_lt(tp->snd_nxt, b->left))
            return b->left - tp->snd_nxt;
        if (tk_seq_lt(tp->snd_nxt, b->right))
            tp->snd_nxt = b->right;
    }
    return UINT32_MAX;
}

uint32_t tk_sack_bytes_below(const tk_tcb *tp, uint32_t seq) {
    const tk_sack_board *b = board(tp);
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t l = tk_seq_max(b->sacked[i].left, tp->snd_una);
        uint32_t r = tk_seq_min(b->sacked[i].right, seq);
        if (tk_seq_lt(l, r))
            n += r - l;
    }
    return n;
}

/* Bytes of [l, r) below HighRxt: already retransmitted in this recovery. */
static uint32_t rexmitted(const tk_tcb *tp, uint32_t l, uint32_t r) {
    uint32_t hi = tk_seq_min(r, tk_cold(tp)->rexmit_next);
    return tk_seq_gt(hi, l) ? hi - l : 0;
}

/* RFC 6675 4 SetPipe(): every unSACKed byte counts once unless it is lost,
 * once more if it was retransmitted. */
uint32_t tk_sack_pipe(const tk_tcb *tp, uint32_t mss) {
    const tk_sack_board *b = board(tp);
    uint32_t pipe = 0, start = tp->snd_una;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t l = b->sacked[i].left;
        if (tk_seq_lt(start, l)) {
            if (!hole_lost(b, i, mss))
                pipe += l - start;
            pipe += rexmitted(tp, start, l);
        }
        start = tk_seq_max(start, b->sacked[i].right);
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
    const tk_sack_board *sb = board(tp);
    uint32_t start = tp->snd_una;
    for (uint32_t i = 0; i < sb->n; i++) {
        const tk_sack_block *b = &sb->sacked[i];
        uint32_t from = tk_seq_max(start, tk_cold(tp)->rexmit_next);
        if (tk_seq_lt(from, b->left) && (!lost_only || hole_lost(sb, i, mss))) {
            uint32_t hole = b->left - from;
            *seq = from;
            *len = hole < mss ? hole : mss;
            return true;
        }
        start = tk_seq_max(start, b->right);
    }
    return false;
}

#else
/* The scoreboard compiled out (TK_WITH_SACK_SENDER 0): the peer's blocks
 * are not kept, and tk_sack_recovery() is false, so recovery is NewReno's
 * and nothing below is reached; the answers are an empty board's. */
bool tk_sack_update(tk_stack *s, tk_tcb *tp, const tk_tcp_opts *o) {
    (void)s, (void)tp, (void)o;
    return false;
}

tk_sack_board *tk_sack_board_take(tk_stack *s, tk_tcb *tp) {
    (void)s, (void)tp;
    return NULL;
}

bool tk_sack_is_lost(const tk_tcb *tp, uint32_t seq, uint32_t mss) {
    (void)tp, (void)seq, (void)mss;
    return false;
}

bool tk_sack_rexmit_lost(const tk_tcb *tp, uint32_t mss) {
    (void)tp, (void)mss;
    return false;
}

uint32_t tk_sack_skip(tk_tcb *tp) {
    (void)tp;
    return UINT32_MAX;
}

uint32_t tk_sack_bytes_below(const tk_tcb *tp, uint32_t seq) {
    (void)tp, (void)seq;
    return 0;
}

uint32_t tk_sack_pipe(const tk_tcb *tp, uint32_t mss) {
    (void)mss;
    return tp->snd_max - tp->snd_una;
}

bool tk_sack_next_seg(const tk_tcb *tp, uint32_t mss, bool lost_only, uint32_t *seq,
                      uint32_t *len) {
    (void)tp, (void)mss, (void)lost_only, (void)seq, (void)len;
    return false;
}
#endif /* TK_WITH_SACK_SENDER */
