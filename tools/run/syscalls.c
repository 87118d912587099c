/* Script system calls mapped onto the tk_* socket API. Script descriptors
 * are numbered like a kernel's (lowest free from 3); blocking calls on
 * blocking sockets are emulated by letting virtual time run until the call
 * can complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packetdrill/pkt_sym.h"
#include "runner.h"
#include "sys_priv.h"
#include "tcpkit/socket.h"

#define FIRST_FD 3

int tk_sys_set_errno(sys_result *out, long rc) {
    if (rc >= 0) {
        out->ret = rc;
        out->err = 0;
    } else {
        out->ret = -1;
        out->err = (int)-rc;
    }
    return 0;
}

const tk_pkt_expr *tk_sys_arg(const tk_pkt_event *ev, size_t i) {
    static const tk_pkt_expr none = {.kind = TK_PKT_EXPR_ELLIPSIS};
    return i < ev->sys.nargs ? &ev->sys.args[i] : &none;
}

bool tk_sys_is_sym(const tk_pkt_expr *e, const char *name) {
    return e->kind == TK_PKT_EXPR_SYMBOL && !strcmp(e->text, name);
}

int tk_sys_int_arg(tk_run *r, const tk_pkt_event *ev, size_t i, int64_t *out) {
    if (tk_pkt_eval(tk_sys_arg(ev, i), out))
        return 0;
    return tk_run_fail(r, ev->line, "%s: argument %zu must be a number", ev->sys.name, i + 1);
}

/* Script fd argument -> stack descriptor; -1 with EBADF in *out if unknown. */
int tk_sys_fd_arg(tk_run *r, const tk_pkt_event *ev, int *fd, int *sd, sys_result *out) {
    int64_t v;
    if (tk_sys_int_arg(r, ev, 0, &v))
        return 1;
    if (v < 0 || v >= TK_RUN_MAX_FDS || r->sd[v] < 0) {
        *sd = -1;
        return tk_sys_set_errno(out, -EBADF);
    }
    *fd = (int)v;
    *sd = r->sd[v];
    r->last_fd = *fd;
    return 0;
}

int tk_sys_new_fd(tk_run *r, int sd) {
    for (int fd = FIRST_FD; fd < TK_RUN_MAX_FDS; fd++) {
        if (r->sd[fd] < 0) {
            r->sd[fd] = sd;
            r->nonblock[fd] = false;
            r->last_fd = fd;
            return fd;
        }
    }
    return -EMFILE;
}

/* The call's result is a script fd for the new descriptor sd; with none
 * free (EMFILE) sd is closed again. */
static int return_new_fd(tk_run *r, int sd, sys_result *out) {
    int fd = tk_sys_new_fd(r, sd);
    if (fd < 0)
        (void)tk_close(r->stack, sd);
    return tk_sys_set_errno(out, fd);
}

tk_sockaddr tk_run_sockaddr(const tk_run *r, bool local, uint16_t port) {
    const tk_pkt_conn *c = &r->conn;
    if (r->ip_version == TK_PKT_IPV6)
        return tk_sockaddr_in6(local ? c->laddr6 : c->raddr6, port, 0);
    uint32_t v4 = local ? c->laddr : c->raddr;
    if (r->ip_version != TK_PKT_IPV4_MAPPED)
        return tk_sockaddr_in4(v4, port);
    /* RFC 4291 2.5.5.2: ::ffff:a.b.c.d, an IPv4 peer of an AF_INET6 socket. */
    uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    for (int i = 0; i < 4; i++)
        mapped[12 + i] = (uint8_t)(v4 >> (24 - 8 * i));
    return tk_sockaddr_in6(mapped, port, 0);
}

static int sys_socket(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    if (!tk_sys_is_sym(tk_sys_arg(ev, 1), "SOCK_STREAM") ||
        !(tk_sys_is_sym(tk_sys_arg(ev, 2), "IPPROTO_TCP") ||
          tk_sys_arg(ev, 2)->kind == TK_PKT_EXPR_ELLIPSIS))
        return tk_run_fail(r, ev->line, "socket: only SOCK_STREAM / IPPROTO_TCP is supported");
    int sd = tk_socket(r->stack);
    if (sd < 0)
        return tk_sys_set_errno(out, sd);
    return return_new_fd(r, sd, out);
}

