/* A byte ring buffer over caller memory. Used for send and receive buffers.
 * Out-of-order data is written past the committed end with write_at and
 * becomes readable with commit (the reassembly tracker says how much). */
#ifndef TK_BASE_RING_H
#define TK_BASE_RING_H

#include <stdint.h>

typedef struct tk_ring {
    uint8_t *buf;
    uint32_t cap;
    uint32_t head; /* index of the first committed byte */
    uint32_t len;  /* committed bytes */
} tk_ring;

void tk_ring_init(tk_ring *r, uint8_t *buf, uint32_t cap);
static inline uint32_t tk_ring_len(const tk_ring *r) {
    return r->len;
}
static inline uint32_t tk_ring_free(const tk_ring *r) {
    return r->cap - r->len;
}
/* Appends up to len bytes; returns how many fit. */
uint32_t tk_ring_write(tk_ring *r, const void *data, uint32_t len);
/* Copies up to len bytes starting `off` bytes after the head, without
 * consuming; returns bytes copied. */
uint32_t tk_ring_peek(const tk_ring *r, uint32_t off, void *out, uint32_t len);
/* Copies and consumes up to len bytes; returns bytes read. */
uint32_t tk_ring_read(tk_ring *r, void *out, uint32_t len);
/* Consumes up to len bytes without copying; returns bytes dropped. */
uint32_t tk_ring_drop(tk_ring *r, uint32_t len);
/* Writes bytes `off` bytes past the committed end without committing them;
 * returns bytes written (clipped to the free space). */
uint32_t tk_ring_write_at(tk_ring *r, uint32_t off, const void *data, uint32_t len);
/* Makes n more bytes (already written with write_at at offset 0..n) readable. */
void tk_ring_commit(tk_ring *r, uint32_t n);

#endif
