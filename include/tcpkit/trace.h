/* The trace hook: every segment in or out and every state change is reported
 * here, so tools render what the stack does without printf in the core. */
#ifndef TCPKIT_TRACE_H
#define TCPKIT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

typedef enum tk_trace_kind {
    TK_TRACE_FRAME_IN,  /* a frame handed to tk_stack_input (before validation) */
    TK_TRACE_FRAME_OUT, /* a frame the stack sends */
    TK_TRACE_STATE,     /* a TCP connection changed state */
    TK_TRACE_DROP,      /* an inbound frame was dropped; reason names the counter */
    TK_TRACE_ERROR,     /* a socket got an error (errno in `err`) */
} tk_trace_kind;

typedef struct tk_trace_event {
    tk_trace_kind kind;
    tk_time now;
    /* FRAME_IN / FRAME_OUT / DROP */
    const uint8_t *frame;
    size_t len;
    /* STATE / ERROR: the connection's endpoints and socket id (-1 if none). */
    int sd;
    uint32_t laddr, raddr;
    /* An IPv6 connection's addresses (16 bytes each, valid during the
     * callback; laddr/raddr then hold keyed folds of them); NULL for IPv4
     * and for IPv6 TIME_WAIT entries, which keep only folds. */
    const uint8_t *laddr6, *raddr6;
    uint16_t lport, rport;
    int old_state, new_state; /* tk_tcp_state values */
    const char *cause;        /* "rcv SYN-ACK", "close()", "2MSL timeout", ... */
    int err;                  /* negative errno for ERROR */
    const char *reason;       /* DROP: the counter's name */
} tk_trace_event;

typedef void (*tk_trace_fn)(void *ctx, const tk_trace_event *ev);

#endif
