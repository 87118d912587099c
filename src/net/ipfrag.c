/* The reassembly engine: fixed slots keyed by bytes, eviction, expiry
 * (TK_WITH_IPFRAG; net/ipfrag_off.c when compiled out). IPv4's use of it is
 * net/ipfrag4.c, IPv6's net/ip6frag.c. */
#include "tcpkit/opts.h"

#if TK_WITH_IPFRAG
#include <errno.h>
#include <string.h>

#include "net/ipfrag.h"

static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

static uint32_t blocks(uint32_t max_bytes) {
    return (max_bytes + 7u) / 8u;
}

static size_t slot_bytes(const tk_ipfrag_shape *sh) {
    return sh->headroom + align8(sh->max_bytes) + align8((blocks(sh->max_bytes) + 7u) / 8u);
}

size_t tk_ipfrag_shape_mem_size(const tk_ipfrag_shape *sh) {
    return align8(sizeof(tk_ipfrag_slot) * sh->slots) + align8((size_t)sh->key_len * sh->slots) +
           slot_bytes(sh) * sh->slots;
}

void tk_ipfrag_shape_init(tk_ipfrag *f, void *mem, const tk_ipfrag_shape *sh) {
    uint8_t *p = mem;
    memset(mem, 0, tk_ipfrag_shape_mem_size(sh));
    memset(f, 0, sizeof(*f));
    f->slots = (tk_ipfrag_slot *)(void *)p;
    f->n = sh->slots;
    f->max_bytes = sh->max_bytes;
    f->timeout = sh->timeout;
    f->key_len = sh->key_len;
    f->src_len = sh->src_len;
    f->headroom = sh->headroom;
    f->overlap_drops = sh->overlap_drops;
    p += align8(sizeof(tk_ipfrag_slot) * f->n);
    f->keys = p;
    p += align8((size_t)f->key_len * f->n);
    for (uint32_t i = 0; i < f->n; i++) {
        f->slots[i].data = p + sh->headroom;
        f->slots[i].bitmap = p + sh->headroom + align8(f->max_bytes);
        p += slot_bytes(sh);
    }
}

static const uint8_t *key_of(const tk_ipfrag *f, uint32_t i) {
    return f->keys + (size_t)i * f->key_len;
}

static void slot_free(tk_ipfrag *f, tk_ipfrag_slot *sl) {
    sl->used = false;
    memset(sl->bitmap, 0, (blocks(f->max_bytes) + 7u) / 8u);
}

/* SEC-12: with every slot taken, a new datagram evicts one in progress
 * (RFC 815 leaves the policy open): the oldest of a source holding more
 * than half of the slots, else the oldest of all. Spoofed first fragments
 * then cost the victim only the time they would have held a slot. */
static uint32_t evict(tk_ipfrag *f) {
    uint32_t oldest = f->n, hog = f->n;
    for (uint32_t i = 0; i < f->n; i++) {
        uint32_t same = 0;
        for (uint32_t j = 0; j < f->n; j++)
            same += memcmp(key_of(f, j), key_of(f, i), f->src_len) == 0;
        tk_time t = f->slots[i].expires;
        if (2u * same > f->n && (hog == f->n || t < f->slots[hog].expires))
            hog = i;
        if (oldest == f->n || t < f->slots[oldest].expires)
            oldest = i;
    }
    uint32_t victim = hog != f->n ? hog : oldest;
    if (victim != f->n) {
        slot_free(f, &f->slots[victim]);
        f->evicted++;
    }
    return victim;
}

/* The slot of this datagram, else a free one (expired ones are freed
 * first), else an evicted one; f->n when there is no slot at all. */
static uint32_t slot_for(tk_ipfrag *f, const uint8_t *key, tk_time now, tk_ipfrag_where *w) {
    uint32_t free_ix = f->n;
    for (uint32_t i = 0; i < f->n; i++) {
        tk_ipfrag_slot *sl = &f->slots[i];
        if (sl->used && now >= sl->expires) {
            slot_free(f, sl);
            w->timed_out++;
        }
        if (sl->used && memcmp(key_of(f, i), key, f->key_len) == 0)
            return i;
        if (!sl->used && free_ix == f->n)
            free_ix = i;
    }
    if (free_ix == f->n)
        free_ix = evict(f);
    if (free_ix == f->n)
        return f->n;
    tk_ipfrag_slot *sl = &f->slots[free_ix];
    sl->used = true;
    memcpy(f->keys + (size_t)free_ix * f->key_len, key, f->key_len);
    sl->total = sl->have = sl->max_end = 0;
    sl->ecn_seen = 0;
    sl->expires = now + f->timeout;
    w->fresh = true;
    return free_ix;
}

static bool bit(const uint8_t *bm, uint32_t i) {
    return ((unsigned)bm[i / 8u] >> (i % 8u)) & 1u;
}

/* Copies the fragment and marks its blocks; bytes already held are kept
 * (RFC 815 leaves overlap policy open; the first copy wins). */
