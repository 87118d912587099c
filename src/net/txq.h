/* The transmit backlog: frames the driver's output answered busy for
 * (its ring or FIFO full), kept in order and offered again at the next
 * poll. Fixed slots of one frame each, carved from the stack's block; a
 * backlog of one frame needs no slot: the frame waits where it was built,
 * in the stack's output buffer (tk_txq_init_in_place), until the next
 * frame is about to be built there (net/link.c, tk_net_frame_begin). */
#ifndef TK_NET_TXQ_H
#define TK_NET_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/link.h"
#include "tcpkit/types.h"

typedef struct tk_txq {
    uint8_t *mem; /* in place: the output buffer itself */
    uint32_t cap, head, count;
    uint32_t frame_cap;
    tk_time retry_at; /* when the head is offered again at the latest */
    bool in_place;
    uint32_t len;  /* in place: the waiting frame's length */
    tk_link_tx tx; /* in place: its offload requests */
} tk_txq;

size_t tk_txq_mem_size(uint32_t frames, uint32_t frame_cap);
void tk_txq_init(tk_txq *q, void *mem, uint32_t frames, uint32_t frame_cap);
/* A backlog of one frame that waits in buf (the output buffer, frame_cap
 * bytes): tk_txq_mem_size(1, ...) is then not needed. */
void tk_txq_init_in_place(tk_txq *q, uint8_t *buf, uint32_t frame_cap);
/* Appends a copy with its offload requests (in place: copied into the
 * buffer unless it is already there); false when full (or the frame is
 * too big). */
bool tk_txq_push(tk_txq *q, const uint8_t *frame, size_t len, const tk_link_tx *tx);
/* The oldest frame, its length and offload requests; NULL when empty. */
const uint8_t *tk_txq_head(const tk_txq *q, size_t *len, tk_link_tx *tx);
void tk_txq_pop(tk_txq *q);

#endif
