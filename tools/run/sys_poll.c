/* poll() with packetdrill's struct pollfd arrays, and epoll_create /
 * epoll_ctl / epoll_wait (level-triggered), answered from the stack's
 * readiness (tk_poll_events) in Linux's bits. A call with a timeout and
 * nothing ready blocks like any blocking call, until something is ready
 * or the timeout passes (r->block_deadline). */
#include <errno.h>
#include <string.h>

#include "lib/packetdrill/pkt_sym.h"
#include "sys_priv.h"
#include "tcpkit/socket.h"

/* Linux's poll bits (asm-generic/poll.h); epoll's are the same values. */
enum {
    L_POLLIN = 0x1,
    L_POLLPRI = 0x2,
    L_POLLOUT = 0x4,
    L_POLLERR = 0x8,
    L_POLLHUP = 0x10,
    L_POLLNVAL = 0x20,
    L_POLLRDNORM = 0x40,
    L_POLLWRNORM = 0x100,
};
#define L_ALWAYS (L_POLLERR | L_POLLHUP | L_POLLNVAL) /* reported unasked */
#define L_KNOWN  (L_POLLIN | L_POLLPRI | L_POLLOUT | L_ALWAYS | L_POLLRDNORM | L_POLLWRNORM)

/* The readiness of script descriptor fd in Linux's bits. */
uint32_t tk_sys_ready_bits(tk_run *r, int64_t fd) {
    if (fd < 0 || fd >= TK_RUN_MAX_FDS || r->sd[fd] < 0)
        return L_POLLNVAL;
    int ev = tk_poll_events(r->stack, r->sd[fd]);
    if (ev < 0)
        return L_POLLNVAL;
    uint32_t bits = 0;
    if (ev & TK_POLLIN)
        bits |= L_POLLIN | L_POLLRDNORM;
    if (ev & TK_POLLOUT)
        bits |= L_POLLOUT | L_POLLWRNORM;
    if (ev & TK_POLLERR)
        bits |= L_POLLERR;
    if (ev & TK_POLLHUP)
        bits |= L_POLLHUP;
    return bits;
}

static const tk_pkt_expr *member(const tk_pkt_expr *s, const char *name) {
    for (size_t i = 0; s->kind == TK_PKT_EXPR_STRUCT && i < s->nitems; i++)
        if (s->items[i].name && !strcmp(s->items[i].name, name))
            return &s->items[i];
    return NULL;
}

static bool member_int(const tk_pkt_expr *s, const char *name, int64_t *out) {
    const tk_pkt_expr *m = member(s, name);
    return m && tk_pkt_eval(m, out);
}

/* The timeout argument in ms: blocks until r->block_deadline (none: -1).
 * Returns WOULD_BLOCK to wait, 0 when the call returns now. */
int tk_sys_wait_or_return(tk_run *r, bool retry, int64_t timeout_ms, int ready) {
    if (ready > 0 || timeout_ms == 0)
        return 0;
    if (retry)
        return r->now >= r->pending.deadline ? 0 : WOULD_BLOCK;
    r->block_deadline = timeout_ms < 0 ? TK_TIME_NEVER : r->now + TK_MS(timeout_ms);
    return WOULD_BLOCK;
}

/* One pollfd: its revents now (masked as Linux masks them), or -1 when
 * malformed (the script failed). */
static int64_t one_pollfd(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *p) {
    int64_t fd, events;
    if (p->kind != TK_PKT_EXPR_STRUCT || !member_int(p, "fd", &fd) ||
        !member_int(p, "events", &events)) {
        tk_run_fail(r, ev->line, "poll: expected {fd=N, events=E[, revents=R]}");
        return -1;
    }
    if (events & ~(int64_t)L_KNOWN) {
        tk_run_fail(r, ev->line,
                    "poll: events 0x%llx: only POLLIN, POLLPRI, POLLOUT, POLLRDNORM and "
                    "POLLWRNORM can be asked",
                    (unsigned long long)events);
        return -1;
    }
    return tk_sys_ready_bits(r, fd) & (uint32_t)(events | L_ALWAYS);
}

static int poll_check(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *fds) {
    for (size_t i = 0; i < fds->nitems; i++) {
        int64_t want = 0, fd = -1, got = one_pollfd(r, ev, &fds->items[i]);
        const tk_pkt_expr *re = member(&fds->items[i], "revents");
        (void)member_int(&fds->items[i], "fd", &fd);
        if (got < 0)
            return 1;
        if (re && re->kind != TK_PKT_EXPR_ELLIPSIS && !tk_pkt_eval(re, &want))
            return tk_run_fail(r, ev->line, "poll: revents must be a number or POLL* names");
        if (re && re->kind != TK_PKT_EXPR_ELLIPSIS && got != want)
            return tk_run_mismatch(r, ev->line, "expected revents 0x%llx for fd %lld, got 0x%llx",
                                   (unsigned long long)want, (long long)fd,
                                   (unsigned long long)got);
    }
    return 0;
}

/* poll([{fd=N, events=E, revents=R}, ...], NFDS, TIMEOUT_MS) */
int tk_sys_poll(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    const tk_pkt_expr *fds = tk_sys_arg(ev, 0);
    int64_t nfds, timeout;
    if (fds->kind != TK_PKT_EXPR_LIST || tk_sys_int_arg(r, ev, 1, &nfds) ||
        tk_sys_int_arg(r, ev, 2, &timeout))
        return r->failed ? 1 : tk_run_fail(r, ev->line, "poll: expected poll([...], N, MS)");
    if (nfds != (int64_t)fds->nitems)
        return tk_run_fail(r, ev->line, "poll: nfds %lld but %zu entries", (long long)nfds,
                           fds->nitems);
    int ready = 0;
    for (size_t i = 0; i < fds->nitems; i++) {
        int64_t got = one_pollfd(r, ev, &fds->items[i]);
        if (got < 0)
            return 1;
        ready += got != 0;
    }
    int rc = tk_sys_wait_or_return(r, retry, timeout, ready);
    if (rc)
        return rc;
    if (poll_check(r, ev, fds))
        return 1;
    return tk_sys_set_errno(out, ready);
}
