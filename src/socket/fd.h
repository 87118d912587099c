/* Descriptor lookup shared by the socket calls (SPEC API-1). */
#ifndef TK_SOCKET_FD_H
#define TK_SOCKET_FD_H

#include "tcp/state.h"

/* The TCB a live descriptor names, or NULL (the caller returns -EBADF). */
tk_tcb *tk_fd_tcb(tk_stack *s, int sd);
/* SO_RCVLOWAT (API-6, recv_flags.c): true when a read of want bytes must
 * wait: fewer than min(SO_RCVLOWAT, want) bytes are queued and more may
 * still come (no FIN, shutdown or error, a state the peer sends in). */
bool tk_sock_rcv_short(const tk_tcb *tp, uint32_t want);
/* After bytes left the receive queue (tk_recv, tk_recv_consume): an empty
 * queue gives its chunks back, and a window update is due when the window
 * opened enough (DT-2). */
void tk_sock_read_done(tk_stack *s, tk_tcb *tp);
/* What a read finds without data: the pending error, 0 at end of stream,
 * -EAGAIN while the peer may still send, else 0 or -ENOTCONN. */
long tk_sock_read_empty(tk_tcb *tp);
/* The TCB of sd for a send: *out set and 0, or -EBADF, a pending error,
 * -EPIPE after shutdown(write), -ENOTCONN before the handshake. */
int tk_sock_send_begin(tk_stack *s, int sd, tk_tcb **out);

/* The IPv4 address a tk_sockaddr names (sockaddr.c): TK_AF_INET's, an
 * IPv4-mapped IPv6 address's, or 0 for the IPv6 wildcard (::). Returns 0,
 * -EINVAL for NULL, -EAFNOSUPPORT for another family or a native IPv6
 * address. */
int tk_sock_addr4(const tk_sockaddr *a, uint32_t *addr);

/* An address at the socket calls, either family (SPEC NET-4). */
typedef struct tk_sock_ip {
    bool v6;        /* a native IPv6 address (not IPv4-mapped, not ::) */
    uint32_t a4;    /* IPv4 (0: any), or the fold of a6 (tcp/addr6.h) */
    uint8_t a6[16]; /* v6 */
} tk_sock_ip;
/* The address a names: IPv4 as tk_sock_addr4 reduces it, else a native
 * IPv6 one. Returns 0, -EINVAL for NULL, -EAFNOSUPPORT for another family
 * or for IPv6 on a stack without it (cfg.ipv6 off). */
int tk_sock_addr(const tk_stack *s, const tk_sockaddr *a, tk_sock_ip *out);
/* tp's local (or remote) address as the calls return it: IPv6 for an
 * IPv6 connection or a socket bound to ::, else IPv4. */
tk_sockaddr tk_sock_name(const tk_stack *s, const tk_tcb *tp, bool remote);

#endif
