/* The transmission control block and the TCP layer's internal interface.
 * A TCB is also the socket object: descriptor = index in the TCB pool. */
#ifndef TK_TCP_TCB_H
#define TK_TCP_TCB_H

#include <stdbool.h>
#include <stdint.h>

#include "base/chunkq.h"
#include "base/timerq.h"
#include "tcp/addr6.h"
#include "tcp/cc.h"
#include "tcp/reass.h"
#include "tcp/rtt.h"
#include "tcp/sack.h"
#include "tcp/sockopts.h"
#include "tcpkit/opts.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"
#include "tcpkit/types.h"
#include "tcpkit/wire/tcp.h"

#define TK_NIL UINT32_MAX
#ifndef TK_TCB_ALIGN
#define TK_TCB_ALIGN 64 /* a cache line; a core without a data cache may say 8 (tk_opts.h) */
#endif
#define TK_TIMER_COUNT 10 /* enum tk_timer_kind values, TK_TIMER_NONE included */
/* Deadlines a connection keeps (tk_tcb_cold.t): one per timer kind compiled
 * in; none for TK_TIMER_NONE, keep-alive or pacing without its feature. */
#define TK_TIMER_SLOTS (TK_TIMER_COUNT - 1 - !TK_WITH_KEEPALIVE - !TK_WITH_PACING)
_Static_assert(TK_TIMER_PACE == TK_TIMER_COUNT - 1, "tk_timer_slot: pacing's is the last slot");

/* TCB flags. */
#define TK_TF_FD         0x00000001u /* the application holds a descriptor */
#define TK_TF_ACKNOW     0x00000002u /* send an ACK at the next output */
#define TK_TF_FIN_QUEUED 0x00000004u /* FIN follows the queued data */
#define TK_TF_FIN_ACKED  0x00000008u
#define TK_TF_FIN_RCVD   0x00000010u /* end of the peer's stream reached */
#define TK_TF_SHUT_RD    0x00000020u
#define TK_TF_UNCORK     0x00000040u /* TCP_CORK cleared: the next burst pushes despite Nagle */
#define TK_TF_FO_CHILD   0x00000080u /* Fast Open child before ESTABLISHED (tcp/fastopen.c) */
#define TK_TF_FO_ACTIVE  0x00000100u /* our first SYN carries the Fast Open option */
/* IPv6: laddr/raddr are folds, tk_tcb_a6() the addresses. 0 with IPv6
 * compiled out, so every IPv6 branch folds away (TK_WITH_IPV6 0). */
#define TK_TF_V6         (TK_WITH_IPV6 ? 0x00000200u : 0u)
#define TK_TF_TS         0x00000400u /* timestamps negotiated */
#define TK_TF_SACK       0x00000800u /* SACK-permitted negotiated */
#define TK_TF_WS         0x00001000u /* window scaling negotiated */
#define TK_TF_IN_HASH    0x00002000u
#define TK_TF_IN_BIND    0x00004000u
#define TK_TF_IN_LISTEN  0x00008000u
#define TK_TF_PENDING    0x00010000u /* on the stack's output-pending list */
#define TK_TF_RTT_TIMING 0x00020000u
#define TK_TF_PASSIVE    0x00040000u /* came from a listener (RS-5) */
#define TK_TF_IN_ACCEPTQ 0x00080000u
#define TK_TF_BOUND      0x00100000u
#define TK_TF_CONNECTED  0x00200000u /* reached ESTABLISHED once */
#define TK_TF_PEER_WS    0x00400000u /* peer's SYN offered window scaling */
#define TK_TF_PEER_TS    0x00800000u
#define TK_TF_PEER_SACK  0x01000000u
#define TK_TF_FIN_SENT   0x02000000u
#define TK_TF_ABORT      0x04000000u /* close() asked for a RST (RS-2, RS-3) */
#define TK_TF_FORCE      0x08000000u /* send despite Nagle/SWS (persist timer) */
#define TK_TF_ORPHAN     0x10000000u /* closed by the application (not: not yet accepted) */
#define TK_TF_NO_BOARD   0x20000000u /* no SACK scoreboard was free: recovery as without SACK */
/* IPV6_V6ONLY: the wildcard takes no IPv4 (0 with IPv6 compiled out). */
#define TK_TF_V6ONLY (TK_WITH_IPV6 ? 0x40000000u : 0u)
#define TK_TF_ALLOC  0x80000000u /* slot in use (pool slots are not tracked) */

