/* The role of each TCP segment in a handshake or teardown (SPEC OBS-3),
 * worked out across all segments of an input by matching sequence and
 * acknowledgement numbers with the ports (and addresses, when known) in
 * reverse, never from one segment's flags alone:
 *   SYN-ACK.ack == SYN.seq + 1;
 *   handshake ACK.ack == SYN-ACK.seq + 1 and ACK.seq == SYN.seq + 1;
 *   ACK of FIN: ack == FIN.seq + payload + 1.
 * Segments may come in any order (pasted dumps often do). */
#ifndef TK_TOOLS_ROLES_H
#define TK_TOOLS_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "taddr.h"

#define TK_ROLE_NOPOS ((size_t)-1) /* "no such segment" in positions below */

typedef enum tk_role {
    TK_ROLE_NONE = 0, /* not a TCP segment */
    TK_ROLE_SYN,      /* handshake 1/3 */
    TK_ROLE_SYNACK,   /* handshake 2/3 */
    TK_ROLE_HS_ACK,   /* handshake 3/3 */
    TK_ROLE_FIN,
    TK_ROLE_FIN_ACK, /* a pure ACK of a FIN */
    TK_ROLE_RST,
    TK_ROLE_DATA,
    TK_ROLE_ACK, /* a pure ACK that is none of the above */
} tk_role;

/* What role inference needs from one segment. */
typedef struct tk_role_seg {
    bool is_tcp;
    bool has_addr; /* src/dst known (a partial dump may lack them) */
    tk_taddr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* TK_TCP_* */
    uint32_t payload_len;
} tk_role_seg;

typedef struct tk_role_result {
    tk_role role;
    bool confirmed; /* the segment it answers (or that answers it) is present */
    bool repeat;    /* the same SYN, SYN-ACK or FIN came earlier (a retransmission) */
    size_t peer;    /* position of the matched segment, or TK_ROLE_NOPOS */
} tk_role_result;

/* One handshake: positions of its SYN, SYN-ACK and ACK (TK_ROLE_NOPOS for a
 * part the input does not hold). */
typedef struct tk_handshake {
    size_t syn, synack, ack;
} tk_handshake;

#define TK_TEARDOWN_MAX 8

/* One connection's teardown in protocol order: the first FIN, its ACK(s),
 * the other side's FIN, its ACK(s). */
typedef struct tk_teardown {
    size_t pos[TK_TEARDOWN_MAX];
    size_t count;
} tk_teardown;

/* Fills out[0..n). Returns 0 or -ENOMEM. */
int tk_roles_infer(const tk_role_seg *segs, size_t n, tk_role_result *out);

/* The handshakes found by tk_roles_infer, ordered by their first segment in
 * the input. Writes at most cap; returns how many there are. */
size_t tk_roles_handshakes(const tk_role_seg *segs, const tk_role_result *res, size_t n,
                           tk_handshake *hs, size_t cap);

/* The teardowns, one per connection with a FIN, ordered by their first
 * segment in the input. Writes at most cap; returns how many there are. */
size_t tk_roles_teardowns(const tk_role_seg *segs, const tk_role_result *res, size_t n,
                          tk_teardown *td, size_t cap);

/* "handshake 1/3 (SYN)", "teardown (ACK of FIN)", "data", ... */
const char *tk_role_name(tk_role role);

#endif
