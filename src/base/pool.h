/* Fixed-size object pools and an arena that carves them from one block
 * (SPEC SEC-5: every resource is bounded by configuration). */
#ifndef TK_BASE_POOL_H
#define TK_BASE_POOL_H

#include <stddef.h>
#include <stdint.h>

/* Bump allocator over the embedder's memory block; never frees. */
typedef struct tk_arena {
    uint8_t *base;
    size_t len;
    size_t off;
} tk_arena;

void tk_arena_init(tk_arena *a, void *mem, size_t len);
/* Returns zeroed memory aligned to `align` (a power of two), or NULL. */
void *tk_arena_alloc(tk_arena *a, size_t size, size_t align);
/* The same without zeroing: for pools, whose memory is then touched only as
 * objects are first used (and, from mmap, becomes resident only then). */
void *tk_arena_alloc_raw(tk_arena *a, size_t size, size_t align);
/* Bytes an arena needs for these allocations, for sizing the block. */
size_t tk_arena_need(size_t size, size_t align);

typedef struct tk_pool {
    uint8_t *mem;
    uint32_t obj_size; /* rounded up to 8 */
    uint32_t cap;
    uint32_t used;
    uint32_t peak;
    uint32_t failures; /* allocations refused because the pool was empty */
    uint32_t fresh;    /* objects [fresh, cap) were never handed out (untouched) */
    void *free_list;
} tk_pool;

/* Bytes of memory for `count` objects of `obj_size`. */
size_t tk_pool_mem_size(uint32_t obj_size, uint32_t count);
void tk_pool_init(tk_pool *p, void *mem, uint32_t obj_size, uint32_t count);
/* Returns a zeroed object or NULL when exhausted (counted in failures). */
void *tk_pool_alloc(tk_pool *p);
void tk_pool_free(tk_pool *p, void *obj);
/* Index of an object in 0..cap-1, and the object at an index (NULL for an
 * index never handed out: its memory holds nothing yet). */
uint32_t tk_pool_index(const tk_pool *p, const void *obj);
void *tk_pool_at(const tk_pool *p, uint32_t index);

#endif