/* ECN state (tk_tcb.ecn, RFC 3168 6.1; src/tcp/ecn.c). */
#define TK_ECN_REQ  0x01 /* active open: every SYN sent so far was ECN-setup */
#define TK_ECN_ON   0x02 /* the connection uses ECN */
#define TK_ECN_ECE  0x04 /* CE received: ECE on every ACK until a CWR arrives */
#define TK_ECN_CWR  0x08 /* cwnd reduced: CWR on the next new data segment */
#define TK_ECN_HOLD 0x10 /* ECE at cwnd = 1 SMSS: new data waits for the retransmit timer */

/* Connection state not read by most data segments: timers and the RTT
 * estimator (rearmed and read once per ACK, so they come first, on one
 * line), list links, setup and teardown, probes, recovery marks, errors,
 * socket options, and listener state. It follows its hot part in the same
 * pool slot (tk_cold), so it costs no pointer and no second lookup. */
typedef struct tk_tcb_cold {
    tk_time t[TK_TIMER_SLOTS]; /* deadline per timer kind (tk_timer_slot) */
    tk_time last_snd;          /* time new data was last sent */
#if TK_WITH_PACING
    tk_time pace_next; /* pacing: when the next burst may start (pace.c) */
#endif
    tk_rtt rtt;
    tk_time ts_recent_age;
    uint32_t max_snd_wnd;
    /* How far the current recovery has resent holes (RFC 6675 HighRxt). */
    uint32_t rexmit_next;
    uint32_t rxt_mark;             /* SND.MAX when the latest hole repair was sent */
    uint32_t bind_next, bind_prev; /* bind hash (explicitly bound sockets) */
    uint32_t list_next;            /* accept queue */
    uint32_t pend_next, pend_prev; /* pending-output list (O(1) removal) */
    uint32_t parent;               /* listener of an unaccepted child */
    uint32_t iss, irs;
    uint32_t syn_data;    /* text of the peer's SYN, held until ESTABLISHED */
    uint32_t fin_seq;     /* sequence number of our FIN once sent */
    uint32_t fin_ooo_seq; /* the peer's FIN beyond a hole (DT-11), when fin_ooo */
    /* ACKs in reply to invalid segments (tcp/ackrate.c, SEC-8): sent in
     * the window starting at oow_start; oow_count 0: no window open. */
    uint32_t oow_count;
    /* OP-7 (RFC 2883): a duplicate range received, reported as the first
     * SACK block of the next ACK (tcp/dsack.c); length 0: none. In what
     * would be padding after oow_count and fin_ooo. */
    uint32_t dsack_left;
    tk_time oow_start;
    int so_error;   /* pending error (negative errno), 0 when none */
    int soft_error; /* last soft ICMP error (negative errno) since progress */
    bool fin_ooo;   /* fin_ooo_seq holds the peer's FIN (DT-11) */
    uint16_t dsack_len;
    uint16_t fo_syn_len; /* OP-8: data our first SYN carries (sndq offset 0); in the padding */
#if TK_WITH_PACING
    uint32_t pace_credit; /* pacing: bytes the current burst may still send (pace.c) */
#endif
    tk_sockopts opts; /* every socket-option value (tcp/sockopts.h) */

    /* A listener never probes or retransmits, and a connection never
     * listens (listen() needs a socket that never connected), so their
     * own fields share the last 32 bytes; listen() initializes the
     * listener's. */
    union {
        struct {                   /* a connection */
            tk_time persist_since; /* when the persist timer started (window closed) */
            /* TCP_USER_TIMEOUT counts from here: the last progress of the
             * data being retransmitted, or the first window probe left
             * unanswered (API-6). */
            tk_time stall_since;
            uint32_t persist_count; /* window probes since the window closed */
            uint32_t probes_unanswered;
            uint32_t keep_count; /* unanswered keepalive probes */
            /* OP-8: a Fast Open child's listener while TK_TF_FO_CHILD
             * (parent is cleared by accept()); in the padding. */
            uint32_t fo_listener;
        };
        struct { /* a listener */
            uint32_t acq_head, acq_tail, acq_len, backlog;
            tk_time cookie_sent; /* when the last SYN cookie went out (cookie_any) */
            bool cookie_any;
            uint32_t fo_pending; /* OP-8: Fast Open children not yet ESTABLISHED (padding) */
        };
    };
} tk_tcb_cold;

