/* Descriptor lookup shared by the socket calls (SPEC API-1). */
#ifndef TK_SOCKET_FD_H
#define TK_SOCKET_FD_H

#include "tcp/state.h"

/* The TCB a live descriptor names, or NULL (the caller returns -EBADF). */
tk_tcb *tk_fd_tcb(tk_stack *s, int sd);

#endif
