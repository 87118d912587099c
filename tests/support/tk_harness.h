/* Packet-level test harness: one stack under test and a scripted remote
 * host that injects TCP segments built from fields and captures what the
 * stack sends, on virtual time. Also a pair of stacks joined by an
 * in-memory link. */
#ifndef TK_TESTS_HARNESS_H
#define TK_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/capture/frame_tcp.h"
#include "tcpkit/config.h"
#include "tcpkit/socket.h"
#include "tcpkit/stack.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"
#include "tcpkit/wire/tcp.h"

#define TKH_LOCAL_ADDR  0xc6120001u /* 198.18.0.1: the stack under test */
#define TKH_REMOTE_ADDR 0xc6120002u /* 198.18.0.2: the scripted peer */
#define TKH_FRAME_MAX   9100
#define TKH_MAX_FRAMES  256
#define TKH_MAX_EVENTS  128

/* A captured or injected TCP segment. */
typedef struct tkh_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    tk_tcp_opts opts;
    uint32_t len;
    uint8_t tos; /* the IPv4 TOS byte (ECN field in the low two bits) */
    uint8_t data[TKH_FRAME_MAX];
    tk_time at; /* when it was sent */
} tkh_seg;

typedef struct tkh_event {
    int kind; /* TK_TRACE_STATE or TK_TRACE_ERROR */
    int sd, old_state, new_state, err;
    uint16_t lport, rport;
    char cause[40];
    tk_time at;
} tkh_event;

typedef struct tkh_frame {
    tk_time at;
    size_t len;
    uint8_t buf[TKH_FRAME_MAX];
} tkh_frame;

typedef struct tkh {
    tk_stack *s;
    tk_config cfg;
    tk_time now;
    uint32_t rng;
    uint16_t lport, rport; /* ports of the scripted connection */
    tkh_frame *frames;     /* captured output, FIFO */
    int nframes, head;
    tkh_event events[TKH_MAX_EVENTS];
    int nevents;
    uint32_t ts_now;      /* the remote's TSval clock */
    uint8_t in_tos;       /* TOS byte of injected segments (0; ECN marks: RFC 3168) */
    uint32_t in_rx_flags; /* tk_stack_input_rx flags of injected segments (NET-7) */
    bool in_bad_csum;     /* injected segments carry a damaged TCP checksum */
} tkh;

/* A test configuration: 198.18.0.1/15, small pools, defaults otherwise. */
void tkh_config(tk_config *cfg);
/* Creates the stack (cfg NULL: tkh_config) and adds the remote as neighbour. */
void tkh_init(tkh *h, const tk_config *cfg);
void tkh_fini(tkh *h);

/* Injects a segment from the remote (rport -> lport) at h->now. */
int tkh_inject(tkh *h, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
               const tk_tcp_opts *opts, const void *data, size_t len);
/* The same from explicit ports. */
/* A TCP header from sport to dport with these fields (options copied when
 * opts is not NULL), everything else zero. */
tk_tcp_hdr tkh_hdr(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                   uint16_t win, const tk_tcp_opts *opts);
int tkh_inject_ports(tkh *h, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                     uint32_t ack, uint16_t win, const tk_tcp_opts *opts, const void *data,
                     size_t len);
/* Injects raw TCP bytes (header with options, payload) from the remote;
 * the checksum field is filled in. Returns tk_stack_input's result. */
int tkh_inject_tcp_bytes(tkh *h, uint8_t *seg, size_t len);
/* Injects a segment from the remote (h->rport -> h->lport) carrying the
 * MD5 option (RFC 2385), signed with key (appended to opts' other options).
 * Returns tk_stack_input's result. */
int tkh_inject_signed(tkh *h, const char *key, uint8_t flags, uint32_t seq, uint32_t ack,
                      uint16_t win, const tk_tcp_opts *opts, const void *data, size_t len);
/* 1 when the segment tkh_next() returned last carries a valid signature
 * made with key, 0 when the signature is wrong, negative when it has none. */
