/* RACK's transmit log (tcp/sack.h: records of bytes sent at one time, from
 * SND.UNA to SND.MAX) and what it answers: the pipe, the next range to
 * resend. Internal to rack.c and rack_log.c. */
#ifndef TK_TCP_RACK_LOG_H
#define TK_TCP_RACK_LOG_H

#include "tcp/rack.h"
#include "tcp/tcb.h"

static inline uint32_t tk_rack_us32(tk_time t) {
    return (uint32_t)t & ~TK_RACK_FLAGS; /* the log's 4 us resolution */
}
static inline bool tk_rack_after32(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) > 0;
}
static inline uint32_t tk_rack_xmit_of(const tk_rack_seg *g) {
    return g->xf & ~TK_RACK_FLAGS;
}
static inline uint8_t tk_rack_flags_of(const tk_rack_seg *g) {
    return (uint8_t)(g->xf & TK_RACK_FLAGS);
}
/* tk_rack_active() where the compiler can see it: with TK_WITH_RACK 0 the
 * log's code folds away. */
static inline bool tk_rack_log_on(const tk_tcb *tp) {
    return TK_WITH_RACK && tp->sack != NULL && tp->sack->rack.on;
}
static inline tk_rack *tk_rack_of(tk_tcb *tp) {
    return &tp->sack->rack;
}

/* Where record i starts: SND.UNA for the first, else the previous end. */
uint32_t tk_rack_rec_start(const tk_tcb *tp, uint32_t i);
/* SACKed bytes of [l, r). */
uint32_t tk_rack_sacked_in(const tk_sack_board *b, uint32_t l, uint32_t r);
/* The first unSACKed range [*ha, *hb) at or after a, below e. */
bool tk_rack_next_hole(const tk_sack_board *b, uint32_t a, uint32_t e, uint32_t *ha, uint32_t *hb);
/* Adds flag to the records of [a, b), keeping their times. */
void tk_rack_flag_range(tk_tcb *tp, uint32_t a, uint32_t b, uint8_t flag);
/* Drops the records wholly below SND.UNA. */
void tk_rack_prune(tk_tcb *tp);

#endif
