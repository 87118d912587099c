/* Socket event subscriptions and the event queue (tcpkit/events.h). */
#ifndef TK_SOCKET_EVENTS_H
#define TK_SOCKET_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "tcp/state.h"

size_t tk_sock_events_mem_size(uint32_t max_sockets);
/* What each socket adds to the table (its subscription and queue slot). */
size_t tk_sock_events_slot_size(void);
/* Carves the table from mem (tk_sock_events_mem_size bytes, aligned to 8). */
struct tk_sock_events *tk_sock_events_init(void *mem, uint32_t max_sockets);
/* Compares each subscribed socket with what it was at the last look and
 * reports the changes (callback or queue). Called when the stack is done
 * with an input or poll, through tk_stack.events_sample, which the first
 * tk_set_events sets. */
void tk_sock_events_sample(tk_stack *s);
/* Ends sd's subscription and removes its queued events (tk_close). */
void tk_sock_events_forget(tk_stack *s, int sd);

#endif