/* A sockaddr struct argument naming the wildcard address:
 * {..., sin6_addr=in6addr_any} or {..., sin_addr=INADDR_ANY}. */
static bool wildcard_arg(const tk_pkt_expr *e) {
    for (size_t i = 0; e->kind == TK_PKT_EXPR_STRUCT && i < e->nitems; i++) {
        const tk_pkt_expr *m = &e->items[i];
        if (m->name && (!strcmp(m->name, "sin6_addr") || !strcmp(m->name, "sin_addr")) &&
            (tk_sys_is_sym(m, "in6addr_any") || tk_sys_is_sym(m, "INADDR_ANY")))
            return true;
    }
    return false;
}

/* bind(fd, ..., ...) binds the stack's address; an address struct with
 * in6addr_any (INADDR_ANY) binds the wildcard of the script's family: for
 * IPv6 scripts a listener on every address of both families unless
 * IPV6_V6ONLY. */
static int sys_bind(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    tk_sockaddr a = tk_run_sockaddr(r, true, r->bind_port);
    if (wildcard_arg(tk_sys_arg(ev, 1))) {
        static const uint8_t any6[16];
        a = a.family == TK_AF_INET6 ? tk_sockaddr_in6(any6, r->bind_port, 0)
                                    : tk_sockaddr_in4(0, r->bind_port);
    }
    r->conn.lport = r->bind_port;
    return tk_sys_set_errno(out, tk_bind(r->stack, sd, &a));
}

static int sys_listen(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    int64_t backlog;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    if (tk_sys_int_arg(r, ev, 1, &backlog))
        return 1;
    r->conn.rport = TK_RUN_REMOTE_PORT;
    return tk_sys_set_errno(out, tk_listen(r->stack, sd, (int)backlog));
}

static int sys_accept(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    tk_sockaddr peer;
    int nsd = tk_accept(r->stack, sd, &peer);
    if (nsd == -EAGAIN && !r->nonblock[fd])
        return WOULD_BLOCK;
    if (nsd < 0)
        return tk_sys_set_errno(out, nsd);
    return return_new_fd(r, nsd, out);
}

static int sys_connect(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    if (retry) {
        int events = tk_poll_events(r->stack, sd);
        if (events & TK_POLLERR) {
            int err = 0;
            size_t len = sizeof err;
            (void)tk_getsockopt(r->stack, sd, TK_SOL_SOCKET, TK_SO_ERROR, &err, &len);
            return tk_sys_set_errno(out, err ? err : -ECONNREFUSED);
        }
        return events & TK_POLLOUT ? tk_sys_set_errno(out, 0) : WOULD_BLOCK;
    }
    tk_sockaddr a = tk_run_sockaddr(r, false, r->connect_port);
    int rc = tk_connect(r->stack, sd, &a);
    tk_sockaddr me;
    if (tk_getsockname(r->stack, sd, &me) == 0 && me.port) {
        r->conn.lport = me.port;
        r->conn.rport = r->connect_port;
    }
    if (rc == -EINPROGRESS && !r->nonblock[fd])
        return WOULD_BLOCK;
    return tk_sys_set_errno(out, rc);
}

static int sys_close(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    int64_t n;
    if (tk_pkt_eval(tk_sys_arg(ev, 0), &n) && n >= 0 && n < TK_RUN_MAX_FDS &&
        tk_sys_epoll_close(r, (int)n) == 0)
        return tk_sys_set_errno(out, 0);
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    int rc = tk_close(r->stack, sd);
    r->sd[fd] = -1;
    return tk_sys_set_errno(out, rc);
}

static int sys_shutdown(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd, how;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    const tk_pkt_expr *h = tk_sys_arg(ev, 1);
    if (tk_sys_is_sym(h, "SHUT_RD"))
        how = TK_SHUT_RD;
    else if (tk_sys_is_sym(h, "SHUT_WR"))
        how = TK_SHUT_WR;
    else if (tk_sys_is_sym(h, "SHUT_RDWR"))
        how = TK_SHUT_RDWR;
    else
        return tk_run_fail(r, ev->line, "shutdown: expected SHUT_RD, SHUT_WR or SHUT_RDWR");
    return tk_sys_set_errno(out, tk_shutdown(r->stack, sd, how));
}

