/* The IPv6 neighbour cache (RFC 4861 7.3): entries in the states of RFC
 * 4861 7.3.2 with their timers, and a bounded queue of frames waiting for
 * resolution (7.2.2). Pure, as net/arp.h: it never sends, it tells the
 * caller what to send. The sizes are fixed, so a stack with IPv6 costs the
 * same memory whatever it meets. */
#ifndef TK_NET_ND6_H
#define TK_NET_ND6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

#define TK_ND6_ENTRIES 16
#define TK_ND6_QUEUE   4 /* frames waiting for resolution, all entries together */
/* RFC 4861 10 (constants). */
#define TK_ND6_MAX_MULTICAST_SOLICIT 3
#define TK_ND6_MAX_UNICAST_SOLICIT   3
#define TK_ND6_REACHABLE_TIME        TK_SEC(30)
#define TK_ND6_RETRANS_TIMER         TK_SEC(1)
#define TK_ND6_DELAY_FIRST_PROBE     TK_SEC(5)
#define TK_ND6_MAX_RTR_SOLICIT       3
#define TK_ND6_RTR_SOLICIT_INTERVAL  TK_SEC(4)

enum tk_nd6_state {
    TK_ND6_FREE = 0,
    TK_ND6_INCOMPLETE, /* multicast solicitations sent, no answer yet */
    TK_ND6_REACHABLE,  /* confirmed within the reachable time */
    TK_ND6_STALE,      /* unconfirmed: used, and verified when it is */
    TK_ND6_DELAY,      /* used while stale: waiting for upper-layer hints */
    TK_ND6_PROBE,      /* unicast solicitations sent */
};

typedef struct tk_nd6_entry {
    uint8_t addr[16];
    uint8_t mac[6];
    uint8_t state;  /* enum tk_nd6_state */
    uint8_t probes; /* solicitations sent in this state */
    bool router;    /* the IsRouter flag of its last advertisement */
    tk_time timer;  /* INCOMPLETE/PROBE: next solicitation; REACHABLE: end of
                     * reachability; DELAY: start of probing */
    tk_time used;   /* last use, for replacing the least recently used */
} tk_nd6_entry;

typedef struct tk_nd6_qent {
    uint8_t slot; /* entry index + 1; 0: free */
    uint32_t len;
} tk_nd6_qent;

typedef struct tk_nd6_cache {
    tk_nd6_entry e[TK_ND6_ENTRIES];
    tk_nd6_qent q[TK_ND6_QUEUE];
    uint8_t *qbuf; /* TK_ND6_QUEUE frames of q_stride bytes */
    uint32_t q_stride;
} tk_nd6_cache;

/* Bytes of the frame queue for frames of frame_cap bytes. */
size_t tk_nd6_queue_size(uint32_t frame_cap);
void tk_nd6_init(tk_nd6_cache *c, uint8_t *qbuf, uint32_t frame_cap);

tk_nd6_entry *tk_nd6_find(tk_nd6_cache *c, const uint8_t addr[16]);

/* What to do with a frame for addr (RFC 4861 7.2.2, 7.3.3). */
enum tk_nd6_verdict {
    TK_ND6_SEND = 0, /* mac is known: send now */
    TK_ND6_QUEUED,   /* queued; a resolution is under way */
    TK_ND6_SOLICIT,  /* queued; a new resolution: send a multicast NS now */
    TK_ND6_NO_ROOM,  /* not queued: the queue or cache is full (dropped) */
};
/* Looks addr up for output of frame (len bytes, its destination MAC filled
 * in when it is sent later). A STALE entry moves to DELAY (7.3.3). */
int tk_nd6_resolve(tk_nd6_cache *c, const uint8_t addr[16], const uint8_t *frame, size_t len,
                   tk_time now, uint8_t mac[6]);

/* An advertisement for target (RFC 4861 7.2.5): flags are the NA's
 * TK_ND_NA_* bits, mac its target link-layer address or NULL. Returns true
 * when frames wait for the entry: the caller then calls tk_nd6_flush. */
bool tk_nd6_advert(tk_nd6_cache *c, const uint8_t target[16], uint32_t flags, const uint8_t *mac,
                   tk_time now);
/* A solicitation or router solicitation from addr with a source
 * link-layer address (RFC 4861 7.2.3): a new entry or a changed address
 * becomes STALE. Returns true when frames wait (then tk_nd6_flush). */
bool tk_nd6_learn(tk_nd6_cache *c, const uint8_t addr[16], const uint8_t mac[6], tk_time now);

/* Hands the frames queued for addr to fn with the MAC written into bytes
 * 0..5, oldest first, and frees them. Returns the count. */
typedef void (*tk_nd6_send_fn)(void *ctx, uint8_t *frame, size_t len);
uint32_t tk_nd6_flush(tk_nd6_cache *c, const uint8_t addr[16], tk_nd6_send_fn fn, void *ctx);

/* Runs the timers: calls solicit(ctx, entry, unicast) for each
 * retransmission due (INCOMPLETE: multicast; PROBE: unicast to the known
 * MAC), moves DELAY to PROBE and REACHABLE to STALE, frees entries out of
 * solicitations with their frames. Returns the frames dropped. */
typedef void (*tk_nd6_solicit_fn)(void *ctx, const tk_nd6_entry *e, bool unicast);
uint32_t tk_nd6_poll(tk_nd6_cache *c, tk_time now, tk_nd6_solicit_fn solicit, void *ctx);
tk_time tk_nd6_next_deadline(const tk_nd6_cache *c);
uint32_t tk_nd6_queued(const tk_nd6_cache *c);

#endif
