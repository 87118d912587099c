/* Capture analysis for `tcpkit analyze` (SPEC OBS-4): TCP segments in
 * capture order -> connections (one per 4-tuple and SYN), the state path
 * each end went through as the segments show it, bytes each way, the
 * handshake RTT, and expert notes in the spirit of Wireshark's TCP
 * analysis (retransmission, duplicate ACK, zero window, RST cause, ...).
 *
 * Pure: the caller parses frames and feeds tk_az_seg records; nothing here
 * reads a file or prints. Tables grow with realloc (a tool, not the core). */
#ifndef TK_TOOLS_ANALYZE_H
#define TK_TOOLS_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/capture/taddr.h"
#include "tcpkit/tcp_state.h"

#define TK_AZ_PATH_MAX   16  /* states remembered per end */
#define TK_AZ_REASON_LEN 160 /* room for one note's reason */

/* Kinds of expert note, in the order reports list their counts. */
typedef enum tk_az_kind {
    TK_AZ_RETRANS = 0,       /* data or SYN/FIN sent again */
    TK_AZ_FAST_RETRANS,      /* ... after two or more duplicate ACKs */
    TK_AZ_SPURIOUS_RETRANS,  /* ... although the peer had ACKed it */
    TK_AZ_OUT_OF_ORDER,      /* an older segment arriving just after newer ones */
    TK_AZ_DUP_ACK,           /* same ACK, same window, no data */
    TK_AZ_ZERO_WINDOW,       /* the sender advertises window 0 */
    TK_AZ_WINDOW_PROBE,      /* one byte at the edge of a zero window */
    TK_AZ_WINDOW_UPDATE,     /* only the window changed */
    TK_AZ_KEEPALIVE,         /* SEQ = SND.NXT - 1, at most one byte */
    TK_AZ_KEEPALIVE_ACK,     /* the answer to a keep-alive */
    TK_AZ_ACKED_UNSEEN,      /* ACK of data the capture does not hold */
    TK_AZ_PREV_NOT_CAPTURED, /* a gap in the sender's sequence space */
    TK_AZ_PORTS_REUSED,      /* a new SYN on a 4-tuple seen before */
    TK_AZ_RST,               /* a reset, with its likely cause */
    TK_AZ_KIND_COUNT
} tk_az_kind;

/* One TCP segment as the analyzer needs it. */
typedef struct tk_az_seg {
    unsigned index;    /* packet number in the capture, 1-based */
    int64_t ts_us;     /* capture time in microseconds */
    tk_taddr src, dst; /* either family (IPv4 as ::ffff:a.b.c.d) */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* TK_TCP_* */
    uint16_t win;  /* raw window field */
    int8_t wscale; /* window scale option of a SYN, -1 when absent */
    uint32_t len;  /* payload bytes */
} tk_az_seg;

#define TK_AZ_NONE ((size_t)-1) /* "no note" in the lists below */

typedef struct tk_az_note {
    unsigned index; /* packet number */
    size_t conn;    /* connection number, 0-based */
    size_t next;    /* the connection's next note, or TK_AZ_NONE */
    int end;        /* the end that sent the packet: 0 initiator, 1 responder */
    tk_az_kind kind;
    char reason[TK_AZ_REASON_LEN];
} tk_az_note;

/* What one end sent, and the states it went through. */
typedef struct tk_az_end {
    tk_taddr addr;
    uint16_t port;
    bool sent_any, syn_seen, synack_sent, fin_seen, fin_acked, rst_sent;
    bool has_seq;  /* next_seq holds a sequence number */
    bool has_hole; /* [hole_lo, hole_hi) was skipped: never seen sent */
    uint32_t hole_lo, hole_hi;
    uint32_t isn, fin_seq;
    uint32_t next_seq;    /* highest sequence number sent + 1 */
    uint32_t last_ack;    /* highest ACK sent */
    uint32_t prev_ack;    /* the ACK of its latest segment (a late one's too) */
    bool ack_valid;       /* last_ack holds an ACK */
    uint32_t win;         /* last window advertised (scaled) */
    int8_t wscale;        /* from its SYN, -1 when absent */
    unsigned dup_acks;    /* duplicate ACKs in a row */
    int64_t last_ack_us;  /* when it last sent a segment with ACK */
    int64_t last_data_us; /* when the highest sequence number was sent */
    bool last_keepalive;  /* its last segment was a keep-alive */
    bool last_probe;      /* its last segment was a zero-window probe */
    uint64_t bytes;       /* payload bytes sent, retransmissions not counted */
    uint64_t bytes_data;  /* payload bytes sent, all of them */
    unsigned packets;
    int64_t syn_us; /* when its (last) SYN or SYN-ACK was sent */
    enum tk_tcp_state path[TK_AZ_PATH_MAX];
    size_t path_len;
} tk_az_end;

typedef struct tk_az_conn {
    tk_az_end end[2]; /* [0] sent the first segment (the SYN when captured) */
    bool from_syn;    /* the capture holds the opening SYN */
    int client;       /* the end that opened: 0, 1 (capture starts at the SYN-ACK), -1 unknown */
    bool reused;      /* opened by a SYN on a 4-tuple seen before */
    size_t prev;      /* the earlier connection on the 4-tuple, or TK_AZ_NONE */
    unsigned first_index, last_index;
    int64_t first_us, last_us;
    int64_t rtt_us;     /* SYN -> SYN-ACK as captured, -1 unknown */
    int64_t irtt_us;    /* SYN -> handshake ACK (iRTT), -1 unknown */
    bool wscale_on;     /* both SYNs carried window scale */
    int last_end;       /* end that sent the previous segment, -1 none */
    uint8_t last_flags; /* flags of the previous segment */
    uint32_t last_ack;  /* its acknowledgement number */
    unsigned counts[TK_AZ_KIND_COUNT];
    size_t note_head, note_tail; /* its notes in packet order, or TK_AZ_NONE */
    bool closed;                 /* both FINs acknowledged, or a reset */
} tk_az_conn;

typedef struct tk_analyzer {
    tk_az_conn *conns;
    size_t nconns, cap_conns;
    tk_az_note *notes;
    size_t nnotes, cap_notes;
    size_t *slots; /* 4-tuple index: conns index + 1, 0 empty */
    size_t nslots, ntuples;
} tk_analyzer;

void tk_az_init(tk_analyzer *az);
void tk_az_free(tk_analyzer *az);

/* Feeds the next segment in capture order. Returns 0 or -ENOMEM. */
int tk_az_feed(tk_analyzer *az, const tk_az_seg *seg);

/* The connection segment s went to when it was fed (the newest on its
 * 4-tuple): its index in conns, or -1 when none. */
long tk_az_conn_of(const tk_analyzer *az, const tk_az_seg *s);

/* "retransmission", "duplicate ACK", "port numbers reused", ... */
const char *tk_az_kind_name(tk_az_kind kind);

/* "retransmission", "duplicate_ack", ...: stable keys for JSON. */
const char *tk_az_kind_id(tk_az_kind kind);

/* "SYN_SENT", "TIME_WAIT", ... */
const char *tk_az_state_name(enum tk_tcp_state state);

#endif
