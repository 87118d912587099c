/* Explicit Congestion Notification's calls into TCP (RFC 3168 6.1;
 * src/tcp/ecn.c), and their stand-ins when TK_WITH_ECN is 0. Included at
 * the end of tcp/tcb.h, which defines the TCB and segment they take. */
#ifndef TK_TCP_ECN_H
#define TK_TCP_ECN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcb.h"

#if TK_WITH_ECN
/* ecn.c: Explicit Congestion Notification (RFC 3168 6.1). */
/* ECE|CWR for the SYN or SYN-ACK output is about to send (6.1.1, 6.1.1.1). */
uint8_t tk_ecn_syn_flags(const struct tk_stack *s, tk_tcb *tp);
/* The peer's SYN or SYN-ACK (flags): decides whether the connection uses
 * ECN; call in the state it arrived in (CLOSED for a listener's child). */
void tk_ecn_syn_in(const struct tk_stack *s, tk_tcb *tp, uint8_t flags);
/* A listener's answer to a SYN with these flags: true when it is an
 * ECN-setup SYN and the configuration accepts ECN (a syncache entry). */
bool tk_ecn_syn_accept(const struct tk_stack *s, uint8_t flags);
/* A segment past the acceptability test; in_window: it brings new data. */
void tk_ecn_input(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg, bool in_window);
/* An ACK with ECN-Echo, just before its on_ack / on_dupack (6.1.2).
 * Returns true when cwnd was one segment already: the caller restarts the
 * retransmit timer, and new data waits until it expires (TK_ECN_HOLD). */
bool tk_ecn_echo(struct tk_stack *s, tk_tcb *tp, uint32_t ack);
/* cwnd was reduced by a loss: CWR on the next new data segment (6.1.2). */
void tk_ecn_cwnd_reduced(tk_tcb *tp);
/* Flags of a non-SYN segment with ECE and CWR added as due; fresh: it
 * carries new data for the first time (clears the pending CWR). */
uint8_t tk_ecn_out_flags(tk_tcb *tp, uint8_t flags, bool fresh);
#else
/* ECN compiled out (TK_WITH_ECN 0): every connection as with cfg.ecn 0. */
static inline uint8_t tk_ecn_syn_flags(const struct tk_stack *s, tk_tcb *tp) {
    (void)s, (void)tp;
    return 0;
}
static inline void tk_ecn_syn_in(const struct tk_stack *s, tk_tcb *tp, uint8_t flags) {
    (void)s, (void)tp, (void)flags;
}
static inline bool tk_ecn_syn_accept(const struct tk_stack *s, uint8_t flags) {
    (void)s, (void)flags;
    return false;
}
static inline void tk_ecn_input(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg, bool in_window) {
    (void)s, (void)tp, (void)sg, (void)in_window;
}
static inline bool tk_ecn_echo(struct tk_stack *s, tk_tcb *tp, uint32_t ack) {
    (void)s, (void)tp, (void)ack;
    return false;
}
static inline void tk_ecn_cwnd_reduced(tk_tcb *tp) {
    (void)tp;
}
static inline uint8_t tk_ecn_out_flags(tk_tcb *tp, uint8_t flags, bool fresh) {
    (void)tp, (void)fresh;
    return flags;
}
#endif

#endif
