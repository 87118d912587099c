/* Events: what changed on a socket, without polling every socket. A socket
 * subscribes with tk_set_events; at the end of each tk_stack_input and
 * tk_stack_poll the stack looks at the subscribed sockets (and only those:
 * the cost is one check per subscribed socket and call) and reports what
 * changed since it last looked, either to the socket's callback (in the
 * spirit of lwIP's raw API) or into the stack's event queue, which an
 * event loop or RTOS task drains with tk_stack_events.
 *
 * Callbacks run after the stack finished the frame or poll, so they may
 * make any socket call (tk_recv, tk_send, tk_accept, tk_close, even
 * tk_stack_poll); they run on the thread that called input or poll. */
#ifndef TCPKIT_EVENTS_H
#define TCPKIT_EVENTS_H

#include "stack.h"

#define TK_EV_READABLE  0x01u /* new data or end of stream; a connection to accept */
#define TK_EV_WRITABLE  0x02u /* send space freed (data acknowledged), or just connected */
#define TK_EV_CONNECTED 0x04u /* the handshake of connect() completed */
#define TK_EV_CLOSED    0x08u /* the connection is over (both FINs, reset or timeout) */
#define TK_EV_ERROR     0x10u /* an error is pending (read it with TK_SO_ERROR) */
#define TK_EV_ALL       0x1fu

typedef void (*tk_event_fn)(tk_stack *s, int sd, unsigned events, void *arg);

/* Subscribes sd to the events in mask (TK_EV_*): with fn, fn(s, sd, events,
 * arg) is called; with fn NULL they go to the event queue. mask 0 ends the
 * subscription, and so does tk_close. What is already true when
 * subscribing (data that arrived before tk_accept, free send space) is
 * reported at the end of the next tk_stack_input or tk_stack_poll;
 * TK_EV_CONNECTED only for a handshake that completes after. Returns 0,
 * -EBADF or -EINVAL (mask outside TK_EV_ALL). */
int tk_set_events(tk_stack *s, int sd, unsigned mask, tk_event_fn fn, void *arg);

typedef struct tk_event {
    int sd;
    unsigned events; /* TK_EV_* bits gathered since the socket was last taken */
} tk_event;

/* Takes up to max queued events, oldest socket first, one entry per socket
 * with every bit it gathered. Returns how many were written (0: none). The
 * queue holds one entry per socket, so it never overflows. */
int tk_stack_events(tk_stack *s, tk_event *out, int max);

#endif
