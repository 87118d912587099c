/* ARP cache (RFC 826, RFC 1122 2.3.2): dynamic entries with expiry, request
 * retries, and a bounded queue of frames waiting for resolution (SPEC
 * NET-1, SEC-5). Pure: it never sends; the caller sends what it is told to.
 * Static neighbours live in the stack's own table and never expire. */
#ifndef TK_NET_ARP_H
#define TK_NET_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/types.h"

enum tk_arp_state {
    TK_ARP_FREE = 0,
    TK_ARP_INCOMPLETE, /* request sent, no reply yet */
    TK_ARP_REACHABLE,  /* resolved until `expires` */
};

typedef struct tk_arp_entry {
    uint32_t addr;
    uint8_t mac[6];
    uint8_t state;   /* enum tk_arp_state */
    uint8_t tries;   /* requests sent while INCOMPLETE */
    bool asked;      /* a request of ours is outstanding (INCOMPLETE, or a poll) */
    tk_time expires; /* REACHABLE: end of validity; INCOMPLETE: next request */
    tk_time polled;  /* REACHABLE: when the last unicast poll went out */
} tk_arp_entry;

/* One frame waiting for its next hop's address. */
typedef struct tk_arp_qent {
    uint32_t hop; /* 0: slot free */
    uint32_t len;
} tk_arp_qent;

typedef struct tk_arp_cache {
    tk_arp_entry *e;
    uint32_t n;
    tk_arp_qent *q;
    uint8_t *qbuf; /* q_n slots of q_stride bytes */
    uint32_t q_n, q_stride;
    tk_time ttl, retry;
    uint32_t retries;
    tk_time next; /* earliest retry of an INCOMPLETE entry; TK_TIME_NEVER: none */
} tk_arp_cache;

/* Bytes of memory the cache needs for cfg (entries, queue and frames). */
size_t tk_arp_mem_size(const tk_config *cfg, uint32_t frame_cap);
/* Carves the cache from mem (tk_arp_mem_size bytes, 8-aligned). */
void tk_arp_init(tk_arp_cache *c, void *mem, const tk_config *cfg, uint32_t frame_cap);

/* The MAC of a resolved address; false when unknown or expired. */
bool tk_arp_lookup(const tk_arp_cache *c, uint32_t addr, tk_time now, uint8_t mac[6]);

/* The entry of addr in any state, or NULL. */
const tk_arp_entry *tk_arp_find(const tk_arp_cache *c, uint32_t addr);

/* Records addr -> mac from an ARP packet (the caller applies the RFC 826
 * merge rule, net/arp_input.c). Entries that are not cached are added only
 * when `create` (RFC 826: only a packet addressed to us creates). Returns
 * true when the address was waiting: the caller then calls tk_arp_flush. */
bool tk_arp_learn(tk_arp_cache *c, uint32_t addr, const uint8_t mac[6], bool create, tk_time now);

/* RFC 1122 2.3.2.1 unicast poll: true (and the poll is recorded as
 * asked) when a resolved entry in use is within arp_retries *
 * arp_retry_interval of expiry and was not polled in the last interval; the
 * caller then sends a request to the known MAC. Learning only from ARP
 * (SEC-11), this is what keeps a busy neighbour's entry from expiring. */
bool tk_arp_poll_due(tk_arp_cache *c, uint32_t addr, tk_time now);

/* Queues a whole frame (its destination MAC is filled in at flush) for hop.
 * Returns 1 when a request should be sent now (a new resolution), 0 when a
 * request is already outstanding, -ENOBUFS (queue or cache full; the frame
 * is dropped, and a new resolution is left due at the next poll) or
 * -EMSGSIZE. */
int tk_arp_enqueue(tk_arp_cache *c, uint32_t hop, const uint8_t *frame, size_t len, tk_time now);

/* Hands every frame queued for addr to fn, oldest first, with the MAC
 * written into bytes 0..5, and frees the slots. Returns the count. */
typedef void (*tk_arp_send_fn)(void *ctx, uint8_t *frame, size_t len);
uint32_t tk_arp_flush(tk_arp_cache *c, uint32_t addr, tk_arp_send_fn fn, void *ctx);

/* Runs retries: calls want_request(ctx, addr) for each INCOMPLETE entry whose
 * retry is due; entries out of retries are freed with their frames (returned
 * count of frames dropped). O(1) when no retry is due; otherwise one walk
 * that also finds the next retry. */
typedef void (*tk_arp_request_fn)(void *ctx, uint32_t addr);
uint32_t tk_arp_poll(tk_arp_cache *c, tk_time now, tk_arp_request_fn want_request, void *ctx);

/* The earliest retry time, or TK_TIME_NEVER; O(1) (cached). */
tk_time tk_arp_next_deadline(const tk_arp_cache *c);

/* Frames waiting for resolution. */
uint32_t tk_arp_queued(const tk_arp_cache *c);

#endif