int tkh_last_md5(const tkh *h, const char *key);
/* Polls at h->now. */
void tkh_poll(tkh *h);
/* Advances virtual time to t, polling at every deadline on the way. */
void tkh_run_until(tkh *h, tk_time t);
/* Pops the next captured TCP segment; false when none. */
bool tkh_next(tkh *h, tkh_seg *out);
/* The fields of a decoded frame (the tools' shared decoder) into a tkh_seg;
 * `at` is left to the caller. */
void tkh_seg_from_frame(const tk_frame_tcp *f, tkh_seg *out);
int tkh_pending(const tkh *h);
void tkh_clear(tkh *h);
/* The most recent state event for (lport, rport), or NULL. */
const tkh_event *tkh_last_state(const tkh *h);
/* Number of recorded state transitions old -> new. */
int tkh_count_transitions(const tkh *h, int old_state, int new_state);

/* A listener on h->lport (backlog 8). */
int tkh_listen(tkh *h);
/* A connection from h->rport through listener ls: SYN with irs, SYN-ACK
 * checked, ACK, accept(). Returns the descriptor; *iss is the stack's ISS. */
int tkh_accept_conn(tkh *h, int ls, uint32_t irs, const tk_tcp_opts *syn_opts, uint32_t *iss);
/* Opens a passive connection: listen on lport, remote SYN with irs and the
 * given options, expects the SYN-ACK, ACKs it, accepts. Returns the
 * accepted descriptor and the stack's ISS in *iss. */
int tkh_open_passive(tkh *h, uint32_t irs, const tk_tcp_opts *syn_opts, uint32_t *iss);
/* Active open from the stack: connect, capture SYN, answer SYN-ACK with irs,
 * expect the ACK. Returns the descriptor; *iss is the stack's ISS. */
int tkh_open_active(tkh *h, uint32_t irs, const tk_tcp_opts *synack_opts, uint32_t *iss);

/* Pops the next segment into *g and asserts flags, seq, ack and payload
 * length (cmocka must be included first). */
#define TKH_EXPECT(h, g, fl, sq, ak, ln)                                                           \
    do {                                                                                           \
        assert_true(tkh_next((h), (g)));                                                           \
        assert_int_equal((g)->flags, (fl));                                                        \
        assert_int_equal((g)->seq, (uint32_t)(sq));                                                \
        assert_int_equal((g)->ack, (uint32_t)(ak));                                                \
        assert_int_equal((g)->len, (ln));                                                          \
    } while (0)
#define TKH_NOTHING(h) assert_int_equal(tkh_pending(h), 0)

/* Two stacks (a = 198.18.0.1, b = 198.18.0.2) on an in-memory link. */
typedef bool (*tkp_filter)(void *ctx, int from, const uint8_t *frame, size_t len, tk_time now);
struct tkp;
typedef struct tkp_side {
    struct tkp *p;
    int idx;
} tkp_side;
typedef struct tkp {
    tkp_side side[2];
    tk_stack *st[2];
    tk_config cfg[2];
    tk_time now;
    tk_time latency;
    uint32_t rng;
    tkh_frame *q; /* in flight, unordered; delivered by time */
    int *q_to;
    int nq;
    tkp_filter filter; /* false: the frame is lost */
    /* Seeded faults, in parts per million of frames, and extra random
     * delay up to jitter (reorders frames). */
    uint32_t loss_ppm, dup_ppm, corrupt_ppm;
    tk_time jitter;
    uint32_t fault_rng;
    void *filter_ctx;
    tkh_event events[2][TKH_MAX_EVENTS];
    int nevents[2];
    uint64_t delivered, dropped;
} tkp;

void tkp_init(tkp *p, const tk_config *a, const tk_config *b, tk_time latency);
void tkp_fini(tkp *p);
/* Runs frames and timers until virtual time t (or until nothing is left
 * to do before t). */
void tkp_run_until(tkp *p, tk_time t);
/* Runs until idle: no frame in flight and no deadline before now + limit. */
void tkp_settle(tkp *p, tk_time limit);

#endif
