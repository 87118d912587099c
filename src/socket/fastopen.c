/* sendto() with MSG_FASTOPEN (SPEC OP-8, RFC 7413): connect and hand over
 * the first data at once, so that it can ride in the SYN. */
#include <errno.h>

#include "socket/fd.h"
#include "tcp/state.h"
#include "tcpkit/socket.h"

long tk_send_fastopen(tk_stack *s, int sd, const tk_sockaddr *addr, const void *buf, size_t len) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL)
        return -EBADF;
    if (!TK_WITH_FASTOPEN || !(s->cfg.fastopen & TK_FASTOPEN_CLIENT))
        return -EOPNOTSUPP;
    if (buf == NULL && len > 0)
        return -EFAULT;
    int rc = tk_connect(s, sd, addr);
    if (rc != -EINPROGRESS)
        return rc;
    uint32_t want = len > 0x7fffffffu ? 0x7fffffffu : (uint32_t)len;
    uint32_t n = tk_fastopen_connect(s, tp, want);
    if (n == 0)
        return -EINPROGRESS; /* no cookie yet: the SYN asks for one */
    n = tk_chunkq_write(&s->chunks, &tp->sndq, buf, n);
    tk_cold(tp)->fo_syn_len = (uint16_t)n;
    return n > 0 ? (long)n : -EINPROGRESS;
}
