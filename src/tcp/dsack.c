/* D-SACK (RFC 2883): the receiver's side. One duplicate range is kept in
 * the TCB and goes out once, first among the SACK blocks. */
#include "tcp/dsack.h"

#include "base/seq.h"
#include "tcp/reass.h"
#include "tcp/state.h"

void tk_dsack_note(tk_tcb *tp, uint32_t left, uint32_t right) {
    if (!(tp->flags & TK_TF_SACK) || !tk_seq_lt(left, right))
        return;
    uint32_t len = right - left;
    tk_cold(tp)->dsack_left = left;
    tk_cold(tp)->dsack_len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len); /* its first part */
}

bool tk_dsack_held(const tk_tcb *tp, uint32_t seq, uint32_t len) {
    if (tp->reass == NULL || len == 0)
        return false;
    uint32_t off = seq - tp->rcv_nxt;
    for (uint32_t i = 0; i < tp->reass->count; i++) {
        const tk_reass_range *r = &tp->reass->r[i];
        if (r->start <= off && off + len <= r->end)
            return true;
    }
    return false;
}

void tk_dsack_overlap(tk_tcb *tp, uint32_t seq, uint32_t len) {
    if (tp->reass == NULL || len == 0 || tk_cold(tp)->dsack_len != 0)
        return;
    uint32_t off = seq - tp->rcv_nxt, end = off + len, best = UINT32_MAX, best_end = 0;
    for (uint32_t i = 0; i < tp->reass->count; i++) {
        const tk_reass_range *r = &tp->reass->r[i];
        uint32_t lo = r->start > off ? r->start : off, hi = r->end < end ? r->end : end;
        if (lo < hi && lo < best) {
            best = lo;
            best_end = hi;
        }
    }
    if (best != UINT32_MAX)
        tk_dsack_note(tp, tp->rcv_nxt + best, tp->rcv_nxt + best_end);
}

/* RFC 2883 4 (2): when the duplicate lies in out-of-order data, the block
 * holding it comes right after the D-SACK block. */
static uint32_t holder_first(const tk_tcb *tp, tk_sack_block *b, uint32_t n) {
    for (uint32_t i = 1; i < n; i++) {
        if (tk_seq_leq(b[i].left, tk_cold(tp)->dsack_left) &&
            tk_seq_leq(tk_cold(tp)->dsack_left + tk_cold(tp)->dsack_len, b[i].right)) {
            tk_sack_block h = b[i];
            for (uint32_t k = i; k > 0; k--)
                b[k] = b[k - 1];
            b[0] = h;
            break;
        }
    }
    return n;
}

uint32_t tk_dsack_blocks(const tk_tcb *tp, tk_sack_block *out, uint32_t max) {
    bool dup = max > 0 && tk_cold(tp)->dsack_len != 0;
    uint32_t n = 0;
    if (dup) {
        out[0].left = tk_cold(tp)->dsack_left;
        out[0].right = tk_cold(tp)->dsack_left + tk_cold(tp)->dsack_len;
        n = 1;
    }
    if (tk_tcb_ooo_ranges(tp) == 0 || n >= max)
        return n;
    /* All ranges, so that the holder is found even when it would not fit. */
    tk_sack_block all[TK_REASS_MAX_RANGES];
    uint32_t k = tk_reass_sack(tp->reass, tp->rcv_nxt, all, TK_REASS_MAX_RANGES);
    if (dup)
        (void)holder_first(tp, all, k);
    for (uint32_t i = 0; i < k && n < max; i++)
        out[n++] = all[i];
    return n;
}

void tk_dsack_sent(tk_tcb *tp) {
    tk_cold(tp)->dsack_len = 0;
}
