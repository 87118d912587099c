/* The stack object: memory layout, frame dispatch, poll and deadlines. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "base/siphash.h"
#include "socket/events.h"
#include "stack_priv.h"
#include "tcp/timewait.h"

/* Walks the memory layout once to size it (a == NULL) and once to carve it. */
typedef struct layout {
    tk_arena *a;
    size_t need;
} layout;

static void *take_mem(layout *l, size_t size, size_t align, bool zero) {
    if (size == 0)
        size = align;
    if (l->a == NULL) {
        l->need += tk_arena_need(size, align);
        return NULL;
    }
    return zero ? tk_arena_alloc(l->a, size, align) : tk_arena_alloc_raw(l->a, size, align);
}

static void *take(layout *l, size_t size, size_t align) {
    return take_mem(l, size, align, true);
}

/* Memory of pools: left untouched until objects are first used, so the
 * resident size follows what is in use. */
static void *take_pool(layout *l, size_t size, size_t align) {
    return take_mem(l, size, align, false);
}

static uint32_t pow2_at_least(uint32_t n) {
    uint32_t p = TK_HASH_MIN_BUCKETS;
    while (p < n && p < (1u << 30))
        p <<= 1;
    return p;
}

/* Returns false when the arena ran out. */
static bool plan(layout *l, const tk_config *cfg, tk_stack **out) {
    tk_stack *s = take(l, sizeof(tk_stack), 16);
    uint32_t nsock = cfg->max_sockets;
    uint32_t ntw = cfg->max_time_wait;
    uint32_t conn_buckets = pow2_at_least(nsock);
    uint32_t tw_buckets = pow2_at_least(ntw);
    void *tcb_mem = take_pool(l, tk_pool_mem_size(sizeof(tk_tcb_slot), nsock), TK_TCB_ALIGN);
    uint32_t nsack = tk_sack_boards(cfg);
    void *sack_mem = take_pool(l, tk_pool_mem_size(sizeof(tk_sack_board), nsack), 16);
    uint32_t nreass = tk_reass_queues(cfg);
    uint32_t reass_size = (uint32_t)tk_reass_size_for(cfg->rcvbuf);
    void *reass_mem = take_pool(l, tk_pool_mem_size(reass_size, nreass), 16);
    uint32_t nchunks = tk_buf_chunks(cfg);
    void *chunk_mem = take_pool(l, tk_chunk_pool_data_size(cfg->buf_chunk_size, nchunks), 64);
    uint32_t *chunk_links = take_pool(l, tk_chunk_pool_link_size(nchunks), 4);
    uint32_t *conn_hash = take(l, sizeof(uint32_t) * conn_buckets, 4);
    uint32_t *bind_hash = take(l, sizeof(uint32_t) * conn_buckets, 4);
    tk_timerq_slot *heap = take_pool(l, sizeof(tk_timerq_slot) * nsock, 8);
    uint32_t *heap_pos = take_pool(l, sizeof(uint32_t) * nsock, 4);
    void *tw_mem = take_pool(l, tk_pool_mem_size(sizeof(tk_tw), ntw), 16);
    uint32_t *tw_hash = take(l, sizeof(uint32_t) * tw_buckets, 4);
    /* TIME_WAIT entries per local port, for bind() (CM-10) without a walk of
     * the list; worth its 256 KiB only for large TIME_WAIT pools. */
    bool big_tw = ntw >= TK_TW_PORT_COUNT_MIN;
    uint32_t *tw_ports = big_tw ? take(l, sizeof(uint32_t) * 65536u, 4) : NULL;
    /* NET-7: on a TSO link the output frame holds a super-segment; frames
     * waiting for ARP stay within the MTU (a larger one is dropped, counted,
     * and TCP sends it again). */
    uint32_t mtu_frame = (uint32_t)cfg->mtu + 14u;
    uint32_t frame_cap = mtu_frame;
    if ((cfg->link_caps & (TK_LINK_TSO4 | TK_LINK_TSO6)) && cfg->link_tso_max != cfg->mtu)
        frame_cap = (cfg->link_tso_max != 0 ? cfg->link_tso_max : 65535u) + 14u;
    uint8_t *frame = take(l, frame_cap, 16);
    void *arp_mem = take(l, tk_arp_mem_size(cfg, mtu_frame), 16);
    void *frag_mem = take(l, tk_ipfrag_mem_size(cfg), 16);
    tk_md5_key *md5_keys = take(l, sizeof(tk_md5_key) * cfg->md5_keys, 8);
    void *sc_mem = take(l, tk_syncache_mem_size(cfg->max_syn_backlog), 8);
    void *sr_mem = take(l, tk_synrate_mem_size(cfg->syn_rate_sources), 8);
    /* A backlog of one frame waits in the output frame itself (net/txq.h). */
    uint32_t txq_slots = cfg->tx_backlog_frames > 1 ? cfg->tx_backlog_frames : 0;
    void *txq_mem = take(l, tk_txq_mem_size(txq_slots, frame_cap), 8);
    void *ev_mem = take(l, tk_sock_events_mem_size(nsock), 8);
    /* IPv6's neighbour cache and its queue: only when it is on. */
    bool v6 = TK_WITH_IPV6 && cfg->ipv6;
    tk_nd6_cache *nd = v6 ? take(l, sizeof(tk_nd6_cache), 8) : NULL;
    uint8_t *nd_q = v6 ? take(l, tk_nd6_queue_size(frame_cap), 16) : NULL;
    /* IPv6 connections' addresses (tcp/addr6.h): pages only IPv6 touches. */
    tk_a6pair *tcb6 = v6 ? take_pool(l, sizeof(tk_a6pair) * nsock, 8) : NULL;
    tk_a6pair *syn6 = v6 ? take_pool(l, sizeof(tk_a6pair) * cfg->max_syn_backlog, 8) : NULL;
    void *frag6_mem = v6 ? take(l, tk_ip6frag_mem_size(cfg), 16) : NULL;
    if (l->a == NULL)
        return true;
    if (!s || !tcb_mem || !sack_mem || !reass_mem || !chunk_mem || !chunk_links || !conn_hash ||
        !bind_hash || !heap || !heap_pos || !tw_mem || !tw_hash || (big_tw && !tw_ports) ||
        !frame || !arp_mem || !frag_mem || !md5_keys || !sc_mem || !sr_mem || !txq_mem || !ev_mem ||
        (v6 && (!nd || !nd_q || !tcb6 || !syn6 || !frag6_mem)))
        return false;
    if (cfg->tx_backlog_frames == 1)
        tk_txq_init_in_place(&s->net.txq, frame, frame_cap);
    else
        tk_txq_init(&s->net.txq, txq_mem, cfg->tx_backlog_frames, frame_cap);
    s->events = tk_sock_events_init(ev_mem, nsock);
    memset(md5_keys, 0, sizeof(tk_md5_key) * cfg->md5_keys);
    s->md5_keys = md5_keys;
    s->md5_cap = cfg->md5_keys;
    tk_syncache_init(&s->syncache, sc_mem, cfg->max_syn_backlog);
    tk_synrate_init(&s->synrate, sr_mem, cfg->syn_rate_sources);
    tk_arp_init(&s->net.arp, arp_mem, cfg, mtu_frame);
    tk_ipfrag_init(&s->net.frag, frag_mem, cfg);
    s->cfg = *cfg;
    s->cfg.rack = TK_WITH_RACK && cfg->rack; /* compiled out: classic recovery */
    tk_pool_init(&s->tcbs, tcb_mem, sizeof(tk_tcb_slot), nsock);
    tk_pool_init(&s->sacks, sack_mem, sizeof(tk_sack_board), nsack);
    tk_pool_init(&s->reasses, reass_mem, reass_size, nreass);
    tk_chunk_pool_init(&s->chunks, chunk_mem, chunk_links, cfg->buf_chunk_size, nchunks);
    s->conn_hash = conn_hash;
    s->conn_mask = conn_buckets - 1;
    s->bind_hash = bind_hash;
    s->bind_mask = conn_buckets - 1;
    memset(conn_hash, 0xff, sizeof(uint32_t) * conn_buckets);
    memset(bind_hash, 0xff, sizeof(uint32_t) * conn_buckets);
    memset(s->listen_hash, 0xff, sizeof(s->listen_hash));
    tk_timerq_init(&s->timers, heap, nsock, heap_pos, nsock);
    tk_pool_init(&s->tws, tw_mem, sizeof(tk_tw), ntw);
    s->tw_hash = tw_hash;
    s->tw_ports = tw_ports;
    s->tw_mask = tw_buckets - 1;
    memset(tw_hash, 0xff, sizeof(uint32_t) * tw_buckets);
    s->tw_head = s->tw_tail = TK_NIL;
    s->pending_head = TK_NIL;
    s->net.frame = frame;
    s->net.frame_cap = frame_cap;
    s->net.cfg = &s->cfg;
    s->net.stats = &s->stats;
#if TK_WITH_IPV6
    if (nd != NULL)
        tk_nd6_init(nd, nd_q, frame_cap);
    if (frag6_mem != NULL)
        tk_ip6frag_init(&s->net.ip6.frag, frag6_mem, cfg);
    s->net.ip6.nd = nd;
    s->tcb6 = tcb6;
    s->syn6 = syn6;
#endif
    *out = s;
    return true;
}

