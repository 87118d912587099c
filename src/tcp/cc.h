/* Congestion control behind a small interface (SPEC DT-9, DT-13). The sender
 * calls these hooks; an algorithm only adjusts cwnd/ssthresh and says when a
 * fast retransmission is due. Two are built in: CUBIC (RFC 9438, with
 * HyStart++ RFC 9406; the default) and NewReno (RFC 5681, RFC 6582); they
 * share the recovery machinery of tcp/cc_reno.h. */
#ifndef TK_TCP_CC_H
#define TK_TCP_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/opts.h"
#include "tcpkit/types.h"

typedef struct tk_cc tk_cc;

#define TK_CC_PRIV_WORDS (TK_WITH_CUBIC ? 10 : 1)

/* What the sender must do after a hook returns. */
#define TK_CC_NOTHING    0
#define TK_CC_RETRANSMIT 1 /* retransmit the first unacknowledged segment now */
#define TK_CC_REDUCED    2 /* cwnd was reduced (on_ecn): the next new data carries CWR */

typedef struct tk_cc_ops {
    const char *name;
    /* RFC 5681 3.1: IW is 2, 3 or 4 segments by SMSS, or with iw_segments
     * N > 0 min(N * SMSS, max(2 * SMSS, N * 1460)) (RFC 6928 2 for N = 10);
     * ssthresh "arbitrarily high". */
    void (*init)(tk_cc *cc, uint32_t mss, uint32_t snd_una, uint32_t iw_segments);
    /* The cumulative ACK advanced to `ack`, acknowledging `acked` new bytes;
     * `flight` is the bytes outstanding before this ACK, snd_nxt the send edge. */
    int (*on_ack)(tk_cc *cc, uint32_t ack, uint32_t acked, uint32_t flight, uint32_t snd_nxt);
    /* A duplicate ACK (RFC 5681 2: no data, no window change, ack == snd_una, data outstanding). */
    int (*on_dupack)(tk_cc *cc, uint32_t flight, uint32_t snd_una, uint32_t snd_nxt);
    /* The retransmission timer fired (RFC 5681 eqn. 4, cwnd = 1 SMSS). */
    void (*on_rto)(tk_cc *cc, uint32_t flight, uint32_t snd_nxt);
    /* Restart after an idle period longer than the RTO (RFC 5681 4.1). */
    void (*on_idle)(tk_cc *cc);
    /* RFC 3168 6.1.2: an ACK with ECN-Echo on an ECN connection, reported
     * just before the on_ack or on_dupack of the same ACK (`flight` as
     * there, snd_max the highest sequence number sent + 1). Reduce cwnd and
     * ssthresh as for a loss, at most once per window of data, and return
     * TK_CC_REDUCED when it did (else TK_CC_NOTHING). The on_ack that
     * follows must not grow cwnd. */
    int (*on_ecn)(tk_cc *cc, uint32_t ack, uint32_t flight, uint32_t snd_max);
    /* SPEC DT-15: the latest reduction was spurious (D-SACK, Eifel
     * timestamps, F-RTO showed the data was not lost): give the window
     * back. prior_cwnd and prior_ssthresh are the values just before it;
     * recovery ends. May be NULL: the reduction stays. */
    void (*undo)(tk_cc *cc, uint32_t prior_cwnd, uint32_t prior_ssthresh);
    /* Optional (NULL: not needed). Called for every ACK that acknowledges
     * new data, before its on_ack: the time, the send edge (rounds of
     * HyStart++ end when `ack` passes the snd_nxt of the round's start),
     * and the RTT sample this ACK gave in microseconds, 0 when none. */
    void (*on_sample)(tk_cc *cc, uint32_t ack, uint32_t snd_nxt, uint32_t rtt_us, tk_time now);
    /* Optional policy of the shared machinery (tcp/cc_reno.h); NULL:
     * NewReno's. The ssthresh of a congestion event (fast retransmit, ECN,
     * or a timeout when rto), called before cwnd is lowered. */
    uint32_t (*ssthresh)(tk_cc *cc, uint32_t flight, bool rto);
    /* cwnd growth for `acked` new bytes outside recovery (no ECN-Echo). */
    void (*grow)(tk_cc *cc, uint32_t acked);
} tk_cc_ops;

struct tk_cc {
    const tk_cc_ops *ops;
    uint32_t mss;
    uint32_t iw; /* initial window in bytes, also the restart window's cap */
    uint32_t cwnd;
    uint32_t ssthresh;
    uint32_t dupacks;
    uint32_t recover;     /* RFC 6582: snd_nxt when fast recovery began */
    uint32_t bytes_acked; /* RFC 3465 appropriate byte counting in avoidance */
    bool in_recovery;
    /* Algorithm-private state. The TCB's hot part holds the whole tk_cc
     * (80 bytes, tcp/tcb.h), so this is all there is: priv8[0] and priv[0]
     * belong to the shared recovery machinery (tcp/cc_reno.h); the other
     * words are CUBIC's (NewReno alone, TK_WITH_CUBIC 0, needs none). */
    uint8_t priv8[3];
    uint32_t priv[TK_CC_PRIV_WORDS];
};

extern const tk_cc_ops tk_cc_newreno;
extern const tk_cc_ops tk_cc_cubic;

/* Congestion controllers by number (tk_config.cc_algorithm, TCP_CONGESTION):
 * TK_CC_ALGO_CUBIC, TK_CC_ALGO_NEWRENO (tcpkit/config.h). NULL for an
 * unknown number. */
const tk_cc_ops *tk_cc_ops_at(uint32_t algo);
/* The number of the controller called `name` ("cubic", "newreno"; exact,
 * len bytes, a NUL ends it early), or -ENOENT. */
int tk_cc_find(const char *name, size_t len);
/* Changes a running connection's controller to `ops`: cwnd, ssthresh and
 * the recovery state stay, the new algorithm's own state starts afresh. */
void tk_cc_switch(tk_cc *cc, const tk_cc_ops *ops);

#endif
