/* Scatter/gather calls: recvmsg/sendmsg with packetdrill's msghdr syntax
 * and readv/writev. The runner's buffers are its own, so only the iovec
 * lengths matter: their sum is what is read or written at once. */
#include <errno.h>
#include <string.h>

#include "lib/packetdrill/pkt_sym.h"
#include "sys_priv.h"
#include "tcpkit/socket.h"

/* A struct member by name, or NULL. */
static const tk_pkt_expr *member(const tk_pkt_expr *s, const char *name) {
    for (size_t i = 0; s->kind == TK_PKT_EXPR_STRUCT && i < s->nitems; i++)
        if (s->items[i].name && !strcmp(s->items[i].name, name))
            return &s->items[i];
    return NULL;
}

/* [{..., LEN}, ...]: the sum of the lengths, or -1 when malformed. */
static int64_t iov_total(const tk_pkt_expr *list) {
    if (list == NULL || list->kind != TK_PKT_EXPR_LIST)
        return -1;
    int64_t total = 0;
    for (size_t i = 0; i < list->nitems; i++) {
        const tk_pkt_expr *v = &list->items[i];
        int64_t len;
        if (v->kind != TK_PKT_EXPR_STRUCT || v->nitems != 2 || !tk_pkt_eval(&v->items[1], &len) ||
            len < 0)
            return -1;
        total += len;
    }
    return total > MAX_IO ? -1 : total;
}

static int transfer(tk_run *r, const tk_pkt_event *ev, int fd, int sd, int64_t len, int flags,
                    sys_result *out) {
    bool rd = ev->sys.name[0] == 'r';
    long rc = tk_sys_do_io(r, sd, rd, false, (size_t)len, flags);
    if (rc == -EAGAIN && !r->nonblock[fd] && !(flags & TK_MSG_DONTWAIT))
        return WOULD_BLOCK;
    return tk_sys_set_errno(out, rc);
}

/* recvmsg/sendmsg(fd, {msg_name(...)=..., msg_iov(N)=[{..., LEN}],
 * msg_flags=F[, msg_control=[]]}, FLAGS). tcpkit returns no msg_flags, so
 * an expected non-zero one fails. */
int tk_sys_msg(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd, flags = 0;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    const tk_pkt_expr *m = tk_sys_arg(ev, 1), *ctl = member(m, "msg_control");
    int64_t len = iov_total(member(m, "msg_iov")), want_flags = 0;
    if (len < 0)
        return tk_run_fail(r, ev->line,
                           "%s: expected {msg_name(...)=..., msg_iov(N)=[{..., LEN}],"
                           " msg_flags=F}",
                           ev->sys.name);
    if (ctl && ctl->kind == TK_PKT_EXPR_LIST && ctl->nitems > 0)
        return tk_run_fail(r, ev->line, "%s: control messages are not supported", ev->sys.name);
    const tk_pkt_expr *mf = member(m, "msg_flags");
    if (mf && mf->kind != TK_PKT_EXPR_ELLIPSIS && !tk_pkt_eval(mf, &want_flags))
        return tk_run_fail(r, ev->line, "%s: msg_flags must be a number", ev->sys.name);
    if (tk_run_msg_flags(r, ev, tk_sys_arg(ev, 2), ev->sys.name[0] == 's', &flags))
        return 1;
    int rc = transfer(r, ev, fd, sd, len, flags, out);
    if (rc == 0 && out->ret >= 0 && want_flags != 0)
        return tk_run_mismatch(r, ev->line, "expected msg_flags %lld, got 0",
                               (long long)want_flags);
    return rc;
}

/* readv/writev(fd, [{..., LEN}, ...], N) */
int tk_sys_vec(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    int64_t len = iov_total(tk_sys_arg(ev, 1));
    if (len < 0)
        return tk_run_fail(r, ev->line, "%s: expected [{..., LEN}, ...]", ev->sys.name);
    return transfer(r, ev, fd, sd, len, 0, out);
}
