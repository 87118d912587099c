/* IPv4 fragment reassembly in fixed slots (TK_WITH_IPFRAG; net/ipfrag_off.c
 * when compiled out). */
#include "tcpkit/opts.h"

#if TK_WITH_IPFRAG
#include <errno.h>
#include <string.h>

#include "net/ipfrag.h"
#include "net/net.h"

static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

static uint32_t blocks(uint32_t max_bytes) {
    return (max_bytes + 7u) / 8u;
}

static size_t slot_bytes(uint32_t max_bytes) {
    return align8(max_bytes) + align8((blocks(max_bytes) + 7u) / 8u);
}

size_t tk_ipfrag_mem_size(const tk_config *cfg) {
    return align8(sizeof(tk_ipfrag_slot) * cfg->ipfrag_slots) +
           slot_bytes(cfg->ipfrag_max_bytes) * cfg->ipfrag_slots;
}

void tk_ipfrag_init(tk_ipfrag *f, void *mem, const tk_config *cfg) {
    uint8_t *p = mem;
    memset(mem, 0, tk_ipfrag_mem_size(cfg));
    f->slots = (tk_ipfrag_slot *)(void *)p;
    f->n = cfg->ipfrag_slots;
    f->max_bytes = cfg->ipfrag_max_bytes;
    f->timeout = cfg->ipfrag_timeout;
    p += align8(sizeof(tk_ipfrag_slot) * f->n);
    for (uint32_t i = 0; i < f->n; i++) {
        f->slots[i].data = p;
        f->slots[i].bitmap = p + align8(f->max_bytes);
        p += slot_bytes(f->max_bytes);
    }
}

static void slot_free(tk_ipfrag *f, tk_ipfrag_slot *sl) {
    sl->used = false;
    memset(sl->bitmap, 0, (blocks(f->max_bytes) + 7u) / 8u);
}

/* SEC-12: with every slot taken, a new datagram evicts one in progress
 * (RFC 815 leaves the policy open): the oldest of a source holding more
 * than half of the slots, else the oldest of all. Spoofed first fragments
 * then cost the victim only the time they would have held a slot. */
static tk_ipfrag_slot *evict(tk_ipfrag *f) {
    tk_ipfrag_slot *oldest = NULL, *hog = NULL;
    for (uint32_t i = 0; i < f->n; i++) {
        tk_ipfrag_slot *sl = &f->slots[i];
        uint32_t same = 0;
        for (uint32_t j = 0; j < f->n; j++)
            same += f->slots[j].src == sl->src;
        if (2u * same > f->n && (hog == NULL || sl->expires < hog->expires))
            hog = sl;
        if (oldest == NULL || sl->expires < oldest->expires)
            oldest = sl;
    }
    tk_ipfrag_slot *victim = hog != NULL ? hog : oldest;
    if (victim != NULL) {
        slot_free(f, victim);
        f->evicted++;
    }
    return victim;
}

/* The slot of this datagram, else a free one (expired ones are freed
 * first), else an evicted one. */
static tk_ipfrag_slot *slot_for(tk_ipfrag *f, const tk_ipv4_hdr *h, tk_time now,
                                uint32_t *timed_out) {
    tk_ipfrag_slot *free_slot = NULL;
    for (uint32_t i = 0; i < f->n; i++) {
        tk_ipfrag_slot *sl = &f->slots[i];
        if (sl->used && now >= sl->expires) {
            slot_free(f, sl);
            (*timed_out)++;
        }
        if (sl->used && sl->src == h->src && sl->dst == h->dst && sl->id == h->id &&
            sl->proto == h->proto)
            return sl;
        if (!sl->used && free_slot == NULL)
            free_slot = sl;
    }
    if (free_slot == NULL)
        free_slot = evict(f);
    if (free_slot != NULL) {
        free_slot->used = true;
        free_slot->src = h->src;
        free_slot->dst = h->dst;
        free_slot->id = h->id;
        free_slot->proto = h->proto;
        free_slot->total = 0;
        free_slot->have = 0;
        free_slot->max_end = 0;
        free_slot->ecn_seen = 0;
        free_slot->expires = now + f->timeout;
    }
    return free_slot;
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

int tk_ipfrag_input(tk_ipfrag *f, const tk_ipv4_hdr *h, const uint8_t *payload, size_t len,
                    tk_time now, const uint8_t **out, size_t *out_len, uint32_t *timed_out) {
    *timed_out = 0;
    f->evicted = 0;
    uint32_t off = (uint32_t)(h->frag & TK_IPV4_OFFMASK) * 8u;
    bool more = (h->frag & TK_IPV4_MF) != 0;
    if (len == 0 || (more && len % 8u != 0))
        return -EINVAL;
    tk_ipfrag_slot *sl = slot_for(f, h, now, timed_out);
    if (sl == NULL)
        return -ENOBUFS;
    uint32_t end = off + (uint32_t)len;
    if (end > f->max_bytes) {
        slot_free(f, sl);
        return -ENOBUFS;
    }
    if ((sl->total != 0 && end > sl->total) || (!more && sl->total != 0 && end != sl->total) ||
        (!more && end < sl->max_end)) {
        slot_free(f, sl);
        return -EINVAL;
    }
    if (!more)
        sl->total = end;
    if (end > sl->max_end)
        sl->max_end = end;
    store(sl, off, payload, (uint32_t)len);
    sl->ecn_seen |= (uint8_t)(1u << (h->tos & TK_IP_ECN_MASK));
    if (sl->total == 0 || sl->have != sl->total)
        return TK_IPFRAG_HELD;
    int ecn = reassembled_ecn(sl->ecn_seen);
    if (ecn < 0) {
        slot_free(f, sl);
        return -EINVAL;
    }
    f->ecn = (uint8_t)ecn;
    *out = sl->data;
    *out_len = sl->total;
    slot_free(f, sl);
    return TK_IPFRAG_COMPLETE;
}

uint32_t tk_ipfrag_pending(const tk_ipfrag *f) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        n += f->slots[i].used;
    return n;
}

int tk_net_defrag(tk_net *net, tk_ipv4_hdr *h, const uint8_t **payload, size_t *len, tk_time now) {
    net->stats->ip_frags_in++;
    uint32_t timed_out = 0;
    int rc = tk_ipfrag_input(&net->frag, h, *payload, *len, now, payload, len, &timed_out);
    net->stats->ip_frag_timeouts += timed_out;
    net->stats->ip_frag_evicted += net->frag.evicted;
    if (rc == TK_IPFRAG_COMPLETE) {
        net->stats->ip_reassembled++;
        h->tos = (uint8_t)((h->tos & ~TK_IP_ECN_MASK) | net->frag.ecn);
        return 1;
    }
    if (rc < 0) {
        TK_NET_DROP(net, drop_ip_fragment, now);
        return rc;
    }
    return 0;
}

#else
typedef int tk_ipfrag_compiled_out;
#endif
