/* Zero-copy send and receive (SPEC API-4): spans of the socket's chunk
 * queues handed to the application (tcpkit/zerocopy.h). */
#include <errno.h>

#include "socket/fd.h"
#include "tcp/state.h"
#include "tcpkit/zerocopy.h"

#define TK_ZC_MAX_SPANS 64u

/* Spans of queue bytes [off, off + n) into iov; the count filled. */
static int fill_iov(tk_stack *s, tk_chunkq *q, uint32_t off, uint32_t n, tk_iov *iov, int iovcnt) {
    tk_chunk_span span[TK_ZC_MAX_SPANS];
    uint32_t max = (uint32_t)iovcnt < TK_ZC_MAX_SPANS ? (uint32_t)iovcnt : TK_ZC_MAX_SPANS;
    uint32_t k = tk_chunkq_spans(&s->chunks, q, off, n, span, max);
    for (uint32_t i = 0; i < k; i++) {
        iov[i].base = span[i].data;
        iov[i].len = span[i].len;
    }
    return (int)k;
}

static uint32_t clip(size_t len) {
    return len > 0x7fffffffu ? 0x7fffffffu : (uint32_t)len;
}

int tk_send_reserve(tk_stack *s, int sd, size_t len, tk_iov *iov, int iovcnt) {
    tk_tcb *tp;
    int err = tk_sock_send_begin(s, sd, &tp);
    if (err == 0 && (iov == NULL || iovcnt <= 0))
        err = -EINVAL;
    if (err != 0)
        return err;
    if (len == 0)
        return 0;
    uint32_t want = clip(len);
    uint32_t room = tk_chunkq_prepare(&s->chunks, &tp->sndq, want);
    if (room < want && tk_chunkq_free(&tp->sndq) > room)
        s->stats.snd_pool_empty++; /* the buffer pool, not SO_SNDBUF, stopped it */
    if (room == 0)
        return -EAGAIN;
    return fill_iov(s, &tp->sndq, tk_chunkq_len(&tp->sndq), room, iov, iovcnt);
}

long tk_send_commit(tk_stack *s, int sd, size_t len) {
    tk_tcb *tp;
    int err = tk_sock_send_begin(s, sd, &tp);
    if (err != 0)
        return err;
    tk_chunkq *q = &tp->sndq;
    /* What a reservation can hold: stored room past the end, under the limit. */
    if (len > tk_chunkq_room(&s->chunks, q))
        return -EINVAL;
    tk_chunkq_commit(&s->chunks, q, (uint32_t)len);
    tk_chunkq_shrink(&s->chunks, q); /* the unused rest of the reservation */
    if (len > 0)
        tk_tcb_mark_pending(s, tp);
    return (long)len;
}

int tk_recv_peek(tk_stack *s, int sd, tk_iov *iov, int iovcnt) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (iov == NULL || iovcnt <= 0)
        return -EINVAL;
    uint32_t avail = tk_chunkq_len(&tp->rcvq);
    if (avail == 0)
        return (int)tk_sock_read_empty(tp);
    return fill_iov(s, &tp->rcvq, 0, avail, iov, iovcnt);
}

long tk_recv_consume(tk_stack *s, int sd, size_t len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (len > tk_chunkq_len(&tp->rcvq))
        return -EINVAL;
    if (len == 0)
        return 0;
    (void)tk_chunkq_drop(&s->chunks, &tp->rcvq, (uint32_t)len);
    tk_sock_read_done(s, tp);
    return (long)len;
}
