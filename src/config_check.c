/* The one validator of a tk_config, used when a stack is sized or created
 * (tk_stack_mem_size, tk_stack_init) and when a running stack takes new
 * settings (tk_stack_set_config, which also refuses layout changes). */
#include <string.h>

#include "base/div.h"
#include "stack_priv.h"
#include "tcpkit/shard.h"

/* Chunk size a power of two in range; a queue of the largest buffer (receive buffers
 * grow by their slack) fits in TK_CHUNKQ_MAX_CNT chunks. */
static bool bufs_ok(const tk_config *c) {
    if (c->buf_chunk_size < TK_CHUNK_MIN || c->buf_chunk_size > TK_CHUNK_MAX ||
        (c->buf_chunk_size & (c->buf_chunk_size - 1u)) != 0)
        return false;
    uint64_t most = (uint64_t)(c->rcvbuf > c->sndbuf ? c->rcvbuf : c->sndbuf) * 2u;
    return tk_div64(most, c->buf_chunk_size) + 2u <= TK_CHUNKQ_MAX_CNT;
}

/* SEC-5: every pool is bounded and non-empty where the stack needs one;
 * SEC-2: without a syncache, SYN cookies must answer SYNs. */
static bool pools_ok(const tk_config *c) {
    return c->max_sockets > 0 && c->sack_boards <= c->max_sockets &&
           c->reass_queues <= c->max_sockets && c->max_syn_backlog <= 65536u &&
           c->syn_rate_sources <= 65536u && c->fastopen <= 3u &&
           (c->max_syn_backlog > 0 || (TK_WITH_SYNCOOKIE && c->syn_cookies)) && c->rcvbuf >= 1024 &&
           c->sndbuf >= 1024 && c->rcvbuf <= (1u << 30) && c->sndbuf <= (1u << 30) && bufs_ok(c);
}

/* NET-7: known capability bits; TSO leaves the checksum to the link too. */
static bool caps_ok(const tk_config *c) {
    uint32_t known = TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6;
    return (c->link_caps & ~known) == 0 &&
           (!(c->link_caps & (TK_LINK_TSO4 | TK_LINK_TSO6)) || (c->link_caps & TK_LINK_CSUM_TCP)) &&
           (c->link_tso_max == 0 || (c->link_tso_max >= c->mtu && c->link_tso_max <= 65535u));
}

/* NET-1: 68 is the smallest MTU (RFC 791); a zero TTL is never sent.
 * NET-5: so is the path MTU floor (above the link's MTU it never acts). */
static bool link_ok(const tk_config *c) {
    return c->mtu >= 68 && c->ip_ttl > 0 && tk_udp_tunnel_overhead_ok(c) && caps_ok(c) &&
           c->pmtu_min >= 68;
}

/* DT-6: RFC 6298 2.4/2.5 bounds the RTO with a non-zero minimum below the
 * maximum (at most TK_RTO_LIMIT, the estimator's 32 bits). SEC-8: at least one ACK per rate-limit
 * interval. */
static bool timers_ok(const tk_config *c) {
    return c->rto_min > 0 && c->rto_min <= c->rto_max && c->rto_max <= TK_RTO_LIMIT &&
           c->invalid_ack_count >= 1;
}

/* CM-15 port range; OP-1 MSS; DT-9 initial window of at most 64
 * segments; ECN mode 0..2 (RFC 3168); OP-2 window scale at most 14. */
static bool tcp_ok(const tk_config *c) {
    return c->ephemeral_lo > 0 && c->ephemeral_lo <= c->ephemeral_hi && c->default_mss >= 64 &&
           c->initial_window <= 64 && c->cc_algorithm < TK_CC_ALGO_COUNT &&
           (TK_WITH_CUBIC || c->cc_algorithm != TK_CC_ALGO_CUBIC) && c->ecn >= 0 && c->ecn <= 2 &&
           c->wscale_min <= 14;
}

/* API-1: an interface needs its own address and a unicast MAC (the I/G
 * bit of the first octet clear, IEEE 802 9.2); a zero address or MAC is
 * accepted only for an interface declared unnumbered. */
static bool addr_ok(const tk_config *c) {
    static const uint8_t zero[6] = {0};
    if (c->mac[0] & 1u)
        return false;
    return c->unnumbered || (c->addr != 0 && memcmp(c->mac, zero, 6) != 0);
}

/* NET-8: shard shard_index of shard_count (tcpkit/shard.h). */
static bool shard_ok(const tk_config *c) {
    if (!TK_WITH_SHARDS)
        return c->shard_count == 1 && c->shard_index == 0;
    return c->shard_count >= 1 && c->shard_count <= TK_MAX_SHARDS &&
           c->shard_index < c->shard_count;
}

bool tk_config_valid(const tk_config *cfg) {
    return cfg != NULL && pools_ok(cfg) && link_ok(cfg) && timers_ok(cfg) && tcp_ok(cfg) &&
           shard_ok(cfg) && cfg->tx_backlog_frames <= 64u && cfg->prefix6_len <= 128u &&
           cfg->dad_transmits <= 10u &&
           (!cfg->ipv6 || (TK_WITH_IPV6 && cfg->mtu >= 1280u)); /* RFC 8200 5 */
}

bool tk_config_addressed(const tk_config *cfg) {
    return cfg != NULL && addr_ok(cfg);
}