/* The hot part: at most 256 bytes (four cache lines; the pool keeps every
 * TCB on a line boundary), laid out in the order a data segment touches
 * them: the demultiplexing key, state and sequence variables; timestamps,
 * the RTT sample, activity and the pointers to the parts only connections
 * with loss or reordering take from pools of their own (reass, sack); the
 * buffer queues; congestion control. Everything else is in tk_cold(tp). */
typedef struct tk_tcb {
    /* Line 0: what finds the connection, and its sequence space. */
    _Alignas(TK_TCB_ALIGN) uint32_t laddr;
    uint32_t raddr;
    uint16_t lport, rport;
    uint32_t hash_next; /* conn hash or listen hash chain */
    uint32_t index;
    uint32_t flags;
    uint8_t state; /* enum tk_tcp_state */
    uint8_t snd_shift, rcv_shift;
    uint8_t ecn;         /* TK_ECN_* */
    uint16_t mss;        /* send MSS: the peer's, capped by ours */
    uint16_t encap_port; /* the peer's UDP port when carried in UDP (encap.c); 0: plain TCP */
    /* RFC 9293 3.3.1 send and receive sequence variables. */
    uint32_t snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
    uint32_t rcv_nxt, rcv_adv;

    /* Line 1: timestamps, RTT sample, activity, parts from pools. The TCB's
     * timer is queued by its index (s->timers), not by a node in here. */
    uint32_t last_ack_sent;
    uint32_t ts_recent;
    uint32_t rtt_seq;
    uint32_t rexmt_count; /* consecutive retransmission timeouts */
    tk_time rtt_start;
    tk_time last_rcv;    /* time of the last segment received */
    tk_reass *reass;     /* out-of-order ranges (own pool); NULL while data arrives in order */
    tk_sack_board *sack; /* SACK scoreboard (own pool); NULL until the first SACK block */

    /* Line 2: the buffers (chunks from the stack's pool, base/chunkq.h). */
    tk_chunkq sndq; /* head = SND.UNA (once the SYN is acknowledged) */
    tk_chunkq rcvq; /* committed = readable; out-of-order data past the end */

    /* Line 3: congestion control. */
    tk_cc cc;
} tk_tcb;

/* One pool slot: the hot part, then the cold part. */
typedef struct tk_tcb_slot {
    tk_tcb hot;
    tk_tcb_cold cold;
} tk_tcb_slot;

_Static_assert(sizeof(tk_tcb) <= 256, "the hot part of a TCB fits in four cache lines");
_Static_assert(sizeof(tk_tcb_slot) <= 640, "a TCB slot is ten cache lines");

static inline tk_tcb_cold *tk_cold_mut(tk_tcb *tp) {
    return &((tk_tcb_slot *)(void *)tp)->cold;
}
static inline const tk_tcb_cold *tk_cold_const(const tk_tcb *tp) {
    return &((const tk_tcb_slot *)(const void *)tp)->cold;
}
/* The cold part of a TCB (const for a const TCB). */
#define tk_cold(tp) _Generic((tp), const tk_tcb * : tk_cold_const, default : tk_cold_mut)(tp)

struct tk_stack;

/* tcb.c: life cycle, state, timers. */
tk_tcb *tk_tcb_alloc(struct tk_stack *s);
void tk_tcb_free(struct tk_stack *s, tk_tcb *tp);
/* The connection's reassembly tracker, taken from the stack's pool when
 * out-of-order data first needs it; NULL when the pool is empty (the
 * caller drops the segment, counted in drop_ooo_no_reass). Released when
 * it holds no range any more, and when the TCB is freed. */
tk_reass *tk_tcb_reass_take(struct tk_stack *s, tk_tcb *tp, tk_time now);
void tk_tcb_reass_release(struct tk_stack *s, tk_tcb *tp);
/* Out-of-order ranges held. */
static inline uint32_t tk_tcb_ooo_ranges(const tk_tcb *tp) {
    return tp->reass != NULL ? tp->reass->count : 0;
}
tk_tcb *tk_tcb_at(const struct tk_stack *s, uint32_t index);
void tk_tcb_set_state(struct tk_stack *s, tk_tcb *tp, int state, const char *cause);
/* Takes over a state without a trace event: a syncache entry becoming a
 * socket keeps the SYN_RCVD it was traced in. */
void tk_tcb_adopt_state(struct tk_stack *s, tk_tcb *tp, int state);
/* The slot of enum tk_timer_kind `kind` in tk_tcb_cold.t, or -1 for a kind
 * no connection keeps (TK_TIMER_NONE, a feature's compiled out). */