static void store(tk_ipfrag_slot *sl, uint32_t off, const uint8_t *p, uint32_t len) {
    for (uint32_t b = off / 8u; b * 8u < off + len; b++) {
        uint32_t lo = b * 8u, hi = lo + 8u < off + len ? lo + 8u : off + len;
        if (bit(sl->bitmap, b))
            continue;
        memcpy(sl->data + lo, p + (lo - off), hi - lo);
        sl->bitmap[b / 8u] |= (uint8_t)(1u << (b % 8u));
        sl->have += hi - lo;
    }
}

/* RFC 5722 with RFC 8200 4.5's allowance for copies: a piece none of whose
 * blocks is held is new (0); one wholly held with the same bytes is a
 * duplicate (TK_IPFRAG_DUP); anything else overlaps (-EEXIST). Offsets are
 * multiples of 8 and every piece but the last fills whole blocks, so a
 * block held means those bytes were received. */
static int overlap(const tk_ipfrag_slot *sl, const tk_ipfrag_piece *pc) {
    uint32_t held = 0, n = 0;
    for (uint32_t b = pc->off / 8u; b * 8u < pc->off + pc->len; b++, n++)
        held += bit(sl->bitmap, b);
    if (held == 0)
        return 0;
    if (held == n && memcmp(sl->data + pc->off, pc->data, pc->len) == 0)
        return TK_IPFRAG_DUP;
    return -EEXIST;
}

/* RFC 3168 5.3: a CE fragment makes the datagram CE, unless a fragment
 * was Not-ECT (then it is dropped, -1); the same field everywhere stays. A
 * mix of ECT(0), ECT(1) and Not-ECT without CE becomes Not-ECT. */
static int reassembled_ecn(uint8_t seen) {
    if (seen & (1u << TK_IP_ECN_CE))
        return (seen & (1u << TK_IP_ECN_NOT_ECT)) ? -1 : TK_IP_ECN_CE;
    for (int cp = TK_IP_ECN_ECT1; cp <= TK_IP_ECN_ECT0; cp++)
        if (seen == (1u << cp))
            return cp;
    return TK_IP_ECN_NOT_ECT;
}

/* A piece that contradicts what the slot knows of the datagram's end. */
static bool contradicts(const tk_ipfrag_slot *sl, uint32_t end, bool more) {
    return (sl->total != 0 && end > sl->total) || (!more && sl->total != 0 && end != sl->total) ||
           (!more && end < sl->max_end);
}

int tk_ipfrag_add(tk_ipfrag *f, const tk_ipfrag_piece *pc, tk_time now, tk_ipfrag_where *w) {
    memset(w, 0, sizeof(*w));
    f->evicted = 0;
    if (pc->len == 0 || (pc->more && pc->len % 8u != 0) || pc->off % 8u != 0)
        return -EINVAL;
    uint32_t ix = slot_for(f, pc->key, now, w);
    if (ix == f->n)
        return -ENOBUFS;
    w->ix = ix;
    tk_ipfrag_slot *sl = &f->slots[ix];
    uint64_t end = (uint64_t)pc->off + pc->len;
    if (end > f->max_bytes) {
        slot_free(f, sl);
        return -ENOBUFS;
    }
    if (contradicts(sl, (uint32_t)end, pc->more)) {
        slot_free(f, sl);
        return -EINVAL;
    }
    int ov = f->overlap_drops ? overlap(sl, pc) : 0;
    if (ov == TK_IPFRAG_DUP)
        return TK_IPFRAG_DUP;
    if (ov < 0) {
        slot_free(f, sl);
        return ov;
    }
    if (!pc->more)
        sl->total = (uint32_t)end;
    if (end > sl->max_end)
        sl->max_end = (uint32_t)end;
    store(sl, pc->off, pc->data, pc->len);
    sl->ecn_seen |= (uint8_t)(1u << (pc->ecn & TK_IP_ECN_MASK));
    if (sl->total == 0 || sl->have != sl->total)
        return TK_IPFRAG_HELD;
    int ecn = reassembled_ecn(sl->ecn_seen);
    slot_free(f, sl);
    if (ecn < 0)
        return -EINVAL;
    f->ecn = (uint8_t)ecn;
    return TK_IPFRAG_COMPLETE;
}

uint32_t tk_ipfrag_expire(tk_ipfrag *f, tk_time now, void (*before_free)(void *ctx, uint32_t ix),
                          void *ctx) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++) {
        tk_ipfrag_slot *sl = &f->slots[i];
        if (!sl->used || now < sl->expires)
            continue;
        if (before_free != NULL)
            before_free(ctx, i);
        slot_free(f, sl);
        n++;
    }
    return n;
}

tk_time tk_ipfrag_deadline(const tk_ipfrag *f) {
    tk_time t = TK_TIME_NEVER;
    for (uint32_t i = 0; i < f->n; i++)
        if (f->slots[i].used && f->slots[i].expires < t)
            t = f->slots[i].expires;
    return t;
}

uint32_t tk_ipfrag_pending(const tk_ipfrag *f) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        n += f->slots[i].used;
    return n;
}

#else
typedef int tk_ipfrag_compiled_out;
#endif
