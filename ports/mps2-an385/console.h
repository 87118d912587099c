/* The UART console: one-letter commands, answered at once.
 *   t  the connection table (like `ss -tan`), then "table end"
 *   s  the counters that are not zero, then "stats end"
 *   d  the driver's counters */
#ifndef TK_BOARD_CONSOLE_H
#define TK_BOARD_CONSOLE_H

#include "lan9118.h"
#include "tcpkit/stack.h"

void tk_console_poll(const tk_stack *s, const tk_lan9118 *nic);
void tk_console_table(const tk_stack *s);

#endif