static inline int tk_timer_slot(int kind) {
    if (kind <= TK_TIMER_NONE || kind >= TK_TIMER_COUNT ||
        (!TK_WITH_KEEPALIVE && kind == TK_TIMER_KEEPALIVE) ||
        (!TK_WITH_PACING && kind == TK_TIMER_PACE))
        return -1;
    return kind - 1 - (!TK_WITH_KEEPALIVE && kind > TK_TIMER_KEEPALIVE); /* PACE is last */
}
/* The deadline of timer `kind`, TK_TIME_NEVER when it is not armed. */
static inline tk_time tk_tcb_timer_at(const tk_tcb *tp, int kind) {
    int i = tk_timer_slot(kind);
    return i < 0 ? TK_TIME_NEVER : tk_cold(tp)->t[i];
}
static inline bool tk_tcb_timer_armed(const tk_tcb *tp, int kind) {
    return tk_tcb_timer_at(tp, kind) != TK_TIME_NEVER;
}
/* Arms timer `kind` (a kind compiled out is never armed). */
void tk_tcb_timer_set(struct tk_stack *s, tk_tcb *tp, int kind, tk_time deadline);
void tk_tcb_timer_stop(struct tk_stack *s, tk_tcb *tp, int kind);
/* Puts the queue node at the earliest of t[] (or takes it off). */
void tk_tcb_timer_rearm(struct tk_stack *s, tk_tcb *tp);
/* Corrects queued deadlines left early by lazy rearming until the head of
 * the queue is the true earliest deadline (tk_stack_next_deadline). */
void tk_tcp_timers_settle(struct tk_stack *s);
int tk_tcb_next_timer(const tk_tcb *tp, tk_time *deadline);
void tk_tcb_mark_pending(struct tk_stack *s, tk_tcb *tp);
void tk_tcb_unlink_pending(struct tk_stack *s, tk_tcb *tp);
/* Reports err to the application and drops the connection (CLOSED); the TCB
 * is freed unless a descriptor still refers to it. */
void tk_tcb_drop(struct tk_stack *s, tk_tcb *tp, int err, const char *cause);
/* Enters TIME_WAIT; an orphan moves to a compact TIME_WAIT entry. */
void tk_tcb_time_wait(struct tk_stack *s, tk_tcb *tp, const char *cause, tk_time now);
/* A cause for a call the macros below do not cover: NULL without the trace
 * hook, so that the string is not linked either. */
#define TK_CAUSE(str) (TK_WITH_TRACE ? (str) : NULL)
#if !TK_WITH_TRACE
/* Without the trace hook a cause is never read: calls pass none, and the
 * strings are not linked (tcb.c, which defines these, #undefs them). */
#define tk_tcb_set_state(s, tp, state, cause)                                                      \
    ((void)(cause), tk_tcb_set_state((s), (tp), (state), NULL))
#define tk_tcb_drop(s, tp, err, cause) ((void)(cause), tk_tcb_drop((s), (tp), (err), NULL))
#define tk_tcb_time_wait(s, tp, cause, now)                                                        \
    ((void)(cause), tk_tcb_time_wait((s), (tp), NULL, (now)))
#endif
void tk_tcb_error(struct tk_stack *s, tk_tcb *tp, int err);
bool tk_tcb_synchronized(const tk_tcb *tp);
/* A state in which the peer may still send data (before its FIN). */
static inline bool tk_tcb_peer_may_send(const tk_tcb *tp) {
    switch (tp->state) {
    case TK_TCP_SYN_SENT:
    case TK_TCP_SYN_RCVD:
    case TK_TCP_ESTABLISHED:
    case TK_TCP_FIN_WAIT_1:
    case TK_TCP_FIN_WAIT_2:
        return true;
    default:
        return false;
    }
}
/* Keep-alives apply: SO_KEEPALIVE or the stack's keepalive_always. */
bool tk_tcb_keepalive_on(const struct tk_stack *s, const tk_tcb *tp);

