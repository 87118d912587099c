/* RACK-TLP loss detection (RFC 8985, SPEC DT-12), Proportional Rate
 * Reduction (RFC 6937, DT-14) and the undo of spurious window reductions
 * (F-RTO RFC 5682, Eifel RFC 3522 / RFC 4015, D-SACK; DT-15). The state
 * lives in the connection's SACK board (tcp/sack.h): only SACK connections
 * of a stack with cfg.rack take part; the others keep RFC 6675 / RFC 6582
 * recovery. */
#ifndef TK_TCP_RACK_H
#define TK_TCP_RACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"
#include "tcpkit/wire/tcp.h"

struct tk_stack;
struct tk_tcb;
struct tk_rack;

/* WCDelAckT of RFC 8985 7.2: the peer may delay the ACK of a lone segment. */
#define TK_RACK_MAX_ACK_DELAY TK_MS(200)
/* The shortest probe timeout (2 SRTT on a very short path). */
#define TK_RACK_PTO_MIN TK_MS(10)

/* What an ACK looked like before it was applied (tk_rack_ack_begin). */
typedef struct tk_rack_ack {
    uint32_t una;     /* SND.UNA before */
    uint32_t sacked;  /* SACKed bytes before */
    bool in_recovery; /* fast recovery before */
    bool dsack;       /* the first SACK block is a D-SACK (RFC 2883) */
    uint32_t dsack_left, dsack_right;
} tk_rack_ack;

/* True when the connection detects loss with RACK. */
bool tk_rack_active(const struct tk_tcb *tp);
/* The first data goes out: a SACK connection of a RACK stack takes its
 * board (and with it the transmit log). */
void tk_rack_start(struct tk_stack *s, struct tk_tcb *tp);
/* [seq, seq + len) (FIN included) was sent now: the transmit log. */
void tk_rack_on_send(struct tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now);
/* Before an acceptable ACK is applied: RACK_update() for every segment it
 * delivers (RFC 8985 6.2 steps 1-2), D-SACK detection. */
void tk_rack_ack_begin(struct tk_tcb *tp, const tk_tcp_hdr *h, tk_rack_ack *a, tk_time now);
/* After it was applied: loss detection, recovery entry, PRR, undo, the
 * TLP episode and the timer (RFC 8985 6.2 steps 3-5, 7.4). */
void tk_rack_ack_end(struct tk_stack *s, struct tk_tcb *tp, const tk_tcp_hdr *h,
                     const tk_rack_ack *a, tk_time now);
/* RFC 8985 6.2 step 4: the reordering window now, microseconds. */
uint32_t tk_rack_reo_wnd(const struct tk_tcb *tp);
/* Bytes in flight: sent, not SACKed, not marked lost (retransmissions once). */
uint32_t tk_rack_pipe(const struct tk_tcb *tp);
/* The first lost, unSACKed range to retransmit, at most maxseg. */
bool tk_rack_next_lost(const struct tk_tcb *tp, uint32_t maxseg, uint32_t *seq, uint32_t *len);
/* Puts the right timer into the retransmission slot: reordering timer,
 * probe timeout, or the RTO (deadline rto_at). */
void tk_rack_arm(struct tk_stack *s, struct tk_tcb *tp, tk_time now);
/* The retransmission slot fired: true when it was the probe or reordering
 * timer (handled), false for an RTO. */
bool tk_rack_timer(struct tk_stack *s, struct tk_tcb *tp, tk_time now);
/* An RTO: RFC 8985 6.3 marks what is surely lost, F-RTO starts, the
 * window before it is kept for undo. Call before the cc's on_rto. */
void tk_rack_on_rto(struct tk_stack *s, struct tk_tcb *tp, tk_time now);
/* F-RTO waits for the ACKs after a timeout (RFC 5682 2): the segments
 * marked lost are not resent yet. */
bool tk_rack_frto_wait(const struct tk_tcb *tp);
/* Clears every loss mark (an undone episode). */
void tk_rack_unmark(struct tk_tcb *tp);

/* PRR (RFC 6937 3.1, PRR-SSRB): bytes that may be sent on an ACK that
 * delivered `delivered` bytes (already added to prr_delivered), rounded up
 * to whole segments in the proportional part. */
uint32_t tk_prr_sndcnt(uint32_t prr_delivered, uint32_t prr_out, uint32_t recover_fs,
                       uint32_t ssthresh, uint32_t pipe, uint32_t delivered, uint32_t mss);
/* Entering recovery (PRR init, RFC 6937 3.1) and once per ACK in it. */
void tk_prr_start(struct tk_tcb *tp);
void tk_prr_on_ack(struct tk_tcb *tp, uint32_t delivered);
/* A full ACK ended PRR's recovery: cwnd = ssthresh. */
void tk_prr_end(struct tk_tcb *tp);
/* Data sent in recovery (prr_out). */
void tk_prr_sent(struct tk_tcb *tp, uint32_t len);

/* Undo (undo.c): the window before a reduction is remembered, and restored
 * through the cc's undo hook when the reduction proves spurious. */
void tk_undo_mark(struct tk_tcb *tp);
/* A segment of the episode was retransmitted now (RFC 3522: the first one's TSval is kept). */
void tk_undo_retransmitted(struct tk_tcb *tp, tk_time now);
/* Checks the ACK against the marks: D-SACKs of every retransmission, an
 * Eifel timestamp, F-RTO's second ACK. */
void tk_undo_on_ack(struct tk_stack *s, struct tk_tcb *tp, const tk_tcp_hdr *h,
                    const tk_rack_ack *a, tk_time now);

#endif
