/* Zero-copy sending and receiving (SPEC API-4): the application writes
 * straight into the socket's send buffer and reads straight out of its
 * receive buffer, so a payload byte is copied once between the frame and
 * the application's own processing instead of twice. The copy calls
 * (tk_send, tk_recv) stay and may be mixed with these.
 *
 * Spans point into the stack's buffer memory. They are valid until the
 * next call into the same stack (any tk_* call taking it, including
 * tk_stack_input and tk_stack_poll): reserve, write and commit (or peek,
 * read and consume) without feeding the stack in between. */
#ifndef TCPKIT_ZEROCOPY_H
#define TCPKIT_ZEROCOPY_H

#include <stddef.h>

#include "stack.h"

/* One piece of buffer memory. */
typedef struct tk_iov {
    void *base;
    size_t len;
} tk_iov;

/* Reserves up to len bytes of send-buffer space and describes it in at most
 * iovcnt spans (the buffer is a list of chunks, so space may come in
 * pieces). Returns the number of spans filled (their lengths add up to the
 * bytes reserved, possibly fewer than len), 0 for len 0, -EAGAIN when the
 * send buffer or the buffer pool has no room, -EINVAL without spans, and
 * the errors of tk_send (-EBADF, -EPIPE, -ENOTCONN, a pending error).
 * Nothing is sent until tk_send_commit. */
int tk_send_reserve(tk_stack *s, int sd, size_t len, tk_iov *iov, int iovcnt);
/* Appends the first len bytes written into the reserved spans to the stream,
 * as tk_send of them would, and gives back the rest of the reservation.
 * Returns len, -EINVAL when len exceeds the space reserved, or tk_send's
 * errors. */
long tk_send_commit(tk_stack *s, int sd, size_t len);

/* Describes the readable bytes in at most iovcnt spans without consuming
 * them. Returns the number of spans filled; without data it answers as
 * tk_recv does: 0 at end of stream, -EAGAIN while more may come, a pending
 * error, -ENOTCONN; -EBADF, and -EINVAL without spans. */
int tk_recv_peek(tk_stack *s, int sd, tk_iov *iov, int iovcnt);
/* Consumes len readable bytes, as tk_recv of them would (the window opens
 * and a window update is sent when due). Returns len, -EINVAL when fewer
 * are readable, -EBADF. */
long tk_recv_consume(tk_stack *s, int sd, size_t len);

#endif
