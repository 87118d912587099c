/* The network layer's state and calls: Ethernet, ARP, IPv4 and ICMP for
 * one interface. It is embedded in the stack object (tk_stack.net) and
 * knows nothing above it: transports reach it through the calls below and
 * are reached through the protocol switch (net/protosw.h). The
 * configuration and the counters are the stack's own, seen through
 * pointers; the trace hook is a copy of the stack's. */
#ifndef TK_NET_NET_H
#define TK_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/arp.h"
#include "net/ip6.h"
#include "net/ipfrag.h"
#include "net/protosw.h"
#include "net/txq.h"
#include "obs/obs.h"
#include "tcpkit/config.h"
#include "tcpkit/opts.h"
#include "tcpkit/stats.h"
#include "tcpkit/types.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"

typedef struct tk_neigh {
    uint32_t addr;
    uint8_t mac[6];
    bool used;
} tk_neigh;

/* Where finished frames go (the embedder's tk_stack_io.output): 0 taken,
 * -EBUSY or -EAGAIN not now (kept in the backlog), other negative values
 * failed (dropped). */
typedef int (*tk_net_output_fn)(void *ctx, const uint8_t *frame, size_t len);
/* The same with the frame's offload requests (tk_stack_io.output_offload). */
typedef int (*tk_net_output_tx_fn)(void *ctx, const uint8_t *frame, size_t len,
                                   const tk_link_tx *tx);

typedef struct tk_net {
    const tk_config *cfg; /* the stack's configuration */
    tk_stats *stats;      /* the stack's counters */
    tk_obs obs;
    tk_net_output_fn output;
    tk_net_output_tx_fn output_tx; /* NULL: output, and no offloads */
    void *output_ctx;
    bool rx_csum_valid; /* the frame being input: the link vouched for its TCP checksum */
    uint8_t *frame;     /* output frame buffer: Ethernet + MTU */
    uint32_t frame_cap;
    tk_neigh neigh[TK_NEIGH_MAX]; /* static entries; learned ones are in arp */
    tk_arp_cache arp;
    tk_ipfrag frag;
    uint16_t ip_id;
    tk_protosw_table protosw; /* transports above IPv4 */
    tk_txq txq;               /* frames output answered busy for (net/link.c) */
#if TK_WITH_IPV6
    tk_ip6 ip6; /* IPv6, when cfg->ipv6 (net/ip6.c) */
#endif
} tk_net;

/* Counts a drop in the stack's counter `name` and traces it. */
#define TK_NET_DROP(net, name, now) TK_OBS_DROP(&(net)->obs, (net)->stats, name, now)

/* net/ip.c: IPv4 over Ethernet. */
int tk_net_input(tk_net *net, const uint8_t *frame, size_t len, tk_time now);
/* The TCP/ICMP payload area of the output frame and its capacity. */
uint8_t *tk_net_payload(tk_net *net, size_t *cap);
/* Sends the frame whose IPv4 payload (len bytes) was written at
 * tk_net_payload(). Returns 0 or -EHOSTUNREACH (no neighbour; counted). */
int tk_net_output(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto, size_t len, tk_time now);
/* The same with a socket's TTL and TOS (IP_TTL, IP_TOS); tk_net_output()
 * uses cfg.ip_ttl and TOS 0. */
typedef struct tk_net_hdr_opts {
    uint8_t ttl, tos;
} tk_net_hdr_opts;
int tk_net_output_opts(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto,
                       const tk_net_hdr_opts *o, size_t len, tk_time now);
/* NET-7: offloads a transport asks of the link for one packet (tcpkit/link.h):
 * TK_TX_* flags, where the checksum field is in its header, the header's
 * length and the TSO segment payload. */
typedef struct tk_net_l4_tx {
    uint8_t flags, csum_offset, l4_hlen;
    uint16_t seg_size;
} tk_net_l4_tx;
/* tk_net_output_opts with offload requests (NULL: none). */
int tk_net_output_tx(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto,
                     const tk_net_hdr_opts *o, const tk_net_l4_tx *l4, size_t len, tk_time now);
/* net/link.c: Ethernet output. Writes the Ethernet header in front of the
 * output frame and sends it. */
void tk_net_emit(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len, tk_time now);
/* The same with the frame's offload requests (NULL: none). */
void tk_net_emit_tx(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len,
                    const tk_link_tx *tx, tk_time now);
/* Called before a new frame is written into the output buffer (every
 * builder starts with tk_net_payload, tk_net_payload6 or this): a frame
 * waiting there (a backlog of one, net/txq.h) is offered once more, or
 * dropped and counted. Only that case leaves the inline test. */
void tk_net_frame_free(tk_net *net);
static inline void tk_net_frame_begin(tk_net *net) {
    if (net->txq.in_place && net->txq.count > 0)
        tk_net_frame_free(net);
}
/* Sends a complete frame (counted and traced); behind the backlog when
 * there is one, into it when the driver is busy. */
