/* D-SACK (RFC 2883, SPEC OP-7): a segment whose data we already have is
 * reported in the first SACK block of the next ACK, so the sender can tell
 * a needless retransmission from a loss. */
#ifndef TK_TCP_DSACK_H
#define TK_TCP_DSACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/wire/tcp.h"

struct tk_tcb;

/* Bytes [left, right) arrived again. Kept until the next ACK goes out (a
 * later duplicate replaces it); nothing when SACK was not negotiated. A
 * range longer than 65535 bytes is reported by its first 65535. */
void tk_dsack_note(struct tk_tcb *tp, uint32_t left, uint32_t right);
/* Whether out-of-order data already holds [seq, seq + len) (beyond RCV.NXT). */
bool tk_dsack_held(const struct tk_tcb *tp, uint32_t seq, uint32_t len);
/* New data [seq, seq + len) overlaps out-of-order data already held: the
 * first overlap is the duplicate, unless this segment noted one already
 * (its part below RCV.NXT, which comes first in sequence order). */
void tk_dsack_overlap(struct tk_tcb *tp, uint32_t seq, uint32_t len);
/* The SACK blocks of the next segment, at most max: the duplicate first
 * (RFC 2883 4), then the out-of-order ranges, the most recent first. */
uint32_t tk_dsack_blocks(const struct tk_tcb *tp, tk_sack_block *out, uint32_t max);
/* An ACK carried the blocks: the duplicate has been reported. */
void tk_dsack_sent(struct tk_tcb *tp);

#endif