/* The buffer argument: `...` (the runner's own memory) or NULL. */
static int buffer_arg(tk_run *r, const tk_pkt_event *ev, bool *null_buf) {
    const tk_pkt_expr *b = tk_sys_arg(ev, 1);
    *null_buf = tk_sys_is_sym(b, "NULL") || (b->kind == TK_PKT_EXPR_INT && b->num == 0);
    if (*null_buf || b->kind == TK_PKT_EXPR_ELLIPSIS || b->kind == TK_PKT_EXPR_STRING)
        return 0;
    return tk_run_fail(r, ev->line, "%s: the buffer must be ... or NULL", ev->sys.name);
}

long tk_sys_do_io(tk_run *r, int sd, bool rd, bool null_buf, size_t len, int flags) {
    if (null_buf && len > 0)
        return -EFAULT; /* what a kernel answers for an unmapped buffer */
    uint8_t *buf = calloc(1, len + 1);
    if (!buf)
        return -ENOMEM;
    long rc = rd ? tk_recv_flags(r->stack, sd, buf, len, flags) : tk_send(r->stack, sd, buf, len);
    free(buf);
    return rc;
}

/* sendto(fd, buf, len, MSG_FASTOPEN, addr, addrlen): connect to the
 * script's peer and hand over the data, as sys_connect (SPEC OP-8). */
static long send_fastopen(tk_run *r, int sd, bool null_buf, size_t len) {
    if (null_buf && len > 0)
        return -EFAULT;
    uint8_t *buf = calloc(1, len + 1);
    if (!buf)
        return -ENOMEM;
    tk_sockaddr a = tk_run_sockaddr(r, false, r->connect_port);
    long rc = tk_send_fastopen(r->stack, sd, &a, buf, len);
    free(buf);
    tk_sockaddr me;
    if (tk_getsockname(r->stack, sd, &me) == 0 && me.port) {
        r->conn.lport = me.port;
        r->conn.rport = r->connect_port;
    }
    return rc;
}

/* read/write(fd, buf, len), recv/send(fd, buf, len, flags) and
 * recvfrom/sendto(fd, buf, len, flags, addr, addrlen). */
static int sys_io(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd, flags = 0;
    int64_t len;
    bool null_buf;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    bool rd = ev->sys.name[0] == 'r';
    if (buffer_arg(r, ev, &null_buf) || tk_sys_int_arg(r, ev, 2, &len))
        return 1;
    if (ev->sys.nargs > 3 && tk_run_msg_flags(r, ev, tk_sys_arg(ev, 3), !rd, &flags))
        return 1;
    if (len < 0 || len > MAX_IO)
        return tk_run_fail(r, ev->line, "%s: length must be 0..%u", ev->sys.name, MAX_IO);
    if (flags & TK_RUN_MSG_FASTOPEN)
        return tk_sys_set_errno(out, send_fastopen(r, sd, null_buf, (size_t)len));
    long rc = tk_sys_do_io(r, sd, rd, null_buf, (size_t)len, flags);
    if (rc == -EAGAIN && !r->nonblock[fd] && !(flags & TK_MSG_DONTWAIT))
        return WOULD_BLOCK;
    return tk_sys_set_errno(out, rc);
}

#define NO_TK_OPTION 0x7fff /* an option number no tcpkit level defines */

/* FreeBSD RACK stack pacing: tcpkit has no such option. The stack is asked
 * with a number it does not know, so the script sees the stack's own answer
 * (-1 ENOPROTOOPT), as on a host whose TCP lacks it. Every other name comes
 * from the stack's option table (tk_sockopt_lookup). */
static const tk_sockopt_info host_only[] = {
    {"IPPROTO_TCP", TK_IPPROTO_TCP_LEVEL, "TCP_RACK_PACE_MAX_SEG", NO_TK_OPTION, false, false},
    {"IPPROTO_TCP", TK_IPPROTO_TCP_LEVEL, "TCP_RACK_PACE_RATE_SS", NO_TK_OPTION, false, false},
    {"IPPROTO_TCP", TK_IPPROTO_TCP_LEVEL, "TCP_RACK_PACE_ALWAYS", NO_TK_OPTION, false, false},
};

static const char *sym_text(const tk_pkt_expr *e) {
    return e->kind == TK_PKT_EXPR_SYMBOL ? e->text : NULL;
}