void tk_net_emit_raw(tk_net *net, const uint8_t *frame, size_t len, tk_time now);
void tk_net_emit_raw_tx(tk_net *net, const uint8_t *frame, size_t len, const tk_link_tx *tx,
                        tk_time now);
/* Completes a checksum the transport left partial, for a frame that
 * cannot take its offload request along (one waiting for ARP). */
void tk_net_tx_finish_csum(uint8_t *frame, size_t len, const tk_link_tx *tx);
/* Offers the backlog to the driver again, oldest first, until it is empty
 * or the driver is busy; and the time to try again (TK_TIME_NEVER: empty). */
void tk_net_tx_flush(tk_net *net, tk_time now);
tk_time tk_net_tx_deadline(const tk_net *net);

/* net/neighbor.c: ARP resolution around the cache in net/arp.c. */
void tk_net_arp_learn(tk_net *net, uint32_t addr, const uint8_t mac[6], bool create, tk_time now);
bool tk_net_arp_lookup(tk_net *net, uint32_t hop, tk_time now, uint8_t mac[6]);
/* After a frame went to a learned neighbour: a unicast request when its
 * entry nears expiry (tk_arp_poll_due). Uses the output buffer. */
void tk_net_arp_refresh(tk_net *net, uint32_t hop, const uint8_t mac[6], tk_time now);
/* net/arp_input.c: an ARP packet in (RFC 826 reception, SEC-11). */
int tk_net_arp_input(tk_net *net, const uint8_t *p, size_t len, tk_time now);
/* Queues the output frame (frame_len bytes) until hop resolves; sends a
 * request for a new resolution. Returns 0 or -EHOSTUNREACH (queue full). */
int tk_net_arp_queue(tk_net *net, uint32_t hop, size_t frame_len, tk_time now);
/* ARP retries; and their earliest deadline. */
void tk_net_poll(tk_net *net, tk_time now);
tk_time tk_net_next_deadline(const tk_net *net);
/* net/icmp.c: an ICMP error for TCP (counted). Returns 0. */
int tk_net_icmp_error(tk_net *net, const tk_icmp_hdr *h, tk_time now);

/* net/ip6_addr.c: IPv6 (SPEC NET-4, NET-6). Sets the IPv6 state up from
 * cfg: the link-local address from secret (RFC 7217) and the MAC, the
 * static address; the neighbour cache keeps the frame queue tk_nd6_init
 * gave it. DAD starts at the first poll. */
void tk_net_ip6_init(tk_net *net, const uint8_t secret[16]);
/* Forms x->a from an 8-byte prefix as RFC 7217 asks (x->dad_count is the
 * DAD counter) and starts DAD for it. */
void tk_net_ip6_form(tk_net *net, tk_ip6_addr *x, const uint8_t prefix[8]);
void tk_net_ip6_addr_start(tk_net *net, tk_ip6_addr *x);
/* Which of our addresses a is, in any state; NULL when none. */
tk_ip6_addr *tk_net_ip6_own(tk_net *net, const uint8_t a[16]);
void tk_net_ip6_dad_failed(tk_net *net, tk_ip6_addr *x);
void tk_net_ip6_addr_poll(tk_net *net, tk_time now);
tk_time tk_net_ip6_addr_deadline(const tk_net *net);
/* net/nd6_router.c: router discovery and SLAAC (RFC 4861 6.3, RFC 4862). */
int tk_net_ra_input(tk_net *net, const tk_ipv6_hdr *ih, const tk_nd_msg *m, tk_time now);
void tk_net_router_poll(tk_net *net, tk_time now);
tk_time tk_net_router_deadline(const tk_net *net);
/* net/mld.c: MLDv2 reports of our solicited-node groups (RFC 3810): one
 * with record_type for every group now; and at a poll, one for groups of
 * addresses added since (before their DAD solicitations). */
void tk_net_mld_report(tk_net *net, uint8_t record_type, tk_time now);
void tk_net_mld_poll(tk_net *net, tk_time now);
/* The default router's address, or NULL. */
const uint8_t *tk_net_ip6_router(const tk_net *net, tk_time now);
/* An IPv6 packet in (the Ethernet payload); l2_mcast: the frame was sent
 * to a multicast MAC. */
int tk_net_ip6_input(tk_net *net, const uint8_t *p, size_t len, bool l2_mcast, tk_time now);
/* True when the Ethernet destination is one of our IPv6 multicast groups
 * (all-nodes, the solicited-node groups of our addresses). */
bool tk_net_ip6_mac_wanted(const tk_net *net, const uint8_t mac[6]);
/* The upper-layer area of the output frame behind a 40-byte IPv6 header. */
uint8_t *tk_net_payload6(tk_net *net, size_t *cap);
/* Sends the frame whose IPv6 payload (len bytes, next header proto) was
 * written at tk_net_payload6(), with this hop limit and flow label.
 * Returns 0, -EHOSTUNREACH (no room to wait for the neighbour; counted),
 * -ENETUNREACH (off-link, no router). */
