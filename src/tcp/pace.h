/* Pacing of new data (SPEC DT-15's "paced at about cwnd/SRTT", on by default
 * for CUBIC, DT-13; docs/congestion.md), and the per-ACK sample the
 * congestion controller takes (tk_cc_ops.on_sample). */
#ifndef TK_TCP_PACE_H
#define TK_TCP_PACE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcb.h"

/* Linux's ratios (tcp_pacing_ss_ratio, tcp_pacing_ca_ratio), in percent:
 * slow start while cwnd < ssthresh / 2, else avoidance. */
#define TK_PACE_SS_PERCENT 200u
#define TK_PACE_CA_PERCENT 120u

/* The smallest burst, in segments: pairs in slow start (Linux's
 * tcp_min_tso_segs: an initial window of 10 leaves as five pairs, each
 * acknowledged at once by a receiver that ACKs every second segment);
 * eight in congestion avoidance (cwnd >= ssthresh), where the window grows
 * by a segment per RTT at most and small bursts only slow the refill after
 * each loss (docs/congestion.md: at 5 % random loss a transfer took 9 %
 * longer paced in pairs than unpaced, 1 % less in bursts of eight). */
#define TK_PACE_SS_SEGS 2u
#define TK_PACE_CA_SEGS 8u

/* True when tp paces: TCP_PACING on, the CUBIC controller, an RTT sample. */
bool tk_pace_on(const tk_tcb *tp);
/* The FlightSize a loss, a timeout or an ECN-Echo reduces from (the cc
 * bounds it by cwnd): SND.MAX - SND.UNA, or cwnd for a paced connection.
 * Pacing holds the tail of each window back, so a paced flight is below
 * cwnd most of the time, and reducing from it cut deeper than the loss
 * asked: 4 MiB at 5 % loss took 43.1 s instead of 38.1 s (`tcpkit bench
 * loss`, median of 5 seeds). Linux always reduces from cwnd. */
uint32_t tk_pace_loss_flight(const tk_tcb *tp);
/* Rate in bytes per second: ratio x cwnd / SRTT; 0 when not pacing. */
uint64_t tk_pace_rate(const tk_tcb *tp);
/* May a new segment leave at now (within the current burst, or the next
 * burst is due)? When not, the pace timer is armed at the time it may
 * (TK_TIMER_PACE, which runs output). */
bool tk_pace_ready(struct tk_stack *s, tk_tcb *tp, tk_time now);
/* A new segment of len bytes left at now: it uses the burst's credit (a new
 * burst of about 1 ms at the rate starts when none is left), and the next
 * burst waits len / rate more. */
void tk_pace_sent(tk_tcb *tp, uint32_t len, tk_time now);
/* Hands an ACK's time and RTT sample (0: none) to the controller. */
void tk_tcp_cc_sample(tk_tcb *tp, uint32_t ack, tk_time rtt, tk_time now);

#endif
