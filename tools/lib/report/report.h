/* Pictures of TCP (SPEC OBS-5..OBS-8): a list of segments between two ends
 * and each end's state changes -> a ladder diagram, the RFC 9293 state
 * diagram with the transitions taken, a time-sequence graph, cwnd / ssthresh
 * / RTT / RTO over time, a plain-text ladder, JSON of each segment, and one
 * self-contained HTML page holding them all (docs/pictures.md).
 *
 * The producers (the simulator, the script runner, the capture analyzer)
 * fill a tk_report; nothing here knows where the segments came from. Pure
 * apart from writing to the FILE given; tables grow with realloc.
 *
 *   tk_report r; tk_rp_init(&r, "lifecycle");
 *   tk_rp_conn *c = tk_rp_conn_add(&r);
 *   tk_rp_add_seg(c, &seg); tk_rp_add_state(c, &st); ...
 *   tk_rp_html(stdout, &r); tk_rp_free(&r);
 */
#ifndef TK_TOOLS_REPORT_H
#define TK_TOOLS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/capture/taddr.h"

/* tk_rp_seg.marks */
#define TK_RP_LOST    0x1u /* never arrived (the link lost it) */
#define TK_RP_RETRANS 0x2u /* sends sequence space sent before */
#define TK_RP_DUP     0x4u /* a second copy the link made */
#define TK_RP_CORRUPT 0x8u /* arrived damaged; the receiver dropped it */

#define TK_RP_OPTS_LEN 96
#define TK_RP_NO_TIME  INT64_MIN /* arrived_us of a segment that did not arrive */

/* One segment, from one end to the other. Sequence numbers are absolute. */
typedef struct tk_rp_seg {
    int64_t sent_us;    /* when it left its end */
    int64_t arrived_us; /* when it reached the other end, TK_RP_NO_TIME if lost or
                           still in flight when the record ends */
    int from;           /* the sending end: 0 or 1 */
    uint32_t seq, ack;
    uint8_t flags; /* TK_TCP_* */
    uint16_t win;  /* raw window field */
    int8_t wscale; /* window scale option (SYNs), -1 when absent */
    uint32_t len;  /* payload bytes */
    unsigned marks;
    uint8_t nsack;
    uint32_t sack[4][2];       /* SACK blocks [left, right) */
    char opts[TK_RP_OPTS_LEN]; /* options as tcpdump lists them, "" if none */
    char *detail;              /* the decoded packet and notes (owned), or NULL */
    const char *link;          /* what the link did ("lost", "duplicated"), or NULL */
    unsigned packet;           /* packet number in a capture, 0 when none */
} tk_rp_seg;

/* One end's state change, with its cause ("rcv SYN-ACK", "close()"). */
typedef struct tk_rp_state {
    int64_t t_us;
    int end;
    int from, to; /* enum tk_tcp_state */
    char cause[48];
} tk_rp_state;

/* The sender's congestion state at one instant (from the stack itself). */
typedef struct tk_rp_sample {
    int64_t t_us;
    int end;
    uint32_t cwnd, ssthresh; /* bytes */
    int64_t srtt_us, rto_us;
} tk_rp_sample;

/* An expert note on a segment (analyze) or a remark at a time (sim). */
typedef struct tk_rp_note {
    int64_t t_us;
    size_t seg; /* index into segs, or TK_RP_NO_SEG */
    char text[200];
} tk_rp_note;
#define TK_RP_NO_SEG ((size_t)-1)

/* One conversation between two ends: a connection, or a whole simulation
 * between two hosts (several connections, one pair of timelines). */
typedef struct tk_rp_conn {
    char title[256];
    char end_name[2][64]; /* "A 198.18.0.1", "server 10.0.0.2:80" */
    bool states_inferred; /* states read from the segments (a capture) */
    bool drawn;           /* false: listed in the index only (size limit) */
    tk_rp_seg *segs;
    size_t nsegs, cap_segs;
    tk_rp_state *states;
    size_t nstates, cap_states;
    tk_rp_sample *samples;
    size_t nsamples, cap_samples;
    tk_rp_note *notes;
    size_t nnotes, cap_notes;
} tk_rp_conn;

typedef struct tk_report {
    char title[160];
    tk_rp_conn *conns;
    size_t nconns, cap_conns;
} tk_report;

void tk_rp_init(tk_report *r, const char *title);
void tk_rp_free(tk_report *r);

/* A new, empty conversation (zeroed; end names "A"/"B"), or NULL. The
 * pointer stays valid until the next tk_rp_conn_add. */
tk_rp_conn *tk_rp_conn_add(tk_report *r);

/* Appends a copy (seg->detail is taken over). Returns 0 or -ENOMEM. */
int tk_rp_add_seg(tk_rp_conn *c, const tk_rp_seg *seg);
int tk_rp_add_state(tk_rp_conn *c, const tk_rp_state *st);
int tk_rp_add_sample(tk_rp_conn *c, const tk_rp_sample *sm);
int tk_rp_add_note(tk_rp_conn *c, int64_t t_us, size_t seg, const char *text);

