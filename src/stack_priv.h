/* The stack layer's own calls, over the stack object of tcp/state.h. */
#ifndef TK_STACK_PRIV_H
#define TK_STACK_PRIV_H

#include "tcp/state.h"
#include "tcpkit/types.h"

/* RS-9: RST to every peer that would otherwise wait forever. */
void tk_stack_abort_all(tk_stack *s, tk_time now);

#endif
