/* What the system-call files of the runner share (syscalls.c, sys_msg.c,
 * sys_poll.c): a call's result, argument access and descriptor lookup. */
#ifndef TK_TOOLS_RUN_SYS_PRIV_H
#define TK_TOOLS_RUN_SYS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner.h"

/* A call's return: 0 (done, result in sys_result), 1 (the script failed),
 * or WOULD_BLOCK (a blocking call that cannot complete yet). */
#define WOULD_BLOCK 2
#define MAX_IO      (1u << 20)

/* What a call returned: ret >= 0, or ret == -1 with err (positive errno). */
typedef struct sys_result {
    long ret;
    int err;
} sys_result;

typedef int (*sys_fn)(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);

/* rc >= 0 as the result, or a negative errno as -1 with that errno. */
int tk_sys_set_errno(sys_result *out, long rc);
/* Argument i, or `...` when the call has fewer. */
const tk_pkt_expr *tk_sys_arg(const tk_pkt_event *ev, size_t i);
bool tk_sys_is_sym(const tk_pkt_expr *e, const char *name);
int tk_sys_int_arg(tk_run *r, const tk_pkt_event *ev, size_t i, int64_t *out);
/* [N]: an int pointer. */
bool tk_sys_int_value(const tk_pkt_expr *e, int64_t *out);
/* Argument 0 as a script socket descriptor: its stack descriptor in *sd, or
 * *sd = -1 with EBADF in *out. */
int tk_sys_fd_arg(tk_run *r, const tk_pkt_event *ev, int *fd, int *sd, sys_result *out);
/* The lowest free script descriptor for stack descriptor sd (or a runner
 * object, TK_RUN_EPOLL_SD), or -EMFILE. */
int tk_sys_new_fd(tk_run *r, int sd);
/* len bytes read (rd) or written with flags; NULL buffers give -EFAULT. */
long tk_sys_do_io(tk_run *r, int sd, bool rd, bool null_buf, size_t len, int flags);

/* recvmsg/sendmsg(fd, {msg_name(...)=..., msg_iov(N)=[{..., LEN}...],
 * msg_flags=F}, FLAGS) and readv/writev(fd, [{..., LEN}...], N) (sys_msg.c). */
int tk_sys_msg(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
int tk_sys_vec(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
/* poll and epoll (sys_poll.c). */
int tk_sys_poll(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
int tk_sys_epoll_create(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
int tk_sys_epoll_ctl(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
int tk_sys_epoll_wait(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out);
/* Linux's POLL* bits now true for script descriptor fd (POLLNVAL when it
 * is no socket). */
uint32_t tk_sys_ready_bits(tk_run *r, int64_t fd);
/* A call with a timeout in ms (-1: none) and `ready` descriptors ready:
 * WOULD_BLOCK to wait (the deadline goes to r->block_deadline), 0 to
 * return now (something ready, no timeout, or the deadline passed). */
int tk_sys_wait_or_return(tk_run *r, bool retry, int64_t timeout_ms, int ready);
/* getsockopt(fd, IPPROTO_TCP, TCP_INFO, {tcpi_X=N, ...}, LEN): each named
 * field compared (sys_tcp_info.c). */
int tk_sys_tcp_info(tk_run *r, const tk_pkt_event *ev, int sd, sys_result *out);
/* close() of an epoll descriptor: 0 when fd was one (closed), else -1. */
int tk_sys_epoll_close(tk_run *r, int fd);

#endif
