/* Role inference: segments are indexed by the acknowledgement number that
 * would answer them (SYN and SYN-ACK: seq + 1; FIN: seq + payload + 1), so
 * each lookup is a binary search and a whole capture is O(n log n). */
#include "roles.h"

#include <errno.h>
#include <stdlib.h>

#include "tcpkit/wire/tcp.h"

typedef struct keyed {
    uint32_t key;
    size_t pos;
} keyed;

enum key_kind { KEY_SEQ, KEY_FIN, KEY_ACK };

typedef struct seg_index {
    keyed *v;
    size_t n;
    enum key_kind kind;
} seg_index;

/* The acknowledgement number that answers s (KEY_SEQ: SYN, SYN-ACK; KEY_FIN:
 * FIN, which follows its payload), or s's own ack (KEY_ACK). */
static uint32_t key_of(enum key_kind kind, const tk_role_seg *s) {
    if (kind == KEY_ACK)
        return s->ack;
    return s->seq + (kind == KEY_FIN ? s->payload_len : 0) + 1;
}

static int cmp_keyed(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool has(const tk_role_seg *s, uint8_t flag) {
    return (s->flags & flag) != 0;
}

static bool is_syn(const tk_role_seg *s) {
    return has(s, TK_TCP_SYN) && !has(s, TK_TCP_ACK);
}

static bool is_synack(const tk_role_seg *s) {
    return has(s, TK_TCP_SYN) && has(s, TK_TCP_ACK);
}

static bool is_fin(const tk_role_seg *s) {
    return has(s, TK_TCP_FIN) && !has(s, TK_TCP_SYN) && !has(s, TK_TCP_RST);
}

/* b travels the opposite way of a on the same connection. */
static bool reversed(const tk_role_seg *a, const tk_role_seg *b) {
    if (a->sport != b->dport || a->dport != b->sport)
        return false;
    return !a->has_addr || !b->has_addr ||
           (tk_taddr_eq(&a->src, &b->dst) && tk_taddr_eq(&a->dst, &b->src));
}

static bool same_way(const tk_role_seg *a, const tk_role_seg *b) {
    if (a->sport != b->sport || a->dport != b->dport)
        return false;
    return !a->has_addr || !b->has_addr ||
           (tk_taddr_eq(&a->src, &b->src) && tk_taddr_eq(&a->dst, &b->dst));
}

static int build(seg_index *ix, const tk_role_seg *segs, size_t n,
                 bool (*pick)(const tk_role_seg *), enum key_kind kind) {
    ix->n = 0;
    ix->kind = kind;
    ix->v = malloc((n ? n : 1) * sizeof *ix->v);
    if (!ix->v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const tk_role_seg *s = &segs[i];
        if (!s->is_tcp || !pick(s))
            continue;
        ix->v[ix->n++] = (keyed){key_of(kind, s), i};
    }
    if (ix->n > 1)
        qsort(ix->v, ix->n, sizeof *ix->v, cmp_keyed);
    return 0;
}

static size_t lower_bound(const seg_index *ix, uint32_t key) {
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first segment (in input order) under `key` that travels opposite to
 * segs[from]. */
static size_t lookup(const seg_index *ix, uint32_t key, const tk_role_seg *segs, size_t from) {
    size_t lo = lower_bound(ix, key);
    for (; lo < ix->n && ix->v[lo].key == key; lo++)
        if (reversed(&segs[ix->v[lo].pos], &segs[from]))
            return ix->v[lo].pos;
    return TK_ROLE_NOPOS;
}

/* True when an earlier segment under the same key travels the same way as
 * segs[from]: the same SYN, SYN-ACK or FIN sent again. */
static bool repeats(const seg_index *ix, const tk_role_seg *segs, size_t from) {
    const tk_role_seg *s = &segs[from];
    uint32_t key = key_of(ix->kind, s);
    size_t lo = lower_bound(ix, key);
    for (; lo < ix->n && ix->v[lo].key == key && ix->v[lo].pos < from; lo++)
        if (same_way(&segs[ix->v[lo].pos], s))
            return true;
    return false;
}

typedef struct indexes {
    seg_index syn;           /* by seq + 1 */
    seg_index synack;        /* by seq + 1 */
    seg_index synack_by_ack; /* by ack */
    seg_index fin;           /* by seq + len + 1 */
} indexes;

static tk_role_result pure_ack(const indexes *ix, const tk_role_seg *segs, size_t i) {
    const tk_role_seg *s = &segs[i];
    size_t sa = lookup(&ix->synack, s->ack, segs, i);
    if (sa != TK_ROLE_NOPOS) {
        size_t syn = lookup(&ix->syn, segs[sa].ack, segs, sa);
        uint32_t want = syn != TK_ROLE_NOPOS ? segs[syn].seq + 1 : segs[sa].ack;
        if (s->seq == want)
            return (tk_role_result){TK_ROLE_HS_ACK, syn != TK_ROLE_NOPOS, false, sa};
    }
    size_t fin = lookup(&ix->fin, s->ack, segs, i);
    if (fin != TK_ROLE_NOPOS)
        return (tk_role_result){TK_ROLE_FIN_ACK, true, false, fin};
    return (tk_role_result){TK_ROLE_ACK, true, false, TK_ROLE_NOPOS};
}

static tk_role_result classify(const indexes *ix, const tk_role_seg *segs, size_t i) {
    const tk_role_seg *s = &segs[i];
    if (!s->is_tcp)
        return (tk_role_result){TK_ROLE_NONE, false, false, TK_ROLE_NOPOS};
    if (has(s, TK_TCP_RST))
        return (tk_role_result){TK_ROLE_RST, true, false, TK_ROLE_NOPOS};
    if (is_syn(s)) {
        size_t sa = lookup(&ix->synack_by_ack, s->seq + 1, segs, i);
        return (tk_role_result){TK_ROLE_SYN, sa != TK_ROLE_NOPOS, repeats(&ix->syn, segs, i), sa};
    }
    if (is_synack(s)) {
        size_t syn = lookup(&ix->syn, s->ack, segs, i);
        return (tk_role_result){TK_ROLE_SYNACK, syn != TK_ROLE_NOPOS, repeats(&ix->synack, segs, i),
                                syn};
    }
    if (is_fin(s)) {
        /* A FIN may also acknowledge the other side's FIN (three-way close). */
        size_t other = has(s, TK_TCP_ACK) ? lookup(&ix->fin, s->ack, segs, i) : TK_ROLE_NOPOS;
        return (tk_role_result){TK_ROLE_FIN, false, repeats(&ix->fin, segs, i), other};
    }
    if (s->payload_len > 0)
        return (tk_role_result){TK_ROLE_DATA, true, false, TK_ROLE_NOPOS};
    return pure_ack(ix, segs, i);
}

static void free_indexes(indexes *ix) {
    free(ix->syn.v);
    free(ix->synack.v);
    free(ix->synack_by_ack.v);
    free(ix->fin.v);
}

int tk_roles_infer(const tk_role_seg *segs, size_t n, tk_role_result *out) {
    indexes ix = {{NULL, 0, KEY_SEQ}, {NULL, 0, KEY_SEQ}, {NULL, 0, KEY_ACK}, {NULL, 0, KEY_FIN}};
    int rc = build(&ix.syn, segs, n, is_syn, KEY_SEQ);
    if (!rc)
        rc = build(&ix.synack, segs, n, is_synack, KEY_SEQ);
    if (!rc)
        rc = build(&ix.synack_by_ack, segs, n, is_synack, KEY_ACK);
    if (!rc)
        rc = build(&ix.fin, segs, n, is_fin, KEY_FIN);
    if (rc) {
        free_indexes(&ix);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = classify(&ix, segs, i);
    /* A FIN is confirmed once something acknowledges it. */
    for (size_t i = 0; i < n; i++)
        if ((out[i].role == TK_ROLE_FIN_ACK || out[i].role == TK_ROLE_FIN) &&
            out[i].peer != TK_ROLE_NOPOS)
            out[out[i].peer].confirmed = true;
    free_indexes(&ix);
    return 0;
}

static size_t first_of(const tk_handshake *h) {
    size_t m = h->synack;
    if (h->syn < m)
        m = h->syn;
    if (h->ack < m)
        m = h->ack;
    return m;
}

static int cmp_handshake(const void *a, const void *b) {
    size_t x = first_of(a), y = first_of(b);
    return x < y ? -1 : x > y;
}

/* The entry of hs[0..n) whose SYN-ACK is at pos (entries are in input order
 * of their SYN-ACK, or of their SYN when no SYN-ACK matched). */
static tk_handshake *entry_of(tk_handshake *hs, size_t n, size_t pos) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t at = hs[mid].synack != TK_ROLE_NOPOS ? hs[mid].synack : hs[mid].syn;
        if (at < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && hs[lo].synack == pos ? &hs[lo] : NULL;
}

size_t tk_roles_handshakes(const tk_role_seg *segs, const tk_role_result *res, size_t n,
                           tk_handshake *hs, size_t cap) {
    (void)segs;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        bool lone_syn = res[i].role == TK_ROLE_SYN && !res[i].confirmed;
        if ((res[i].role != TK_ROLE_SYNACK && !lone_syn) || res[i].repeat)
            continue;
        if (count < cap)
            hs[count] = res[i].role == TK_ROLE_SYNACK
                            ? (tk_handshake){res[i].peer, i, TK_ROLE_NOPOS}
                            : (tk_handshake){i, TK_ROLE_NOPOS, TK_ROLE_NOPOS};
        count++;
    }
    size_t stored = count < cap ? count : cap;
    for (size_t i = 0; i < n; i++) {
        tk_handshake *h = res[i].role == TK_ROLE_HS_ACK ? entry_of(hs, stored, res[i].peer) : NULL;
        if (h && h->ack == TK_ROLE_NOPOS)
            h->ack = i;
    }
    if (stored > 1)
        qsort(hs, stored, sizeof *hs, cmp_handshake);
    return count;
}

static bool same_conn(const tk_role_seg *a, const tk_role_seg *b) {
    return same_way(a, b) || reversed(a, b);
}

static bool in_teardown(tk_role r) {
    return r == TK_ROLE_FIN || r == TK_ROLE_FIN_ACK;
}

/* Protocol order within one teardown: 0 the closing side's FIN, 1 its ACK,
 * 2 the other side's FIN, 3 that FIN's ACK. */
static unsigned stage(const tk_role_seg *segs, const tk_role_result *res, size_t pos,
                      const tk_role_seg *closer) {
    if (res[pos].role == TK_ROLE_FIN)
        return same_way(&segs[pos], closer) ? 0 : 2;
    return same_way(&segs[res[pos].peer], closer) ? 1 : 3;
}

static void order_teardown(const tk_role_seg *segs, const tk_role_result *res, tk_teardown *t) {
    /* The closing side sent a FIN that answers no other FIN. */
    const tk_role_seg *closer = NULL;
    for (size_t k = 0; k < t->count && !closer; k++)
        if (res[t->pos[k]].role == TK_ROLE_FIN && res[t->pos[k]].peer == TK_ROLE_NOPOS)
            closer = &segs[t->pos[k]];
    for (size_t k = 0; k < t->count && !closer; k++)
        if (res[t->pos[k]].role == TK_ROLE_FIN)
            closer = &segs[t->pos[k]];
    if (!closer)
        return;
    for (size_t k = 1; k < t->count; k++) /* insertion sort by (stage, pos) */
        for (size_t j = k; j > 0; j--) {
            size_t a = t->pos[j - 1], b = t->pos[j];
            unsigned sa = stage(segs, res, a, closer), sb = stage(segs, res, b, closer);
            if (sa < sb || (sa == sb && a < b))
                break;
            t->pos[j - 1] = b;
            t->pos[j] = a;
        }
}

size_t tk_roles_teardowns(const tk_role_seg *segs, const tk_role_result *res, size_t n,
                          tk_teardown *td, size_t cap) {
    size_t m = 0, count = 0;
    for (size_t i = 0; i < n; i++)
        m += in_teardown(res[i].role);
    size_t *list = malloc((m ? m : 1) * sizeof *list); /* FINs and their ACKs, in order */
    if (!list)
        return 0;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (in_teardown(res[i].role))
            list[m++] = i;
    for (size_t a = 0; a < m; a++) {
        size_t i = list[a];
        bool seen = res[i].role != TK_ROLE_FIN; /* or an earlier FIN of this connection */
        for (size_t b = 0; b < a && !seen; b++)
            seen = res[list[b]].role == TK_ROLE_FIN && same_conn(&segs[list[b]], &segs[i]);
        if (seen)
            continue;
        if (count < cap) {
            tk_teardown *t = &td[count];
            t->count = 0;
            for (size_t b = 0; b < m && t->count < TK_TEARDOWN_MAX; b++)
                if (same_conn(&segs[list[b]], &segs[i]))
                    t->pos[t->count++] = list[b];
            order_teardown(segs, res, t);
        }
        count++;
    }
    free(list);
    return count;
}

const char *tk_role_name(tk_role role) {
    switch (role) {
    case TK_ROLE_SYN:
        return "handshake 1/3 (SYN)";
    case TK_ROLE_SYNACK:
        return "handshake 2/3 (SYN-ACK)";
    case TK_ROLE_HS_ACK:
        return "handshake 3/3 (ACK)";
    case TK_ROLE_FIN:
        return "teardown (FIN)";
    case TK_ROLE_FIN_ACK:
        return "teardown (ACK of FIN)";
    case TK_ROLE_RST:
        return "RST";
    case TK_ROLE_DATA:
        return "data";
    case TK_ROLE_ACK:
        return "ack";
    case TK_ROLE_NONE:
        break;
    }
    return "none";
}