/* output.c */
void tk_tcp_output(struct tk_stack *s, tk_tcb *tp, tk_time now);
void tk_tcp_send_ack(struct tk_stack *s, tk_tcb *tp, tk_time now);
void tk_tcp_send_rst_tcb(struct tk_stack *s, tk_tcb *tp, tk_time now);
/* A control segment without a TCB (RSTs, TIME_WAIT ACKs, cookie SYN-ACKs). */
typedef struct tk_ctl {
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    bool ts;
    uint32_t ts_ecr;
    uint16_t mss;     /* MSS option when non-zero (SYN-ACK of a SYN cookie) */
    uint16_t encap;   /* the peer's UDP port: sent inside UDP (encap.c); 0: plain */
    uint8_t ttl, tos; /* IP header; ttl 0: cfg.ip_ttl */
    /* IPv6 (tcp/addr6.h): the local and remote addresses, laddr/raddr then
     * unused; NULL: IPv4. */
    const uint8_t *l6, *r6;
} tk_ctl;
void tk_tcp_send_ctl(struct tk_stack *s, const tk_ctl *c, tk_time now);
struct tk_net_hdr_opts;
/* Sends a segment without payload built from h (signed when its options
 * carry TK_OPT_MD5), counted in segs_out (and rsts_sent). Returns what
 * tk_tcp_ip_output returned, or a negative errno when it could not be built
 * or signed. */
int tk_tcp_send_hdr(struct tk_stack *s, const tk_tcp_hdr *h, uint32_t laddr, uint32_t raddr,
                    uint16_t encap, const struct tk_net_hdr_opts *o, tk_time now);
/* The same over IPv6 from l6 to r6, inside UDP when encap (no MD5). */
int tk_tcp_send_hdr6(struct tk_stack *s, const tk_tcp_hdr *h, const uint8_t l6[16],
                     const uint8_t r6[16], uint16_t encap, const struct tk_net_hdr_opts *o,
                     tk_time now);
/* Resends up to len bytes at seq (one segment; the FIN with the last
 * byte); returns the sequence space sent (0: nothing). */
uint32_t tk_tcp_resend(struct tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t len, tk_time now);
/* Up to count new full segments (or the last piece), within the peer's
 * window but not cwnd (F-RTO, RFC 5682 2 b); returns the segments sent. */
uint32_t tk_tcp_send_new_segments(struct tk_stack *s, tk_tcb *tp, uint32_t count, tk_time now);
/* RFC 8985 7.3: a new segment if one may go, else the last one again
 * (*retrans). False when nothing went. */
bool tk_tcp_send_loss_probe(struct tk_stack *s, tk_tcb *tp, bool *retrans, tk_time now);
/* Resends the first unacknowledged segment (fast retransmit, DT-9). */
void tk_tcp_retransmit_head(struct tk_stack *s, tk_tcb *tp, tk_time now);
uint32_t tk_tcp_seg_max(const tk_tcb *tp);
/* The same less the SACK blocks the next segment will carry. */
uint32_t tk_tcp_seg_max_now(const struct tk_stack *s, const tk_tcb *tp, tk_time now);
uint8_t tk_tcp_wscale_for(uint32_t bufsize, uint8_t min);
/* Window probe: one byte at SND.UNA beyond a zero window (DT-3). */
void tk_tcp_send_probe(struct tk_stack *s, tk_tcb *tp, tk_time now);
void tk_tcp_send_keepalive(struct tk_stack *s, tk_tcb *tp, tk_time now);
/* The window to offer: free buffer space the buffer pool backs (reserving
 * chunks for it), never less than what was already offered. */
uint32_t tk_tcp_rcv_window(struct tk_stack *s, tk_tcb *tp);
/* ackrate.c (SEC-3, SEC-6, SEC-8). An ACK in reply to an invalid segment,
 * unless the connection's rate limit (invalid_ack_ratelimit) holds it. */
void tk_tcp_invalid_ack(struct tk_stack *s, tk_tcb *tp, tk_time now);
/* RFC 5961 7: a challenge ACK, if the connection's rate limit and then the
 * stack's random per-second budget allow. */
void tk_tcp_challenge_ack(struct tk_stack *s, tk_tcb *tp, tk_time now);
uint32_t tk_tcp_ts_now(tk_time now);
/* The window update a read makes worth sending (DT-2). */
bool tk_tcp_window_update_due(struct tk_stack *s, tk_tcb *tp);

/* input.c / input_sync.c */
/* Returns 0, or the tk_wire_err of a malformed segment (dropped, counted).
 * Segments dropped by protocol rules return 0: they were valid input. */
int tk_tcp_input(struct tk_stack *s, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                 tk_time now);
/* How a segment arrived below TCP; tk_tcp_input() means plain TCP, Not-ECT,
 * checksum checked. */