size_t tk_stack_mem_size(const tk_config *cfg) {
    if (!tk_config_valid(cfg))
        return 0;
    layout l = {NULL, 0};
    plan(&l, cfg, NULL);
    return l.need;
}

static void fill_key(const tk_stack_io *io, uint8_t key[16]) {
    for (int i = 0; i < 4; i++) {
        uint32_t r = io->random ? io->random(io->ctx) : 0x9e3779b9u * (uint32_t)(i + 1);
        memcpy(key + 4 * i, &r, 4);
    }
}

int tk_stack_init(tk_stack **out, void *mem, size_t mem_len, const tk_config *cfg,
                  const tk_stack_io *io) {
    if (out == NULL || mem == NULL || io == NULL ||
        (io->output == NULL && io->output_offload == NULL) || !tk_config_valid(cfg) ||
        !tk_config_addressed(cfg) || (cfg->link_caps != 0 && io->output_offload == NULL))
        return -EINVAL;
    if (mem_len < tk_stack_mem_size(cfg))
        return -ENOMEM;
    tk_arena a;
    tk_arena_init(&a, mem, mem_len);
    layout l = {&a, 0};
    tk_stack *s = NULL;
    if (!plan(&l, cfg, &s))
        return -ENOMEM;
    s->io = *io;
    s->obs.fn = io->trace;
    s->obs.ctx = io->ctx;
    s->net.obs = s->obs;
    s->net.output = io->output;
    s->net.output_tx = io->output_offload;
    s->net.output_ctx = io->ctx;
    tk_tcp_attach(s);
    fill_key(io, s->hash_key);
    fill_key(io, s->isn_key);
    /* RFC 7217's secret_key: derived from the ISN secret, so IPv6 draws
     * nothing more from the embedder's random source. */
#if TK_WITH_IPV6
    uint8_t secret[16];
    static const char label[] = "tcpkit ipv6 iid";
    uint64_t k0 = tk_siphash24(s->isn_key, label, 8), k1 = tk_siphash24(s->isn_key, label + 8, 7);
    memcpy(secret, &k0, 8);
    memcpy(secret + 8, &k1, 8);
    tk_net_ip6_init(&s->net, secret);
#endif
    *out = s;
    return 0;
}

