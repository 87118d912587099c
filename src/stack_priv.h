/* The stack object's layout, shared by the core modules (not public). */
#ifndef TK_STACK_PRIV_H
#define TK_STACK_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pool.h"
#include "base/timerq.h"
#include "net/arp.h"
#include "net/ipfrag.h"
#include "net/protosw.h"
#include "obs/obs.h"
#include "tcp/md5.h"
#include "tcp/syncache.h"
#include "tcp/synrate.h"
#include "tcp/tcb.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/stats.h"
#include "tcpkit/trace.h"
#include "tcpkit/wire/icmp.h"

#define TK_NEIGH_MAX         16
#define TK_LISTEN_BUCKETS    64
#define TK_TW_PORT_COUNT_MIN 4096u

typedef struct tk_neigh {
    uint32_t addr;
    uint8_t mac[6];
    bool used;
} tk_neigh;

struct tk_stack {
    tk_config cfg;
    tk_stack_io io;
    void *block; /* set when tk_stack_create allocated the memory */
    tk_stats stats;
    tk_obs obs; /* the trace hook of io (obs/obs.h) */
    uint8_t hash_key[16];
    uint8_t isn_key[16];

    tk_pool tcbs;
    uint8_t *bufs; /* per TCB: rcvbuf then sndbuf bytes */
    size_t buf_stride;
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

    tk_md5_key *md5_keys; /* TCP-MD5 key store: md5_cap slots, md5_count used */
    uint32_t md5_cap, md5_count;

    tk_neigh neigh[TK_NEIGH_MAX]; /* static entries; learned ones are in arp */
    tk_arp_cache arp;
    tk_ipfrag frag;
    tk_protosw_table protosw; /* transports above IPv4 (net/protosw.h) */
    uint16_t ip_id;
    /* Challenge ACKs (tcp/ackrate.c): the one-second interval (now / 1 s)
     * whose random budget challenge_left holds; none drawn yet when
     * challenge_drawn is false. */
    uint64_t challenge_interval;
    uint32_t challenge_left;
    bool challenge_drawn;

    tk_time now;    /* time of the current input or poll call */
    uint8_t *frame; /* output frame buffer: Ethernet + MTU */
    uint32_t frame_cap;
};

/* Slack after each receive buffer, so it can be rounded up to whole
 * segments once the MSS is known: one segment, but at most an eighth of the
 * buffer (small buffers then keep their size when rounding would not fit). */
static inline uint32_t tk_rcv_slack(const tk_config *cfg) {
    uint32_t seg = (uint32_t)cfg->mtu - 40u;
    uint32_t eighth = cfg->rcvbuf / 8u;
    return seg < eighth ? seg : eighth;
}

/* RS-9: RST to every peer that would otherwise wait forever. */
void tk_stack_abort_all(tk_stack *s, tk_time now);

/* net/ip.c: IPv4 over Ethernet. */
int tk_net_input(tk_stack *s, const uint8_t *frame, size_t len, tk_time now);
/* The TCP/ICMP payload area of the output frame and its capacity. */
uint8_t *tk_net_payload(tk_stack *s, size_t *cap);
/* Sends the frame whose IPv4 payload (len bytes) was written at
 * tk_net_payload(). Returns 0 or -EHOSTUNREACH (no neighbour; counted). */
int tk_net_output(tk_stack *s, uint32_t src, uint32_t dst, uint8_t proto, size_t len, tk_time now);
/* The same with a socket's TTL and TOS (IP_TTL, IP_TOS); tk_net_output()
 * uses cfg.ip_ttl and TOS 0. */
typedef struct tk_net_hdr_opts {
    uint8_t ttl, tos;
} tk_net_hdr_opts;
int tk_net_output_opts(tk_stack *s, uint32_t src, uint32_t dst, uint8_t proto,
                       const tk_net_hdr_opts *o, size_t len, tk_time now);
/* net/link.c: Ethernet output. Writes the Ethernet header in front of the
 * output frame and sends it. */
void tk_net_emit(tk_stack *s, const uint8_t dst[6], uint16_t type, size_t payload_len, tk_time now);
/* Sends a complete frame (counted and traced). */
void tk_net_emit_raw(tk_stack *s, const uint8_t *frame, size_t len, tk_time now);

/* net/neighbor.c: ARP resolution around the cache in net/arp.c. */
void tk_net_arp_learn(tk_stack *s, uint32_t addr, const uint8_t mac[6], bool create, tk_time now);
bool tk_net_arp_lookup(tk_stack *s, uint32_t hop, tk_time now, uint8_t mac[6]);
/* After a frame went to a learned neighbour: a unicast request when its
 * entry nears expiry (tk_arp_poll_due). Uses the output buffer. */
void tk_net_arp_refresh(tk_stack *s, uint32_t hop, const uint8_t mac[6], tk_time now);
/* net/arp_input.c: an ARP packet in (RFC 826 reception, SEC-11). */
int tk_net_arp_input(tk_stack *s, const uint8_t *p, size_t len, tk_time now);
/* Queues the output frame (frame_len bytes) until hop resolves; sends a
 * request for a new resolution. Returns 0 or -EHOSTUNREACH (queue full). */
int tk_net_arp_queue(tk_stack *s, uint32_t hop, size_t frame_len, tk_time now);
/* ARP retries; and their earliest deadline. */
void tk_net_poll(tk_stack *s, tk_time now);
tk_time tk_net_next_deadline(const tk_stack *s);
/* net/icmp.c: an ICMP error for TCP (counted). Returns 0. */
int tk_net_icmp_error(tk_stack *s, const tk_icmp_hdr *h, tk_time now);

#endif
