/* Symbol tables for script values (see pkt_sym.h). */
#include "pkt_sym.h"

#include <errno.h>
#include <string.h>

typedef struct sym {
    const char *name;
    int value;
} sym;

#define E(x)                                                                                       \
    { #x, x }
static const sym errnos[] = {
    E(EPERM),         E(ENOENT),          E(EINTR),        E(EIO),          E(EBADF),
    E(EAGAIN),        E(ENOMEM),          E(EACCES),       E(EFAULT),       E(EBUSY),
    E(EEXIST),        E(EINVAL),          E(ENFILE),       E(EMFILE),       E(ENOSPC),
    E(EPIPE),         E(ENOTSOCK),        E(EDESTADDRREQ), E(EMSGSIZE),     E(EPROTOTYPE),
    E(ENOPROTOOPT),   E(EPROTONOSUPPORT), E(EOPNOTSUPP),   E(EAFNOSUPPORT), E(EADDRINUSE),
    E(EADDRNOTAVAIL), E(ENETDOWN),        E(ENETUNREACH),  E(ENETRESET),    E(ECONNABORTED),
    E(ECONNRESET),    E(ENOBUFS),         E(EISCONN),      E(ENOTCONN),     E(ETIMEDOUT),
    E(ECONNREFUSED),  E(EHOSTDOWN),       E(EHOSTUNREACH), E(EALREADY),     E(EINPROGRESS),
    E(ENOTSUP),       E(ENOSYS),          E(ERANGE),
};
#undef E

int tk_pkt_errno_value(const char *name) {
    if (!strcmp(name, "EWOULDBLOCK"))
        return EAGAIN;
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (!strcmp(errnos[i].name, name))
            return errnos[i].value;
    return 0;
}

const char *tk_pkt_errno_name(int value) {
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].value == value)
            return errnos[i].name;
    return "E?";
}

/* IPTOS_DSCP_CSn: the class selectors of RFC 2474 4.2.2.1 in the TOS byte. */
static const sym constants[] = {{"O_RDONLY", 0},
                                {"O_RDWR", TK_PKT_O_RDWR},
                                {"O_NONBLOCK", TK_PKT_O_NONBLOCK},
                                {"IPTOS_DSCP_CS0", 0x00},
                                {"IPTOS_DSCP_CS1", 0x20},
                                {"IPTOS_DSCP_CS2", 0x40},
                                {"IPTOS_DSCP_CS3", 0x60},
                                {"IPTOS_DSCP_CS4", 0x80},
                                {"IPTOS_DSCP_CS5", 0xa0},
                                {"IPTOS_DSCP_CS6", 0xc0},
                                {"IPTOS_DSCP_CS7", 0xe0},
                                /* poll and epoll bits and epoll_ctl operations: Linux's values. */
                                {"POLLIN", 0x1},
                                {"POLLPRI", 0x2},
                                {"POLLOUT", 0x4},
                                {"POLLERR", 0x8},
                                {"POLLHUP", 0x10},
                                {"POLLNVAL", 0x20},
                                {"POLLRDNORM", 0x40},
                                {"POLLRDBAND", 0x80},
                                {"POLLWRNORM", 0x100},
                                {"POLLWRBAND", 0x200},
                                {"POLLRDHUP", 0x2000},
                                {"EPOLLIN", 0x1},
                                {"EPOLLPRI", 0x2},
                                {"EPOLLOUT", 0x4},
                                {"EPOLLERR", 0x8},
                                {"EPOLLHUP", 0x10},
                                {"EPOLLRDNORM", 0x40},
                                {"EPOLLWRNORM", 0x100},
                                {"EPOLLRDHUP", 0x2000},
                                {"EPOLLONESHOT", 1 << 30},
                                {"EPOLLET", (int)(1u << 31)},
                                {"EPOLL_CTL_ADD", 1},
                                {"EPOLL_CTL_DEL", 2},
                                {"EPOLL_CTL_MOD", 3},
                                {"EPOLL_CLOEXEC", 0x80000},
                                {"NULL", 0},
                                /* tcp_info values in Linux's numbering. */
                                {"TCP_ESTABLISHED", 1},
                                {"TCP_SYN_SENT", 2},
                                {"TCP_SYN_RECV", 3},
                                {"TCP_FIN_WAIT1", 4},
                                {"TCP_FIN_WAIT2", 5},
                                {"TCP_TIME_WAIT", 6},
                                {"TCP_CLOSE", 7},
                                {"TCP_CLOSE_WAIT", 8},
                                {"TCP_LAST_ACK", 9},
                                {"TCP_LISTEN", 10},
                                {"TCP_CLOSING", 11},
                                {"TCP_CA_Open", 0},
                                {"TCP_CA_Disorder", 1},
                                {"TCP_CA_CWR", 2},
                                {"TCP_CA_Recovery", 3},
                                {"TCP_CA_Loss", 4},
                                {"TCPI_OPT_TIMESTAMPS", 1},
                                {"TCPI_OPT_SACK", 2},
                                {"TCPI_OPT_WSCALE", 4},
                                {"TCPI_OPT_ECN", 8}};

static bool eval_symbol(const char *name, int64_t *out) {
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (!strcmp(constants[i].name, name)) {
            *out = constants[i].value;
            return true;
        }
    }
    int e = tk_pkt_errno_value(name);
    *out = e;
    return e != 0;
}

bool tk_pkt_eval(const tk_pkt_expr *e, int64_t *out) {
    switch (e->kind) {
    case TK_PKT_EXPR_INT:
        *out = e->num;
        return true;
    case TK_PKT_EXPR_SYMBOL:
        return eval_symbol(e->text, out);
    case TK_PKT_EXPR_OR:
        *out = 0;
        for (size_t i = 0; i < e->nitems; i++) {
            int64_t v;
            if (!tk_pkt_eval(&e->items[i], &v))
                return false;
            *out |= v;
        }
        return true;
    default:
        return false;
    }
}
