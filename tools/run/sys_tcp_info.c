/* getsockopt(TCP_INFO) with packetdrill's struct syntax: every tcpi_*
 * member the script names is compared with tk_tcp_info (Linux's names);
 * a member tcpkit does not fill fails the script naming it. */
#include <errno.h>

#include "lib/packetdrill/pkt_sym.h"
#include "sys_priv.h"

int tk_sys_tcp_info(tk_run *r, const tk_pkt_event *ev, int sd, sys_result *out) {
    tk_tcp_info ti;
    int rc = tk_tcp_info_get(r->stack, sd, &ti);
    if (rc < 0)
        return tk_sys_set_errno(out, rc);
    const tk_pkt_expr *want = tk_sys_arg(ev, 3);
    if (want->kind == TK_PKT_EXPR_ELLIPSIS)
        return tk_sys_set_errno(out, 0);
    if (want->kind != TK_PKT_EXPR_STRUCT)
        return tk_run_fail(r, ev->line, "getsockopt: TCP_INFO needs {tcpi_NAME=VALUE, ...}");
    for (size_t i = 0; i < want->nitems; i++) {
        const tk_pkt_expr *m = &want->items[i];
        uint64_t got;
        int64_t v;
        if (!m->name)
            return tk_run_fail(r, ev->line, "getsockopt: TCP_INFO members need names");
        if (m->kind == TK_PKT_EXPR_ELLIPSIS)
            continue;
        if (!tk_run_tcpi_field(&ti, m->name, &got))
            return tk_run_fail(r, ev->line, "getsockopt: tcpkit does not fill %s", m->name);
        if (!tk_pkt_eval(m, &v))
            return tk_run_fail(r, ev->line, "getsockopt: %s must be a number", m->name);
        if ((uint64_t)v != got)
            return tk_run_mismatch(r, ev->line, "expected %s %lld, got %llu", m->name, (long long)v,
                                   (unsigned long long)got);
    }
    return tk_sys_set_errno(out, 0);
}