int tk_stack_input(tk_stack *s, const uint8_t *frame, size_t len, tk_time now) {
    return tk_stack_input_rx(s, frame, len, 0, now);
}

int tk_stack_input_rx(tk_stack *s, const uint8_t *frame, size_t len, uint32_t rx_flags,
                      tk_time now) {
    if (s->in_call)
        return -EDEADLK;
    s->in_call = true;
    s->now = now;
    s->stats.frames_in++;
    tk_obs_trace_frame(&s->obs, TK_TRACE_FRAME_IN, frame, len, NULL, now);
    s->net.rx_csum_valid = (rx_flags & TK_RX_CSUM_VALID) != 0;
    int rc = tk_net_input(&s->net, frame, len, now);
    s->net.rx_csum_valid = false;
    s->in_call = false;
    if (s->events_sample != NULL)
        s->events_sample(s);
    return rc;
}

int tk_stack_poll(tk_stack *s, tk_time now) {
    if (s->in_call)
        return -EDEADLK;
    s->in_call = true;
    uint32_t id;
    s->now = now;
    tk_net_tx_flush(&s->net, now);
    /* A TCB's timer id is its index; it is queued at its earliest deadline. */
    while (tk_timerq_pop_due(&s->timers, now, &id))
        tk_tcp_timer_fire(s, tk_tcb_at(s, id), now);
    tk_tw_expire(s, now);
    tk_syncache_poll(s, now);
    tk_net_poll(&s->net, now);
    while (s->pending_head != TK_NIL) {
        tk_tcb *tp = tk_tcb_at(s, s->pending_head);
        tk_tcb_unlink_pending(s, tp);
        tk_tcp_output(s, tp, now);
    }
    s->in_call = false;
    if (s->events_sample != NULL)
        s->events_sample(s);
    return 0;
}

