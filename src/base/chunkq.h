/* Byte queues over a shared pool of fixed-size chunks.
 *
 * Every connection's send and receive buffer is a tk_chunkq: a list of
 * chunks taken from one tk_chunk_pool when data is queued and returned as
 * soon as it is consumed, so memory follows live data instead of being
 * reserved per socket. The pool hands out chunks it never used before only
 * when its free list is empty, so the memory of chunks never used is never
 * touched (and, with memory from mmap, never resident).
 *
 * A queue holds `len` committed bytes from its head, and may hold bytes
 * written past the committed end (out-of-order data, tk_chunkq_write_at)
 * until tk_chunkq_commit makes them part of it. `cap` bounds committed plus
 * pending bytes, as SO_RCVBUF / SO_SNDBUF do.
 *
 * Reservations: a receive queue promises window to its peer, so it reserves
 * chunks for it (tk_chunkq_back) before the window is advertised; reserved
 * chunks stay free in the pool but nobody else may take them, so data that
 * arrives within an advertised window always finds room (RFC 9293 3.8.6:
 * the window is a promise). A take without a reservation only gets chunks
 * that nobody reserved.
 *
 * Sends and receives never starve each other: send queues together hold
 * at most three quarters of the pool, and windows reserve no chunk that
 * sends could still take within that share, up to a quarter of the pool.
 * So a receive window of at least a quarter of the pool can always open
 * once the application reads, and a send always finds a chunk once its
 * data is acknowledged: two ends that both send cannot wait for each other
 * forever. */
#ifndef TK_BASE_CHUNKQ_H
#define TK_BASE_CHUNKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_CHUNK_NIL      UINT32_MAX
#define TK_CHUNK_MIN      64u    /* smallest chunk size */
#define TK_CHUNK_MAX      32768u /* largest chunk size (hoff is 16 bits) */
#define TK_CHUNKQ_MAX_CNT 65535u /* chunks one queue may hold */

typedef struct tk_chunk_pool {
    uint8_t *mem;       /* cap chunks of `size` bytes */
    uint32_t *next;     /* per chunk: next chunk of its queue, or of the free list */
    uint32_t size;      /* bytes per chunk, a power of two */
    uint32_t shift;     /* log2(size) */
    uint32_t cap;       /* chunks */
    uint32_t fresh;     /* chunks [fresh, cap) were never handed out */
    uint32_t free_head; /* returned chunks, the most recently returned first */
    uint32_t used;      /* chunks in queues */
    uint32_t reserved;  /* free chunks promised to queues (tk_chunkq_back) */
    uint32_t snd_used;  /* chunks in send queues */
    uint32_t peak;      /* highest `used` */
    uint32_t failures;  /* takes refused: no unreserved chunk was free */
} tk_chunk_pool;

typedef struct tk_chunkq {
    uint32_t head, tail; /* first and last chunk; TK_CHUNK_NIL when none */
    uint32_t len;        /* committed bytes */
    uint32_t cap;        /* limit on committed + pending bytes */
    uint32_t resv;       /* chunks reserved in the pool for this queue */
    uint32_t cur;        /* cursor: a chunk of the queue, or TK_CHUNK_NIL */
    uint16_t hoff;       /* offset of the first committed byte in head */
    uint16_t held;       /* chunks in the list */
    uint16_t cur_k;      /* position of cur in the list (head = 0) */
    uint8_t send;        /* a send queue: counted in snd_used, never reserves */
} tk_chunkq;

/* Bytes of chunk memory and of link memory for `count` chunks of `size`. */
size_t tk_chunk_pool_data_size(uint32_t size, uint32_t count);
size_t tk_chunk_pool_link_size(uint32_t count);
/* size must be a power of two (TK_CHUNK_MIN..TK_CHUNK_MAX). The memory is
 * not touched here: chunks are used in order of need. */
void tk_chunk_pool_init(tk_chunk_pool *p, void *data, uint32_t *links, uint32_t size,
                        uint32_t count);
