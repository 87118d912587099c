/* The recovery machinery of cc_newreno.c that every controller shares
 * (SPEC DT-9, DT-13): RFC 5681 fast retransmit and timeouts, RFC 6582
 * partial and full ACKs, RFC 3168 6.1.2 reductions once per window, RFC
 * 5681 4.1 restart after idle. An algorithm plugs in its ssthresh and its
 * growth (tk_cc_ops.ssthresh, .grow) and keeps its state in the priv[]
 * words and priv8[] bits not listed here. */
#ifndef TK_TCP_CC_RENO_H
#define TK_TCP_CC_RENO_H

#include "tcp/cc.h"

/* Bits of priv8[0] the machinery owns (the others are the algorithm's). */
#define RENO_RTO    0x01u /* no new data acknowledged since the last timeout */
#define RENO_ECE    0x02u /* the ACK being processed carries ECN-Echo */
#define RENO_CWR_ON 0x04u /* a reduction window is open ... */
/* ... until an ACK passes this SND.MAX (priv[RENO_CWR_END]). */
#define RENO_CWR_END 0

/* Sets every field (ops = &tk_cc_newreno; another algorithm replaces it). */
void tk_cc_reno_init(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments);
int tk_cc_reno_on_ack(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight, uint32_t snd_nxt);
int tk_cc_reno_on_dupack(tk_cc *cc, uint32_t flight, uint32_t snd_una, uint32_t snd_nxt);
void tk_cc_reno_on_rto(tk_cc *cc, uint32_t flight, uint32_t snd_nxt);
void tk_cc_reno_on_idle(tk_cc *cc);
int tk_cc_reno_on_ecn(tk_cc *cc, uint32_t ack, uint32_t flight, uint32_t snd_max);
void tk_cc_reno_undo(tk_cc *cc, uint32_t prior_cwnd, uint32_t prior_ssthresh);

#endif
