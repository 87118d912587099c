/* epoll_create / epoll_ctl / epoll_wait: an interest list per epoll
 * descriptor, level-triggered, answered from the stack's readiness. The
 * epoll descriptor takes a script descriptor number like a socket. */
#include <errno.h>
#include <string.h>

#include "lib/packetdrill/pkt_sym.h"
#include "sys_priv.h"

#define L_EPOLLERR_HUP  0x18u
#define L_EPOLLONESHOT  (1u << 30)
#define L_EPOLLET       (1u << 31)
#define L_EPOLL_CTL_ADD 1
#define L_EPOLL_CTL_DEL 2
#define L_EPOLL_CTL_MOD 3

static tk_run_epoll *epoll_of(tk_run *r, int64_t fd) {
    if (fd < 0 || fd >= TK_RUN_MAX_FDS || r->sd[fd] != TK_RUN_EPOLL_SD)
        return NULL;
    for (int i = 0; i < TK_RUN_MAX_EPOLL; i++)
        if (r->epolls[i].fd == fd)
            return &r->epolls[i];
    return NULL;
}

/* epoll_create(SIZE) = fd, epoll_create1(FLAGS) = fd */
int tk_sys_epoll_create(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    (void)ev;
    for (int i = 0; i < TK_RUN_MAX_EPOLL; i++) {
        if (r->epolls[i].fd >= 0)
            continue;
        int fd = tk_sys_new_fd(r, TK_RUN_EPOLL_SD);
        if (fd >= 0)
            r->epolls[i] = (tk_run_epoll){.fd = fd};
        return tk_sys_set_errno(out, fd);
    }
    return tk_sys_set_errno(out, -ENOMEM);
}

int tk_sys_epoll_close(tk_run *r, int fd) {
    tk_run_epoll *ep = epoll_of(r, fd);
    if (!ep)
        return -1;
    ep->fd = -1;
    r->sd[fd] = -1;
    return 0;
}

/* {events=E, fd=N} / {events=E, u32=N} / u64 / ptr: the events and the
 * data the script will see again. */
static int event_arg(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *e, uint32_t *events,
                     int64_t *data) {
    int64_t v;
    if (e->kind != TK_PKT_EXPR_STRUCT || e->nitems != 2 || !e->items[0].name ||
        strcmp(e->items[0].name, "events") || !tk_pkt_eval(&e->items[0], &v) ||
        !tk_pkt_eval(&e->items[1], data))
        return tk_run_fail(r, ev->line, "%s: expected {events=E, fd=N}", ev->sys.name);
    if ((uint64_t)v & (L_EPOLLET | L_EPOLLONESHOT))
        return tk_run_fail(r, ev->line, "%s: EPOLLET and EPOLLONESHOT are not supported",
                           ev->sys.name);
    *events = (uint32_t)v;
    return 0;
}

static tk_run_epoll_watch *watch_of(tk_run_epoll *ep, int64_t fd) {
    for (int i = 0; i < ep->n; i++)
        if (ep->w[i].fd == fd)
            return &ep->w[i];
    return NULL;
}

/* epoll_ctl(EPFD, EPOLL_CTL_ADD|MOD|DEL, FD, {events=E, fd=N}) */
int tk_sys_epoll_ctl(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int64_t epfd, op, fd, data = 0;
    uint32_t events = 0;
    if (tk_sys_int_arg(r, ev, 0, &epfd) || tk_sys_int_arg(r, ev, 1, &op) ||
        tk_sys_int_arg(r, ev, 2, &fd))
        return 1;
    tk_run_epoll *ep = epoll_of(r, epfd);
    if (!ep || fd < 0 || fd >= TK_RUN_MAX_FDS || r->sd[fd] < 0)
        return tk_sys_set_errno(out, -EBADF);
    if (op != L_EPOLL_CTL_DEL && event_arg(r, ev, tk_sys_arg(ev, 3), &events, &data))
        return 1;
    tk_run_epoll_watch *w = watch_of(ep, fd);
    if (op == L_EPOLL_CTL_ADD) {
        if (w)
            return tk_sys_set_errno(out, -EEXIST);
        if (ep->n == TK_RUN_EPOLL_WATCHES)
            return tk_sys_set_errno(out, -ENOSPC);
        ep->w[ep->n++] = (tk_run_epoll_watch){.fd = (int)fd, .events = events, .data = data};
        return tk_sys_set_errno(out, 0);
    }
    if (!w)
        return tk_sys_set_errno(out,
                                op == L_EPOLL_CTL_MOD || op == L_EPOLL_CTL_DEL ? -ENOENT : -EINVAL);
    if (op == L_EPOLL_CTL_MOD) {
        w->events = events;
        w->data = data;
    } else if (op == L_EPOLL_CTL_DEL) {
        *w = ep->w[--ep->n];
    }
    return tk_sys_set_errno(out, 0);
}

/* The ready watches, in the order they were added, at most max. */
static int ready_list(tk_run *r, tk_run_epoll *ep, int max, uint32_t *bits, int *idx) {
    int n = 0;
    for (int i = 0; i < ep->n && n < max; i++) {
        uint32_t b = tk_sys_ready_bits(r, ep->w[i].fd) & (ep->w[i].events | L_EPOLLERR_HUP);
        if (b) {
            bits[n] = b;
            idx[n++] = i;
        }
    }
    return n;
}

static int compare_events(tk_run *r, const tk_pkt_event *ev, tk_run_epoll *ep, int n,
                          const uint32_t *bits, const int *idx) {
    const tk_pkt_expr *want = tk_sys_arg(ev, 1);
    if (want->kind == TK_PKT_EXPR_ELLIPSIS)
        return 0;
    size_t nwant = want->kind == TK_PKT_EXPR_LIST ? want->nitems : 1;
    for (int i = 0; i < n && (size_t)i < nwant; i++) {
        const tk_pkt_expr *e = want->kind == TK_PKT_EXPR_LIST ? &want->items[i] : want;
        uint32_t events;
        int64_t data;
        if (event_arg(r, ev, e, &events, &data))
            return 1;
        if (events != bits[i] || data != ep->w[idx[i]].data)
            return tk_run_mismatch(r, ev->line,
                                   "expected event {events=0x%x, data %lld}, got {events=0x%x, "
                                   "data %lld}",
                                   events, (long long)data, bits[i], (long long)ep->w[idx[i]].data);
    }
    return 0;
}

/* epoll_wait(EPFD, {events=E, fd=N} or [{...}, ...], MAXEVENTS, TIMEOUT_MS) */
int tk_sys_epoll_wait(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    int64_t epfd, max, timeout;
    if (tk_sys_int_arg(r, ev, 0, &epfd) || tk_sys_int_arg(r, ev, 2, &max) ||
        tk_sys_int_arg(r, ev, 3, &timeout))
        return 1;
    tk_run_epoll *ep = epoll_of(r, epfd);
    if (!ep)
        return tk_sys_set_errno(out, -EBADF);
    if (max <= 0)
        return tk_sys_set_errno(out, -EINVAL);
    uint32_t bits[TK_RUN_EPOLL_WATCHES];
    int idx[TK_RUN_EPOLL_WATCHES];
    int n =
        ready_list(r, ep, max < TK_RUN_EPOLL_WATCHES ? (int)max : TK_RUN_EPOLL_WATCHES, bits, idx);
    int rc = tk_sys_wait_or_return(r, retry, timeout, n);
    if (rc)
        return rc;
    if (compare_events(r, ev, ep, n, bits, idx))
        return 1;
    return tk_sys_set_errno(out, n);
}
