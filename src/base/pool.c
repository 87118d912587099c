/* Fixed-size object pools with an intrusive free list, and a bump arena.
 *
 * A free object holds the free-list link in its first word and, when the
 * object has room, a marker in its second word. tk_pool_free uses the marker
 * to recognise a double free (a programming error): the marker alone could be
 * caller data, so a hit is confirmed by walking the free list, and a confirmed
 * double free is ignored so that the pool stays consistent. Pointers that are
 * not objects of the pool are ignored the same way. Nothing aborts. */
#include "base/pool.h"

#include <stdbool.h>
#include <string.h>

#define POOL_ALIGN     8u
#define POOL_FREE_MARK ((uintptr_t)0x74706672u) /* "tpfr" */

typedef struct pool_free_obj {
    struct pool_free_obj *next;
    uintptr_t mark; /* written only when obj_size >= sizeof(pool_free_obj) */
} pool_free_obj;

static uint32_t pool_round(uint32_t obj_size) {
    if (obj_size < sizeof(void *))
        obj_size = (uint32_t)sizeof(void *);
    return (obj_size + (POOL_ALIGN - 1)) & ~(POOL_ALIGN - 1);
}

static bool pool_has_mark(const tk_pool *p) {
    return p->obj_size >= sizeof(pool_free_obj);
}

static void pool_push_free(tk_pool *p, void *obj) {
    pool_free_obj *f = obj;
    f->next = p->free_list;
    if (pool_has_mark(p))
        f->mark = POOL_FREE_MARK;
    p->free_list = f;
}

size_t tk_pool_mem_size(uint32_t obj_size, uint32_t count) {
    size_t each = pool_round(obj_size);
    if (count != 0 && each > SIZE_MAX / count)
        return SIZE_MAX;
    return each * count;
}

/* mem must be aligned to 8 and hold tk_pool_mem_size(obj_size, count) bytes;
 * obj_size must be below 2^32 - 8. */
void tk_pool_init(tk_pool *p, void *mem, uint32_t obj_size, uint32_t count) {
    p->mem = mem;
    p->obj_size = pool_round(obj_size);
    p->cap = mem ? count : 0;
    p->used = 0;
    p->peak = 0;
    p->failures = 0;
    p->free_list = NULL;
    p->fresh = 0; /* objects are handed out in index order: 0, 1, 2, ... */
}

void *tk_pool_alloc(tk_pool *p) {
    pool_free_obj *f = p->free_list;
    if (f != NULL) {
        p->free_list = f->next;
    } else if (p->fresh < p->cap) {
        f = (pool_free_obj *)(void *)(p->mem + (size_t)p->fresh++ * p->obj_size);
    } else {
        p->failures++;
        return NULL;
    }
    memset(f, 0, p->obj_size);
    p->used++;
    if (p->used > p->peak)
        p->peak = p->used;
    return f;
}

static bool pool_owns(const tk_pool *p, const void *obj) {
    uintptr_t base = (uintptr_t)p->mem;
    uintptr_t at = (uintptr_t)obj;
    if (!obj || at < base)
        return false;
    uintptr_t off = at - base;
    return off / p->obj_size < p->fresh && off % p->obj_size == 0;
}

static bool pool_is_free(const tk_pool *p, const void *obj) {
    if (!pool_has_mark(p) || ((const pool_free_obj *)obj)->mark != POOL_FREE_MARK)
        return false;
    for (const pool_free_obj *f = p->free_list; f; f = f->next)
        if (f == obj)
            return true;
    return false;
}

void tk_pool_free(tk_pool *p, void *obj) {
    if (!pool_owns(p, obj) || pool_is_free(p, obj))
        return;
    pool_push_free(p, obj);
    p->used--;
}

uint32_t tk_pool_index(const tk_pool *p, const void *obj) {
    return (uint32_t)(((uintptr_t)obj - (uintptr_t)p->mem) / p->obj_size);
}

void *tk_pool_at(const tk_pool *p, uint32_t index) {
    if (index >= p->fresh)
        return NULL;
    return p->mem + (size_t)index * p->obj_size;
}

void tk_arena_init(tk_arena *a, void *mem, size_t len) {
    a->base = mem;
    a->len = mem ? len : 0;
    a->off = 0;
}

static bool is_pow2(size_t x) {
    return x != 0 && (x & (x - 1)) == 0;
}

void *tk_arena_alloc_raw(tk_arena *a, size_t size, size_t align) {
    if (!is_pow2(align) || !a->base)
        return NULL;
    size_t room = a->len - a->off;
    size_t pad = (size_t)(0u - (uintptr_t)(a->base + a->off)) & (align - 1);
    if (pad > room || size > room - pad)
        return NULL;
    uint8_t *p = a->base + a->off + pad;
    a->off += pad + size;
    return p;
}

void *tk_arena_alloc(tk_arena *a, size_t size, size_t align) {
    void *p = tk_arena_alloc_raw(a, size, align);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

size_t tk_arena_need(size_t size, size_t align) {
    size_t slack = align > 0 ? align - 1 : 0;
    return size > SIZE_MAX - slack ? SIZE_MAX : size + slack;
}
