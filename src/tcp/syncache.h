/* The syncache (SPEC SEC-2): half-open passive connections kept in compact
 * entries, not in sockets, as FreeBSD's tcp_syncache. A socket is taken only
 * when the handshake completes and the listener's accept queue has room; a
 * SYN flood fills this table, then SYN cookies answer (syncookie.c). */
#ifndef TK_TCP_SYNCACHE_H
#define TK_TCP_SYNCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/addr6.h"
#include "tcpkit/opts.h"
#include "tcpkit/types.h"

/* tk_syn_entry.flags */
#define TK_SC_USED      0x01
#define TK_SC_PEER_WS   0x02 /* the SYN offered window scaling */
#define TK_SC_PEER_SACK 0x04
#define TK_SC_PEER_TS   0x08
#define TK_SC_PEER_MSS  0x10
#define TK_SC_ECN       0x20 /* ECN-setup SYN accepted (RFC 3168 6.1.1) */
#define TK_SC_ACKED     0x40 /* an ACK to an invalid segment went out at last_ack */
#define TK_SC_FO_COOKIE 0x80 /* the SYN-ACK carries a Fast Open cookie (OP-8) */

/* One half-open connection: 72 bytes (a socket is over 1 KiB plus buffers). */
typedef struct tk_syn_entry {
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    uint32_t iss, irs;
    uint32_t ts_recent;  /* the SYN's TSval */
    uint32_t hash_next;  /* chain, or the free list */
    uint32_t listener;   /* TCB index of the listener */
    tk_time deadline;    /* next SYN-ACK retransmission or give-up */
    tk_time born;        /* first SYN-ACK: RTT sample, TCP_KEEPINIT */
    tk_time last_ack;    /* rate limit of ACKs to invalid segments (SEC-8) */
    uint16_t peer_mss;   /* the SYN's MSS option (TK_SC_PEER_MSS) */
    uint16_t peer_win;   /* the SYN's window (never scaled) */
    uint16_t encap;      /* the peer's UDP port; 0: plain TCP */
    uint16_t rcv_win;    /* the window our SYN-ACK offers */
    uint8_t peer_wscale; /* the SYN's shift (TK_SC_PEER_WS) */
    uint8_t rcv_shift;   /* the shift our SYN-ACK offers */
    uint8_t rexmits;     /* SYN-ACK retransmissions so far */
    uint8_t flags;       /* TK_SC_* */
    uint8_t v6;          /* IPv6: laddr/raddr are folds (tcp/addr6.h) */
} tk_syn_entry;

typedef struct tk_syncache {
    tk_syn_entry *e;
    uint32_t *hash;
    uint32_t cap, mask, count, free_head;
    tk_time next; /* earliest deadline of any entry (a lower bound) */
} tk_syncache;

struct tk_stack;
struct tk_tcb;
struct tk_seg;

/* Bytes for n entries and their hash table. */
size_t tk_syncache_mem_size(uint32_t n);
void tk_syncache_init(tk_syncache *c, void *mem, uint32_t n);

/* The entry for a 4-tuple (IPv6: folds, and l6/r6 the addresses), or NULL. */
tk_syn_entry *tk_syncache_lookup(const struct tk_stack *s, uint32_t laddr, uint16_t lport,
                                 uint32_t raddr, uint16_t rport, const uint8_t *l6,
                                 const uint8_t *r6);
#if TK_WITH_IPV6
/* The IPv6 addresses of table entry e; NULL for IPv4. */
const tk_a6pair *tk_syncache_a6(const struct tk_stack *s, const tk_syn_entry *e);
/* A segment's addresses as the local and remote ones into buf; NULL for
 * IPv4 (for entries outside the table: SYN cookies, Fast Open). */
const tk_a6pair *tk_seg_a6(const struct tk_seg *sg, tk_a6pair *buf);
#else
/* IPv6 compiled out: no entry and no segment has IPv6 addresses. */
static inline const tk_a6pair *tk_syncache_a6(const struct tk_stack *s, const tk_syn_entry *e) {
    (void)s, (void)e;
    return (const tk_a6pair *)0;
}
static inline const tk_a6pair *tk_seg_a6(const struct tk_seg *sg, tk_a6pair *buf) {
    (void)sg, (void)buf;
    return (const tk_a6pair *)0;
}
#endif
/* True when a new SYN for lp must be answered with a cookie: the syncache
 * is full, or the socket pool nearly is (a completed handshake would find
 * no socket). */
bool tk_syncache_overflow(const struct tk_stack *s);
/* A SYN for listener lp with no entry: makes one and sends the SYN-ACK.
 * Returns false (nothing done) when there is no room. */
bool tk_syncache_add(struct tk_stack *s, struct tk_tcb *lp, const struct tk_seg *sg, tk_time now);
/* Any other segment for entry e of listener lp (RFC 9293 3.10.7.4 in
 * SYN_RCVD): a valid ACK takes a socket and completes the handshake. */
void tk_syncache_input(struct tk_stack *s, struct tk_tcb *lp, tk_syn_entry *e, struct tk_seg *sg,
                       tk_time now);
/* SYN-ACK retransmissions and give-ups due by now; the next deadline. */
void tk_syncache_poll(struct tk_stack *s, tk_time now);
tk_time tk_syncache_next_deadline(const struct tk_stack *s);
/* RS-9 at tk_stack_destroy: a RST to every half-open peer. */
void tk_syncache_abort_all(struct tk_stack *s, tk_time now);
/* Drops every entry of listener index (it closed). */
void tk_syncache_flush(struct tk_stack *s, uint32_t listener);

/* The SYN-ACK for e (a syncache entry, or the stateless one of a SYN
 * cookie) from listener lp, with TSval tsval; rexmit counts it as a
 * retransmission. */
void tk_syncache_send_synack(struct tk_stack *s, const struct tk_tcb *lp, const tk_syn_entry *e,
                             const tk_a6pair *a6, uint32_t tsval, bool rexmit, tk_time now);
/* Fills e from a SYN to listener lp (everything but iss, times, rexmits). */
void tk_syncache_fill(struct tk_stack *s, const struct tk_tcb *lp, const struct tk_seg *sg,
                      tk_syn_entry *e);
/* Sets e's rcv_shift and rcv_win from its flags and the listener's buffer:
 * what a socket in SYN_RCVD would offer. */
void tk_syncache_window(const struct tk_stack *s, const struct tk_tcb *lp, tk_syn_entry *e);
/* A socket in SYN_RCVD holding everything e knows, as if it had been there
 * since the SYN (not traced again); NULL when the pool is empty. */
/* What-if (tk_config.sim_two_way_handshake, simulator only): the entry
 * becomes an ESTABLISHED socket right after its SYN-ACK went out. */
void tk_syncache_two_way(struct tk_stack *s, struct tk_tcb *lp, tk_syn_entry *e,
                         const struct tk_seg *sg, tk_time now);
struct tk_tcb *tk_syncache_expand(struct tk_stack *s, struct tk_tcb *lp, const tk_syn_entry *e,
                                  const tk_a6pair *a6, tk_time now);
/* Takes e out of the table; cause (traced SYN_RCVD -> CLOSED) may be NULL
 * when a socket takes over. */
void tk_syncache_remove(struct tk_stack *s, tk_syn_entry *e, const char *cause);

#endif
