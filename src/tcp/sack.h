/* The sender's SACK scoreboard (RFC 2018, RFC 6675) and, with RACK-TLP
 * (RFC 8985, SPEC DT-12), the transmit log of the data in flight: a cold
 * part of the TCB. Boards come from a pool of their own (cfg.sack_boards);
 * a SACK connection takes one when it first sends data (RACK) or at the
 * first SACK block it is sent (classic detection), and returns it when it
 * is freed. Without one (the pool was empty) the connection recovers from
 * loss as without SACK (NewReno). */
#ifndef TK_TCP_SACK_H
#define TK_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/wire/tcp.h"

#define TK_SACK_BOARD 16 /* SACKed ranges the sender remembers */
#define TK_RACK_SEGS  40 /* transmit-log records (segments sent at one time merge) */

/* tk_rack_seg.flags */
#define TK_RACK_RETRANS 0x01 /* the latest transmission was a retransmission */
#define TK_RACK_LOST    0x02 /* marked lost, not yet retransmitted */

#define TK_RACK_FLAGS 0x03u

/* One record of the transmit log (8 bytes): the bytes from the previous
 * record's end (SND.UNA for the first) to `end`, last sent at the time in
 * the upper 30 bits of `xf` (microseconds modulo 2^32, to 4 us), with the
 * TK_RACK_* flags in the lower 2. */
typedef struct tk_rack_seg {
    uint32_t end;
    uint32_t xf;
} tk_rack_seg;

/* tk_rack.timer: what the retransmission timer slot waits for. */
#define TK_RACK_TIMER_RTO 0
#define TK_RACK_TIMER_TLP 1 /* the probe timeout (RFC 8985 7.2) */
#define TK_RACK_TIMER_REO 2 /* the reordering timer (RFC 8985 6.2 step 5) */

/* RACK-TLP, PRR (RFC 6937) and undo state of a connection (src/tcp/rack.c,
 * prr.c, undo.c). Times in microseconds modulo 2^32. */
typedef struct tk_rack {
    uint32_t n;         /* records in seg[] */
    uint32_t xmit;      /* RACK.xmit_ts of the most recently sent segment delivered */
    uint32_t end_seq;   /* RACK.end_seq */
    uint32_t rtt;       /* RACK.rtt */
    uint32_t min_rtt;   /* UINT32_MAX: no sample yet */
    uint32_t fack;      /* highest sequence number delivered + 1 (RACK.fack) */
    uint32_t dsack_end; /* RACK.dsack_round: SND.NXT when the last widening happened */
    uint32_t reo_until; /* deadline of the reordering timer (valid with reo_on) */
    uint32_t tlp_end;   /* TLP.end_seq while tlp_on */
    /* PRR (RFC 6937 3) */
    uint32_t prr_delivered, prr_out, recover_fs, prr_quota;
    /* Undo (SPEC DT-15): the window before the reduction, and the marks
     * that tell a spurious retransmission. */
    uint32_t prior_cwnd, prior_ssthresh;
    uint32_t undo_start;   /* SND.UNA when the episode began (Linux's undo_marker) */
    uint32_t undo_end;     /* SND.MAX when the episode began */
    uint32_t undo_tsval;   /* TSval of the episode's first retransmission */
    uint16_t undo_retrans; /* retransmitted segments not yet reported as duplicates */
    uint8_t reo_mult, reo_persist;
    uint8_t timer; /* TK_RACK_TIMER_* */
    uint8_t frto;  /* F-RTO step (RFC 5682 2): 0 off, 1 after the RTO, 2 new data sent */
    bool on;       /* the log is kept (RACK on, SACK negotiated) */
    bool valid;    /* xmit/end_seq/rtt hold a delivered segment */
    bool reo_seen; /* RACK.reordering_seen */
    bool dsack_round_on;
    bool reo_on;
    bool tlp_on, tlp_retrans, tlp_dsacked;
    bool undo_on;      /* a reduction that may still be undone */
    bool undo_ts;      /* undo_tsval is set, the Eifel check still to come */
    bool undo_ts_used; /* the episode's first retransmission was seen */
    bool arm;          /* new data went out: re-arm the probe timer */
    /* A record may carry TK_RACK_RETRANS or TK_RACK_LOST; false again once
     * the log empties. While false (and nothing is SACKed) the log is plain
     * data in flight, sent in order: nothing can be lost (rack.c). */
    bool marked;
    tk_rack_seg seg[TK_RACK_SEGS];
} tk_rack;

/* What the peer's SACK blocks say it holds beyond SND.UNA (sorted,
 * disjoint), and the RACK state. */
typedef struct tk_sack_board {
    tk_sack_block sacked[TK_SACK_BOARD];
    uint32_t n;
    tk_rack rack;
} tk_sack_board;

#endif