/* IPv6's names of IPv4 settings (RFC 3542 6.5, RFC 3493 5.1): where the
 * stack's table has no IPPROTO_IPV6 row of its own, the traffic class is
 * IP_TOS and the unicast hop limit IP_TTL of the socket, which the stack
 * applies to its IPv6 packets as to IPv4 ones. */
static const tk_sockopt_info *ipv6_alias(const char *name) {
    if (!strcmp(name, "IPV6_TCLASS"))
        return tk_sockopt_lookup("IPPROTO_IP", "IP_TOS");
    if (!strcmp(name, "IPV6_UNICAST_HOPS"))
        return tk_sockopt_lookup("IPPROTO_IP", "IP_TTL");
    return NULL;
}

/* The option's row, or NULL (the script fails, naming the option). */
static const tk_sockopt_info *find_opt(tk_run *r, const tk_pkt_event *ev) {
    const char *level = sym_text(tk_sys_arg(ev, 1)), *name = sym_text(tk_sys_arg(ev, 2));
    /* Linux's names of the same levels. */
    if (level && !strcmp(level, "SOL_TCP"))
        level = "IPPROTO_TCP";
    else if (level && !strcmp(level, "SOL_IP"))
        level = "IPPROTO_IP";
    else if (level && !strcmp(level, "SOL_IPV6"))
        level = "IPPROTO_IPV6";
    const tk_sockopt_info *o = level && name ? tk_sockopt_lookup(level, name) : NULL;
    if (!o && level && name && !strcmp(level, "IPPROTO_IPV6"))
        o = ipv6_alias(name);
    for (size_t i = 0; !o && level && name && i < sizeof host_only / sizeof host_only[0]; i++)
        if (!strcmp(host_only[i].level_name, level) && !strcmp(host_only[i].name, name))
            o = &host_only[i];
    if (!o)
        tk_run_fail(r, ev->line, "%s: unsupported option %s", ev->sys.name,
                    name ? name : "(not a name)");
    return o;
}

/* {l_onoff=1, l_linger=0} */
static bool linger_value(const tk_pkt_expr *e, tk_linger *out) {
    if (e->kind != TK_PKT_EXPR_STRUCT || e->nitems != 2)
        return false;
    int64_t on, secs;
    if (!tk_pkt_eval(&e->items[0], &on) || !tk_pkt_eval(&e->items[1], &secs))
        return false;
    out->onoff = (int)on;
    out->linger = (int)secs;
    return true;
}

/* [N] (an int pointer) */
bool tk_sys_int_value(const tk_pkt_expr *e, int64_t *out) {
    return e->kind == TK_PKT_EXPR_LIST && e->nitems == 1 && tk_pkt_eval(&e->items[0], out);
}

static int sys_setsockopt(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    const tk_sockopt_info *o = find_opt(r, ev);
    if (!o)
        return 1;
    tk_linger lg;
    int64_t v;
    if (o->is_linger) {
        if (!linger_value(tk_sys_arg(ev, 3), &lg))
            return tk_run_fail(r, ev->line, "setsockopt: SO_LINGER needs {l_onoff=N, l_linger=N}");
        return tk_sys_set_errno(out, tk_setsockopt(r->stack, sd, o->level, o->opt, &lg, sizeof lg));
    }
    if (!tk_sys_int_value(tk_sys_arg(ev, 3), &v))
        return tk_run_fail(r, ev->line, "setsockopt: %s needs a value [N]", o->name);
    int iv = (int)v;
    return tk_sys_set_errno(out, tk_setsockopt(r->stack, sd, o->level, o->opt, &iv, sizeof iv));
}

