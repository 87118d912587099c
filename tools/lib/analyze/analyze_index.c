/* The analyzer's 4-tuple index: an open-addressing hash table from a
 * 4-tuple (either direction) to its newest connection, so that a capture
 * with many connections is analysed in time linear in its size. */
#include <errno.h>
#include <stdlib.h>

#include "analyze_int.h"

int tk_az_end_of(const tk_az_conn *c, const tk_az_seg *s) {
    for (int i = 0; i < 2; i++) {
        const tk_az_end *a = &c->end[i], *b = &c->end[1 - i];
        if (a->port == s->sport && b->port == s->dport && tk_taddr_eq(&a->addr, &s->src) &&
            tk_taddr_eq(&b->addr, &s->dst))
            return i;
    }
    return -1;
}

/* The same for both directions: the two endpoints in a fixed order. */
static size_t tuple_hash(const tk_taddr *a1, uint16_t p1, const tk_taddr *a2, uint16_t p2) {
    uint64_t x = tk_taddr_fold(a1) << 16 ^ p1, y = tk_taddr_fold(a2) << 16 ^ p2;
    uint64_t lo = x < y ? x : y, hi = x < y ? y : x;
    uint64_t h = lo * 0x9e3779b97f4a7c15u ^ (hi + 0x632be59bd9b4e019u) * 0xc2b2ae3d27d4eb4fu;
    return (size_t)(h ^ h >> 29);
}

/* The slot holding s's 4-tuple, or the empty slot where it would go. */
static size_t probe(const tk_analyzer *az, const tk_az_seg *s) {
    size_t mask = az->nslots - 1;
    size_t i = tuple_hash(&s->src, s->sport, &s->dst, s->dport) & mask;
    while (az->slots[i] && tk_az_end_of(&az->conns[az->slots[i] - 1], s) < 0)
        i = (i + 1) & mask;
    return i;
}

long tk_az_index_find(const tk_analyzer *az, const tk_az_seg *s) {
    if (!az->nslots)
        return -1;
    size_t v = az->slots[probe(az, s)];
    return v ? (long)(v - 1) : -1;
}

/* A segment that stands for connection ci's 4-tuple, for probing. */
static tk_az_seg key_of(const tk_az_conn *c) {
    return (tk_az_seg){.src = c->end[0].addr,
                       .sport = c->end[0].port,
                       .dst = c->end[1].addr,
                       .dport = c->end[1].port};
}

static int rehash(tk_analyzer *az) {
    size_t n = az->nslots ? az->nslots * 2 : 64;
    size_t *old = az->slots, oldn = az->nslots;
    az->slots = calloc(n, sizeof *az->slots);
    if (!az->slots) {
        az->slots = old;
        return -ENOMEM;
    }
    az->nslots = n;
    for (size_t i = 0; i < oldn; i++)
        if (old[i]) {
            tk_az_seg k = key_of(&az->conns[old[i] - 1]);
            az->slots[probe(az, &k)] = old[i];
        }
    free(old);
    return 0;
}

int tk_az_index_put(tk_analyzer *az, size_t ci) {
    if (2 * (az->ntuples + 1) > az->nslots && rehash(az) < 0)
        return -ENOMEM;
    tk_az_seg k = key_of(&az->conns[ci]);
    size_t i = probe(az, &k);
    if (!az->slots[i])
        az->ntuples++;
    az->slots[i] = ci + 1;
    return 0;
}

long tk_az_conn_of(const tk_analyzer *az, const tk_az_seg *s) {
    return tk_az_index_find(az, s);
}
