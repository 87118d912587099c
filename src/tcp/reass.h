/* Out-of-order reassembly tracker (SPEC DT-8, OP-3). The bytes themselves are
 * written into the receive ring past its committed end (tk_chunkq_write_at);
 * this structure only records which ranges beyond RCV.NXT are present, so the
 * memory used is bounded by the receive buffer plus a range table sized by
 * it. */
#ifndef TK_TCP_REASS_H
#define TK_TCP_REASS_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/opts.h" /* TK_REASS_MAX_RANGES */
#include "tcpkit/wire/tcp.h"

_Static_assert(TK_REASS_MAX_RANGES >= 4 && TK_REASS_MAX_RANGES <= 255,
               "recent holds range indices in a byte; SACK needs a few");

typedef struct tk_reass_range {
    uint32_t start; /* offset from RCV.NXT */
    uint32_t end;   /* one past the last byte */
} tk_reass_range;

/* A tracker holds `cap` ranges, sized for the receive buffer
 * (tk_reass_cap_for), so a stack of small buffers does not pay for the
 * holes only a large window can have. */
typedef struct tk_reass {
    uint16_t count;
    uint16_t cap;
    /* cap ranges, sorted, disjoint, non-adjacent; then cap bytes: the ranges
     * in the order they were last extended, most recent first (indices into
     * r[]), the order SACK blocks are reported in (RFC 2018 4). */
    tk_reass_range r[];
} tk_reass;

/* The ranges by last change, newest first (count indices into r[]). */
static inline const uint8_t *tk_reass_recent(const tk_reass *a) {
    return (const uint8_t *)(const void *)(a->r + a->cap);
}

/* Ranges for a receive buffer of rcvbuf bytes: one per KiB (a sender of
 * 536-byte segments losing every other one opens that many holes), at
 * least 8 and at most TK_REASS_MAX_RANGES. */
uint32_t tk_reass_cap_for(uint32_t rcvbuf);
/* Bytes of a tracker of cap ranges (a multiple of 8). */
size_t tk_reass_size(uint32_t cap);
/* Bytes of a tracker for a receive buffer of rcvbuf bytes: the pool's
 * object size. */
static inline size_t tk_reass_size_for(uint32_t rcvbuf) {
    return tk_reass_size(tk_reass_cap_for(rcvbuf));
}
/* An empty tracker of cap ranges in tk_reass_size(cap) bytes at a. */
void tk_reass_init(tk_reass *a, uint32_t cap);
/* Records bytes [off, off + len) beyond RCV.NXT (off > 0). Overlaps merge.
 * Returns 0, or -ENOBUFS when a new range would not fit (caller drops the
 * segment and counts it). */
int tk_reass_add(tk_reass *a, uint32_t off, uint32_t len);
/* n in-order bytes arrived at offset 0 (RCV.NXT advances by n). Returns the
 * total bytes now contiguous from the old RCV.NXT (n plus any range that
 * starts at or before n) and rebases the remaining ranges. */
uint32_t tk_reass_advance(tk_reass *a, uint32_t n);
/* Bytes held out of order. */
uint32_t tk_reass_bytes(const tk_reass *a);
/* Writes up to max SACK blocks (absolute sequence numbers from rcv_nxt), the
 * most recently changed range first. Returns the number written. */
uint32_t tk_reass_sack(const tk_reass *a, uint32_t rcv_nxt, tk_sack_block *out, uint32_t max);

#endif
