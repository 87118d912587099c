/* Introspection (SPEC API-2): counter names, the connection table and
 * per-state counts. */
#include <stddef.h>
#include <string.h>

#include "socket/events.h"
#include "stack_priv.h"
#include "tcp/pace.h"
#include "tcp/rack.h"
#include "tcp/timewait.h"

void tk_stack_sizes(const tk_config *cfg, tk_sizes *out) {
    tk_config d;
    if (cfg == NULL) {
        tk_config_default(&d);
        cfg = &d;
    }
    /* Cold parts as their pools hold them (rounded up to 8). */
    size_t sack = (sizeof(tk_sack_board) + 7u) & ~(size_t)7u;
    size_t reass = tk_reass_size_for(cfg->rcvbuf);
    out->tcb = sizeof(tk_tcb_slot) + (TK_WITH_SACK_SENDER && cfg->sack_boards == 0 ? sack : 0) +
               (cfg->reass_queues == 0 ? reass : 0);
    out->time_wait = sizeof(tk_tw);
    /* Hash tables have a power-of-two number of heads: at most two per entry. */
    out->time_wait_ix = sizeof(tk_tw) + 2 * sizeof(uint32_t);
    out->socket = out->tcb + 4 * sizeof(uint32_t) + sizeof(tk_timerq_slot) + sizeof(uint32_t) +
                  tk_sock_events_slot_size();
    /* The buffer pool's share of one socket (buf_pool_bytes 0): its chunks
     * with their links. Only chunks in use are ever touched. */
    tk_config one = *cfg;
    one.max_sockets = 1;
    one.buf_pool_bytes = 0;
    out->conn_buffers = (size_t)tk_buf_chunks(&one) * (cfg->buf_chunk_size + sizeof(uint32_t));
    out->half_open = sizeof(tk_syn_entry) + 2 * sizeof(uint32_t);
    out->tcb_hot = sizeof(tk_tcb);
    out->tcb_cold = sizeof(tk_tcb_slot) - sizeof(tk_tcb);
    out->sack_board = TK_WITH_SACK_SENDER ? sack : 0; /* none compiled in */
    out->sockopts = sizeof(tk_sockopts);
    out->reass = reass;
}

void tk_stack_buffers(const tk_stack *s, tk_buf_usage *out) {
    const tk_chunk_pool *p = &s->chunks;
    out->chunk_size = p->size;
    out->chunks = p->cap;
    out->used = p->used;
    out->reserved = p->reserved;
    out->peak = p->peak;
    out->touched = p->fresh;
    out->refused = p->failures;
}

/* Every field is a tk_counter in TK_STATS_FIELDS order, so counter i is at
 * i * sizeof(tk_counter) and no table of offsets is needed. */
#define TK_STATS_ONE(name) +1
enum { NSTATS = 0 TK_STATS_FIELDS(TK_STATS_ONE) };
#undef TK_STATS_ONE
_Static_assert(sizeof(tk_stats) == NSTATS * sizeof(tk_counter), "tk_stats holds only counters");

#if TK_WITH_COUNTER_NAMES
static const char *const stat_names[NSTATS] = {
#define TK_STATS_NAME(name) #name,
    TK_STATS_FIELDS(TK_STATS_NAME)
#undef TK_STATS_NAME
};
#endif

const tk_stats *tk_stack_stats(const tk_stack *s) {
    return &s->stats;
}

size_t tk_stats_count(void) {
    return NSTATS;
}

const char *tk_stats_name(size_t i) {
#if TK_WITH_COUNTER_NAMES
    return i < NSTATS ? stat_names[i] : NULL;
#else
    (void)i; /* the names are compiled out (tcpkit/opts.h) */
    return NULL;
#endif
}

uint64_t tk_stats_value(const tk_stats *st, size_t i) {
    tk_counter v = 0;
    if (i < NSTATS)
        memcpy(&v, (const uint8_t *)st + i * sizeof(v), sizeof(v));
    return v;
}

const char *tk_tcp_state_name(int state) {
    static const char *const names[TK_TCP_NSTATES] = {
        "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT",
    };
    if (state < 0 || state >= TK_TCP_NSTATES)
        return "?";
    return names[state];
}

const char *tk_timer_kind_name(int kind) {
    static const char *const names[TK_TIMER_COUNT] = {
        "-",          "retransmit", "persist", "delack",   "keepalive",
        "fin_wait_2", "time_wait",  "linger",  "keepinit", "pace",
    };
    if (kind < 0 || kind >= TK_TIMER_COUNT)
        return "?";
    return names[kind];
}

/* The endpoints of a connection or half-open entry: IPv6 ones from a6. */
static void fill_addrs(const tk_a6pair *a6, uint32_t laddr, uint16_t lport, uint32_t raddr,
                       uint16_t rport, tk_conn_info *ci) {
    ci->local = a6 ? tk_sockaddr_in6(a6->l, lport, 0) : tk_sockaddr_in4(laddr, lport);
    ci->remote = a6 ? tk_sockaddr_in6(a6->r, rport, 0) : tk_sockaddr_in4(raddr, rport);
}