static int sys_getsockopt(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    const tk_pkt_expr *level = tk_sys_arg(ev, 1);
    if ((tk_sys_is_sym(level, "IPPROTO_TCP") || tk_sys_is_sym(level, "SOL_TCP")) &&
        tk_sys_is_sym(tk_sys_arg(ev, 2), "TCP_INFO"))
        return tk_sys_tcp_info(r, ev, sd, out);
    const tk_sockopt_info *o = find_opt(r, ev);
    if (!o)
        return 1;
    if (o->is_linger) {
        tk_linger want, got;
        size_t len = sizeof got;
        int rc = tk_getsockopt(r->stack, sd, o->level, o->opt, &got, &len);
        if (rc == 0 && linger_value(tk_sys_arg(ev, 3), &want) &&
            (want.onoff != got.onoff || want.linger != got.linger))
            return tk_run_mismatch(r, ev->line, "expected SO_LINGER {%d, %d}, got {%d, %d}",
                                   want.onoff, want.linger, got.onoff, got.linger);
        return tk_sys_set_errno(out, rc);
    }
    int got = 0;
    size_t len = sizeof got;
    int rc = tk_getsockopt(r->stack, sd, o->level, o->opt, &got, &len);
    int64_t want;
    if (rc == 0 && tk_sys_arg(ev, 3)->kind != TK_PKT_EXPR_ELLIPSIS) {
        if (!tk_sys_int_value(tk_sys_arg(ev, 3), &want))
            return tk_run_fail(r, ev->line, "getsockopt: expected value must be [N]");
        if (o->opt == TK_SO_ERROR && -got != want)
            return tk_run_mismatch(r, ev->line, "expected SO_ERROR %s, got %s",
                                   want ? tk_pkt_errno_name((int)want) : "0",
                                   got ? tk_pkt_errno_name(-got) : "0");
        if (o->opt != TK_SO_ERROR && got != want)
            return tk_run_mismatch(r, ev->line, "expected %s %lld, got %d", o->name,
                                   (long long)want, got);
    }
    return tk_sys_set_errno(out, rc);
}

static int sys_fcntl(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    int64_t flags;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    if (tk_sys_is_sym(tk_sys_arg(ev, 1), "F_GETFL"))
        return tk_sys_set_errno(out, TK_PKT_O_RDWR | (r->nonblock[fd] ? TK_PKT_O_NONBLOCK : 0));
    if (!tk_sys_is_sym(tk_sys_arg(ev, 1), "F_SETFL"))
        return tk_run_fail(r, ev->line, "fcntl: only F_GETFL and F_SETFL are supported");
    if (tk_sys_int_arg(r, ev, 2, &flags))
        return 1;
    r->nonblock[fd] = (flags & TK_PKT_O_NONBLOCK) != 0;
    return tk_sys_set_errno(out, 0);
}

static int sys_sockname(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    tk_sockaddr a;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    bool peer = !strcmp(ev->sys.name, "getpeername");
    return tk_sys_set_errno(out, peer ? tk_getpeername(r->stack, sd, &a)
                                      : tk_getsockname(r->stack, sd, &a));
}

/* ioctl(fd, FIONREAD | SIOCINQ | SIOCOUTQ, [N]): the queue size is
 * compared with N (`...` takes any). */
static int sys_ioctl(tk_run *r, const tk_pkt_event *ev, bool retry, sys_result *out) {
    (void)retry;
    int fd, sd;
    if (tk_sys_fd_arg(r, ev, &fd, &sd, out) || sd < 0)
        return r->failed;
    const tk_pkt_expr *req = tk_sys_arg(ev, 1);
    bool inq = tk_sys_is_sym(req, "FIONREAD") || tk_sys_is_sym(req, "SIOCINQ");
    if (!inq && !tk_sys_is_sym(req, "SIOCOUTQ"))
        return tk_run_fail(r, ev->line,
                           "ioctl: unsupported request %s (FIONREAD, SIOCINQ and "
                           "SIOCOUTQ are)",
                           req->kind == TK_PKT_EXPR_SYMBOL ? req->text : "(not a name)");
    long got = inq ? tk_inq(r->stack, sd) : tk_outq(r->stack, sd);
    int64_t want;
    if (got >= 0 && tk_sys_arg(ev, 2)->kind != TK_PKT_EXPR_ELLIPSIS) {
        if (!tk_sys_int_value(tk_sys_arg(ev, 2), &want))
            return tk_run_fail(r, ev->line, "ioctl: expected value must be [N]");
        if (got != want)
            return tk_run_mismatch(r, ev->line, "expected %s %lld, got %ld", req->text,
                                   (long long)want, got);
    }
    return tk_sys_set_errno(out, got < 0 ? got : 0);
}

typedef struct sys_entry {
    const char *name;
    sys_fn fn;
} sys_entry;