/* Addresses (either family) and ports (host order) of a segment. */
typedef struct tk_rp_endpoints {
    tk_taddr src, dst;
    uint16_t sport, dport;
} tk_rp_endpoints;

struct tk_tcp_hdr;
/* Fills the fields of a TCP header (options raw in opts[0..optlen)); times
 * and marks are left for the caller (arrived_us = TK_RP_NO_TIME). */
void tk_rp_seg_from_tcp(const struct tk_tcp_hdr *t, const uint8_t *opts, size_t optlen,
                        uint32_t payload_len, tk_rp_seg *out);
/* The same from a whole frame (Ethernet, IPv4, TCP; checksums not checked),
 * and its endpoints when ep is not NULL. Returns 0, or -ENOENT / -EINVAL
 * when the frame holds no readable TCP segment. */
int tk_rp_seg_from_frame(const uint8_t *frame, size_t len, tk_rp_seg *out, tk_rp_endpoints *ep);

/* Marks retransmissions among the segments a tool sees sent, flow by flow:
 * a segment is one when it starts below the highest sequence number its
 * flow sent before (a SYN with a new ISN, or after the flow's FIN or RST,
 * starts over; a simultaneous open's SYN-ACK is not one). Zero it to
 * start. */
#define TK_RP_RTX_FLOWS 64
typedef struct tk_rp_rtx {
    struct tk_rp_rtx_flow {
        tk_rp_endpoints ep;
        uint32_t isn, max;
        bool used;
        bool ended;    /* it sent a FIN or RST */
        bool syn_only; /* its last SYN had no ACK (a simultaneous open may follow) */
    } flows[TK_RP_RTX_FLOWS];
    unsigned next;
} tk_rp_rtx;
bool tk_rp_rtx_check(tk_rp_rtx *r, const tk_rp_endpoints *ep, const tk_rp_seg *s);

/* The decoded frame as `tcpkit decode` shows its headers (malloc'd text),
 * or NULL when it cannot be decoded or memory is short. */
char *tk_rp_decode_view(const uint8_t *frame, size_t len);
struct tk_dframe;
/* The same from a frame decoded already. */
char *tk_rp_decode_view_of(const struct tk_dframe *f);

/* Sets the ISN-relative letters: end 0's first SYN sequence number is J,
 * end 1's is K (as the seeds' figures name them). Computed on demand. */
typedef struct tk_rp_isn {
    bool known[2];
    uint32_t isn[2];
} tk_rp_isn;
void tk_rp_isns(const tk_rp_conn *c, tk_rp_isn *out);

/* "SYN seq=J", "SYN+ACK seq=K ack=J+1", "ACK seq=J+1 ack=K+1 len=1000". */
void tk_rp_seg_label(const tk_rp_seg *s, const tk_rp_isn *isn, char *out, size_t cap);
/* "SYN+ACK", "FIN+ACK", "RST", "ACK", "PSH+ACK" (ECE/CWR/URG appended). */
void tk_rp_flag_names(uint8_t flags, char *out, size_t cap);

/* The pictures. Each writes one <svg> element (no XML prologue). */
void tk_rp_ladder_svg(FILE *f, const tk_rp_conn *c);
/* end: 0 or 1. */
void tk_rp_state_svg(FILE *f, const tk_rp_conn *c, int end);
/* Sequence space sent by `end` against time, with the other end's ACKs,
 * window and SACK blocks. Writes nothing when `end` sent no data. */
void tk_rp_tseq_svg(FILE *f, const tk_rp_conn *c, int end);
/* cwnd and ssthresh, then SRTT and RTO, over time for `end`; nothing
 * without samples of that end. */
void tk_rp_cc_svg(FILE *f, const tk_rp_conn *c, int end);

/* The ladder in plain text: two columns of states, arrows between them. */
void tk_rp_text_ladder(FILE *f, const tk_rp_conn *c);

/* The JSON members of one segment (no braces), OBS-8 (docs/pictures.md):
 * ["sent":s,"arrived":s|null,] "from":0,"seq":n,... ("lost" is the
 * TK_RP_LOST mark). */
void tk_rp_seg_json(FILE *f, const tk_rp_seg *s, bool times);

/* s as a JSON string, quotes included ('<' escaped: safe in <script>). */
void tk_rp_json_string(FILE *f, const char *s);

/* The whole report as one HTML page, nothing fetched. Conversations with
 * drawn == false appear in the index only. */
void tk_rp_html(FILE *f, const tk_report *r);

/* "1.234567" seconds (a time with its sign). */
void tk_rp_secs(char *out, size_t cap, int64_t us);

/* Writes s with &, <, >, " escaped (for SVG and HTML text and attributes). */
void tk_rp_xml(FILE *f, const char *s);

#endif
