/* TCP Fast Open, client side (SPEC OP-8, RFC 7413 4.1.3, 4.2.2): the
 * stack's cookie cache, the option and data of the first SYN, and what the
 * SYN-ACK tells about them.
 *
 * The cache keeps the latest cookie of the last TK_FO_CACHE_SIZE servers
 * (by IPv4 address, as RFC 7413 4.1.3 suggests); a new server replaces the
 * one used least recently. A connection without a cached cookie sends a
 * cookie request and its data after the handshake; one with a cookie puts
 * its data in the SYN. A SYN-ACK that does not acknowledge the data (the
 * server refused the cookie, or took the SYN without it) makes the data go
 * again once ESTABLISHED. A lost SYN with data is sent again as a plain SYN
 * (RFC 7413 4.1.3: the data or the option may be what a middlebox drops);
 * the data follows the handshake. */
#include <string.h>

#include "tcp/state.h"

#if TK_WITH_FASTOPEN

static int cache_find(const tk_fo_cache *c, uint32_t raddr) {
    for (int i = 0; i < TK_FO_CACHE_SIZE; i++)
        if (c->e[i].stamp != 0 && c->e[i].raddr == raddr)
            return i;
    return -1;
}

static int cache_victim(const tk_fo_cache *c) {
    int v = 0;
    for (int i = 1; i < TK_FO_CACHE_SIZE; i++)
        if (c->e[i].stamp < c->e[v].stamp)
            v = i;
    return v;
}

static void cache_put(tk_fo_cache *c, uint32_t raddr, const tk_tcp_opts *o) {
    int i = cache_find(c, raddr);
    if (i < 0)
        i = cache_victim(c);
    c->e[i].raddr = raddr;
    c->e[i].stamp = ++c->clock;
    c->e[i].len = o->fo_len;
    memcpy(c->e[i].cookie, o->fo_cookie, o->fo_len);
}

/* The SYN's data must fit beside its options in our default MSS. */
static uint32_t syn_room(const tk_tcb *tp) {
    uint32_t opts = TK_TCP_MAX_OPTLEN;
    return tp->mss > opts ? tp->mss - opts : 0u;
}

uint32_t tk_fastopen_connect(tk_stack *s, tk_tcb *tp, uint32_t len) {
    tk_fo_cache *c = &s->fo_cache;
    int i = cache_find(c, tp->raddr);
    tp->flags |= TK_TF_FO_ACTIVE;
    tk_cold(tp)->fo_syn_len = 0;
    if (i < 0)
        return 0;
    c->e[i].stamp = ++c->clock;
    uint32_t n = len < syn_room(tp) ? len : syn_room(tp);
    tk_cold(tp)->fo_syn_len = (uint16_t)n;
    return n;
}

void tk_fastopen_syn_opts(const tk_stack *s, const tk_tcb *tp, tk_tcp_opts *o) {
    int i = cache_find(&s->fo_cache, tp->raddr);
    o->present |= TK_OPT_FASTOPEN;
    o->fo_len = i < 0 ? 0 : s->fo_cache.e[i].len;
    if (i >= 0)
        memcpy(o->fo_cookie, s->fo_cache.e[i].cookie, o->fo_len);
}

uint32_t tk_fastopen_syn_data(const tk_stack *s, const tk_tcb *tp) {
    return cache_find(&s->fo_cache, tp->raddr) < 0 ? 0u : tk_cold(tp)->fo_syn_len;
}

void tk_fastopen_synack(tk_stack *s, tk_tcb *tp, const tk_seg *sg) {
    const tk_tcp_opts *o = &sg->h.opts;
    if ((s->cfg.fastopen & TK_FASTOPEN_CLIENT) && (o->present & TK_OPT_FASTOPEN) && o->fo_len > 0)
        cache_put(&s->fo_cache, tp->raddr, o);
    uint32_t sent = tk_cold(tp)->fo_syn_len;
    if (sent == 0)
        return;
    uint32_t acked = sg->h.ack - (tk_cold(tp)->iss + 1u);
    if (acked > sent)
        acked = sent;
    tk_chunkq_drop(&s->chunks, &tp->sndq, acked);
    if (acked == sent)
        s->stats.fastopen_active++;
    else
        s->stats.fastopen_active_fail++; /* the rest goes after the handshake */
    tp->snd_nxt = sg->h.ack;
    tk_cold(tp)->fo_syn_len = 0;
}

#else
typedef int tk_fastopen_compiled_out;
#endif /* TK_WITH_FASTOPEN */