typedef struct tk_tcp_arrival {
    uint8_t ecn;      /* ECN field of the IPv4 header (RFC 3168 5: 0 Not-ECT,
                       * 1 ECT(1), 2 ECT(0), 3 CE) */
    uint16_t encap;   /* UDP source port when it came inside UDP; 0: plain TCP */
    bool verify_csum; /* check the TCP checksum */
} tk_tcp_arrival;
int tk_tcp_input_from(struct tk_stack *s, uint32_t src, uint32_t dst, const uint8_t *seg,
                      size_t len, const tk_tcp_arrival *via, tk_time now);
/* The same for a segment that came over IPv6 from src to dst (input6.c). */
int tk_tcp_input6(struct tk_stack *s, const uint8_t src[16], const uint8_t dst[16],
                  const uint8_t *seg, size_t len, const tk_tcp_arrival *via, tk_time now);

/* Decoded segment passed between input stages. */
typedef struct tk_seg {
    tk_tcp_hdr h;
    uint32_t src, dst;
    const uint8_t *data;
    uint32_t len;   /* payload bytes */
    uint8_t ecn;    /* ECN field of the IPv4 header (TK_IP_ECN_*) */
    uint16_t encap; /* UDP source port it came in from; 0: plain TCP */
    /* IPv6 (tcp/addr6.h): the packet's addresses, src/dst then their folds;
     * NULL: IPv4. */
    const uint8_t *src6, *dst6;
} tk_seg;
/* A segment's IPv6 addresses, ours and the peer's (NULL for IPv4, and
 * always with IPv6 compiled out, so that the IPv6 paths fold away). */
static inline const uint8_t *tk_seg_l6(const tk_seg *sg) {
    return TK_WITH_IPV6 ? sg->dst6 : NULL;
}
static inline const uint8_t *tk_seg_r6(const tk_seg *sg) {
    return TK_WITH_IPV6 ? sg->src6 : NULL;
}
/* RS-1's answer to a segment nothing accepts, <SEQ=SEG.ACK><CTL=RST> or
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, sent back the way the segment
 * came (plain or inside UDP). ttl/tos are those of the socket the segment
 * reached (a connection, listener or bound socket); ttl 0: the defaults.
 * A RST is never answered. */
void tk_tcp_reset_reply(struct tk_stack *s, const tk_seg *sg, uint8_t ttl, uint8_t tos,
                        tk_time now);
void tk_tcp_dispatch(struct tk_stack *s, tk_seg *sg, tk_time now);
void tk_tcp_input_listen(struct tk_stack *s, tk_tcb *lp, tk_seg *sg, tk_time now);
void tk_tcp_input_syn_sent(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg, tk_time now);
void tk_tcp_input_sync(struct tk_stack *s, tk_tcb *tp, tk_seg *sg, tk_time now);
/* RFC 9293 3.10.7.4 first check: is a segment of seglen sequence numbers at
 * seq acceptable for the window [rcv_nxt, rcv_nxt + wnd)? */
bool tk_tcp_seq_acceptable(uint32_t seq, uint32_t seglen, uint32_t rcv_nxt, uint32_t wnd);
/* Applies the peer's SYN options (OP-1..OP-4). */
void tk_tcp_syn_options(struct tk_stack *s, tk_tcb *tp, const tk_tcp_opts *o);
void tk_tcp_established(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg, const char *cause,
                        tk_time now);

/* sack.c: the sender's SACK scoreboard and RFC 6675 recovery. */
/* Returns true when the blocks SACKed data not known before. The first
 * block takes a scoreboard from the stack's pool; when none is free the
 * connection goes on without (counted in sack_board_full). */
bool tk_sack_update(struct tk_stack *s, tk_tcb *tp, const tk_tcp_opts *o);
void tk_sack_reset(tk_tcb *tp);
/* The connection's board, taken from the pool on first use; NULL when the
 * pool is empty (the connection then recovers as without SACK). */
tk_sack_board *tk_sack_board_take(struct tk_stack *s, tk_tcb *tp);
/* Returns the scoreboard to the pool (the TCB is being freed). */
void tk_sack_release(struct tk_stack *s, tk_tcb *tp);
/* SACK ranges on the board. */
static inline uint32_t tk_sack_count(const tk_tcb *tp) {
    return TK_WITH_SACK_SENDER && tp->sack != NULL ? tp->sack->n : 0;
}
/* Loss recovery follows RFC 6675: SACK negotiated and a scoreboard to
 * hold what the peer reports (never with TK_WITH_SACK_SENDER 0). */
