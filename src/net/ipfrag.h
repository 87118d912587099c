/* Fragment reassembly within a fixed budget (RFC 791 3.2, RFC 815, RFC 8200
 * 4.5): a few slots, each holding one datagram of at most max_bytes, with a
 * bitmap of the 8-byte blocks received. Whatever does not fit is dropped and
 * counted by the caller (SPEC NET-1, SEC-5); a new datagram finding every
 * slot taken evicts an old one (SEC-12). The engine knows a datagram by a
 * key of bytes, its source address first: IPv4 (src, dst, id, protocol)
 * here, IPv6 (src, dst, 32-bit id) in net/ip6frag.c with a table of its
 * own, so an IPv4 slot does not grow for IPv6. */
#ifndef TK_NET_IPFRAG_H
#define TK_NET_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/types.h"
#include "tcpkit/wire/ipv4.h"

typedef struct tk_ipfrag_slot {
    bool used;
    uint8_t ecn_seen; /* bit (1 << ECN field) of every fragment received */
    uint32_t total;   /* payload length once the last fragment arrived, else 0 */
    uint32_t have;    /* payload bytes received (overlaps counted once) */
    uint32_t max_end; /* highest payload offset seen */
    tk_time expires;
    uint8_t *data;   /* max_bytes, behind the table's headroom */
    uint8_t *bitmap; /* one bit per 8-byte block */
} tk_ipfrag_slot;

typedef struct tk_ipfrag {
    tk_ipfrag_slot *slots;
    uint8_t *keys; /* n keys of key_len bytes, in slot order */
    uint32_t n;
    uint32_t max_bytes;
    tk_time timeout;
    uint8_t key_len, src_len; /* the key, and its leading source address */
    uint16_t headroom;        /* bytes the caller may use in front of a slot's data */
    bool overlap_drops;       /* RFC 5722: an overlap abandons the datagram */
    uint8_t ecn;              /* ECN field of the datagram last completed (RFC 3168 5.3) */
    uint32_t evicted;         /* datagrams the last add evicted (SEC-12) */
} tk_ipfrag;

/* A table's shape. */
typedef struct tk_ipfrag_shape {
    uint32_t slots, max_bytes;
    tk_time timeout;
    uint8_t key_len, src_len;
    uint16_t headroom; /* a multiple of 8 */
    bool overlap_drops;
} tk_ipfrag_shape;

/* One fragment: its datagram's key, its place in the payload, its bytes. */
typedef struct tk_ipfrag_piece {
    const uint8_t *key;
    const uint8_t *data;
    uint32_t off, len;
    bool more;   /* more fragments follow */
    uint8_t ecn; /* its ECN field */
} tk_ipfrag_piece;

/* Where a piece went: its slot, whether that slot was taken for it, and the
 * datagrams abandoned on their timeout meanwhile. */
typedef struct tk_ipfrag_where {
    uint32_t ix;
    bool fresh;
    uint32_t timed_out;
} tk_ipfrag_where;

/* Outcomes of tk_ipfrag_add and tk_ipfrag_input. */
#define TK_IPFRAG_HELD     0 /* kept, datagram not complete yet */
#define TK_IPFRAG_COMPLETE 1 /* *out / *out_len hold the whole payload */
#define TK_IPFRAG_DUP      2 /* overlap_drops: an exact copy of bytes held, ignored */

struct tk_net;

size_t tk_ipfrag_shape_mem_size(const tk_ipfrag_shape *sh);
void tk_ipfrag_shape_init(tk_ipfrag *f, void *mem, const tk_ipfrag_shape *sh);

/* Adds one piece. Returns TK_IPFRAG_HELD, TK_IPFRAG_COMPLETE (the slot
 * w->ix is free again, but its bytes stay intact until the next call, which
 * is long enough for synchronous dispatch; its total is the datagram's
 * length and f->ecn its ECN field: CE when a fragment had CE, RFC 3168 5.3),
 * TK_IPFRAG_DUP, or -ENOBUFS (no slot at all, or the datagram exceeds the
 * budget: the whole datagram is dropped), -EINVAL (a fragment that is empty,
 * not 8-byte aligned, contradicts the known length, or a CE fragment with a
 * Not-ECT one, which RFC 3168 5.3 does not allow to reassemble), -EEXIST
 * (overlap_drops: it overlaps bytes held otherwise; the datagram is
 * dropped). f->evicted gets the number evicted to make room: when every slot
 * is taken, the oldest datagram of a source holding more than half of the
 * slots, else the oldest of all. */
int tk_ipfrag_add(tk_ipfrag *f, const tk_ipfrag_piece *pc, tk_time now, tk_ipfrag_where *w);

/* Abandons the datagrams whose time is up, calling before_free (if not
 * NULL) with each slot's index first; returns how many. */
uint32_t tk_ipfrag_expire(tk_ipfrag *f, tk_time now, void (*before_free)(void *ctx, uint32_t ix),
                          void *ctx);
/* When the first datagram held times out (TK_TIME_NEVER: none held). */
tk_time tk_ipfrag_deadline(const tk_ipfrag *f);

/* IPv4: the table of tk_config's ipfrag_* settings. */
size_t tk_ipfrag_mem_size(const tk_config *cfg);
void tk_ipfrag_init(tk_ipfrag *f, void *mem, const tk_config *cfg);

/* Adds one IPv4 fragment (h parsed, payload = its data): tk_ipfrag_add's
 * outcomes but TK_IPFRAG_DUP and -EEXIST (overlapping bytes: the first copy
 * wins). On TK_IPFRAG_COMPLETE, *out / *out_len are the payload.
 * *timed_out gets the number of datagrams abandoned on their timeout
 * meanwhile (they expire lazily, when a fragment comes). */
int tk_ipfrag_input(tk_ipfrag *f, const tk_ipv4_hdr *h, const uint8_t *payload, size_t len,
                    tk_time now, const uint8_t **out, size_t *out_len, uint32_t *timed_out);

/* The stack's use of it: a fragment in, and when the datagram is complete,
 * *payload / *len point at it, h's ECN field becomes the datagram's and 1 is
 * returned; 0 when held, or a negative code when dropped (counted in
 * drop_ip_fragment). */
int tk_net_defrag(struct tk_net *net, tk_ipv4_hdr *h, const uint8_t **payload, size_t *len,
                  tk_time now);

/* Datagrams in progress. */
uint32_t tk_ipfrag_pending(const tk_ipfrag *f);

#endif
