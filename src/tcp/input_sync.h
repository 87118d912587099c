/* Private to the synchronized-state input (input_sync.c, input_data.c):
 * the segment's data after trimming, and the data and FIN steps. */
#ifndef TK_TCP_INPUT_SYNC_H
#define TK_TCP_INPUT_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/state.h"

enum { GO_ON = 0, STOP = 1 };

/* The part of a segment inside the window (trimmed). */
typedef struct seg_view {
    uint32_t seq;
    const uint8_t *data;
    uint32_t len;
    bool fin;
    tk_time prev_rcv; /* when the peer's previous segment came (DT-5's idle test) */
} seg_view;

/* Data in or out of order (DT-8), with the ACK policy (DT-5). */
int tk_tcp_receive_data(tk_stack *s, tk_tcb *tp, const seg_view *v, tk_time now);
/* True when the peer's FIN takes effect now (DT-11 keeps one beyond a hole). */
bool tk_tcp_fin_due(tk_stack *s, tk_tcb *tp, const seg_view *v);
/* The peer's FIN: the state moves on (CM-3, CM-6, CM-7). */
int tk_tcp_receive_fin(tk_stack *s, tk_tcb *tp, tk_time now);

#endif