static inline bool tk_sack_recovery(const tk_tcb *tp) {
    return TK_WITH_SACK_SENDER && (tp->flags & (TK_TF_SACK | TK_TF_NO_BOARD)) == TK_TF_SACK;
}
/* RFC 6675 4: IsLost(seq), the pipe estimate, and NextSeg() rule 1
 * (lost_only) or rule 3 retransmission candidates at or above HighRxt. */
bool tk_sack_is_lost(const tk_tcb *tp, uint32_t seq, uint32_t mss);
uint32_t tk_sack_pipe(const tk_tcb *tp, uint32_t mss);
bool tk_sack_next_seg(const tk_tcb *tp, uint32_t mss, bool lost_only, uint32_t *seq, uint32_t *len);
/* True when more than (DupThresh - 1) * mss bytes sent after the latest
 * repair (tp->rxt_mark) are SACKed while a repaired hole is still missing:
 * the repairs were lost too (the idea of RFC 8985). */
bool tk_sack_rexmit_lost(const tk_tcb *tp, uint32_t mss);
/* Going back after a timeout: moves SND.NXT past a SACKed range it is in;
 * returns the bytes from there to the next SACKed range (UINT32_MAX: none). */
uint32_t tk_sack_skip(tk_tcb *tp);
/* SACKed bytes between SND.UNA and seq. */
uint32_t tk_sack_bytes_below(const tk_tcb *tp, uint32_t seq);
/* Resends [seq, seq + len) of the send queue as one segment. */
void tk_tcp_retransmit_range(struct tk_stack *s, tk_tcb *tp, uint32_t seq, uint32_t len,
                             tk_time now);

/* syncookie.c (SEC-2, SEC-7) */
#if TK_WITH_SYNCOOKIE
/* Answers a SYN to lp with a cookie SYN-ACK and keeps no state. */
void tk_syncookie_send(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now);
/* A bare ACK to a listener. When it returns a valid cookie made lately,
 * creates the connection (SYN_RCVD, with the options the cookie kept),
 * stores it in *out for the ACK to complete and returns 1; when the cookie
 * is valid but the accept queue or the socket pool has no room, counts the
 * drop and returns 0 (no reply: the peer's next segment tries again);
 * otherwise returns -1 (not a cookie: the caller answers RS-8's RST). */
int tk_syncookie_accept(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now,
                        tk_tcb **out);
#else
/* SYN cookies compiled out (TK_WITH_SYNCOOKIE 0): none is sent (the
 * listener drops the SYN instead), none is accepted. */
static inline void tk_syncookie_send(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg,
                                     tk_time now) {
    (void)s, (void)lp, (void)sg, (void)now;
}
static inline int tk_syncookie_accept(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now,
                                      tk_tcb **out) {
    (void)s, (void)lp, (void)sg, (void)now;
    *out = NULL;
    return -1;
}
#endif

/* TCP Fast Open: tcp/fastopen.h, included below. */
/* Puts a passive connection on its listener's accept queue. */
void tk_tcp_accept_enqueue(struct tk_stack *s, tk_tcb *tp);

/* timer.c */
void tk_tcp_timer_fire(struct tk_stack *s, tk_tcb *tp, tk_time now);

/* ECN: tcp/ecn.h, included below. */

/* Sends a segment written at tk_tcp_seg_area() in an IPv4 packet with the
 * connection's TTL and TOS (IP_TTL, IP_TOS), inside UDP when encapsulated;
 * on an ECN connection the ECN field is ECT(0) when ect, else Not-ECT (RFC
 * 3168 6.1.2, 6.1.4). */
int tk_tcb_ip_output(struct tk_stack *s, const tk_tcb *tp, bool ect, size_t len, tk_time now);

/* offload.c (SPEC NET-7; tk_tcb_ip_output is there too, and asks the link
 * to finish what tk_tcp_seg_emit left to it). Payload bytes the next data
 * segment may carry when room bytes may go: at most maxseg, or on a TSO
 * link whole multiples of maxseg up to a super-segment of link_tso_max. */
uint32_t tk_tcp_tso_len(const struct tk_stack *s, const tk_tcb *tp, uint32_t maxseg, uint32_t room);
/* tk_wire_tcp_emit, or with the checksum left to a link that offers it. */
struct tk_tcp_hdr;
int tk_tcp_seg_emit(struct tk_stack *s, const tk_tcb *tp, const struct tk_tcp_hdr *h,
                    const uint8_t *payload, size_t plen, uint8_t *buf, size_t cap);

