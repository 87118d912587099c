/* The sender's SACK scoreboard (RFC 2018, RFC 6675): a cold part of the
 * TCB. Boards come from a pool of their own (cfg.sack_boards); a
 * connection takes one at the first SACK block it is sent and returns it
 * when it is freed. Without one (the pool was empty) the connection
 * recovers from loss as without SACK (NewReno). */
#ifndef TK_TCP_SACK_H
#define TK_TCP_SACK_H

#include <stdint.h>

#include "tcpkit/wire/tcp.h"

#define TK_SACK_BOARD 16 /* SACKed ranges the sender remembers */

/* What the peer's SACK blocks say it holds beyond SND.UNA (sorted,
 * disjoint). */
typedef struct tk_sack_board {
    tk_sack_block sacked[TK_SACK_BOARD];
    uint32_t n;
} tk_sack_board;

#endif
