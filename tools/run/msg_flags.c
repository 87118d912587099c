/* The flags argument of recv/recvfrom/recvmsg and send/sendto/sendmsg:
 * Linux's MSG_* names mapped onto tcpkit's (tk_recv_flags). Flags tcpkit
 * cannot honour fail the script naming the flag, never silently ignored. */
#include <string.h>

#include "runner.h"
#include "tcpkit/socket.h"

typedef struct msg_flag {
    const char *name;
    int tk_flag;     /* TK_MSG_* for recv, 0 when nothing to pass on */
    bool recv_ok;    /* meaningful on a receive call */
    bool send_ok;    /* meaningful on a send call */
    const char *why; /* refused: the reason */
} msg_flag;

static const msg_flag flags[] = {
    {"MSG_PEEK", TK_MSG_PEEK, true, false, NULL},
    {"MSG_WAITALL", TK_MSG_WAITALL, true, false, NULL},
    {"MSG_DONTWAIT", TK_MSG_DONTWAIT, true, true, NULL},
    /* No signals exist in the runner: a send on a closed stream gives EPIPE. */
    {"MSG_NOSIGNAL", 0, false, true, NULL},
    {"MSG_FASTOPEN", 0, false, false, "tcpkit has no TCP Fast Open"},
    {"MSG_ZEROCOPY", 0, false, false, "tcpkit has no zero-copy send completions"},
    {"MSG_MORE", 0, false, false, "tcpkit has no corking"},
    {"MSG_OOB", 0, false, false, "tcpkit has no urgent data"},
    {"MSG_TRUNC", 0, false, false, "not supported"},
    {"MSG_ERRQUEUE", 0, false, false, "tcpkit has no error queue"},
};

static const msg_flag *find_flag(const char *name) {
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(flags[i].name, name))
            return &flags[i];
    return NULL;
}

static int one_flag(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *e, bool send, int *out) {
    if (e->kind == TK_PKT_EXPR_INT && e->num == 0)
        return 0;
    if (e->kind != TK_PKT_EXPR_SYMBOL)
        return tk_run_fail(r, ev->line, "%s: flags must be 0 or MSG_* names", ev->sys.name);
    const msg_flag *f = find_flag(e->text);
    if (!f)
        return tk_run_fail(r, ev->line, "%s: unknown flag %s", ev->sys.name, e->text);
    if (f->why)
        return tk_run_fail(r, ev->line, "%s: flag %s is not supported: %s", ev->sys.name, f->name,
                           f->why);
    if (send ? !f->send_ok : !f->recv_ok)
        return tk_run_fail(r, ev->line, "%s: flag %s does not apply to a %s call", ev->sys.name,
                           f->name, send ? "send" : "receive");
    *out |= f->tk_flag;
    return 0;
}

int tk_run_msg_flags(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *e, bool send, int *out) {
    *out = 0;
    if (e->kind == TK_PKT_EXPR_ELLIPSIS)
        return 0;
    if (e->kind != TK_PKT_EXPR_OR)
        return one_flag(r, ev, e, send, out);
    for (size_t i = 0; i < e->nitems; i++)
        if (one_flag(r, ev, &e->items[i], send, out))
            return 1;
    return 0;
}