/* Connection setup shared by connect() and the listener. */
uint32_t tk_tcp_iss(struct tk_stack *s, const tk_tcb *tp, tk_time now);
uint32_t tk_tcp_iss_for(struct tk_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport, tk_time now);
/* A receive buffer of cap bytes rounded up to whole seg-byte segments when
 * the buffer's slack allows (as BSD's tcp_mss), else cap. */
uint32_t tk_tcp_rcvbuf_rounded(const struct tk_stack *s, uint32_t cap, uint32_t seg);
void tk_tcb_init_conn(struct tk_stack *s, tk_tcb *tp, tk_time now);

/* ctlinput.c: an ICMP error quoting a TCP segment of ours (ctx: the
 * stack); returns an enum tk_icmp_effect. */
struct tk_icmp_hdr;
struct tk_icmp_quote;
int tk_tcp_ctlinput(void *ctx, const struct tk_icmp_hdr *h, const struct tk_icmp_quote *q,
                    tk_time now);
/* Lowers tp's MSS to mss when below it, resending the first segment in
 * flight when it may not fit (counted in pmtu_lowered); an enum
 * tk_icmp_effect. */
int tk_tcp_pmtu_lower(struct tk_stack *s, tk_tcb *tp, uint32_t mss, tk_time now);
/* ctlinput6.c: an ICMPv6 error quoting a TCP segment of ours (NET-4, NET-5). */
struct tk_icmp6_quote;
int tk_tcp_ctlinput6(void *ctx, const struct tk_icmp_hdr *h, const struct tk_icmp6_quote *q,
                     tk_time now);
/* attach.c: registers TCP (and TCP over UDP) in the protocol switch. */
void tk_tcp_attach(struct tk_stack *s);

/* encap.c: TCP over UDP (cfg.udp_tunnel_port). */
struct tk_config;
struct tk_ipv4_hdr;
struct tk_net_hdr_opts;
bool tk_udp_tunnel_overhead_ok(const struct tk_config *cfg);
/* The MSS we offer and accept on a plain (encap 0) or encapsulated connection. */
uint16_t tk_tcp_mss_for(const struct tk_stack *s, bool v6, uint16_t encap);
/* A UDP datagram for us: TCP input when it came to the tunnel port, else a
 * counted drop. Returns 0 or why it was dropped. */
int tk_udp_input(struct tk_stack *s, const struct tk_ipv4_hdr *ih, const uint8_t *p, size_t len,
                 tk_time now);
/* The same over IPv6 (a zero UDP checksum is refused, RFC 8200 8.1); and
 * the UDP header around a segment to send over IPv6: the datagram's length
 * or a negative errno. */
struct tk_ipv6_hdr;
int tk_udp_input6(struct tk_stack *s, const struct tk_ipv6_hdr *ih, const uint8_t *p, size_t len,
                  tk_time now);
int tk_udp_wrap6(struct tk_stack *s, const uint8_t l6[16], const uint8_t r6[16], uint16_t encap,
                 size_t len);
/* Where a segment to send goes in the output frame (after the room for the
 * UDP header when encap != 0), and its room in *cap. */
uint8_t *tk_tcp_seg_area(struct tk_stack *s, bool v6, uint16_t encap, size_t *cap);
/* output6.c: sends the len-byte segment at tk_tcp_seg_area(s, true, ...)
 * in an IPv6 packet from a->l to a->r: o's TOS as the traffic class; the
 * hop limit the socket's IP_TTL when it differs from cfg.ip_ttl, else the
 * link's (a router's CurHopLimit); the RFC 6437 flow label a->flow (computed
 * and kept there when 0);
 * inside UDP from the tunnel port to encap when encap != 0 (encap.c);
 * l4 the link's offload requests (NULL: none). */
struct tk_net_l4_tx;
int tk_tcp_ip6_output(struct tk_stack *s, tk_a6pair *a, uint16_t encap,
                      const struct tk_net_hdr_opts *o, const struct tk_net_l4_tx *l4, size_t len,
                      tk_time now);
/* Sends the len-byte segment at tk_tcp_seg_area(): plain TCP, or inside UDP
 * from cfg.udp_tunnel_port to encap (-EHOSTUNREACH, counted, when the tunnel
 * is off). */
int tk_tcp_ip_output(struct tk_stack *s, uint32_t laddr, uint32_t raddr, uint16_t encap,
                     const struct tk_net_hdr_opts *o, size_t len, tk_time now);

#include "tcp/ecn.h"
#include "tcp/fastopen.h"

#endif
