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

/* The IPv4 address a tk_sockaddr names (sockaddr.c): TK_AF_INET's, an
 * IPv4-mapped IPv6 address's, or 0 for the IPv6 wildcard (::). Returns 0,
 * -EINVAL for NULL, -EAFNOSUPPORT for another family or a native IPv6
 * address. */
int tk_sock_addr4(const tk_sockaddr *a, uint32_t *addr);

#endif
