/* The stack object's layout (not public). It is defined in the transport
 * layer because nearly all of it is TCP's state (connections, their
 * hashes, timers, TIME_WAIT, the SYN cache, MD5 keys); the network layer's
 * part is a tk_net of its own (net/net.h), which net/ code sees alone. The
 * socket layer and the stack object's own code (src/stack*.c) build on
 * this; the stack layer adds only its lifecycle (stack_priv.h). */
#ifndef TK_TCP_STATE_H
#define TK_TCP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/div.h"
#include "base/pool.h"
#include "base/timerq.h"
#include "net/net.h"
#include "obs/obs.h"
#include "tcp/addr6.h"
#include "tcp/md5.h"
#include "tcp/syncache.h"
#include "tcp/synrate.h"
#include "tcp/tcb.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/stats.h"
#include "tcpkit/trace.h"
#include "tcpkit/wire/icmp.h"

#define TK_TW_PORT_COUNT_MIN 4096u

struct tk_stack {
    tk_config cfg;
    tk_stack_io io;
    void *block; /* set when tk_stack_create allocated the memory */
    tk_stats stats;
    tk_obs obs; /* the trace hook of io (obs/obs.h) */
    uint8_t hash_key[16];
    uint8_t isn_key[16];
    tk_fo_cache fo_cache; /* Fast Open cookies by server (OP-8, tcp/fastopen_client.c) */

    tk_pool tcbs;
#if TK_WITH_IPV6
    /* IPv6 connections' addresses by TCB index, and by syncache entry
     * (tcp/addr6.h); NULL when cfg.ipv6 is off. */
    tk_a6pair *tcb6;
    tk_a6pair *syn6;
#endif
    tk_pool sacks;        /* SACK scoreboards (tcp/sack.h), taken on first use */
    tk_pool reasses;      /* reassembly trackers (tcp/reass.h), taken while data is out of order */
    tk_chunk_pool chunks; /* send and receive data of every socket (base/chunkq.h) */
    uint32_t *conn_hash;
    uint32_t conn_mask;
    uint32_t demux_last; /* TCB of the last segment demultiplexed (a hint) */
    uint32_t listen_hash[TK_LISTEN_BUCKETS];
    uint32_t *bind_hash;
    uint32_t bind_mask;
    uint32_t pending_head;
    tk_syncache syncache; /* half-open passive connections (SEC-2) */
    tk_synrate synrate;   /* SYNs per source address (SEC-13) */
    bool iss_floor_set;   /* a SYN reuses a TIME_WAIT 4-tuple (CM-11) */
    uint32_t iss_floor;
    uint32_t state_count[TK_TCP_NSTATES];

    tk_pool tws;
    uint32_t *tw_hash;
    uint32_t *tw_ports; /* entries per local port, or NULL (small pools) */
    uint32_t tw_mask;
    uint32_t tw_head, tw_tail; /* FIFO: oldest first */

    tk_timerq timers;

    tk_net net; /* Ethernet, ARP, IPv4, ICMP (net/net.h) */

    tk_md5_key *md5_keys; /* TCP-MD5 key store: md5_cap slots, md5_count used */
    uint32_t md5_cap, md5_count;

    /* Challenge ACKs (tcp/ackrate.c): the one-second interval (now / 1 s)
     * whose random budget challenge_left holds; none drawn yet when
     * challenge_drawn is false. */
    uint64_t challenge_interval;
    uint32_t challenge_left;
    bool challenge_drawn;

    tk_time now; /* time of the current input or poll call */

    /* The embedding API (stack.c, socket/events.c): inside tk_stack_input
     * or tk_stack_poll, where a call from the output callback is refused;
     * and the socket event subscriptions and queue. */
    bool in_call;
    struct tk_sock_events *events;
    /* tk_sock_events_sample once a socket has subscribed (tk_set_events),
     * NULL before: a device that never subscribes does not link it. */
    void (*events_sample)(struct tk_stack *s);
};

/* Slack after each receive buffer, so it can be rounded up to whole
 * segments once the MSS is known: one segment, but at most an eighth of the
 * buffer (small buffers then keep their size when rounding would not fit). */
static inline uint32_t tk_rcv_slack(const tk_config *cfg) {
    uint32_t seg = (uint32_t)cfg->mtu - 40u;
    uint32_t eighth = cfg->rcvbuf / 8u;
    return seg < eighth ? seg : eighth;
}

/* Chunks of the buffer pool: buf_pool_bytes rounded up to chunks, or (0)
 * enough for every socket's full receive buffer (with its slack) and send
 * buffer, each starting anywhere in a chunk. */
static inline uint32_t tk_buf_chunks(const tk_config *cfg) {
    uint32_t size = cfg->buf_chunk_size;
    uint64_t n;
    if (cfg->buf_pool_bytes != 0) {
        n = tk_div64((uint64_t)cfg->buf_pool_bytes + size - 1u, size);
    } else {
        uint64_t rcv = tk_div64((uint64_t)cfg->rcvbuf + tk_rcv_slack(cfg) + size - 1u, size) + 1u;
        uint64_t snd = tk_div64((uint64_t)cfg->sndbuf + size - 1u, size) + 1u;
        n = (rcv + snd) * cfg->max_sockets;
    }
    return n > UINT32_MAX - 1u ? UINT32_MAX - 1u : (uint32_t)n;
}

/* SACK scoreboards in the pool: cfg.sack_boards, 0 meaning one per socket. */
static inline uint32_t tk_sack_boards(const tk_config *cfg) {
    if (!TK_WITH_SACK_SENDER)
        return 0; /* compiled out: connections recover without a board */
    return cfg->sack_boards != 0 ? cfg->sack_boards : cfg->max_sockets;
}

/* Reassembly trackers in the pool: cfg.reass_queues, 0 meaning one per socket. */
static inline uint32_t tk_reass_queues(const tk_config *cfg) {
    return cfg->reass_queues != 0 ? cfg->reass_queues : cfg->max_sockets;
}

#endif