static void fill_tcb(const tk_stack *s, const tk_tcb *tp, tk_conn_info *ci) {
    memset(ci, 0, sizeof(*ci));
    ci->sd = (tp->flags & TK_TF_FD) ? (int)tp->index : -1;
    ci->state = tp->state;
    const tk_a6pair *a6 = NULL;
#if TK_WITH_IPV6
    if (tp->flags & TK_TF_V6)
        a6 = tk_tcb_a6(s, tp);
#else
    (void)s;
#endif
    fill_addrs(a6, tp->laddr, tp->lport, tp->raddr, tp->rport, ci);
    ci->send_q = tk_chunkq_len(&tp->sndq);
    ci->recv_q = tp->state == TK_TCP_LISTEN ? tk_cold(tp)->acq_len : tk_chunkq_len(&tp->rcvq);
    ci->snd_wnd = tp->snd_wnd;
    ci->rcv_wnd = tp->rcv_adv - tp->rcv_nxt;
    ci->mss = tp->mss;
    ci->cwnd = tp->cc.cwnd;
    ci->ssthresh = tp->cc.ssthresh;
    ci->cc_name = tp->cc.ops != NULL ? tp->cc.ops->name : NULL;
    ci->pacing_rate = tk_pace_rate(tp);
    ci->reord_wnd = tk_rack_reo_wnd(tp);
    ci->srtt = tk_cold(tp)->rtt.srtt;
    ci->rto = tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count);
    ci->retransmits = tp->rexmt_count;
    ci->timer_kind = tk_tcb_next_timer(tp, &ci->timer_deadline);
    ci->encap_port = tp->encap_port;
    ci->options = ((tp->flags & TK_TF_TS) ? TK_CONN_OPT_TS : 0u) |
                  ((tp->flags & TK_TF_SACK) ? TK_CONN_OPT_SACK : 0u) |
                  ((tp->flags & TK_TF_WS) ? TK_CONN_OPT_WSCALE : 0u) |
                  ((tp->ecn & TK_ECN_ON) ? TK_CONN_OPT_ECN : 0u);
}

/* A half-open connection of the syncache, as netstat shows SYN_RECV. */
static void fill_syn_entry(const tk_stack *s, const tk_syn_entry *e, tk_conn_info *ci) {
    memset(ci, 0, sizeof(*ci));
    ci->sd = -1;
    ci->state = TK_TCP_SYN_RCVD;
    fill_addrs(tk_syncache_a6(s, e), e->laddr, e->lport, e->raddr, e->rport, ci);
    ci->rcv_wnd = e->rcv_win;
    ci->snd_wnd = e->peer_win;
    ci->retransmits = e->rexmits;
    ci->timer_kind = TK_TIMER_RETRANSMIT;
    ci->timer_deadline = e->deadline;
    ci->encap_port = e->encap;
    ci->options = ((e->flags & TK_SC_PEER_TS) && s->cfg.opt_timestamps ? TK_CONN_OPT_TS : 0u) |
                  ((e->flags & TK_SC_PEER_SACK) && s->cfg.opt_sack ? TK_CONN_OPT_SACK : 0u) |
                  ((e->flags & TK_SC_PEER_WS) && s->cfg.opt_wscale ? TK_CONN_OPT_WSCALE : 0u) |
                  ((e->flags & TK_SC_ECN) ? TK_CONN_OPT_ECN : 0u);
}

/* An IPv6 TIME_WAIT entry keeps only a fold of the peer's address: its
 * remote address reads "::" (timewait.h). */
static void fill_tw_addrs(const tk_stack *s, const tk_tw *tw, tk_conn_info *ci) {
#if TK_WITH_IPV6
    if (tw->flags & TK_TW_V6) {
        static const uint8_t any[16];
        ci->local = tk_sockaddr_in6(s->net.ip6.addr[tw->laddr6 % TK_IP6_ADDRS].a, tw->lport, 0);
        ci->remote = tk_sockaddr_in6(any, tw->rport, 0);
        return;
    }
#endif
    ci->local = tk_sockaddr_in4(s->cfg.addr, tw->lport);
    ci->remote = tk_sockaddr_in4(tw->raddr, tw->rport);
}

int tk_stack_conn_table(const tk_stack *s, tk_conn_info *out, int max) {
    int n = 0;
    for (uint32_t i = 0; i < s->tcbs.cap; i++) {
        const tk_tcb *tp = tk_tcb_at(s, i);
        if (tp == NULL)
            continue;
        if (n < max)
            fill_tcb(s, tp, &out[n]);
        n++;
    }
    for (uint32_t i = 0; i < s->syncache.cap && s->syncache.count > 0; i++) {
        const tk_syn_entry *e = &s->syncache.e[i];
        if (!(e->flags & TK_SC_USED))
            continue;
        if (n < max)
            fill_syn_entry(s, e, &out[n]);
        n++;
    }
    for (uint32_t i = s->tw_head; i != TK_NIL;) {
        const tk_tw *tw = tk_pool_at(&s->tws, i);
        if (n < max) {
            tk_conn_info *ci = &out[n];
            memset(ci, 0, sizeof(*ci));
            ci->sd = -1;
            ci->state = TK_TCP_TIME_WAIT;
            fill_tw_addrs(s, tw, ci);
            ci->encap_port = tw->encap_port;
            ci->timer_kind = TK_TIMER_TIME_WAIT;
            ci->timer_deadline = tw->expiry;
        }
        n++;
        i = tw->fifo_next;
    }
    return n;
}

uint32_t tk_stack_state_count(const tk_stack *s, int state) {
    if (state < 0 || state >= TK_TCP_NSTATES)
        return 0;
    uint32_t n = s->state_count[state];
    if (state == TK_TCP_TIME_WAIT)
        n += s->tws.used;
    return n;
}