tk_time tk_stack_next_deadline(tk_stack *s) {
    if (s->pending_head != TK_NIL)
        return 0;
    if (!s->in_call)
        tk_tcp_timers_settle(s);
    tk_time t = tk_timerq_next(&s->timers);
    tk_time tw = tk_tw_next_deadline(s);
    tk_time arp = tk_net_next_deadline(&s->net);
    tk_time sc = tk_syncache_next_deadline(s);
    tk_time tx = tk_net_tx_deadline(&s->net);
    if (tx < t)
        t = tx;
    if (arp < t)
        t = arp;
    if (sc < t)
        t = sc;
    return tw < t ? tw : t;
}

int tk_stack_add_neighbor(tk_stack *s, uint32_t addr, const uint8_t mac[6]) {
    return tk_net_add_neighbor(&s->net, addr, mac);
}

void tk_stack_abort_all(tk_stack *s, tk_time now) {
    tk_syncache_abort_all(s, now);
    for (uint32_t i = 0; i < s->tcbs.cap; i++) {
        tk_tcb *tp = tk_tcb_at(s, i);
        if (tp != NULL && tk_tcb_synchronized(tp) && tp->state != TK_TCP_TIME_WAIT)
            tk_tcp_send_rst_tcb(s, tp, now);
    }
}

int tk_stack_ipv6_addr(const tk_stack *s, int index, tk_sockaddr *out) {
#if !TK_WITH_IPV6
    (void)s, (void)index, (void)out;
    return -ENOENT; /* compiled out (TK_WITH_IPV6 0) */
#else
    if (s == NULL || out == NULL || index < 0 || index >= TK_IP6_ADDRS || !s->net.ip6.on)
        return -ENOENT;
    const tk_ip6_addr *x = &s->net.ip6.addr[index];
    if (x->state == TK_IP6A_NONE)
        return -ENOENT;
    *out = tk_sockaddr_in6(x->a, 0, index == TK_IP6_LINKLOCAL ? 1u : 0u);
    if (x->state == TK_IP6A_DUPLICATE)
        return -EADDRINUSE;
    return x->state == TK_IP6A_PREFERRED ? 1 : 0;
#endif
}
