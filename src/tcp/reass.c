/* Out-of-order range tracker. r[] holds at most cap sorted, disjoint,
 * non-adjacent ranges of offsets from RCV.NXT; recent (the cap bytes after
 * r[]) is a permutation of 0..count-1 listing them by last change, newest
 * first, which is the SACK block order of RFC 2018 4. Every shift of r[]
 * renumbers recent through the three helpers below. */
#include "tcp/reass.h"

#include <errno.h>
#include <string.h>

static uint32_t max_u32(uint32_t a, uint32_t b) {
    return a > b ? a : b;
}
static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

static uint8_t *recent_of(tk_reass *a) {
    return (uint8_t *)(void *)(a->r + a->cap);
}

/* Moves range index idx (already in recent[]) to the front. */
static void recent_touch(tk_reass *a, uint32_t idx) {
    uint8_t *recent = recent_of(a);
    uint32_t k = 0;
    while (k < a->count && recent[k] != idx)
        k++;
    for (; k > 0; k--)
        recent[k] = recent[k - 1];
    recent[0] = (uint8_t)idx;
}

/* A range was inserted at idx: later ranges moved up one. a->count is the
 * count before the insertion. */
static void recent_insert(tk_reass *a, uint32_t idx) {
    uint8_t *recent = recent_of(a);
    for (uint32_t k = a->count; k > 0; k--) {
        uint8_t v = recent[k - 1];
        recent[k] = (uint8_t)(v >= idx ? v + 1 : v);
    }
    recent[0] = (uint8_t)idx;
}

/* Ranges lo..hi were removed: drop them and renumber the ones above. a->count
 * is the count before the removal. */
static void recent_remove(tk_reass *a, uint32_t lo, uint32_t hi) {
    uint8_t *recent = recent_of(a);
    uint32_t gone = hi - lo + 1;
    uint32_t out = 0;
    for (uint32_t k = 0; k < a->count; k++) {
        uint32_t v = recent[k];
        if (v >= lo && v <= hi)
            continue;
        recent[out++] = (uint8_t)(v > hi ? v - gone : v);
    }
}

static void ranges_remove(tk_reass *a, uint32_t lo, uint32_t hi) {
    uint32_t tail = a->count - hi - 1;
    memmove(&a->r[lo], &a->r[hi + 1], tail * sizeof a->r[0]);
    recent_remove(a, lo, hi);
    a->count = (uint16_t)(a->count - (hi - lo + 1));
}

uint32_t tk_reass_cap_for(uint32_t rcvbuf) {
    uint32_t lo = TK_REASS_MAX_RANGES < 8 ? TK_REASS_MAX_RANGES : 8;
    uint32_t cap = rcvbuf / 1024u;
    return cap < lo ? lo : cap > TK_REASS_MAX_RANGES ? TK_REASS_MAX_RANGES : cap;
}

size_t tk_reass_size(uint32_t cap) {
    return (sizeof(tk_reass) + cap * (sizeof(tk_reass_range) + 1u) + 7u) & ~(size_t)7u;
}

void tk_reass_init(tk_reass *a, uint32_t cap) {
    memset(a, 0, tk_reass_size(cap));
    a->cap = (uint16_t)cap;
}

int tk_reass_add(tk_reass *a, uint32_t off, uint32_t len) {
    len = min_u32(len, UINT32_MAX - off);
    if (len == 0)
        return 0;
    uint32_t start = off, end = off + len;
    uint32_t i = 0;
    while (i < a->count && a->r[i].end < start)
        i++;
    uint32_t j = i; /* first range that neither overlaps nor touches */
    while (j < a->count && a->r[j].start <= end)
        j++;
    if (j == i) {
        if (a->count >= a->cap)
            return -ENOBUFS;
        memmove(&a->r[i + 1], &a->r[i], (a->count - i) * sizeof a->r[0]);
        a->r[i] = (tk_reass_range){.start = start, .end = end};
        recent_insert(a, i);
        a->count++;
        return 0;
    }
    a->r[i].start = min_u32(start, a->r[i].start);
    a->r[i].end = max_u32(end, a->r[j - 1].end);
    if (j - 1 > i)
        ranges_remove(a, i + 1, j - 1);
    recent_touch(a, i);
    return 0;
}

uint32_t tk_reass_advance(tk_reass *a, uint32_t n) {
    uint32_t total = n;
    uint32_t m = 0;
    while (m < a->count && a->r[m].start <= total) {
        total = max_u32(total, a->r[m].end);
        m++;
    }
    if (m > 0)
        ranges_remove(a, 0, m - 1);
    for (uint32_t k = 0; k < a->count; k++) {
        a->r[k].start -= total;
        a->r[k].end -= total;
    }
    return total;
}

uint32_t tk_reass_bytes(const tk_reass *a) {
    uint32_t sum = 0;
    for (uint32_t k = 0; k < a->count; k++)
        sum += a->r[k].end - a->r[k].start;
    return sum;
}

uint32_t tk_reass_sack(const tk_reass *a, uint32_t rcv_nxt, tk_sack_block *out, uint32_t max) {
    const uint8_t *recent = tk_reass_recent(a);
    uint32_t n = min_u32(a->count, max);
    for (uint32_t k = 0; k < n; k++) {
        const tk_reass_range *r = &a->r[recent[k]];
        out[k].left = rcv_nxt + r->start;
        out[k].right = rcv_nxt + r->end;
    }
    return n;
}