static const sys_entry calls[] = {
    {"socket", sys_socket},
    {"bind", sys_bind},
    {"listen", sys_listen},
    {"accept", sys_accept},
    {"connect", sys_connect},
    {"close", sys_close},
    {"shutdown", sys_shutdown},
    {"read", sys_io},
    {"recv", sys_io},
    {"write", sys_io},
    {"send", sys_io},
    {"recvfrom", sys_io},
    {"sendto", sys_io},
    {"setsockopt", sys_setsockopt},
    {"getsockopt", sys_getsockopt},
    {"fcntl", sys_fcntl},
    {"ioctl", sys_ioctl},
    {"recvmsg", tk_sys_msg},
    {"sendmsg", tk_sys_msg},
    {"readv", tk_sys_vec},
    {"writev", tk_sys_vec},
    {"poll", tk_sys_poll},
    {"epoll_create", tk_sys_epoll_create},
    {"epoll_create1", tk_sys_epoll_create},
    {"epoll_ctl", tk_sys_epoll_ctl},
    {"epoll_wait", tk_sys_epoll_wait},
    {"getsockname", sys_sockname},
    {"getpeername", sys_sockname},
};

static sys_fn find_call(const char *name) {
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (!strcmp(calls[i].name, name))
            return calls[i].fn;
    return NULL;
}

static int check_result(tk_run *r, const tk_pkt_event *ev, const sys_result *res) {
    const tk_pkt_syscall *sc = &ev->sys;
    if (sc->result_any)
        return 0;
    if (res->ret != sc->result) {
        if (res->ret == -1)
            return tk_run_mismatch(r, ev->line, "expected %s() = %lld, got -1 %s", sc->name,
                                   (long long)sc->result, tk_pkt_errno_name(res->err));
        return tk_run_mismatch(r, ev->line, "expected %s() = %lld, got %ld", sc->name,
                               (long long)sc->result, res->ret);
    }
    if (res->ret == -1 && sc->errno_name[0]) {
        int want = tk_pkt_errno_value(sc->errno_name);
        if (want == 0)
            return tk_run_fail(r, ev->line, "unknown errno name %s", sc->errno_name);
        if (want != res->err)
            return tk_run_mismatch(r, ev->line, "expected errno %s, got %s", sc->errno_name,
                                   tk_pkt_errno_name(res->err));
    }
    return 0;
}

int tk_run_syscall(tk_run *r, const tk_pkt_event *ev, int64_t lo, int64_t hi) {
    sys_fn fn = find_call(ev->sys.name);
    if (!fn)
        return tk_run_fail(r, ev->line, "unsupported system call %s()", ev->sys.name);
    /* Like packetdrill's single system-call thread: the next call starts once
     * the blocking one returned, which must happen within this call's
     * tolerance (and within the blocking call's own window). */
    int64_t tol = r->sc->hdr.tolerance_usecs;
    int64_t until = (r->pending.hi < lo ? r->pending.hi : lo) + tol;
    if (r->pending.active && tk_run_await_pending(r, until))
        return 1;
    if (r->pending.active)
        return tk_run_fail(r, ev->line,
                           "a system call while the blocking call of line %d "
                           "has not returned (waited until %.6f)",
                           r->pending.ev->line, (double)until / 1e6);
    sys_result res = {0, 0};
    r->block_deadline = TK_TIME_NEVER;
    int rc = fn(r, ev, false, &res);
    tk_stack_poll(r->stack, r->now);
    tk_run_nd_answer(r);
    if (rc == WOULD_BLOCK) {
        r->pending = (tk_run_pending){
            .active = true, .ev = ev, .lo = lo, .hi = hi, .deadline = r->block_deadline};
        return 0;
    }
    if (rc)
        return 1;
    return check_result(r, ev, &res);
}

int tk_run_retry_pending(tk_run *r) {
    if (!r->pending.active || r->failed)
        return r->failed;
    const tk_pkt_event *ev = r->pending.ev;
    sys_result res = {0, 0};
    int rc = find_call(ev->sys.name)(r, ev, true, &res);
    if (rc == WOULD_BLOCK)
        return 0;
    r->pending.active = false;
    if (rc)
        return 1;
    int64_t now = tk_run_script_now(r), tol = r->sc->hdr.tolerance_usecs;
    if (now < r->pending.lo - tol || now > r->pending.hi + tol)
        return tk_run_fail(r, ev->line, "expected %s() to return within %.6f...%.6f, got %.6f",
                           ev->sys.name, (double)r->pending.lo / 1e6, (double)r->pending.hi / 1e6,
                           (double)now / 1e6);
    return check_result(r, ev, &res);
}