/* Chunks neither in a queue nor reserved. */
static inline uint32_t tk_chunk_pool_available(const tk_chunk_pool *p) {
    return p->cap - p->used - p->reserved;
}
/* Bytes a receive window could reserve now (what a window may offer before
 * its queue exists, as a syncache SYN-ACK does). */
uint64_t tk_chunk_pool_reservable(const tk_chunk_pool *p);

/* An empty queue of at most cap bytes; `send` for a send queue. */
void tk_chunkq_init(tk_chunkq *q, uint32_t cap, bool send);
/* Changes the limit, never below the committed bytes. Pending bytes past
 * a lowered limit stay until they are dropped with the queue. */
void tk_chunkq_set_cap(tk_chunkq *q, uint32_t cap);
/* Returns every chunk and reservation to the pool; the queue is empty. */
void tk_chunkq_release(tk_chunk_pool *p, tk_chunkq *q);
static inline uint32_t tk_chunkq_len(const tk_chunkq *q) {
    return q->len;
}
/* Room left under the limit (chunks permitting). */
static inline uint32_t tk_chunkq_free(const tk_chunkq *q) {
    return q->cap - q->len;
}
/* Appends up to n bytes; fewer when the limit or the pool runs out. */
uint32_t tk_chunkq_write(tk_chunk_pool *p, tk_chunkq *q, const void *data, uint32_t n);
/* Writes up to n bytes `off` bytes past the committed end, without
 * committing them. Returns the bytes written from the start of data. */
uint32_t tk_chunkq_write_at(tk_chunk_pool *p, tk_chunkq *q, uint32_t off, const void *data,
                            uint32_t n);
/* Makes n pending bytes committed (clipped to what was written). */
void tk_chunkq_commit(const tk_chunk_pool *p, tk_chunkq *q, uint32_t n);
/* Copies up to n committed bytes from `off` without consuming them. */
uint32_t tk_chunkq_peek(const tk_chunk_pool *p, tk_chunkq *q, uint32_t off, void *out, uint32_t n);
/* Consumes up to n committed bytes; chunks emptied go back to the pool,
 * and a send queue (which never holds pending bytes) emptied returns all. */
uint32_t tk_chunkq_drop(tk_chunk_pool *p, tk_chunkq *q, uint32_t n);
uint32_t tk_chunkq_read(tk_chunk_pool *p, tk_chunkq *q, void *out, uint32_t n);
/* Returns the chunks past the last committed byte (all of them when the
 * queue is empty). Only for a queue the caller knows holds no pending
 * bytes: the queue itself cannot tell a hole from the end. */
void tk_chunkq_shrink(tk_chunk_pool *p, tk_chunkq *q);
/* One contiguous piece of queue memory (zero-copy access). */
typedef struct tk_chunk_span {
    uint8_t *data;
    uint32_t len;
} tk_chunk_span;

/* Takes chunks so that up to n bytes past the committed end are stored
 * room (limit and pool permitting); returns that room (<= n). The bytes
 * are not committed: write them through tk_chunkq_spans, then
 * tk_chunkq_commit. */
uint32_t tk_chunkq_prepare(tk_chunk_pool *p, tk_chunkq *q, uint32_t n);
/* Stored room past the committed end under the limit, taking nothing (what
 * tk_chunkq_prepare left and a commit may still claim). */
uint32_t tk_chunkq_room(const tk_chunk_pool *p, const tk_chunkq *q);
/* Fills at most max spans with the memory of queue bytes [off, off + n)
 * (from the committed start; all must lie in held chunks) and returns how
 * many it filled; fewer spans than needed cover a prefix. */
uint32_t tk_chunkq_spans(const tk_chunk_pool *p, tk_chunkq *q, uint32_t off, uint32_t n,
                         tk_chunk_span *out, uint32_t max);

/* Makes bytes [0, end) of the queue (from its committed start) writable
 * without a take that could fail, reserving chunks as needed, and returns
 * how far that holds (<= end). Reserved chunks beyond `end` are given back:
 * end must cover every byte already promised. */
uint32_t tk_chunkq_back(tk_chunk_pool *p, tk_chunkq *q, uint32_t end);

#endif
