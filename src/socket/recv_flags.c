/* recv() with Linux's flags and the queue sizes ioctl(FIONREAD/SIOCINQ,
 * SIOCOUTQ) reports (SPEC API-6). tcpkit's calls never block, so
 * MSG_WAITALL means "not until the whole request can be met". */
#include <errno.h>

#include "socket/fd.h"
#include "tcp/state.h"
#include "tcpkit/socket.h"

/* More bytes may still arrive: no error, no end of stream, and a state in
 * which the peer can send. */
static bool stream_open(const tk_tcb *tp) {
    if (tk_cold(tp)->so_error != 0 || (tp->flags & (TK_TF_FIN_RCVD | TK_TF_SHUT_RD)))
        return false;
    return tk_tcb_peer_may_send(tp);
}

bool tk_sock_rcv_short(const tk_tcb *tp, uint32_t want) {
    uint32_t lowat = tk_cold(tp)->opts.rcvlowat;
    uint32_t need = want < lowat ? want : lowat;
    return tk_chunkq_len(&tp->rcvq) < need && stream_open(tp);
}

long tk_recv_flags(tk_stack *s, int sd, void *buf, size_t len, int flags) {
    if (flags & ~(TK_MSG_PEEK | TK_MSG_WAITALL | TK_MSG_DONTWAIT))
        return -EOPNOTSUPP;
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (buf == NULL && len > 0)
        return -EFAULT;
    uint32_t avail = tk_chunkq_len(&tp->rcvq);
    uint32_t want = len > 0x7fffffffu ? 0x7fffffffu : (uint32_t)len;
    if ((flags & TK_MSG_WAITALL) && avail < want && stream_open(tp))
        return -EAGAIN;
    if (avail > 0 && tk_sock_rcv_short(tp, want))
        return -EAGAIN; /* SO_RCVLOWAT */
    if ((flags & TK_MSG_PEEK) && avail > 0)
        return (long)tk_chunkq_peek(&s->chunks, &tp->rcvq, 0, buf, want);
    /* Without data a peek answers as a read would: error, EOF or EAGAIN. */
    return tk_recv(s, sd, buf, len);
}

long tk_inq(tk_stack *s, int sd) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (tp->state == TK_TCP_LISTEN)
        return -EINVAL;
    return (long)tk_chunkq_len(&tp->rcvq);
}

long tk_outq(tk_stack *s, int sd) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (tp->state == TK_TCP_LISTEN)
        return -EINVAL;
    return (long)tk_chunkq_len(&tp->sndq);
}