int tk_net_output6(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                   uint8_t hop_limit, uint32_t flow, size_t len, tk_time now);
/* The same with a traffic class (DSCP and ECN, as IPv4's TOS). */
int tk_net_output6_tc(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                      uint8_t hop_limit, uint8_t tclass, uint32_t flow, size_t len, tk_time now);
/* The same with offload requests (NET-7; NULL: none; TK_TX_TSO6 for a
 * super-segment). */
int tk_net_output6_tx(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                      uint8_t hop_limit, uint8_t tclass, uint32_t flow, const tk_net_l4_tx *l4,
                      size_t len, tk_time now);
/* RFC 6437 3: the flow label of a flow, a keyed hash of its addresses,
 * protocol and ports (0 where there are none), never 0. */
uint32_t tk_net_ip6_flow(const tk_net *net, const uint8_t src[16], const uint8_t dst[16],
                         uint8_t proto, uint16_t sport, uint16_t dport);
/* Our source address for dst (RFC 6724 in short: link-local for
 * link-local and multicast destinations, else the static address when
 * usable); NULL when none is usable. */
const uint8_t *tk_net_ip6_source(const tk_net *net, const uint8_t dst[16]);
/* True when a is one of our usable addresses. */
bool tk_net_ip6_is_ours(const tk_net *net, const uint8_t a[16]);
/* net/icmp6.c: an ICMPv6 message in; sending an error about a packet. */
int tk_net_icmp6_input(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *pkt, size_t off,
                       tk_time now);
void tk_net_icmp6_error(tk_net *net, const uint8_t *pkt, size_t len, uint8_t type, uint8_t code,
                        uint32_t rest, tk_time now);
/* net/nd6_io.c: Neighbor Discovery messages in, solicitations and DAD out,
 * timers. */
int tk_net_nd_input(tk_net *net, const tk_ipv6_hdr *ih, const tk_icmp_hdr *h, tk_time now);
/* An NS for target: to its solicited-node group, or to target itself
 * (unicast); from src with our MAC, or from :: without it (DAD). */
void tk_net_nd_solicit(tk_net *net, const uint8_t target[16], const uint8_t *src, bool unicast,
                       tk_time now);
/* A link-layer address from an NS, RS or RA (RFC 4861 7.2.3, 6.3.4):
 * the entry is made or updated (STALE), and frames that waited leave. */
void tk_net_nd_learn(tk_net *net, const uint8_t addr[16], const uint8_t mac[6], tk_time now);
/* Sends an NDP message from src to dst with hop limit 255. */
void tk_net_nd_send(tk_net *net, const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16],
                    tk_time now);
int tk_net_nd_resolve(tk_net *net, const uint8_t hop[16], size_t frame_len, tk_time now);
/* The same for a frame with offload requests (tx): sent with them when the
 * neighbour is known; a frame that must wait has its checksum completed
 * (it leaves later without requests), and a TSO super-segment, longer than
 * the link carries, is dropped (nd_queue_drops; TCP sends it again). */
int tk_net_nd_resolve_tx(tk_net *net, const uint8_t hop[16], size_t frame_len, const tk_link_tx *tx,
                         tk_time now);
/* net/ip6frag.c: fragment reassembly (RFC 8200 4.5, RFC 5722, RFC 7112).
 * The table's memory for cfg (taken only with cfg->ipv6) and its setup. */
size_t tk_ip6frag_mem_size(const tk_config *cfg);
void tk_ip6frag_init(tk_ip6frag *f, void *mem, const tk_config *cfg);
/* A fragment in (pkt its packet, c the walk that stopped at its fragment
 * header). Returns 1 when its datagram is complete: *out / *out_len are
 * the reassembled packet, a header chain without the fragment header,
 * valid until the next call; 0 when held; a negative code when dropped,
 * counted by its reason (with a Parameter Problem where RFC 8200 asks). */
int tk_net_ip6_defrag(tk_net *net, const uint8_t *pkt, const tk_ipv6_hdr *ih,
                      const tk_ipv6_chain *c, tk_time now, const uint8_t **out, size_t *out_len);
/* Abandons datagrams whose time is up, with a Time Exceeded (code 1) to
 * the source when the first fragment had come; and the next such time. */
void tk_net_ip6_frag_poll(tk_net *net, tk_time now);
tk_time tk_net_ip6_frag_deadline(const tk_net *net);
void tk_net_ip6_poll(tk_net *net, tk_time now);
tk_time tk_net_ip6_next_deadline(const tk_net *net);

/* The stack's static neighbour table (tk_stack_add_neighbor). */
int tk_net_add_neighbor(tk_net *net, uint32_t addr, const uint8_t mac[6]);

#endif
