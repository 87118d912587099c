/* TCP_INFO with Linux's field names and meanings (SPEC API-6), for tools
 * and tests written against Linux's struct tcp_info. Only the fields
 * tcpkit can fill honestly are here; each comment says what it holds. */
#ifndef TCPKIT_TCP_INFO_H
#define TCPKIT_TCP_INFO_H

#include <stdint.h>

#include "stack.h"

/* tcpi_state values: Linux's TCP state numbers (not enum tk_tcp_state). */
enum {
    TK_TCPI_ESTABLISHED = 1,
    TK_TCPI_SYN_SENT,
    TK_TCPI_SYN_RECV,
    TK_TCPI_FIN_WAIT1,
    TK_TCPI_FIN_WAIT2,
    TK_TCPI_TIME_WAIT,
    TK_TCPI_CLOSE,
    TK_TCPI_CLOSE_WAIT,
    TK_TCPI_LAST_ACK,
    TK_TCPI_LISTEN,
    TK_TCPI_CLOSING,
};

/* tcpi_ca_state values (Linux's TCP_CA_*). */
enum {
    TK_TCPI_CA_OPEN = 0,
    TK_TCPI_CA_DISORDER,
    TK_TCPI_CA_CWR,
    TK_TCPI_CA_RECOVERY,
    TK_TCPI_CA_LOSS
};

/* tcpi_options bits (Linux's TCPI_OPT_*). */
#define TK_TCPI_OPT_TIMESTAMPS 0x1
#define TK_TCPI_OPT_SACK       0x2
#define TK_TCPI_OPT_WSCALE     0x4
#define TK_TCPI_OPT_ECN        0x8

typedef struct tk_tcp_info {
    uint8_t tcpi_state;         /* TK_TCPI_* (Linux's numbers) */
    uint8_t tcpi_ca_state;      /* Open, Disorder (duplicate ACKs), Recovery, Loss (after an RTO) */
    uint8_t tcpi_retransmits;   /* consecutive retransmission timeouts of the oldest segment */
    uint8_t tcpi_probes;        /* unanswered zero-window or keep-alive probes */
    uint8_t tcpi_backoff;       /* RTO backoff exponent (the same timeouts) */
    uint8_t tcpi_options;       /* TK_TCPI_OPT_* negotiated */
    uint8_t tcpi_snd_wscale;    /* the peer's shift, applied to its windows */
    uint8_t tcpi_rcv_wscale;    /* ours, applied to the windows we send */
    uint32_t tcpi_rto;          /* microseconds, with backoff */
    uint32_t tcpi_ato;          /* delayed-ACK timeout, microseconds */
    uint32_t tcpi_snd_mss;      /* send MSS: the peer's, capped by ours */
    uint32_t tcpi_advmss;       /* the MSS we announced */
    uint32_t tcpi_pmtu;         /* the interface MTU */
    uint32_t tcpi_rtt;          /* smoothed RTT, microseconds (0 before a sample) */
    uint32_t tcpi_rttvar;       /* RTT variation, microseconds */
    uint32_t tcpi_snd_ssthresh; /* segments (bytes / send MSS); 0x7fffffff: not yet set */
    uint32_t tcpi_snd_cwnd;     /* segments (bytes / send MSS) */
    uint32_t tcpi_reordering;   /* duplicate ACKs that start a fast retransmit: 3 */
    /* tcpkit's own: RACK's reordering window now (RFC 8985 6.2, SPEC DT-12),
     * microseconds; 0 without RACK (no SACK, or cfg.rack off). */
    uint32_t tcpi_rack_reo_wnd;
    uint32_t tcpi_last_data_sent; /* ms since new data was last sent (0: never) */
    uint32_t tcpi_last_data_recv; /* ms since the last segment arrived (0: never) */
    uint64_t tcpi_bytes_acked;    /* bytes the peer acknowledged (SYN and FIN not counted) */
    uint64_t tcpi_bytes_received; /* bytes received in order (SYN and FIN not counted) */
    uint32_t tcpi_notsent_bytes;  /* bytes queued and never sent */
    uint32_t tcpi_snd_wnd;        /* the peer's window, bytes (scaled) */
    uint32_t tcpi_rcv_wnd;        /* the window we announced last, bytes */
    uint32_t tcpi_unacked_bytes;  /* tcpkit's own: bytes sent and not acknowledged */
    uint64_t tcpi_pacing_rate;    /* bytes per second new data is paced at; 0: not paced */
    /* tcpkit's own: the congestion controller ("cubic", "newreno"; NUL
     * terminated, as TCP_CONGESTION reads it). docs/congestion.md. The RACK
     * reordering window is tcpi_rack_reo_wnd above. */
    char tcpi_ca_name[16];
} tk_tcp_info;

/* Fills *out for the socket sd (getsockopt TCP_INFO). A socket without a
 * connection reports TK_TCPI_CLOSE (or LISTEN) and zeros. 0 or -EBADF. */
int tk_tcp_info_get(tk_stack *s, int sd, tk_tcp_info *out);

#endif
