/* Byte ring buffer over caller memory. Positions are computed without a
 * modulo so any capacity works, including ones that are not a power of two
 * and ones close to 2^32. */
#include "base/ring.h"

#include <string.h>

/* Index of the byte `off` positions after the head (off <= cap). */
static uint32_t ring_pos(const tk_ring *r, uint32_t off) {
    uint32_t to_end = r->cap - r->head;
    return off < to_end ? r->head + off : off - to_end;
}

static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

/* Copies len bytes into the ring starting at absolute index pos. */
static void ring_copy_in(tk_ring *r, uint32_t pos, const uint8_t *src, uint32_t len) {
    uint32_t first = min_u32(len, r->cap - pos);
    memcpy(r->buf + pos, src, first);
    memcpy(r->buf, src + first, len - first);
}

/* Copies len bytes out of the ring starting at absolute index pos. */
static void ring_copy_out(const tk_ring *r, uint32_t pos, uint8_t *dst, uint32_t len) {
    uint32_t first = min_u32(len, r->cap - pos);
    memcpy(dst, r->buf + pos, first);
    memcpy(dst + first, r->buf, len - first);
}

void tk_ring_init(tk_ring *r, uint8_t *buf, uint32_t cap) {
    r->buf = buf;
    r->cap = buf ? cap : 0;
    r->head = 0;
    r->len = 0;
}

uint32_t tk_ring_write(tk_ring *r, const void *data, uint32_t len) {
    uint32_t n = tk_ring_write_at(r, 0, data, len);
    r->len += n;
    return n;
}

uint32_t tk_ring_peek(const tk_ring *r, uint32_t off, void *out, uint32_t len) {
    if (off >= r->len)
        return 0;
    uint32_t n = min_u32(len, r->len - off);
    if (n > 0)
        ring_copy_out(r, ring_pos(r, off), out, n);
    return n;
}

uint32_t tk_ring_read(tk_ring *r, void *out, uint32_t len) {
    uint32_t n = tk_ring_peek(r, 0, out, len);
    return tk_ring_drop(r, n);
}

uint32_t tk_ring_drop(tk_ring *r, uint32_t len) {
    uint32_t n = min_u32(len, r->len);
    /* The head never jumps back to 0 on empty: out-of-order bytes written
     * past the end with write_at must keep their place. */
    r->head = ring_pos(r, n);
    r->len -= n;
    return n;
}

uint32_t tk_ring_write_at(tk_ring *r, uint32_t off, const void *data, uint32_t len) {
    uint32_t space = tk_ring_free(r);
    if (off >= space)
        return 0;
    uint32_t n = min_u32(len, space - off);
    if (n > 0)
        ring_copy_in(r, ring_pos(r, r->len + off), data, n);
    return n;
}

void tk_ring_commit(tk_ring *r, uint32_t n) {
    r->len += min_u32(n, tk_ring_free(r));
}
