/* The firmware's services on tcpkit's socket API: TCP echo (RFC 862, port
 * 7) and an HTTP "hello" page (port 80). Sockets never block; each pass of
 * the main loop moves what it can. */
#ifndef TK_BOARD_SERVICES_H
#define TK_BOARD_SERVICES_H

#include <stdbool.h>

#include "tcpkit/stack.h"

#define TK_BOARD_ECHO_PORT 7
#define TK_BOARD_HTTP_PORT 80

/* Opens the listeners. Returns 0 or a negative errno value. */
int tk_services_start(tk_stack *s);
/* Accepts, reads and writes what it can; true when anything moved. */
bool tk_services_run(tk_stack *s);

#endif
